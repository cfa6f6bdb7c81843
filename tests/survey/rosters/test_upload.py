"""Roster upload through the web: a clean file becomes a version, a faulty one imports nothing."""

import csv
import io

from survey.models import ImportStatus, Person, RosterEntry, RosterImport, RosterVersion
from tests.fixtures import roster_csv, roster_rows
from tests.survey.rosters.helpers import count, upload, wrong_check_digit, xlsx


def test_a_clean_file_becomes_the_programs_roster(app, client, make_user, district):
    make_user("admin", username="boss")
    client.login("boss")
    rows = roster_rows(30)
    response = upload(client, app, roster_csv(rows))
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "第1版" in page and "共30人" in page and "名册已导入" in page
    assert count(app, RosterVersion) == 1 and count(app, RosterEntry) == 30
    masked = rows[0][1][:4] + "**********" + rows[0][1][-4:]
    assert masked in page and rows[0][1] not in page  # ID numbers only ever shown masked
    assert rows[0][2] not in page and rows[0][2][:3] + "****" + rows[0][2][-4:] in page


def test_a_faulty_file_imports_nothing_and_the_report_names_every_bad_line(
        app, client, make_user, district):
    make_user("admin", username="boss")
    client.login("boss")
    rows = roster_rows(12)
    rows[4][1] = wrong_check_digit(rows[4][1])  # line 6: the header is line 1
    rows[9][2] = "1381234567"  # line 11: a digit missing
    rows[10][3] = "不存在镇"  # line 12
    response = upload(client, app, roster_csv(rows))
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "未导入：文件中有3处错误" in page
    assert "校验位错误" in page and "手机号码应为11位" in page and "系统中没有这个街镇" in page
    for line in (6, 11, 12):
        assert f'<td class="num">{line}</td>' in page
    assert rows[4][1] not in page and rows[4][1][:4] + "**********" in page  # masked value
    assert "138***4567" in page  # the short phone, masked
    assert count(app, RosterVersion) == 0 and count(app, Person) == 0
    assert count(app, RosterEntry) == 0


def test_the_report_downloads_as_a_csv_excel_opens(app, client, make_user, district):
    make_user("admin", username="boss")
    client.login("boss")
    rows = roster_rows(5)
    rows[2][1] = wrong_check_digit(rows[2][1])
    rows[3][0] = "=HYPERLINK(\"http://x\")"  # a formula in a name is not a formula in the report
    rows[3][2] = "12"
    job_url = upload(client, app, roster_csv(rows)).location
    response = client.get(job_url + "/problems.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers[
        "Content-Disposition"]
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text[1:])))
    assert table[0] == ["行号", "列", "内容（已脱敏）", "问题"]
    assert [r[0] for r in table[1:]] == ["4", "5"]
    assert table[1][1] == "身份证号" and "校验位" in table[1][3]
    assert all(not cell.startswith("=") for r in table for cell in r)


def test_the_admin_may_then_import_only_the_valid_rows(app, client, make_user, district):
    make_user("admin", username="boss")
    client.login("boss")
    rows = roster_rows(10)
    rows[3][1] = wrong_check_digit(rows[3][1])
    rows.append(list(rows[0]))  # line 12 repeats line 2
    job_url = upload(client, app, roster_csv(rows)).location
    page = client.get(job_url).get_data(as_text=True)
    assert "只导入9个有效行" in page and count(app, RosterEntry) == 0
    response = client.submit(job_url + "/valid-only", page=job_url)
    assert response.status_code == 302 and "/versions/" in response.location
    assert count(app, RosterEntry) == 9 and count(app, Person) == 9
    assert count(app, RosterVersion, RosterVersion.row_count == 9) == 1
    page = client.get(job_url).get_data(as_text=True)  # the refused import is still on record
    assert "未导入" in page and "只导入9个有效行" not in page


