from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from survey.auth.access import role_required
from survey.extensions import db
from survey.fieldwork import service
from survey.fieldwork.dispositions import label
from survey.fieldwork.forms import AttemptForm
from survey.models import Case, Mode, Role
from survey.questionnaires import form as interview
from survey.questionnaires import render
from survey.web import select_locale

bp = Blueprint("fieldwork", __name__, url_prefix="/fieldwork")


@bp.route("/")
@role_required(Role.SURVEYOR)
def queue():
    cases = service.queue(current_user)
    return render_template("fieldwork/queue.html", cases=cases, state=service.case_state,
                           label=label)


def _case(case_id: int, *, work: bool) -> Case:
    case = db.session.get(Case, case_id)
    allowed = service.may_work if work else service.may_view
    if case is None or not allowed(current_user, case):
        abort(404)  # a case of someone else's queue does not exist for this user
    return case


@bp.route("/cases/<int:case_id>")
@login_required
def case(case_id: int):
    case = _case(case_id, work=False)
    contact = service.contact_details(case, current_user) if service.may_work(current_user, case) \
        else None
    return render_template(
        "fieldwork/case.html", case=case, contact=contact, form=AttemptForm(),
        state=service.case_state(case), programs=service.case_programs(case), label=label,
        may_work=service.may_work(current_user, case),
    )


@bp.route("/cases/<int:case_id>/attempts", methods=["POST"])
@role_required(Role.SURVEYOR)
def attempt(case_id: int):
    case = _case(case_id, work=True)
    form = AttemptForm()
    if form.validate_on_submit():
        try:
            service.record_attempt(case, current_user, form.disposition.data, form.note.data,
                                   case.mode)
        except service.NotAllowed as refused:
            flash(str(refused), "error")
        else:
            flash(_("接触记录已保存。"), "success")
            return redirect(url_for("fieldwork.queue"))
    return redirect(url_for("fieldwork.case", case_id=case.id))


@bp.route("/cases/<int:case_id>/interview", methods=["GET", "POST"])
@role_required(Role.SURVEYOR)
def interview_form(case_id: int):
    case = _case(case_id, work=True)
    if service.case_state(case) in (service.CaseState.COMPLETED, service.CaseState.CLOSED):
        flash(_("该任务已经结束，不能再访问。"), "error")
        return redirect(url_for("fieldwork.case", case_id=case.id))
    programs = service.case_programs(case)
    version = case.round.questionnaire_version
    asked = interview.items(version, programs)
    form = interview.build_form(version, programs, select_locale())
    if form.is_submitted() and interview.check(form, asked):
        try:
            service.submit_interview(case, current_user, interview.answers(form, asked))
        except service.NotAllowed as refused:
            flash(str(refused), "error")
        else:
            flash(_("答卷已提交。"), "success")
            return redirect(url_for("fieldwork.queue"))
    elif form.is_submitted():
        flash(_("问卷有未完成或不应作答的题目，请按提示修改。"), "error")
    mode = "field" if case.mode is Mode.FIELD else "phone"
    screens = render.screens(form, asked, mode=mode, person=case.person.name,
                             locale=select_locale())
    return render_template("fieldwork/interview.html", case=case, form=form, screens=screens,
                           mode=mode, person=case.person)
