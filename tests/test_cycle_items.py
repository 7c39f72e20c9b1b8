"""The cycle's open items (issue 23) are counted in a few SQL statements; this file checks them against the long
way — every employee, SKP, window and evaluation walked in Python, as the rules read — on a generated sample:
employees without an SKP, with a draft or submitted one, approved SKPs in several versions, evaluations of every
status in several versions, hand-offs, and an agency evaluating monthly. The sample is written inside one
transaction that is rolled back."""
import datetime as dt
import random
from collections import defaultdict

import pytest
from sqlalchemy import insert, select

from app.domain import cycle_deadlines as rules
from app.domain.cycle_deadlines import DeadlineKind, DeadlineState
from app.models import Employee
from app.models.cycle import EvaluationHandOff
from app.models.evaluation import Evaluation
from app.models.planning import AgencyPeriodSetting, Period, WorkPlan

DAYS = (dt.date(2026, 1, 27), dt.date(2026, 2, 10), dt.date(2026, 4, 15), dt.date(2026, 4, 21),
        dt.date(2026, 5, 14), dt.date(2026, 7, 20), dt.date(2026, 10, 26), dt.date(2027, 1, 22))
STATUSES = ("draft", "submitted", "acknowledged", "final")


def _long_way(day):
    """The open items of every state as the rules read them, one employee, SKP and window at a time (no SQL
    beyond reads)."""
    from app.extensions import db
    from app.services.cycle import OpenItem
    from app.services.cycle_calendar import calendar_of, deadlines_of
    from app.services.local_time import local_date

    items = set()
    for period in db.session.scalars(select(Period).where(Period.start_date <= day, Period.status != "closed")):
        deadlines, holidays = deadlines_of(period).as_rule(), calendar_of(period)

        def state(due_on):
            return rules.deadline_state(due_on, day, deadlines, holidays)

        plans = db.session.scalars(select(WorkPlan).where(WorkPlan.period_id == period.id)).all()
        plans_of = defaultdict(list)
        for plan in plans:
            plans_of[plan.employee_id].append(plan)
        for employee in db.session.scalars(select(Employee).where(Employee.active.is_(True))):
            own = sorted(plans_of[employee.id], key=lambda plan: (-plan.version, plan.id))
            if any(plan.status == "approved" for plan in own):
                continue
            newest = own[0] if own else None
            actor = newest.evaluator_id if newest is not None and newest.status == "submitted" else employee.id
            items.add(OpenItem(DeadlineKind.SKP, state(deadlines.skp_due), deadlines.skp_due, employee.agency_id,
                               employee.id, actor, newest.id if newest else 0))
        evaluations = defaultdict(list)
        for row in db.session.scalars(select(Evaluation).where(Evaluation.period_id == period.id)):
            evaluations[(row.employee_id, row.kind, row.window_start)].append(row)
        handed = set(db.session.scalars(select(EvaluationHandOff.evaluation_id)))
        monthly = set(db.session.scalars(select(AgencyPeriodSetting.agency_id).where(
            AgencyPeriodSetting.period_id == period.id, AgencyPeriodSetting.evaluation_window == "monthly")))
        approved = sorted((plan for plan in plans if plan.status == "approved"), key=lambda plan: (-plan.version, plan.id))
        newest_plans = {}
        for plan in approved:
            newest_plans.setdefault(plan.employee_id, plan)
        for plan in newest_plans.values():
            for kind in ("MONTHLY" if plan.agency_id in monthly else "QUARTERLY", "ANNUAL"):
                for start, end in rules.evaluation_windows(kind, period.start_date, period.end_date):
                    if end >= day:
                        continue
                    versions = sorted(evaluations[(plan.employee_id, kind, start)],
                                      key=lambda row: (-row.version, row.id))
                    evaluation = versions[0] if versions else None
                    status = evaluation.status if evaluation else "draft"
                    evaluator = evaluation.evaluator_id if evaluation else plan.evaluator_id
                    if status == "final":
                        continue
                    if status == "draft":
                        what, due, actor = DeadlineKind.EVALUATION, rules.evaluation_due(end, deadlines, holidays), evaluator
                    elif status == "submitted":
                        delivered = local_date(evaluation.submitted_at) or end
                        what, due, actor = DeadlineKind.RETURN, rules.return_due(delivered, deadlines, holidays), plan.employee_id
                    else:
                        what, due, actor = DeadlineKind.REPORT, rules.report_due(end, deadlines, holidays), evaluator
                    items.add(OpenItem(what, state(due), due, plan.agency_id, plan.employee_id, actor, plan.id,
                                       evaluation.id if evaluation else None, (start, end), kind,
                                       evaluation is not None and evaluation.id in handed))
    return items


