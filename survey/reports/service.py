"""Figures for a round: per program, rates with confidence intervals and the counts behind."""

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import sqlalchemy as sa
from flask_babel import gettext as _

from sampling import estimate
from survey.auth.access import program_ids_in_scope, town_ids_in_scope
from survey.extensions import db
from survey.models import (
    Answer,
    Case,
    Program,
    QuestionRole,
    Response,
    Role,
    RosterEntry,
    Round,
    SampleDraw,
    SampleUnit,
    User,
)
from survey.reports.rates import (
    FLAG_BELOW,
    RATES,
    SATISFACTION_SCORES,
    SUPPRESS_BELOW,
)


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


def _figure(key: str, label: str, n: int, compute) -> Figure:
    if n < SUPPRESS_BELOW:
        return Figure(key, label, n, suppressed=True)
    result = compute()
    return Figure(key, label, n, result.estimate, result.low, result.high,
                  flagged=n < FLAG_BELOW)


def _proportion_figure(rule, counts: dict[str, int]) -> Figure:
    base = {code: k for code, k in counts.items() if code not in rule.excluded}
    n = sum(base.values())
    yes = sum(k for code, k in base.items() if code in rule.yes)
    y = np.concatenate([np.ones(yes), np.zeros(n - yes)])
    return _figure(rule.key, str(rule.label), n, lambda: estimate.proportion(y))


def _score_figure(counts: dict[str, int]) -> Figure:
    scores = [np.full(k, SATISFACTION_SCORES[c]) for c, k in counts.items()
              if c in SATISFACTION_SCORES]
    x = np.concatenate(scores) if scores else np.zeros(0)
    return _figure("score", _("满意度得分（0–100）"), len(x), lambda: estimate.mean(x))


def _answer_counts(round_: Round, user: User):
    """Counts of coded answers per program, role and code, inside the user's scope."""
    query = (
        sa.select(Answer.program_id, Answer.role, Answer.value, sa.func.count())
        .join(Response, Answer.response_id == Response.id)
        .join(Case, Response.case_id == Case.id)
        .join(SampleUnit, SampleUnit.case_id == Case.id)
        .join(SampleDraw, sa.and_(SampleDraw.id == SampleUnit.draw_id,
                                  SampleDraw.program_id == Answer.program_id))
        .join(RosterEntry, RosterEntry.id == SampleUnit.entry_id)
        .where(Case.round_id == round_.id)
        .group_by(Answer.program_id, Answer.role, Answer.value)
    )
    towns = town_ids_in_scope(user)
    if towns is not None:
        query = query.where(RosterEntry.town_id.in_(towns))
    counts: dict[int, dict] = defaultdict(lambda: defaultdict(dict))
    for program_id, role, value, count in db.session.execute(query):
        counts[program_id][QuestionRole(role)][value] = count
    return counts


def _unit_counts(round_: Round, user: User) -> dict[int, tuple[int, int]]:
    """Per program: units drawn (main sample) and units with a response, in the user's scope."""
    query = (
        sa.select(SampleDraw.program_id, sa.func.count(SampleUnit.id), sa.func.count(Response.id))
        .join(SampleUnit, SampleUnit.draw_id == SampleDraw.id)
        .join(RosterEntry, RosterEntry.id == SampleUnit.entry_id)
        .outerjoin(Response, Response.case_id == SampleUnit.case_id)
        .where(SampleDraw.round_id == round_.id, SampleUnit.case_id.is_not(None))
        .group_by(SampleDraw.program_id)
    )
    towns = town_ids_in_scope(user)
    if towns is not None:
        query = query.where(RosterEntry.town_id.in_(towns))
    return {pid: (drawn, done) for pid, drawn, done in db.session.execute(query)}


def round_figures(round_: Round, user: User) -> list[ProgramFigures]:
    """Every program of the round the user may read, with its figures."""
    scope = program_ids_in_scope(user)
    counts = _answer_counts(round_, user)
    units = _unit_counts(round_, user)
    result = []
    for rp in sorted(round_.programs, key=lambda rp: rp.program.position):
        program = rp.program
        if (scope is not None and program.id not in scope) or (
                program.sensitive and user.role is Role.VIEWER):
            continue
        drawn, completed = units.get(program.id, (0, 0))
        item = ProgramFigures(program, drawn, completed)
        by_role = counts.get(program.id, {})
        for rule in RATES:
            if rule.role is QuestionRole.DELIVERY and not program.has_delivery:
                continue
            item.figures[rule.key] = _proportion_figure(rule, by_role.get(rule.role, {}))
        item.figures["score"] = _score_figure(by_role.get(QuestionRole.SATISFACTION, {}))
        result.append(item)
    return result
