"""What a browser does with a round page's form: read its fields as served, change some, post."""

from html.parser import HTMLParser

import sqlalchemy as sa

from survey.extensions import db
from survey.models import Area, Case, SampleDraw, SampleUnit
from tests.fixtures import program_id


class _FormReader(HTMLParser):
    """Collect the successful controls of every form, as a browser would submit them."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []
        self._select = self._textarea = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append((a.get("action") or "", []))
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            default = "on" if kind == "checkbox" else ""
            self.forms[-1][1].append((a["name"], a.get("value", default)))
        elif tag == "select":
            self._select, self._options = a.get("name"), []
        elif tag == "option" and self._select:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.forms[-1][1].append((self._textarea, ""))

    def handle_data(self, data):
        if self._textarea and self.forms:
            name, value = self.forms[-1][1][-1]
            self.forms[-1][1][-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            chosen = [v for v, s in self._options if s] or [v for v, _ in self._options[:1]]
            self.forms[-1][1].extend((self._select, v) for v in chosen)
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_fields(html: str, action: str = "") -> dict:
    """The fields of the first form whose action ends with ``action`` (lists for repeated names)."""
    reader = _FormReader()
    reader.feed(html)
    for form_action, pairs in reader.forms:
        if form_action.endswith(action) and "/lang/" not in form_action \
                and "/auth/logout" not in form_action:
            fields: dict = {}
            for name, value in pairs:
                fields.setdefault(name, []).append(value)
            return {k: v if len(v) > 1 or k in ("modes", "replace_on") else v[0]
                    for k, v in fields.items()}
    raise AssertionError(f"no form with action ending {action!r}")


def new_round(client, app, sizes: dict, *, name="2011年第三季度电话抽查", **changes) -> int:
    """Fill the new-round page as an admin would: programs with sizes (None: ticked only)."""
    data = form_fields(client.get("/rounds/new").get_data(as_text=True))
    data.update(name=name, period_kind="quarter", period="2011-Q3")
    for code, n in sizes.items():
        pid = program_id(app, code)
        data[f"inc_{pid}"] = "y"
        data[f"n_{pid}"] = "" if n is None else n
    data.update({k: v for k, v in changes.items()})
    response = client.post("/rounds/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    return int(response.location.rsplit("/", 1)[1])


def edit_round(client, round_id: int, **changes):
    data = form_fields(client.get(f"/rounds/{round_id}/edit").get_data(as_text=True))
    data.update(changes)
    return client.post(f"/rounds/{round_id}/edit", data=data)


def draw(client, round_id: int, seed: int | None = None):
    """Press 抽样 on the round page, with the seed it shows or the one typed."""
    data = form_fields(client.get(f"/rounds/{round_id}").get_data(as_text=True), "/draw")
    if seed is not None:
        data["seed"] = seed
    return client.post(f"/rounds/{round_id}/draw", data=data)


def drawn_people(app, round_id: int, reserves: bool = False) -> dict[int, set[int]]:
    with app.app_context():
        query = (sa.select(SampleDraw.program_id, SampleUnit.person_id).join(SampleUnit)
                 .where(SampleDraw.round_id == round_id))
        if not reserves:
            query = query.where(SampleUnit.reserve_order.is_(None))
        result: dict[int, set[int]] = {}
        for program, person in db.session.execute(query):
            result.setdefault(program, set()).add(person)
        return result


def town_ids(app) -> dict[str, int]:
    with app.app_context():
        return dict(db.session.execute(sa.select(Area.name, Area.id)
                                       .where(Area.parent_id.is_(None))).all())


def case_count(app, round_id: int) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Case)
                                 .where(Case.round_id == round_id))


def import_with_amounts(app, code: str, amounts: list[str], seed: int = 7) -> None:
    """A roster whose rows carry 发放金额 (the PPS size), imported as a clerk would."""
    from survey.catalog.service import program_by_code
    from survey.rosters.service import import_roster
    from tests.fixtures import roster_csv, roster_rows

    rows = [row + [amount] for row, amount in zip(roster_rows(len(amounts), seed), amounts,
                                                   strict=True)]
    data = roster_csv(rows, header=("姓名", "身份证号", "联系电话", "街镇", "村居", "发放金额"))
    with app.app_context():
        report = import_roster(program_by_code(code), data, f"{code}.csv", by=None)
        assert report.ok, report.errors[:3]
