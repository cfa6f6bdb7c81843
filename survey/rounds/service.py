"""Plan rounds: create them, change their settings and plan, move their questionnaire, close them.

The draw lives in :mod:`survey.rounds.draw`, the preview's arithmetic in :mod:`survey.rounds.plan`,
assignment in :mod:`survey.rounds.assignment`. Names re-exported here keep callers' imports short.
"""

from collections.abc import Mapping

from survey.extensions import db
from survey.fieldwork.dispositions import BY_CODE
from survey.models import (
    AuditEvent,
    Mode,
    PeriodKind,
    QuestionnaireVersion,
    Round,
    RoundProgram,
    User,
    utcnow,
)
from survey.models.round import REPLACE_AFTER_LIMIT
from survey.rounds.draw import DrawRefused, discard_sample, draw_round, program_seed
from survey.rounds.state import RoundState, round_state

__all__ = [
    "DrawRefused", "PlanRefused", "close_round", "create_round", "discard_sample", "draw_round",
    "move_questionnaire", "program_seed", "update_plan", "update_settings",
]

#: Settings that may change until the round is closed.
SETTINGS = ("name", "period_kind", "period", "fieldwork_start", "fieldwork_end", "calling_from",
            "calling_to", "modes", "start_mode", "max_attempts", "replace_on")
#: The sample plan, which may change only while the round is a draft.
PLAN = ("design", "allocation", "minimum_per_stratum", "size_basis", "target_margin",
        "confidence_level", "anticipated_p", "anticipated_by_town", "design_effect",
        "response_rate", "reserve_percent", "coordination", "coordination_rounds")


class PlanRefused(ValueError):
    """The change does not fit the round's state or settings; the message says why, in Chinese."""


def _audit(by: User | None, action: str, round_: Round, **detail) -> None:
    db.session.add(AuditEvent(user_id=by.id if by else None, action=action, object_type="round",
                              object_id=round_.id, detail=detail))


def _check_settings(values: dict) -> None:
    modes = values.get("modes")
    if modes is not None:
        if not modes:
            raise PlanRefused("请至少选择一种调查方式。")
        values["modes"] = [Mode(m).value for m in modes]
        start = Mode(values.get("start_mode") or modes[0])
        if start.value not in values["modes"]:
            raise PlanRefused("任务的初始调查方式必须是本轮选用的方式之一。")
        values["start_mode"] = start
    for code in values.get("replace_on") or []:
        if code != REPLACE_AFTER_LIMIT and (code not in BY_CODE or not BY_CODE[code].final):
            raise PlanRefused(f"“{code}”不是结束性的接触结果，不能作为启用备选的条件。")
    start, end = values.get("fieldwork_start"), values.get("fieldwork_end")
    if start and end and end < start:
        raise PlanRefused("调查结束日期不能早于开始日期。")


def create_round(*, name: str, period_kind: PeriodKind, period: str,
                 questionnaire_version: QuestionnaireVersion, sizes: Mapping[int, int | None],
                 by: User | None, **settings) -> Round:
    """A new round in draft with its programs (``sizes``: program id -> fixed n or None)."""
    values = {"name": name.strip(), "period_kind": PeriodKind(period_kind), "period": period,
              **settings}
    _check_settings(values)
    if not sizes:
        raise PlanRefused("请至少选择一个项目。")
    round_ = Round(questionnaire_version=questionnaire_version,
                   created_by_id=by.id if by else None)
    _apply(round_, values)
    for program_id, size in sizes.items():
        round_.programs.append(RoundProgram(program_id=program_id, sample_size=size or None))
    db.session.add(round_)
    db.session.flush()
    _audit(by, "round.create", round_)
    db.session.commit()
    return round_


def _apply(round_: Round, values: dict) -> None:
    for key, value in values.items():
        if key not in SETTINGS + PLAN:
            raise TypeError(f"unknown round setting {key!r}")
        setattr(round_, key, value)


def update_settings(round_: Round, *, by: User, **settings) -> None:
    """Change the name, window, modes or attempt rules; allowed until the round is closed."""
    if round_state(round_) is RoundState.CLOSED:
        raise PlanRefused("本轮已结束，不能修改。")
    _check_settings(settings)
    _apply(round_, {k: v for k, v in settings.items() if k in SETTINGS})
    _audit(by, "round.settings", round_, changed=sorted(settings))
    db.session.commit()


def update_plan(round_: Round, *, by: User, sizes: Mapping[int, int | None],
                **plan) -> None:
    """Change the programs and the sample plan; only a draft round's plan can change."""
    if round_state(round_) is not RoundState.DRAFT:
        raise PlanRefused("本轮已经抽样，抽样方案不能再修改。")
    if not sizes:
        raise PlanRefused("请至少选择一个项目。")
    _apply(round_, {k: v for k, v in plan.items() if k in PLAN})
    current = {rp.program_id: rp for rp in round_.programs}
    for program_id, rp in current.items():
        if program_id not in sizes:
            round_.programs.remove(rp)
    for program_id, size in sizes.items():
        if program_id in current:
            current[program_id].sample_size = size or None
        else:
            round_.programs.append(RoundProgram(program_id=program_id, sample_size=size or None))
    _audit(by, "round.plan", round_, design=round_.design.value,
           size_basis=round_.size_basis.value)
    db.session.commit()


def newer_versions(round_: Round) -> list[QuestionnaireVersion]:
    current = round_.questionnaire_version
    return [v for v in current.questionnaire.versions if v.number > current.number]


def move_questionnaire(round_: Round, version: QuestionnaireVersion, *, by: User) -> None:
    """Move the round to a newer version of its questionnaire; answers keep their own version."""
    if round_state(round_) is RoundState.CLOSED:
        raise PlanRefused("本轮已结束，不能更换问卷版本。")
    if version not in newer_versions(round_):
        raise PlanRefused("只能改用本轮问卷的更新版本。")
    old = round_.questionnaire_version
    round_.questionnaire_version = version
    _audit(by, "round.questionnaire", round_, old=old.id, new=version.id)
    db.session.commit()


def close_round(round_: Round, *, by: User) -> None:
    """End the round: its cases leave the surveyors' queues; figures stay."""
    if round_.closed_at is not None:
        raise PlanRefused("本轮已经结束。")
    if round_state(round_) is RoundState.DRAFT:
        raise PlanRefused("本轮还没有抽样，不能结束；不需要的草稿可以不理会。")
    round_.closed_at = utcnow()
    _audit(by, "round.close", round_)
    db.session.commit()
