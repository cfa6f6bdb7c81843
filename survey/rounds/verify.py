"""Redraw a round's samples from their recorded inputs and compare them unit by unit.

For each program's draw: the recorded roster version is read again and its fingerprint and the
frame's fingerprint recomputed; the program's seed is derived again from the round's seed; the
design runs again with the recorded parameters (:func:`survey.rounds.selection.select`, the very
function that drew it); then every stored unit and reserve must equal the redrawn one in person,
stratum, N_h, inclusion probability, weight and reserve order, and nothing may be missing or extra.
Releases of reserves do not change any of these, so a sample in fieldwork still verifies.
"""

import math
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app

import sampling
from sampling import designs
from survey.extensions import db
from survey.models import Person, Round, SampleDraw, SampleUnit
from survey.rounds.draw import program_seed
from survey.rounds.frame import load_frame
from survey.rounds.selection import Chosen, select


@dataclass
class UnitCheck:
    label: str
    stratum: str
    reserve_order: int | None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


@dataclass
class DrawCheck:
    draw: SampleDraw
    problems: list[str] = field(default_factory=list)
    units: list[UnitCheck] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and all(u.ok for u in self.units)


def verify_round(round_: Round) -> list[DrawCheck]:
    return [verify_draw(draw) for draw in round_.draws]


def verify_draw(draw: SampleDraw) -> DrawCheck:
    check = DrawCheck(draw)
    frame = load_frame(draw.program, draw.roster_version)
    if draw.library_version != sampling.__version__:
        check.notes.append(f"抽样时的程序版本为{draw.library_version}，现为{sampling.__version__}")
    if draw.roster_version.fingerprint != draw.roster_fingerprint:
        check.problems.append("名册版本的指纹与抽样时记录的不同")
    if designs.frame_fingerprint(frame.keys) != draw.frame_fingerprint:
        check.problems.append("抽样框（名册成员）的指纹与抽样时记录的不同")
    if program_seed(draw.round_seed, draw.program) != draw.seed:
        check.problems.append("项目种子不能由本轮种子推出")
    if len(frame.rows) != draw.population:
        check.problems.append(f"总体应为{draw.population}人，名册中现有{len(frame.rows)}人")
    try:
        expected = select(frame, draw.design, draw.seed, _params(draw),
                          current_app.config.get("PRN_SECRET"))
    except (ValueError, KeyError) as problem:
        check.problems.append(f"无法按记录的参数重新抽样：{problem}")
        return check
    check.units = _compare(draw, expected, {r.key: r.entry_id for r in frame.rows})
    return check


def _params(draw: SampleDraw) -> dict:
    """The draw's parameters; samples drawn before revision 0002 recorded only n and reserves."""
    params = draw.params or {}
    if "strata" in params or draw.design != "simple_random":
        return params
    stratum = {"population": draw.population, "sample_size": params.get("n"),
               "reserves": params.get("n_reserves", 0)}
    return {**params, "strata": {"all": stratum}}


def _stored(draw: SampleDraw) -> dict[str, tuple[SampleUnit, str]]:
    query = (sa.select(SampleUnit, Person.id_hash, Person.id_mask)
             .join(Person, Person.id == SampleUnit.person_id)
             .where(SampleUnit.draw_id == draw.id))
    return {key: (unit, mask) for unit, key, mask in db.session.execute(query)}


def _compare(draw: SampleDraw, expected: list[Chosen], entries: dict) -> list[UnitCheck]:
    stored = _stored(draw)
    masks = dict(db.session.execute(sa.select(Person.id_hash, Person.id_mask).where(
        Person.id_hash.in_([c.key for c in expected if c.key not in stored]))).all())
    checks = []
    for chosen in expected:
        unit, mask = stored.pop(chosen.key, (None, masks.get(chosen.key, chosen.key[:12])))
        check = UnitCheck(mask, chosen.stratum, chosen.reserve_order)
        check.problem = ("数据库中缺少这个单元" if unit is None
                         else _difference(unit, chosen, entries[chosen.key]))
        checks.append(check)
    for unit, mask in stored.values():
        checks.append(UnitCheck(mask, unit.stratum, unit.reserve_order,
                                "重新抽样时没有抽到这个单元"))
    return checks


def _difference(unit: SampleUnit, chosen: Chosen, entry_id: int) -> str:
    problems = [] if unit.entry_id == entry_id else ["名册记录不同"]
    if unit.stratum != chosen.stratum:
        problems.append(f"层为{unit.stratum}，应为{chosen.stratum}")
    if unit.stratum_population != chosen.population:
        problems.append(f"层总体为{unit.stratum_population}，应为{chosen.population}")
    if not math.isclose(unit.inclusion_probability, chosen.probability, rel_tol=1e-9):
        problems.append(f"入样概率为{unit.inclusion_probability}，应为{chosen.probability}")
    if not math.isclose(unit.weight, chosen.weight, rel_tol=1e-9):
        problems.append(f"权重为{unit.weight}，应为{chosen.weight}")
    if unit.reserve_order != chosen.reserve_order:
        problems.append(f"备选顺序为{unit.reserve_order}，应为{chosen.reserve_order}")
    return "；".join(problems)
