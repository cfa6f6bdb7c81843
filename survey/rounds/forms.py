from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from survey.labels import PERIOD_KIND


class RoundForm(FlaskForm):
    name = StringField(_l("轮次名称"), validators=[DataRequired(), Length(max=120)],
                       description=_l("例如：2011年第三季度电话抽查"))
    period_kind = SelectField(
        _l("周期"), choices=[SelectChoice(k.value, v) for k, v in PERIOD_KIND.items()]
    )
    period = StringField(_l("期别"), validators=[
        DataRequired(),
        Regexp(r"^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$",
               message=_l("期别格式：2011-07（月）、2011-Q3（季度）或 2011（年）。")),
    ], description=_l("2011-07、2011-Q3 或 2011"))
    questionnaire = SelectField(_l("问卷"), coerce=int)


def size_field():
    """The sample size of one program in the round; empty means the program is not in it."""
    return IntegerField(validators=[Optional(), NumberRange(min=1, max=100000)])


class DrawForm(FlaskForm):
    seed = IntegerField(_l("随机种子"), validators=[
        DataRequired(), NumberRange(min=0, max=2**63 - 1)
    ], description=_l("系统已随机生成，也可以自行输入。记录种子后，任何人都能重现同一样本。"))


class AssignForm(FlaskForm):
    """Only a CSRF token: assignment is one button here."""
