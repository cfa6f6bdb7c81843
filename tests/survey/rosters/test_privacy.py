"""Privacy: no plain ID or phone number anywhere in the database; masks; an audit trail."""

import random
from datetime import datetime

import sqlalchemy as sa

from survey.extensions import db
from survey.models import AuditEvent, Case, Person, RosterEntry, User
from survey.rosters.idnumber import check_digit
from tests.survey.rosters.helpers import count, database_dump, upload, xlsx

HEADER = ("序号", "户主姓名", "公民身份号码", "联系电话", "乡镇", "村（社区）", "家庭住址",
          "发放金额（元）", "发放日期")
PLACES = [("城关街道", "东门社区"), ("金桥镇", "大王村"), ("金桥镇", "小李村"),
          ("白沙镇", "沙河村")]
NAMES = ["王秀兰", "李建国", "阿依古丽·买买提", "欧阳𠈌", "张伟", "刘芳", "陈静", "杨洋"]


def _person(rng: random.Random, index: int) -> list:
    first17 = f"340199{rng.randrange(1940, 1990)}{rng.randrange(1, 13):02d}" \
              f"{rng.randrange(1, 29):02d}{index:03d}"
    town, village = PLACES[index % len(PLACES)]
    phone = f"139{rng.randrange(10**8):08d}" if index % 5 else f"0551{rng.randrange(10**7, 10**8)}"
    return [index, NAMES[index % len(NAMES)], first17 + check_digit(first17), phone, town,
            village, f"{village}{index}号", 330.0, datetime(2011, 7, 15)]


def _department_roster(fixed: bool) -> tuple[bytes, list[list]]:
    """The rural dibao list of a town, as Excel gives it: title row, typed cells, typical faults."""
    rng = random.Random(2011)
    rows = [_person(rng, i) for i in range(1, 41)]
    good = [list(r) for r in rows]
    if not fixed:
        # title on line 1, header on line 2: rows[k] is on line k + 3 (k + 4 after the blank)
        rows[3][2] = float(rows[3][2].replace("X", "0"))  # line 6: the column was not Text
        rows[8][2] = rows[8][2][:17] + ("1" if rows[8][2][17] != "1" else "2")  # line 11
        rows[12][3] = rows[12][3][:-1] if rows[12][3].startswith("1") else "1390000"  # line 15
        rows[20][2] = rows[4][2]  # line 24: the person of line 7 again
        rows[25][5] = "不存在村"  # line 29
    rows[30][2] = "３４" + rows[30][2][2:-1] + rows[30][2][-1].lower()  # full width, lower x
    rows.insert(15, [None] * 9)  # a blank row stays a blank row
    return xlsx(rows, header=HEADER, title="2011年农村低保发放名册（第三季度）"), good


def test_no_plain_id_or_phone_number_anywhere_in_the_database(app, client, make_user, district,
                                                              upload_dir):
    make_user("admin", username="boss")
    client.login("boss")
    faulty, people = _department_roster(fixed=False)
    job_url = upload(client, app, faulty, code="rural_dibao", filename="低保.xlsx").location
    page = client.get(job_url).get_data(as_text=True)
    assert "未导入：文件中有5处错误" in page
    assert "与第7行是同一个人" in page and "科学计数法" in page
    for line in (6, 11, 15, 24, 29):
        assert f'<td class="num">{line}</td>' in page
    assert count(app, Person) == 0
    fixed, _ = _department_roster(fixed=True)
    response = upload(client, app, fixed, code="rural_dibao", filename="低保（改）.xlsx")
    assert "/versions/" in response.location and count(app, RosterEntry) == 40
    assert count(app, RosterEntry, RosterEntry.name == "欧阳𠈌") == 5
    text, blobs = database_dump(app)
    numbers = [p[2] for p in people] + [p[3] for p in people]
    for number in numbers:
        assert number not in text and number.encode() not in blobs
        assert number.lower() not in text
    assert not any(upload_dir.iterdir())  # the imported upload is not kept either


def test_the_surveyor_sees_the_full_phone_once_audited(app, client, make_user, make_round):
    surveyor = make_user("surveyor", username="li")
    round_id = make_round({"cataract": 2}, roster_sizes={"cataract": 4})
    with app.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.round_id == round_id,
                                                       Case.assigned_to_id == surveyor.id))
        entry = db.session.scalar(sa.select(RosterEntry).where(
            RosterEntry.person_id == case.person_id))
        from survey.privacy import Vault

        phone = Vault.from_app().decrypt(entry.phone_encrypted)
        case_id, person_id = case.id, case.person_id
    client.login("li")
    page = client.get(f"/fieldwork/cases/{case_id}").get_data(as_text=True)
    assert phone in page
    with app.app_context():
        events = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.action == "person.reveal")).all()
        assert [(e.user_id, e.object_id) for e in events] == [(surveyor.id, person_id)]


def test_the_sensitive_roster_is_hidden_from_supervisors(app, client, make_user, make_roster):
    version_id = make_roster("infectious_disease", 5)
    make_user("supervisor", username="sup")
    client.login("sup")
    assert "重大传染病" not in client.get("/rosters/").get_data(as_text=True)
    assert client.get(f"/rosters/versions/{version_id}").status_code == 403
    assert client.get(f"/rosters/versions/{version_id}/changes").status_code == 403
    make_user("admin", username="boss")
    client.login("boss")
    assert client.get(f"/rosters/versions/{version_id}").status_code == 200


def test_imports_are_audited(app, make_roster):
    make_roster("cataract", 3)
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "roster.import"))
        assert event.detail["rows"] == 3 and event.detail["program"] == "cataract"
        assert db.session.get(User, event.user_id) is None if event.user_id else True
