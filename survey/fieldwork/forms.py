from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from survey.fieldwork.dispositions import COMPLETE, DISPOSITIONS


class AttemptForm(FlaskForm):
    disposition = SelectField(_l("接触结果"), validators=[DataRequired()], choices=[
        SelectChoice(d.code, d.label) for d in DISPOSITIONS if d.code != COMPLETE
    ])
    note = TextAreaField(_l("备注"), validators=[Length(max=2000)])
