"""A large CSV is read by several processes; the outcome is the same as reading it in one."""

import csv

import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.catalog.service import program_by_code
from survey.extensions import db
from survey.models import RosterEntry, RosterImportProblem
from survey.rosters import parts
from survey.rosters.service import import_roster
from tests.fixtures import roster_csv, roster_rows
from tests.survey.rosters.helpers import database_dump, wrong_check_digit


def _faulty_rows():
    rows = roster_rows(400)
    rows[10][1] = wrong_check_digit(rows[10][1])  # line 12, in the first part
    rows[250][2] = "139"  # line 253 (after the blank line below), in a later part
    rows[390][1] = rows[5][1]  # line 393 repeats line 7: the duplicate spans parts
    rows.insert(200, ["", "", "", "", ""])  # line 202 is blank, and still counts
    return rows


def _import(app, data: bytes, **options):
    with app.app_context():
        report = import_roster(program_by_code("cataract"), data, "big.csv", by=None, **options)
        problems = [(p.line, p.column, p.reason) for p in db.session.scalars(
            sa.select(RosterImportProblem).order_by(RosterImportProblem.line))]
        return report.job.status, problems, report.job.rows_read


def test_the_file_is_cut_at_line_starts(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"title\nh1,h2\n" + b"".join(b"%d,x\n" % i for i in range(1000)))
    cut = parts.plan(path, "utf-8", 2, part_bytes=1000)
    assert len(cut) > 3 and cut[0].first_line == 3
    data = path.read_bytes()
    for part in cut:
        chunk = data[part.start:part.end]
        assert chunk.startswith(b"%d," % (part.first_line - 3)) and chunk.endswith(b"\n")
    assert parts.plan(path, "utf-16", 2) is None
    path.write_bytes(b'h1,h2\n"a\nb",c\n')
    assert parts.plan(path, "utf-8", 1) is None  # a quoted field may span lines


def test_parallel_and_serial_reading_agree(app, district, tmp_path):
    data = roster_csv(_faulty_rows())
    (tmp_path / "big.csv").write_bytes(data)
    assert len(parts.plan(tmp_path / "big.csv", "utf-8", 1, part_bytes=4000)) > 3
    serial = _import(app, data)
    with app.app_context():
        db.session.execute(sa.delete(RosterImportProblem))
        db.session.commit()
    app.config.update(ROSTER_PARALLEL_BYTES=1, ROSTER_PART_BYTES=4000, ROSTER_WORKERS=2)
    in_parts = _import(app, data)
    assert in_parts == serial
    status, problems, rows = in_parts
    assert status.value == "refused" and rows == 400
    assert [p[0] for p in problems] == [12, 253, 393] and "与第7行是同一个人" in problems[2][2]
    status, _, _ = _import(app, data, valid_only=True)
    assert status.value == "done"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RosterEntry)) == 397


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.text(alphabet=st.characters(
    blacklist_characters='"\r\n\0', blacklist_categories=("Cs",)), max_size=6), min_size=1,
    max_size=5), max_size=12), st.sampled_from([",", "\t"]), st.booleans())
def test_splitting_a_quote_free_part_reads_it_as_the_csv_module(rows, delimiter, crlf):
    ending = "\r\n" if crlf else "\n"
    text = "".join(delimiter.join(cells) + ending for cells in rows)
    expected = [(line, cells) for line, cells in enumerate(
        csv.reader(text.split("\n"), delimiter=delimiter), start=5)
        if any(cells) and any(c.strip() for c in cells)]
    lines, cells = parts.split_rows(text, delimiter, 5)
    assert list(zip(lines, cells, strict=True)) == expected


def _roster(app) -> list[tuple]:
    """The program's current roster as (person's ID hash, name, phone hash, town, village)."""
    from survey.models import Person

    with app.app_context():
        return sorted(db.session.execute(
            sa.select(Person.id_hash, RosterEntry.name, RosterEntry.phone_hash,
                      RosterEntry.town_id, RosterEntry.village_id)
            .join(Person, Person.id == RosterEntry.person_id)
            .where(RosterEntry.last_version.is_(None))).all())


def _clear(app) -> None:
    from survey.models import AuditEvent, Person, RosterImport, RosterVersion

    with app.app_context():
        for model in (RosterImportProblem, RosterEntry, RosterImport, RosterVersion, Person,
                      AuditEvent):
            db.session.execute(sa.delete(model))
        db.session.commit()


def _streamed(monkeypatch, app) -> list:
    """Stream even small files, and record whether each import did."""
    from survey.rosters import bulk, runner

    monkeypatch.setattr(bulk, "BULK_ROWS", 10)
    app.config.update(ROSTER_PARALLEL_BYTES=1, ROSTER_PART_BYTES=4000, ROSTER_WORKERS=2)
    seen, stream = [], runner._stream

    def spy(*args):
        found = stream(*args)
        seen.append(found is not None)
        return found

    monkeypatch.setattr(runner, "_stream", spy)
    return seen


def test_a_streamed_import_writes_what_a_serial_one_does(app, district, monkeypatch):
    rows = roster_rows(400)
    data = roster_csv(rows)
    assert _import(app, data)[0].value == "done"
    serial = _roster(app)
    _clear(app)
    seen = _streamed(monkeypatch, app)
    assert _import(app, data)[0].value == "done" and seen == [True]
    assert _roster(app) == serial and len(serial) == 400
    text, blobs = database_dump(app)  # the streamed path stores no plain number either
    for number in [row[1] for row in rows] + [row[2] for row in rows]:
        assert number not in text and number.encode() not in blobs


