"""What every page shares: Chinese first, English on request, no outside assets, no 500s."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.fixtures import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def test_the_ui_is_chinese_by_default_and_english_on_request(client):
    assert "登录" in client.get("/auth/login").get_data(as_text=True)
    client.submit("/lang/en", {"next": "/auth/login"})
    page = client.get("/auth/login").get_data(as_text=True)
    assert "Log in" in page and "登录" not in page and 'lang="en"' in page


def test_every_visible_string_has_an_english_translation():
    with (ROOT / "survey/translations/en/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle)
    wanted = set()
    method_map = [("survey/**.py", "python"), ("templates/**.html", "jinja2")]
    for _, _, message, _, _ in extract_from_dir(
            str(ROOT), method_map, keywords={"_": None, "gettext": None, "_l": None,
                                             "lazy_gettext": None, "ngettext": (1, 2)}):
        wanted.add(message if isinstance(message, str) else message[0])
    missing = sorted(m for m in wanted if m and not (catalog.get(m) and catalog.get(m).string))
    assert not missing, f"{len(missing)} strings without English: {missing[:10]}"


def test_no_page_or_asset_reaches_outside_the_app():
    outside = re.compile(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", re.I)
    for path in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("survey/static/**/*.*")]:
        text = path.read_text(encoding="utf-8", errors="ignore")
        text = text.replace("http://www.w3.org/2000/svg", "")  # an XML namespace, not a request
        assert not outside.search(text), f"{path} refers to an outside address"


def test_pages_forbid_outside_content(client):
    policy = client.get("/auth/login").headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy


def test_unknown_pages_answer_in_chinese(client):
    response = client.get("/nowhere")
    assert response.status_code == 404 and "找不到该页面" in response.get_data(as_text=True)


def test_garbage_ids_and_methods_do_not_break_anything(client, make_user):
    make_user("admin", username="boss")
    client.login("boss")
    for url in ("/rounds/999999", "/rosters/versions/999999", "/reports/rounds/999999",
                "/users/999999", "/fieldwork/cases/999999", "/rounds/draws/999999"):
        assert client.get(url).status_code == 404, url
    assert client.get("/rounds/abc").status_code == 404
    assert client.get("/rounds/1/draw").status_code == 405


def test_the_static_assets_are_served_by_the_app(client):
    with client.get("/static/css/app.css") as css:
        assert css.status_code == 200 and b".topbar" in css.data
    with client.get("/static/js/app.js") as script:
        assert b"applySkips" in script.data


def test_a_busy_database_asks_to_retry_instead_of_failing(app, client, make_user):
    """SQLite's write lock, held past the busy timeout by a large import, gives a 503 in Chinese
    that says to submit again, not a system error; the form is submitted once it is free."""
    import sqlite3

    import sqlalchemy as sa

    from survey.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("the write lock of one file is SQLite's")
        path = db.engine.url.database
        db.engine.dispose()

        @sa.event.listens_for(db.engine, "connect")
        def short_wait(dbapi_connection, _record):
            dbapi_connection.execute("PRAGMA busy_timeout=100")

    make_user("admin", username="boss")
    token = client.csrf("/auth/login")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # what an import's second pass holds
    try:
        response = client.post("/auth/login", data={
            "username": "boss", "password": PASSWORD, "csrf_token": token})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"] == "10"
    assert "系统正忙" in page and "重新提交" in page
    assert client.login("boss").status_code == 302  # free again: the same form goes through
    with app.app_context():
        sa.event.remove(db.engine, "connect", short_wait)
