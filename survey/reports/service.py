"""Figures for a round: per program, the rates with confidence intervals and the counts behind.

A simple random sample gets Wilson intervals (and a plain t interval for the score), as the
foundation asked; any other design (stratified, systematic, PPS) gets design-based estimates from
``sampling.estimate`` with strata, the stratum populations as finite-population correction and the
non-response adjusted weights (``survey.reports.data``), with logit intervals for proportions. A
viewer limited to some towns reads those towns as a domain inside the whole design.
"""

from dataclasses import dataclass, field

import numpy as np
from flask_babel import gettext as _

from sampling import estimate
from survey.auth.access import program_ids_in_scope, town_ids_in_scope
from survey.models import Program, QuestionRole, Role, Round, User
from survey.reports.data import ProgramData, drawn_counts, round_data
from survey.reports.outcomes import Outcomes, round_outcomes
from survey.reports.rates import FLAG_BELOW, RATES, SATISFACTION_SCORES, SUPPRESS_BELOW, RateRule

SIMPLE_DESIGNS = ("simple_random",)


@dataclass(frozen=True)
class Figure:
    """One figure as the office reads it; a suppressed figure carries only its count."""

    key: str
    label: str
    n: int
    estimate: float | None = None
    low: float | None = None
    high: float | None = None
    suppressed: bool = False
    flagged: bool = False


@dataclass
class ProgramFigures:
    program: Program
    drawn: int
    completed: int
    figures: dict[str, Figure] = field(default_factory=dict)
    #: True when the intervals are simple-sample ones (Wilson, t), False for design-based ones.
    simple: bool = True
    #: AAPOR outcome rates of the program's cases so far (None before any case exists).
    outcomes: Outcomes | None = None


def _design(data: ProgramData, inside: np.ndarray) -> dict:
    return {"weights": data.weights, "strata": data.strata, "fpc": data.population,
            "domain": inside}


def _is_simple(data: ProgramData) -> bool:
    return data.design in SIMPLE_DESIGNS and len(set(data.strata)) == 1


def _figure(key: str, label: str, inside: np.ndarray, compute) -> Figure:
    n = int(inside.sum())
    if n < SUPPRESS_BELOW:
        return Figure(key, label, n, suppressed=True)
    result = compute()
    return Figure(key, label, n, result.estimate, result.low, result.high,
                  flagged=n < FLAG_BELOW)


def _proportion(rule: RateRule, data: ProgramData, scope: np.ndarray) -> Figure:
    codes = data.answers.get(rule.role, np.full(data.size, "", dtype=object))
    inside = (codes != "") & ~np.isin(codes, list(rule.excluded)) & scope
    yes = (np.isin(codes, list(rule.yes)) & inside).astype(int)
    if _is_simple(data):
        compute = lambda: estimate.proportion(yes[inside])  # noqa: E731
    else:
        compute = lambda: estimate.proportion(yes, **_design(data, inside))  # noqa: E731
    return _figure(rule.key, str(rule.label), inside, compute)


def _score(data: ProgramData, scope: np.ndarray) -> Figure:
    codes = data.answers.get(QuestionRole.SATISFACTION, np.full(data.size, "", dtype=object))
    inside = np.isin(codes, list(SATISFACTION_SCORES)) & scope
    x = np.array([SATISFACTION_SCORES.get(c, 0.0) for c in codes], dtype=float)
    if _is_simple(data):
        compute = lambda: estimate.mean(x[inside])  # noqa: E731
    else:
        compute = lambda: estimate.mean(x, **_design(data, inside))  # noqa: E731
    return _figure("score", _("满意度得分（0–100）"), inside, compute)


def _empty() -> ProgramData:
    empty = np.zeros(0)
    return ProgramData("simple_random", empty.astype(object), empty, empty, empty)


def _visible(program: Program, user: User, scope: set[int] | None) -> bool:
    if program.sensitive and user.role is Role.VIEWER:
        return False
    return scope is None or program.id in scope


def round_figures(round_: Round, user: User) -> list[ProgramFigures]:
    """Every program of the round the user may read, with its figures."""
    programs, towns = program_ids_in_scope(user), town_ids_in_scope(user)
    data, counts = round_data(round_), drawn_counts(round_, towns)
    outcomes = round_outcomes(round_, towns)
    result = []
    for rp in sorted(round_.programs, key=lambda rp: rp.program.position):
        program = rp.program
        if not _visible(program, user, programs):
            continue
        item = ProgramFigures(program, *counts.get(program.id, (0, 0)))
        rows = data.get(program.id, _empty())
        scope = np.ones(rows.size, bool) if towns is None else np.isin(rows.towns, list(towns))
        item.figures = figures_for(rows, scope, delivery=program.has_delivery)
        item.simple = _is_simple(rows)
        item.outcomes = outcomes.get(program.id)
        result.append(item)
    return result


def figures_for(data: ProgramData, scope: np.ndarray, *, delivery: bool) -> dict[str, Figure]:
    """Every rate and the score of one program's respondents, inside ``scope`` (a domain)."""
    figures = {}
    for rule in RATES:
        if rule.role is QuestionRole.DELIVERY and not delivery:
            continue
        figures[rule.key] = _proportion(rule, data, scope)
    figures["score"] = _score(data, scope)
    return figures
