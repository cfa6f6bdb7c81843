"""The supervisor's assignment page: balancing, cross-area rule, villages, bulk actions, export."""

import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from survey.extensions import db
from survey.models import AuditEvent, Case, RosterEntry, SampleUnit, User
from survey.privacy import Vault
from tests.survey.rounds.helpers import draw, new_round, town_ids


def _drawn_round(app, client, size=20, roster=100, **plan) -> int:
    client.login("boss")
    round_id = new_round(client, app, {"wubao": size}, name=plan.pop("name", "轮次"), **plan)
    draw(client, round_id, seed=size)
    return round_id


@pytest.fixture
def office(app, make_user, make_roster):
    make_roster("wubao", 100, seed=3)
    make_user("admin", username="boss")
    make_user("supervisor", username="chief")


def _holders(app, round_id: int) -> list[tuple[int, int | None, int, int | None]]:
    """(case id, surveyor, town, village) of every case of the round."""
    with app.app_context():
        return db.session.execute(
            sa.select(Case.id, Case.assigned_to_id, RosterEntry.town_id, RosterEntry.village_id)
            .join(SampleUnit, SampleUnit.case_id == Case.id)
            .join(RosterEntry, RosterEntry.id == SampleUnit.entry_id)
            .where(Case.round_id == round_id)).all()


def test_balancing_counts_the_open_cases_of_other_rounds(app, client, make_user, office):
    busy, free = make_user("surveyor", username="busy"), make_user("surveyor", username="free")
    make_user("surveyor", username="off")
    client.login("boss")
    first = _drawn_round(app, client, size=10, name="七月")
    with app.app_context():
        db.session.execute(sa.update(Case).where(Case.round_id == first)
                           .values(assigned_to_id=busy.id))
        db.session.execute(sa.update(User).where(User.username == "off").values(active=False))
        db.session.commit()
    second = _drawn_round(app, client, size=20, name="八月")
    client.login("chief")
    client.submit(f"/rounds/{second}/cases/auto", page=f"/rounds/{second}/cases")
    counts = {}
    for _, surveyor, _, _ in _holders(app, second):
        counts[surveyor] = counts.get(surveyor, 0) + 1
    assert counts == {busy.id: 5, free.id: 15}  # 10 + 5 = 15 each
    page = client.get(f"/rounds/{second}/cases").get_data(as_text=True)
    table = page.split('id="workloads"')[1].split("</table>")[0]
    assert f'data-surveyor="{busy.id}"' in table and "15" in table


def test_field_visits_go_village_by_village(app, client, make_user, office):
    make_user("surveyor", username="a")
    make_user("surveyor", username="b")
    round_id = _drawn_round(app, client, size=30, modes=["field"], start_mode="field")
    client.login("chief")
    client.submit(f"/rounds/{round_id}/cases/auto", page=f"/rounds/{round_id}/cases")
    by_village: dict[int, set[int]] = {}
    for _, surveyor, _, village in _holders(app, round_id):
        by_village.setdefault(village, set()).add(surveyor)
    assert len(by_village) == 5 and all(len(s) == 1 for s in by_village.values())
    assert len(set().union(*by_village.values())) == 2


def test_nobody_is_given_people_of_their_home_town(app, client, make_user, office):
    towns = town_ids(app)
    locals_ = [make_user("surveyor", home_town_id=towns["白沙镇"]) for _ in range(2)]
    round_id = _drawn_round(app, client, size=30)
    client.login("chief")
    response = client.submit(f"/rounds/{round_id}/cases/auto", page=f"/rounds/{round_id}/cases")
    page = client.get(response.location).get_data(as_text=True)
    rows = _holders(app, round_id)
    baisha = [case for case, _, town, _ in rows if town == towns["白沙镇"]]
    assert baisha and all(s is None for _, s, t, _ in rows if t == towns["白沙镇"])
    assert all(s in {u.id for u in locals_} for _, s, t, _ in rows if t != towns["白沙镇"])
    assert f"白沙镇{len(baisha)}个" in page and "没有符合异地交叉规则的调查员" in page
    assert "白沙镇" in page.split('id="stranded"')[1].split("</div>")[0]
    # by hand, the rule holds too: nothing is assigned when one case breaks it
    outsider = next(case for case, _, t, _ in rows if t != towns["白沙镇"])
    response = client.submit(f"/rounds/{round_id}/cases/bulk", {
        "cases": [outsider, baisha[0]], "action": "assign", "surveyor": locals_[0].id,
    }, page=f"/rounds/{round_id}/cases")
    assert "按异地交叉规则不能调查本街镇的对象" in client.get(response.location).get_data(
        as_text=True)
    assert dict((c, s) for c, s, _, _ in _holders(app, round_id))[baisha[0]] is None


