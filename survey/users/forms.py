from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from survey.labels import ROLE


class UserForm(FlaskForm):
    display_name = StringField(_l("姓名"), validators=[DataRequired(), Length(max=40)])
    role = SelectField(
        _l("角色"), choices=[SelectChoice(r.value, label) for r, label in ROLE.items()]
    )
    home_town = SelectField(_l("所在街镇（调查员异地交叉用）"), coerce=int, validators=[Optional()])
    programs = SelectMultipleField(_l("限看项目（不选为全部）"), coerce=int)
    towns = SelectMultipleField(_l("限看街镇（不选为全部）"), coerce=int)


class NewUserForm(UserForm):
    username = StringField(_l("用户名"), validators=[
        DataRequired(), Length(min=2, max=40),
        Regexp(r"^[A-Za-z0-9_.-]+$", message=_l("用户名只能包含字母、数字、下划线、点和短横线。")),
    ])
    password = PasswordField(_l("初始密码"), validators=[DataRequired(), Length(min=8, max=200)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("新密码"), validators=[DataRequired(), Length(min=8, max=200)])


class ToggleForm(FlaskForm):
    """Only a CSRF token: enabling or disabling is one button."""
