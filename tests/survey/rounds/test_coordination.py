"""Coordination across rounds by permanent random numbers: avoid recent rounds, or keep a panel."""

import sqlalchemy as sa

from survey.extensions import db
from survey.models import SampleDraw
from tests.survey.rounds.helpers import draw, drawn_people, new_round


def _round(client, app, name: str, seed: int, **plan) -> int:
    round_id = new_round(client, app, {"cataract": 30}, name=name, **plan)
    response = draw(client, round_id, seed=seed)
    assert "抽样完成" in client.get(response.location).get_data(as_text=True)
    return round_id


def _people(app, round_id: int) -> set[int]:
    (people,) = drawn_people(app, round_id).values()
    return people


def test_avoiding_recent_rounds_asks_nobody_twice_while_the_fractions_allow(app, client,
                                                                           make_user, make_roster):
    make_roster("cataract", 120, seed=4)
    make_user("admin", username="boss")
    client.login("boss")
    rounds = [_round(client, app, f"2011年{m}月", 100 + m, coordination="avoid",
                     coordination_rounds=str(k)) for m, k in ((7, 1), (8, 1), (9, 2), (10, 3))]
    samples = [_people(app, r) for r in rounds]
    assert all(len(s) == 30 for s in samples)
    assert len(set().union(*samples)) == 120  # four quarters of the roster, nobody twice
    with app.app_context():  # nobody was excluded: each is a simple random sample of all 120
        for draw_row in db.session.scalars(sa.select(SampleDraw)):
            assert draw_row.population == 120
            assert {u.inclusion_probability for u in draw_row.units
                    if u.reserve_order is None} == {0.25}
    fifth = new_round(client, app, {"cataract": 30}, name="2011年11月", coordination="avoid",
                      coordination_rounds="4")
    page = client.get(f"/rounds/{fifth}").get_data(as_text=True)
    assert "最近4轮与本轮的抽样比例合计125%，超过100%，无法完全避开已抽中的人" in page
    draw(client, fifth, seed=5)
    assert _people(app, fifth) == samples[0]  # the rotation wraps round to the first quarter
    with app.app_context():
        last = db.session.scalar(sa.select(SampleDraw).order_by(SampleDraw.id.desc()))
    sample_page = client.get(f"/rounds/draws/{last.id}").get_data(as_text=True)
    assert "与本项目前4轮样本重复30人" in sample_page


def test_a_panel_keeps_the_people_of_the_programs_last_round(app, client, make_user,
                                                            make_roster):
    make_roster("cataract", 120, seed=4)
    make_user("admin", username="boss")
    client.login("boss")
    first = _round(client, app, "第一季度", 1, coordination="avoid")
    panel = _round(client, app, "第二季度（固定样本）", 2, coordination="panel")
    independent = _round(client, app, "第三季度", 3)
    assert _people(app, panel) == _people(app, first)
    assert _people(app, independent) != _people(app, first)


def test_the_first_coordinated_round_starts_where_its_seed_says(app, client, make_user,
                                                               make_roster):
    make_roster("cataract", 120, seed=4)
    make_user("admin", username="boss")
    client.login("boss")
    one = _round(client, app, "甲", 11, coordination="avoid")
    with app.app_context():
        params = db.session.scalar(sa.select(SampleDraw.params))
    assert params["prn"] is True and params["coordination"]["previous_draw"] is None
    assert params["strata"]["all"]["start"] == (params_seed(app) % 2**53) * 2.0**-53
    assert len(_people(app, one)) == 30


def params_seed(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(SampleDraw.seed))
