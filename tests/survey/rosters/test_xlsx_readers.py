"""The two xlsx readers (calamine for ordinary sheets, openpyxl for huge ones) read the same file
the same way: the same lines, cells, typed values and therefore the same import outcome."""

import io
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from survey.rosters import reader
from survey.rosters.reader import RosterFile
from tests.fixtures import roster_rows


def _tricky_workbook(path: Path) -> None:
    """Data from column B on, a title and a blank row above the header, typed cells, a blank
    row among the data, a second sheet, and a cell far right of the rest."""
    book = Workbook()
    first = book.active
    first.title = "说明"
    first["A1"] = "本工作簿第二张表是名册"
    sheet = book.create_sheet("名册")
    sheet["B1"] = "2011年农村低保对象名册"
    header = ["姓名", "身份证号", "联系电话", "街镇", "村居", "发放金额", "发放日期"]
    for column, name in enumerate(header, start=2):
        sheet.cell(row=3, column=column, value=name)
    rows = roster_rows(4)
    values = [
        [*rows[0], 120, datetime(2011, 5, 15)],
        [*rows[1][:2], int(rows[1][2]), *rows[1][3:], 85.5, date(2011, 6, 1)],
        None,
        [rows[2][0], float(rows[2][1]), *rows[2][2:], "260元", "2011/07/15"],
        [" " + rows[3][0] + " ", rows[3][1].lower(), "", *rows[3][3:], None, "2011-13-01"],
    ]
    for line, cells in enumerate(values, start=4):
        for column, value in enumerate(cells or [], start=2):
            sheet.cell(row=line, column=column, value=value)
    sheet.cell(row=9, column=12, value="备注")
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())


def _read(path: Path) -> tuple[int, list, list]:
    with RosterFile(path, "xlsx", sheet="名册") as roster:
        return roster.header_line, roster.header, [
            (line, [None if cell == "" else cell for cell in cells]) for line, cells in
            roster.rows()]


def test_calamine_and_openpyxl_read_a_tricky_sheet_alike(tmp_path, monkeypatch):
    path = tmp_path / "名册.xlsx"
    _tricky_workbook(path)
    fast = _read(path)
    monkeypatch.setattr(reader, "FAST_XLSX_BYTES", 0)
    slow = _read(path)
    assert fast[0] == slow[0] == 3
    assert fast[1] == slow[1]
    assert [line for line, _ in fast[2]] == [line for line, _ in slow[2]] == [4, 5, 7, 8, 9]
    for (_, quick), (_, careful) in zip(fast[2], slow[2], strict=True):
        width = max(len(quick), len(careful))
        quick += [None] * (width - len(quick))
        careful += [None] * (width - len(careful))
        # Whole numbers come as floats from calamine and ints from openpyxl; dates as date or
        # datetime: the same values all the same.
        assert [_same(c) for c in quick] == [_same(c) for c in careful]


def _same(cell):
    if isinstance(cell, datetime):
        return cell.date() if cell.time() == datetime.min.time() else cell
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return float(cell)
    return cell


@pytest.mark.parametrize("fast", [True, False], ids=["calamine", "openpyxl"])
def test_both_readers_give_the_same_import_report(app, district, tmp_path, monkeypatch, fast):
    from survey.catalog.service import program_by_code
    from survey.rosters.service import import_file

    if not fast:
        monkeypatch.setattr(reader, "FAST_XLSX_BYTES", 0)
    path = tmp_path / "名册.xlsx"
    _tricky_workbook(path)
    with app.app_context():
        report = import_file(program_by_code("cataract"), path, by=None, sheet="名册")
        problems = sorted((e.line, e.column, e.reason) for e in report.errors)
    # Line 9 holds only a note far to the right: a row, so its empty fields are reported.
    assert [(line, column) for line, column, _ in problems] == sorted([
        (7, "身份证号"), (8, "发放日期"), (9, "姓名"), (9, "身份证号"), (9, "街镇")])
    assert "文本" in problems[0][2] and "日期" in problems[1][2]
