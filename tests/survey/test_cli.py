"""Command-line set-up: the catalog, the shipped questionnaire and the demo district."""

import sqlalchemy as sa

from survey.demo.district import ROSTERS, USERS
from survey.extensions import db
from survey.models import Area, Person, Program, RosterVersion, User
from survey.rosters.idnumber import check_digit


def test_demo_builds_a_marked_district_with_rosters_and_users(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        towns = db.session.scalars(sa.select(Area).where(Area.parent_id.is_(None))).all()
        assert 7 <= len(towns) <= 9 and all(t.is_demo for t in towns)
        assert any(t.kind.value == "zone" for t in towns)
        versions = db.session.scalars(sa.select(RosterVersion)).all()
        sizes = {v.program.code: v.row_count for v in versions}
        assert sizes == {code: size for code, (size, _) in ROSTERS.items()}
        assert sizes["severe_disability"] == 1012 + 158 + 450 and sizes["cataract"] == 72
        assert all(v.is_demo for v in versions)
        assert {u.role.value for u in db.session.scalars(sa.select(User))} == {
            "admin", "supervisor", "surveyor", "viewer"}
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == len(USERS)
        from survey.privacy import Vault

        vault = Vault.from_app()
        for person in db.session.scalars(sa.select(Person).limit(200)):
            number = vault.decrypt(person.id_encrypted)
            assert check_digit(number[:17]) == number[17] and person.is_demo
    again = runner.invoke(args=["demo"])
    assert "已存在" in again.output


def test_the_demo_is_announced_on_every_page(app, runner, client):
    runner.invoke(args=["demo"])
    assert "演示数据" in client.get("/auth/login").get_data(as_text=True)


def test_the_catalog_holds_the_twenty_programs_of_the_plan(app):
    with app.app_context():
        programs = db.session.scalars(sa.select(Program).order_by(Program.position)).all()
    assert len(programs) == 20
    assert programs[0].name_zh == "农村居民最低生活保障"
    sensitive = [p.code for p in programs if p.sensitive]
    assert sensitive == ["infectious_disease"]
    assert {p.code for p in programs if not p.has_roster} == {
        "compulsory_education", "school_safety", "health_services", "one_matter_one_discussion",
        "cultural_station"}


def test_create_admin_makes_a_first_account(app, runner):
    typed = "long password 1\nlong password 1\n"
    result = runner.invoke(args=["create-admin", "chief"], input=typed)
    assert result.exit_code == 0, result.output
    with app.app_context():
        role = db.session.scalar(sa.select(User.role).where(User.username == "chief"))
        assert role.value == "admin"
