"""person.id_hash: a unique index instead of a unique constraint, so bulk imports can rebuild it.

Revision ID: 0005_person_hash_index
Revises: 0004_rosters
Create Date: 2026-11-28 19:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "0005_person_hash_index"
down_revision = "0004_rosters"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_person_id_hash"), type_="unique")
        batch_op.create_index("ix_person_id_hash", ["id_hash"], unique=True)


def downgrade():
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index("ix_person_id_hash")
        batch_op.create_unique_constraint(batch_op.f("uq_person_id_hash"), ["id_hash"])