def test_gbk_gb18030_utf8_bom_and_utf16_files_are_read(app, client, make_user, district):
    make_user("admin", username="boss")
    client.login("boss")
    rows = roster_rows(4)
    rows[0][0] = "欧阳𠈌"  # outside the Basic Multilingual Plane: GB 18030 has it, GBK not
    text = "\r\n".join(",".join(r) for r in [list(("姓名", "身份证号", "联系电话", "街镇", "村居")),
                                            *rows]) + "\r\n"
    files = {"cataract": roster_csv(roster_rows(4, seed=5), encoding="gbk"),
             "rural_dibao": text.encode("gb18030"),
             "wubao": text.encode("utf-8-sig"),
             "severe_disability": text.replace(",", "\t").encode("utf-16")}
    for code, data in files.items():
        response = upload(client, app, data, code=code)
        assert "/versions/" in response.location, (code, client.get(
            response.location).get_data(as_text=True)[-800:])
    assert count(app, RosterVersion) == 4
    assert count(app, RosterEntry, RosterEntry.name == "欧阳𠈌") == 3


def test_excel_scientific_notation_gets_a_hint(app, client, make_user, district):
    make_user("admin", username="boss")
    client.login("boss")
    rows = roster_rows(3)
    rows[1][1] = "3.40199E+17"
    page = client.get(upload(client, app, roster_csv(rows)).location).get_data(as_text=True)
    assert "科学计数法" in page and "文本" in page and count(app, Person) == 0


def test_the_same_person_twice_is_an_error(app, client, make_user, district):
    make_user("admin", username="boss")
    client.login("boss")
    rows = roster_rows(4)
    rows.append(list(rows[1]))
    rows[-1][1] = " " + rows[-1][1].lower() + " "  # spaces and case do not hide a duplicate
    page = client.get(upload(client, app, roster_csv(rows)).location).get_data(as_text=True)
    assert "与第3行是同一个人" in page and '<td class="num">6</td>' in page
    assert count(app, RosterEntry) == 0


def test_html_in_a_file_is_shown_as_text(app, client, make_user, district):
    make_user("admin", username="boss")
    client.login("boss")
    rows = roster_rows(2)
    rows[0][3] = "<script>alert(1)</script>"
    page = client.get(upload(client, app, roster_csv(rows)).location).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_only_admins_import(app, client, make_user):
    make_user("supervisor", username="sup")
    client.login("sup")
    assert client.get("/rosters/upload").status_code == 403


def test_an_upload_over_the_limit_is_refused_with_a_message(app, client, make_user, district):
    make_user("admin", username="boss")
    client.login("boss")
    app.config["MAX_CONTENT_LENGTH"] = 4096
    response = upload(client, app, roster_csv(roster_rows(200)))
    assert response.status_code == 413 and "上传的文件太大" in response.get_data(as_text=True)
    assert count(app, RosterImport) == 0


def test_an_xlsx_with_a_title_row_and_a_chosen_sheet(app, client, make_user, district):
    make_user("admin", username="boss")
    client.login("boss")
    rows = roster_rows(6)
    rows[2][1] = wrong_check_digit(rows[2][1])  # Excel row 5: title, header, then data
    data = xlsx(rows, title="2011年白内障复明工程受益名册", sheet="名册")
    page = client.get(upload(client, app, data, filename="名册.xlsx").location).get_data(
        as_text=True)
    assert '<td class="num">5</td>' in page and "校验位错误" in page
    page = client.get(upload(client, app, data, filename="名册.xlsx", sheet="汇总").location
                      ).get_data(as_text=True)
    assert "没有名为“汇总”的工作表" in page and "名册" in page
    rows[2] = roster_rows(7)[6]
    response = upload(client, app, xlsx(rows, title="标题", sheet="名册"), filename="a.xlsx",
                      sheet="名册")
    assert "/versions/" in response.location and count(app, RosterEntry) == 6
    assert count(app, RosterImport, RosterImport.status == ImportStatus.DONE) == 1
