"""Log in, throttle failures, change passwords, end sessions."""

from dataclasses import dataclass
from datetime import timedelta
from functools import cache

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from survey.extensions import db
from survey.models import AuditEvent, LoginAttempt, User, utcnow


@cache
def _dummy_hash() -> str:
    """Checked against when the user is unknown, so both answers take the same time."""
    return generate_password_hash("not a password", method="scrypt")


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    throttled: bool = False


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def _recent_failures(username: str, remote_addr: str) -> int:
    since = utcnow() - timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])
    by_name = sa.select(sa.func.count()).where(
        LoginAttempt.username == username, LoginAttempt.at >= since
    )
    by_addr = sa.select(sa.func.count()).where(
        LoginAttempt.remote_addr == remote_addr, LoginAttempt.at >= since
    )
    # An address gets more room than one name: an office may share one address behind NAT.
    return max(db.session.scalar(by_name), db.session.scalar(by_addr) // 4)


def authenticate(username: str, password: str, remote_addr: str) -> LoginResult:
    """Check a login; unknown user and wrong password give the same result."""
    name = username.strip().lower()
    if _recent_failures(name, remote_addr) >= current_app.config["LOGIN_MAX_FAILURES"]:
        return LoginResult(None, throttled=True)
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.username) == name))
    valid = check_password_hash(user.password_hash if user else _dummy_hash(), password)
    if user is None or not valid or not user.active:
        db.session.add(LoginAttempt(username=name, remote_addr=remote_addr))
        db.session.commit()
        return LoginResult(None)
    db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.username == name))
    db.session.commit()
    return LoginResult(user)


def change_password(user: User, new_password: str, *, by: User | None = None) -> None:
    """Set a new password and end every existing session of that user."""
    user.password_hash = hash_password(new_password)
    user.session_generation += 1
    db.session.add(AuditEvent(
        user_id=(by or user).id, action="user.password", object_type="user", object_id=user.id
    ))
    db.session.commit()
