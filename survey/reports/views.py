import sqlalchemy as sa
from flask import Blueprint, abort, render_template
from flask_login import current_user

from survey.auth.access import READERS, role_required
from survey.extensions import db
from survey.models import Round
from survey.reports import service
from survey.reports.rates import FLAG_BELOW, SUPPRESS_BELOW
from survey.rounds.state import round_state

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.route("/")
@role_required(*READERS)
def index():
    rounds = db.session.scalars(sa.select(Round).order_by(Round.id.desc())).all()
    return render_template("reports/index.html", rounds=rounds, state=round_state)


@bp.route("/rounds/<int:round_id>")
@role_required(*READERS)
def dashboard(round_id: int):
    round_ = db.session.get(Round, round_id) or abort(404)
    figures = service.round_figures(round_, current_user)
    return render_template("reports/dashboard.html", round=round_, figures=figures,
                           suppress_below=SUPPRESS_BELOW, flag_below=FLAG_BELOW)
