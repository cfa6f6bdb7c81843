"""The round dashboard: the three rates with Wilson intervals, the score with its t interval.

Expected values come from R 4.x (checked with a tolerance of 1e-6 on the service, and to the
displayed 0.1 percentage point on the page):
    prop.test(x, n, correct = FALSE)$conf.int            # Wilson score interval
    x <- c(rep(100,7), rep(80,8), rep(60,5), rep(30,3), rep(0,2)); t.test(x)$conf.int
"""

import pytest
import sqlalchemy as sa

from survey.extensions import db
from survey.fieldwork.service import case_programs, submit_interview
from survey.models import Case, Round, User
from survey.reports.service import round_figures

# 28 interviews on the cataract programme (a service programme).
AWARENESS = ["know"] * 12 + ["heard"] * 6 + ["unaware"] * 10
SATISFACTION = (["satisfied"] * 7 + ["fairly_satisfied"] * 8 + ["neutral"] * 5
                + ["fairly_dissatisfied"] * 3 + ["dissatisfied"] * 2 + ["unsure"] * 3)
RECEIVED = ["yes"] * 24 + ["no"] * 3 + ["unsure"]
DELIVERY = ["as_promised"] * 18 + ["not_as_promised"] * 4 + ["unsure"] * 2 + [None] * 4

EXPECTED = {  # key: (estimate, low, high, n)
    "awareness": (18 / 28, 0.458303065144, 0.792941704923, 28),  # prop.test(18, 28)
    "awareness_know": (12 / 28, 0.265085471241, 0.609292143725, 28),  # prop.test(12, 28)
    "satisfaction": (15 / 25, 0.407394573590, 0.765966976223, 25),  # prop.test(15, 25)
    "mismatch": (3 / 28, 0.0371183668293, 0.2719585154867, 28),  # prop.test(3, 28)
    "delivery": (18 / 22, 0.614833925629, 0.926931154166, 22),  # prop.test(18, 22)
    "score": (69.2, 56.6503200162076, 81.7496799837924, 25),  # t.test(x)
}


def _answers(app, case: Case, i: int) -> list[dict]:
    from survey.models import Question, QuestionRole

    program = case_programs(case)[0]
    questions = {q.code: q for q in db.session.scalars(sa.select(Question))}
    values = {"awareness": AWARENESS[i], "satisfaction": SATISFACTION[i],
              "received": RECEIVED[i], "delivery_service": DELIVERY[i]}
    rows = [{"question_id": questions["identity"].id, "role": QuestionRole.IDENTITY,
             "program_id": None, "value": "self", "number": None, "text": None}]
    for code, value in values.items():
        if value is not None:
            rows.append({"question_id": questions[code].id, "role": questions[code].role,
                         "program_id": program.id, "value": value, "number": None, "text": None})
    return rows


@pytest.fixture
def interviewed_round(app, make_user, make_round):
    surveyor = make_user("surveyor")
    round_id = make_round({"cataract": 30}, roster_sizes={"cataract": 72})
    with app.app_context():
        user = db.session.get(User, surveyor.id)
        cases = db.session.scalars(sa.select(Case).order_by(Case.id)).all()
        for i, case in enumerate(cases[:28]):
            submit_interview(case, user, _answers(app, case, i))
    return round_id


def test_figures_equal_r(app, interviewed_round, make_user):
    admin = make_user("admin")
    with app.app_context():
        figures = round_figures(db.session.get(Round, interviewed_round),
                                db.session.get(User, admin.id))
    (cataract,) = figures
    assert (cataract.drawn, cataract.completed) == (30, 28)
    for key, (estimate, low, high, n) in EXPECTED.items():
        figure = cataract.figures[key]
        assert figure.n == n, key
        assert figure.estimate == pytest.approx(estimate, abs=1e-6), key
        assert figure.low == pytest.approx(low, abs=1e-6), key
        assert figure.high == pytest.approx(high, abs=1e-6), key
        assert figure.flagged and not figure.suppressed
    assert cataract.figures["satisfaction_unsure"].estimate == pytest.approx(3 / 28)


