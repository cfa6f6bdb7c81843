"""Turn the survey sheet's rows into sections and questions (see ``xlsform`` for the mapping)."""

import copy

from flask_babel import gettext as _

from survey.models import QuestionRole
from survey.questionnaires.xlsform import parse_constraint, parse_relevant
from survey.questionnaires.xlsform_sheets import (
    IGNORED_TYPES,
    SIMPLE_TYPES,
    Report,
    Sheet,
    flag,
)

GROUP = {"begin_group": "begin", "begin group": "begin", "end_group": "end", "end group": "end"}
REPEAT = {"begin_repeat", "begin repeat", "end_repeat", "end repeat"}
SCALES = {"awareness", "satisfaction", "yes_no"}


class Builder:
    """Walks the survey rows once; remembers each question's and section's row for messages."""

    def __init__(self, survey: Sheet, choices: dict[str, list[dict]], report: Report):
        self.survey, self.choices, self.report = survey, choices, report
        self.question_rows: dict[str, int] = {}
        self.section_rows: dict[str, int] = {}
        self._pending: list[tuple[dict, dict, bool, str]] = []
        self._names = {row.get("name", "") for _n, row in survey.rows}

    def error(self, number: int, message: str) -> None:
        self.report.errors.append(f"{self.survey.at(number)}：{message}")

    def loss(self, number: int, message: str) -> None:
        self.report.losses.append(f"{self.survey.at(number)}：{message}")

    def where(self, question: str | None, section: str | None) -> str:
        if question in self.question_rows:
            return f"{self.survey.at(self.question_rows[question])}（{question}）"
        if section in self.section_rows:
            return self.survey.at(self.section_rows[section])
        return _("settings 表")

    def sections(self) -> list[dict]:
        sections, group, loose, opened = [], None, None, 0
        for number, row in self.survey.rows:
            kind = " ".join(row.get("type", "").lower().split())
            if GROUP.get(kind) == "begin":
                if group is not None:
                    self.error(number, _("不支持嵌套分组：分组只能一层。"))
                    continue
                group, loose, opened = self._section(row, number), None, number
                sections.append(group)
            elif GROUP.get(kind) == "end":
                if group is None:
                    self.error(number, _("end_group 没有对应的 begin_group。"))
                group = None
            elif kind in REPEAT:
                self.error(number, _("不支持重复组（begin_repeat）：要对每个项目重复提问，请用分组"
                                     "（begin_group）并在 per_program 列填 yes。"))
            else:
                question = self._question(kind, row, number)
                if question is None:
                    continue
                if group is None and loose is None:
                    loose = self._loose_section(len(sections) + 1)
                    sections.append(loose)
                (group or loose)["questions"].append(question)
        if group is not None:
            self.error(opened, _("begin_group 没有对应的 end_group。"))
        self._conditions(sections)
        return sections

    def _section(self, row: dict, number: int) -> dict:
        code = row.get("name", "")
        self.section_rows[code] = number
        return {"code": code, "title_zh": row.get("label:zh") or row.get("label:en") or code,
                "title_en": row.get("label:en", ""),
                "per_program": flag(row.get("per_program", ""), self.survey.at(number),
                                    "per_program", self.report),
                "questions": []}

    def _loose_section(self, count: int) -> dict:
        code = next(f"part{k}" for k in range(count, count + len(self._names) + 2)
                    if f"part{k}" not in self._names)
        self._names.add(code)
        return {"code": code, "title_zh": "问题", "title_en": "Questions", "per_program": False,
                "questions": []}

    def _kind(self, kind: str, number: int) -> tuple[str, list[dict]] | None:
        """(our type, options) of an XLSForm type, or None when the row is not a question."""
        parts = kind.split()
        if parts and parts[0] in ("select_one", "select_multiple"):
            if len(parts) == 3 and parts[2] == "or_other":
                self.loss(number, _("“or_other”（其他，请注明）无法对应，将被忽略。"))
            elif len(parts) != 2:
                self.error(number, _("选择题的类型应写作“select_one 列表名”。"))
                return None
            if parts[1] not in self.choices:
                self.error(number, _("选项列表“%(name)s”在 choices 表中不存在。", name=parts[1]))
                return None
            ours = "multiple" if parts[0] == "select_multiple" else "single"
            return ours, copy.deepcopy(self.choices[parts[1]])
        if kind in SIMPLE_TYPES:
            return SIMPLE_TYPES[kind], []
        if kind in IGNORED_TYPES or kind.split(" ")[0].endswith("_from_file"):
            self.loss(number, _("题型“%(type)s”无法对应，此行将被忽略。", type=kind))
            return None
        self.error(number, _("未知题型“%(type)s”。", type=kind or _("（空）")))
        return None

    def _question(self, kind: str, row: dict, number: int) -> dict | None:
        found = self._kind(kind, number)
        if found is None:
            return None
        ours, options = found
        if not row.get("name"):
            self.error(number, _("name 必须填写。"))
            return None
        appearance = row.get("appearance", "")
        if appearance == "multiline" and ours == "text":
            ours = "long_text"
        elif appearance:
            self.loss(number, _("appearance“%(value)s”无法对应，将被忽略。", value=appearance))
        ours = self._scale(row.get("scale", ""), ours, number)
        role = row.get("role") or QuestionRole.OTHER.value
        if role not in {r.value for r in QuestionRole}:
            self.error(number, _("role“%(role)s”无效，可用：%(roles)s。", role=role,
                                 roles=" / ".join(r.value for r in QuestionRole)))
        question = {
            "code": row["name"], "role": role, "type": ours, "options": options,
            "text_zh": row.get("label:zh") or row.get("label:en", ""),
            "text_en": row.get("label:en", ""), "instructions_zh": row.get("hint:zh", ""),
            "instructions_en": row.get("hint:en", ""), "script_zh": row.get("script:zh", ""),
            "script_en": row.get("script:en", ""),
            "required": flag(row.get("required", ""), self.survey.at(number), "required",
                             self.report),
            "program_kinds": row.get("program_kinds", "").split() or None,
        }
        self.question_rows[row["name"]] = number
        self._limits(question, row.get("constraint", ""), number)
        if row.get("relevant"):
            parsed = parse_relevant(row["relevant"])
            if parsed is None:
                self.loss(number, _("relevant“%(text)s”无法对应：导入后本题将总是提问。",
                                    text=row["relevant"]))
            else:
                self._pending.append((question, *parsed, row["relevant"]))
        return question

    def _scale(self, scale: str, ours: str, number: int) -> str:
        if not scale:
            return ours
        if scale in SCALES and ours == "single":
            return scale
        self.error(number, _("scale 只能用于 select_one 题，取值为 awareness / satisfaction / "
                             "yes_no。"))
        return ours

    def _limits(self, question: dict, text: str, number: int) -> None:
        if not text:
            return
        bounds = parse_constraint(text) if question["type"] == "number" else None
        if bounds is None:
            self.loss(number, _("constraint“%(text)s”无法对应，将被忽略。", text=text))
        else:
            question["min_value"], question["max_value"] = bounds

    def _conditions(self, sections: list[dict]) -> None:
        types = {q["code"]: q["type"] for s in sections for q in s["questions"]}
        for question, condition, selected, text in self._pending:
            target = types.get(condition["question"])
            if target is not None and selected != (target == "multiple"):
                self.loss(self.question_rows[question["code"]], _(
                    "relevant“%(text)s”：多选题用 selected()，其他题用 =，与被引用题的题型不符；"
                    "导入后本题将总是提问。", text=text))
                continue
            question["condition"] = condition
