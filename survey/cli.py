"""Command-line entry points: ``flask --app wsgi setup | demo | catalog | user``."""

import json
import os

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from survey import privacy
from survey.config import KEY_NAMES, keys_file
from survey.extensions import db


def ensure_keys(instance_path: str) -> bool:
    """Generate ``instance/keys.json`` (mode 600) if it does not exist; True if it was created."""
    path = keys_file(instance_path)
    if path.exists():
        return False
    os.makedirs(instance_path, exist_ok=True)
    keys = {name: privacy.new_key() for name in KEY_NAMES}
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(keys, handle, indent=2)
    return True


@click.command("setup")
@with_appcontext
@click.option("--no-demo", is_flag=True, help="Do not load the demo district on an empty database.")
def setup_command(no_demo: bool) -> None:
    """Create or upgrade the database, load the catalog and the shipped questionnaire."""
    from survey.catalog.service import load_catalog
    from survey.demo.district import PASSWORD, USERS, load_demo
    from survey.models import User
    from survey.questionnaires.service import install

    if ensure_keys(current_app.instance_path):
        current_app.config.update(json.loads(keys_file(current_app.instance_path).read_text()))
        click.echo("已生成密钥文件 instance/keys.json：请妥善备份，丢失密钥即丢失加密数据。")
    upgrade()
    added = load_catalog()
    install()
    click.echo(f"数据库已就绪；新增项目 {added} 个。")
    empty = db.session.scalar(db.select(db.func.count()).select_from(User)) == 0
    if empty and not no_demo:
        sizes = load_demo()
        loaded = "，".join(f"{k} {v}人" for k, v in sizes.items())
        click.echo(f"已载入演示数据（演示区县）：{loaded}")
    if not no_demo:
        click.echo(f"演示账号（密码均为 {PASSWORD}）：")
        for username, display, role, _home in USERS:
            click.echo(f"  {username:<11} {role.value:<10} {display}")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the demo district (towns, villages, rosters, users) if it is not there yet."""
    from survey.demo.district import load_demo

    sizes = load_demo()
    click.echo("演示数据已存在。" if not sizes else f"已载入演示数据：{sizes}")


@click.command("create-admin")
@with_appcontext
@click.argument("username")
@click.password_option()
def create_admin_command(username: str, password: str) -> None:
    """Create an administrator account (for a production install without the demo)."""
    from survey.models import Role
    from survey.users.service import UsernameTaken, create_user

    try:
        create_user(username=username, display_name=username, role=Role.ADMIN, password=password)
    except UsernameTaken:
        raise click.ClickException(f"用户名 {username} 已存在") from None
    click.echo(f"管理员 {username} 已创建。")


def register(app: Flask) -> None:
    from survey.rosters.cli import roster_cli
    from survey.rounds.cli import sample_group

    for command in (setup_command, demo_command, create_admin_command, roster_cli, sample_group):
        app.cli.add_command(command)

