"""Fixtures: an app per test on each database, with the schema built once per run by the migrations.

Every test runs on SQLite, and also on PostgreSQL when TEST_DATABASE_URL names a server (CI always
sets it). The schema is created once per database and worker; each test then starts from empty
tables (truncated after it) holding only the program catalog and the shipped questionnaire.
"""

import base64
import os
import re
import uuid

import psycopg
import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from survey import create_app
from survey.catalog.service import load_catalog
from survey.extensions import db
from survey.questionnaires.service import install

PG_URL = os.environ.get("TEST_DATABASE_URL")
DATABASES = ["sqlite"] + (["postgresql"] if PG_URL else [])


def _key(byte: bytes) -> str:
    return base64.urlsafe_b64encode(byte * 32).decode()


TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    "PII_HASH_KEY": _key(b"h"),
    "PII_ENCRYPTION_KEY": _key(b"e"),
    "PRN_SECRET": _key(b"p"),
    # Cheap hashing keeps the suite fast; production uses the scrypt default.
    "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
}


def _sqlalchemy_url(url: str) -> str:
    return re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", url)


def _plain_url(url: str) -> str:
    return re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql://", url)


def _create_pg_database(worker: str) -> tuple[str, str]:
    name = f"survey_test_{worker}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_plain_url(PG_URL), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = _sqlalchemy_url(PG_URL).rsplit("/", 1)[0]
    return name, f"{base}/{name}"


def _drop_pg_database(name: str) -> None:
    with psycopg.connect(_plain_url(PG_URL), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory, worker_id):
    """Build the schema through the migrations, once per database and worker."""
    urls = {"sqlite": f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"}
    pg_name = None
    if PG_URL:
        pg_name, urls["postgresql"] = _create_pg_database(worker_id)
    for url in urls.values():
        app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade()
            db.engine.dispose()
    yield urls
    if pg_name:
        _drop_pg_database(pg_name)


def _empty_tables(backend: str) -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if backend == "postgresql":
            conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                                 + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(sa.text(f'DELETE FROM "{table}"'))


@pytest.fixture(params=DATABASES)
def app(request, database_urls):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_urls[request.param]})
    app.config["BACKEND"] = request.param
    with app.app_context():
        load_catalog()
        install()
    yield app
    with app.app_context():
        db.session.remove()
        _empty_tables(request.param)
        db.engine.dispose()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def ctx(app):
    """An application context for tests that call services directly."""
    with app.app_context():
        yield


pytest_plugins = ["tests.fixtures"]
