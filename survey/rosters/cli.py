"""``flask --app wsgi roster import FILE --program CODE [--valid-only]`` and ``roster worker``."""

from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from survey.catalog.service import program_by_code
from survey.extensions import db
from survey.models import ImportStatus, RosterImport
from survey.rosters import jobs, runner, service

roster_cli = AppGroup("roster", help="Roster files: import, background worker.")


@roster_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--program", "code", required=True, help="Program code, e.g. rural_dibao.")
@click.option("--valid-only", is_flag=True, help="Import the valid rows, leave the bad ones out.")
@click.option("--sheet", default=None, help="Worksheet of an xlsx file (default: the first).")
@click.option("--create-areas", is_flag=True, help="Create towns and villages not known yet.")
def import_command(file: Path, code: str, valid_only: bool, sheet: str | None,
                   create_areas: bool) -> None:
    """Import FILE as the program's new roster version; nothing is imported if it has errors."""
    program = program_by_code(code)
    if program is None:
        raise click.ClickException(f"没有代码为 {code} 的项目")
    job = jobs.create(program, file.name, by=None, path=file, sheet=sheet,
                      valid_only=valid_only, create_areas=create_areas)
    if job.status is not ImportStatus.REFUSED:
        with click.progressbar(length=1000, label="读取并检查", show_percent=True,
                               show_eta=False) as bar:
            runner.on_progress = _advance(bar)
            try:
                jobs.start(job, file)
            finally:
                runner.on_progress = None
    _summary(service.report(job, limit=None))


def _advance(bar):
    done = [0]

    def advance(fraction: float) -> None:
        step = int(fraction * 1000) - done[0]
        if step > 0:
            bar.update(step)
            done[0] += step

    return advance


def _summary(report: service.ImportReport) -> None:
    job = report.job
    if job.status is ImportStatus.DONE:
        version = job.version
        click.echo(f"已导入：{job.program.name_zh} 第{version.number}版，共{version.row_count}人"
                   f"（新增{version.added}，移除{version.removed}，变更{version.changed}）。")
        if job.bad_rows:
            click.echo(f"按 --valid-only 跳过了{job.bad_rows}个有错误的行：")
            _problems(report)
        return
    if job.status is ImportStatus.UNCHANGED:
        click.echo("文件与当前版本完全相同，未生成新版本。")
        return
    click.echo(f"未导入，名册没有任何改动：{job.message or '文件中有错误'}", err=True)
    _problems(report, err=True)
    if job.bad_rows:
        click.echo(f"共{job.rows_read}行，其中{job.bad_rows}行有错误，"
                   f"{job.problem_count}处问题。修改后重新导入，或用 --valid-only 只导入有效行。",
                   err=True)
    raise SystemExit(1)


def _problems(report: service.ImportReport, err: bool = False) -> None:
    for problem in report.errors:
        where = f"第{problem.line}行" if problem.line else "文件"
        column = f" [{problem.column}]" if problem.column else ""
        value = f" {problem.value}" if problem.value else ""
        click.echo(f"  {where}{column}{value}：{problem.reason}", err=err)


@roster_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker_command(burst: bool) -> None:
    """Run queued roster imports (needs REDIS_URL)."""
    from flask import current_app

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("没有设置 REDIS_URL：未设置时网页上传的大文件在应用的线程中导入")
    jobs.work(burst=burst)


@roster_cli.command("purge")
def purge_command() -> None:
    """Delete kept uploads of imports older than a day."""
    click.echo(f"已删除{jobs.purge_stale_uploads()}个过期的上传文件。")
    stuck = db.session.scalar(sa.select(sa.func.count()).select_from(RosterImport).where(
        RosterImport.status == ImportStatus.RUNNING))
    if stuck:
        click.echo(f"有{stuck}个导入仍在进行中。")
