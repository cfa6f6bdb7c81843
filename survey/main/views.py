"""The front door: home page per role, language switch, health check."""

from flask import Blueprint, redirect, request, session, url_for
from flask_login import current_user, login_required

from survey.auth.views import safe_next
from survey.extensions import db
from survey.models import Role

bp = Blueprint("main", __name__)

HOME_BY_ROLE = {
    Role.ADMIN: "rounds.index",
    Role.SUPERVISOR: "rounds.index",
    Role.SURVEYOR: "fieldwork.queue",
    Role.VIEWER: "reports.index",
}


@bp.route("/")
@login_required
def home():
    return redirect(url_for(HOME_BY_ROLE[current_user.role]))


@bp.route("/lang/<code>", methods=["POST"])
def set_language(code: str):
    if code in ("zh", "en"):
        session["lang"] = code
    return redirect(safe_next(request.form.get("next")))


@bp.route("/healthz")
def health():
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok"}
