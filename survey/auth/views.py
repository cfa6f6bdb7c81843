from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash

from survey.auth import service
from survey.auth.forms import LoginForm, PasswordForm

bp = Blueprint("auth", __name__, url_prefix="/auth")


def safe_next(target: str | None) -> str:
    """Only a path inside this site; anything else goes home."""
    if not target:
        return url_for("main.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("main.home")
    if "\\" in target:
        return url_for("main.home")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        result = service.authenticate(
            form.username.data, form.password.data, request.remote_addr or "-"
        )
        if result.throttled:
            flash(_("登录失败次数过多，请15分钟后再试。"), "error")
        elif result.user is None:
            flash(_("用户名或密码错误。"), "error")
        else:
            session.clear()
            session.permanent = True
            login_user(result.user)
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    session.clear()
    flash(_("您已退出登录。"), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        if not check_password_hash(current_user.password_hash, form.current.data):
            form.current.errors.append(_("当前密码不正确。"))
        else:
            service.change_password(current_user, form.new.data)
            login_user(current_user)  # this session continues under the new generation
            flash(_("密码已修改，其他设备上的登录已失效。"), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/password.html", form=form)
