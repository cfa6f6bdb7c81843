"""Versions: frozen at the first answer, copy on write, and figures that read every version."""

import sqlalchemy as sa

from survey.extensions import db
from survey.models import Case, Question, QuestionnaireVersion, Response, Round, User
from survey.questionnaires import service
from survey.reports.service import round_figures
from tests.fixtures import interview_answers
from tests.survey.questionnaires.test_builder import question_data

SATISFACTION = [("satisfied", "非常满意"), ("fairly_satisfied", "比较满意"), ("neutral", "一般"),
                ("fairly_dissatisfied", "不太满意"), ("dissatisfied", "很不满意"),
                ("unsure", "说不上来")]


def _interview(app, client, case_id, **answers):
    url = f"/fieldwork/cases/{case_id}/interview"
    response = client.submit(url, interview_answers(app, case_id, **answers), page=url)
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]


def _reword(client, version_id, text="您对“{program}”的服务满意吗？"):
    page = f"/questionnaires/versions/{version_id}"
    data = question_data("program", "satisfaction", "satisfaction", text, role="satisfaction",
                         options=[(c, zh, "", c != "unsure") for c, zh in SATISFACTION])
    return client.submit(f"{page}/questions/satisfaction", data, page=page)


def test_rewording_after_the_first_answers_makes_a_version_and_the_figures_read_both(
        app, client, make_user, make_round):
    make_user("surveyor", username="me")
    make_user("admin", username="boss")
    round_id = make_round({"cataract": 12}, roster_sizes={"cataract": 24})
    with app.app_context():
        cases = db.session.scalars(sa.select(Case.id).order_by(Case.id)).all()
        v1 = db.session.get(Round, round_id).questionnaire_version_id
    client.login("me")
    for case_id in cases[:6]:
        _interview(app, client, case_id, satisfaction="satisfied")

    client.login("boss")
    response = _reword(client, v1)
    assert response.status_code == 302
    assert "第1版已有答卷，已冻结不变；修改保存为第2版" in client.get(
        response.location).get_data(as_text=True)
    with app.app_context():
        v2 = service.latest(db.session.get(QuestionnaireVersion, v1).questionnaire).id
        texts = dict(db.session.execute(sa.select(Question.version_id, Question.text_zh).where(
            Question.code == "satisfaction", Question.version_id.in_([v1, v2]))).all())
    assert texts == {v1: "您对“{program}”的实施情况是否满意？", v2: "您对“{program}”的服务满意吗？"}
    # the round moves to the new version for the interviews still to do
    page = client.get(f"/questionnaires/versions/{v2}").get_data(as_text=True)
    assert "此后改用第2版" in page
    client.submit(f"/questionnaires/versions/{v2}/adopt/{round_id}",
                  page=f"/questionnaires/versions/{v2}")

    client.login("me")
    html = client.get(f"/fieldwork/cases/{cases[6]}/interview").get_data(as_text=True)
    assert "的服务满意吗？" in html and "很不满意" in html
    for case_id in cases[6:]:
        _interview(app, client, case_id, satisfaction="dissatisfied")

    with app.app_context():
        per_version = dict(db.session.execute(sa.select(
            Response.questionnaire_version_id, sa.func.count()).group_by(
            Response.questionnaire_version_id)).all())
        assert per_version == {v1: 6, v2: 6}
        admin = db.session.scalar(sa.select(User).where(User.username == "boss"))
        (cataract,) = round_figures(db.session.get(Round, round_id), admin)
    satisfaction = cataract.figures["satisfaction"]
    assert (satisfaction.n, satisfaction.estimate) == (12, 0.5)  # 6 on v1 + 6 on v2
    assert cataract.figures["awareness"].n == 12
    assert cataract.figures["score"].estimate == 50.0
    client.login("boss")
    assert "50.0%" in client.get(f"/reports/rounds/{round_id}").get_data(as_text=True)


def test_a_version_without_answers_is_edited_in_place_and_a_used_one_is_frozen(
        app, client, make_user, make_round):
    make_user("surveyor", username="me")
    make_user("admin", username="boss")
    round_id = make_round({"cataract": 2})
    with app.app_context():
        v1 = db.session.get(Round, round_id).questionnaire_version_id
        case_id = db.session.scalar(sa.select(Case.id).order_by(Case.id))
    client.login("boss")
    assert "尚无答卷，可直接修改" in client.get(f"/questionnaires/versions/{v1}").get_data(
        as_text=True)
    assert _reword(client, v1).location.endswith(f"/questionnaires/versions/{v1}")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(QuestionnaireVersion)
                                 .where(QuestionnaireVersion.questionnaire_id == db.session.get(
                                     QuestionnaireVersion, v1).questionnaire_id)) == 1
    client.login("me")
    _interview(app, client, case_id)
    with app.app_context():
        assert db.session.get(QuestionnaireVersion, v1).frozen_at is not None
    client.login("boss")
    page = client.get(f"/questionnaires/versions/{v1}").get_data(as_text=True)
    assert "已冻结：有答卷，不再改变" in page and "任何修改都会保存为第2版" in page
    assert not _reword(client, v1, "满意吗？").location.endswith(f"/versions/{v1}")
    # the old version is read-only now: an edit sent to it is refused
    response = _reword(client, v1, "还满意吗？")
    assert response.status_code == 200
    assert "只能修改最新版本（第2版）" in response.get_data(as_text=True)
    assert "这是旧版本，只读" in client.get(f"/questionnaires/versions/{v1}").get_data(
        as_text=True)


def test_moving_a_round_only_goes_forward_within_its_questionnaire(app, client, make_user,
                                                                    make_round):
    make_user("admin", username="boss")
    round_id = make_round({"cataract": 2}, assign=False)
    with app.app_context():
        public = service.latest_versions()[1].id
    client.login("boss")
    page = f"/questionnaires/versions/{public}"
    response = client.submit(f"{page}/adopt/{round_id}", page=page)
    assert "只能改用同一问卷的更新版本" in client.get(response.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Round, round_id).questionnaire_version_id != public


def test_a_new_title_alone_makes_no_new_version(app, admin):
    with app.app_context():
        version = service.latest_versions()[0]
        version.frozen_at = version.created_at
        db.session.commit()
        vid = version.id
    page = f"/questionnaires/versions/{vid}/header"
    response = admin.submit(page, {"code": "standard_phone", "title_zh": "电话回访问卷",
                                   "title_en": "Phone check", "audience": "roster"}, page=page)
    assert response.location.endswith(f"/questionnaires/versions/{vid}")
    with app.app_context():
        questionnaire = db.session.get(QuestionnaireVersion, vid).questionnaire
        assert questionnaire.title_zh == "电话回访问卷" and len(questionnaire.versions) == 1
