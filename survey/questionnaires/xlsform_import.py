"""Read an XLSForm workbook into a spec, reporting by sheet and row whatever does not map.

Two kinds of findings: *errors* (the file cannot become a questionnaire: a missing sheet, an
unknown type, a repeat or nested group, a condition on a later question ...) stop the import;
*losses* (a column or row type we have no place for: ``constraint_message``, ``note``,
``calculate``, an unreadable ``relevant`` ...) are listed, and imported without them only once
the admin accepts to drop them. The
mapping is the one documented in :mod:`survey.questionnaires.xlsform`; a form from elsewhere with
no ``role`` column imports with every question in the role "other" (no figures) until tagged.
"""

import io
import re
import zipfile

from flask_babel import gettext as _
from openpyxl import load_workbook

from survey.questionnaires.spec import CODE, normalized, problems
from survey.questionnaires.xlsform_rows import Builder
from survey.questionnaires.xlsform_sheets import MAPPED, MAX_ROWS, NO, Report, Sheet


def _workbook(data: bytes, report: Report) -> dict[str, list[tuple]] | None:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        report.errors.append(_("无法读取文件：请上传 Excel 2007 及以上格式（.xlsx）的 XLSForm。"))
        return None
    sheets = {}
    for sheet in book.worksheets:
        name = sheet.title.strip().lower()
        if name not in MAPPED:
            report.losses.append(_("工作表“%(name)s”无法对应，将被忽略。", name=sheet.title))
            continue
        sheets[name] = list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2))
        if len(sheets[name]) > MAX_ROWS + 1:
            report.errors.append(_("%(sheet)s 表超过 %(n)s 行。", sheet=name, n=MAX_ROWS))
    book.close()
    if "survey" not in sheets:
        report.errors.append(_("文件中没有 survey 工作表。"))
        return None
    return sheets


def read(data: bytes, filename: str) -> Report:
    """Parse an XLSForm; ``report.spec`` is set only when there are no errors."""
    report = Report()
    sheets = _workbook(data, report)
    if sheets is None:
        return report
    survey = Sheet("survey", sheets["survey"], report)
    choices = _choices(Sheet("choices", sheets.get("choices", []), report), report)
    spec = _header(Sheet("settings", sheets.get("settings", []), report), filename, report)
    builder = Builder(survey, choices, report)
    spec["sections"] = builder.sections()
    if report.errors:
        return report
    for problem in problems(spec):
        where = builder.where(problem.question, problem.section)
        report.errors.append(f"{where}：{problem.message}")
    report.spec = None if report.errors else normalized(spec)
    return report


def _choices(sheet: Sheet, report: Report) -> dict[str, list[dict]]:
    lists: dict[str, list[dict]] = {}
    for number, row in sheet.rows:
        if not row.get("list_name") or not row.get("name"):
            report.errors.append(_("%(where)s：list_name 和 name 都必须填写。",
                                   where=sheet.at(number)))
            continue
        zh, en = row.get("label:zh", ""), row.get("label:en", "")
        read_out = row.get("read_out", "").lower() not in NO - {""}
        lists.setdefault(row["list_name"], []).append(
            {"code": row["name"], "zh": zh or en, "en": en, "read_out": read_out})
    return lists


def _header(sheet: Sheet, filename: str, report: Report) -> dict:
    row = sheet.rows[0][1] if sheet.rows else {}
    stem = re.sub(r"\W+", "_", filename.rsplit(".", 1)[0]).strip("_")
    code = row.get("form_id") or (stem if CODE.match(stem) else "")
    if not CODE.match(code):
        report.errors.append(_("settings 表：form_id“%(code)s”不能作问卷代码（字母开头，只含字母、"
                               "数字和下划线）。", code=code))
    report.version = row.get("version", "")
    return {"code": code, "title_zh": row.get("form_title") or stem,
            "title_en": row.get("title_en", ""), "audience": row.get("audience") or "roster"}


def import_file(data: bytes, filename: str, *, by, accept_losses: bool):
    """Import a workbook as a new questionnaire, or as a new version of the one with its form_id.

    Returns (report, version written or None). Nothing is written while the report has errors,
    or has losses the admin did not accept. A file equal to the latest version writes nothing.
    """
    from survey.questionnaires import service

    report = read(data, filename)
    if report.errors or (report.losses and not accept_losses):
        return report, None
    note = f"{_('导入')} {filename[:80]}" + (f" v{report.version}" if report.version else "")
    existing = service.by_code(report.spec["code"])
    try:
        if existing is None:
            return report, service.create(report.spec, by=by, note=note)
        latest = service.latest(existing)
        if service.spec_of(latest) == report.spec:
            report.unchanged = True
            return report, latest
        return report, service.save(latest, report.spec, by=by, note=note)
    except service.SpecRefused as refused:
        report.errors.extend(str(p) for p in refused.problems)
        return report, None
