"""Cut a CSV file into parts at line starts, and read a part's rows.

A large CSV is read in parts by several processes (``parallel``). Cutting is done only when it is
certainly safe: a file without any quote character (so no field spans lines), in UTF-8 or
GB 18030 (where the newline byte never occurs inside a character). A part's text is then read
without the csv module: ``split_columns`` for a regular part (every line of the header's width,
none blank: almost every part of a roster), ``split_rows`` for any other.
"""

import bisect
from dataclasses import dataclass
from itertools import compress, repeat
from operator import not_
from pathlib import Path

BLOCK = 4 << 20
#: A part of about this size (some 5,000 rows, 12 MB in memory while it is sealed).
PART_BYTES = 512 << 10


@dataclass(frozen=True)
class Part:
    start: int
    end: int
    first_line: int


def plan(path: Path, encoding: str, header_line: int,
         part_bytes: int = PART_BYTES) -> list[Part] | None:
    """Byte ranges of the data rows, each starting at a line start; None if cutting is unsafe."""
    if encoding not in ("utf-8", "utf-8-sig", "gb18030"):
        return None
    blocks: list[tuple[int, int]] = []  # (offset, newlines before it)
    newlines = position = 0
    data_start = None
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            if (b'"' in block or b"\0" in block
                    or block.count(b"\r") - block.count(b"\r\n") > 0):
                return None  # a quoted field may span lines; a lone CR ends lines too; the
                # csv module refuses NUL, with a message that names the line
            count = block.count(b"\n")
            if data_start is None and newlines + count >= header_line:
                cut = -1
                for _ in range(header_line - newlines):
                    cut = block.index(b"\n", cut + 1)
                data_start = position + cut + 1
            blocks.append((position, newlines))
            newlines += count
            position += len(block)
        if data_start is None:
            return None
        starts = [data_start]
        for target in range(data_start + part_bytes, position, part_bytes):
            handle.seek(target)
            cut = handle.read(1 << 16).find(b"\n")
            if cut >= 0 and target + cut + 1 < position and target + cut + 1 > starts[-1]:
                starts.append(target + cut + 1)
        lines = [_line_at(handle, blocks, start) for start in starts]
    ends = starts[1:] + [position]
    return [Part(s, e, n) for s, e, n in zip(starts, ends, lines, strict=True)]


def _line_at(handle, blocks: list[tuple[int, int]], offset: int) -> int:
    """The line number (from 1) of the line that starts at byte ``offset``."""
    index = bisect.bisect_right([b[0] for b in blocks], offset) - 1
    start, before = blocks[index]
    handle.seek(start)
    return before + handle.read(offset - start).count(b"\n") + 1



def read(path: str, encoding: str, part: Part) -> str:
    """The text of a part."""
    with open(path, "rb") as handle:
        handle.seek(part.start)
        return handle.read(part.end - part.start).decode(
            "utf-8" if encoding == "utf-8-sig" else encoding)


def split_rows(text: str, delimiter: str, first_line: int) -> tuple[list[int], list[list]]:
    """The line numbers and cells of a part's non-blank rows.

    With no quote character in the file (see ``plan``) a CSV line is its fields joined by the
    delimiter, so str.split reads it as the csv module would, at twice its speed. Lines are split
    at "\n" only, not by splitlines(): a name may hold a Unicode line separator. A line that
    starts with something other than a delimiter or a space is not blank, without looking further.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    lines, rows = [], []
    for line, content in enumerate(text.split("\n"), start=first_line):
        if not content:
            continue
        cells = content.split(delimiter)
        head = content[0]
        if (head == delimiter or head.isspace()) and not any(c.strip() for c in cells):
            continue
        lines.append(line)
        rows.append(cells)
    return lines, rows


def split_columns(text: str, delimiter: str, first_line: int, width: int
                  ) -> tuple[list[int], list[list[str]]] | None:
    """A regular part's line numbers and its cells column by column; None if it is not regular
    (``split_rows`` reads it then), else exactly ``split_rows``' lines and rows.

    Regular: every line has ``width`` cells and none is blank (of whitespace and delimiters, left
    out by ``split_rows``), as in almost every part of a roster. Such a part is read with no Python
    step per line: one str.split at the delimiter gives the inner cells of each line and, between
    them, the last cell of a line and the first of the next joined by the line's end; each of
    these must hold exactly one "\n", then their pieces are the first and last columns.
    """
    if len(delimiter) != 1 or delimiter in "\r\n" or width < 1:
        return None  # split_rows' test of a blank line is for a single character; not a line end
    ended = text.endswith("\n")
    count = text.count("\n") + (not ended and text != "")  # lines
    if width == 1 or not count:
        return _one_column(text, delimiter, first_line, width)
    cells = text.split(delimiter)
    if len(cells) != count * (width - 1) + 1:
        return None
    joints = cells[width - 1::width - 1]  # a line's last cell, its end, the next line's first
    if set(map(str.count, joints[:-1], repeat("\n"))) - {1}:
        return None  # as many cells as in lines of width cells, but a line too long, one too short
    joined = delimiter.join(joints)
    if "\r" in joined:
        joined = joined.replace("\r\n", "\n")  # as split_rows: the delimiter makes no new "\r\n"
    outer = joined.replace("\n", delimiter).split(delimiter)  # last, first, last, ..., last
    columns = [[cells[0], *outer[1:2 * count - 2:2]],
               *(cells[column::width - 1] for column in range(1, width - 1)), outer[0::2]]
    if ("" in columns[0] or any(map(str.isspace, columns[0]))) and _blank_rows(columns):
        return None  # a blank row starts with a cell of whitespace at most
    return list(range(first_line, first_line + count)), columns


def _one_column(text: str, delimiter: str, first_line: int, width: int):
    """``split_columns`` of a part of one column, or of no line."""
    lines = (text.replace("\r\n", "\n") if "\r" in text else text).split("\n")
    if not lines[-1]:
        del lines[-1]  # the empty piece after the last newline: no line
    if not lines:
        return [], [[] for _ in range(width)]
    if delimiter in text or "" in lines or any(map(str.isspace, lines)):
        return None
    return list(range(first_line, first_line + len(lines))), [lines]


def _blank_rows(columns: list[list[str]]) -> list[int]:
    """The rows whose cells are all empty or whitespace, found column by column."""
    rows = list(compress(range(len(columns[0])), map(not_, map(str.strip, columns[0]))))
    for column in columns[1:]:
        rows = list(compress(rows, map(not_, map(str.strip, map(column.__getitem__, rows)))))
    return rows
