"""The questionnaire builder: list, create, edit by copy on write, preview, XLSForm in and out."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from survey.auth.access import OFFICE, role_required
from survey.extensions import db
from survey.models import Questionnaire, QuestionnaireVersion, Role, Round
from survey.questionnaires import edits, preview_views, service, usage, xlsform_views
from survey.questionnaires.forms import ButtonForm, HeaderForm, SectionForm, question_form
from survey.questionnaires.labels import AUDIENCE, MODE, QUESTION_ROLE, QUESTION_TYPE

bp = Blueprint("questionnaires", __name__, url_prefix="/questionnaires")


def version_or_404(version_id: int) -> QuestionnaireVersion:
    return db.session.get(QuestionnaireVersion, version_id) or abort(404)


@bp.context_processor
def _labels():
    return {"q_labels": {"role": QUESTION_ROLE, "type": QUESTION_TYPE, "audience": AUDIENCE,
                         "mode": MODE}}


@bp.route("/")
@role_required(*OFFICE)
def index():
    questionnaires = db.session.scalars(sa.select(Questionnaire).order_by(Questionnaire.id)).all()
    return render_template("questionnaires/index.html", questionnaires=questionnaires,
                           latest=service.latest)


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def create():
    form = HeaderForm()
    if form.validate_on_submit():
        spec = {"code": form.code.data.strip(), "title_zh": form.title_zh.data,
                "title_en": form.title_en.data, "audience": form.audience.data,
                "sections": [{"code": "main", "title_zh": "问题", "title_en": "Questions"}]}
        try:
            version = service.create(spec, by=current_user, note=_("新建"))
        except service.SpecRefused as refused:
            return render_template("questionnaires/header.html", form=form,
                                   problems=refused.problems)
        flash(_("问卷已创建，请添加题目。"), "success")
        return redirect(url_for(".version", version_id=version.id))
    return render_template("questionnaires/header.html", form=form, problems=[])


@bp.route("/versions/<int:version_id>")
@role_required(*OFFICE)
def version(version_id: int):
    version = version_or_404(version_id)
    questionnaire = version.questionnaire
    return render_template(
        "questionnaires/version.html", version=version, questionnaire=questionnaire,
        latest=service.latest(questionnaire), frozen=service.is_frozen(version),
        rounds=usage.rounds_of(questionnaire), button=ButtonForm(),
        responses=usage.responses_per_version(questionnaire),
    )


def _saved(version: QuestionnaireVersion, spec: dict, note: str):
    """Save the spec; redirect to the version written, saying if a new version was made."""
    written = service.save(version, spec, by=current_user, note=note)
    if written is not version:
        flash(_("第%(old)s版已有答卷，已冻结不变；修改保存为第%(new)s版。", old=version.number,
                new=written.number), "warning")
    else:
        flash(_("已保存。"), "success")
    return redirect(url_for(".version", version_id=written.id))


@bp.route("/versions/<int:version_id>/header", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def header(version_id: int):
    version = version_or_404(version_id)
    spec = service.spec_of(version)
    form = HeaderForm(data=spec)
    form.code.render_kw = {"readonly": True}
    if form.validate_on_submit():
        spec.update(title_zh=form.title_zh.data, title_en=form.title_en.data,
                    audience=form.audience.data)
        try:
            return _saved(version, spec, _("修改标题"))
        except service.SpecRefused as refused:
            return render_template("questionnaires/header.html", form=form, version=version,
                                   problems=refused.problems)
    return render_template("questionnaires/header.html", form=form, version=version, problems=[])


@bp.route("/versions/<int:version_id>/sections/new", methods=["GET", "POST"],
          defaults={"code": None})
@bp.route("/versions/<int:version_id>/sections/<code>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def section(version_id: int, code: str | None):
    version = version_or_404(version_id)
    spec = service.spec_of(version)
    current = next((s for s in spec["sections"] if s["code"] == code), None)
    if code is not None and current is None:
        abort(404)
    form = SectionForm(data=current)
    problems = []
    if form.validate_on_submit():
        try:
            changed = edits.put_section(spec, form.section(), replacing=code)
            return _saved(version, changed, _("修改部分 %(code)s", code=form.code.data))
        except (service.SpecRefused, edits.EditRefused) as refused:
            problems = getattr(refused, "problems", [refused])
    return render_template("questionnaires/section.html", form=form, version=version,
                           code=code, problems=problems)


@bp.route("/versions/<int:version_id>/questions/new", methods=["GET", "POST"],
          defaults={"code": None})
@bp.route("/versions/<int:version_id>/questions/<code>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def question(version_id: int, code: str | None):
    version = version_or_404(version_id)
    spec = service.spec_of(version)
    try:
        section, current = edits.find_question(spec, code) if code else (None, None)
    except edits.EditRefused:
        abort(404)
    section_code = section["code"] if section else request.args.get("section")
    form = question_form(spec, current, section_code)
    problems = []
    if form.validate_on_submit():
        try:
            changed = edits.put_question(spec, form.section.data, form.question(), replacing=code)
            return _saved(version, changed, _("修改题目 %(code)s", code=form.code.data))
        except (service.SpecRefused, edits.EditRefused) as refused:
            problems = getattr(refused, "problems", [refused])
    return render_template("questionnaires/question.html", form=form, version=version,
                           code=code, problems=problems)


EDITS = {
    ("question", "delete"): (edits.remove_question, ()),
    ("question", "up"): (edits.move_question, (-1,)),
    ("question", "down"): (edits.move_question, (1,)),
    ("section", "delete"): (edits.remove_section, ()),
    ("section", "up"): (edits.move_section, (-1,)),
    ("section", "down"): (edits.move_section, (1,)),
}


@bp.route("/versions/<int:version_id>/<any(question, section):what>/<code>/<action>",
          methods=["POST"])
@role_required(Role.ADMIN)
def change(version_id: int, what: str, code: str, action: str):
    version = version_or_404(version_id)
    if (what, action) not in EDITS:
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    change_spec, args = EDITS[(what, action)]
    try:
        changed = change_spec(service.spec_of(version), code, *args)
        return _saved(version, changed, f"{action} {what} {code}")
    except (service.SpecRefused, edits.EditRefused) as refused:
        flash(str(refused), "error")
    return redirect(url_for(".version", version_id=version.id))


@bp.route("/versions/<int:version_id>/adopt/<int:round_id>", methods=["POST"])
@role_required(Role.ADMIN)
def adopt(version_id: int, round_id: int):
    version = version_or_404(version_id)
    round_ = db.session.get(Round, round_id) or abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        usage.adopt(round_, version, by=current_user)
    except usage.AdoptRefused as refused:
        flash(str(refused), "error")
    else:
        flash(_("“%(round)s”此后的访问使用第%(n)s版；已有的答卷保留原版本。",
                round=round_.name, n=version.number), "success")
    return redirect(url_for(".version", version_id=version.id))


bp.add_url_rule("/versions/<int:version_id>/preview/<any(phone, field, web):mode>",
                view_func=preview_views.preview, methods=["GET", "POST"])
bp.add_url_rule("/versions/<int:version_id>/xlsform", view_func=xlsform_views.export)
bp.add_url_rule("/import", view_func=xlsform_views.upload, methods=["GET", "POST"])
