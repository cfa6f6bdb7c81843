"""The bulk-action form of the assignment page: ticked cases, an action and its argument."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, SelectMultipleField
from wtforms.validators import Optional

ACTIONS = {
    "assign": _l("分配给调查员"),
    "unassign": _l("取消分配"),
    "mode": _l("改变调查方式"),
}


class BulkForm(FlaskForm):
    #: Case ids; the service checks that each belongs to the round.
    cases = SelectMultipleField(coerce=int, validate_choice=False, validators=[Optional()])
    #: Apply to every case the page's filters select, not only the ticked ones.
    all_filtered = BooleanField(_l("对筛选出的全部任务执行"))
    action = SelectField(_l("批量操作"), choices=[SelectChoice(k, v) for k, v in ACTIONS.items()])
    surveyor = SelectField(_l("调查员"), coerce=int, validators=[Optional()], validate_choice=False)
    mode = SelectField(_l("调查方式"), validators=[Optional()])
