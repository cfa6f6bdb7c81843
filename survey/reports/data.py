"""Turn a round's rows into the arrays the statistics need: one row per responding sampled unit.

Weights follow DESIGN.md, "Data decisions": respondents stand for their stratum, so each
respondent's design weight is scaled within its stratum until the respondents' weights add up to
the stratum's population N_h (for a stratified simple random sample: N_h / r_h, with r_h the
respondents in the stratum). A stratum without respondents is not represented; the response rates
shown beside the figures tell how much that matters.
"""

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import sqlalchemy as sa

from survey.extensions import db
from survey.models import (
    Answer,
    QuestionRole,
    Response,
    RosterEntry,
    Round,
    SampleDraw,
    SampleUnit,
)


@dataclass
class ProgramData:
    """The respondents of one program's sample, in the order of their arrays."""

    design: str
    strata: np.ndarray
    population: np.ndarray  #: N_h per respondent
    weights: np.ndarray  #: non-response adjusted weights
    towns: np.ndarray
    #: role -> code per respondent ("" when the respondent gave no answer of that role)
    answers: dict[QuestionRole, np.ndarray] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.strata)


def adjusted_weights(strata: np.ndarray, weights: np.ndarray,
                     population: np.ndarray) -> np.ndarray:
    """Scale design weights within each stratum so that respondents add up to N_h."""
    adjusted = weights.astype(float).copy()
    for label in np.unique(strata):
        inside = strata == label
        adjusted[inside] *= population[inside][0] / weights[inside].sum()
    return adjusted


def _respondents(round_: Round):
    query = (
        sa.select(SampleDraw.program_id, SampleDraw.design, Response.id, SampleUnit.stratum,
                  SampleUnit.stratum_population, SampleUnit.weight, RosterEntry.town_id)
        .join(SampleUnit, SampleUnit.draw_id == SampleDraw.id)
        .join(Response, Response.case_id == SampleUnit.case_id)
        .join(RosterEntry, RosterEntry.id == SampleUnit.entry_id)
        .where(SampleDraw.round_id == round_.id)
        .order_by(SampleDraw.program_id, Response.id)
    )
    return db.session.execute(query).all()


def _answers(round_: Round):
    query = (
        sa.select(Answer.program_id, Answer.response_id, Answer.role, Answer.value)
        .join(Response, Answer.response_id == Response.id)
        .join(SampleUnit, SampleUnit.case_id == Response.case_id)
        .join(SampleDraw, sa.and_(SampleDraw.id == SampleUnit.draw_id,
                                  SampleDraw.program_id == Answer.program_id))
        .where(SampleDraw.round_id == round_.id, Answer.value.is_not(None))
    )
    return db.session.execute(query).all()


def round_data(round_: Round) -> dict[int, ProgramData]:
    """Every program's respondents in the round, with their answers by role."""
    rows: dict[int, list] = defaultdict(list)
    for program_id, design, response_id, stratum, population, weight, town in _respondents(round_):
        rows[program_id].append((design, response_id, stratum, population, weight, town))
    result, index = {}, {}
    for program_id, units in rows.items():
        strata = np.array([u[2] for u in units], dtype=object)
        population = np.array([u[3] for u in units], dtype=float)
        weights = np.array([u[4] for u in units], dtype=float)
        result[program_id] = ProgramData(
            design=units[0][0], strata=strata, population=population,
            weights=adjusted_weights(strata, weights, population),
            towns=np.array([u[5] for u in units]),
        )
        index[program_id] = {u[1]: i for i, u in enumerate(units)}
    for program_id, response_id, role, value in _answers(round_):
        data, position = result.get(program_id), index.get(program_id, {}).get(response_id)
        if data is None or position is None:
            continue
        role = QuestionRole(role)
        if role not in data.answers:
            data.answers[role] = np.full(data.size, "", dtype=object)
        data.answers[role][position] = value
    return result


def drawn_counts(round_: Round, towns: set[int] | None) -> dict[int, tuple[int, int]]:
    """Per program: sampled units working a case, and those with a response, in scope."""
    query = (
        sa.select(SampleDraw.program_id, sa.func.count(SampleUnit.id), sa.func.count(Response.id))
        .join(SampleUnit, SampleUnit.draw_id == SampleDraw.id)
        .join(RosterEntry, RosterEntry.id == SampleUnit.entry_id)
        .outerjoin(Response, Response.case_id == SampleUnit.case_id)
        .where(SampleDraw.round_id == round_.id, SampleUnit.case_id.is_not(None))
        .group_by(SampleDraw.program_id)
    )
    if towns is not None:
        query = query.where(RosterEntry.town_id.in_(towns))
    return {pid: (drawn, done) for pid, drawn, done in db.session.execute(query)}
