"""Forms of the round pages: settings, the sample plan, the draw and its discarding.

Percentages are typed as the office speaks of them (±5 points, 95%, 80% response) and turned into
proportions by :func:`plan_values`. Per-program and per-town fields are added to a fresh subclass
for each request (:func:`round_form`); the shared classes are never changed.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from survey.fieldwork.dispositions import COMPLETE, DISPOSITIONS
from survey.labels import MODE, PERIOD_KIND
from survey.models import Allocation, Coordination, Mode, SampleDesign, SizeBasis
from survey.models.round import DEFAULT_REPLACE_ON, REPLACE_AFTER_LIMIT
from survey.rounds.labels import ALLOCATION, COORDINATION, DESIGN, LIMIT, SIZE_BASIS


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(key.value, label) for key, label in labels.items()]


def _replace_choices() -> list[SelectChoice]:
    final = [SelectChoice(d.code, d.label) for d in DISPOSITIONS
             if d.final and d.code != COMPLETE]
    return final + [SelectChoice(REPLACE_AFTER_LIMIT, LIMIT)]


def _some(message):
    def check(form, field):
        if not field.data:
            raise ValidationError(message)

    return check


class SettingsForm(FlaskForm):
    """What may change until the round is closed."""

    name = StringField(_l("轮次名称"), validators=[DataRequired(), Length(max=120)],
                       description=_l("例如：2011年第三季度电话抽查"))
    period_kind = SelectField(_l("周期"), choices=_choices(PERIOD_KIND))
    period = StringField(_l("期别"), validators=[
        DataRequired(),
        Regexp(r"^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$",
               message=_l("期别格式：2011-07（月）、2011-Q3（季度）或 2011（年）。")),
    ], description=_l("2011-07、2011-Q3 或 2011"))
    fieldwork_start = DateField(_l("调查开始日期"), validators=[Optional()])
    fieldwork_end = DateField(_l("调查结束日期"), validators=[Optional()])
    calling_from = TimeField(_l("每日拨打时间：从"), default=None, validators=[Optional()])
    calling_to = TimeField(_l("到"), default=None, validators=[Optional()])
    # No DataRequired: its HTML "required" would make a browser demand every box ticked.
    modes = MultiCheckboxField(_l("调查方式"), choices=_choices(MODE), default=[Mode.PHONE.value],
                               validators=[_some(_l("请至少选择一种调查方式。"))])
    start_mode = SelectField(_l("任务的初始方式"), choices=_choices(MODE),
                             description=_l("例如先电话抽查，联系不上的再转为实地走访。"))
    max_attempts = IntegerField(_l("每种方式最多接触次数"), default=5,
                                validators=[InputRequired(), NumberRange(min=1, max=30)])
    replace_on = MultiCheckboxField(_l("以下情况结束任务并启用同层备选"),
                                    choices=_replace_choices(), default=list(DEFAULT_REPLACE_ON))


class PlanForm(FlaskForm):
    """The sample plan, which may change only while the round is a draft."""

    design = SelectField(_l("抽样设计"), choices=_choices(DESIGN))
    size_basis = SelectField(_l("样本量"), choices=_choices(SIZE_BASIS))
    allocation = SelectField(_l("分层抽样的样本分配"), choices=_choices(ALLOCATION))
    minimum_per_stratum = IntegerField(_l("每层至少抽取（人）"),
                                       validators=[Optional(), NumberRange(min=1, max=10000)])
    target_margin = FloatField(_l("目标误差（±百分点）"), default=5.0,
                               validators=[InputRequired(), NumberRange(min=0.5, max=30)])
    confidence_level = SelectField(_l("置信水平"), coerce=float, default=0.95, choices=[
        SelectChoice(0.90, "90%"), SelectChoice(0.95, "95%"), SelectChoice(0.99, "99%")])
    anticipated_p = FloatField(_l("预期比例（%）"), default=50.0,
                               validators=[InputRequired(), NumberRange(min=1, max=99)],
                               description=_l("不确定时用50%，所需样本量最大。"))
    design_effect = FloatField(_l("设计效应"), default=1.0,
                               validators=[InputRequired(), NumberRange(min=0.1, max=10)])
    response_rate = FloatField(_l("预期应答率（%）"), default=100.0,
                               validators=[InputRequired(), NumberRange(min=5, max=100)],
                               description=_l("抽取人数按应答率放大。备选会替换未成功访问的人，"
                                              "所以使用备选时通常保持100%，二者择一。"))
    reserve_percent = IntegerField(_l("备选（占各层样本的%）"), default=20,
                                   validators=[InputRequired(), NumberRange(min=0, max=200)])
    coordination = SelectField(_l("与以往轮次的关系"), choices=_choices(COORDINATION))
    coordination_rounds = IntegerField(_l("避开最近几轮"), default=1,
                                       validators=[InputRequired(), NumberRange(min=1, max=24)])


class NewRoundForm(SettingsForm, PlanForm):
    questionnaire = SelectField(_l("问卷"), coerce=int)


class EditRoundForm(SettingsForm, PlanForm):
    pass


def round_form(base: type, programs, towns, **kwargs) -> FlaskForm:
    """A form of class ``base`` with an include box and a size per program, a p per town."""
    fields = {}
    for p in programs:
        fields[f"inc_{p.id}"] = BooleanField()
        fields[f"n_{p.id}"] = IntegerField(validators=[Optional(), NumberRange(min=1, max=100000)])
    for town in towns:
        fields[f"p_town_{town.id}"] = FloatField(
            validators=[Optional(), NumberRange(min=1, max=99)])
    return type(base.__name__, (base,), fields)(**kwargs)


def program_sizes(form, programs) -> dict[int, int | None]:
    """Program id -> fixed size (or None) for every program ticked or given a size."""
    return {p.id: form[f"n_{p.id}"].data for p in programs
            if form[f"inc_{p.id}"].data or form[f"n_{p.id}"].data}


def settings_values(form) -> dict:
    values = {name: form[name].data for name in (
        "name", "period", "fieldwork_start", "fieldwork_end", "max_attempts")}
    values.update(period_kind=form.period_kind.data, modes=form.modes.data,
                  start_mode=form.start_mode.data, replace_on=form.replace_on.data or [])
    for name in ("calling_from", "calling_to"):
        if form[name].data is not None:
            values[name] = form[name].data
    return values


def plan_values(form, towns) -> dict:
    by_town = {str(t.id): form[f"p_town_{t.id}"].data / 100 for t in towns
               if form[f"p_town_{t.id}"].data is not None}
    return {
        "design": SampleDesign(form.design.data), "size_basis": SizeBasis(form.size_basis.data),
        "allocation": Allocation(form.allocation.data),
        "minimum_per_stratum": form.minimum_per_stratum.data,
        "target_margin": form.target_margin.data / 100,
        "confidence_level": form.confidence_level.data,
        "anticipated_p": form.anticipated_p.data / 100, "anticipated_by_town": by_town,
        "design_effect": form.design_effect.data, "response_rate": form.response_rate.data / 100,
        "reserve_percent": form.reserve_percent.data,
        "coordination": Coordination(form.coordination.data),
        "coordination_rounds": form.coordination_rounds.data,
    }


def fill_from(form, round_, towns) -> None:
    """Show a round's current settings and plan in ``form`` (percentages as typed)."""
    for name in ("name", "period", "fieldwork_start", "fieldwork_end", "calling_from",
                 "calling_to", "max_attempts", "minimum_per_stratum", "design_effect",
                 "reserve_percent", "coordination_rounds", "confidence_level"):
        form[name].data = getattr(round_, name)
    for name in ("period_kind", "start_mode", "design", "size_basis", "allocation",
                 "coordination"):
        form[name].data = getattr(round_, name).value
    form.modes.data, form.replace_on.data = list(round_.modes), list(round_.replace_on)
    form.target_margin.data = round(round_.target_margin * 100, 4)
    form.anticipated_p.data = round(round_.anticipated_p * 100, 4)
    form.response_rate.data = round(round_.response_rate * 100, 4)
    for rp in round_.programs:
        form[f"inc_{rp.program_id}"].data = True
        form[f"n_{rp.program_id}"].data = rp.sample_size
    for town in towns:
        p = (round_.anticipated_by_town or {}).get(str(town.id))
        form[f"p_town_{town.id}"].data = None if p is None else round(p * 100, 4)


class DrawForm(FlaskForm):
    seed = IntegerField(_l("随机种子"), validators=[
        InputRequired(), NumberRange(min=0, max=2**63 - 1)
    ], description=_l("系统已随机生成，也可以自行输入。记录种子后，任何人都能重现同一样本。"))


class DiscardForm(FlaskForm):
    reason = TextAreaField(_l("重新抽样的原因"), validators=[DataRequired(), Length(max=500)])


class ButtonForm(FlaskForm):
    """Only a CSRF token: the action is one button."""


class QuestionnaireForm(FlaskForm):
    version = SelectField(_l("改用问卷版本"), coerce=int)