def test_the_dashboard_shows_rates_intervals_and_counts(app, client, interviewed_round, make_user):
    make_user("admin", username="boss")
    client.login("boss")
    page = client.get(f"/reports/rounds/{interviewed_round}").get_data(as_text=True)
    assert "64.3%" in page and "45.8% – 79.3%" in page  # awareness 18/28
    assert "60.0%" in page and "40.7% – 76.6%" in page  # satisfaction 15/25
    assert "69.2" in page and "56.7 – 81.7" in page  # score
    assert "81.8%" in page and "61.5% – 92.7%" in page  # delivery 18/22


def test_cells_under_ten_answers_are_suppressed(app, client, make_user, make_round):
    surveyor = make_user("surveyor")
    round_id = make_round({"cataract": 9})
    with app.app_context():
        user = db.session.get(User, surveyor.id)
        for i, case in enumerate(db.session.scalars(sa.select(Case)).all()):
            submit_interview(case, user, _answers(app, case, i))
    make_user("admin", username="boss")
    client.login("boss")
    page = client.get(f"/reports/rounds/{round_id}").get_data(as_text=True)
    assert "回答不足10个，不显示" in page
    assert "%" not in page.split('data-figure="awareness"')[1].split("</tr>")[0]


def test_a_viewer_sees_only_the_programs_in_scope(app, client, interviewed_round, make_user):
    from survey.catalog.service import program_by_code

    with app.app_context():
        wubao = program_by_code("wubao").id
        cataract = program_by_code("cataract").id
    make_user("viewer", username="dept", program_ids=[wubao])
    client.login("dept")
    page = client.get(f"/reports/rounds/{interviewed_round}").get_data(as_text=True)
    assert "data-program=\"cataract\"" not in page and "您的查看范围内没有项目" in page
    make_user("viewer", username="eye", program_ids=[cataract])
    client.login("eye")
    page = client.get(f"/reports/rounds/{interviewed_round}").get_data(as_text=True)
    assert "data-program=\"cataract\"" in page and "64.3%" in page


def test_a_viewer_limited_to_a_town_reads_that_towns_answers_only(app, interviewed_round,
                                                                 make_user, district):
    viewer = make_user("viewer", town_ids=[district["白沙镇"]])
    with app.app_context():
        (cataract,) = round_figures(db.session.get(Round, interviewed_round),
                                    db.session.get(User, viewer.id))
    assert 0 < cataract.completed < 28
    assert cataract.figures["awareness"].n == cataract.completed


def test_surveyors_cannot_read_the_dashboard(app, client, interviewed_round, make_user):
    make_user("surveyor", username="s")
    client.login("s")
    assert client.get(f"/reports/rounds/{interviewed_round}").status_code == 403


def test_response_rates_follow_aapor(app, client, interviewed_round, make_user):
    from survey.fieldwork.service import record_attempt
    from survey.models import Mode

    with app.app_context():
        surveyor = db.session.scalar(sa.select(User).where(User.role == "surveyor"))
        open_cases = db.session.scalars(sa.select(Case).where(~Case.response.has())
                                        .order_by(Case.id)).all()
        record_attempt(open_cases[0], surveyor, "2.11", "不愿意", Mode.PHONE)  # a refusal
        cases = db.session.scalar(sa.select(sa.func.count()).select_from(Case))
        admin = make_user("admin")
        (cataract,) = round_figures(db.session.get(Round, interviewed_round),
                                    db.session.get(User, admin.id))
    # a released reserve (if any) is a new case nobody has tried yet: unknown eligibility
    assert cataract.outcomes.counts == {"I": 28, "R": 1, "UH": cases - 29}
    rates = cataract.outcomes.rates
    assert rates.rr1 == pytest.approx(28 / cases)  # I / (I + P + R + NC + O + UH + UO)
    assert rates.coop1 == pytest.approx(28 / 29)  # I / (I + P + R + O)
    assert rates.ref1 == pytest.approx(1 / cases)
    make_user("admin", username="boss")
    client.login("boss")
    page = client.get(f"/reports/rounds/{interviewed_round}").get_data(as_text=True)
    assert f"{100 * 28 / cases:.1f}%" in page.split("data-outcomes")[1].split("</p>")[0]
