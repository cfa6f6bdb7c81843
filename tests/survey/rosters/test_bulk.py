"""The bulk paths of a large import give the same roster as the ordinary ones.

A large import takes people's ids from line numbers, rebuilds the person hash index on SQLite and
checks roster_entry's foreign keys once on PostgreSQL. The threshold is lowered here so that a
small file takes those paths.
"""

import sqlalchemy as sa

from survey import privacy
from survey.extensions import db
from survey.models import Person, Program, RosterEntry
from survey.rosters import bulk
from tests.fixtures import roster_rows
from tests.survey.rosters.helpers import count


def _people_by_id_number(app) -> dict[str, list[int]]:
    """ID number -> the ids of the people whose encrypted ID is that number."""
    with app.app_context():
        vault = privacy.Vault.from_app()
        found: dict[str, list[int]] = {}
        for person_id, sealed in db.session.execute(sa.select(Person.id, Person.id_encrypted)):
            found.setdefault(vault.decrypt(sealed), []).append(person_id)
        return found


def _entries(app, program_code: str) -> dict[str, str]:
    """ID number -> name on the program's current roster, through each entry's person."""
    with app.app_context():
        vault = privacy.Vault.from_app()
        rows = db.session.execute(
            sa.select(Person.id_encrypted, RosterEntry.name)
            .join(Person, Person.id == RosterEntry.person_id)
            .join(Program, Program.id == RosterEntry.program_id)
            .where(Program.code == program_code,
                   RosterEntry.last_version.is_(None)))
        return {vault.decrypt(sealed): name for sealed, name in rows}


def test_bulk_imports_keep_one_person_per_id_number(app, make_roster, monkeypatch):
    monkeypatch.setattr(bulk, "BULK_ROWS", 3)
    first, second = roster_rows(30), roster_rows(12, seed=9)
    make_roster("cataract", rows=first)
    # A second program shares ten people with the first and brings twelve new ones.
    make_roster("wubao", rows=first[5:15] + second)
    people = _people_by_id_number(app)
    assert len(people) == 42 and all(len(ids) == 1 for ids in people.values())
    assert count(app, RosterEntry) == 30 + 22
    assert _entries(app, "cataract") == {row[1]: row[0] for row in first}
    assert _entries(app, "wubao") == {row[1]: row[0] for row in first[5:15] + second}
    # A new version: two people renamed, five gone, one new.
    changed = [[name + "某", number, *rest] for name, number, *rest in first[:2]]
    make_roster("cataract", rows=changed + first[2:25] + roster_rows(1, seed=11))
    expected = {row[1]: row[0] for row in changed + first[2:25] + roster_rows(1, seed=11)}
    assert _entries(app, "cataract") == expected
    assert len(_people_by_id_number(app)) == 43


def test_indexes_and_keys_are_back_after_a_bulk_import(app, make_roster, monkeypatch):
    monkeypatch.setattr(bulk, "BULK_ROWS", 3)
    make_roster("cataract", rows=roster_rows(20))
    with app.app_context():
        indexes = sa.inspect(db.engine).get_indexes("person")
        assert {"name": "ix_person_id_hash", "unique": True} in [
            {"name": i["name"], "unique": bool(i["unique"])} for i in indexes]
        entry_indexes = {i["name"] for i in sa.inspect(db.engine).get_indexes("roster_entry")}
        assert {"ix_roster_entry_membership", "ix_roster_entry_program_person"} <= entry_indexes
        keys = sa.inspect(db.engine).get_foreign_keys("roster_entry")
        assert {tuple(k["referred_columns"]) + (k["referred_table"],) for k in keys} == {
            ("id", "person"), ("id", "program"), ("id", "area")}
        one = db.session.scalars(sa.select(Person).limit(1)).one()
        db.session.add(Person(id_hash=one.id_hash, id_encrypted=b"x", id_mask="x", name="x"))
        try:
            db.session.flush()
            raise AssertionError("a second person with the same ID hash was stored")
        except sa.exc.IntegrityError:
            db.session.rollback()


def test_new_people_after_a_bulk_import_get_fresh_ids(app, make_roster, monkeypatch):
    """Ids taken from line numbers move PostgreSQL's sequences past them."""
    monkeypatch.setattr(bulk, "BULK_ROWS", 3)
    make_roster("cataract", rows=roster_rows(15))
    imported = [ids[0] for ids in _people_by_id_number(app).values()]
    with app.app_context():
        entries = db.session.scalar(sa.select(sa.func.max(RosterEntry.id)))
        person = Person(id_hash="f" * 64, id_encrypted=b"x", id_mask="x", name="新人")
        db.session.add(person)
        db.session.flush()
        one = db.session.scalars(sa.select(RosterEntry).limit(1)).one()
        entry = RosterEntry(program_id=one.program_id, person_id=person.id, first_version=2,
                            name="新人", town_id=one.town_id, address="", content_hash="e" * 64)
        db.session.add(entry)
        db.session.commit()
        assert person.id > max(imported) and entry.id > entries


def test_a_later_version_numbers_new_people_from_their_lines(app, make_roster):
    """Known people keep their ids; a new person's id is the largest before plus the line."""
    rows = roster_rows(30)
    make_roster("cataract", rows=rows)
    with app.app_context():
        before = db.session.scalars(sa.select(Person.id).order_by(Person.id)).all()
    make_roster("cataract", rows=rows + roster_rows(2, seed=5))
    with app.app_context():
        ids = db.session.scalars(sa.select(Person.id).order_by(Person.id)).all()
    # the header is line 1, so the two new people are on lines 32 and 33
    assert ids[:30] == before and ids[30:] == [max(before) + 32, max(before) + 33]
    assert _entries(app, "cataract") == {row[1]: row[0] for row in rows + roster_rows(2, seed=5)}


def test_the_keys_of_an_import_s_entries_are_checked_at_once(app, make_roster):
    """SQLite's import writes entries without a lookup per key and checks them all after:
    an entry whose person does not exist stops the import."""
    from survey.rosters import apply

    make_roster("cataract", rows=roster_rows(5))
    with app.app_context(), db.engine.connect() as conn:
        after = apply.largest_entry_id(conn)
        apply.check_keys(conn, 0)  # the roster as imported is whole
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
        else:
            conn.exec_driver_sql("SET session_replication_role = replica")  # no key triggers
        program = conn.execute(sa.select(Program.id).where(Program.code == "wubao")).scalar()
        town = conn.execute(sa.select(RosterEntry.town_id).limit(1)).scalar()
        conn.execute(sa.insert(RosterEntry).values(
            program_id=program, person_id=999_999, first_version=1, name="无此人",
            town_id=town, address="", content_hash="0" * 64))
        try:
            apply.check_keys(conn, after)
            raise AssertionError("an entry of nobody passed the check")
        except sa.exc.IntegrityError:
            pass
        finally:
            conn.rollback()


def test_keys_given_back_unvalidated_are_validated_after_the_commit(app, make_roster,
                                                                   monkeypatch):
    """PostgreSQL's bulk import gives roster_entry's keys back NOT VALID (enforced on every later
    write) and validates them after its commit, in a thread."""
    monkeypatch.setattr(bulk, "BULK_ROWS", 3)
    make_roster("cataract", rows=roster_rows(20))
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return
        bulk.last_validation["thread"].join(30)
        validated = db.session.execute(sa.text(
            "SELECT conname, convalidated FROM pg_constraint WHERE conrelid = "
            "'roster_entry'::regclass AND contype = 'f'")).all()
        assert len(validated) == 4 and all(ok for _, ok in validated), validated
