"""Hand a round's cases to surveyors: automatic balancing, manual and bulk changes, case modes.

Automatic balancing shares the unassigned open cases (phone or field; self-response cases need no
surveyor) among the active surveyors by workload, the workload being the open cases a surveyor
holds in every open round (:mod:`survey.rounds.balance` says how). Field visits are grouped by
village first, so that one surveyor makes the trip to a village and sees all its people. The same
situation always gives the same assignment. Cases that no active surveyor may take under the
cross-area rule (:mod:`survey.rounds.eligibility`) stay unassigned and are reported by town.
"""

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from survey.extensions import db
from survey.models import AuditEvent, Case, Mode, Role, Round, SampleUnit, User
from survey.privacy import mask_name
from survey.rounds import rules
from survey.rounds.balance import Group, Worker, balance
from survey.rounds.eligibility import case_towns, may_take


class AssignRefused(ValueError):
    """The assignment cannot be made; the message says why, in Chinese."""


@dataclass
class Balance:
    assigned: int = 0
    #: town id -> cases left unassigned because no active surveyor may take them.
    unassignable: dict[int, int] = field(default_factory=dict)


def active_surveyors() -> list[User]:
    query = sa.select(User).where(User.role == Role.SURVEYOR, User.active).order_by(User.id)
    return list(db.session.scalars(query))


def _with_history():
    return (selectinload(Case.attempts), selectinload(Case.response), selectinload(Case.round),
            selectinload(Case.units).selectinload(SampleUnit.entry))


def workloads(user_ids: list[int]) -> dict[int, int]:
    """Open cases each user holds across every open round."""
    query = (sa.select(Case).join(Round).where(Case.assigned_to_id.in_(user_ids),
                                               Round.closed_at.is_(None))
             .options(selectinload(Case.attempts), selectinload(Case.response)))
    load = dict.fromkeys(user_ids, 0)
    for case in db.session.scalars(query):
        if rules.is_open(case):
            load[case.assigned_to_id] += 1
    return load


def _round_cases(round_: Round, case_ids=None) -> list[Case]:
    query = sa.select(Case).where(Case.round_id == round_.id).options(*_with_history())
    if case_ids is not None:
        query = query.where(Case.id.in_(case_ids))
    return list(db.session.scalars(query.order_by(Case.id)))


def _groups(cases: list[Case]) -> list[Group]:
    """Field visits by village (or town when the roster gives no village); others one by one."""
    villages: dict[tuple, list[Case]] = defaultdict(list)
    groups = []
    for case in cases:
        if case.mode is Mode.FIELD and case.units:
            entry = case.units[0].entry
            villages[(entry.village_id or 0, entry.town_id)].append(case)
        else:
            groups.append([case])
    return [Group(tuple(c.id for c in g), frozenset().union(*(case_towns(c) for c in g)))
            for g in list(villages.values()) + groups]


def _check_open(round_: Round) -> None:
    if round_.closed_at is not None:
        raise AssignRefused("本轮已结束，不能再分配或改变调查任务。")


def assign_automatically(round_: Round, *, by: User | None) -> Balance:
    """Give the round's unassigned open cases to surveyors, balancing their workloads."""
    _check_open(round_)
    surveyors = active_surveyors()
    if not surveyors:
        raise AssignRefused("没有可用的调查员账号。")
    cases = {c.id: c for c in _round_cases(round_)
             if c.assigned_to_id is None and rules.is_open(c) and c.mode is not Mode.WEB}
    load = workloads([s.id for s in surveyors])
    workers = [Worker(s.id, s.home_town_id, load[s.id]) for s in surveyors]
    given, stranded = balance(_groups(list(cases.values())), workers)
    result = Balance()
    for worker, groups in given.items():
        for group in groups:
            for case_id in group.cases:
                cases[case_id].assigned_to_id = worker
            result.assigned += group.size
    for group in stranded:
        for town in group.towns:
            result.unassignable[town] = result.unassignable.get(town, 0) + group.size
    db.session.add(AuditEvent(user_id=by.id if by else None, action="cases.assign_auto",
                              object_type="round", object_id=round_.id,
                              detail={"cases": result.assigned,
                                      "unassignable": {str(k): v for k, v in
                                                       result.unassignable.items()}}))
    db.session.commit()
    return result


def _selected(round_: Round, case_ids: list[int]) -> list[Case]:
    _check_open(round_)
    if not case_ids:
        raise AssignRefused("请先勾选要处理的调查任务。")
    cases = _round_cases(round_, set(case_ids))
    if len(cases) != len(set(case_ids)):
        raise AssignRefused("所选任务中有不属于本轮的任务。")
    return cases


def _audit(by: User, action: str, round_: Round, cases: list[Case], **detail) -> None:
    db.session.add(AuditEvent(user_id=by.id, action=action, object_type="round",
                              object_id=round_.id, detail={"cases": [c.id for c in cases],
                                                           **detail}))


def assign_cases(round_: Round, case_ids: list[int], surveyor_id: int, *, by: User) -> int:
    """Give the selected cases to one surveyor: all of them, or none if one breaks a rule."""
    surveyor = db.session.get(User, surveyor_id)
    if surveyor is None or surveyor.role is not Role.SURVEYOR or not surveyor.active:
        raise AssignRefused("请选择一个在用的调查员账号。")
    cases = _selected(round_, case_ids)
    ended = [c for c in cases if not rules.is_open(c)]
    if ended:
        raise AssignRefused(f"已完成或已结束的任务不能再分配：{_names(ended)}。")
    banned = [c for c in cases if not may_take(surveyor, case_towns(c))]
    if banned:
        town = surveyor.home_town.name if surveyor.home_town else ""
        raise AssignRefused(f"{surveyor.display_name}的常住街镇是{town}，按异地交叉规则不能"
                            f"调查本街镇的对象：{_names(banned)}。没有分配任何任务。")
    for case in cases:
        case.assigned_to_id = surveyor.id
    _audit(by, "cases.assign", round_, cases, surveyor=surveyor.id)
    db.session.commit()
    return len(cases)


def unassign_cases(round_: Round, case_ids: list[int], *, by: User) -> int:
    cases = _selected(round_, case_ids)
    for case in cases:
        case.assigned_to_id = None
    _audit(by, "cases.unassign", round_, cases)
    db.session.commit()
    return len(cases)


def change_mode(round_: Round, case_ids: list[int], mode: Mode, *, by: User) -> int:
    """Move cases to another mode (a failed phone case becomes a field visit); this reopens them."""
    mode = Mode(mode)
    if mode.value not in round_.modes:
        raise AssignRefused("本轮没有选用这种调查方式。")
    cases = _selected(round_, case_ids)
    done = [c for c in cases if c.response is not None or _replaced(c)]
    if done:
        raise AssignRefused(f"已完成或已由备选替换的任务不能改变调查方式：{_names(done)}。")
    changes = {c.id: c.mode.value for c in cases if c.mode is not mode}
    for case in cases:
        case.mode = mode
    _audit(by, "cases.mode", round_, cases, mode=mode.value, previous=changes)
    db.session.commit()
    return len(changes)


def _replaced(case: Case) -> bool:
    ids = [u.id for u in case.units]
    query = sa.select(sa.exists().where(SampleUnit.replaces_id.in_(ids)))
    return bool(ids) and bool(db.session.scalar(query))


def _names(cases: list[Case]) -> str:
    shown = "、".join(f"{mask_name(c.person.name)}（任务{c.id}）" for c in cases[:5])
    return shown + (f"等{len(cases)}个" if len(cases) > 5 else "")
