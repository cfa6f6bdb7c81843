"""Response rates per program: AAPOR outcome rates from every case's disposition so far.

Each sampled unit that got a case (the main sample and every released reserve; a replaced unit
keeps its case and counts as the non-response it was) is classed by its case: a response is an
interview (I); otherwise the last contact attempt's AAPOR category (``fieldwork.dispositions``);
a case nobody has tried yet is "not attempted", which AAPOR files under unknown eligibility (UH,
3.11). While fieldwork goes on the rates are provisional: open cases count by their last outcome.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from sampling.rates import OutcomeRates, outcome_rates
from survey.extensions import db
from survey.fieldwork.dispositions import BY_CODE
from survey.models import ContactAttempt, Response, RosterEntry, Round, SampleDraw, SampleUnit


@dataclass(frozen=True)
class Outcomes:
    counts: dict[str, int]
    rates: OutcomeRates

    @property
    def cases(self) -> int:
        return sum(self.counts.values())


def _last_dispositions(round_: Round) -> dict[int, str]:
    last = (sa.select(sa.func.max(ContactAttempt.id))
            .join(SampleUnit, SampleUnit.case_id == ContactAttempt.case_id)
            .join(SampleDraw, SampleDraw.id == SampleUnit.draw_id)
            .where(SampleDraw.round_id == round_.id).group_by(ContactAttempt.case_id))
    query = sa.select(ContactAttempt.case_id, ContactAttempt.disposition).where(
        ContactAttempt.id.in_(last))
    return dict(db.session.execute(query).all())


def category(case_id: int, responded: set[int], last: dict[int, str]) -> str:
    if case_id in responded:
        return "I"
    code = last.get(case_id)
    disposition = BY_CODE.get(code) if code else None
    return disposition.category if disposition else "UH"


def round_outcomes(round_: Round, towns: set[int] | None) -> dict[int, Outcomes]:
    """Per program of the round: counts by AAPOR category and the outcome rates."""
    units = (sa.select(SampleDraw.program_id, SampleUnit.case_id)
             .join(SampleUnit, SampleUnit.draw_id == SampleDraw.id)
             .join(RosterEntry, RosterEntry.id == SampleUnit.entry_id)
             .where(SampleDraw.round_id == round_.id, SampleUnit.case_id.is_not(None)))
    if towns is not None:
        units = units.where(RosterEntry.town_id.in_(towns))
    responded = set(db.session.scalars(
        sa.select(Response.case_id).join(SampleUnit, SampleUnit.case_id == Response.case_id)
        .join(SampleDraw, SampleDraw.id == SampleUnit.draw_id)
        .where(SampleDraw.round_id == round_.id)))
    last = _last_dispositions(round_)
    counts: dict[int, Counter] = defaultdict(Counter)
    for program_id, case_id in db.session.execute(units):
        counts[program_id][category(case_id, responded, last)] += 1
    return {pid: Outcomes(dict(c), outcome_rates(c)) for pid, c in counts.items()}
