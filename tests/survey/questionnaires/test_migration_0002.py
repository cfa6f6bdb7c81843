"""Migration 0002 moves the questions of an existing database into sections, asking the same."""

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from survey import create_app
from survey.extensions import db
from tests.conftest import PG_URL, TEST_CONFIG, _create_pg_database, _drop_pg_database

QUESTIONS = [  # code, role, type, per_program, as the foundation stored them
    ("identity", "identity", "single", False), ("awareness", "awareness", "single", True),
    ("received", "received", "single", True), ("satisfaction", "satisfaction", "single", True),
    ("suggestion", "other", "long_text", False),
]


@pytest.fixture(params=["sqlite"] + (["postgresql"] if PG_URL else []))
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.sqlite'}"
        return
    name, url = _create_pg_database("migration")
    yield url
    _drop_pg_database(name)


def test_existing_questions_move_into_sections_in_order(empty_database):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade(revision="0001")
        with db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO questionnaire (id, code, title_zh, title_en) "
                                 "VALUES (1, 'old', '旧问卷', 'Old')"))
            conn.execute(sa.text("INSERT INTO questionnaire_version (id, questionnaire_id, number, "
                                 "created_at) VALUES (1, 1, 1, CURRENT_TIMESTAMP)"))
            for position, (code, role, kind, per_program) in enumerate(QUESTIONS, start=1):
                conn.execute(sa.text(
                    "INSERT INTO question (version_id, position, code, role, type, text_zh, "
                    "text_en, instructions_zh, instructions_en, options, required, per_program) "
                    "VALUES (1, :p, :c, :r, :t, :text, :text, '', '', '[]', true, :pp)"),
                    {"p": position, "c": code, "r": role, "t": kind, "text": code,
                     "pp": per_program})
        upgrade()
        with db.engine.connect() as conn:
            sections = conn.execute(sa.text(
                "SELECT code, per_program FROM question_section ORDER BY position")).all()
            rows = conn.execute(sa.text(
                "SELECT q.code, q.type, s.code FROM question q JOIN question_section s "
                "ON s.id = q.section_id ORDER BY q.position")).all()
        assert [(c, bool(p)) for c, p in sections] == [("s1", False), ("s2", True),
                                                        ("s3", False)]
        assert rows == [("identity", "single", "s1"), ("awareness", "awareness", "s2"),
                        ("received", "yes_no", "s2"), ("satisfaction", "satisfaction", "s2"),
                        ("suggestion", "long_text", "s3")]
        downgrade(revision="0001")
        with db.engine.connect() as conn:
            back = conn.execute(sa.text(
                "SELECT code, type, per_program FROM question ORDER BY position")).all()
        assert [(c, t, bool(p)) for c, t, p in back] == [
            (c, t, p) for c, _r, t, p in QUESTIONS]
        db.engine.dispose()
