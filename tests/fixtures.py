"""Factories handed to tests as fixtures, and a test client that carries the CSRF token."""

import csv
import io
import re

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from survey.demo.people import PersonMaker
from survey.extensions import db
from survey.models import Area, AreaKind, Role
from survey.users.service import create_user

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Client(FlaskClient):
    """A test client that reads the CSRF token from a page and adds it to every form it posts."""

    def csrf(self, page: str = "/auth/login") -> str:
        match = _CSRF.search(self.get(page).get_data(as_text=True))
        assert match, f"no CSRF token on {page}"
        return match.group(1)

    def submit(self, url: str, data: dict | None = None, *, page: str | None = None, **kwargs):
        """POST a form as a browser would: with the token its page carries."""
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf(page or "/auth/login"))
        return self.post(url, data=data, **kwargs)

    def login(self, username: str, password: str = PASSWORD):
        return self.submit("/auth/login", {"username": username, "password": password})


@pytest.fixture
def client(app):
    app.test_client_class = Client
    return app.test_client()


@pytest.fixture
def make_user(app):
    """make_user(role="admin", username=None, **scope) -> User, with password PASSWORD."""
    counter = iter(range(1, 10_000))

    def make(role: Role | str = Role.ADMIN, username: str | None = None, **kwargs):
        role = Role(role)
        with app.app_context():
            user = create_user(
                username=username or f"{role.value}{next(counter)}", display_name=f"{role.value}",
                role=role, password=PASSWORD, **kwargs,
            )
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return make


TOWNS = {"城关街道": ["东门社区", "西门社区"], "金桥镇": ["大王村", "小李村"], "白沙镇": ["沙河村"]}


@pytest.fixture
def district(app):
    """A small district: three towns with villages; returns {town name: town id}."""
    with app.app_context():
        ids = {}
        for town_name, villages in TOWNS.items():
            kind = AreaKind.SUBDISTRICT if town_name.endswith("街道") else AreaKind.TOWN
            town = Area(name=town_name, kind=kind)
            for name in villages:
                kind = AreaKind.COMMUNITY if name.endswith("社区") else AreaKind.VILLAGE
                town.children.append(Area(name=name, kind=kind))
            db.session.add(town)
            db.session.flush()
            ids[town_name] = town.id
        db.session.commit()
        return ids


def roster_rows(size: int, seed: int = 1) -> list[list[str]]:
    """``size`` valid roster rows (姓名, 身份证号, 联系电话, 街镇, 村居) in the test district."""
    maker = PersonMaker(seed)
    places = [(t, v) for t, villages in TOWNS.items() for v in villages]
    rows = []
    for i in range(size):
        town, village = places[i % len(places)]
        rows.append([maker.name(), maker.id_number(), maker.mobile(), town, village])
    return rows


def roster_csv(rows, header=("姓名", "身份证号", "联系电话", "街镇", "村居"),
               encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


@pytest.fixture
def make_roster(app, district):
    """make_roster(program_code, size=40, rows=None) -> RosterVersion id, as a clerk imports it."""
    from survey.catalog.service import program_by_code
    from survey.rosters.service import import_roster

    def make(code: str, size: int = 40, rows=None, seed: int = 1) -> int:
        data = roster_csv(rows if rows is not None else roster_rows(size, seed))
        with app.app_context():
            report = import_roster(program_by_code(code), data, f"{code}.csv", by=None)
            assert report.ok, report.errors[:5]
            return report.version.id

    return make


def program_id(app, code: str) -> int:
    from survey.models import Program

    with app.app_context():
        return db.session.scalar(sa.select(Program.id).where(Program.code == code))


@pytest.fixture
def make_round(app, make_roster):
    """make_round({"cataract": 10}, roster_sizes=None, seed=1, assign=True) -> round id.

    Imports the rosters, creates the round with the standard questionnaire (simple random samples
    of the given sizes), draws and balances the cases over the active surveyors.
    """
    from survey.catalog.service import program_by_code
    from survey.models import PeriodKind
    from survey.questionnaires.service import latest_versions
    from survey.rounds import assign as assigning
    from survey.rounds import service

    def make(sizes: dict[str, int], *, roster_sizes: dict[str, int] | None = None,
             seed: int = 1, assign: bool = True) -> int:
        for code, n in sizes.items():
            make_roster(code, (roster_sizes or {}).get(code, n * 2), seed=hash(code) % 1000)
        with app.app_context():
            round_ = service.create_round(
                name="2011年第三季度电话抽查", period_kind=PeriodKind.QUARTER, period="2011-Q3",
                questionnaire_version=latest_versions()[0],
                sizes={program_by_code(c).id: n for c, n in sizes.items()}, by=None,
            )
            service.draw_round(round_, seed, by=None)
            if assign:
                assigning.assign_automatically(round_, by=None)
            return round_.id

    return make


def interview_answers(app, case_id: int, **by_code) -> dict:
    """Form data answering every program block of a case; ``by_code`` overrides answers."""
    from survey.fieldwork.service import case_programs
    from survey.models import Case

    answers = {"q_identity": "self"}
    with app.app_context():
        programs = case_programs(db.session.get(Case, case_id))
        for program in programs:
            block = {"awareness": "know", "satisfaction": "satisfied"}
            if program.kind.value in ("cash", "service"):
                block["received"] = "yes"
                block["delivery_cash" if program.kind.value == "cash" else "delivery_service"] = (
                    "full_on_time" if program.kind.value == "cash" else "as_promised")
            block.update(by_code)
            answers.update({f"p{program.id}_{code}": value for code, value in block.items()
                            if value is not None})
    return answers
