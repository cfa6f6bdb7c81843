"""The issue's "Done when", end to end through the web.

An admin imports a questionnaire with a per-program block and skip logic, previews it in each mode,
surveyors answer it, the admin rewords a question after the first answers (a new version), and the
round's figures read the answers of both versions.
"""

import io
import json

import sqlalchemy as sa

from survey.extensions import db
from survey.models import Case, QuestionnaireVersion, Response, Round, User
from survey.questionnaires import service, xlsform
from survey.reports.service import round_figures
from tests.fixtures import interview_answers
from tests.survey.questionnaires.test_builder import question_data


def _office_spec() -> dict:
    """The standard questionnaire with an extra skip: the amount, asked of those who received."""
    spec = json.loads(service.SHIPPED[0].read_text(encoding="utf-8"))
    block = spec["sections"][1]["questions"]
    block.insert(3, {"code": "amount", "role": "amount", "type": "number", "required": False,
                     "text_zh": "您领到了多少元？", "text_en": "How much did you receive?",
                     "min_value": 0, "max_value": 100000, "program_kinds": ["cash"],
                     "condition": {"question": "received", "in": ["yes"]}})
    return spec


def test_import_preview_answer_reword_and_read_both_versions(app, client, make_user,
                                                             make_round):
    make_user("admin", username="boss")
    make_user("surveyor", username="me")
    client.login("boss")
    workbook = xlsform.write(_office_spec(), 1)
    response = client.submit("/questionnaires/import",
                             {"file": (io.BytesIO(workbook), "office.xlsx")},
                             page="/questionnaires/import", content_type="multipart/form-data")
    assert response.status_code == 302
    version_page = response.location
    vid = int(version_page.rsplit("/", 1)[1])
    seen_in = {"phone": "正在对民生工程", "field": "核对身份", "web": "您领到了多少元"}
    for mode, seen in seen_in.items():
        html = client.get(f"/questionnaires/versions/{vid}/preview/{mode}").get_data(as_text=True)
        assert seen in html and "农村居民最低生活保障" in html, mode
        assert 'data-show-values="yes"' in html  # the amount waits for "received: yes"

    round_id = make_round({"wubao": 12}, roster_sizes={"wubao": 20})
    with app.app_context():
        assert db.session.get(Round, round_id).questionnaire_version_id == vid
        cases = db.session.scalars(sa.select(Case.id).order_by(Case.id)).all()
    client.login("me")
    for case_id in cases[:6]:
        url = f"/fieldwork/cases/{case_id}/interview"
        data = interview_answers(app, case_id, awareness="know")
        data.update({k.replace("_received", "_amount"): "1200" for k in list(data)
                     if k.endswith("_received")})
        assert client.submit(url, data, page=url).status_code == 302

    client.login("boss")
    page = f"/questionnaires/versions/{vid}"
    awareness = question_data("program", "awareness", "awareness", "您听说过“{program}”吗？",
                              role="awareness", options=[("know", "很了解", "", True),
                                                         ("heard", "听说过", "", True),
                                                         ("unaware", "没听说过", "", True)])
    written = client.submit(f"{page}/questions/awareness", awareness, page=page).location
    v2 = int(written.rsplit("/", 1)[1])
    assert v2 != vid
    client.submit(f"/questionnaires/versions/{v2}/adopt/{round_id}", page=written)

    client.login("me")
    for case_id in cases[6:]:
        url = f"/fieldwork/cases/{case_id}/interview"
        assert "您听说过“农村五保供养”吗？" in client.get(url).get_data(as_text=True)
        data = interview_answers(app, case_id, awareness="unaware")
        assert client.submit(url, data, page=url).status_code == 302

    with app.app_context():
        versions = db.session.execute(sa.select(Response.questionnaire_version_id,
                                                sa.func.count()).group_by(
            Response.questionnaire_version_id)).all()
        assert sorted(versions) == [(vid, 6), (v2, 6)]
        assert db.session.get(QuestionnaireVersion, vid).frozen_at is not None
        boss = db.session.scalar(sa.select(User).where(User.username == "boss"))
        (wubao,) = round_figures(db.session.get(Round, round_id), boss)
    assert (wubao.figures["awareness"].n, wubao.figures["awareness"].estimate) == (12, 0.5)
    assert wubao.figures["delivery"].n == 12  # both versions, read by role

