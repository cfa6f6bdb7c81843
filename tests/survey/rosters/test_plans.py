"""Imports are planned as lookups, never as a table scanned once per row of another.

A plan that scans a table inside a loop is quadratic: invisible on a test's forty rows, hours on
a million. Each statement the second pass runs on the rosters and the spool is explained by SQLite
while the import runs, and its plan may scan one table at most (the outer loop); the first pass's
lookups must go through the indexes.
"""

import re
import sqlite3

import pytest
import sqlalchemy as sa

from survey.catalog.service import program_by_code
from survey.extensions import db
from survey.models import Person
from survey.rosters.match import Matcher
from tests.fixtures import roster_rows

_SKIP = ("CREATE", "DROP", "ATTACH", "DETACH", "PRAGMA", "DELETE")


def test_no_statement_scans_a_table_inside_a_loop(app, make_roster):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's planner is the one that needs telling; PostgreSQL hashes")
        engine = db.engine
    rows = roster_rows(40)
    make_roster("cataract", rows=rows)
    make_roster("wubao", rows=rows[10:] + roster_rows(5, seed=4))
    plans: list[tuple[str, list[str]]] = []

    def explain(conn, cursor, statement, parameters, context, executemany):
        if executemany or not re.search(r"part\.rows|roster_kept|person|roster_entry", statement):
            return
        if statement.lstrip().upper().startswith(_SKIP):
            return
        found = cursor.connection.execute("EXPLAIN QUERY PLAN " + statement, parameters)
        plans.append((statement, [tuple(row[:2]) + (row[3],) for row in found]))

    sa.event.listen(engine, "before_cursor_execute", explain)
    try:
        moved = [[name, number, phone[:-1] + str((int(phone[-1]) + 1) % 10), town, village]
                 if i % 5 == 0 else [name, number, phone, town, village]
                 for i, (name, number, phone, town, village) in enumerate(rows)]
        make_roster("cataract", rows=moved[3:] + roster_rows(3, seed=8))
    finally:
        sa.event.remove(engine, "before_cursor_execute", explain)
    seen = " ".join(statement for statement, _ in plans)
    for part in ("INSERT INTO roster_kept", "UPDATE roster_entry SET last_version",
                 "FROM part.rows", "INSERT INTO person",
                 "INSERT INTO roster_entry"):
        assert part in seen, part  # the comparison and the writing were all explained
    for statement, plan in plans:
        assert not _loops_over_a_scan(statement, plan), (statement, plan)


def _loops_over_a_scan(statement: str, plan: list[tuple[int, int, str]]) -> bool:
    """Whether a table of the statement is scanned as an inner loop or inside a correlated
    subquery. Steps on other tables (SQLite's foreign-key checks, run only when a key is
    broken) are left aside."""
    words = set(re.findall(r"\w+", statement))
    parent_of = {step: parent for step, parent, _ in plan}
    correlated = {step for step, _, detail in plan if detail.startswith("CORRELATED")}
    first_loop: dict[int, int] = {}
    for step, parent, detail in plan:
        kind, _, rest = detail.partition(" ")
        if kind not in ("SCAN", "SEARCH") or (
                rest.split(" ")[0] not in words and not rest.startswith("(subquery")):
            continue
        first_loop.setdefault(parent, step)
        inside, ancestor = False, parent
        while ancestor:
            inside = inside or ancestor in correlated
            ancestor = parent_of.get(ancestor, 0)
        if kind == "SCAN" and (inside or first_loop[parent] != step):
            return True
    return False


def test_the_first_pass_looks_people_and_entries_up_by_index(app, make_roster):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's planner is the one that needs telling")
        path = db.engine.url.database
    rows = roster_rows(30)
    make_roster("cataract", rows=rows)
    with app.app_context():
        program = program_by_code("cataract").id
        people = dict(db.session.execute(sa.select(Person.id_hash, Person.id)).all())
    connection = sqlite3.connect(path)
    statements: list[str] = []
    connection.set_trace_callback(statements.append)
    matcher = Matcher(connection, program)
    known = matcher.people([bytes.fromhex(key) for key in people] + [b"x" * 32])
    opened = matcher.open_entries(known.values())
    connection.set_trace_callback(None)
    assert sorted(known.values()) == sorted(people.values()) and len(opened) == 30
    plans = [[row[3] for row in connection.execute("EXPLAIN QUERY PLAN " + statement)]
             for statement in statements]
    assert any("USING COVERING INDEX ix_person_id_hash" in step or
               "USING INDEX ix_person_id_hash" in step for step in plans[0]), plans[0]
    assert any("ix_roster_entry_program_person" in step for step in plans[1]), plans[1]
    assert not any(step.startswith("SCAN") for plan in plans for step in plan), plans
