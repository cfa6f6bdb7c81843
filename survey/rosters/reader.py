"""Open a roster file (CSV or xlsx) and stream its rows, numbered as the clerk sees them.

Row numbers are those Excel shows: the header row is line 1 when it is the first row, and a title
row above the header (common in department files) keeps its own number. CSV is decoded as it
streams. An xlsx sheet of up to ``FAST_XLSX_BYTES`` of XML (some 180,000 rows of a typical roster)
is read by calamine, a Rust reader about ten times faster than openpyxl that holds the sheet's
cells in memory (some 2.5 bytes per byte of XML); a larger one streams through openpyxl in
read-only mode, so memory stays bounded whatever the file. Both see the same values, which a test
checks: calamine gives empty cells as "" and whole numbers as floats, which the checks accept.
"""

import csv
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import ParseError

import openpyxl
import python_calamine
from defusedxml import DefusedXmlException
from openpyxl.utils.exceptions import InvalidFileException

from survey.rosters import columns, formats
from survey.rosters.formats import FileProblem

#: How many rows from the top may hold a title before the header.
HEADER_SEARCH = 10
#: Sheets with at most this much XML (uncompressed) are read by calamine, larger ones by openpyxl.
FAST_XLSX_BYTES = 64 << 20
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
        if _fits_in_memory(self.path):
            return self._open_calamine()
        try:
            self._book = openpyxl.load_workbook(self._handle, read_only=True, data_only=True)
        except (DefusedXmlException, ParseError, KeyError, OSError, ValueError, TypeError,
                zipfile.BadZipFile, InvalidFileException) as error:
            raise FileProblem(_xlsx_reason(error)) from None
        sheet = self._book[self._sheet_name(self._book.sheetnames)]
        self._max_row = sheet.max_row or 0
        self._line = 0
        return self._xlsx_rows(sheet.iter_rows(values_only=True), 0)

    def _open_calamine(self) -> Iterator[Row]:
        try:
            self._book = python_calamine.CalamineWorkbook.from_filelike(self._handle)
            names = [m.name for m in self._book.sheets_metadata
                     if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
            sheet = self._book.get_sheet_by_name(self._sheet_name(names))
        except python_calamine.CalamineError as error:
            raise FileProblem(_xlsx_reason(error)) from None
        self._max_row = sheet.total_height
        self._line = 0
        # Rows are counted from the sheet's first row, columns from its first used column.
        return self._xlsx_rows(sheet.iter_rows(), (sheet.start or (0, 0))[1])

    def _sheet_name(self, names: list[str]) -> str:
        if self.sheet and self.sheet not in names:
            raise FileProblem(f"工作簿中没有名为“{self.sheet}”的工作表；现有：" + "、".join(names))
        if not names:
            raise FileProblem("工作簿中没有工作表")
        return self.sheet or names[0]

    def _xlsx_rows(self, rows, skipped_columns: int) -> Iterator[Row]:
        blank = [None] * skipped_columns
        for self._line, cells in enumerate(rows, start=1):
            yield self._line, blank + list(cells) if blank else list(cells)

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


def _fits_in_memory(path: Path) -> bool:
    """Whether calamine may read the workbook: small enough, and every member inflating to
    exactly its declared size (calamine's unzip trusts the archive; Python's checks it)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            sheets = sum(m.file_size for m in members if m.filename.startswith("xl/worksheets/"))
            if sheets > FAST_XLSX_BYTES or sum(m.file_size for m in members) > 2 * FAST_XLSX_BYTES:
                return False
            if archive.testzip() is None:
                return True
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        pass
    raise FileProblem(_xlsx_reason(None))


def _text(value) -> str:
    return "" if value is None else str(value).strip()
