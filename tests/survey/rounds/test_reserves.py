"""Reserves: a case ending without an interview is replaced by the next reserve of its stratum."""

import sqlalchemy as sa

from survey.extensions import db
from survey.fieldwork.service import case_programs, case_state, record_attempt
from survey.models import AuditEvent, Case, RosterEntry, SampleDraw, SampleUnit, User
from survey.rounds import assign
from tests.survey.rounds.helpers import draw, new_round, town_ids


def _setup(app, client, make_user, make_roster, **plan) -> tuple[int, User]:
    make_roster("wubao", 100, seed=3)
    make_user("admin", username="boss")
    caller = make_user("surveyor", username="caller")
    client.login("boss")
    round_id = new_round(client, app, {"wubao": 20}, **plan)
    draw(client, round_id, seed=8)
    client.submit(f"/rounds/{round_id}/cases/auto", page=f"/rounds/{round_id}")
    return round_id, caller


def _attempt(client, case_id: int, code: str):
    page = f"/fieldwork/cases/{case_id}"
    return client.submit(f"{page}/attempts", {"disposition": code, "note": ""}, page=page)


def _first_case(app, user_id: int) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Case.id).where(Case.assigned_to_id == user_id)
                                 .order_by(Case.id))


def test_a_refusal_releases_the_next_reserve_of_the_same_stratum(app, client, make_user,
                                                                make_roster):
    round_id, caller = _setup(app, client, make_user, make_roster, design="stratified")
    case_id = _first_case(app, caller.id)
    client.login("caller")
    _attempt(client, case_id, "2.11")
    with app.app_context():
        (replaced,) = db.session.scalars(sa.select(SampleUnit).where(SampleUnit.case_id == case_id))
        first = db.session.scalar(sa.select(SampleUnit).where(
            SampleUnit.draw_id == replaced.draw_id, SampleUnit.stratum == replaced.stratum,
            SampleUnit.reserve_order == 1))
        assert first.replaces_id == replaced.id and first.released_at is not None
        new_case = db.session.get(Case, first.case_id)
        assert new_case.id != case_id and new_case.round_id == round_id
        assert new_case.assigned_to_id == caller.id  # same stratum, the rule allows it
        assert (first.weight, first.inclusion_probability, first.stratum_population) == (
            replaced.weight, replaced.inclusion_probability, replaced.stratum_population)
        assert replaced.case_id == case_id  # the non-respondent stays, for the response rates
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "sample.release")) == 1
    queue = client.get("/fieldwork/").get_data(as_text=True)
    assert f"/fieldwork/cases/{new_case.id}" in queue
    client.login("boss")
    with app.app_context():
        draw_id = db.session.scalar(sa.select(SampleDraw.id))
    assert "已启用，替换" in client.get(f"/rounds/draws/{draw_id}").get_data(as_text=True)


def test_the_attempt_limit_ends_a_case_and_replaces_it(app, client, make_user, make_roster):
    round_id, caller = _setup(app, client, make_user, make_roster, max_attempts="2")
    case_id = _first_case(app, caller.id)
    client.login("caller")
    _attempt(client, case_id, "3.13")
    assert "联系中" in client.get(f"/fieldwork/cases/{case_id}").get_data(as_text=True)
    _attempt(client, case_id, "3.12")
    assert "已结束" in client.get(f"/fieldwork/cases/{case_id}").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SampleUnit).where(
            SampleUnit.replaces_id.is_not(None))) == 1
    response = _attempt(client, case_id, "3.13")
    assert "不能再记录接触" in client.get(response.location).get_data(as_text=True)