def _generate_sample(session, seed):
    """Plans, evaluations and hand-offs of the 2026 period for the demo's employees (flushed, not committed)."""
    generator = random.Random(seed)
    period = session.scalar(select(Period).where(Period.year == 2026))
    employees = session.execute(select(Employee.id, Employee.agency_id).where(Employee.active.is_(True))
                                .order_by(Employee.id)).all()
    taken = {(row.employee_id, row.version) for row in session.execute(
        select(WorkPlan.employee_id, WorkPlan.version).where(WorkPlan.period_id == period.id))}
    evaluator = employees[0].id
    monthly_agency = employees[-1].agency_id
    if session.scalar(select(AgencyPeriodSetting.id).where(AgencyPeriodSetting.agency_id == monthly_agency,
                                                           AgencyPeriodSetting.period_id == period.id)) is None:
        session.execute(insert(AgencyPeriodSetting), [{"agency_id": monthly_agency, "period_id": period.id,
                                                        "evaluation_window": "monthly"}])
    session.execute(AgencyPeriodSetting.__table__.update().where(
        AgencyPeriodSetting.agency_id == monthly_agency, AgencyPeriodSetting.period_id == period.id)
        .values(evaluation_window="monthly"))
    for employee_id, agency in employees:
        for _ in range(generator.choice((0, 1, 1, 2))):
            version = max((v for e, v in taken if e == employee_id), default=0) + 1
            taken.add((employee_id, version))
            status = generator.choice(("draft", "submitted", "approved", "approved", "returned"))
            plan_id = session.execute(insert(WorkPlan).returning(WorkPlan.id), [{
                "period_id": period.id, "agency_id": agency, "employee_id": employee_id,
                "evaluator_id": generator.choice((evaluator, employees[1].id)), "approach": "QUANTITATIVE",
                "status": status, "version": version}]).scalar_one()
            if status != "approved":
                continue
            for kind in ("MONTHLY", "QUARTERLY", "ANNUAL"):
                for start, end in rules.evaluation_windows(kind, period.start_date, period.end_date):
                    for evaluation_version in range(1, generator.choice((1, 1, 2, 3)) + 1):
                        if generator.random() < 0.4:
                            continue
                        status = generator.choice(STATUSES)
                        evaluation_id = session.execute(insert(Evaluation).returning(Evaluation.id), [{
                            "work_plan_id": plan_id, "period_id": period.id, "agency_id": agency,
                            "employee_id": employee_id, "evaluator_id": evaluator, "kind": kind,
                            "window_start": start, "window_end": end, "status": status,
                            "version": evaluation_version,
                            "submitted_at": dt.datetime.combine(end + dt.timedelta(days=generator.randint(0, 30)),
                                                                dt.time(generator.randint(0, 23)))
                            if status != "draft" and generator.random() < 0.8 else None}]).scalar_one()
                        if generator.random() < 0.15:
                            session.execute(insert(EvaluationHandOff), [{
                                "evaluation_id": evaluation_id, "agency_id": agency, "from_evaluator_id": evaluator,
                                "to_evaluator_id": employees[1].id, "due_on": end, "handed_on": end,
                                "reason": "sample"}])
    session.flush()


@pytest.mark.parametrize("seed", (7, 23))
def test_open_items_match_the_long_way_on_a_generated_sample(app, seed):
    from app.extensions import db
    from app.services import cycle

    with app.app_context():
        try:
            _generate_sample(db.session, seed)
            kinds_seen = set()
            for day in DAYS:
                every_item = {item for item in _long_way(day) if item.kind in _SQL_KINDS}
                for states in ((DeadlineState.DUE_SOON, DeadlineState.OVERDUE), (DeadlineState.OVERDUE,),
                               (DeadlineState.DUE_SOON,)):
                    fast = cycle.open_items(day, states=states)
                    assert len(fast) == len(set(fast)), "an item counted twice"
                    expected = {item for item in every_item if item.state in states}
                    assert {item for item in fast if item.kind in _SQL_KINDS} == expected, (day, states)
                    kinds_seen |= {(item.kind, item.state, item.handed_off) for item in fast}
            # The sample reaches every kind of item, due soon and overdue, handed off or not.
            assert {kind for kind, _, _ in kinds_seen} >= _SQL_KINDS
            assert {state for _, state, _ in kinds_seen} == {DeadlineState.DUE_SOON, DeadlineState.OVERDUE}
            assert {handed for _, _, handed in kinds_seen} == {True, False}
        finally:
            db.session.rollback()


# The kinds the SKP and evaluation statements produce (objection decisions are counted by their own function).
_SQL_KINDS = {DeadlineKind.SKP, DeadlineKind.EVALUATION, DeadlineKind.RETURN, DeadlineKind.REPORT}
