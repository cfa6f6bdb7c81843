"""A full interview through the web: every type, two programs' blocks, skip logic, server checks."""

import pytest
import sqlalchemy as sa

from survey.catalog.service import program_by_code
from survey.extensions import db
from survey.models import Answer, Case, Mode, Response, SampleUnit
from survey.questionnaires import service
from tests.survey.questionnaires.conftest import EVERY_TYPE


@pytest.fixture
def two_program_case(app, make_user, make_round):
    """A surveyor's case asking the every-type questionnaire about wubao (cash) and cataract.

    The standard questionnaire's unused first version is rewritten with every type. A person drawn
    for two programs gets one case; here the cataract unit is moved onto a wubao case to get one.
    """
    surveyor = make_user("surveyor", username="me")
    with app.app_context():
        standard = service.latest_versions()[0]
        service.save(standard, {**EVERY_TYPE, "code": "standard_phone"}, by=None)
    make_round({"wubao": 1, "cataract": 1}, roster_sizes={"wubao": 3, "cataract": 3})
    with app.app_context():
        wubao, cataract = program_by_code("wubao"), program_by_code("cataract")
        cases = db.session.scalars(sa.select(Case).where(Case.assigned_to_id == surveyor.id)
                                   .order_by(Case.id)).all()
        first = cases[0]
        for unit in db.session.scalars(sa.select(SampleUnit).where(
                SampleUnit.case_id.in_([c.id for c in cases]))):
            unit.case_id = first.id
        first.assigned_to_id = surveyor.id
        db.session.commit()
        return {"case": first.id, "w": wubao.id, "c": cataract.id}


def _answers(ids, **changes):
    w, c = f"p{ids['w']}_", f"p{ids['c']}_"
    data = {
        "q_identity": "self", "q_visit_date": "2011-08-01",
        f"{w}awareness": "know", f"{w}received": "yes", f"{w}delivery_cash": "full_late",
        f"{w}amount": "1200.5", f"{w}satisfaction": "dissatisfied", f"{w}reason": "<b>晚了</b>",
        f"{w}channels": ["tv", "refused"],
        f"{c}awareness": "unaware", f"{c}received": "no", f"{c}satisfaction": "unsure",
        "q_household": "3", "q_phone_note": "无", "q_suggestion": "希望按时发放",
    }
    for key, value in changes.items():
        key = key.replace("W_", w).replace("C_", c)
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def test_the_interview_shows_both_blocks_with_the_surveyors_script(app, client,
                                                                  two_program_case):
    client.login("me")
    html = client.get(f"/fieldwork/cases/{two_program_case['case']}/interview").get_data(
        as_text=True)
    assert "项目 · 农村五保供养" in html and "项目 · 贫困白内障患者复明工程" in html
    assert "您好，这里是区民生办。" in html and "核对身份证后四位。" in html
    assert f'name="p{two_program_case["w"]}_amount"' in html
    assert f'name="p{two_program_case["c"]}_amount"' not in html  # cash programs only
    wubao = two_program_case["w"]
    assert f'data-show-if="p{wubao}_received" data-show-values="yes"' in html


def test_a_full_submission_is_stored_in_long_form(app, client, two_program_case):
    ids = two_program_case
    client.login("me")
    url = f"/fieldwork/cases/{ids['case']}/interview"
    # an answer for a question the cataract block does not ask is not stored
    response = client.submit(url, _answers(ids, C_delivery_cash="full_on_time"), page=url)
    assert response.status_code == 302
    with app.app_context():
        rows = db.session.execute(sa.select(
            Answer.program_id, Answer.role, Answer.value, Answer.number, Answer.text)).all()
    got = {(p, r.value, v, n, t) for p, r, v, n, t in rows}
    w, c = ids["w"], ids["c"]
    assert got == {
        (None, "identity", "self", None, None), (None, "other", "2011-08-01", None, None),
        (w, "awareness", "know", None, None), (w, "received", "yes", None, None),
        (w, "delivery", "full_late", None, None), (w, "amount", None, 1200.5, None),
        (w, "satisfaction", "dissatisfied", None, None), (w, "reason", None, None, "<b>晚了</b>"),
        (w, "other", "tv refused", None, None),
        (c, "awareness", "unaware", None, None), (c, "received", "no", None, None),
        (c, "satisfaction", "unsure", None, None),
        (None, "other", None, 3.0, None), (None, "other", None, None, "无"),
        (None, "other", None, None, "希望按时发放"),
    }


INVALID = [
    ({"W_amount": "6000"}, "请填写 0 到 5000 之间的数"),
    ({"W_amount": "abc"}, "请填写数字"),
    ({"W_amount": "nan"}, "请填写数字"),
    ({"q_household": ""}, "请回答此题"),
    ({"q_household": "0.5"}, "请填写 1 到 20 之间的数"),
    ({"q_visit_date": "2011-13-01"}, "请填写有效日期"),
    ({"W_awareness": "maybe"}, "请从列出的选项中选择"),
    ({"W_channels": ["tv", "radio"]}, "请从列出的选项中选择"),
    ({"C_satisfaction": None}, "请回答此题"),
    ({"C_channels": ["tv"]}, "此题已跳过，不应有答案"),  # cataract: unaware
    ({"W_received": "no"}, "此题已跳过，不应有答案"),  # delivery and amount were answered
    ({"q_identity": "proxy"}, "此题已跳过，不应有答案"),  # the suggestion is for the person
    ({"q_phone_note": "x" * 201}, "200"),
]


def test_every_submission_is_checked_on_the_server(app, client, two_program_case):
    client.login("me")
    url = f"/fieldwork/cases/{two_program_case['case']}/interview"
    for change, message in INVALID:
        response = client.submit(url, _answers(two_program_case, **change), page=url)
        assert response.status_code == 200, change
        html = response.get_data(as_text=True)
        assert message in html and "问卷有未完成或不应作答的题目" in html, change
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0


def test_a_field_visit_shows_instructions_but_not_the_phone_script(app, client,
                                                                  two_program_case):
    with app.app_context():
        db.session.get(Case, two_program_case["case"]).mode = Mode.FIELD
        db.session.commit()
    client.login("me")
    html = client.get(f"/fieldwork/cases/{two_program_case['case']}/interview").get_data(
        as_text=True)
    assert "核对身份证后四位。" in html and "（不读出）" in html
    assert "您好，这里是区民生办。" not in html
