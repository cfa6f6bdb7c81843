"""A round's cases as the supervisor sees them: filtered rows, workloads, and the call-list export.

Names, ID and phone numbers are masked here and in the export (张*, 3401**********123X,
138****5678); only the surveyor who works a case sees the full name and phone, on the case page.
"""

import io
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy.orm import selectinload

from survey.extensions import db
from survey.fieldwork.service import case_state
from survey.labels import CASE_STATE, MODE
from survey.models import (
    Area,
    AuditEvent,
    Case,
    Mode,
    RosterEntry,
    Round,
    SampleDraw,
    SampleUnit,
    User,
)
from survey.privacy import mask_name
from survey.rounds.assign import active_surveyors, workloads
from survey.rounds.eligibility import may_take

FILTERS = ("town", "village", "surveyor", "state", "mode")


@dataclass
class CaseRow:
    case: Case
    state: str
    town: str
    village: str
    phone_mask: str
    programs: list[str]
    #: This case works a reserve released for someone else.
    substitute: bool


def _areas() -> dict[int, str]:
    return dict(db.session.execute(sa.select(Area.id, Area.name)).all())


def case_rows(round_: Round, filters: dict[str, str]) -> list[CaseRow]:
    """The round's cases matching ``filters``: town, village, surveyor id or "none", state, mode."""
    query = (sa.select(Case).where(Case.round_id == round_.id).order_by(Case.id).options(
        selectinload(Case.attempts), selectinload(Case.response), selectinload(Case.person),
        selectinload(Case.assigned_to), selectinload(Case.round),
        selectinload(Case.units).selectinload(SampleUnit.entry),
        selectinload(Case.units).selectinload(SampleUnit.draw).selectinload(SampleDraw.program)))
    names, rows = _areas(), []
    for case in db.session.scalars(query):
        entry = case.units[0].entry if case.units else None
        row = CaseRow(
            case, case_state(case).value, names.get(entry.town_id, "") if entry else "",
            names.get(entry.village_id, "") if entry and entry.village_id else "",
            entry.phone_mask or "" if entry else "",
            [u.draw.program.name_zh for u in case.units],
            any(u.replaces_id is not None for u in case.units),
        )
        if _matches(row, filters):
            rows.append(row)
    return rows


def _matches(row: CaseRow, filters: dict[str, str]) -> bool:
    case, entry = row.case, row.case.units[0].entry if row.case.units else None
    wanted = {k: v for k, v in filters.items() if k in FILTERS and v}
    if "town" in wanted and (entry is None or str(entry.town_id) != wanted["town"]):
        return False
    if "village" in wanted and (entry is None or str(entry.village_id) != wanted["village"]):
        return False
    if "surveyor" in wanted:
        held = "none" if case.assigned_to_id is None else str(case.assigned_to_id)
        if held != wanted["surveyor"]:
            return False
    if "state" in wanted and row.state != wanted["state"]:
        return False
    return "mode" not in wanted or case.mode.value == wanted["mode"]


@dataclass
class Workload:
    surveyor: User
    in_round: int
    open_everywhere: int


def workload_table(round_: Round) -> list[Workload]:
    surveyors = active_surveyors()
    counts = dict(db.session.execute(
        sa.select(Case.assigned_to_id, sa.func.count()).where(Case.round_id == round_.id)
        .group_by(Case.assigned_to_id)).all())
    load = workloads([s.id for s in surveyors])
    return [Workload(s, counts.get(s.id, 0), load[s.id]) for s in surveyors]


def towns_without_surveyor(round_: Round) -> dict[str, int]:
    """Town name -> unassigned cases of the round that no active surveyor may take there."""
    surveyors = active_surveyors()
    query = (sa.select(Case.id, RosterEntry.town_id)
             .join(SampleUnit, SampleUnit.case_id == Case.id)
             .join(RosterEntry, RosterEntry.id == SampleUnit.entry_id)
             .where(Case.round_id == round_.id, Case.assigned_to_id.is_(None),
                    Case.mode != Mode.WEB))
    per_case: dict[int, set[int]] = defaultdict(set)
    for case_id, town_id in db.session.execute(query):
        per_case[case_id].add(town_id)
    names, result = _areas(), {}
    for towns in per_case.values():
        if not any(may_take(s, towns) for s in surveyors):
            for town in towns:
                result[names[town]] = result.get(names[town], 0) + 1
    return result


HEADER = ("任务编号", "姓名", "身份证号", "联系电话", "街镇", "村居", "抽查项目", "调查方式",
          "调查员", "状态", "接触次数")


def call_list_xlsx(round_: Round, rows: list[CaseRow], *, by: User) -> bytes:
    """The cases as an Excel call list, every personal field masked; the export is audited."""
    book = Workbook()
    sheet = book.active
    sheet.title = "电话抽查名单"
    sheet.append([f"{round_.name}（个人信息已脱敏）"])
    sheet.append(list(HEADER))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        case = row.case
        sheet.append([
            case.id, mask_name(case.person.name), case.person.id_mask, row.phone_mask, row.town,
            row.village, "、".join(row.programs), str(MODE[case.mode]),
            case.assigned_to.display_name if case.assigned_to else "", str(CASE_STATE[row.state]),
            len(case.attempts),
        ])
    for column, width in zip("ABCDEFGHIJK", (10, 10, 22, 16, 12, 12, 30, 12, 12, 16, 10),
                             strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    db.session.add(AuditEvent(user_id=by.id, action="cases.export", object_type="round",
                              object_id=round_.id, detail={"cases": len(rows), "masked": True}))
    db.session.commit()
    return out.getvalue()
