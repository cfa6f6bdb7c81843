"""The product's parts, one blueprint each."""

from flask import Flask


def register(app: Flask) -> None:
    from survey.auth.views import bp as auth
    from survey.catalog.views import bp as catalog
    from survey.fieldwork.views import bp as fieldwork
    from survey.main.views import bp as main
    from survey.questionnaires.views import bp as questionnaires
    from survey.reports.views import bp as reports
    from survey.rosters.views import bp as rosters
    from survey.rounds.views import bp as rounds
    from survey.users.views import bp as users

    for bp in (main, auth, users, catalog, rosters, rounds, questionnaires, fieldwork, reports):
        app.register_blueprint(bp)
