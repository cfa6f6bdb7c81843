"""A round's settings: modes, window, calling hours, attempt rules, questionnaire, states."""

import re

import sqlalchemy as sa

from survey.extensions import db
from survey.models import AuditEvent, QuestionnaireVersion, Round
from tests.survey.rounds.helpers import draw, edit_round, form_fields, new_round


def test_settings_are_kept_and_shown(app, client, make_user, make_roster):
    make_roster("cataract", 30, seed=4)
    make_user("admin", username="boss")
    client.login("boss")
    round_id = new_round(client, app, {"cataract": 5}, modes=["phone", "field", "web"],
                         start_mode="field", fieldwork_start="2011-07-01",
                         fieldwork_end="2011-09-30", calling_from="08:30", calling_to="19:00",
                         max_attempts="4", replace_on=["2.11", "2.12"])
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        assert round_.modes == ["phone", "field", "web"] and round_.start_mode.value == "field"
        assert round_.max_attempts == 4 and round_.replace_on == ["2.11", "2.12"]
    page = client.get(f"/rounds/{round_id}").get_data(as_text=True)
    assert "电话抽查、实地走访、群众自助填答" in page and "任务初始方式：实地走访" in page
    assert "2011-07-01 – 2011-09-30" in page and "每日08:30–19:00拨打" in page
    assert "每种方式最多4次" in page and "拒绝访问、访问中途中断" in page
    draw(client, round_id, seed=1)
    with app.app_context():
        from survey.models import Case

        assert set(db.session.scalars(sa.select(Case.mode))) == {"field"}
    edit_round(client, round_id, max_attempts="6")  # attempt rules may change during the round
    with app.app_context():
        assert db.session.get(Round, round_id).max_attempts == 6


def test_inconsistent_settings_are_refused_with_a_reason(app, client, make_user, make_roster):
    make_roster("cataract", 30, seed=4)
    make_user("admin", username="boss")
    client.login("boss")
    data = form_fields(client.get("/rounds/new").get_data(as_text=True))
    data.update(name="x", period="2011-Q3", modes=["phone"], start_mode="web")
    from tests.fixtures import program_id

    data[f"inc_{program_id(app, 'cataract')}"] = "y"
    data[f"n_{program_id(app, 'cataract')}"] = "5"
    page = client.post("/rounds/new", data=data).get_data(as_text=True)
    assert "任务的初始调查方式必须是本轮选用的方式之一" in page
    data.update(start_mode="phone", fieldwork_start="2011-09-30", fieldwork_end="2011-07-01")
    page = client.post("/rounds/new", data=data).get_data(as_text=True)
    assert "调查结束日期不能早于开始日期" in page
    data.update(fieldwork_end="", modes=[])
    page = client.post("/rounds/new", data=data).get_data(as_text=True)
    assert "请至少选择一种调查方式" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Round)) == 0


def test_the_round_keeps_its_questionnaire_until_the_admin_moves_it(app, client, make_user,
                                                                   make_roster):
    make_roster("cataract", 30, seed=4)
    make_user("admin", username="boss")
    client.login("boss")
    round_id = new_round(client, app, {"cataract": 5})
    with app.app_context():
        first = db.session.get(Round, round_id).questionnaire_version
        newer = QuestionnaireVersion(questionnaire_id=first.questionnaire_id, number=2)
        db.session.add(newer)
        db.session.commit()
        first_id, newer_id = first.id, newer.id
    with app.app_context():
        assert db.session.get(Round, round_id).questionnaire_version_id == first_id
    page = client.get(f"/rounds/{round_id}").get_data(as_text=True)
    assert "（第1版）" in page and re.search(rf'<option value="{newer_id}">第2版', page)
    response = client.submit(f"/rounds/{round_id}/questionnaire", {"version": newer_id},
                             page=f"/rounds/{round_id}")
    assert "已改用新版本问卷" in client.get(response.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Round, round_id).questionnaire_version_id == newer_id
        event = db.session.scalar(sa.select(AuditEvent).where(
            AuditEvent.action == "round.questionnaire"))
        assert event.detail == {"old": first_id, "new": newer_id}
    response = client.submit(f"/rounds/{round_id}/questionnaire", {"version": first_id},
                             page=f"/rounds/{round_id}")
    assert "请选择本轮问卷的更新版本" in client.get(response.location).get_data(as_text=True)


def test_the_state_follows_what_happened_and_is_shown_everywhere(app, client, make_user,
                                                                make_roster):
    make_roster("cataract", 30, seed=4)
    make_user("admin", username="boss")
    caller = make_user("surveyor", username="caller")
    client.login("boss")
    round_id = new_round(client, app, {"cataract": 5})
    assert "草稿（未抽样）" in client.get("/rounds/").get_data(as_text=True)
    response = client.submit(f"/rounds/{round_id}/close", page=f"/rounds/{round_id}")
    assert "还没有抽样，不能结束" in client.get(response.location).get_data(as_text=True)
    draw(client, round_id, seed=1)
    client.submit(f"/rounds/{round_id}/cases/auto", page=f"/rounds/{round_id}")
    for url in ("/rounds/", f"/rounds/{round_id}", f"/rounds/{round_id}/cases",
                f"/rounds/{round_id}/verify", "/rounds/draws/1"):
        assert 'state-sampled">已抽样' in client.get(url).get_data(as_text=True), url
    client.login("caller")
    with app.app_context():
        from survey.models import Case

        case_id = db.session.scalar(sa.select(Case.id).where(Case.assigned_to_id == caller.id))
    client.submit(f"/fieldwork/cases/{case_id}/attempts", {"disposition": "3.13", "note": ""},
                  page=f"/fieldwork/cases/{case_id}")
    client.login("boss")
    assert 'state-fieldwork">调查中' in client.get(f"/rounds/{round_id}").get_data(as_text=True)
    response = client.submit(f"/rounds/{round_id}/close", page=f"/rounds/{round_id}")
    assert "本轮已结束。" in client.get(response.location).get_data(as_text=True)
    assert 'state-closed">已结束' in client.get("/rounds/").get_data(as_text=True)
    assert client.get(f"/rounds/{round_id}/edit").status_code == 404
    client.login("caller")
    assert f"/fieldwork/cases/{case_id}" not in client.get("/fieldwork/").get_data(as_text=True)
