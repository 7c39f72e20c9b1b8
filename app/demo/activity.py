"""The demo's 2026 holidays and a few weeks of daily activities (moved out of app.services.activity)."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.models.activity import DailyActivity, Holiday
from app.models.audit import utcnow
from app.models.planning import Period, WorkPlan
from app.services.activity import last_working_days, quantity_indicator, rebuild_indicator_progress, today


DEMO_HOLIDAYS_2026 = (
    ("2026-01-01", "Tahun Baru 2026 Masehi"), ("2026-01-16", "Isra Mikraj Nabi Muhammad SAW"),
    ("2026-02-17", "Tahun Baru Imlek 2577 Kongzili"), ("2026-03-19", "Hari Suci Nyepi Tahun Baru Saka 1948"),
    ("2026-03-20", "Hari Raya Idul Fitri 1447 H"), ("2026-03-23", "Cuti bersama Idul Fitri 1447 H"),
    ("2026-04-03", "Wafat Yesus Kristus"), ("2026-05-01", "Hari Buruh Internasional"),
    ("2026-05-14", "Kenaikan Yesus Kristus"), ("2026-05-27", "Hari Raya Idul Adha 1447 H"),
    ("2026-06-01", "Hari Lahir Pancasila"), ("2026-06-16", "Tahun Baru Islam 1448 H"),
    ("2026-08-17", "Hari Kemerdekaan Republik Indonesia"), ("2026-08-25", "Maulid Nabi Muhammad SAW"),
    ("2026-12-25", "Hari Raya Natal"),
)
DEMO_TASKS = ("Menyusun draf", "Mengoreksi dan memfinalkan", "Melaksanakan kunjungan lapangan untuk",
              "Rapat koordinasi tentang", "Menginput data untuk")


def load_demo_activities(seed: int = 2026, weeks: int = 4) -> int:
    """Holidays of 2026 and ``weeks`` of activities of every employee with an approved SKP in the running
    period: older days approved (a few returned), the last two working days submitted. Deterministic
    for a seed; idempotent (an employee who already has activities is left alone). Returns rows added."""
    for day, name in DEMO_HOLIDAYS_2026:
        date = dt.date.fromisoformat(day)
        if db.session.scalar(select(Holiday.id).where(Holiday.date == date)) is None:
            db.session.add(Holiday(date=date, name=name))
    db.session.flush()
    period = db.session.scalar(select(Period).where(Period.status == "running").order_by(Period.year.desc()))
    if period is None:
        db.session.commit()
        return 0
    rng = random.Random(seed)
    days = [d for d in last_working_days(weeks * 5, today()) if period.start_date <= d <= period.end_date]
    added = 0
    plans = db.session.scalars(select(WorkPlan).where(WorkPlan.period_id == period.id,
                                                      WorkPlan.status == "approved").order_by(WorkPlan.id))
    for plan in plans:
        if plan.evaluator_id is None or db.session.scalar(
                select(DailyActivity.id).where(DailyActivity.employee_id == plan.employee_id).limit(1)):
            continue
        for index, day in enumerate(days):
            result = rng.choice(plan.results) if plan.results and rng.random() < 0.85 else None
            indicator = quantity_indicator(result)
            recent = index >= len(days) - 2
            status = "submitted" if recent else ("returned" if rng.random() < 0.05 else "approved")
            start = dt.time(rng.choice((7, 8, 9, 10, 13)), rng.choice((0, 30)))
            activity = DailyActivity(
                employee_id=plan.employee_id, agency_id=plan.agency_id, unit_id=plan.employee.unit_id,
                evaluator_id=plan.evaluator_id, period_id=period.id, work_result=result,
                result_indicator=indicator, activity_date=day, start_time=start,
                end_time=dt.time(start.hour + rng.choice((1, 2, 3)), start.minute),
                description=f"{rng.choice(DEMO_TASKS)} {str(result or 'tugas dari atasan').lower()[:150]}",
                volume=Decimal(rng.choice((1, 1, 2, 3))),
                output_unit=(indicator.target_unit if indicator and indicator.target_unit else "kegiatan"),
                status=status, submitted_at=utcnow(),
                decided_at=None if status == "submitted" else utcnow(),
                return_note="Lengkapi bukti dukung (foto/daftar hadir)." if status == "returned" else None)
            db.session.add(activity)
            added += 1
    db.session.flush()
    rebuild_indicator_progress(db.session.connection())
    db.session.commit()
    return added
