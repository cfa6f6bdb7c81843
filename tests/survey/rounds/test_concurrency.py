"""Two draws of one round at the same moment make one sample (SQLite and PostgreSQL)."""

import threading

import sqlalchemy as sa

from survey.extensions import db
from survey.models import Case, Round, SampleDraw, SampleUnit
from survey.rounds import service


def test_concurrent_draws_of_the_same_round_create_one_sample(app, make_roster):
    make_roster("cataract", 200, seed=4)
    make_roster("wubao", 200, seed=5)
    with app.app_context():
        from survey.catalog.service import program_by_code
        from survey.models import PeriodKind
        from survey.questionnaires.service import latest_versions

        round_id = service.create_round(
            name="并发抽样", period_kind=PeriodKind.QUARTER, period="2011-Q3",
            questionnaire_version=latest_versions()[0], by=None,
            sizes={program_by_code("cataract").id: 40, program_by_code("wubao").id: 30}).id
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def click(seed: int) -> None:
        with app.app_context():
            round_ = db.session.get(Round, round_id)
            start.wait()
            try:
                service.draw_round(round_, seed, by=None)
            except service.DrawRefused as refused:
                outcomes.append(f"refused: {refused}")
            else:
                outcomes.append("drawn")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=click, args=(seed,)) for seed in (11, 22)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(o.split(":")[0] for o in outcomes) == ["drawn", "refused"], outcomes
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SampleDraw)) == 2
        seeds = set(db.session.scalars(sa.select(SampleDraw.round_seed)))
        assert len(seeds) == 1  # both programs from the one draw that won
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 70
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SampleUnit)) == 70 + 8 + 6
