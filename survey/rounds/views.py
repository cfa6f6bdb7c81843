import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from sampling.designs import new_seed
from survey.auth.access import OFFICE, role_required
from survey.catalog.service import roster_programs
from survey.extensions import db
from survey.models import Case, Role, Round, SampleDraw, SampleUnit, User
from survey.questionnaires.service import latest_versions
from survey.rosters.service import current_version
from survey.rounds import service
from survey.rounds.forms import AssignForm, DrawForm, RoundForm, size_field
from survey.rounds.state import round_state

bp = Blueprint("rounds", __name__, url_prefix="/rounds")


@bp.route("/")
@role_required(*OFFICE)
def index():
    rounds = db.session.scalars(sa.select(Round).order_by(Round.id.desc())).all()
    return render_template("rounds/index.html", rounds=rounds, state=round_state)


def _round_form(programs):
    fields = {f"n_{p.id}": size_field() for p in programs}
    form = type("NewRoundForm", (RoundForm,), fields)()
    form.questionnaire.choices = [
        SelectChoice(v.id, f"{v.questionnaire.title_zh}（第{v.number}版）")
        for v in latest_versions()
    ]
    return form


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def create():
    programs = [p for p in roster_programs() if current_version(p) is not None]
    form = _round_form(programs)
    if form.validate_on_submit():
        sizes = {p.id: form[f"n_{p.id}"].data for p in programs if form[f"n_{p.id}"].data}
        if not sizes:
            flash(_("请至少为一个项目填写样本量。"), "error")
        else:
            version = next(v for v in latest_versions() if v.id == form.questionnaire.data)
            round_ = service.create_round(
                name=form.name.data, period_kind=form.period_kind.data, period=form.period.data,
                questionnaire_version=version, sizes=sizes, by=current_user,
            )
            return redirect(url_for("rounds.detail", round_id=round_.id))
    return render_template("rounds/new.html", form=form, programs=programs,
                           versions={p.id: current_version(p) for p in programs})


def _get_round(round_id: int) -> Round:
    return db.session.get(Round, round_id) or abort(404)


@bp.route("/<int:round_id>")
@role_required(*OFFICE)
def detail(round_id: int):
    round_ = _get_round(round_id)
    counts = dict(db.session.execute(
        sa.select(Case.assigned_to_id, sa.func.count()).where(Case.round_id == round_.id)
        .group_by(Case.assigned_to_id)
    ).all())
    names = dict(db.session.execute(
        sa.select(User.id, User.display_name).where(User.id.in_([k for k in counts if k]))
    ).all())
    return render_template(
        "rounds/detail.html", round=round_, state=round_state(round_), counts=counts,
        draws={d.program_id: d for d in round_.draws}, assignee_names=names,
        draw_form=DrawForm(seed=new_seed()), assign_form=AssignForm(),
    )


@bp.route("/<int:round_id>/draw", methods=["POST"])
@role_required(Role.ADMIN)
def draw(round_id: int):
    round_ = _get_round(round_id)
    form = DrawForm()
    if not form.validate_on_submit():
        flash(_("随机种子必须是0到9223372036854775807之间的整数。"), "error")
        return redirect(url_for("rounds.detail", round_id=round_.id))
    try:
        service.draw_samples(round_, form.seed.data, by=current_user)
    except service.DrawRefused as refused:
        flash(str(refused), "error")
    else:
        flash(_("抽样完成。"), "success")
    return redirect(url_for("rounds.detail", round_id=round_.id))


@bp.route("/<int:round_id>/assign", methods=["POST"])
@role_required(*OFFICE)
def assign(round_id: int):
    round_ = _get_round(round_id)
    if AssignForm().validate_on_submit():
        try:
            count = service.assign_round_robin(round_, by=current_user)
        except service.DrawRefused as refused:
            flash(str(refused), "error")
        else:
            flash(_("已分配%(n)s个调查任务。", n=count), "success")
    return redirect(url_for("rounds.detail", round_id=round_.id))


@bp.route("/draws/<int:draw_id>")
@role_required(*OFFICE)
def sample(draw_id: int):
    draw = db.session.get(SampleDraw, draw_id) or abort(404)
    if draw.program.sensitive and current_user.role is not Role.ADMIN:
        abort(403)
    query = (sa.select(SampleUnit).where(SampleUnit.draw_id == draw.id)
             .order_by(SampleUnit.reserve_order.is_not(None), SampleUnit.reserve_order,
                       SampleUnit.id))
    page = db.paginate(query, per_page=50)
    return render_template("rounds/sample.html", draw=draw, page=page)
