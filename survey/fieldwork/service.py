"""A surveyor's work: the queue, contact attempts, and the interview stored once."""

import enum

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from survey import privacy
from survey.extensions import db
from survey.fieldwork.dispositions import BY_CODE, COMPLETE
from survey.models import (
    Answer,
    AuditEvent,
    Case,
    ContactAttempt,
    Mode,
    Program,
    Response,
    Role,
    Round,
    SampleDraw,
    SampleUnit,
    User,
)
from survey.questionnaires.service import freeze
from survey.rounds.reserves import release_reserves
from survey.rounds.rules import end_reason


class CaseState(enum.StrEnum):
    NEW = "new"  #: 待联系
    IN_PROGRESS = "in_progress"  #: 联系中
    COMPLETED = "completed"  #: 已完成
    CLOSED = "closed"  #: 已结束（未访问成功）


class NotAllowed(ValueError):
    """The operation does not fit the case's state; the message says why, in Chinese."""


def case_state(case: Case) -> CaseState:
    if case.response is not None:
        return CaseState.COMPLETED
    if not case.attempts:
        return CaseState.NEW
    # The round's attempt rules: a final outcome or the attempt limit in the case's current mode.
    return CaseState.CLOSED if end_reason(case) else CaseState.IN_PROGRESS


def queue(user: User) -> list[Case]:
    """The surveyor's open rounds' cases, those still to work first."""
    query = (
        sa.select(Case).join(Round).where(Case.assigned_to_id == user.id, Round.closed_at.is_(None))
        .options(selectinload(Case.attempts), selectinload(Case.response),
                 selectinload(Case.person), selectinload(Case.units))
        .order_by(Case.id)
    )
    cases = list(db.session.scalars(query))
    order = [CaseState.IN_PROGRESS, CaseState.NEW, CaseState.CLOSED, CaseState.COMPLETED]
    return sorted(cases, key=lambda c: order.index(case_state(c)))


def may_work(user: User, case: Case) -> bool:
    return user.role is Role.SURVEYOR and case.assigned_to_id == user.id


def may_view(user: User, case: Case) -> bool:
    return may_work(user, case) or user.role in (Role.ADMIN, Role.SUPERVISOR)


def case_programs(case: Case) -> list[Program]:
    """The programs the case's person was drawn for in this round."""
    query = (sa.select(Program).join(SampleDraw, SampleDraw.program_id == Program.id)
             .join(SampleUnit, SampleUnit.draw_id == SampleDraw.id)
             .where(SampleUnit.case_id == case.id).order_by(Program.position))
    return list(db.session.scalars(query))


def contact_details(case: Case, user: User) -> dict:
    """What the surveyor needs to call: full name and phone, ID masked but its last four."""
    vault = privacy.Vault.from_app()
    phones = []
    for unit in case.units:
        entry = unit.entry
        if entry.phone_encrypted and (phone := vault.decrypt(entry.phone_encrypted)) not in phones:
            phones.append(phone)
    id_number = vault.decrypt(case.person.id_encrypted)
    db.session.add(AuditEvent(user_id=user.id, action="person.reveal", object_type="person",
                              object_id=case.person_id, detail={"case": case.id}))
    db.session.commit()
    return {"name": case.person.name, "phones": phones,
            "id_last4": privacy.mask_id_for_surveyor(id_number),
            "address": case.units[0].entry.address if case.units else ""}


def record_attempt(case: Case, user: User, disposition: str, note: str, mode: Mode) -> None:
    """Append a contact attempt without an interview (a completed one goes with its answers)."""
    if disposition == COMPLETE or disposition not in BY_CODE:
        raise NotAllowed("请选择有效的接触结果；完成访问请填写问卷")
    if case_state(case) in (CaseState.COMPLETED, CaseState.CLOSED):
        raise NotAllowed("该任务已经结束，不能再记录接触")
    case.attempts.append(ContactAttempt(case_id=case.id, user_id=user.id, mode=mode,
                                        disposition=disposition, note=(note or "").strip()))
    release_reserves(case, by=user)  # a case that ended without an interview is replaced
    db.session.commit()


def submit_interview(case: Case, user: User, answers: list[dict], note: str = "") -> Response:
    """Store the response, its answers and the completing attempt together, once."""
    if case_state(case) is not CaseState.NEW and case_state(case) is not CaseState.IN_PROGRESS:
        raise NotAllowed("该任务已经结束或已有答卷，不能重复提交")
    version = case.round.questionnaire_version
    response = Response(case_id=case.id, questionnaire_version_id=version.id, mode=case.mode,
                        user_id=user.id)
    db.session.add(response)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise NotAllowed("该任务已有答卷，不能重复提交") from None
    db.session.add_all(Answer(response_id=response.id, **row) for row in answers)
    db.session.add(ContactAttempt(case_id=case.id, user_id=user.id, mode=case.mode,
                                  disposition=COMPLETE, note=(note or "").strip()))
    freeze(version)
    db.session.commit()
    return response
