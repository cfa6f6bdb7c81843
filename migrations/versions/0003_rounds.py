"""rounds: the round's plan and attempt rules, frozen draw facts, reserve releases

Revision ID: 0003_rounds
Revises: 0002_questionnaires
Create Date: 2026-11-28 16:17:38.912043

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_rounds'
down_revision = '0002_questionnaires'
branch_labels = None
depends_on = None

# Enum columns are VARCHAR(24) with a CHECK, as survey.models.base.enum_type makes them.
ENUMS = {
    'start_mode': ('round_start_mode', ('phone', 'field', 'web'), 'phone'),
    'design': ('sample_design', ('simple_random', 'stratified', 'systematic', 'pps'),
               'simple_random'),
    'allocation': ('allocation', ('proportional', 'neyman', 'equal'), 'proportional'),
    'size_basis': ('size_basis', ('fixed', 'program', 'town'), 'fixed'),
    'coordination': ('coordination', ('none', 'avoid', 'panel'), 'none'),
}
ROUND_CHECKS = {
    'margin': 'target_margin > 0 AND target_margin < 0.5',
    'level': 'confidence_level >= 0.8 AND confidence_level < 1',
    'anticipated_p': 'anticipated_p > 0 AND anticipated_p < 1',
    'deff': 'design_effect > 0 AND design_effect <= 10',
    'response_rate': 'response_rate > 0 AND response_rate <= 1',
    'reserves': 'reserve_percent >= 0 AND reserve_percent <= 200',
    'minimum': 'minimum_per_stratum IS NULL OR minimum_per_stratum >= 1',
    'coordination_rounds': 'coordination_rounds >= 1',
    'max_attempts': 'max_attempts >= 1 AND max_attempts <= 30',
    'window': 'fieldwork_end IS NULL OR fieldwork_start IS NULL OR fieldwork_end >= fieldwork_start',
}


def _upgrade_round():
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calling_from', sa.Time(), nullable=False,
                                      server_default='09:00:00'))
        batch_op.add_column(sa.Column('calling_to', sa.Time(), nullable=False,
                                      server_default='20:00:00'))
        batch_op.add_column(sa.Column('modes', sa.JSON(), nullable=False,
                                      server_default='["phone"]'))
        for column, (_name, _values, default) in ENUMS.items():
            if column == 'size_basis':
                batch_op.add_column(sa.Column('minimum_per_stratum', sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column(column, sa.String(length=24), nullable=False,
                                          server_default=default))
        for column, default in (('target_margin', '0.05'), ('confidence_level', '0.95'),
                                ('anticipated_p', '0.5')):
            batch_op.add_column(sa.Column(column, sa.Double(), nullable=False,
                                          server_default=default))
        batch_op.add_column(sa.Column('anticipated_by_town', sa.JSON(), nullable=False,
                                      server_default='{}'))
        batch_op.add_column(sa.Column('design_effect', sa.Double(), nullable=False,
                                      server_default='1.0'))
        batch_op.add_column(sa.Column('response_rate', sa.Double(), nullable=False,
                                      server_default='1.0'))
        batch_op.add_column(sa.Column('reserve_percent', sa.Integer(), nullable=False,
                                      server_default='20'))
        batch_op.add_column(sa.Column('coordination_rounds', sa.Integer(), nullable=False,
                                      server_default='1'))
        batch_op.add_column(sa.Column('max_attempts', sa.Integer(), nullable=False,
                                      server_default='5'))
        batch_op.add_column(sa.Column('replace_on', sa.JSON(), nullable=False,
                                      server_default='["2.11", "3.90", "limit"]'))
        for column, (name, values, _default) in ENUMS.items():
            allowed = ', '.join(f"'{v}'" for v in values)
            batch_op.create_check_constraint(batch_op.f(f'ck_round_{name}'), f'{column} IN ({allowed})')
        for name, condition in ROUND_CHECKS.items():
            batch_op.create_check_constraint(batch_op.f(f'ck_round_{name}'), condition)


def _backfill_draws():
    """Draws made before this revision kept the round's seed in params; copy it out."""
    bind = op.get_bind()
    draw = sa.table('sample_draw', sa.column('id', sa.Integer), sa.column('params', sa.JSON),
                    sa.column('round_seed', sa.BigInteger),
                    sa.column('roster_fingerprint', sa.String),
                    sa.column('roster_version_id', sa.Integer))
    version = sa.table('roster_version', sa.column('id', sa.Integer),
                       sa.column('fingerprint', sa.String))
    rows = bind.execute(sa.select(draw.c.id, draw.c.params, version.c.fingerprint)
                        .join(version, version.c.id == draw.c.roster_version_id)).all()
    for id_, params, fingerprint in rows:
        seed = int((params or {}).get('round_seed', 0))
        bind.execute(sa.update(draw).where(draw.c.id == id_)
                     .values(round_seed=seed, roster_fingerprint=fingerprint))


def upgrade():
    _upgrade_round()
    with op.batch_alter_table('round_program', schema=None) as batch_op:
        batch_op.alter_column('sample_size', existing_type=sa.INTEGER(), nullable=True)
        batch_op.drop_constraint(batch_op.f('ck_round_program_sample_size_positive'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_round_program_sample_size_positive'),
                                         'sample_size IS NULL OR sample_size > 0')

    with op.batch_alter_table('sample_draw', schema=None) as batch_op:
        batch_op.add_column(sa.Column('roster_fingerprint', sa.String(length=64), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('round_seed', sa.BigInteger(), nullable=False,
                                      server_default='0'))
    _backfill_draws()

    with op.batch_alter_table('sample_unit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('released_at', sa.DateTime(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_sample_unit_draw_id_stratum_reserve_order'), ['draw_id', 'stratum', 'reserve_order'])
        batch_op.create_unique_constraint(batch_op.f('uq_sample_unit_replaces_id'), ['replaces_id'])
        batch_op.create_check_constraint(batch_op.f('ck_sample_unit_reserve_order'),
                                         'reserve_order IS NULL OR reserve_order >= 1')
        batch_op.create_check_constraint(batch_op.f('ck_sample_unit_only_reserves_replace'),
                                         'replaces_id IS NULL OR reserve_order IS NOT NULL')


def downgrade():
    with op.batch_alter_table('sample_unit', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_sample_unit_only_reserves_replace'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_sample_unit_reserve_order'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_sample_unit_replaces_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_sample_unit_draw_id_stratum_reserve_order'), type_='unique')
        batch_op.drop_column('released_at')

    with op.batch_alter_table('sample_draw', schema=None) as batch_op:
        batch_op.drop_column('round_seed')
        batch_op.drop_column('roster_fingerprint')

    with op.batch_alter_table('round_program', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_round_program_sample_size_positive'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_round_program_sample_size_positive'),
                                         'sample_size > 0')
        batch_op.alter_column('sample_size', existing_type=sa.INTEGER(), nullable=False)

    with op.batch_alter_table('round', schema=None) as batch_op:
        for name in ROUND_CHECKS:
            batch_op.drop_constraint(batch_op.f(f'ck_round_{name}'), type_='check')
        for name, _values, _default in ENUMS.values():
            batch_op.drop_constraint(batch_op.f(f'ck_round_{name}'), type_='check')
        for column in ('replace_on', 'max_attempts', 'coordination_rounds', 'reserve_percent',
                       'response_rate', 'design_effect', 'anticipated_by_town', 'anticipated_p',
                       'confidence_level', 'target_margin', 'minimum_per_stratum',
                       *ENUMS, 'modes', 'calling_to', 'calling_from'):
            batch_op.drop_column(column)
