"""The livelihood-projects survey and spot-check application (民生工程调查抽查系统)."""

from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: read settings, bind extensions, register blueprints and commands."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
    )
    from survey.config import load_settings

    app.config.from_mapping(load_settings(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)

    from survey import blueprints, cli, web

    web.init_app(app)
    blueprints.register(app)
    cli.register(app)
    return app
