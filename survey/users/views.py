import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from survey.auth.access import role_required
from survey.catalog.service import active_programs
from survey.extensions import db
from survey.models import Role, User
from survey.users import service
from survey.users.forms import NewUserForm, ResetPasswordForm, ToggleForm, UserForm

bp = Blueprint("users", __name__, url_prefix="/users")


def _fill_choices(form: UserForm) -> None:
    towns = service.towns()
    form.home_town.choices = [SelectChoice(0, _("（无）"))]
    form.home_town.choices += [SelectChoice(t.id, t.name) for t in towns]
    form.programs.choices = [SelectChoice(p.id, p.name_zh) for p in active_programs()]
    form.towns.choices = [SelectChoice(t.id, t.name) for t in towns]


def _scope_args(form: UserForm) -> dict:
    return {
        "display_name": form.display_name.data, "role": Role(form.role.data),
        "home_town_id": form.home_town.data or None,
        "program_ids": form.programs.data or (), "town_ids": form.towns.data or (),
    }


@bp.route("/")
@role_required(Role.ADMIN)
def index():
    users = db.session.scalars(sa.select(User).order_by(User.role, User.username)).all()
    return render_template("users/index.html", users=users, toggle=ToggleForm())


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def create():
    form = NewUserForm()
    _fill_choices(form)
    if form.validate_on_submit():
        try:
            service.create_user(
                username=form.username.data, password=form.password.data, by=current_user,
                **_scope_args(form),
            )
        except service.UsernameTaken:
            form.username.errors.append(_("该用户名已存在。"))
        else:
            flash(_("用户已创建。"), "success")
            return redirect(url_for("users.index"))
    return render_template("users/edit.html", form=form, user=None)


def _posted() -> bool:
    return request.method == "POST"


def _get_user(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit(user_id: int):
    user = _get_user(user_id)
    form = UserForm(obj=None if _posted() else user)
    _fill_choices(form)
    if not _posted():
        form.role.data = user.role.value
        form.home_town.data = user.home_town_id or 0
        form.programs.data = [p.id for p in user.programs]
        form.towns.data = [t.id for t in user.towns]
    if form.validate_on_submit():
        service.update_user(user, by=current_user, **_scope_args(form))
        flash(_("已保存。"), "success")
        return redirect(url_for("users.index"))
    return render_template("users/edit.html", form=form, user=user, reset=ResetPasswordForm())


@bp.route("/<int:user_id>/password", methods=["POST"])
@role_required(Role.ADMIN)
def reset_password(user_id: int):
    user = _get_user(user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        service.reset_password(user, form.password.data, by=current_user)
        flash(_("密码已重置，该用户的登录已全部失效。"), "success")
    else:
        flash(_("新密码至少8个字符。"), "error")
    return redirect(url_for("users.edit", user_id=user.id))


@bp.route("/<int:user_id>/toggle", methods=["POST"])
@role_required(Role.ADMIN)
def toggle(user_id: int):
    user = _get_user(user_id)
    if ToggleForm().validate_on_submit():
        try:
            service.set_active(user, not user.active, by=current_user)
        except ValueError:
            flash(_("不能停用自己的账号。"), "error")
        else:
            done = _("已启用该用户。") if user.active else _("已停用该用户，其登录已全部失效。")
            flash(done, "success")
    return redirect(url_for("users.index"))
