"""The sample builder: sizes from a margin, allocations, reserves, expected margins, refusals."""

import re

import pytest
import sqlalchemy as sa

from sampling import designs, size
from survey.extensions import db
from survey.models import Round, SampleDraw, SampleUnit
from survey.rounds.frame import load_frame
from tests.fixtures import program_id
from tests.survey.rounds.helpers import draw, edit_round, new_round, town_ids


def _strata_table(page: str, code: str) -> dict[str, tuple[int, int, int, str]]:
    """Town name -> (N_h, n_h, reserves, expected margin) as the preview shows them."""
    block = page.split(f'data-program="{code}"')[1].split("data-program=")[0]
    rows = re.findall(r'<tr data-stratum="[^"]+"><td>(\S+).*?<td class="num">(\d+)</td>'
                      r'<td class="num">(\d+)</td><td class="num">(\d+)</td>'
                      r'<td class="num">([^<]+)</td>', block, re.S)
    return {name: (int(a), int(b), int(c), margin) for name, a, b, c, margin in rows}


@pytest.fixture
def admin(client, make_user):
    make_user("admin", username="boss")
    client.login("boss")


@pytest.mark.parametrize("allocation, minimum", [
    ("proportional", ""), ("neyman", ""), ("equal", ""), ("proportional", "30")])
def test_the_preview_allocates_as_the_sampling_library(app, client, admin, make_roster,
                                                       allocation, minimum):
    make_roster("wubao", 500, seed=3)
    towns = town_ids(app)
    round_id = new_round(client, app, {"wubao": 120}, design="stratified", allocation=allocation,
                         minimum_per_stratum=minimum, reserve_percent="10",
                         **{f"p_town_{towns['白沙镇']}": "10"})
    page = client.get(f"/rounds/{round_id}").get_data(as_text=True)
    table = _strata_table(page, "wubao")
    with app.app_context():
        from survey.catalog.service import program_by_code

        counts = load_frame(program_by_code("wubao")).town_counts()
    names = {str(v): k for k, v in towns.items()}
    anticipated = {label: 0.1 if names[label] == "白沙镇" else 0.5 for label in counts}
    expected = designs.allocate(counts, 120, method=allocation, anticipated=anticipated,
                                minimum=int(minimum) if minimum else None)
    assert {names[label]: n for label, n in expected.items()} == \
        {name: row[1] for name, row in table.items()}
    for label, n_h in expected.items():
        big_n, _, reserves, margin = table[names[label]]
        assert big_n == counts[label] and reserves == -(-n_h // 10)
        e = size.margin(n_h, p=anticipated[label], population=big_n)
        assert margin == f"±{e * 100:.1f}"
    if allocation == "neyman":  # the small-p town needs fewer people than its share
        assert table["白沙镇"][1] < 120 * table["白沙镇"][0] / 500


def test_per_town_sizes_give_each_town_its_own_margin(app, client, admin, make_roster):
    make_roster("cataract", 300, seed=4)
    round_id = new_round(client, app, {"cataract": None}, design="stratified", size_basis="town",
                         target_margin="10", response_rate="80")
    page = client.get(f"/rounds/{round_id}").get_data(as_text=True)
    table = _strata_table(page, "cataract")
    # R: n0 <- qnorm(0.975)^2*0.25/0.1^2; ceiling(n0/(1+(n0-1)/120)/0.8)  -> 67 (N_h = 120)
    #    ceiling(n0/(1+(n0-1)/60)/0.8)   -> 47 (N_h = 60)
    assert {n: row[:2] for n, row in table.items()} == {
        "城关街道": (120, 67), "金桥镇": (120, 67), "白沙镇": (60, 47)}
    assert "为什么是67人" in page and "为什么是47人" in page
    draw(client, round_id, seed=5)
    with app.app_context():
        counts = dict(db.session.execute(
            sa.select(SampleUnit.stratum, sa.func.count()).where(SampleUnit.reserve_order.is_(None))
            .group_by(SampleUnit.stratum)).all())
        draw_row = db.session.scalar(sa.select(SampleDraw))
        assert draw_row.params["precision"]["margin"] == 0.1
    towns = town_ids(app)
    assert counts == {str(towns["城关街道"]): 67, str(towns["金桥镇"]): 67,
                      str(towns["白沙镇"]): 47}


@pytest.mark.parametrize("changes, message", [
    ({"design": "simple_random", "size_basis": "town"}, "按街镇计算样本量需要选择分层抽样"),
    ({"design": "stratified", "minimum_per_stratum": "20"},
     "每个街镇至少20人需要样本量至少50，现为30"),
    ({"design": "systematic", "coordination": "avoid"}, "样本轮换（永久随机数）只能用于"),
    ({"size_basis": "fixed", "n": ""}, "没有填写样本量"),
    ({"size_basis": "fixed", "n": "51"}, "名册只有50人，少于样本量51"),
])
def test_a_plan_that_cannot_be_drawn_says_why_and_draws_nothing(app, client, admin, make_roster,
                                                                changes, message):
    make_roster("cataract", 50, seed=4)
    changes = dict(changes)  # the parameters are shared by both databases' runs
    n = changes.pop("n", "30")
    round_id = new_round(client, app, {"cataract": n or None}, **changes)
    page = client.get(f"/rounds/{round_id}").get_data(as_text=True)
    assert message in page and 'name="seed"' not in page
    response = client.submit(f"/rounds/{round_id}/draw", {"seed": 1}, page=f"/rounds/{round_id}")
    assert message in client.get(response.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SampleDraw)) == 0


def test_pps_without_enough_amounts_is_refused(app, client, admin, make_roster):
    make_roster("cataract", 20, seed=4)  # the test roster has no amounts at all
    round_id = new_round(client, app, {"cataract": 5}, design="pps")
    page = client.get(f"/rounds/{round_id}").get_data(as_text=True)
    assert "填写了发放金额的只有0人，少于样本量5" in page


def test_the_plan_can_change_until_the_draw_and_not_after(app, client, admin, make_roster):
    make_roster("cataract", 60, seed=4)
    make_roster("wubao", 60, seed=5)
    round_id = new_round(client, app, {"cataract": 10})
    edit_round(client, round_id, design="stratified", **{f"inc_{program_id(app, 'wubao')}": "y",
                                                         f"n_{program_id(app, 'wubao')}": "12"})
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        assert round_.design.value == "stratified"
        assert sorted(rp.sample_size for rp in round_.programs) == [10, 12]
    draw(client, round_id, seed=9)
    page = client.get(f"/rounds/{round_id}/edit").get_data(as_text=True)
    assert "抽样方案和项目不能再修改" in page and 'name="design"' not in page
    response = edit_round(client, round_id, name="改名后的轮次", design="pps")
    assert response.status_code == 302
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        assert round_.name == "改名后的轮次" and round_.design.value == "stratified"
