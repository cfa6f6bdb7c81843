"""Plan rounds, draw their samples, hand their cases to surveyors."""

import hashlib
import math
from collections.abc import Mapping

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

import sampling
from sampling import designs
from survey.extensions import db
from survey.models import (
    AuditEvent,
    Case,
    PeriodKind,
    Program,
    QuestionnaireVersion,
    Role,
    RosterEntry,
    Round,
    RoundProgram,
    SampleDraw,
    SampleUnit,
    User,
)
from survey.rosters.service import current_version, version_entries

#: Reserves drawn per program, as a share of the sample (released by the rounds issue's rules).
RESERVE_SHARE = 0.2


class DrawRefused(ValueError):
    """The sample cannot be drawn now; the message says why, in Chinese."""


def create_round(*, name: str, period_kind: PeriodKind, period: str,
                 questionnaire_version: QuestionnaireVersion, sizes: Mapping[int, int],
                 by: User | None) -> Round:
    """A new round in draft, with the sample size of each of its programs."""
    round_ = Round(name=name.strip(), period_kind=PeriodKind(period_kind), period=period,
                   questionnaire_version=questionnaire_version,
                   created_by_id=by.id if by else None)
    for program_id, size in sizes.items():
        round_.programs.append(RoundProgram(program_id=program_id, sample_size=size))
    db.session.add(round_)
    db.session.flush()
    db.session.add(AuditEvent(user_id=round_.created_by_id, action="round.create",
                              object_type="round", object_id=round_.id))
    db.session.commit()
    return round_


def program_seed(seed: int, program: Program) -> int:
    """Each program's own seed, derived from the round's so that frames do not share ranks."""
    digest = hashlib.sha256(f"{seed}:{program.code}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def _frame(program: Program):
    """The program's current roster version and its entries by unit key (the ID number's hash)."""
    version = current_version(program)
    if version is None:
        raise DrawRefused(f"“{program.name_zh}”还没有导入名册")
    query = version_entries(version).options(joinedload(RosterEntry.person))
    entries = {e.person.id_hash: e for e in db.session.scalars(query)}
    return version, entries


def draw_samples(round_: Round, seed: int, *, by: User | None) -> list[SampleDraw]:
    """Draw every program's sample of the round at once, and make one case per person."""
    if db.session.scalar(sa.select(sa.exists().where(SampleDraw.round_id == round_.id))):
        raise DrawRefused("本轮已经抽过样，不能重复抽样")
    draws = [_draw_program(round_, rp, seed, by) for rp in round_.programs]
    _make_cases(round_, draws)
    db.session.add(AuditEvent(user_id=by.id if by else None, action="sample.draw",
                              object_type="round", object_id=round_.id, detail={"seed": seed}))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise DrawRefused("本轮已经抽过样，不能重复抽样") from None
    return draws


def _draw_program(round_: Round, rp: RoundProgram, seed: int, by: User | None) -> SampleDraw:
    version, entries = _frame(rp.program)
    if rp.sample_size > len(entries):
        raise DrawRefused(
            f"“{rp.program.name_zh}”名册只有{len(entries)}人，少于样本量{rp.sample_size}"
        )
    reserves = min(math.ceil(rp.sample_size * RESERVE_SHARE), len(entries) - rp.sample_size)
    own_seed = program_seed(seed, rp.program)
    result = designs.simple_random(list(entries), rp.sample_size, seed=own_seed,
                                   n_reserves=reserves)
    draw = SampleDraw(
        round_id=round_.id, program_id=rp.program_id, roster_version_id=version.id,
        design="simple_random", seed=own_seed, population=len(entries),
        params={"round_seed": str(seed), "n": rp.sample_size, "n_reserves": reserves},
        frame_fingerprint=result.frame_fingerprint, library_version=sampling.__version__,
        drawn_by_id=by.id if by else None,
    )
    db.session.add(draw)
    for unit in result.units:
        draw.units.append(_unit(entries[unit.key], unit.stratum, unit.population,
                                unit.inclusion_probability, unit.weight, None))
    for reserve in result.reserves:
        p = rp.sample_size / len(entries)
        draw.units.append(_unit(entries[reserve.key], reserve.stratum, len(entries), p, 1 / p,
                                reserve.order))
    return draw


def _unit(entry, stratum, population, probability, weight, reserve_order) -> SampleUnit:
    return SampleUnit(entry_id=entry.id, person_id=entry.person_id, stratum=str(stratum),
                      stratum_population=population, inclusion_probability=probability,
                      weight=weight, reserve_order=reserve_order)


def _make_cases(round_: Round, draws: list[SampleDraw]) -> None:
    """One case per drawn person, however many of the round's programs drew them."""
    db.session.flush()
    cases: dict[int, Case] = {}
    for draw in draws:
        for unit in draw.units:
            if unit.reserve_order is not None:
                continue
            if unit.person_id not in cases:
                cases[unit.person_id] = Case(round_id=round_.id, person_id=unit.person_id)
                db.session.add(cases[unit.person_id])
    db.session.flush()
    for draw in draws:
        for unit in draw.units:
            if unit.reserve_order is None:
                unit.case_id = cases[unit.person_id].id


def active_surveyors() -> list[User]:
    query = sa.select(User).where(User.role == Role.SURVEYOR, User.active).order_by(User.id)
    return list(db.session.scalars(query))


def assign_round_robin(round_: Round, *, by: User | None) -> int:
    """Give the round's unassigned cases to the active surveyors in turn; return how many."""
    surveyors = active_surveyors()
    if not surveyors:
        raise DrawRefused("没有可用的调查员账号")
    query = (sa.select(Case).where(Case.round_id == round_.id, Case.assigned_to_id.is_(None))
             .order_by(Case.id))
    cases = list(db.session.scalars(query))
    for index, case in enumerate(cases):
        case.assigned_to_id = surveyors[index % len(surveyors)].id
    db.session.add(AuditEvent(user_id=by.id if by else None, action="cases.assign",
                              object_type="round", object_id=round_.id,
                              detail={"cases": len(cases)}))
    db.session.commit()
    return len(cases)
