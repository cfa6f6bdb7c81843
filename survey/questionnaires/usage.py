"""Where versions are used: rounds that may move to a newer version, programs for a preview.

A round keeps the version it was created with. When a department rewords a question during
fieldwork, the office may move an open round to the newer version: interviews from then on use
it, the responses already given keep theirs, and the figures read both by role and code.
"""

import sqlalchemy as sa
from flask_babel import gettext as _

from survey.extensions import db
from survey.models import (
    AuditEvent,
    Case,
    Program,
    ProgramKind,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    Round,
    SampledFrom,
    User,
)


class AdoptRefused(ValueError):
    """The round cannot move to that version; the message says why."""


def rounds_of(questionnaire: Questionnaire) -> list[tuple[Round, int]]:
    """Rounds on any version of the questionnaire, with their number of responses."""
    query = (
        sa.select(Round, sa.func.count(Response.id))
        .join(QuestionnaireVersion, Round.questionnaire_version_id == QuestionnaireVersion.id)
        .outerjoin(Case, Case.round_id == Round.id)
        .outerjoin(Response, Response.case_id == Case.id)
        .where(QuestionnaireVersion.questionnaire_id == questionnaire.id)
        .group_by(Round.id).order_by(Round.id.desc())
    )
    return [(round_, count) for round_, count in db.session.execute(query)]


def responses_per_version(questionnaire: Questionnaire) -> dict[int, int]:
    query = (sa.select(Response.questionnaire_version_id, sa.func.count())
             .join(QuestionnaireVersion)
             .where(QuestionnaireVersion.questionnaire_id == questionnaire.id)
             .group_by(Response.questionnaire_version_id))
    return dict(db.session.execute(query).all())


def adopt(round_: Round, version: QuestionnaireVersion, *, by: User) -> None:
    """Move an open round to a newer version of its questionnaire."""
    current = round_.questionnaire_version
    if round_.closed_at is not None:
        raise AdoptRefused(_("该轮次已结束，不能更换问卷版本。"))
    if version.questionnaire_id != current.questionnaire_id or version.number <= current.number:
        raise AdoptRefused(_("只能改用同一问卷的更新版本。"))
    round_.questionnaire_version = version
    db.session.add(AuditEvent(user_id=by.id, action="round.questionnaire", object_type="round",
                              object_id=round_.id,
                              detail={"from": current.id, "to": version.id}))
    db.session.commit()


def preview_programs(version: QuestionnaireVersion, ids: list[int]) -> list[Program]:
    """The programs a preview asks about: those chosen, else typical ones for the audience."""
    query = sa.select(Program).where(Program.active.is_(True)).order_by(Program.position)
    if ids:
        return list(db.session.scalars(query.where(Program.id.in_(ids))))
    audience = version.questionnaire.audience
    programs = list(db.session.scalars(query.where(Program.sampled_from == audience)))
    if audience is SampledFrom.PUBLIC:
        return programs
    # one program of each kind a roster holds, so that each kind's questions show
    firsts = {}
    for program in programs:
        firsts.setdefault(program.kind, program)
    return [firsts[k] for k in (ProgramKind.CASH, ProgramKind.SERVICE) if k in firsts]


def all_programs() -> list[Program]:
    return list(db.session.scalars(sa.select(Program).where(Program.active.is_(True))
                                   .order_by(Program.position)))
