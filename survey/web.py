"""Bind the extensions and the request-wide behaviour: login, locale, errors, headers, filters."""

from flask import Flask, has_request_context, render_template, request, session
from flask_babel import format_datetime, get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc

from survey import privacy
from survey.extensions import babel, csrf, db, login_manager, migrate
from survey.labels import Labels


def select_locale() -> str:
    """The language the user chose, Chinese by default (and outside requests: CLI, jobs)."""
    if not has_request_context():
        return "zh"
    lang = session.get("lang")
    if lang in ("zh", "en"):
        return lang
    return "zh"


def init_app(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(app.root_path + "/translations"),
    )
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("请先登录。")
    login_manager.session_protection = "basic"
    login_manager.user_loader(_load_user)
    _register_errors(app)
    _register_template_helpers(app)
    app.after_request(_security_headers)


def _load_user(user_id: str):
    from survey.models import User

    ident, _, generation = user_id.partition(":")
    if not ident.isdigit() or not generation.isdigit():
        return None
    user = db.session.get(User, int(ident))
    if user is None or not user.active or user.session_generation != int(generation):
        return None
    return user


def _register_errors(app: Flask) -> None:
    messages = {
        400: _l("请求有误。"),
        403: _l("您没有权限查看此页面。"),
        404: _l("找不到该页面。"),
        405: _l("不支持该操作。"),
        413: _l("上传的文件太大。"),
        429: _l("请求过于频繁，请稍后再试。"),
        500: _l("系统出错，请稍后再试或联系管理员。"),
    }

    def handle(error):
        code = getattr(error, "code", 500) or 500
        if code == 500:
            db.session.rollback()
        message = messages.get(code, messages[400])
        return render_template("error.html", code=code, message=message), code

    for code in messages:
        app.register_error_handler(code, handle)

    @app.errorhandler(sa_exc.OperationalError)
    def database_busy(error):
        """SQLite's write lock held past the busy timeout (a large roster import's last seconds):
        say so and let the browser retry, rather than fail as a system error."""
        db.session.rollback()
        if "locked" not in str(error.orig) and "busy" not in str(error.orig):
            app.logger.error("database error", exc_info=error)
            return render_template("error.html", code=500, message=messages[500]), 500
        message = _l("系统正忙（正在写入大量数据，例如导入大型名册），"
                     "请等几秒钟后返回上一页重新提交。")
        response = app.make_response((render_template("error.html", code=503, message=message),
                                      503))
        response.headers["Retry-After"] = "10"
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        message = _l("表单已过期或来源不明，请刷新页面后重新提交。")
        return render_template("error.html", code=400, message=message), 400


def _register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["mask_name"] = privacy.mask_name
    app.jinja_env.filters["datetime"] = lambda value: format_datetime(value, "yyyy-MM-dd HH:mm")
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or "zh")
    app.jinja_env.globals["labels"] = Labels

    @app.context_processor
    def demo_flag():
        from survey.demo.district import is_loaded

        return {"demo_data": is_loaded()}


def _security_headers(response):
    # Everything is served by the app itself: nothing from elsewhere may load.
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
        " object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.endpoint and request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
    return response
