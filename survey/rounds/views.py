"""Round pages: list, plan (settings and sample builder with its preview), draw, sample, verify."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from sampling.designs import new_seed
from survey.auth.access import OFFICE, role_required
from survey.catalog.service import roster_programs
from survey.extensions import db
from survey.models import Role, Round, SampleDraw, SampleUnit
from survey.questionnaires.service import latest_versions
from survey.rosters.service import current_version
from survey.rounds import case_views, service  # noqa: F401 (case_views registers its routes)
from survey.rounds.blueprint import bp
from survey.rounds.coordinate import overlap
from survey.rounds.forms import (
    ButtonForm,
    DiscardForm,
    DrawForm,
    EditRoundForm,
    NewRoundForm,
    QuestionnaireForm,
    SettingsForm,
    fill_from,
    plan_values,
    program_sizes,
    round_form,
    settings_values,
)
from survey.rounds.overview import draft_overview, drawn_overview
from survey.rounds.plan import town_names
from survey.rounds.state import RoundState, round_state
from survey.rounds.verify import verify_round
from survey.users.service import towns

__all__ = ["bp"]


def _programs():
    return [p for p in roster_programs() if current_version(p) is not None]


def get_round(round_id: int) -> Round:
    return db.session.get(Round, round_id) or abort(404)


@bp.route("/")
@role_required(*OFFICE)
def index():
    rounds = db.session.scalars(sa.select(Round).order_by(Round.id.desc())).all()
    return render_template("rounds/index.html", rounds=rounds, state=round_state)


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def create():
    programs, all_towns = _programs(), towns()
    form = round_form(NewRoundForm, programs, all_towns)
    form.questionnaire.choices = [
        SelectChoice(v.id, f"{v.questionnaire.title_zh}（第{v.number}版）")
        for v in latest_versions()
    ]
    if form.validate_on_submit():
        version = next(v for v in latest_versions() if v.id == form.questionnaire.data)
        try:
            round_ = service.create_round(
                questionnaire_version=version, sizes=program_sizes(form, programs),
                by=current_user, **settings_values(form), **plan_values(form, all_towns))
        except service.PlanRefused as refused:
            flash(str(refused), "error")
        else:
            return redirect(url_for("rounds.detail", round_id=round_.id))
    return render_template("rounds/new.html", form=form, programs=programs, towns=all_towns,
                           versions={p.id: current_version(p) for p in programs}, round=None)


@bp.route("/<int:round_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit(round_id: int):
    round_ = get_round(round_id)
    state = round_state(round_)
    if state is RoundState.CLOSED:
        abort(404)
    draft = state is RoundState.DRAFT
    programs, all_towns = _programs(), towns()
    form = round_form(EditRoundForm if draft else SettingsForm, programs, all_towns)
    if not form.is_submitted() and draft:
        fill_from(form, round_, all_towns)
    elif not form.is_submitted():
        _fill_settings(form, round_)
    elif form.validate_on_submit():
        try:
            service.update_settings(round_, by=current_user, **settings_values(form))
            if draft:
                service.update_plan(round_, by=current_user, sizes=program_sizes(form, programs),
                                    **plan_values(form, all_towns))
        except service.PlanRefused as refused:
            db.session.rollback()
            flash(str(refused), "error")
        else:
            flash(_("已保存。"), "success")
            return redirect(url_for("rounds.detail", round_id=round_.id))
    return render_template("rounds/new.html", form=form, programs=programs, towns=all_towns,
                           versions={p.id: current_version(p) for p in programs}, round=round_,
                           draft=draft)


def _fill_settings(form, round_: Round) -> None:
    for name in ("name", "period", "fieldwork_start", "fieldwork_end", "calling_from",
                 "calling_to", "max_attempts"):
        form[name].data = getattr(round_, name)
    form.period_kind.data, form.start_mode.data = round_.period_kind.value, round_.start_mode.value
    form.modes.data, form.replace_on.data = list(round_.modes), list(round_.replace_on)


@bp.route("/<int:round_id>")
@role_required(*OFFICE)
def detail(round_id: int):
    round_ = get_round(round_id)
    state = round_state(round_)
    overview = draft_overview(round_) if state is RoundState.DRAFT else drawn_overview(round_)
    questionnaire_form = QuestionnaireForm()
    questionnaire_form.version.choices = [
        SelectChoice(v.id, _("第%(n)s版", n=v.number)) for v in service.newer_versions(round_)]
    return render_template(
        "rounds/detail.html", round=round_, state=state, overview=overview,
        draw_form=DrawForm(seed=new_seed()), discard_form=DiscardForm(), button=ButtonForm(),
        questionnaire_form=questionnaire_form,
    )


@bp.route("/<int:round_id>/draw", methods=["POST"])
@role_required(Role.ADMIN)
def draw(round_id: int):
    round_ = get_round(round_id)
    form = DrawForm()
    if not form.validate_on_submit():
        flash(_("随机种子必须是0到9223372036854775807之间的整数。"), "error")
        return redirect(url_for("rounds.detail", round_id=round_.id))
    try:
        service.draw_round(round_, form.seed.data, by=current_user)
    except service.DrawRefused as refused:
        flash(str(refused), "error")
    else:
        flash(_("抽样完成。"), "success")
    return redirect(url_for("rounds.detail", round_id=round_.id))


@bp.route("/<int:round_id>/discard", methods=["POST"])
@role_required(Role.ADMIN)
def discard(round_id: int):
    round_ = get_round(round_id)
    form = DiscardForm()
    if not form.validate_on_submit():
        flash(_("请填写重新抽样的原因。"), "error")
    else:
        try:
            service.discard_sample(round_, by=current_user, reason=form.reason.data)
        except service.DrawRefused as refused:
            db.session.rollback()
            flash(str(refused), "error")
        else:
            flash(_("样本已作废，可以重新抽样；作废记录已写入审计日志。"), "success")
    return redirect(url_for("rounds.detail", round_id=round_.id))


@bp.route("/<int:round_id>/questionnaire", methods=["POST"])
@role_required(Role.ADMIN)
def questionnaire(round_id: int):
    round_ = get_round(round_id)
    form = QuestionnaireForm()
    newer = {v.id: v for v in service.newer_versions(round_)}
    form.version.choices = [SelectChoice(i, str(i)) for i in newer]
    if form.validate_on_submit():
        try:
            service.move_questionnaire(round_, newer[form.version.data], by=current_user)
        except service.PlanRefused as refused:
            flash(str(refused), "error")
        else:
            flash(_("本轮已改用新版本问卷；已提交的答卷仍记录原版本。"), "success")
    else:
        flash(_("请选择本轮问卷的更新版本。"), "error")
    return redirect(url_for("rounds.detail", round_id=round_.id))


@bp.route("/<int:round_id>/close", methods=["POST"])
@role_required(Role.ADMIN)
def close(round_id: int):
    round_ = get_round(round_id)
    if ButtonForm().validate_on_submit():
        try:
            service.close_round(round_, by=current_user)
        except service.PlanRefused as refused:
            flash(str(refused), "error")
        else:
            flash(_("本轮已结束。"), "success")
    return redirect(url_for("rounds.detail", round_id=round_.id))


@bp.route("/<int:round_id>/verify")
@role_required(*OFFICE)
def verify(round_id: int):
    round_ = get_round(round_id)
    checks = verify_round(round_)
    return render_template("rounds/verify.html", round=round_, state=round_state(round_),
                           checks=checks)


@bp.route("/draws/<int:draw_id>")
@role_required(*OFFICE)
def sample(draw_id: int):
    draw = db.session.get(SampleDraw, draw_id) or abort(404)
    query = (sa.select(SampleUnit).where(SampleUnit.draw_id == draw.id)
             .order_by(SampleUnit.reserve_order.is_not(None), SampleUnit.stratum,
                       SampleUnit.reserve_order, SampleUnit.id))
    page = db.paginate(query, per_page=100)
    k = draw.round.coordination_rounds
    return render_template("rounds/sample.html", draw=draw, page=page, names=town_names(),
                           overlap=overlap(draw, k), k=k, state=round_state(draw.round))