def test_a_streamed_import_with_faults_writes_nothing_or_the_valid_rows(app, district,
                                                                      monkeypatch):
    data = roster_csv(_faulty_rows())
    assert _import(app, data, valid_only=True)[0].value == "done"
    serial = _roster(app)
    _clear(app)
    seen = _streamed(monkeypatch, app)
    status, problems, rows = _import(app, data)
    assert status.value == "refused" and rows == 400 and seen == [True]
    assert [p[0] for p in problems] == [12, 253, 393] and _roster(app) == []
    with app.app_context():
        db.session.execute(sa.delete(RosterImportProblem))
        db.session.commit()
    status, problems, _ = _import(app, data, valid_only=True)
    assert status.value == "done" and [p[0] for p in problems] == [12, 253, 393]
    assert _roster(app) == serial and len(serial) == 397


@st.composite
def _parts(draw):
    r"""A part's text, its delimiter and a width: lines of that many cells with a letter
    somewhere only (a regular part), or with lines of any cells among them (shorter, longer,
    blank: whitespace and delimiters); cells with "\r" or a Unicode line separator; lines ended
    by "\n" or "\r\n", the last one maybe not."""
    delimiter = draw(st.sampled_from([",", "\t", ";", " ", "|"]))
    width = draw(st.integers(1, 4))
    plain = st.text(st.sampled_from([c for c in "a王 \u3000\u2028\x85\r" if c != delimiter]),
                    max_size=3)
    good = st.tuples(st.lists(plain, min_size=width, max_size=width), st.integers(0, width - 1),
                     plain).map(lambda t: [*t[0][:t[1]], t[2] + "a", *t[0][t[1] + 1:]])
    odd = st.lists(st.one_of(plain, st.text(st.sampled_from([" ", "\t", delimiter]), max_size=2)),
                   max_size=width + 1)
    rows = draw(st.lists(good if draw(st.booleans()) else st.one_of(good, odd), max_size=8))
    text = "".join(delimiter.join(cells) + draw(st.sampled_from(["\n", "\r\n"])) for cells in rows)
    if draw(st.booleans()):
        text = text[:-1]  # no newline at the end (or a "\r" there)
    return text, delimiter, width


@settings(max_examples=1000, deadline=None)
@given(_parts())
def test_splitting_into_columns_agrees_with_splitting_into_rows(part):
    """split_columns answers exactly when split_rows keeps every line and finds ``width`` cells
    in each, and then with split_rows' line numbers and rows."""
    text, delimiter, width = part
    lines, rows = parts.split_rows(text, delimiter, 5)
    pieces = text.replace("\r\n", "\n").split("\n")
    if pieces[-1] == "":
        pieces.pop()
    regular = len(lines) == len(pieces) and all(len(cells) == width for cells in rows)
    got = parts.split_columns(text, delimiter, 5, width)
    assert (got is not None) == regular
    if got is not None:
        got_lines, columns = got
        assert len(columns) == width and all(len(column) == len(lines) for column in columns)
        assert got_lines == lines and [list(cells) for cells in zip(*columns, strict=True)] == rows


def test_only_a_regular_part_is_split_into_columns():
    def columns(text, width=2, delimiter=","):
        return parts.split_columns(text, delimiter, 5, width)

    assert columns("a,b\r\nc,d\r\n") == ([5, 6], [["a", "c"], ["b", "d"]])
    assert columns("a,b\nc,d") == ([5, 6], [["a", "c"], ["b", "d"]])  # no newline at the end
    assert columns(",b\n a,\u2028\r\n") == ([5, 6], [["", " a"], ["b", "\u2028"]])
    assert columns("a;b\n", delimiter=";") == ([5], [["a"], ["b"]])
    assert columns("a\rb,c\r\r\n", width=2) == ([5], [["a\rb"], ["c\r"]])  # a lone "\r" stays
    assert columns("a\nb\r\n", width=1) == ([5, 6], [["a", "b"]])
    assert columns("") == ([], [[], []])
    assert columns("a\n\nb\n", width=1) is None  # an empty line
    for text in ("a,b\n\nc,d\n", "a,b\n,\n", "a,b\n \t,\u3000\r\n", "a,b\nc\n", "a,b,c\n",
                 "a,b\n\n"):
        assert columns(text) is None, text  # blank, short or long lines
    assert columns("a::b\n", delimiter="::") is None  # split_rows' blank test is for one char


def test_parts_find_the_people_the_district_knows(app, district, monkeypatch):
    """A second program's roster, streamed, and its next version, both read in parts, match
    people with those the first program brought (through the prefetched table on PostgreSQL)."""
    from survey.models import Person, RosterVersion

    first, others = roster_rows(300), roster_rows(150, seed=7)
    assert _import(app, roster_csv(first))[0].value == "done"  # cataract, read in one process
    seen = _streamed(monkeypatch, app)
    with app.app_context():
        report = import_roster(program_by_code("wubao"), roster_csv(first[100:] + others),
                               "wubao.csv", by=None)
        assert report.ok and seen == [True]
        people = db.session.scalar(sa.select(sa.func.count()).select_from(Person))
        assert people == 450  # 200 of the 350 were known
        moved = [[name, number, phone, *place] for name, number, phone, *place in first[100:]]
        moved[0][2] = "13900001111"
        report = import_roster(program_by_code("wubao"), roster_csv(moved[:-20] + others),
                               "wubao2.csv", by=None)
        assert report.ok and seen == [True, False]  # a later version is written after reading
        version = db.session.get(RosterVersion, report.version.id)
        assert (version.added, version.removed, version.changed) == (0, 20, 1)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == 450
