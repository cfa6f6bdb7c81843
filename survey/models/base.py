"""Declarative base, naming convention and column helpers shared by every model."""

import enum
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase

# Named constraints let Alembic's batch mode alter SQLite tables and keep migrations portable.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """Now in UTC, naive: every timestamp is stored in UTC and shown in Asia/Shanghai."""
    return datetime.now(UTC).replace(tzinfo=None)


def enum_type(enum_class: type[enum.Enum], name: str) -> sa.Enum:
    """A portable enum: a VARCHAR with a CHECK constraint, the same on SQLite and PostgreSQL."""
    return sa.Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=24,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Digest(sa.TypeDecorator):
    """A SHA-256 or HMAC-SHA256 value: 32 bytes in the database, hex text in Python.

    Stored as bytes, the hashes that match people and entries take half the room of hex text, and
    PostgreSQL compares and sorts them byte by byte instead of through a text collation. The
    roster import writes the bytes directly; the ORM, the frame keys and the templates keep
    seeing the same hex strings as before. Byte order and hex order sort alike.
    """

    impl = sa.LargeBinary
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return bytes.fromhex(value) if isinstance(value, str) else value

    def process_result_value(self, value, dialect):
        return value.hex() if value is not None else None
