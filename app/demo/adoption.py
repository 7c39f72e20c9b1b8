"""The demo's socialisation events."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.extensions import db
from app.models import Agency, Employee
from app.models.activity import OutreachAttendance, OutreachEvent


def load_demo_outreach() -> int:
    """One socialisation event per demo agency with a dozen attendees; idempotent. Returns events added."""
    added = 0
    for agency in db.session.scalars(select(Agency).order_by(Agency.code)):
        topic = "Sosialisasi SiKinerja: SKP dan laporan kegiatan harian"
        exists = db.session.scalar(select(OutreachEvent.id).where(OutreachEvent.agency_id == agency.id,
                                                                  OutreachEvent.topic == topic))
        if exists:
            continue
        event = OutreachEvent(agency=agency, agency_id=agency.id, date=dt.date(2026, 10, 14), topic=topic,
                              place=f"Aula {agency.short_name or agency.name}")
        db.session.add(event)
        attendees = db.session.scalars(select(Employee.id).where(Employee.agency_id == agency.id)
                                       .order_by(Employee.nip).limit(12))
        event.attendances = [OutreachAttendance(agency_id=agency.id, employee_id=employee_id)
                             for employee_id in attendees]
        added += 1
    db.session.commit()
    return added
