"""Performance planning: periods, agency indicators (IKU), realisations and ratings, work plans (SKP)
with results (RHK), result indicators (IKI) and behaviour expectations.

Revision ID: 0002_planning
Revises: 0001_foundation
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002_planning'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('year')
    )
    op.create_table('agency_period_setting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('evaluation_window', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], ),
    sa.ForeignKeyConstraint(['period_id'], ['period.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('agency_id', 'period_id', name='uq_agency_period_setting')
    )
    with op.batch_alter_table('agency_period_setting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_period_setting_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agency_period_setting_period_id'), ['period_id'], unique=False)

    op.create_table('organization_indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('unit_of_measure', sa.String(length=40), nullable=False),
    sa.Column('direction', sa.String(length=20), nullable=False),
    sa.Column('baseline', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('target', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('range_low', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('range_high', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], ),
    sa.ForeignKeyConstraint(['period_id'], ['period.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('organization_indicator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organization_indicator_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index('ix_organization_indicator_agency_period', ['agency_id', 'period_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organization_indicator_period_id'), ['period_id'], unique=False)

    op.create_table('indicator_realisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('value', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('evidence_link', sa.String(length=500), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], ),
    sa.ForeignKeyConstraint(['indicator_id'], ['organization_indicator.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('indicator_id', 'quarter', name='uq_indicator_realisation_quarter')
    )
    with op.batch_alter_table('indicator_realisation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_realisation_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_indicator_realisation_indicator_id'), ['indicator_id'], unique=False)

    op.create_table('organization_rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('predikat', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], ),
    sa.ForeignKeyConstraint(['period_id'], ['period.id'], ),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('agency_id', 'period_id', name='uq_organization_rating_agency_period')
    )
    with op.batch_alter_table('organization_rating', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organization_rating_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organization_rating_period_id'), ['period_id'], unique=False)

    op.create_table('work_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=True),
    sa.Column('evaluator_change_reason', sa.Text(), nullable=True),
    sa.Column('approach', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('return_note', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('previous_version_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('approved_by_user_id', sa.Integer(), nullable=True),
    sa.Column('resource_support', sa.Text(), nullable=True),
    sa.Column('accountability_scheme', sa.Text(), nullable=True),
    sa.Column('consequences', sa.Text(), nullable=True),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('evaluator_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], ),
    sa.ForeignKeyConstraint(['approved_by_user_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], ),
    sa.ForeignKeyConstraint(['evaluator_id'], ['employee.id'], ),
    sa.ForeignKeyConstraint(['period_id'], ['period.id'], ),
    sa.ForeignKeyConstraint(['position_id'], ['position.id'], ),
    sa.ForeignKeyConstraint(['previous_version_id'], ['work_plan.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('employee_id', 'period_id', 'version', name='uq_work_plan_employee_period_version')
    )
    with op.batch_alter_table('work_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_plan_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index('ix_work_plan_agency_period', ['agency_id', 'period_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_plan_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_plan_evaluator_id'), ['evaluator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_plan_period_id'), ['period_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_plan_status'), ['status'], unique=False)

    op.create_table('behaviour_expectation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('work_plan_id', sa.Integer(), nullable=False),
    sa.Column('core_value_id', sa.Integer(), nullable=False),
    sa.Column('leader_expectation', sa.Text(), nullable=True),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('evaluator_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], ),
    sa.ForeignKeyConstraint(['core_value_id'], ['core_value.id'], ),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], ),
    sa.ForeignKeyConstraint(['evaluator_id'], ['employee.id'], ),
    sa.ForeignKeyConstraint(['work_plan_id'], ['work_plan.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('work_plan_id', 'core_value_id', name='uq_behaviour_expectation_value')
    )
    with op.batch_alter_table('behaviour_expectation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_behaviour_expectation_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_behaviour_expectation_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_behaviour_expectation_evaluator_id'), ['evaluator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_behaviour_expectation_work_plan_id'), ['work_plan_id'], unique=False)

    op.create_table('work_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('work_plan_id', sa.Integer(), nullable=False),
    sa.Column('group', sa.String(length=10), nullable=False),
    sa.Column('order', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('supported_result_id', sa.Integer(), nullable=True),
    sa.Column('organization_indicator_id', sa.Integer(), nullable=True),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('evaluator_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], ),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], ),
    sa.ForeignKeyConstraint(['evaluator_id'], ['employee.id'], ),
    sa.ForeignKeyConstraint(['organization_indicator_id'], ['organization_indicator.id'], ),
    sa.ForeignKeyConstraint(['supported_result_id'], ['work_result.id'], ),
    sa.ForeignKeyConstraint(['work_plan_id'], ['work_plan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('work_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_result_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index('ix_work_result_agency_plan', ['agency_id', 'work_plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_result_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_result_evaluator_id'), ['evaluator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_result_organization_indicator_id'), ['organization_indicator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_result_supported_result_id'), ['supported_result_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_result_work_plan_id'), ['work_plan_id'], unique=False)

    op.create_table('result_indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('work_result_id', sa.Integer(), nullable=False),
    sa.Column('aspect', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('target_value', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('target_high', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('target_unit', sa.String(length=40), nullable=True),
    sa.Column('target_text', sa.Text(), nullable=True),
    sa.Column('direction', sa.String(length=20), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('evaluator_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], ),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], ),
    sa.ForeignKeyConstraint(['evaluator_id'], ['employee.id'], ),
    sa.ForeignKeyConstraint(['work_result_id'], ['work_result.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('result_indicator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_result_indicator_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_result_indicator_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_result_indicator_evaluator_id'), ['evaluator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_result_indicator_work_result_id'), ['work_result_id'], unique=False)



def downgrade():
    with op.batch_alter_table('result_indicator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_result_indicator_work_result_id'))
        batch_op.drop_index(batch_op.f('ix_result_indicator_evaluator_id'))
        batch_op.drop_index(batch_op.f('ix_result_indicator_employee_id'))
        batch_op.drop_index(batch_op.f('ix_result_indicator_agency_id'))

    op.drop_table('result_indicator')
    with op.batch_alter_table('work_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_result_work_plan_id'))
        batch_op.drop_index(batch_op.f('ix_work_result_supported_result_id'))
        batch_op.drop_index(batch_op.f('ix_work_result_organization_indicator_id'))
        batch_op.drop_index(batch_op.f('ix_work_result_evaluator_id'))
        batch_op.drop_index(batch_op.f('ix_work_result_employee_id'))
        batch_op.drop_index('ix_work_result_agency_plan')
        batch_op.drop_index(batch_op.f('ix_work_result_agency_id'))

    op.drop_table('work_result')
    with op.batch_alter_table('behaviour_expectation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_behaviour_expectation_work_plan_id'))
        batch_op.drop_index(batch_op.f('ix_behaviour_expectation_evaluator_id'))
        batch_op.drop_index(batch_op.f('ix_behaviour_expectation_employee_id'))
        batch_op.drop_index(batch_op.f('ix_behaviour_expectation_agency_id'))

    op.drop_table('behaviour_expectation')
    with op.batch_alter_table('work_plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_plan_status'))
        batch_op.drop_index(batch_op.f('ix_work_plan_period_id'))
        batch_op.drop_index(batch_op.f('ix_work_plan_evaluator_id'))
        batch_op.drop_index(batch_op.f('ix_work_plan_employee_id'))
        batch_op.drop_index('ix_work_plan_agency_period')
        batch_op.drop_index(batch_op.f('ix_work_plan_agency_id'))

    op.drop_table('work_plan')
    with op.batch_alter_table('organization_rating', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organization_rating_period_id'))
        batch_op.drop_index(batch_op.f('ix_organization_rating_agency_id'))

    op.drop_table('organization_rating')
    with op.batch_alter_table('indicator_realisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_realisation_indicator_id'))
        batch_op.drop_index(batch_op.f('ix_indicator_realisation_agency_id'))

    op.drop_table('indicator_realisation')
    with op.batch_alter_table('organization_indicator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organization_indicator_period_id'))
        batch_op.drop_index('ix_organization_indicator_agency_period')
        batch_op.drop_index(batch_op.f('ix_organization_indicator_agency_id'))

    op.drop_table('organization_indicator')
    with op.batch_alter_table('agency_period_setting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_period_setting_period_id'))
        batch_op.drop_index(batch_op.f('ix_agency_period_setting_agency_id'))

    op.drop_table('agency_period_setting')
    op.drop_table('period')
