"""The sample builder's arithmetic: sizes, allocation, reserves and expected margins per stratum.

The preview the admin sees before drawing and the draw itself both come from :func:`plan_round`,
so what the preview shows is what is drawn. Every statistical step is the sampling library's:
``sampling.size.cochran`` (with the ``steps`` that explain a size), ``sampling.size.margin`` and
``sampling.designs.allocate``. Strata are the towns inside each program's own frame (program ×
town). With the size basis "per town", each program × town cell gets the size its own margin needs;
otherwise the program's n is shared among its towns by the chosen allocation.
"""

import math
from dataclasses import dataclass, field

import sqlalchemy as sa

from sampling import designs, size
from survey.extensions import db
from survey.models import Area, Program, Round, SampleDesign, SizeBasis
from survey.rounds.frame import ALL, Frame, load_frame


@dataclass
class StratumPlan:
    label: str
    name: str
    population: int
    sample: int
    reserves: int = 0
    #: Expected margin of error with the expected completed interviews n_h × r.
    margin: float | None = None
    #: sampling.size.cochran steps when this cell's size comes from the target margin.
    steps: list | None = None


@dataclass
class ProgramPlan:
    program: Program
    frame: Frame | None
    n: int | None = None
    strata: list[StratumPlan] = field(default_factory=list)
    steps: list | None = None
    margin: float | None = None
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def population(self) -> int:
        return len(self.frame.rows) if self.frame else 0

    @property
    def reserves(self) -> int:
        return sum(s.reserves for s in self.strata)

    def sizes(self) -> dict[str, int]:
        return {s.label: s.sample for s in self.strata}


def town_names() -> dict[str, str]:
    query = sa.select(Area.id, Area.name).where(Area.parent_id.is_(None))
    names = {str(id_): name for id_, name in db.session.execute(query)}
    names[ALL] = "全部"
    return names


def round_problems(round_: Round) -> list[str]:
    """Problems of the plan as a whole, before any program is looked at."""
    problems = []
    stratified = round_.design is SampleDesign.STRATIFIED
    if round_.size_basis is SizeBasis.TOWN and not stratified:
        problems.append("按街镇计算样本量需要选择分层抽样（每个项目的名册内按街镇分层）。")
    if round_.coordination.value != "none" and round_.design in (SampleDesign.SYSTEMATIC,
                                                                   SampleDesign.PPS):
        problems.append("样本轮换（永久随机数）只能用于简单随机抽样或分层抽样。")
    if not round_.programs:
        problems.append("本轮还没有选择任何项目。")
    return problems


def plan_round(round_: Round, frames: dict[int, Frame] | None = None) -> list[ProgramPlan]:
    """The plan of every program of the round, from its current roster (or ``frames``)."""
    names = town_names()
    plans = []
    for rp in sorted(round_.programs, key=lambda rp: rp.program.position):
        frame = (frames or {}).get(rp.program_id) or load_frame(rp.program)
        plans.append(plan_program(round_, rp.program, rp.sample_size, frame, names))
    return plans


def plan_program(round_: Round, program: Program, fixed: int | None, frame: Frame | None,
                 names: dict[str, str]) -> ProgramPlan:
    plan = ProgramPlan(program, frame)
    if frame is None or not frame.rows:
        plan.errors.append(f"“{program.name_zh}”还没有导入名册。")
        return plan
    try:
        _size_and_strata(round_, plan, fixed, names)
    except ValueError as problem:  # a library check the app did not foresee: say it plainly
        plan.errors.append(f"“{program.name_zh}”的抽样参数有误：{problem}")
        plan.strata = []
        return plan
    if plan.ok:
        _reserves_and_margins(round_, plan)
    return plan


