"""roster_entry: no indexes on person_id and town_id alone.

Every lookup of entries names the program and goes through (program_id, first_version,
last_version) or (program_id, person_id); counts by town are counts within a version; people and
areas are never deleted (the only use of an index on a foreign key's own column). The two
indexes only cost every import their upkeep: on SQLite some 1 of 6 microseconds of writing an
entry, on PostgreSQL 1.5 seconds of rebuilding per million entries.

Revision ID: 0007_entry_indexes
Revises: 0006_binary_digests
Create Date: 2026-12-01 12:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "0007_entry_indexes"
down_revision = "0006_binary_digests"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("roster_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_roster_entry_person_id")
        batch_op.drop_index("ix_roster_entry_town_id")


def downgrade():
    with op.batch_alter_table("roster_entry", schema=None) as batch_op:
        batch_op.create_index("ix_roster_entry_town_id", ["town_id"], unique=False)
        batch_op.create_index("ix_roster_entry_person_id", ["person_id"], unique=False)