def test_bulk_reassign_and_unassign(app, client, make_user, office):
    one, two = make_user("surveyor", username="one"), make_user("surveyor", username="two")
    round_id = _drawn_round(app, client, size=10)
    client.login("chief")
    client.submit(f"/rounds/{round_id}/cases/auto", page=f"/rounds/{round_id}/cases")
    mine = [c for c, s, _, _ in _holders(app, round_id) if s == one.id]
    url, page = f"/rounds/{round_id}/cases/bulk", f"/rounds/{round_id}/cases"
    response = client.submit(url, {"cases": mine, "action": "assign", "surveyor": two.id,
                                   "f_surveyor": str(one.id)}, page=page)
    assert response.location.endswith(f"/rounds/{round_id}/cases?surveyor={one.id}")
    assert {s for _, s, _, _ in _holders(app, round_id)} == {two.id}
    client.submit(url, {"cases": mine[:2], "action": "unassign"}, page=page)
    assert sum(1 for _, s, _, _ in _holders(app, round_id) if s is None) == 2
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEvent.action).where(
            AuditEvent.action.like("cases.%"))).all()
    assert {"cases.assign_auto", "cases.assign", "cases.unassign"} <= set(actions)
    response = client.submit(url, {"action": "unassign"}, page=page)
    assert "请先勾选要处理的调查任务" in client.get(response.location).get_data(as_text=True)
    listing = client.get(f"/rounds/{round_id}/cases?surveyor=none").get_data(as_text=True)
    assert listing.count('<tr data-case="') == 2
    # every case the filter selects, without ticking them one by one
    town = _holders(app, round_id)[0][2]
    client.submit(url, {"action": "assign", "surveyor": one.id, "all_filtered": "y",
                        "f_town": str(town)}, page=page)
    held = {(t, s) for _, s, t, _ in _holders(app, round_id)}
    assert {s for t, s in held if t == town} == {one.id}
    assert {s for t, s in held if t != town} <= {two.id, None}


def test_the_call_list_export_is_masked_and_audited(app, client, make_user, office):
    make_user("surveyor", username="one")
    round_id = _drawn_round(app, client, size=6)
    client.login("chief")
    client.submit(f"/rounds/{round_id}/cases/auto", page=f"/rounds/{round_id}/cases")
    response = client.get(f"/rounds/{round_id}/cases/call-list.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:4] == ("任务编号", "姓名", "身份证号", "联系电话") and len(rows) == 2 + 6
    text = " ".join(str(v) for row in rows for v in row if v is not None)
    with app.app_context():
        vault = Vault.from_app()
        for case in db.session.scalars(sa.select(Case)):
            entry = case.units[0].entry
            full_id, phone = vault.decrypt(case.person.id_encrypted), vault.decrypt(
                entry.phone_encrypted)
            assert full_id not in text and phone not in text and case.person.name not in text
            assert case.person.id_mask in text and entry.phone_mask in text
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "cases.export"))
        assert event.detail == {"cases": 6, "masked": True}


def test_only_supervisors_and_admins_assign(app, client, make_user, office):
    make_user("surveyor", username="caller")
    make_user("viewer", username="look")
    round_id = _drawn_round(app, client, size=5)
    for username in ("caller", "look"):
        client.login(username)
        assert client.get(f"/rounds/{round_id}/cases").status_code == 403
        assert client.get(f"/rounds/{round_id}/cases/call-list.xlsx").status_code == 403
        response = client.submit(f"/rounds/{round_id}/cases/auto", page="/auth/password")
        assert response.status_code == 403
    client.login("chief")
    assert client.get(f"/rounds/{round_id}/cases").status_code == 200
    assert client.submit(f"/rounds/{round_id}/draw", {"seed": 1},
                         page=f"/rounds/{round_id}/cases").status_code == 403
    assert client.get("/rounds/new").status_code == 403