def _size_and_strata(round_: Round, plan: ProgramPlan, fixed: int | None,
                     names: dict[str, str]) -> None:
    frame, name = plan.frame, plan.program.name_zh
    counts = frame.town_counts() if round_.design is SampleDesign.STRATIFIED \
        else {ALL: len(frame.rows)}
    if round_.size_basis is SizeBasis.TOWN:
        cells = {label: _cochran(round_, big_n, label) for label, big_n in counts.items()}
        plan.strata = [StratumPlan(label, names.get(label, label), counts[label], s.n_final,
                                   steps=s.steps) for label, s in cells.items()]
        plan.n = sum(s.sample for s in plan.strata)
        return
    if round_.size_basis is SizeBasis.PROGRAM:
        computed = _cochran(round_, len(frame.rows), ALL)
        plan.n, plan.steps = computed.n_final, computed.steps
    elif not fixed:
        plan.errors.append(f"“{name}”没有填写样本量。")
        return
    else:
        plan.n = fixed
    if plan.n > len(frame.rows):
        plan.errors.append(f"“{name}”名册只有{len(frame.rows)}人，少于样本量{plan.n}。")
        return
    if round_.design is SampleDesign.PPS:
        _check_pps(plan)
    if round_.design is SampleDesign.STRATIFIED:
        sizes = _allocate(round_, plan, counts)
    else:
        sizes = {ALL: plan.n} if plan.ok else {}
    plan.strata = [StratumPlan(label, names.get(label, label), counts[label], n_h)
                   for label, n_h in sizes.items()]


def _cochran(round_: Round, population: int, label: str) -> size.SampleSize:
    return size.cochran(round_.target_margin, p=anticipated(round_, label),
                        level=round_.confidence_level, population=population,
                        deff=round_.design_effect, response_rate=round_.response_rate)


def anticipated(round_: Round, label: str) -> float:
    """The anticipated proportion of a stratum: the town's own when given, else the round's."""
    return float((round_.anticipated_by_town or {}).get(label, round_.anticipated_p))


def allocation_arguments(round_: Round, labels) -> dict:
    """The keyword arguments of ``designs.allocate`` that the round's plan implies."""
    return {
        "method": round_.allocation.value,
        "anticipated": {label: anticipated(round_, label) for label in labels},
        "minimum": round_.minimum_per_stratum,
    }


def _allocate(round_: Round, plan: ProgramPlan, counts: dict[str, int]) -> dict[str, int]:
    minimum = round_.minimum_per_stratum or 0
    needed = sum(min(minimum, big_n) for big_n in counts.values())
    if needed > plan.n:
        plan.errors.append(f"“{plan.program.name_zh}”有{len(counts)}个街镇，每个街镇至少"
                           f"{minimum}人需要样本量至少{needed}，现为{plan.n}。")
        return {}
    return designs.allocate(counts, plan.n, **allocation_arguments(round_, counts))


def _check_pps(plan: ProgramPlan) -> None:
    sized = sum(1 for row in plan.frame.rows if row.size > 0)
    if sized < plan.n:
        plan.errors.append(f"“{plan.program.name_zh}”名册中填写了发放金额的只有{sized}人，"
                           f"少于样本量{plan.n}（PPS按发放金额抽样）。")
    elif sized < len(plan.frame.rows):
        plan.notes.append(f"{len(plan.frame.rows) - sized}人没有发放金额，PPS抽样不会抽到他们。")


def reserves_for(round_: Round, population: int, sample: int) -> int:
    """Reserves of a stratum: reserve_percent of its sample, rounded up, within what is left."""
    wanted = math.ceil(sample * round_.reserve_percent / 100 - 1e-9)
    return max(0, min(wanted, population - sample))


def _reserves_and_margins(round_: Round, plan: ProgramPlan) -> None:
    for stratum in plan.strata:
        stratum.reserves = reserves_for(round_, stratum.population, stratum.sample)
        stratum.margin = expected_margin(round_, stratum.sample, stratum.population,
                                         anticipated(round_, stratum.label))
    plan.margin = _combined_margin(plan)


def expected_margin(round_: Round, sample: int, population: int, p: float) -> float | None:
    """The margin that the expected completed interviews (n × response rate) give."""
    completes = sample * round_.response_rate
    if completes < 1:
        return None
    return size.margin(completes, p=p, level=round_.confidence_level, population=population,
                       deff=round_.design_effect)


def _combined_margin(plan: ProgramPlan) -> float | None:
    """The program's margin from its strata's: e = sqrt(sum (N_h / N)^2 e_h^2).

    The stratified estimator's variance is sum W_h^2 V_h (Cochran 1977, 5.3); with the same
    quantile in every stratum the margins combine the same way.
    """
    if len(plan.strata) == 1:
        return plan.strata[0].margin
    if any(s.margin is None for s in plan.strata):
        return None
    total = sum(s.population for s in plan.strata)
    return math.sqrt(sum((s.population / total) ** 2 * s.margin ** 2 for s in plan.strata))
