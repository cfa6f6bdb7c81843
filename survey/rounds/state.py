"""A round's state, derived from what happened to it and never stored."""

import enum

import sqlalchemy as sa

from survey.extensions import db
from survey.models import Case, ContactAttempt, Response, Round, SampleDraw


class RoundState(enum.StrEnum):
    DRAFT = "draft"  #: 草稿：未抽样
    SAMPLED = "sampled"  #: 已抽样
    FIELDWORK = "fieldwork"  #: 调查中: a contact attempt or a response exists
    CLOSED = "closed"  #: 已结束


def fieldwork_started(round_: Round) -> bool:
    attempt = sa.exists().where(ContactAttempt.case_id == Case.id, Case.round_id == round_.id)
    response = sa.exists().where(Response.case_id == Case.id, Case.round_id == round_.id)
    return bool(db.session.scalar(sa.select(sa.or_(attempt, response))))


def round_state(round_: Round) -> RoundState:
    if round_.closed_at is not None:
        return RoundState.CLOSED
    drawn = db.session.scalar(sa.select(sa.exists().where(SampleDraw.round_id == round_.id)))
    if not drawn:
        return RoundState.DRAFT
    return RoundState.FIELDWORK if fieldwork_started(round_) else RoundState.SAMPLED
