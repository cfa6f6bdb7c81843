"""Each import is a full snapshot: a new version saying what changed; old versions never change."""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from survey.catalog.service import program_by_code
from survey.extensions import db
from survey.models import (
    Area,
    ImportStatus,
    Person,
    RosterEntry,
    RosterImport,
    RosterVersion,
    SampleDraw,
    SampleUnit,
)
from survey.rosters.service import import_roster
from tests.fixtures import roster_csv, roster_rows
from tests.survey.rosters.helpers import count, upload


def test_an_identical_file_makes_no_new_version(app, client, make_user, district):
    make_user("admin", username="boss")
    client.login("boss")
    rows = roster_rows(10)
    upload(client, app, roster_csv(rows))
    reordered = rows[::-1]  # the same people in another order is the same roster
    response = upload(client, app, roster_csv(reordered, encoding="gbk"))
    assert "完全相同" in client.get(response.location).get_data(as_text=True)
    assert count(app, RosterVersion) == 1 and count(app, RosterEntry) == 10
    assert count(app, RosterImport, RosterImport.status == ImportStatus.UNCHANGED) == 1


def test_a_new_version_says_who_was_added_removed_and_changed(app, client, make_user, district):
    make_user("admin", username="boss")
    client.login("boss")
    rows = roster_rows(10)
    upload(client, app, roster_csv(rows))
    changed = rows[:8] + roster_rows(3, seed=99)  # two removed, three added
    changed[0] = [changed[0][0], changed[0][1], "13900001111", *changed[0][3:]]
    response = upload(client, app, roster_csv(changed))
    page = client.get(response.location).get_data(as_text=True)
    assert "第2版" in page and "新增3，移除2，变更1" in page
    with app.app_context():
        versions = db.session.scalars(sa.select(RosterVersion).order_by(RosterVersion.number)).all()
        assert [v.number for v in versions] == [1, 2]
        assert (versions[1].added, versions[1].removed, versions[1].changed) == (3, 2, 1)
        program = versions[0].program_id
        for number, size in ((1, 10), (2, 11)):
            assert db.session.scalar(sa.select(sa.func.count()).where(
                RosterEntry.in_version(program, number))) == size
    # unchanged people were not copied: 10 first entries, 3 new people, 1 new entry of a change
    assert count(app, RosterEntry) == 10 + 3 + 1 and count(app, Person) == 13
    changes = client.get(response.location + "/changes").get_data(as_text=True)
    added = changes.split('id="changes-added"')[1].split("</table>")[0]
    removed = changes.split('id="changes-removed"')[1].split("</table>")[0]
    changed_part = changes.split('id="changes-changed"')[1].split("</table>")[0]
    assert added.count("<tr>") == 4 and removed.count("<tr>") == 3
    assert "139****1111" in changed_part and rows[8][1][:4] + "**********" in removed


def test_a_drawn_version_never_changes(app, make_round):
    round_id = make_round({"cataract": 6}, roster_sizes={"cataract": 12}, assign=False)
    with app.app_context():
        draw = db.session.scalar(sa.select(SampleDraw).where(SampleDraw.round_id == round_id))
        units = list(db.session.scalars(sa.select(SampleUnit).where(
            SampleUnit.draw_id == draw.id)))
        frozen = {u.entry_id: (u.entry.phone_mask, u.entry.town_id) for u in units}
        version = draw.roster_version
        program = program_by_code("cataract")
        before = set(db.session.scalars(sa.select(RosterEntry.id).where(
            RosterEntry.in_version(program.id, version.number))))
        rows = roster_rows(5, seed=500)  # every sampled person leaves, new people come
        report = import_roster(program, roster_csv(rows), "new.csv", by=None)
        assert report.ok and report.version.number == version.number + 1
        db.session.expire_all()
        after = set(db.session.scalars(sa.select(RosterEntry.id).where(
            RosterEntry.in_version(program.id, version.number))))
        assert after == before and frozen.keys() <= before
        for unit in units:
            assert (unit.entry.phone_mask, unit.entry.town_id) == frozen[unit.entry_id]
        assert draw.roster_version_id == version.id


def test_a_person_on_two_rosters_is_one_person(app, make_roster):
    rows = roster_rows(5)
    make_roster("cataract", rows=rows)
    make_roster("wubao", rows=rows[2:] + roster_rows(2, seed=3))
    assert count(app, Person) == 7 and count(app, RosterEntry) == 5 + 5


def test_unknown_places_are_created_only_when_the_admin_allows(app, client, make_user, district):
    make_user("admin", username="boss")
    client.login("boss")
    rows = roster_rows(4)
    rows[1][3], rows[1][4] = "新港街道", "新港社区"
    rows[2][4] = "新建村"  # a new village in a known town
    page = client.get(upload(client, app, roster_csv(rows)).location).get_data(as_text=True)
    assert "系统中没有这个街镇" in page and "下没有这个村居" in page
    response = upload(client, app, roster_csv(rows), create_areas="y")
    assert "/versions/" in response.location
    page = client.get(response.location).get_data(as_text=True)
    assert "新港街道" in page and "新港社区" in page and "新建村" in page
    with app.app_context():
        town = db.session.scalar(sa.select(Area).where(Area.name == "新港街道"))
        assert town.kind.value == "subdistrict" and [v.name for v in town.children] == ["新港社区"]


def test_amounts_dates_and_addresses_are_kept(app, make_roster, district):
    header = ("姓名", "身份证号", "联系电话", "街镇", "村居", "住址", "发放金额", "发放日期")
    rows = [[*r, "东门社区3号", "1,200.50", "2011年7月15日"] for r in roster_rows(2)]
    with app.app_context():
        report = import_roster(program_by_code("rural_dibao"), roster_csv(rows, header=header),
                               "a.csv", by=None)
        assert report.ok
        entry = db.session.scalars(sa.select(RosterEntry)).first()
        assert entry.amount == Decimal("1200.50") and entry.paid_on == date(2011, 7, 15)
        assert entry.address == "东门社区3号"
