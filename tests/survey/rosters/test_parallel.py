"""A large CSV is read by several processes; the outcome is the same as reading it in one."""

import csv

import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.catalog.service import program_by_code
from survey.extensions import db
from survey.models import RosterEntry, RosterImportProblem
from survey.rosters import parallel
from survey.rosters.service import import_roster
from tests.fixtures import roster_csv, roster_rows
from tests.survey.rosters.helpers import wrong_check_digit


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
    parts = parallel.plan(path, "utf-8", 2, part_bytes=1000)
    assert len(parts) > 3 and parts[0].first_line == 3
    data = path.read_bytes()
    for part in parts:
        chunk = data[part.start:part.end]
        assert chunk.startswith(b"%d," % (part.first_line - 3)) and chunk.endswith(b"\n")
    assert parallel.plan(path, "utf-16", 2) is None
    path.write_bytes(b'h1,h2\n"a\nb",c\n')
    assert parallel.plan(path, "utf-8", 1) is None  # a quoted field may span lines


def test_parallel_and_serial_reading_agree(app, district, tmp_path):
    data = roster_csv(_faulty_rows())
    (tmp_path / "big.csv").write_bytes(data)
    assert len(parallel.plan(tmp_path / "big.csv", "utf-8", 1, part_bytes=4000)) > 3
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
    lines, cells = parallel.split_rows(text, delimiter, 5)
    assert list(zip(lines, cells, strict=True)) == expected
