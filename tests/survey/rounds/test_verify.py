"""`flask --app wsgi sample verify ROUND` redraws from the record and compares unit by unit."""

import sqlalchemy as sa

from survey.extensions import db
from survey.models import Person, SampleDraw, SampleUnit, User
from tests.survey.rounds.helpers import draw, new_round


def _stratified_round(app, client, make_user, make_roster) -> int:
    make_roster("cataract", 120, seed=4)
    make_roster("wubao", 90, seed=5)
    make_user("admin", username="boss")
    client.login("boss")
    round_id = new_round(client, app, {"cataract": 30, "wubao": 20}, design="stratified",
                         coordination="avoid")
    draw(client, round_id, seed=20111001)
    return round_id


def test_verify_passes_on_an_untouched_sample_even_after_fieldwork(app, client, runner,
                                                                  make_user, make_roster):
    round_id = _stratified_round(app, client, make_user, make_roster)
    caller = make_user("surveyor", username="caller")
    client.submit(f"/rounds/{round_id}/cases/auto", page=f"/rounds/{round_id}")
    with app.app_context():  # a refusal releases a reserve: the sample's facts do not change
        from survey.fieldwork.service import record_attempt
        from survey.models import Case

        case = db.session.scalar(sa.select(Case).where(Case.assigned_to_id == caller.id))
        record_attempt(case, db.session.get(User, caller.id), "2.11", "", case.mode)
    result = runner.invoke(args=["sample", "verify", str(round_id)])
    assert result.exit_code == 0, result.output
    assert "核对通过" in result.output and "不一致：" not in result.output
    assert result.output.count("  一致") >= 50 + 12  # every unit and reserve, line by line
    quiet = runner.invoke(args=["sample", "verify", str(round_id), "--quiet"])
    assert quiet.exit_code == 0 and "  一致" not in quiet.output
    page = client.get(f"/rounds/{round_id}/verify").get_data(as_text=True)
    assert page.count('data-ok="yes"') == 2


def test_verify_fails_when_a_unit_was_changed_in_the_database(app, client, runner, make_user,
                                                             make_roster):
    round_id = _stratified_round(app, client, make_user, make_roster)
    with app.app_context():
        unit = db.session.scalar(sa.select(SampleUnit).where(SampleUnit.reserve_order.is_(None))
                                 .order_by(SampleUnit.id))
        outsider = db.session.scalar(sa.select(Person).where(Person.id.not_in(
            sa.select(SampleUnit.person_id).where(SampleUnit.draw_id == unit.draw_id))))
        swapped_mask, kept_mask = outsider.id_mask, unit.person.id_mask
        unit.person_id = outsider.id  # someone swapped a drawn person for another
        db.session.commit()
    result = runner.invoke(args=["sample", "verify", str(round_id)])
    assert result.exit_code == 1
    assert "核对未通过" in result.output
    assert f"{kept_mask}" in result.output and "数据库中缺少这个单元" in result.output
    assert f"{swapped_mask}" in result.output and "重新抽样时没有抽到这个单元" in result.output
    page = client.get(f"/rounds/{round_id}/verify").get_data(as_text=True)
    assert 'data-ok="no"' in page and "数据库中缺少这个单元" in page


def test_verify_names_a_changed_weight_and_a_changed_seed(app, client, runner, make_user,
                                                         make_roster):
    round_id = _stratified_round(app, client, make_user, make_roster)
    with app.app_context():
        unit = db.session.scalar(sa.select(SampleUnit).order_by(SampleUnit.id))
        unit.weight = unit.weight * 2
        draw_row = db.session.scalar(sa.select(SampleDraw).order_by(SampleDraw.id.desc()))
        draw_row.seed += 1
        db.session.commit()
    result = runner.invoke(args=["sample", "verify", str(round_id), "--quiet"])
    assert result.exit_code == 1
    assert "权重为" in result.output and "项目种子不能由本轮种子推出" in result.output


def test_verify_of_an_unknown_or_undrawn_round_says_so(app, runner, client, make_user,
                                                       make_roster):
    assert "没有编号为99的调查轮次" in runner.invoke(args=["sample", "verify", "99"]).output
    make_roster("cataract", 20, seed=4)
    make_user("admin", username="boss")
    client.login("boss")
    round_id = new_round(client, app, {"cataract": 5})
    result = runner.invoke(args=["sample", "verify", str(round_id)])
    assert result.exit_code == 1 and "还没有抽样" in result.output


def test_a_sample_drawn_before_the_plan_existed_still_verifies(app, runner, make_round):
    round_id = make_round({"cataract": 10}, roster_sizes={"cataract": 40}, assign=False)
    with app.app_context():  # the foundation recorded only these parameters
        draw_row = db.session.scalar(sa.select(SampleDraw))
        draw_row.params = {"round_seed": str(draw_row.round_seed), "n": 10, "n_reserves": 2}
        db.session.commit()
    result = runner.invoke(args=["sample", "verify", str(round_id)])
    assert result.exit_code == 0 and "共12个单元，12个一致" in result.output
