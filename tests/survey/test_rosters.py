"""Roster upload through the web: a clean file becomes a version, a faulty one imports nothing."""

import io

import sqlalchemy as sa

from survey.extensions import db
from survey.models import Person, RosterEntry, RosterVersion
from survey.rosters.idnumber import check_digit
from tests.fixtures import program_id, roster_csv, roster_rows


def _upload(client, app, data: bytes, code="cataract", filename="名册.csv"):
    return client.submit("/rosters/upload", {
        "program": program_id(app, code), "file": (io.BytesIO(data), filename),
    }, page="/rosters/upload", content_type="multipart/form-data")


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_clean_file_becomes_the_programs_roster(app, client, make_user, district):
    make_user("admin", username="boss")
    client.login("boss")
    rows = roster_rows(30)
    response = _upload(client, app, roster_csv(rows))
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "第1版" in page and "共30人" in page
    with app.app_context():
        version = db.session.scalar(sa.select(RosterVersion))
        assert version.row_count == 30 and version.added == 30
    masked = rows[0][1][:4] + "**********" + rows[0][1][-4:]
    assert masked in page and rows[0][1] not in page  # ID numbers only ever shown masked
    assert rows[0][2] not in page


def test_a_bad_check_digit_imports_nothing_and_names_the_line(app, client, make_user, district):
    make_user("admin", username="boss")
    client.login("boss")
    rows = roster_rows(12)
    good = rows[4][1]
    wrong = "0" if good[-1] != "0" else "1"
    rows[4][1] = good[:17] + wrong  # line 6: the header is line 1
    rows[9][2] = "1381234567"  # line 11: a digit missing
    response = _upload(client, app, roster_csv(rows))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "未导入" in page and "校验位错误" in page and "手机号码应为11位" in page
    assert '<td class="num">6</td>' in page and '<td class="num">11</td>' in page
    assert _count(app, RosterVersion) == 0 and _count(app, Person) == 0
    assert _count(app, RosterEntry) == 0


def test_gbk_files_from_excel_are_read(app, client, make_user, district):
    make_user("admin", username="boss")
    client.login("boss")
    response = _upload(client, app, roster_csv(roster_rows(5), encoding="gbk"))
    assert response.status_code == 302 and _count(app, RosterEntry) == 5


def test_excel_scientific_notation_gets_a_hint(app, client, make_user, district):
    make_user("admin", username="boss")
    client.login("boss")
    rows = roster_rows(3)
    rows[1][1] = "3.40199E+17"
    page = _upload(client, app, roster_csv(rows)).get_data(as_text=True)
    assert "科学计数法" in page and "文本" in page and _count(app, Person) == 0


def test_the_same_person_twice_is_an_error(app, client, make_user, district):
    make_user("admin", username="boss")
    client.login("boss")
    rows = roster_rows(4)
    rows.append(list(rows[1]))
    page = _upload(client, app, roster_csv(rows)).get_data(as_text=True)
    assert "与第3行是同一个人" in page and _count(app, RosterEntry) == 0


def test_a_second_import_is_a_new_version_and_an_identical_one_is_not(app, client, make_user,
                                                                        district):
    make_user("admin", username="boss")
    client.login("boss")
    rows = roster_rows(10)
    _upload(client, app, roster_csv(rows))
    response = _upload(client, app, roster_csv(rows))
    assert "完全相同" in client.get(response.location).get_data(as_text=True)
    changed = rows[:8] + roster_rows(3, seed=99)  # two removed, three added
    changed[0] = [changed[0][0], changed[0][1], "13900001111", *changed[0][3:]]
    _upload(client, app, roster_csv(changed))
    with app.app_context():
        versions = db.session.scalars(sa.select(RosterVersion).order_by(RosterVersion.number)).all()
        assert [v.number for v in versions] == [1, 2]
        assert (versions[1].added, versions[1].removed, versions[1].changed) == (3, 2, 1)
        # version 1 still holds exactly its ten people; unchanged people were not copied
        first = db.session.scalar(sa.select(sa.func.count()).where(
            RosterEntry.in_version(versions[0].program_id, 1)))
        assert first == 10
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RosterEntry)) == 10 + 3 + 1


def test_html_in_a_file_is_shown_as_text(app, client, make_user, district):
    make_user("admin", username="boss")
    client.login("boss")
    rows = roster_rows(2)
    rows[0][3] = "<script>alert(1)</script>"
    page = _upload(client, app, roster_csv(rows)).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_only_admins_import(app, client, make_user, district):
    make_user("supervisor", username="sup")
    client.login("sup")
    assert client.get("/rosters/upload").status_code == 403


def test_the_sensitive_roster_is_hidden_from_supervisors(app, client, make_user, make_roster):
    version_id = make_roster("infectious_disease", 5)
    make_user("supervisor", username="sup")
    client.login("sup")
    assert "重大传染病" not in client.get("/rosters/").get_data(as_text=True)
    assert client.get(f"/rosters/versions/{version_id}").status_code == 403


def test_check_digit_follows_gb11643():
    # The standard's own example: 11010519491231002X
    assert check_digit("11010519491231002") == "X"
