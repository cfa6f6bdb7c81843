"""Migration 0003_rounds upgrades a SQLite database that already holds rounds and draws."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from survey import create_app
from survey.extensions import db
from tests.conftest import TEST_CONFIG

ROWS = [
    "INSERT INTO program (id, code, name_zh, name_en, kind, sampled_from, sensitive, department,"
    " target, active, position) VALUES (1, 'p', 'p', 'p', 'cash', 'roster', 0, 'd', '', 1, 0)",
    "INSERT INTO questionnaire (id, code, title_zh, title_en) VALUES (1, 'q', 'q', 'q')",
    "INSERT INTO questionnaire_version (id, questionnaire_id, number, created_at)"
    " VALUES (1, 1, 1, '2011-01-01')",
    "INSERT INTO roster_version (id, program_id, number, filename, row_count, fingerprint, added,"
    " removed, changed, imported_at, is_demo) VALUES (1, 1, 1, 'x', 1, 'abc', 0, 0, 0,"
    " '2011-01-01', 0)",
    "INSERT INTO round (id, name, period_kind, period, questionnaire_version_id, created_at)"
    " VALUES (1, 'r', 'quarter', '2011-Q3', 1, '2011-01-01')",
    "INSERT INTO round_program (round_id, program_id, sample_size) VALUES (1, 1, 5)",
    "INSERT INTO sample_draw (id, round_id, program_id, roster_version_id, design, seed, params,"
    " population, frame_fingerprint, library_version, drawn_at) VALUES (1, 1, 1, 1,"
    " 'simple_random', 5, '{\"round_seed\": \"424242\"}', 10, 'f', '1.0.0', '2011-01-01')",
]


def test_existing_rounds_and_draws_survive_the_upgrade(tmp_path):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/m.sqlite"})
    with app.app_context():
        upgrade(revision="0001")
        with db.engine.begin() as connection:
            for row in ROWS:
                connection.exec_driver_sql(row)
        upgrade(revision="0003_rounds")
        with db.engine.connect() as connection:
            draw = connection.execute(sa.text(
                "SELECT round_seed, roster_fingerprint FROM sample_draw")).one()
            round_ = connection.execute(sa.text(
                "SELECT modes, design, max_attempts FROM round")).one()
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert tuple(draw) == (424242, "abc")
        assert tuple(round_) == ('["phone"]', "simple_random", 5)
        downgrade(revision="0001")
        db.engine.dispose()
