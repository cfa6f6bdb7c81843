import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from survey.auth.access import OFFICE, role_required
from survey.catalog.service import roster_programs
from survey.extensions import db
from survey.models import Area, Program, Role, RosterEntry, RosterVersion
from survey.rosters import service
from survey.rosters.forms import UploadForm

bp = Blueprint("rosters", __name__, url_prefix="/rosters")


def _visible(program: Program) -> bool:
    return current_user.role is Role.ADMIN or not program.sensitive


@bp.route("/")
@role_required(*OFFICE)
def index():
    versions = db.session.scalars(
        sa.select(RosterVersion).order_by(RosterVersion.program_id, RosterVersion.number.desc())
    ).all()
    latest = {}
    for version in versions:
        latest.setdefault(version.program_id, version)
    programs = [p for p in roster_programs() if _visible(p)]
    return render_template("rosters/index.html", programs=programs, latest=latest)


@bp.route("/upload", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def upload():
    form = UploadForm()
    form.program.choices = [SelectChoice(p.id, p.name_zh) for p in roster_programs()]
    if request.method == "GET" and request.args.get("program", type=int):
        form.program.data = request.args.get("program", type=int)
    if not form.validate_on_submit():
        return render_template("rosters/upload.html", form=form)
    program = db.session.get(Program, form.program.data) or abort(404)
    upload = form.file.data
    report = service.import_roster(program, upload.read(), upload.filename or "roster.csv",
                                   by=current_user)
    if not report.ok:
        return render_template("rosters/upload.html", form=form, report=report, program=program)
    if report.unchanged:
        flash(_("文件与当前版本完全相同，未生成新版本。"), "info")
    else:
        flash(_("名册已导入：第%(n)s版，共%(rows)s人。", n=report.version.number,
                rows=report.version.row_count), "success")
    return redirect(url_for("rosters.version", version_id=report.version.id))


@bp.route("/versions/<int:version_id>")
@role_required(*OFFICE)
def version(version_id: int):
    version = db.session.get(RosterVersion, version_id) or abort(404)
    if not _visible(version.program):
        abort(403)
    page = db.paginate(service.version_entries(version).order_by(RosterEntry.id), per_page=50)
    by_town = db.session.execute(
        sa.select(Area.name, sa.func.count())
        .join(RosterEntry, RosterEntry.town_id == Area.id)
        .where(RosterEntry.in_version(version.program_id, version.number))
        .group_by(Area.name).order_by(Area.name)
    ).all()
    return render_template("rosters/version.html", version=version, page=page, by_town=by_town)
