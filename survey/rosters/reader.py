"""Open a roster file (CSV or xlsx) and stream its rows, numbered as the clerk sees them.

Row numbers are those Excel shows: the header row is line 1 when it is the first row, and a title
row above the header (common in department files) keeps its own number. Nothing is read whole:
CSV is decoded as it streams, xlsx is read with openpyxl in read-only mode.
"""

import csv
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import ParseError

import openpyxl
from defusedxml import DefusedXmlException
from openpyxl.utils.exceptions import InvalidFileException

from survey.rosters import columns, formats
from survey.rosters.formats import FileProblem

#: How many rows from the top may hold a title before the header.
HEADER_SEARCH = 10
Row = tuple[int, list]


class RosterFile:
    """The header and the data rows of one file; use as a context manager."""

    def __init__(self, path: Path, kind: str, sheet: str | None = None,
                 remembered: dict[str, str] | None = None):
        self.path, self.kind, self.sheet = Path(path), kind, sheet
        self.remembered = remembered or {}
        self.size = self.path.stat().st_size
        self._handle = self._book = None
        self._rows: Iterator[Row] = iter(())
        self.header: list = []
        self.header_line = 0

    def __enter__(self) -> "RosterFile":
        try:
            rows = self._open_csv() if self.kind == "csv" else self._open_xlsx()
            self._rows = _guard(rows)
            self._find_header()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
        if self._book is not None:
            self._book.close()

    def rows(self) -> Iterator[Row]:
        """The data rows after the header, blank rows left out."""
        for line, cells in self._rows:
            if not any(cells):
                continue
            first = cells[0]
            if first.__class__ is str and first.strip() or any(
                    c.strip() if c.__class__ is str else c is not None for c in cells):
                yield line, cells

    def fraction(self) -> float:
        """How much of the file has been read, 0 to 1, for progress bars."""
        if self.kind == "csv":
            return min(self._handle.buffer.tell() / max(self.size, 1), 1.0)
        return min(self._line / max(self._max_row, 1), 1.0)

    def _open_csv(self) -> Iterator[Row]:
        self.encoding = encoding = formats.encoding_of(self.path)
        self._handle = self.path.open(encoding=encoding, newline="")
        sample = self._handle.read(65536)
        self._handle.seek(0)
        first = sample.split("\n", 1)[0]
        self.delimiter = delimiter = "\t" if first.count("\t") > first.count(",") else ","
        reader = csv.reader(self._handle, delimiter=delimiter)
        return enumerate(reader, start=1)

    def _open_xlsx(self) -> Iterator[Row]:
        # A file object, not a name: openpyxl judges a name by its extension, we by the content.
        self._handle = self.path.open("rb")
        try:
            self._book = openpyxl.load_workbook(self._handle, read_only=True, data_only=True)
        except (DefusedXmlException, ParseError, KeyError, OSError, ValueError, TypeError,
                zipfile.BadZipFile, InvalidFileException) as error:
            raise FileProblem(_xlsx_reason(error)) from None
        names = self._book.sheetnames
        if self.sheet and self.sheet not in names:
            raise FileProblem(f"工作簿中没有名为“{self.sheet}”的工作表；现有：" + "、".join(names))
        sheet = self._book[self.sheet] if self.sheet else self._book.worksheets[0]
        self._max_row = sheet.max_row or 0
        self._line = 0
        return self._xlsx_rows(sheet)

    def _xlsx_rows(self, sheet) -> Iterator[Row]:
        for self._line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield self._line, list(cells)

    def _find_header(self) -> None:
        """The first of the top rows that names two known fields, else the first non-blank one."""
        seen = []
        for line, cells in self._rows:
            if not any(c not in (None, "") for c in cells):
                continue
            seen.append((line, cells))
            if len(columns.guess(cells, self.remembered)) >= 2 or len(seen) >= HEADER_SEARCH:
                break
        if not seen:
            raise FileProblem("文件里没有任何内容" if self.kind == "csv" else "工作表是空的")
        index = next((i for i, (_, cells) in enumerate(seen)
                      if len(columns.guess(cells, self.remembered)) >= 2), 0)
        self.header_line, self.header = seen[index][0], [_text(c) for c in seen[index][1]]
        self._rows = _chain(seen[index + 1:], self._rows)


def _chain(first: list[Row], then: Iterator[Row]) -> Iterator[Row]:
    yield from first
    yield from then


def _guard(rows: Iterator[Row]) -> Iterator[Row]:
    """Turn a parser's failure into a FileProblem that names the line."""
    line = 0
    try:
        for line, cells in rows:
            yield line, cells
    except csv.Error as error:
        raise FileProblem(f"第{line + 1}行无法解析：{error}") from None
    except UnicodeDecodeError:
        raise FileProblem(f"第{line + 1}行含有无法识别的字符") from None
    except (DefusedXmlException, ParseError) as error:
        raise FileProblem(_xlsx_reason(error)) from None


def _xlsx_reason(error: BaseException | None) -> str:
    """What to tell the clerk; openpyxl wraps the parser's error, so look down the chain."""
    while error is not None:
        if isinstance(error, DefusedXmlException):
            return "Excel文件含有不安全的XML内容（实体定义），已拒绝"
        error = error.__cause__ or error.__context__
    return "Excel文件已损坏或不是有效的.xlsx工作簿"


def _text(value) -> str:
    return "" if value is None else str(value).strip()
