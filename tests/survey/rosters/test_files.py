"""Anything that is not a real CSV or xlsx is refused, and read safely: no zip bomb, no entities."""

import io
import zipfile

import pytest

from survey.models import ImportStatus, RosterEntry, RosterImport
from tests.fixtures import roster_csv, roster_rows
from tests.survey.rosters.helpers import count, upload, xlsx

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    '<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
)


def _rezip(data: bytes, replace: dict[str, bytes] | None = None, extra: int = 0) -> bytes:
    """The workbook ``data`` with some members replaced and ``extra`` small members added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(
            out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, (replace or {}).get(item.filename, src.read(item)))
        for index in range(extra):
            dst.writestr(f"xl/media/pad{index}.bin", b"x")
    return out.getvalue()


def _refusal(app, client, make_user, data: bytes, filename: str) -> str:
    make_user("admin", username="boss")
    client.login("boss")
    response = upload(client, app, data, filename=filename)
    assert response.status_code == 302 and "/imports/" in response.location
    page = client.get(response.location).get_data(as_text=True)
    assert "未导入" in page and count(app, RosterEntry) == 0
    assert count(app, RosterImport, RosterImport.status == ImportStatus.REFUSED) == 1
    return page


def _zeros_bomb() -> bytes:
    good = xlsx(roster_rows(2))
    return _rezip(good, {"xl/worksheets/sheet1.xml": b"<a>" + b"0" * (30 << 20) + b"</a>"})


@pytest.mark.parametrize("data, filename, reason", [
    (b"%PDF-1.4 binary", "名册.csv", "这是PDF文件"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "名册.xlsx", "另存为”.xlsx"),
    (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "名册.csv", "含有二进制内容"),
    (b"", "名册.csv", "文件是空的"),
    (roster_csv([]), "名册.csv", "没有可导入的数据行"),
    (b"name,id\n\xff\xff\x80\n", "名册.csv", "无法识别文件编码"),
])
def test_files_that_are_not_rosters(app, client, make_user, district, data, filename, reason):
    assert reason in _refusal(app, client, make_user, data, filename)


def test_a_zip_that_is_not_a_workbook(app, client, make_user, district):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("名册.csv", roster_csv(roster_rows(3)))
    assert "不是Excel（.xlsx）工作簿" in _refusal(app, client, make_user, out.getvalue(), "a.xlsx")


def test_a_zip_bomb_is_refused_before_it_is_inflated(app, client, make_user, district):
    page = _refusal(app, client, make_user, _zeros_bomb(), "名册.xlsx")
    assert "压缩比异常" in page and "压缩炸弹" in page


def test_a_workbook_of_thousands_of_members_is_refused(app, client, make_user, district):
    data = _rezip(xlsx(roster_rows(2)), extra=2001)
    assert "不像正常的工作簿" in _refusal(app, client, make_user, data, "名册.xlsx")


def test_billion_laughs_is_refused_not_expanded(app, client, make_user, district):
    data = _rezip(xlsx(roster_rows(2)), {"xl/worksheets/sheet1.xml": BILLION_LAUGHS.encode()})
    assert "不安全的XML内容" in _refusal(app, client, make_user, data, "名册.xlsx")


def test_a_broken_workbook_is_refused(app, client, make_user, district):
    data = xlsx(roster_rows(2))
    assert "已损坏" in _refusal(app, client, make_user, data[: len(data) // 2], "名册.xlsx")


def test_a_typed_excel_roster_with_numbers_for_ids(app, client, make_user, district):
    rows = roster_rows(4)
    rows[1][1] = float(rows[1][1])  # what Excel does to a General-format column: 3.40199E+17
    rows[2][2] = int(rows[2][2])  # a phone number cell is harmless
    page = _refusal(app, client, make_user, xlsx(rows), "名册.xlsx")
    assert '<td class="num">3</td>' in page and "文本" in page and "科学计数法" in page
    assert "第4行" not in page and page.count('class="num">4<') == 0
