"""Reserves: when a case ends without an interview, the next reserve of its stratum takes its place.

The round's attempt rules (:mod:`survey.rounds.rules`) say when a case has ended: a final outcome
(refusal, wrong number, ...) or ``max_attempts`` attempts in its mode without one. If the reason is
one of the round's ``replace_on`` codes, each sample unit of the case (one per program the person
was drawn for) is replaced by the first unreleased reserve of the same draw and stratum, in the
reserves' fixed random order. The reserve's ``SampleUnit`` records ``replaces_id`` and
``released_at`` and gets a case: a new one, or the person's existing case in the round when they
were drawn for another program and that case is still open (a reserve whose person's case in this
round has already ended or been interviewed is passed over). The replaced unit keeps its case and
outcome: it stays in the data and counts in the response rates as the non-response it was.

A new substitute case goes to the surveyor of the case it replaces when the cross-area rule allows
it (same stratum, usually the same town), otherwise it waits unassigned for the supervisor.

Weighting rule for the reports (DESIGN.md, "Data decisions"): a substitute takes the place of the
person it replaces, so it carries the design facts of its stratum (N_h, inclusion probability
n_h / N_h, design weight N_h / n_h; its own pi for PPS) and never an extra weight of its own; the
replaced non-respondent contributes nothing to the estimates. Respondents stand for their stratum:
within each stratum h, the respondents' design weights are scaled so that they add up to N_h,
i.e. each respondent's final weight is w_i * N_h / sum_{respondents in h} w_j, which for a
stratified simple random sample is N_h / r_h with r_h the respondents (original or substitute) in
the stratum. The response rates (AAPOR, from every case's dispositions, replaced ones included) are
shown beside every figure, and substitutions are counted separately from the units drawn.
"""

import sqlalchemy as sa

from survey.extensions import db
from survey.models import AuditEvent, Case, SampleUnit, User, utcnow
from survey.rounds import rules
from survey.rounds.eligibility import may_take


def release_reserves(case: Case, *, by: User | None) -> list[SampleUnit]:
    """Release one reserve per unit of ``case`` if it ended for a reason the round replaces."""
    if not rules.ends_in_replacement(case):
        return []
    released = []
    for unit in list(case.units):
        substitute = _replace(unit, case, by)
        if substitute is not None:
            released.append(substitute)
    return released


def _replace(unit: SampleUnit, case: Case, by: User | None) -> SampleUnit | None:
    # Lock the replaced unit (PostgreSQL) so that two endings of one case release one reserve.
    db.session.execute(sa.select(SampleUnit.id).where(SampleUnit.id == unit.id).with_for_update())
    taken = sa.select(sa.exists().where(SampleUnit.replaces_id == unit.id))
    if db.session.scalar(taken):
        return None
    query = (sa.select(SampleUnit)
             .where(SampleUnit.draw_id == unit.draw_id, SampleUnit.stratum == unit.stratum,
                    SampleUnit.reserve_order.is_not(None), SampleUnit.case_id.is_(None),
                    SampleUnit.replaces_id.is_(None))
             .order_by(SampleUnit.reserve_order))
    for candidate in db.session.scalars(query):
        existing = db.session.scalar(sa.select(Case).where(
            Case.round_id == case.round_id, Case.person_id == candidate.person_id))
        if existing is not None and not rules.is_open(existing):
            continue
        if not _claim(candidate, unit):
            continue
        target = existing or _new_case(case, candidate)
        candidate.case_id = target.id
        db.session.add(AuditEvent(
            user_id=by.id if by else None, action="sample.release", object_type="sample_unit",
            object_id=candidate.id, detail={"replaces": unit.id, "case": target.id,
                                            "reserve_order": candidate.reserve_order}))
        return candidate
    db.session.add(AuditEvent(user_id=by.id if by else None, action="sample.reserves_exhausted",
                              object_type="sample_unit", object_id=unit.id,
                              detail={"stratum": unit.stratum, "draw": unit.draw_id}))
    return None


def _claim(candidate: SampleUnit, unit: SampleUnit) -> bool:
    """Mark the reserve as released for ``unit`` unless another release took it first."""
    result = db.session.execute(
        sa.update(SampleUnit)
        .where(SampleUnit.id == candidate.id, SampleUnit.case_id.is_(None),
               SampleUnit.replaces_id.is_(None))
        .values(replaces_id=unit.id, released_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    db.session.refresh(candidate)
    return True


def _new_case(replaced: Case, candidate: SampleUnit) -> Case:
    surveyor = replaced.assigned_to
    keep = (surveyor is not None and surveyor.active
            and may_take(surveyor, {candidate.entry.town_id}))
    new = Case(round_id=replaced.round_id, person_id=candidate.person_id,
               mode=replaced.round.start_mode, assigned_to_id=surveyor.id if keep else None)
    db.session.add(new)
    db.session.flush()
    return new


def reserve_summary(draw_ids: list[int]) -> dict[tuple[int, str], tuple[int, int]]:
    """Per (draw, stratum): reserves listed and reserves released."""
    query = (sa.select(SampleUnit.draw_id, SampleUnit.stratum, sa.func.count(),
                       sa.func.count(SampleUnit.replaces_id))
             .where(SampleUnit.draw_id.in_(draw_ids), SampleUnit.reserve_order.is_not(None))
             .group_by(SampleUnit.draw_id, SampleUnit.stratum))
    return {(d, s): (listed, used) for d, s, listed, used in db.session.execute(query)}
