"""Planning a round and drawing its sample through the web."""

import sqlalchemy as sa

from survey.extensions import db
from survey.models import Case, Round, SampleDraw, SampleUnit
from tests.fixtures import program_id
from tests.survey.rounds.helpers import drawn_people as _drawn_people
from tests.survey.rounds.helpers import new_round


def _new_round(client, app, sizes, name="2011年第三季度电话抽查") -> int:
    return new_round(client, app, sizes, name=name)


def _draw(client, round_id: int, seed: int):
    return client.submit(f"/rounds/{round_id}/draw", {"seed": seed}, page=f"/rounds/{round_id}")


def test_a_round_draws_each_programs_sample_from_its_own_roster(app, client, make_user,
                                                                 make_roster):
    make_roster("cataract", 40, seed=1)
    make_roster("wubao", 60, seed=2)
    make_user("admin", username="boss")
    client.login("boss")
    round_id = _new_round(client, app, {"cataract": 10, "wubao": 15})
    page = client.get(f"/rounds/{round_id}").get_data(as_text=True)
    assert "草稿" in page
    response = _draw(client, round_id, 20110701)
    assert "抽样完成" in client.get(response.location).get_data(as_text=True)
    drawn = _drawn_people(app, round_id)
    assert sorted(len(v) for v in drawn.values()) == [10, 15]
    with app.app_context():
        draw = db.session.scalar(sa.select(SampleDraw).where(
            SampleDraw.program_id == program_id(app, "cataract")))
        assert draw.population == 40 and draw.round_seed == 20110701
        units = db.session.scalars(sa.select(SampleUnit).where(
            SampleUnit.draw_id == draw.id, SampleUnit.reserve_order.is_(None))).all()
        assert {u.inclusion_probability for u in units} == {10 / 40}
        assert {u.weight for u in units} == {4.0}
        reserves = db.session.scalars(sa.select(SampleUnit.reserve_order).where(
            SampleUnit.draw_id == draw.id, SampleUnit.reserve_order.is_not(None))).all()
        assert sorted(reserves) == [1, 2]
    assert "已抽样" in client.get(f"/rounds/{round_id}").get_data(as_text=True)


def test_the_same_seed_and_roster_give_the_same_people(app, client, make_user, make_roster):
    make_roster("cataract", 50)
    make_user("admin", username="boss")
    client.login("boss")
    first, second, third = (_new_round(client, app, {"cataract": 12}, name=f"r{i}")
                            for i in range(3))
    _draw(client, first, 424242)
    _draw(client, second, 424242)
    _draw(client, third, 424243)
    a, b, c = (_drawn_people(app, r) for r in (first, second, third))
    assert a == b
    assert a != c


def test_a_person_on_two_drawn_rosters_gets_one_case(app, client, make_user, make_roster):
    make_roster("cataract", 20, seed=5)
    make_roster("wubao", 20, seed=5)  # the same twenty people
    make_user("admin", username="boss")
    client.login("boss")
    round_id = _new_round(client, app, {"cataract": 20, "wubao": 20})
    _draw(client, round_id, 7)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 20
        per_case = db.session.execute(sa.select(SampleUnit.case_id, sa.func.count())
                                      .where(SampleUnit.case_id.is_not(None))
                                      .group_by(SampleUnit.case_id)).all()
        assert {n for _, n in per_case} == {2}


def test_a_sample_is_drawn_once(app, client, make_user, make_roster):
    make_roster("cataract", 30)
    make_user("admin", username="boss")
    client.login("boss")
    round_id = _new_round(client, app, {"cataract": 5})
    _draw(client, round_id, 1)
    response = _draw(client, round_id, 2)
    assert "不能重复抽样" in client.get(response.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SampleDraw)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 5


def test_a_sample_larger_than_the_roster_is_refused(app, client, make_user, make_roster):
    make_roster("cataract", 8)
    make_user("admin", username="boss")
    client.login("boss")
    round_id = _new_round(client, app, {"cataract": 9})
    response = _draw(client, round_id, 1)
    assert "少于样本量" in client.get(response.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SampleDraw)) == 0


def test_cases_are_balanced_over_the_active_surveyors(app, client, make_user, make_roster):
    make_roster("cataract", 30)
    make_user("admin", username="boss")
    one, two, three = make_user("surveyor"), make_user("surveyor"), make_user("surveyor")
    gone_id = make_user("surveyor", username="gone").id
    client.login("boss")
    client.submit(f"/users/{gone_id}/toggle", page="/users/")
    round_id = _new_round(client, app, {"cataract": 9})
    _draw(client, round_id, 3)
    client.submit(f"/rounds/{round_id}/cases/auto", page=f"/rounds/{round_id}")
    with app.app_context():
        counts = dict(db.session.execute(sa.select(Case.assigned_to_id, sa.func.count())
                                         .group_by(Case.assigned_to_id)).all())
    assert gone_id not in counts and None not in counts
    assert [counts[u.id] for u in (one, two, three)] == [3, 3, 3]


def test_surveyors_and_viewers_cannot_plan_rounds(app, client, make_user):
    make_user("surveyor", username="s")
    client.login("s")
    assert client.get("/rounds/new").status_code == 403
    assert client.get("/rounds/").status_code == 403


def test_round_records_who_created_it(app, client, make_user, make_roster):
    make_roster("cataract", 10)
    boss = make_user("admin", username="boss")
    client.login("boss")
    round_id = _new_round(client, app, {"cataract": 3})
    with app.app_context():
        assert db.session.get(Round, round_id).created_by_id == boss.id
