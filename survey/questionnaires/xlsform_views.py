"""XLSForm out (a version as a workbook) and in (a workbook as a questionnaire or new version)."""

import io

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from survey.auth.access import OFFICE, role_required
from survey.extensions import db
from survey.models import QuestionnaireVersion, Role
from survey.questionnaires import service, xlsform
from survey.questionnaires.forms import ImportForm
from survey.questionnaires.xlsform_import import import_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@role_required(*OFFICE)
def export(version_id: int):
    version = db.session.get(QuestionnaireVersion, version_id) or abort(404)
    data = xlsform.write(service.spec_of(version), version.number)
    problems = xlsform.xform_problems(data)
    if problems:
        flash(_("导出的 XLSForm 无法转换为 XForm：%(problems)s", problems="；".join(problems)),
              "error")
        return redirect(url_for("questionnaires.version", version_id=version.id))
    name = f"{version.questionnaire.code}_v{version.number}.xlsx"
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True,
                     download_name=name)


@role_required(Role.ADMIN)
def upload():
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        upload = form.file.data
        report, version = import_file(upload.read(), upload.filename or "form.xlsx",
                                      by=current_user, accept_losses=form.accept_losses.data)
        if version is not None and report.unchanged:
            flash(_("文件内容与“%(title)s”第%(n)s版相同，没有产生新版本。",
                    title=version.questionnaire.title_zh, n=version.number), "success")
            return redirect(url_for("questionnaires.version", version_id=version.id))
        if version is not None:
            flash(_("已导入为“%(title)s”第%(n)s版。", title=version.questionnaire.title_zh,
                    n=version.number), "success")
            return redirect(url_for("questionnaires.version", version_id=version.id))
    return render_template("questionnaires/import.html", form=form, report=report)
