import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from survey.auth.access import role_required
from survey.catalog import service
from survey.catalog.forms import ProgramForm
from survey.extensions import db
from survey.models import Program, Role, RosterVersion

bp = Blueprint("catalog", __name__, url_prefix="/programs")


@bp.route("/")
@role_required(Role.ADMIN, Role.SUPERVISOR)
def index():
    programs = db.session.scalars(sa.select(Program).order_by(Program.position)).all()
    latest = dict(db.session.execute(
        sa.select(RosterVersion.program_id, sa.func.max(RosterVersion.number))
        .group_by(RosterVersion.program_id)
    ).all())
    return render_template("catalog/index.html", programs=programs, latest=latest)


@bp.route("/<int:program_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit(program_id: int):
    program = db.session.get(Program, program_id) or abort(404)
    form = ProgramForm(obj=program)
    if form.validate_on_submit():
        service.update_program(
            program, department=form.department.data, sensitive=form.sensitive.data,
            active=form.active.data,
        )
        flash(_("已保存。"), "success")
        return redirect(url_for("catalog.index"))
    return render_template("catalog/edit.html", form=form, program=program)
