"""Preview a version as a surveyor on the phone, on a field visit, or as a resident on a phone.

The preview is the real form: submitting it runs every server check (types, ranges, required
answers, skip logic) and stores nothing.
"""

from flask import abort, flash, render_template, request
from flask_babel import gettext as _

from survey.auth.access import OFFICE, role_required
from survey.extensions import db
from survey.models import QuestionnaireVersion
from survey.questionnaires import form as interview
from survey.questionnaires import render, usage
from survey.questionnaires.labels import MODE
from survey.web import select_locale


@role_required(*OFFICE)
def preview(version_id: int, mode: str):
    version = db.session.get(QuestionnaireVersion, version_id) or abort(404)
    chosen = [int(i) for i in request.args.getlist("program") if i.isdigit()]
    programs = usage.preview_programs(version, chosen)
    asked = interview.items(version, programs)
    locale = select_locale()
    form = interview.build_form(version, programs, locale)
    if form.is_submitted():
        if interview.check(form, asked):
            flash(_("预览：答案全部通过检查（未保存）。"), "success")
        else:
            flash(_("预览：有未完成或不应作答的题目，见各题提示（未保存）。"), "error")
    screens = render.screens(form, asked, mode=mode, person=_("（受访人姓名）"), locale=locale)
    return render_template("questionnaires/preview.html", version=version, mode=mode,
                           modes=MODE, screens=screens, form=form, programs=programs,
                           all_programs=usage.all_programs(), chosen={p.id for p in programs})
