"""Import a roster file as a new version of a program's roster, all or nothing."""

import hashlib
from dataclasses import dataclass, field

import sqlalchemy as sa

from survey import privacy
from survey.extensions import db
from survey.models import Area, AuditEvent, Person, Program, RosterEntry, RosterVersion, User
from survey.rosters.reader import FileProblem, read_csv
from survey.rosters.validate import AreaIndex, CleanRow, RowError, check_row


@dataclass
class ImportReport:
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    version: RosterVersion | None = None
    #: The file equals the current version: nothing was written.
    unchanged: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def area_index() -> AreaIndex:
    areas = db.session.execute(sa.select(Area.id, Area.name, Area.parent_id)).all()
    towns = {name: id_ for id_, name, parent in areas if parent is None}
    villages = {(parent, name): id_ for id_, name, parent in areas if parent is not None}
    return AreaIndex(towns, villages)


def check_file(data: bytes) -> tuple[list[CleanRow], list[RowError]]:
    """Validate every row; duplicates of an ID number inside the file are errors too."""
    areas = area_index()
    clean, errors, seen = [], [], {}
    try:
        for row in read_csv(data):
            good, problems = check_row(row, areas)
            errors.extend(problems)
            if good is None:
                continue
            if good.id_number in seen:
                errors.append(RowError(
                    row.line, "身份证号", privacy.mask_id(good.id_number),
                    f"与第{seen[good.id_number]}行是同一个人（身份证号重复）",
                ))
                continue
            seen[good.id_number] = row.line
            clean.append(good)
    except FileProblem as problem:
        errors.append(RowError(0, "", "", str(problem)))
    return clean, errors


def current_version(program: Program) -> RosterVersion | None:
    query = (sa.select(RosterVersion).where(RosterVersion.program_id == program.id)
             .order_by(RosterVersion.number.desc()).limit(1))
    return db.session.scalar(query)


def import_roster(program: Program, data: bytes, filename: str, *, by: User | None) -> ImportReport:
    """Validate the whole file, then write a new roster version, or write nothing at all."""
    clean, errors = check_file(data)
    report = ImportReport(rows=len(clean) + len({e.line for e in errors if e.line}), errors=errors)
    if errors:
        return report
    if not clean:
        report.errors.append(RowError(0, "", "", "文件中没有数据行"))
        return report
    vault = privacy.Vault.from_app()
    prepared = [_prepare(row, vault) for row in clean]
    fingerprint = hashlib.sha256("".join(sorted(p["content_hash"] for p in prepared)).encode())
    previous = current_version(program)
    if previous is not None and previous.fingerprint == fingerprint.hexdigest():
        report.unchanged, report.version = True, previous
        return report
    report.version = _write_version(program, prepared, previous, fingerprint.hexdigest(),
                                    filename, by, vault)
    return report


def _prepare(row: CleanRow, vault: privacy.Vault) -> dict:
    id_hash = vault.hash(row.id_number)
    phone_hash = vault.hash(row.phone) if row.phone else None
    content = "|".join(str(v) for v in (
        id_hash, row.name, phone_hash, row.town_id, row.village_id, row.address, row.amount
    ))
    return {"row": row, "id_hash": id_hash, "phone_hash": phone_hash,
            "content_hash": hashlib.sha256(content.encode()).hexdigest()}


def _person_ids(prepared: list[dict], vault: privacy.Vault) -> dict[str, int]:
    """Find or create the person of each row, keyed by the hash of the ID number."""
    hashes = [p["id_hash"] for p in prepared]
    known = {}
    for chunk in range(0, len(hashes), 500):
        query = sa.select(Person.id_hash, Person.id).where(
            Person.id_hash.in_(hashes[chunk:chunk + 500])
        )
        known.update(db.session.execute(query).all())
    for p in prepared:
        if p["id_hash"] not in known:
            row = p["row"]
            person = Person(id_hash=p["id_hash"], id_encrypted=vault.encrypt(row.id_number),
                            id_mask=privacy.mask_id(row.id_number), name=row.name)
            db.session.add(person)
            db.session.flush()
            known[p["id_hash"]] = person.id
    return known


def _write_version(program, prepared, previous, fingerprint, filename, by, vault):
    number = previous.number + 1 if previous else 1
    people = _person_ids(prepared, vault)
    current = {}
    if previous is not None:
        query = sa.select(RosterEntry).where(
            RosterEntry.program_id == program.id, RosterEntry.last_version.is_(None)
        )
        current = {e.person_id: e for e in db.session.scalars(query)}
    added = changed = 0
    for p in prepared:
        person_id = people[p["id_hash"]]
        old = current.pop(person_id, None)
        if old is not None and old.content_hash == p["content_hash"]:
            continue  # unchanged: the open entry simply stays valid for the new version
        if old is not None:
            old.last_version = number - 1
            changed += 1
        else:
            added += 1
        db.session.add(_entry(program.id, person_id, number, p, vault))
    for gone in current.values():
        gone.last_version = number - 1
    version = RosterVersion(
        program_id=program.id, number=number, filename=filename[:255], row_count=len(prepared),
        fingerprint=fingerprint, added=added, removed=len(current), changed=changed,
        imported_by_id=by.id if by else None,
    )
    db.session.add(version)
    db.session.flush()
    db.session.add(AuditEvent(user_id=version.imported_by_id, action="roster.import",
                              object_type="roster_version", object_id=version.id,
                              detail={"program": program.code, "rows": len(prepared)}))
    db.session.commit()
    return version


def _entry(program_id: int, person_id: int, number: int, p: dict, vault) -> RosterEntry:
    row = p["row"]
    return RosterEntry(
        program_id=program_id, person_id=person_id, first_version=number, name=row.name,
        phone_encrypted=vault.encrypt(row.phone) if row.phone else None,
        phone_hash=p["phone_hash"], phone_mask=privacy.mask_phone(row.phone) if row.phone else None,
        town_id=row.town_id, village_id=row.village_id, address=row.address, amount=row.amount,
        content_hash=p["content_hash"],
    )


def version_entries(version: RosterVersion):
    """A select of the entries that make up one roster version."""
    return sa.select(RosterEntry).where(RosterEntry.in_version(version.program_id, version.number))
