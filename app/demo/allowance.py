"""The demo's allowance (TPP) rule sets and the machine marks of the last full month."""
from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import insert, select

from app.domain.attendance import Direction, WorkSchedule, working_days_of_month
from app.extensions import db
from app.models import Employee
from app.models.attendance import AttendanceMark
from app.models.audit import utcnow
from app.models.tpp import TppRuleSet
from app.services.activity import holidays_between, today
from app.services.attendance import INSERT_CHUNK
from app.services.tpp import DEMO_RULES, rule_set_of, save_rule_set


def load_demo_allowance() -> None:
    """The demo: this year's rule set with the common regional defaults (placeholder base amounts, said so in
    its reason) and the machine marks of the last full month; idempotent."""
    demo_month = today() - dt.timedelta(days=today().day)  # the last full month, December in January
    for year in sorted({demo_month.year, today().year}):
        if db.session.scalar(select(TppRuleSet.id).where(TppRuleSet.year == year).limit(1)) is None:
            save_rule_set(year, DEMO_RULES, "Contoh untuk demo: besaran dasar bukan angka Perbup")
    load_demo_attendance(rule_set_of(demo_month.year)[1].schedule)


def load_demo_attendance(schedule: WorkSchedule, seed: int = 2026) -> int:
    """The machine marks of the demo's last full month for every active employee: mostly on time; some late,
    some early, a missing departure now and then, a day without any mark. Deterministic for a seed and the
    day it runs; idempotent (a month that has marks is left alone). Returns the marks added."""
    first = (today() - dt.timedelta(days=today().day)).replace(day=1)
    after = (first + dt.timedelta(days=32)).replace(day=1)
    if db.session.scalar(select(AttendanceMark.id).where(AttendanceMark.marked_at >= dt.datetime.combine(
            first, dt.time()), AttendanceMark.marked_at < dt.datetime.combine(after, dt.time())).limit(1)):
        return 0
    days = working_days_of_month(first.year, first.month, holidays_between(first, after))
    rng = random.Random(seed)
    rows = []
    for employee_id, agency_id in db.session.execute(select(Employee.id, Employee.agency_id).where(
            Employee.active.is_(True)).order_by(Employee.id)):
        for day in days:
            chance = rng.random()
            if chance < 0.02:
                continue
            start = schedule.starts.hour * 60 + schedule.starts.minute
            arrive = start - 20 + rng.randrange(18) + (rng.randrange(15, 100) if chance > 0.92 else 0)
            rows.append({"agency_id": agency_id, "employee_id": employee_id, "direction": Direction.IN.value,
                         "marked_at": dt.datetime.combine(day, dt.time(arrive // 60, arrive % 60)),
                         "source": "demo", "imported_at": utcnow()})
            if chance < 0.04:
                continue
            end = schedule.end_on(day)
            leave = end.hour * 60 + end.minute + rng.randrange(40) - (rng.randrange(20, 90) if chance < 0.07 else 0)
            rows.append({"agency_id": agency_id, "employee_id": employee_id, "direction": Direction.OUT.value,
                         "marked_at": dt.datetime.combine(day, dt.time(leave // 60, leave % 60)),
                         "source": "demo", "imported_at": utcnow()})
    for start in range(0, len(rows), INSERT_CHUNK):
        db.session.execute(insert(AttendanceMark), rows[start:start + INSERT_CHUNK])
    db.session.commit()
    return len(rows)
