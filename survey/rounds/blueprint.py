"""The rounds blueprint; its routes live in ``views`` (rounds and samples) and ``case_views``."""

from flask import Blueprint

from survey.rounds.labels import RoundLabels

bp = Blueprint("rounds", __name__, url_prefix="/rounds")


@bp.context_processor
def round_labels() -> dict:
    return {"rl": RoundLabels}
