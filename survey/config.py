"""Settings read from the environment and from ``instance/keys.json``.

Secrets (the session key and the two personal-data keys) never live in the database. For the demo
they are generated into ``instance/keys.json`` by ``flask --app wsgi setup``; in production set
them in the environment (see README, "Configuration").
"""

import json
import os
from pathlib import Path

KEY_NAMES = ("SECRET_KEY", "PII_HASH_KEY", "PII_ENCRYPTION_KEY", "PRN_SECRET")


def _database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "survey.sqlite")
    # psycopg 3 is the driver; accept the usual postgres:// spellings.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def keys_file(instance_path: str) -> Path:
    return Path(instance_path) / "keys.json"


def load_settings(instance_path: str) -> dict:
    """Return the configuration mapping for an app whose instance folder is ``instance_path``."""
    settings = {
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BABEL_DEFAULT_LOCALE": "zh",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "LANGUAGES": ("zh", "en"),
        # The CSRF token lives as long as the login: an interview may take an hour.
        "WTF_CSRF_TIME_LIMIT": None,
        "PERMANENT_SESSION_LIFETIME": int(os.environ.get("SESSION_HOURS", "12")) * 3600,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "0") == "1",
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_MB", "50")) * 1024 * 1024,
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_WINDOW_SECONDS": 15 * 60,
        "PASSWORD_HASH_METHOD": "scrypt",
        "REDIS_URL": os.environ.get("REDIS_URL"),
        # Processes that read a large CSV roster (the importing one included), at most the cores.
        "ROSTER_WORKERS": int(os.environ.get("ROSTER_WORKERS", "2")),
    }
    path = keys_file(instance_path)
    if path.exists():
        settings.update(json.loads(path.read_text()))
    for name in KEY_NAMES:
        if os.environ.get(name):
            settings[name] = os.environ[name]
    return settings
