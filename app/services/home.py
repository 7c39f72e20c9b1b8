"""The figures of the home page, per role: each block reads through the user's scope and reuses the
services of its area (activities, evaluation, survey, adoption, training) rather than counting anew."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased

from app.domain.predikat import Predikat
from app.domain.training import REQUIRED_JP_PER_YEAR
from app.domain.workdays import week_start
from app.extensions import db
from app.models import Employee, Position, Unit
from app.models.activity import DailyActivity
from app.models.evaluation import Evaluation, Feedback
from app.models.planning import Period, WorkPlan
from app.models.survey import SurveyMonthTotal
from app.security.scope import UserScope, read_filter, scoped_select
from app.services import activity as activities
from app.services import adoption, survey, survey_totals, training

FEEDBACK_SHOWN = 5
IKM_UNITS_SHOWN = 10


@dataclass
class EmployeeHome:
    today: list[DailyActivity]
    progress: list  # activities.ResultTotal per RHK of the running period
    feedback: list[Feedback]
    jp_this_year: Decimal
    jp_required: int = REQUIRED_JP_PER_YEAR


@dataclass
class EvaluatorHome:
    activities_waiting: int
    plans_waiting: int
    evaluations_open: int
    team: list[dict] = field(default_factory=list)


@dataclass
class LeaderHome:
    agencies: list[dict]
    predikat: list[tuple[str, int]]
    predikat_year: int | None  # the newest performance year with rated annual evaluations in scope
    ikm_units: list[dict]
    adoption: list
    compliance: list


def running_period() -> Period | None:
    return db.session.scalar(select(Period).where(Period.status == "running").order_by(Period.year.desc()))


def employee_home(employee_id: int, day: dt.date) -> EmployeeHome:
    period = running_period()
    start = period.start_date if period else dt.date(day.year, 1, 1)
    _, progress = activities.own_summary(employee_id, start, day)
    today = list(db.session.scalars(select(DailyActivity).where(
        DailyActivity.employee_id == employee_id, DailyActivity.activity_date == day)
        .order_by(DailyActivity.start_time)))
    feedback = list(db.session.scalars(
        select(Feedback).join(Evaluation, Feedback.evaluation_id == Evaluation.id)
        .where(Evaluation.employee_id == employee_id).order_by(Feedback.created_at.desc()).limit(FEEDBACK_SHOWN)))
    jp = training.jp_totals([employee_id], day.year).get(employee_id, Decimal(0))
    return EmployeeHome(today, progress, feedback, jp)


def evaluator_home(scope: UserScope, day: dt.date) -> EvaluatorHome:
    """The evaluator's queue (as /activity/queue counts it) and this week's reporting of each subordinate."""
    me, position = scope.employee_id, scope.supervised_position_id
    waiting = db.session.scalar(select(func.count()).select_from(DailyActivity).where(
        DailyActivity.evaluator_id == me, DailyActivity.status == "submitted"))
    plans = db.session.scalar(select(func.count()).select_from(WorkPlan).where(
        WorkPlan.evaluator_id == me, WorkPlan.status == "submitted"))
    open_evaluations = db.session.scalar(select(func.count()).select_from(Evaluation).where(
        Evaluation.evaluator_id == me, Evaluation.status == "draft"))
    monday = week_start(day)
    reported = (select(func.count()).where(DailyActivity.employee_id == Employee.id,
                                           DailyActivity.activity_date.between(monday, day),
                                           DailyActivity.status != "draft").scalar_subquery())
    approved = (select(func.count()).where(DailyActivity.employee_id == Employee.id,
                                           DailyActivity.activity_date.between(monday, day),
                                           DailyActivity.status == "approved").scalar_subquery())
    team = db.session.execute(
        select(Employee.id, Employee.name, reported.label("reported"), approved.label("approved"))
        .join(Position, Employee.position_id == Position.id)
        .where(Position.parent_id == position, Employee.active.is_(True)).order_by(Employee.name)).all()
    return EvaluatorHome(waiting, plans, open_evaluations,
                         [{"id": r.id, "name": r.name, "reported": r.reported, "approved": r.approved} for r in team])


def _newest_annual_predikat() -> tuple[int | None, dict[int, int]]:
    """The employees per predikat of the newest performance year whose annual evaluations are rated, within the
    scope; a correction counts instead of what it corrects. One year only: an employee is evaluated once a
    year, and counting every year counted them once per year."""
    newer = aliased(Evaluation)
    rows = db.session.execute(
        scoped_select(Evaluation, Evaluation.period_id, Evaluation.predikat, func.count())
        .where(Evaluation.kind == "ANNUAL", Evaluation.predikat.is_not(None),
               ~exists().where(newer.previous_id == Evaluation.id))
        .group_by(Evaluation.period_id, Evaluation.predikat)).all()
    if not rows:
        return None, {}
    year_of = dict(db.session.execute(
        select(Period.id, Period.year).where(Period.id.in_({row[0] for row in rows}))).all())
    newest = max(year_of.values())
    return newest, {predikat: count for period_id, predikat, count in rows if year_of[period_id] == newest}


def leader_home(scope: UserScope, day: dt.date) -> LeaderHome:
    """The government-wide picture within the scope: achievement per agency, predikat distribution,
    IKM per unit this year, adoption and 20-JP compliance."""
    predikat_year, predikat_rows = _newest_annual_predikat()
    responses = read_filter(SurveyMonthTotal, scope)
    per_unit = survey_totals.month_tallies(SurveyMonthTotal.unit_id, dt.date(day.year, 1, 1),
                                           dt.date(day.year, 12, 31), *([responses] if responses is not None else []))
    unit_names = dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(per_unit))).all())
    ikm_units = []
    for unit_id, counted in per_unit.items():
        figures = survey.IkmFigures.of(counted)
        if figures.value is not None:
            ikm_units.append({"id": unit_id, "name": unit_names.get(unit_id, "-"), "value": figures.value,
                              "grade": figures.grade.letter, "respondents": figures.respondents})
    ikm_units.sort(key=lambda row: row["value"])
    return LeaderHome(
        agencies=[{"id": row["id"], "name": row["name"], "value": row["achievement"]}
                  for row in activities.realisation_by_unit()["agencies"]],
        predikat=[(predikat.label, predikat_rows.get(predikat.value, 0)) for predikat in Predikat],
        predikat_year=predikat_year,
        ikm_units=ikm_units[:IKM_UNITS_SHOWN],
        adoption=adoption.adoption_by_agency(day),
        compliance=training.compliance_by_agency(day.year))
