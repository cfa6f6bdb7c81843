"""questionnaires: sections, phone scripts, number ranges, scale types, role CHECKs

Existing questions are moved into sections: each run of general or per-program questions of a
version becomes one section, in order, so a version asks exactly what it asked before.

Revision ID: 0002_questionnaires
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0002_questionnaires'
down_revision = '0001'
branch_labels = None
depends_on = None

OLD_ROLES = ('identity', 'awareness', 'received', 'delivery', 'satisfaction', 'reason', 'other')
NEW_ROLES = ('identity', 'awareness', 'received', 'delivery', 'amount', 'satisfaction', 'reason',
             'other')
OLD_TYPES = ('single', 'multiple', 'yes_no', 'number', 'date', 'text', 'long_text')
NEW_TYPES = ('single', 'multiple', 'satisfaction', 'awareness', 'yes_no', 'number', 'date', 'text',
             'long_text')
ROLE_TYPES = {'awareness': 'awareness', 'satisfaction': 'satisfaction', 'received': 'yes_no',
              'delivery': 'single', 'amount': 'number'}


def _in(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _move_questions_into_sections():
    conn = op.get_bind()
    section = sa.table('question_section', sa.column('id', sa.Integer),
                       sa.column('version_id', sa.Integer), sa.column('position', sa.Integer),
                       sa.column('code', sa.String), sa.column('title_zh', sa.String),
                       sa.column('title_en', sa.String), sa.column('per_program', sa.Boolean))
    question = sa.table('question', sa.column('id', sa.Integer), sa.column('version_id', sa.Integer),
                        sa.column('position', sa.Integer), sa.column('per_program', sa.Boolean),
                        sa.column('section_id', sa.Integer))
    rows = conn.execute(sa.select(question.c.id, question.c.version_id, question.c.per_program)
                        .order_by(question.c.version_id, question.c.position)).all()
    current = {}  # version id -> (section id, per_program, sections so far)
    for question_id, version_id, per_program in rows:
        last = current.get(version_id)
        if last is None or last[1] != bool(per_program):
            count = (last[2] if last else 0) + 1
            title = ('每个项目分别询问', 'Asked for each program') if per_program else \
                ('一般问题', 'General questions')
            section_id = conn.execute(section.insert().values(
                version_id=version_id, position=count, code=f's{count}', title_zh=title[0],
                title_en=title[1], per_program=bool(per_program)
            ).returning(section.c.id)).scalar_one()
            last = current[version_id] = (section_id, bool(per_program), count)
        conn.execute(question.update().where(question.c.id == question_id)
                     .values(section_id=last[0]))


# SQLite's foreign keys are switched off around the whole run by migrations/env.py, so batch
# rebuilds can drop tables that other rows refer to; env.py checks them afterwards.


def upgrade():
    op.create_table('question_section',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('title_zh', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('per_program', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['questionnaire_version.id'], name=op.f('fk_question_section_version_id_questionnaire_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_section')),
    sa.UniqueConstraint('id', 'version_id', name=op.f('uq_question_section_id_version_id')),
    sa.UniqueConstraint('version_id', 'code', name=op.f('uq_question_section_version_id_code')),
    sa.UniqueConstraint('version_id', 'position', name=op.f('uq_question_section_version_id_position'))
    )
    with op.batch_alter_table('question_section', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_section_version_id'), ['version_id'], unique=False)

    with op.batch_alter_table('questionnaire', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audience', sa.Enum('roster', 'public', name='questionnaire_audience', native_enum=False, create_constraint=True, length=24), nullable=False, server_default='roster'))
    with op.batch_alter_table('questionnaire', schema=None) as batch_op:
        batch_op.alter_column('audience', server_default=None)

    with op.batch_alter_table('questionnaire_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('note', sa.String(length=200), nullable=False, server_default=''))
        batch_op.create_foreign_key(batch_op.f('fk_questionnaire_version_created_by_id_user_account'), 'user_account', ['created_by_id'], ['id'])
        batch_op.create_check_constraint(op.f('ck_questionnaire_version_number_positive'), 'number > 0')
    with op.batch_alter_table('questionnaire_version', schema=None) as batch_op:
        batch_op.alter_column('note', server_default=None)

    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('section_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('script_zh', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('script_en', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('min_value', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('max_value', sa.Double(), nullable=True))

    _move_questions_into_sections()

    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.alter_column('section_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('script_zh', server_default=None)
        batch_op.alter_column('script_en', server_default=None)
        batch_op.create_index(batch_op.f('ix_question_section_id'), ['section_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_question_section_id_question_section'), 'question_section', ['section_id', 'version_id'], ['id', 'version_id'])
        batch_op.drop_column('per_program')
        batch_op.drop_constraint(op.f('ck_question_question_role'), type_='check')
        batch_op.drop_constraint(op.f('ck_question_question_type'), type_='check')
        batch_op.create_check_constraint(op.f('ck_question_question_role'), _in('role', NEW_ROLES))
        batch_op.create_check_constraint(op.f('ck_question_question_type'), _in('type', NEW_TYPES))

    # The scale roles now have their own types, with the same fixed codes as before.
    for role, kind in ROLE_TYPES.items():
        op.execute(sa.text('UPDATE question SET type = :kind WHERE role = :role')
                   .bindparams(kind=kind, role=role))

    with op.batch_alter_table('question', schema=None) as batch_op:
        for role, kind in ROLE_TYPES.items():
            batch_op.create_check_constraint(op.f(f'ck_question_{role}_type'),
                                             f"role <> '{role}' OR type = '{kind}'")
        batch_op.create_check_constraint(op.f('ck_question_range_on_numbers'),
                                         "type = 'number' OR (min_value IS NULL AND max_value IS NULL)")
        batch_op.create_check_constraint(op.f('ck_question_range_ordered'),
                                         "min_value IS NULL OR max_value IS NULL OR min_value <= max_value")

    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_answer_answer_role'), type_='check')
        batch_op.create_check_constraint(op.f('ck_answer_answer_role'), _in('role', NEW_ROLES))


def downgrade():
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_answer_answer_role'), type_='check')
        batch_op.create_check_constraint(op.f('ck_answer_answer_role'), _in('role', OLD_ROLES))

    with op.batch_alter_table('question', schema=None) as batch_op:
        for name in ('range_ordered', 'range_on_numbers', *(f'{r}_type' for r in ROLE_TYPES),
                     'question_type', 'question_role'):
            batch_op.drop_constraint(op.f(f'ck_question_{name}'), type_='check')
    op.execute(sa.text("UPDATE question SET type = 'single' WHERE type IN ('awareness', 'satisfaction') "
                       "OR role = 'received'"))
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_question_question_role'), _in('role', OLD_ROLES))
        batch_op.create_check_constraint(op.f('ck_question_question_type'), _in('type', OLD_TYPES))
        batch_op.add_column(sa.Column('per_program', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.drop_constraint(batch_op.f('fk_question_section_id_question_section'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_question_section_id'))
        batch_op.drop_column('max_value')
        batch_op.drop_column('min_value')
        batch_op.drop_column('script_en')
        batch_op.drop_column('script_zh')

    conn = op.get_bind()
    conn.execute(sa.text('UPDATE question SET per_program = (SELECT per_program FROM question_section '
                         'WHERE question_section.id = question.section_id)'))
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_column('section_id')
        batch_op.alter_column('per_program', server_default=None)

    with op.batch_alter_table('questionnaire_version', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_questionnaire_version_number_positive'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_questionnaire_version_created_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('note')
        batch_op.drop_column('created_by_id')

    with op.batch_alter_table('questionnaire', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_questionnaire_questionnaire_audience'), type_='check')
        batch_op.drop_column('audience')

    with op.batch_alter_table('question_section', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_section_version_id'))

    op.drop_table('question_section')
