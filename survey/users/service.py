"""Create, change and disable accounts (admin only; there is no self sign-up)."""

import sqlalchemy as sa

from survey.auth.service import change_password, hash_password
from survey.extensions import db
from survey.models import Area, AuditEvent, Program, Role, User


class UsernameTaken(ValueError):
    pass


def towns() -> list[Area]:
    query = sa.select(Area).where(Area.parent_id.is_(None)).order_by(Area.name)
    return list(db.session.scalars(query))


def _audit(by: User | None, action: str, user: User, **detail) -> None:
    db.session.add(AuditEvent(
        user_id=by.id if by else None, action=action, object_type="user", object_id=user.id,
        detail=detail,
    ))


def create_user(
    *, username: str, display_name: str, role: Role, password: str, by: User | None = None,
    home_town_id: int | None = None, program_ids=(), town_ids=(),
) -> User:
    """Create an account; raise UsernameTaken if the name (case-insensitively) exists."""
    name = username.strip()
    exists = sa.select(User.id).where(sa.func.lower(User.username) == name.lower())
    if db.session.scalar(exists) is not None:
        raise UsernameTaken(name)
    user = User(
        username=name, display_name=display_name.strip(), role=Role(role),
        password_hash=hash_password(password), home_town_id=home_town_id,
    )
    _set_scope(user, program_ids, town_ids)
    db.session.add(user)
    db.session.flush()
    _audit(by, "user.create", user, role=user.role.value)
    db.session.commit()
    return user


def _set_scope(user: User, program_ids, town_ids) -> None:
    ids = [int(i) for i in program_ids]
    user.programs = list(db.session.scalars(sa.select(Program).where(Program.id.in_(ids))))
    ids = [int(i) for i in town_ids]
    user.towns = list(db.session.scalars(sa.select(Area).where(Area.id.in_(ids))))


def update_user(user: User, *, by: User, display_name: str, role: Role,
                home_town_id: int | None, program_ids=(), town_ids=()) -> None:
    """Change role and scope; a change of role ends the user's sessions."""
    if user.role != Role(role):
        user.session_generation += 1
    user.display_name = display_name.strip()
    user.role = Role(role)
    user.home_town_id = home_town_id
    _set_scope(user, program_ids, town_ids)
    _audit(by, "user.update", user, role=user.role.value)
    db.session.commit()


def set_active(user: User, active: bool, *, by: User) -> None:
    """Enable or disable an account; disabling ends every session at once."""
    if user.id == by.id and not active:
        raise ValueError("cannot disable yourself")
    user.active = active
    user.session_generation += 1
    _audit(by, "user.enable" if active else "user.disable", user)
    db.session.commit()


def reset_password(user: User, password: str, *, by: User) -> None:
    change_password(user, password, by=by)
