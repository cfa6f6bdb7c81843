"""``flask --app wsgi sample verify ROUND``: redraw a round's samples and compare unit by unit."""

import click
from flask.cli import AppGroup

from survey.extensions import db
from survey.models import Round
from survey.rounds.verify import verify_round

sample_group = AppGroup("sample", help="Samples: check that a drawn sample can be redrawn.")


@sample_group.command("verify")
@click.argument("round_id", metavar="ROUND", type=int)
@click.option("--quiet", is_flag=True, help="Print only the units that do not match.")
def verify_command(round_id: int, quiet: bool) -> None:
    """Redraw every program of ROUND (its id) from the recorded inputs; exit 1 on a mismatch."""
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise click.ClickException(f"没有编号为{round_id}的调查轮次")
    if not round_.draws:
        raise click.ClickException(f"轮次{round_id}“{round_.name}”还没有抽样")
    checks = verify_round(round_)
    click.echo(f"轮次{round_.id}“{round_.name}”：重新抽样并逐个核对")
    for check in checks:
        draw = check.draw
        click.echo(f"\n{draw.program.name_zh}（{draw.design}，名册第{draw.roster_version.number}版，"
                   f"总体{draw.population}，本轮种子{draw.round_seed}，项目种子{draw.seed}）")
        for note in check.notes:
            click.echo(f"  注意：{note}")
        for problem in check.problems:
            click.echo(f"  不一致：{problem}")
        for unit in check.units:
            if quiet and unit.ok:
                continue
            kind = f"备选{unit.reserve_order}" if unit.reserve_order else "样本"
            mark = "一致" if unit.ok else f"不一致：{unit.problem}"
            click.echo(f"  {unit.label}  层{unit.stratum}  {kind}  {mark}")
        bad = sum(1 for u in check.units if not u.ok)
        click.echo(f"  共{len(check.units)}个单元，{len(check.units) - bad}个一致，{bad}个不一致")
    if all(check.ok for check in checks):
        click.echo("\n核对通过：每个单元都与重新抽样的结果一致。")
        return
    click.echo("\n核对未通过：样本与按记录重新抽样的结果不一致。", err=True)
    click.get_current_context().exit(1)
