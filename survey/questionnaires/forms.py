"""The builder's forms: a questionnaire's header, a section, a question with its options."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    FloatField,
    Form,
    FormField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Length, Optional

from survey.labels import PROGRAM_KIND
from survey.models import QuestionType, SampledFrom
from survey.questionnaires.labels import AUDIENCE, QUESTION_ROLE, QUESTION_TYPE
from survey.questionnaires.spec import STANDARD_OPTIONS, standard_options

OPTION_ROWS = 6


class HeaderForm(FlaskForm):
    code = StringField(_l("问卷代码"), validators=[DataRequired(), Length(max=40)],
                       description=_l("字母开头，只含字母、数字和下划线，例如 town_survey"))
    title_zh = StringField(_l("中文标题"), validators=[DataRequired(), Length(max=120)])
    title_en = StringField(_l("英文标题"), validators=[Length(max=160)])
    audience = SelectField(_l("问卷对象"), choices=[
        SelectChoice(a.value, label) for a, label in AUDIENCE.items()
    ], default=SampledFrom.ROSTER.value)


class SectionForm(FlaskForm):
    code = StringField(_l("部分代码"), validators=[DataRequired(), Length(max=40)])
    title_zh = StringField(_l("中文标题"), validators=[DataRequired(), Length(max=200)])
    title_en = StringField(_l("英文标题"), validators=[Length(max=200)])
    per_program = BooleanField(_l("每个项目分别询问（对受访人所涉及的每个项目重复这一部分）"))

    def section(self) -> dict:
        return {"code": self.code.data.strip(), "title_zh": self.title_zh.data.strip(),
                "title_en": self.title_en.data.strip(), "per_program": self.per_program.data}


class OptionForm(Form):
    code = StringField(_l("代码"), validators=[Length(max=40)])
    zh = StringField(_l("中文"), validators=[Length(max=200)])
    en = StringField(_l("英文"), validators=[Length(max=200)])
    not_read_out = BooleanField(_l("电话中不读出"))


class _Checkboxes(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class QuestionForm(FlaskForm):
    section = SelectField(_l("所在部分"))
    code = StringField(_l("题目代码"), validators=[DataRequired(), Length(max=40)],
                       description=_l("字母开头，只含字母、数字和下划线；同一问卷内不重复"))
    role = SelectField(_l("统计角色"), choices=[
        SelectChoice(r.value, label) for r, label in QUESTION_ROLE.items()
    ], description=_l("统计按角色和选项代码读取答案，与题目措辞无关"))
    type = SelectField(_l("题型"), choices=[
        SelectChoice(t.value, label) for t, label in QUESTION_TYPE.items()
    ])
    text_zh = TextAreaField(_l("题目（中文）"), validators=[DataRequired(), Length(max=2000)],
                            description=_l("可用 {person} 代表受访人姓名，{program} 代表项目名称"))
    text_en = TextAreaField(_l("题目（英文）"), validators=[Length(max=2000)])
    script_zh = TextAreaField(_l("电话话术（中文）"), validators=[Length(max=2000)],
                              description=_l("题目前由调查员在电话中说的话，群众看不到"))
    script_en = TextAreaField(_l("电话话术（英文）"), validators=[Length(max=2000)])
    instructions_zh = TextAreaField(_l("访问员提示（中文）"), validators=[Length(max=2000)],
                                    description=_l("只给调查员看，群众看不到"))
    instructions_en = TextAreaField(_l("访问员提示（英文）"), validators=[Length(max=2000)])
    required = BooleanField(_l("必答"), default=True)
    min_value = FloatField(_l("最小值"), validators=[Optional()])
    max_value = FloatField(_l("最大值"), validators=[Optional()])
    program_kinds = _Checkboxes(_l("只对这些类别的项目提问（不选即全部）"), choices=[
        SelectChoice(k.value, label) for k, label in PROGRAM_KIND.items()
    ])
    condition_question = SelectField(_l("仅当此题……"))
    condition_values = StringField(_l("……的答案为（选项代码，空格分隔）"),
                                   validators=[Length(max=400)])
    options = FieldList(FormField(OptionForm), min_entries=OPTION_ROWS)

    def question(self) -> dict:
        """The question as a spec dict; scale types left without options get the standard ones."""
        kind = QuestionType(self.type.data)
        rows = [{k: (o[k] or "").strip() for k in ("code", "zh", "en")} | {
            "read_out": not o["not_read_out"]} for o in self.options.data]
        options = [o for o in rows if o["code"] or o["zh"]]
        if not options and kind in STANDARD_OPTIONS:
            options = standard_options(kind)
        values = [v for v in re.split(r"[\s,，、]+", self.condition_values.data or "") if v]
        condition = ({"question": self.condition_question.data, "in": values}
                     if self.condition_question.data else None)
        return {
            "code": self.code.data.strip(), "role": self.role.data, "type": kind.value,
            **{k: (self[k].data or "").strip() for k in (
                "text_zh", "text_en", "script_zh", "script_en", "instructions_zh",
                "instructions_en")},
            "required": self.required.data, "options": options,
            "min_value": self.min_value.data, "max_value": self.max_value.data,
            "program_kinds": self.program_kinds.data or None, "condition": condition,
        }


def question_form(spec: dict, question: dict | None, section_code: str | None) -> QuestionForm:
    """A question form with its choices, filled from ``question`` on GET (and from the request)."""
    data = None
    if question is not None:
        condition = question.get("condition") or {}
        data = {**question, "condition_question": condition.get("question", ""),
                "condition_values": " ".join(condition.get("in", [])),
                "program_kinds": question.get("program_kinds") or [],
                "options": [{**o, "not_read_out": not o["read_out"]} for o in question["options"]]}
        data["section"] = section_code
    elif section_code:
        data = {"section": section_code, "required": True}
    rows = max(OPTION_ROWS, len((question or {}).get("options", [])) + 3)
    form = QuestionForm(data=data)
    while len(form.options) < rows:
        form.options.append_entry()
    form.section.choices = [SelectChoice(s["code"], s["title_zh"]) for s in spec["sections"]]
    codes = [q["code"] for s in spec["sections"] for q in s["questions"]
             if not question or q["code"] != question["code"]]
    form.condition_question.choices = [SelectChoice("", _l("（总是提问）"))] + [
        SelectChoice(c, c) for c in codes]
    return form


class ImportForm(FlaskForm):
    file = FileField(_l("XLSForm 文件（.xlsx）"), validators=[FileRequired()])
    accept_losses = BooleanField(_l("我已看过无法对应的内容，忽略这些内容继续导入"))


class ButtonForm(FlaskForm):
    """A bare form for the buttons that only post (delete, move, adopt): the CSRF token."""
