"""The admin manages accounts and their scope; there is no self sign-up."""

import sqlalchemy as sa

from survey.extensions import db
from survey.models import AuditEvent, User
from tests.fixtures import PASSWORD, program_id


def test_the_admin_creates_a_scoped_viewer_who_then_logs_in(app, client, make_user, district):
    make_user("admin", username="boss")
    client.login("boss")
    response = client.submit("/users/new", {
        "username": "canlian", "display_name": "残联", "role": "viewer", "password": PASSWORD,
        "home_town": 0, "programs": [program_id(app, "severe_disability")],
        "towns": [district["金桥镇"]],
    }, page="/users/new")
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "canlian"))
        assert [p.code for p in user.programs] == ["severe_disability"]
        assert [t.name for t in user.towns] == ["金桥镇"]
        assert db.session.scalar(sa.select(AuditEvent.action).where(
            AuditEvent.object_id == user.id)) == "user.create"
    other = app.test_client()
    assert other.login("canlian").status_code == 302


def test_a_taken_username_is_refused_whatever_its_case(app, client, make_user):
    make_user("admin", username="boss")
    client.login("boss")
    page = client.submit("/users/new", {
        "username": "BOSS", "display_name": "x", "role": "admin", "password": PASSWORD,
        "home_town": 0,
    }, page="/users/new").get_data(as_text=True)
    assert "该用户名已存在" in page


def test_only_the_admin_manages_users(app, client, make_user):
    make_user("supervisor", username="sup")
    client.login("sup")
    assert client.get("/users/").status_code == 403
    assert client.get("/users/new").status_code == 403


def test_there_is_no_sign_up_page(client):
    assert client.get("/auth/register").status_code == 404
    assert client.get("/users/new").status_code == 302  # to the login page


def test_the_admin_cannot_disable_themself(app, client, make_user):
    boss = make_user("admin", username="boss")
    client.login("boss")
    response = client.submit(f"/users/{boss.id}/toggle", page="/users/")
    assert "不能停用自己的账号" in client.get(response.location).get_data(as_text=True)


def test_a_password_reset_ends_the_users_sessions(app, client, make_user):
    make_user("admin", username="boss")
    target = make_user("surveyor", username="li")
    other = app.test_client()
    other.login("li")
    client.login("boss")
    client.submit(f"/users/{target.id}/password", {"password": "brand new password"},
                  page=f"/users/{target.id}")
    assert other.get("/fieldwork/").status_code == 302
    assert other.login("li", "brand new password").status_code == 302
