"""Logging in and out: throttling, one answer for all failures, sessions that end, safe next."""

import re

import sqlalchemy as sa

from survey.extensions import db
from survey.models import LoginAttempt, User
from tests.fixtures import PASSWORD


def test_login_lands_on_the_role_home_page(client, make_user):
    make_user("surveyor", username="zhang")
    response = client.login("zhang")
    assert response.status_code == 302
    assert client.get(response.location, follow_redirects=True).request.path == "/fieldwork/"


def test_pages_need_a_login_and_come_back_after_it(client, make_user):
    make_user("admin", username="boss")
    response = client.get("/rounds/")
    assert response.status_code == 302 and "/auth/login?next=" in response.location
    token = client.csrf()
    response = client.post("/auth/login?next=/rounds/", data={
        "username": "boss", "password": PASSWORD, "csrf_token": token})
    assert response.location == "/rounds/"


def test_next_never_leaves_the_site(client, make_user):
    make_user("admin", username="boss")
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"):
        token = client.csrf()
        response = client.post(f"/auth/login?next={target}", data={
            "username": "boss", "password": PASSWORD, "csrf_token": token})
        assert response.location == "/", target
        client.submit("/auth/logout", page="/rounds/")


def test_unknown_user_and_wrong_password_get_the_same_answer(client, make_user):
    make_user("admin", username="boss")
    wrong = client.login("boss", "not the password").get_data(as_text=True)
    unknown = client.login("nobody", "not the password").get_data(as_text=True)
    assert "用户名或密码错误" in wrong and "用户名或密码错误" in unknown
    def strip(html: str) -> str:  # the tokens are signed with a timestamp; the rest must match
        return re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "", html)

    assert strip(wrong).replace("boss", "") == strip(unknown).replace("nobody", "")


def test_login_is_throttled_after_five_failures_even_with_the_right_password(app, client,
                                                                           make_user):
    make_user("admin", username="boss")
    for _ in range(5):
        client.login("boss", "wrong")
    response = client.login("boss")
    assert "登录失败次数过多" in response.get_data(as_text=True)
    assert client.get("/rounds/").status_code == 302
    with app.app_context():  # the count lives in the database, where every worker sees it
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt)) == 5


def test_a_disabled_user_is_logged_out_everywhere_and_cannot_log_in(app, client, make_user):
    make_user("admin", username="boss")
    victim = make_user("surveyor", username="li")
    other = app.test_client()
    other.login("li")
    assert other.get("/fieldwork/").status_code == 200
    client.login("boss")
    client.submit(f"/users/{victim.id}/toggle", page="/users/")
    assert other.get("/fieldwork/").status_code == 302  # the open session has ended
    assert "用户名或密码错误" in other.login("li").get_data(as_text=True)


def test_changing_the_password_ends_other_sessions_but_not_this_one(app, client, make_user):
    make_user("surveyor", username="li")
    laptop, phone = client, app.test_client()
    laptop.login("li")
    phone.login("li")
    response = laptop.submit("/auth/password", {
        "current": PASSWORD, "new": "a new long password", "confirm": "a new long password",
    }, page="/auth/password")
    assert response.status_code == 302
    assert laptop.get("/fieldwork/").status_code == 200
    assert phone.get("/fieldwork/").status_code == 302
    with app.app_context():
        query = sa.select(User.session_generation).where(User.username == "li")
        assert db.session.scalar(query) == 2


def test_every_form_needs_its_csrf_token(client, make_user):
    make_user("admin", username="boss")
    response = client.post("/auth/login", data={"username": "boss", "password": PASSWORD})
    assert response.status_code == 400 and "表单已过期" in response.get_data(as_text=True)
    client.login("boss")
    assert client.post("/auth/logout").status_code == 400


def test_the_csrf_token_outlives_an_hour_long_interview(app):
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None  # valid for as long as the login


def test_logout_ends_the_session(client, make_user):
    make_user("admin", username="boss")
    client.login("boss")
    client.submit("/auth/logout", page="/rounds/")
    assert client.get("/rounds/").status_code == 302


def test_passwords_are_stored_as_scrypt_hashes(app, make_user):
    user = make_user("admin")
    with app.app_context():
        stored = db.session.get(User, user.id).password_hash
    assert stored.startswith("scrypt:") and PASSWORD not in stored
