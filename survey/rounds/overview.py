"""What the round page shows: the preview of a draft, or the frozen samples and their cases."""

from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from survey.extensions import db
from survey.fieldwork.service import case_state
from survey.models import Case, Coordination, Round, SampleDraw
from survey.rounds.coordinate import crowding
from survey.rounds.plan import ProgramPlan, plan_round, round_problems, town_names
from survey.rounds.reserves import reserve_summary


@dataclass
class DraftOverview:
    problems: list[str]
    plans: list[ProgramPlan]
    warnings: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.problems and all(plan.ok for plan in self.plans)

    @property
    def total(self) -> int:
        return sum(plan.n or 0 for plan in self.plans)

    @property
    def reserves(self) -> int:
        return sum(plan.reserves for plan in self.plans)


def draft_overview(round_: Round) -> DraftOverview:
    overview = DraftOverview(round_problems(round_), plan_round(round_))
    for plan in overview.plans:
        if not plan.ok:
            continue
        empty = [s.name for s in plan.strata if s.sample == 0]
        if empty:
            overview.warnings.append(f"“{plan.program.name_zh}”的{'、'.join(empty)}没有分到样本，"
                                     "本轮不能估计这些街镇；可设置每层至少抽取的人数。")
        fractions = crowding(round_, plan.program.id, plan.n, plan.population)
        if fractions is not None:
            overview.warnings.append(
                f"“{plan.program.name_zh}”最近{round_.coordination_rounds}轮与本轮的抽样比例合计"
                f"{fractions:.0%}，超过100%，无法完全避开已抽中的人（不会把任何人排除在外）。")
    return overview


@dataclass
class StratumRow:
    label: str
    name: str
    population: int
    sample: int
    reserves: int
    released: int


@dataclass
class DrawSummary:
    draw: SampleDraw
    strata: list[StratumRow]

    @property
    def released(self) -> int:
        return sum(s.released for s in self.strata)

    @property
    def reserves(self) -> int:
        return sum(s.reserves for s in self.strata)


@dataclass
class DrawnOverview:
    draws: list[DrawSummary]
    states: Counter
    unassigned: int
    round_seed: int | None
    coordinated: bool


def drawn_overview(round_: Round) -> DrawnOverview:
    names = town_names()
    used = reserve_summary([d.id for d in round_.draws])
    summaries = []
    for draw in round_.draws:
        rows = [StratumRow(label, names.get(label, label), s["population"], s["sample_size"],
                           *used.get((draw.id, label), (0, 0)))
                for label, s in draw.params.get("strata", {}).items()]
        summaries.append(DrawSummary(draw, rows))
    query = (sa.select(Case).where(Case.round_id == round_.id)
             .options(selectinload(Case.attempts), selectinload(Case.response)))
    cases = list(db.session.scalars(query))
    return DrawnOverview(
        summaries, Counter(case_state(c).value for c in cases),
        sum(1 for c in cases if c.assigned_to_id is None),
        round_.draws[0].round_seed if round_.draws else None,
        round_.coordination is not Coordination.NONE,
    )
