"""Draw a round's sample, freeze it with everything needed to redraw it, and make its cases.

A draw records per program: the roster version and its fingerprint, the frame's fingerprint, the
design and its parameters (strata with N_h, n_h, reserves and PRN starts, allocation, precision
target, coordination), the round's seed and the program's seed derived from it, the sampling
library's version, who drew it and when. The database allows one draw per round and program
(``sample_draw`` is unique on both), and the round's row is locked while drawing, so two clicks or
two workers make one sample. Before fieldwork starts the admin may discard a sample and draw again
(the discarded seed and fingerprint stay in the audit log); once any contact attempt or response
exists, the sample is fixed.
"""

import hashlib

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError, OperationalError

import sampling
from sampling import designs
from survey.extensions import db
from survey.models import (
    AuditEvent,
    Case,
    Program,
    Round,
    SampleDesign,
    SampleDraw,
    SampleUnit,
    SizeBasis,
    User,
)
from survey.rounds import coordinate
from survey.rounds.plan import ProgramPlan, allocation_arguments, plan_round, round_problems
from survey.rounds.selection import select
from survey.rounds.state import RoundState, round_state


class DrawRefused(ValueError):
    """The sample cannot be drawn (or discarded) now; the message says why, in Chinese."""


def program_seed(seed: int, program: Program) -> int:
    """Each program's own seed, derived from the round's so that frames do not share ranks."""
    digest = hashlib.sha256(f"{seed}:{program.code}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def _lock(round_: Round) -> None:
    """Hold the round's row until commit (PostgreSQL); SQLite serialises writers anyway."""
    db.session.execute(sa.select(Round.id).where(Round.id == round_.id).with_for_update())


def _already_drawn(round_: Round) -> bool:
    return bool(db.session.scalar(sa.select(sa.exists().where(SampleDraw.round_id == round_.id))))


def draw_round(round_: Round, seed: int, *, by: User | None) -> list[SampleDraw]:
    """Draw every program's sample of the round at once, and make one case per person."""
    try:
        _lock(round_)
        if round_.closed_at is not None:
            raise DrawRefused("本轮已结束，不能抽样。")
        if _already_drawn(round_):
            raise DrawRefused("本轮已经抽过样，不能重复抽样。")
        plans = plan_round(round_)
        errors = round_problems(round_) + [e for plan in plans for e in plan.errors]
        if errors:
            raise DrawRefused(" ".join(errors))
        draws = [_draw_program(round_, plan, seed, by) for plan in plans]
        _make_cases(round_, draws)
        db.session.add(AuditEvent(user_id=by.id if by else None, action="sample.draw",
                                  object_type="round", object_id=round_.id,
                                  detail={"seed": str(seed), "draws": [d.id for d in draws]}))
        db.session.commit()
    except DrawRefused:
        db.session.rollback()
        raise
    except ValueError as problem:  # a check of the sampling library the plan did not foresee
        db.session.rollback()
        raise DrawRefused(f"抽样参数有误：{problem}") from None
    except IntegrityError:
        db.session.rollback()
        raise DrawRefused("本轮已经抽过样，不能重复抽样。") from None
    except OperationalError:  # SQLite gave up waiting for another writer
        db.session.rollback()
        raise DrawRefused("另一个抽样操作正在进行，请稍后刷新页面查看结果。") from None
    return draws


def draw_params(round_: Round, plan: ProgramPlan, own_seed: int) -> dict:
    """Everything besides the seed that defines the program's draw, as stored on the draw."""
    strata = {s.label: {"population": s.population, "sample_size": s.sample,
                        "reserves": s.reserves} for s in plan.strata}
    params = {"n": plan.n, "size_basis": round_.size_basis.value,
              "roster_version": plan.frame.version.number, "strata": strata,
              "prn": round_.coordination.value != "none", "library": sampling.__version__}
    if round_.size_basis is not SizeBasis.FIXED:
        params["precision"] = {
            "margin": round_.target_margin, "level": round_.confidence_level,
            "p": round_.anticipated_p, "deff": round_.design_effect,
            "response_rate": round_.response_rate,
        }
    if round_.design is SampleDesign.STRATIFIED:
        params["stratify_by"] = "town"
        if round_.size_basis is not SizeBasis.TOWN:
            params["allocation"] = allocation_arguments(round_, strata)
    if round_.design is SampleDesign.SYSTEMATIC:
        params["sort_by"] = ["town", "village"]
    if round_.design is SampleDesign.PPS:
        params["size_variable"] = "amount"
    if params["prn"]:
        starts, params["coordination"] = coordinate.starts(round_, plan.program.id,
                                                           list(strata), own_seed)
        for label, start in starts.items():
            strata[label]["start"] = start
    return params


def _draw_program(round_: Round, plan: ProgramPlan, seed: int, by: User | None) -> SampleDraw:
    own_seed = program_seed(seed, plan.program)
    params = draw_params(round_, plan, own_seed)
    frame = plan.frame
    chosen = select(frame, round_.design.value, own_seed, params,
                    current_app.config.get("PRN_SECRET"))
    draw = SampleDraw(
        round_id=round_.id, program_id=plan.program.id, roster_version_id=frame.version.id,
        roster_fingerprint=frame.version.fingerprint, design=round_.design.value,
        round_seed=seed, seed=own_seed, params=params, population=len(frame.rows),
        frame_fingerprint=designs.frame_fingerprint(frame.keys),
        library_version=sampling.__version__, drawn_by_id=by.id if by else None,
    )
    db.session.add(draw)
    rows = frame.by_key()
    for c in chosen:
        row = rows[c.key]
        draw.units.append(SampleUnit(
            entry_id=row.entry_id, person_id=row.person_id, stratum=c.stratum,
            stratum_population=c.population, inclusion_probability=c.probability,
            weight=c.weight, reserve_order=c.reserve_order,
        ))
    db.session.flush()
    return draw


def _make_cases(round_: Round, draws: list[SampleDraw]) -> None:
    """One case per drawn person, however many of the round's programs drew them."""
    cases: dict[int, Case] = {}
    for draw in draws:
        for unit in draw.units:
            if unit.reserve_order is None and unit.person_id not in cases:
                cases[unit.person_id] = Case(round_id=round_.id, person_id=unit.person_id,
                                             mode=round_.start_mode)
                db.session.add(cases[unit.person_id])
    db.session.flush()
    for draw in draws:
        for unit in draw.units:
            if unit.reserve_order is None:
                unit.case_id = cases[unit.person_id].id
    db.session.flush()


def discard_sample(round_: Round, *, by: User, reason: str) -> None:
    """Throw away a sample that fieldwork has not touched, so that it can be drawn again."""
    _lock(round_)
    if round_state(round_) is not RoundState.SAMPLED:
        raise DrawRefused("调查已经开始（已有接触记录或答卷）或本轮已结束，样本不能重新抽取。")
    if not reason.strip():
        raise DrawRefused("请填写重新抽样的原因。")
    detail = {"reason": reason.strip(), "draws": [
        {"program": d.program.code, "seed": str(d.seed), "round_seed": str(d.round_seed),
         "frame_fingerprint": d.frame_fingerprint, "units": len(d.units)} for d in round_.draws]}
    draw_ids = [d.id for d in round_.draws]
    db.session.execute(sa.update(SampleUnit).where(SampleUnit.draw_id.in_(draw_ids))
                       .values(case_id=None, replaces_id=None))
    db.session.execute(sa.delete(SampleUnit).where(SampleUnit.draw_id.in_(draw_ids)))
    db.session.execute(sa.delete(Case).where(Case.round_id == round_.id))
    db.session.execute(sa.delete(SampleDraw).where(SampleDraw.id.in_(draw_ids)))
    db.session.add(AuditEvent(user_id=by.id, action="sample.discard", object_type="round",
                              object_id=round_.id, detail=detail))
    db.session.commit()
    db.session.expire(round_)
