"""Who may see what: role checks for views and the scope of a viewer."""

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from survey.models import Program, Role, User


def role_required(*roles: Role) -> Callable:
    """Let a view through only for logged-in users holding one of ``roles``."""

    def decorate(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate


OFFICE = (Role.ADMIN, Role.SUPERVISOR)
READERS = (Role.ADMIN, Role.SUPERVISOR, Role.VIEWER)


def program_ids_in_scope(user: User) -> set[int] | None:
    """The programs a user may read, or None for all of them."""
    if user.role is Role.VIEWER and user.programs:
        return {p.id for p in user.programs}
    return None


def town_ids_in_scope(user: User) -> set[int] | None:
    """The towns a user may read, or None for all of them."""
    if user.role is Role.VIEWER and user.towns:
        return {t.id for t in user.towns}
    return None


def may_read_program(user: User, program: Program) -> bool:
    if program.sensitive and user.role is Role.VIEWER:
        return False
    scope = program_ids_in_scope(user)
    return scope is None or program.id in scope
