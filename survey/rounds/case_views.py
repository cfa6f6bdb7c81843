"""Assignment pages: the round's cases, automatic balancing, bulk actions, the call-list export.

Supervisors and admins assign; surveyors and viewers never reach these pages.
"""

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from survey.auth.access import OFFICE, role_required
from survey.extensions import db
from survey.labels import MODE
from survey.models import Area, Mode, Round
from survey.rounds import assign
from survey.rounds.blueprint import bp
from survey.rounds.case_forms import BulkForm
from survey.rounds.cases import (
    FILTERS,
    call_list_xlsx,
    case_rows,
    towns_without_surveyor,
    workload_table,
)
from survey.rounds.forms import ButtonForm
from survey.rounds.state import RoundState, round_state
from survey.users.service import towns

PER_PAGE = 200


def _round(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id) or abort(404)
    if round_state(round_) is RoundState.DRAFT:
        abort(404)  # a draft has no cases yet
    return round_


def _filters() -> dict[str, str]:
    return {name: request.args.get(name, "") for name in FILTERS}


def _bulk_form(round_: Round) -> BulkForm:
    form = BulkForm()
    form.surveyor.choices = [(s.id, s.display_name) for s in assign.active_surveyors()]
    form.mode.choices = [(m, MODE[Mode(m)]) for m in round_.modes]
    return form


@bp.route("/<int:round_id>/cases")
@role_required(*OFFICE)
def cases(round_id: int):
    round_ = _round(round_id)
    filters = _filters()
    rows = case_rows(round_, filters)
    page = max(request.args.get("page", 1, type=int), 1)
    pages = max((len(rows) + PER_PAGE - 1) // PER_PAGE, 1)
    villages = [v for t in towns() for v in t.children]
    return render_template(
        "rounds/cases.html", round=round_, state=round_state(round_), filters=filters,
        rows=rows[(page - 1) * PER_PAGE:page * PER_PAGE], total=len(rows), page=page,
        pages=pages, workloads=workload_table(round_), stranded=towns_without_surveyor(round_),
        towns=towns(), villages=villages, bulk=_bulk_form(round_), button=ButtonForm(),
        surveyors=assign.active_surveyors(), modes=[Mode(m) for m in round_.modes],
    )


def _back(round_: Round):
    kept = {k: v for k, v in request.form.items() if k.startswith("f_") and v}
    return redirect(url_for("rounds.cases", round_id=round_.id,
                            **{k[2:]: v for k, v in kept.items()}))


@bp.route("/<int:round_id>/cases/auto", methods=["POST"])
@role_required(*OFFICE)
def assign_auto(round_id: int):
    round_ = _round(round_id)
    if ButtonForm().validate_on_submit():
        try:
            result = assign.assign_automatically(round_, by=current_user)
        except assign.AssignRefused as refused:
            flash(str(refused), "error")
        else:
            flash(_("已自动分配%(n)s个调查任务。", n=result.assigned), "success")
            if result.unassignable:
                names = dict(db.session.execute(db.select(Area.id, Area.name)).all())
                stranded = "、".join(f"{names[t]}{n}个" for t, n in result.unassignable.items())
                flash(_("以下街镇的任务没有符合异地交叉规则的调查员（在用的调查员都住在本街镇），"
                        "仍未分配：%(towns)s。请增加住在其他街镇的调查员，或核对调查员的常住街镇。",
                        towns=stranded), "error")
    return redirect(url_for("rounds.cases", round_id=round_.id))


@bp.route("/<int:round_id>/cases/bulk", methods=["POST"])
@role_required(*OFFICE)
def bulk(round_id: int):
    round_ = _round(round_id)
    form = _bulk_form(round_)
    if not form.validate_on_submit():
        flash(_("请勾选任务并选择要执行的操作。"), "error")
        return _back(round_)
    ids = form.cases.data or []
    if form.all_filtered.data:
        kept = {k[2:]: v for k, v in request.form.items() if k.startswith("f_")}
        ids = [row.case.id for row in case_rows(round_, kept)]
    try:
        if form.action.data == "assign":
            if form.surveyor.data is None:
                raise assign.AssignRefused(_("请选择调查员。"))
            done = assign.assign_cases(round_, ids, form.surveyor.data, by=current_user)
        elif form.action.data == "unassign":
            done = assign.unassign_cases(round_, ids, by=current_user)
        else:
            done = assign.change_mode(round_, ids, form.mode.data, by=current_user)
    except assign.AssignRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
    else:
        flash(_("已处理%(n)s个调查任务。", n=done), "success")
    return _back(round_)


@bp.route("/<int:round_id>/cases/call-list.xlsx")
@role_required(*OFFICE)
def export(round_id: int):
    round_ = _round(round_id)
    rows = case_rows(round_, _filters())
    data = call_list_xlsx(round_, rows, by=current_user)
    return send_file(
        io.BytesIO(data), as_attachment=True, download_name=f"call-list-round-{round_.id}.xlsx",
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
