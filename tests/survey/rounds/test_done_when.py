"""The issue's "done when": a quarterly round for three programs at ±5 points (95%), end to end.

An admin plans it, sees why each computed size is what it is, draws; the sample verifies from the
command line; the supervisor's automatic assignment respects workloads and the cross-area rule.
"""

import re

import sqlalchemy as sa

from survey.extensions import db
from survey.models import Case, RosterEntry, SampleDraw, SampleUnit
from tests.fixtures import program_id
from tests.survey.rounds.helpers import draw, new_round, town_ids

ROSTERS = {"cataract": 400, "wubao": 250, "rural_dibao": 600}
# Cochran with fpc, e = 0.05, p = 0.5, 95%. R:
#   n0 <- qnorm(0.975)^2 * 0.25 / 0.05^2                      # 384.1459
#   for (N in c(400, 250, 600)) print(ceiling(n0 / (1 + (n0 - 1) / N)))   # 197 152 235
#   n0 / (1 + (n0 - 1) / 400)                                  # 196.2066
EXPECTED = {"cataract": 197, "wubao": 152, "rural_dibao": 235}


def test_quarterly_round_three_programs_five_points(app, client, runner, make_user, make_roster):
    for seed, (code, size) in enumerate(ROSTERS.items(), start=1):
        make_roster(code, size, seed=seed)
    make_user("admin", username="boss")
    client.login("boss")

    round_id = new_round(client, app, dict.fromkeys(ROSTERS), size_basis="program",
                         target_margin="5", confidence_level="0.95", anticipated_p="50",
                         design_effect="1", response_rate="100")
    page = client.get(f"/rounds/{round_id}").get_data(as_text=True)
    assert "草稿" in page and "季度 2011-Q3" in page
    for code, n in EXPECTED.items():  # why the size is what it is, step by step
        block = page.split(f'data-program="{code}"')[1].split("data-program=")[0]
        assert f"为什么抽{n}人（N = {ROSTERS[code]}）" in block
        assert re.search(r'data-step="n0">.*?384\.15', block, re.S)
        assert re.search(rf'data-step="n_final">.*?<td class="num">{n}</td>', block, re.S)
    assert re.search(r'data-step="n_fpc">.*?196\.21', page, re.S)
    assert "合计抽取584人" in page

    response = draw(client, round_id)
    assert "抽样完成" in client.get(response.location).get_data(as_text=True)
    with app.app_context():
        sizes = dict(db.session.execute(
            sa.select(SampleDraw.program_id, sa.func.count(SampleUnit.id)).join(SampleUnit)
            .where(SampleUnit.reserve_order.is_(None)).group_by(SampleDraw.program_id)).all())
    assert sizes == {program_id(app, code): n for code, n in EXPECTED.items()}

    result = runner.invoke(args=["sample", "verify", str(round_id)])
    assert result.exit_code == 0, result.output
    assert "核对通过" in result.output
    assert "共237个单元，237个一致" in result.output  # 197 + ⌈0.2·197⌉ reserves

    towns = town_ids(app)
    homes = ["城关街道", "金桥镇", "白沙镇", "城关街道"]
    surveyors = [make_user("surveyor", home_town_id=towns[t]) for t in homes]
    make_user("supervisor", username="chief")
    client.login("chief")
    response = client.submit(f"/rounds/{round_id}/cases/auto", page=f"/rounds/{round_id}/cases")
    assert "已自动分配584个调查任务" in client.get(response.location).get_data(as_text=True)
    with app.app_context():
        rows = db.session.execute(
            sa.select(Case.id, Case.assigned_to_id, RosterEntry.town_id)
            .join(SampleUnit, SampleUnit.case_id == Case.id)
            .join(RosterEntry, RosterEntry.id == SampleUnit.entry_id)).all()
    home = {s.id: s.home_town_id for s in surveyors}
    assert all(home[surveyor] != town for _, surveyor, town in rows)  # 异地交叉
    loads = [sum(1 for _, s, _ in rows if s == u.id) for u in surveyors]
    assert sum(loads) == 584 and max(loads) - min(loads) <= 1, loads
