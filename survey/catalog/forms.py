from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length


class ProgramForm(FlaskForm):
    department = StringField(_l("责任单位"), validators=[DataRequired(), Length(max=60)])
    sensitive = BooleanField(_l("敏感名册（仅管理员和本轮督导、调查员可见）"))
    active = BooleanField(_l("启用"))
