"""Adoption of the system per agency — resistance to change is this field's biggest obstacle, so the
numbers that show it live here: who has signed in, who reports, who has an approved SKP, and who came
to an outreach event (sosialisasi) but still does not use the system."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import distinct, func, select

from app.domain.workdays import week_start
from app.extensions import db
from app.models import Agency, Employee, UserAccount
from app.models.activity import DailyActivity, OutreachAttendance
from app.models.performance import EmployeePerformanceTotal
from app.models.planning import Period, WorkPlan
from app.security.scope import scoped_select
from app.services.activity import last_working_days

RECENT_WORKING_DAYS = 5
REPORTED = ("submitted", "approved", "returned")


@dataclass(frozen=True)
class AgencyAdoption:
    agency: Agency
    employees: int
    signed_in: int
    reported_recently: int
    approved_plan: int

    @staticmethod
    def _share(part: int, whole: int) -> Decimal:
        return (Decimal(part) * 100 / whole).quantize(Decimal("0.1")) if whole else Decimal(0)

    @property
    def signed_in_share(self) -> Decimal:
        return self._share(self.signed_in, self.employees)

    @property
    def reporting_share(self) -> Decimal:
        return self._share(self.reported_recently, self.employees)

    @property
    def plan_share(self) -> Decimal:
        return self._share(self.approved_plan, self.employees)


@dataclass(frozen=True)
class NonAdopter:
    employee: Employee
    last_login: dt.datetime | None
    last_report: dt.date | None
    attended_outreach: bool


def recent_since(on: dt.date) -> dt.date:
    """The first of the last five working days up to ``on``: "reported recently" starts there."""
    return last_working_days(RECENT_WORKING_DAYS, on)[0]  # oldest first


def _per_agency(statement):
    return dict(db.session.execute(statement).all())


def adoption_by_agency(on: dt.date) -> list[AgencyAdoption]:
    """One row per agency in the user's scope, ``on`` being today; each figure is one grouped query, not a loop.
    Who reported recently: the agency's active employees whose last report is within the last five working
    days (the same people as its ``employees``)."""
    since = recent_since(on)
    agencies = db.session.scalars(scoped_select(Agency).order_by(Agency.name)).all()
    ids = [agency.id for agency in agencies]
    active = (Employee.active.is_(True), Employee.agency_id.in_(ids))
    employees = _per_agency(select(Employee.agency_id, func.count()).where(*active).group_by(Employee.agency_id))
    signed_in = _per_agency(
        select(Employee.agency_id, func.count(distinct(Employee.id)))
        .join(UserAccount, UserAccount.employee_id == Employee.id)
        .where(*active, UserAccount.last_login.is_not(None)).group_by(Employee.agency_id))
    # Each employee's last report is kept with their running totals (a report is never dated after today):
    # counting those spares a scan of every activity of the last days.
    reported = _per_agency(
        select(Employee.agency_id, func.count())
        .join(EmployeePerformanceTotal, EmployeePerformanceTotal.employee_id == Employee.id)
        .where(*active, EmployeePerformanceTotal.last_reported_on >= since).group_by(Employee.agency_id))
    planned = _per_agency(
        select(WorkPlan.agency_id, func.count(distinct(WorkPlan.employee_id)))
        .join(Period, WorkPlan.period_id == Period.id)
        .where(WorkPlan.agency_id.in_(ids), WorkPlan.status == "approved",
               Period.start_date <= on, Period.end_date >= on).group_by(WorkPlan.agency_id))
    return [AgencyAdoption(agency, employees.get(agency.id, 0), signed_in.get(agency.id, 0),
                           reported.get(agency.id, 0), planned.get(agency.id, 0)) for agency in agencies]


def weekly_trend(agency_id: int, on: dt.date, weeks: int = 8) -> list[tuple[dt.date, Decimal]]:
    """Share of the agency's active employees who reported in each of the last ``weeks`` weeks."""
    total = db.session.scalar(select(func.count()).select_from(Employee).where(
        Employee.agency_id == agency_id, Employee.active.is_(True))) or 0
    this_monday = week_start(on)
    first_monday = this_monday - dt.timedelta(weeks=weeks - 1)
    reporters: dict[dt.date, set[int]] = {first_monday + dt.timedelta(weeks=n): set() for n in range(weeks)}
    rows = db.session.execute(
        select(DailyActivity.activity_date, DailyActivity.employee_id).distinct()
        .where(DailyActivity.agency_id == agency_id, DailyActivity.status.in_(REPORTED),
               DailyActivity.activity_date.between(first_monday, on)))
    for day, employee_id in rows:
        reporters[week_start(day)].add(employee_id)
    return [(monday, AgencyAdoption._share(len(ids), total)) for monday, ids in sorted(reporters.items())]


def non_adopters(agency_id: int, on: dt.date) -> list[NonAdopter]:
    """Active employees of the agency (within scope) with no report in the last five working days,
    attendees of an outreach event first: they were shown the system and still do not use it."""
    since = recent_since(on)
    recent = select(DailyActivity.employee_id).where(
        DailyActivity.agency_id == agency_id, DailyActivity.activity_date.between(since, on),
        DailyActivity.status.in_(REPORTED))
    attended = set(db.session.scalars(select(OutreachAttendance.employee_id).where(
        OutreachAttendance.agency_id == agency_id)))
    last_report = dict(db.session.execute(
        select(DailyActivity.employee_id, func.max(DailyActivity.activity_date))
        .where(DailyActivity.agency_id == agency_id, DailyActivity.status.in_(REPORTED))
        .group_by(DailyActivity.employee_id)).all())
    last_login = dict(db.session.execute(
        select(UserAccount.employee_id, func.max(UserAccount.last_login))
        .where(UserAccount.employee_id.is_not(None)).group_by(UserAccount.employee_id)).all())
    employees = db.session.scalars(
        scoped_select(Employee).where(Employee.agency_id == agency_id, Employee.active.is_(True),
                                      Employee.id.not_in(recent)).order_by(Employee.name)).all()
    rows = [NonAdopter(e, last_login.get(e.id), last_report.get(e.id), e.id in attended) for e in employees]
    return sorted(rows, key=lambda row: not row.attended_outreach)
