"""The program catalog: load the twenty programs, list and edit them."""

import csv
from pathlib import Path

import sqlalchemy as sa

from survey.extensions import db
from survey.models import Program, ProgramKind, SampledFrom

CATALOG_CSV = Path(__file__).with_name("programs.csv")


def load_catalog(path: Path = CATALOG_CSV) -> int:
    """Insert the programs of ``path`` that are not in the catalog yet; return how many."""
    known = set(db.session.scalars(sa.select(Program.code)))
    added = 0
    with path.open(encoding="utf-8", newline="") as handle:
        for position, row in enumerate(csv.DictReader(handle), start=1):
            if row["code"] in known:
                continue
            db.session.add(Program(
                code=row["code"], name_zh=row["name_zh"], name_en=row["name_en"],
                kind=ProgramKind(row["kind"]), sampled_from=SampledFrom(row["sampled_from"]),
                sensitive=row["sensitive"] == "yes", department=row["department_zh"],
                target=row["target_2011"], position=position,
            ))
            added += 1
    db.session.commit()
    return added


def active_programs() -> list[Program]:
    query = sa.select(Program).where(Program.active).order_by(Program.position)
    return list(db.session.scalars(query))


def roster_programs() -> list[Program]:
    return [p for p in active_programs() if p.has_roster]


def program_by_code(code: str) -> Program | None:
    return db.session.scalar(sa.select(Program).where(Program.code == code))


def update_program(program: Program, *, department: str, sensitive: bool, active: bool) -> None:
    program.department = department.strip()
    program.sensitive = sensitive
    program.active = active
    db.session.commit()
