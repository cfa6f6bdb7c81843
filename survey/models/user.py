"""Accounts, their scope, and the login throttle's memory."""

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.models.area import Area
from survey.models.base import Base, enum_type, utcnow
from survey.models.program import Program


class Role(enum.StrEnum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    SURVEYOR = "surveyor"
    VIEWER = "viewer"


user_program = sa.Table(
    "user_program",
    Base.metadata,
    sa.Column("user_id", sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("program_id", sa.ForeignKey("program.id", ondelete="CASCADE"), primary_key=True),
)

user_town = sa.Table(
    "user_town",
    Base.metadata,
    sa.Column("user_id", sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("area_id", sa.ForeignKey("area.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(40), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(40))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role, "user_role"))
    active: Mapped[bool] = mapped_column(default=True)
    #: Bumped on a password change or when the user is disabled: every older session ends.
    session_generation: Mapped[int] = mapped_column(default=1)
    #: A surveyor's home town: the cross-area rule (异地交叉) keeps its people from them.
    home_town_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    #: A viewer limited to some programs (a department); empty means every program.
    programs: Mapped[list[Program]] = relationship(secondary=user_program)
    #: A viewer limited to some towns; empty means every town.
    towns: Mapped[list[Area]] = relationship(secondary=user_town)
    home_town: Mapped[Area | None] = relationship(foreign_keys=[home_town_id])

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        # The generation rides in the session: a bumped generation no longer loads the user.
        return f"{self.id}:{self.session_generation}"

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class LoginAttempt(Base):
    """A failed login, kept in the database so that every worker counts the same failures."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The username as typed, lower-cased; an unknown name is throttled like a known one.
    username: Mapped[str] = mapped_column(sa.String(80), index=True)
    remote_addr: Mapped[str] = mapped_column(sa.String(64), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