def test_an_outcome_the_round_does_not_replace_can_move_to_a_field_visit(app, client, make_user,
                                                                        make_roster):
    round_id, caller = _setup(app, client, make_user, make_roster, modes=["phone", "field"],
                              replace_on=["2.11", "limit"])
    case_id = _first_case(app, caller.id)
    client.login("caller")
    _attempt(client, case_id, "3.90")  # wrong number: ends the phone case, no reserve
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SampleUnit).where(
            SampleUnit.replaces_id.is_not(None))) == 0
    client.login("boss")
    page = f"/rounds/{round_id}/cases"
    response = client.submit(f"/rounds/{round_id}/cases/bulk",
                             {"cases": case_id, "action": "mode", "mode": "field"}, page=page)
    assert "已处理1个调查任务" in client.get(response.location).get_data(as_text=True)
    client.login("caller")
    html = client.get(f"/fieldwork/cases/{case_id}").get_data(as_text=True)
    assert "联系中" in html and "实地走访" in html
    _attempt(client, case_id, "2.11")  # the visit is refused: now a reserve comes
    with app.app_context():
        attempts = db.session.get(Case, case_id).attempts
        assert [(a.mode.value, a.disposition) for a in attempts] == [
            ("phone", "3.90"), ("field", "2.11")]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SampleUnit).where(
            SampleUnit.replaces_id.is_not(None))) == 1
    client.login("boss")
    response = client.submit(f"/rounds/{round_id}/cases/bulk",
                             {"cases": case_id, "action": "mode", "mode": "phone"}, page=page)
    assert "已由备选替换的任务不能改变调查方式" in client.get(response.location).get_data(
        as_text=True)


def test_a_reserve_already_in_the_round_joins_their_open_case(app, client, make_user,
                                                             make_roster):
    make_roster("cataract", 20, seed=5)
    make_roster("wubao", 20, seed=5)  # the same twenty people
    make_user("admin", username="boss")
    caller = make_user("surveyor", username="caller")
    client.login("boss")
    round_id = new_round(client, app, {"cataract": 20, "wubao": 10}, reserve_percent="50")
    draw(client, round_id, seed=3)
    client.submit(f"/rounds/{round_id}/cases/auto", page=f"/rounds/{round_id}")
    with app.app_context():
        user = db.session.get(User, caller.id)
        case = db.session.scalar(sa.select(Case).join(SampleUnit, SampleUnit.case_id == Case.id)
                                 .group_by(Case.id).having(sa.func.count() == 2))
        record_attempt(case, user, "2.11", "", case.mode)
        released = db.session.scalar(sa.select(SampleUnit).where(
            SampleUnit.replaces_id.is_not(None)))
        joined = db.session.get(Case, released.case_id)
        assert joined.id != case.id and len(joined.units) == 2
        assert sorted(p.code for p in case_programs(joined)) == ["cataract", "wubao"]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 20
        # cataract drew its whole roster: no reserve left for that unit, and the log says so
        assert db.session.scalar(sa.select(AuditEvent.detail).where(
            AuditEvent.action == "sample.reserves_exhausted"))["draw"] is not None
        # a reserve whose person's case has already ended is passed over
        record_attempt(joined, user, "2.11", "", joined.mode)
        chosen = db.session.scalar(sa.select(SampleUnit).where(
            SampleUnit.replaces_id == released.id))
        assert chosen is not None and chosen.reserve_order > released.reserve_order
        assert case_state(db.session.get(Case, chosen.case_id)).value == "new"


def test_a_substitute_from_the_surveyors_home_town_waits_for_the_supervisor(app, client,
                                                                           make_user, make_roster):
    make_roster("wubao", 100, seed=3)
    make_user("admin", username="boss")
    client.login("boss")
    round_id = new_round(client, app, {"wubao": 20})
    draw(client, round_id, seed=8)
    towns = town_ids(app)
    with app.app_context():
        first = db.session.scalar(sa.select(SampleUnit).where(SampleUnit.reserve_order == 1))
        home = first.entry.town_id
        other = db.session.scalar(
            sa.select(Case).join(SampleUnit, SampleUnit.case_id == Case.id)
            .join(RosterEntry, RosterEntry.id == SampleUnit.entry_id)
            .where(RosterEntry.town_id != home).order_by(Case.id))
        other_id = other.id
    name = next(n for n, i in towns.items() if i == home)
    caller = make_user("surveyor", username="caller", home_town_id=home)
    with app.app_context():
        boss = db.session.scalar(sa.select(User).where(User.username == "boss"))
        assign.assign_cases(db.session.get(Case, other_id).round, [other_id], caller.id, by=boss)
        case = db.session.get(Case, other_id)
        record_attempt(case, db.session.get(User, caller.id), "2.11", "", case.mode)
        substitute = db.session.get(Case, db.session.scalar(
            sa.select(SampleUnit.case_id).where(SampleUnit.reserve_order == 1)))
        assert substitute.assigned_to_id is None
    page = client.get(f"/rounds/{round_id}/cases").get_data(as_text=True)
    assert "异地交叉规则" in page and name in page.split('id="stranded"')[1].split("</div>")[0]
