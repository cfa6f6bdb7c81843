"""A surveyor's queue, contact attempts and the interview, through the web."""

import sqlalchemy as sa

from survey.extensions import db
from survey.models import Answer, Case, ContactAttempt, QuestionnaireVersion, Response
from tests.fixtures import interview_answers


def _my_cases(app, user_id: int) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(
            sa.select(Case.id).where(Case.assigned_to_id == user_id).order_by(Case.id)))


def test_a_surveyor_sees_only_their_own_queue(app, client, make_user, make_round):
    me, other = make_user("surveyor", username="me"), make_user("surveyor", username="other")
    make_round({"cataract": 6})
    mine, theirs = _my_cases(app, me.id), _my_cases(app, other.id)
    assert len(mine) == 3 and len(theirs) == 3
    client.login("me")
    page = client.get("/fieldwork/").get_data(as_text=True)
    assert all(f"/fieldwork/cases/{c}" in page for c in mine)
    assert not any(f"/fieldwork/cases/{c}\"" in page for c in theirs)
    assert client.get(f"/fieldwork/cases/{theirs[0]}").status_code == 404
    assert client.get(f"/fieldwork/cases/{theirs[0]}/interview").status_code == 404


def test_the_surveyor_sees_full_name_and_phone_but_only_the_ids_last_four(app, client, make_user,
                                                                          make_round):
    from survey.privacy import Vault

    me = make_user("surveyor", username="me")
    make_round({"cataract": 2})
    case_id = _my_cases(app, me.id)[0]
    with app.app_context():
        case = db.session.get(Case, case_id)
        vault = Vault.from_app()
        id_number = vault.decrypt(case.person.id_encrypted)
        phone = vault.decrypt(case.units[0].entry.phone_encrypted)
        name = case.person.name
    client.login("me")
    page = client.get(f"/fieldwork/cases/{case_id}").get_data(as_text=True)
    assert name in page and phone in page
    assert id_number not in page and id_number[-4:] in page and id_number[:6] not in page


def test_a_no_answer_keeps_the_case_open_and_a_refusal_closes_it(app, client, make_user,
                                                                  make_round):
    me = make_user("surveyor", username="me")
    make_round({"cataract": 2})
    case_id = _my_cases(app, me.id)[0]
    client.login("me")
    url, page = f"/fieldwork/cases/{case_id}/attempts", f"/fieldwork/cases/{case_id}"
    client.submit(url, {"disposition": "3.13", "note": "无人接"}, page=page)
    assert "联系中" in client.get(page).get_data(as_text=True)
    client.submit(url, {"disposition": "2.11", "note": ""}, page=page)
    html = client.get(page).get_data(as_text=True)
    assert "已结束" in html and "无人接听" in html and "拒绝访问" in html
    response = client.submit(url, {"disposition": "3.13"}, page="/fieldwork/")
    assert "不能再记录接触" in client.get(response.location).get_data(as_text=True)
    with app.app_context():
        codes = db.session.scalars(sa.select(ContactAttempt.disposition).where(
            ContactAttempt.case_id == case_id).order_by(ContactAttempt.id)).all()
    assert codes == ["3.13", "2.11"]


def test_a_completed_interview_is_stored_once_in_long_form(app, client, make_user, make_round):
    me = make_user("surveyor", username="me")
    make_round({"cataract": 2, "wubao": 2}, roster_sizes={"cataract": 4, "wubao": 4})
    case_id = _my_cases(app, me.id)[0]
    client.login("me")
    url = f"/fieldwork/cases/{case_id}/interview"
    data = interview_answers(app, case_id, reason=None)
    data["q_suggestion"] = "希望<b>加快</b>发放"
    assert client.submit(url, data, page=url).status_code == 302
    again = client.submit(url, data, page=f"/fieldwork/cases/{case_id}")
    assert again.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 1
        answers = db.session.scalars(sa.select(Answer)).all()
        programs = {a.program_id for a in answers if a.program_id}
        roles = sorted(a.role.value for a in answers if a.program_id == min(programs))
        attempts = db.session.scalars(sa.select(ContactAttempt.disposition)).all()
        frozen = db.session.scalar(sa.select(QuestionnaireVersion.frozen_at)
                                   .order_by(QuestionnaireVersion.id))  # the standard one
    assert roles in (["awareness", "delivery", "received", "satisfaction"],)
    assert attempts == ["1.1"] and frozen is not None
    assert any(a.text == "希望<b>加快</b>发放" for a in answers)


def test_skip_logic_is_checked_on_the_server(app, client, make_user, make_round):
    me = make_user("surveyor", username="me")
    make_round({"wubao": 2})
    case_id = _my_cases(app, me.id)[0]
    client.login("me")
    url = f"/fieldwork/cases/{case_id}/interview"
    # said "not received" yet answered the follow-up that only applies to those who received it
    skipped = interview_answers(app, case_id, received="no")
    page = client.submit(url, skipped, page=url).get_data(as_text=True)
    assert "此题已跳过，不应有答案" in page
    # a required question left empty
    missing = interview_answers(app, case_id, satisfaction=None)
    page = client.submit(url, missing, page=url).get_data(as_text=True)
    assert "请回答此题" in page
    # very dissatisfied opens the reason question, which is optional
    fine = interview_answers(app, case_id, received="no", delivery_cash=None,
                             satisfaction="dissatisfied")
    fine[next(k for k in fine if k.endswith("_satisfaction")).replace("satisfaction", "reason")] = \
        "钱没收到"
    assert client.submit(url, fine, page=url).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 1
        reason = db.session.scalar(sa.select(Answer.text).where(Answer.role == "reason"))
        assert reason == "钱没收到"


def test_a_bad_option_code_is_refused(app, client, make_user, make_round):
    me = make_user("surveyor", username="me")
    make_round({"cataract": 2})
    case_id = _my_cases(app, me.id)[0]
    client.login("me")
    url = f"/fieldwork/cases/{case_id}/interview"
    data = interview_answers(app, case_id, awareness="<script>x</script>")
    page = client.submit(url, data, page=url).get_data(as_text=True)
    assert "<script>x</script>" not in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0


def test_no_plain_id_or_phone_number_is_stored(app, make_round):
    from survey.privacy import Vault

    make_round({"cataract": 3}, assign=False)
    with app.app_context():
        vault = Vault.from_app()
        case = db.session.scalar(sa.select(Case))
        id_number = vault.decrypt(case.person.id_encrypted)
        phone = vault.decrypt(case.units[0].entry.phone_encrypted)
        dump = "\n".join(str(row) for table in db.metadata.sorted_tables
                         for row in db.session.execute(sa.select(table)))
    assert len(id_number) == 18 and len(phone) == 11
    assert id_number not in dump and phone not in dump


def test_an_attempt_posted_without_its_note_field_is_recorded(app, client, make_user, make_round):
    me = make_user("surveyor", username="me")
    make_round({"cataract": 2})
    case_id = _my_cases(app, me.id)[0]
    client.login("me")
    page = f"/fieldwork/cases/{case_id}"
    response = client.submit(f"{page}/attempts", {"disposition": "3.13"}, page=page)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(ContactAttempt.note)) == ""
