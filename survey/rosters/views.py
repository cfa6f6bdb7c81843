from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from survey.auth.access import OFFICE, role_required
from survey.catalog.service import roster_programs
from survey.extensions import db
from survey.models import ImportStatus, Program, Role, RosterEntry, RosterImport, RosterVersion
from survey.rosters import browse, jobs, mapping, report, service
from survey.rosters.formats import FileProblem
from survey.rosters.forms import SearchForm, UploadForm, mapping_form

bp = Blueprint("rosters", __name__, url_prefix="/rosters")
IMPORT_STATUS = {
    ImportStatus.MAPPING: _l("等待指定列对应"),
    ImportStatus.QUEUED: _l("排队中"),
    ImportStatus.RUNNING: _l("正在导入"),
    ImportStatus.REFUSED: _l("未导入：文件有错误"),
    ImportStatus.DONE: _l("已导入"),
    ImportStatus.UNCHANGED: _l("与当前版本相同，未生成新版本"),
    ImportStatus.FAILED: _l("导入失败"),
}


@bp.context_processor
def _labels() -> dict:
    return {"import_status": IMPORT_STATUS}


def _program(program_id: int) -> Program:
    program = db.session.get(Program, program_id) or abort(404)
    if not browse.may_see(current_user, program):
        abort(403)
    return program


def _job(import_id: int) -> RosterImport:
    return db.session.get(RosterImport, import_id) or abort(404)


@bp.route("/")
@role_required(*OFFICE)
def index():
    programs = [p for p in roster_programs() if browse.may_see(current_user, p)]
    imports = browse.recent_imports() if current_user.role is Role.ADMIN else []
    return render_template("rosters/index.html", programs=programs,
                           latest=browse.latest_versions(), imports=imports)


def _upload_form(program_id: int | None = None) -> UploadForm:
    form = UploadForm()
    form.program.choices = [SelectChoice(p.id, p.name_zh) for p in roster_programs()]
    if request.method == "GET" and program_id:
        form.program.data = program_id
    return form


@bp.route("/upload", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def upload():
    form = _upload_form(request.args.get("program", type=int))
    if not form.validate_on_submit():
        return render_template("rosters/upload.html", form=form)
    program = db.session.get(Program, form.program.data) or abort(404)
    jobs.purge_stale_uploads()
    stored, _size = jobs.keep_upload(form.file.data.stream)
    job = jobs.create(program, form.file.data.filename or "roster", by=current_user,
                      stored_name=stored, sheet=form.sheet.data,
                      create_areas=form.create_areas.data)
    if job.status is ImportStatus.REFUSED:
        jobs.discard(job)
    elif mapping.needs_mapping(job):
        return redirect(url_for("rosters.columns", import_id=job.id))
    else:
        jobs.start(job)
    return _after_start(job)


def _after_start(job: RosterImport):
    db.session.refresh(job)
    if job.status is ImportStatus.DONE:
        flash(_("名册已导入：第%(n)s版，共%(rows)s人。", n=job.version.number,
                rows=job.version.row_count), "success")
        return redirect(url_for("rosters.version", version_id=job.version_id))
    if job.status is ImportStatus.UNCHANGED:
        flash(_("文件与当前版本完全相同，未生成新版本。"), "info")
        return redirect(url_for("rosters.version", version_id=job.version_id))
    return redirect(url_for("rosters.job", import_id=job.id))


@bp.route("/imports/<int:import_id>")
@role_required(Role.ADMIN)
def job(import_id: int):
    job = _job(import_id)
    page = db.paginate(report.problems_query(job), per_page=200, error_out=False)
    form = _upload_form(job.program_id) if job.status is ImportStatus.REFUSED else None
    return render_template("rosters/import.html", job=job, page=page, form=form)


@bp.route("/imports/<int:import_id>/problems.csv")
@role_required(Role.ADMIN)
def problems_file(import_id: int):
    return report.problems_response(_job(import_id))


@bp.route("/imports/<int:import_id>/valid-only", methods=["POST"])
@role_required(Role.ADMIN)
def valid_only(import_id: int):
    job = _job(import_id)
    if job.status is not ImportStatus.REFUSED or not job.stored_name or not job.good_rows:
        flash(_("这次导入不能再只导入有效行（文件已不在或没有有效行），请重新上传。"), "error")
        return redirect(url_for("rosters.job", import_id=job.id))
    again = jobs.retry_valid_only(job, by=current_user)
    jobs.start(again)
    return _after_start(again)


@bp.route("/imports/<int:import_id>/columns", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def columns(import_id: int):
    job = _job(import_id)
    try:
        header_line, header, guessed = mapping.header_of(job)
    except FileProblem as problem:
        flash(str(problem), "error")
        return redirect(url_for("rosters.job", import_id=job.id))
    form = mapping_form(header, guessed)
    if form.validate_on_submit():
        chosen = {i: form[f"col{i}"].data for i in range(len(header))}
        try:
            mapping.save(job, header, chosen, current_user)
        except mapping.MappingProblem as problem:
            flash(str(problem), "error")
        else:
            again = job if job.status is ImportStatus.MAPPING else jobs.retry(job, by=current_user)
            jobs.start(again)
            return _after_start(again)
    return render_template("rosters/columns.html", job=job, form=form, header=header,
                           header_line=header_line)


@bp.route("/programs/<int:program_id>")
@role_required(*OFFICE)
def program(program_id: int):
    program = _program(program_id)
    return render_template("rosters/program.html", program=program,
                           versions=browse.versions(program))


@bp.route("/versions/<int:version_id>")
@role_required(*OFFICE)
def version(version_id: int):
    version = db.session.get(RosterVersion, version_id) or abort(404)
    _program(version.program_id)
    form = SearchForm(request.args)
    query = service.search_entries(version, form.q.data or "").order_by(RosterEntry.id)
    page = db.paginate(query, per_page=50, error_out=False)
    towns = browse.towns_of(browse.counts_by_area(version))
    return render_template("rosters/version.html", version=version, page=page, towns=towns,
                           form=form, q=form.q.data or "")


@bp.route("/versions/<int:version_id>/changes")
@role_required(*OFFICE)
def changes(version_id: int):
    version = db.session.get(RosterVersion, version_id) or abort(404)
    _program(version.program_id)
    return render_template("rosters/changes.html", version=version,
                           changes=browse.changes(version), shown=browse.CHANGES_SHOWN)
