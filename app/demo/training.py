"""The demo's 2026 training programmes and the participation of every demo PNS."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.models import Agency, Employee, TrainingKind
from app.models.training import TrainingParticipation, TrainingProgramme


DEMO_YEAR = 2026
DEMO_ORGANISER = "BKPSDM Kabupaten Bulungan"
# code, name, kind, start, end, JP, competency area, SKM element, quota, target agencies (empty: all)
DEMO_PROGRAMMES = (
    ("PEL-PRIMA-2026", "Pelatihan Pelayanan Prima", "DIKLAT_TEKNIS", (5, 11), (5, 15), 30,
     "Perilaku pelayanan publik", "U7", 80, ("DINKES", "DISDUKCAPIL", "KEC-TJS")),
    ("MANWAKTU-2026", "Workshop Manajemen Waktu dan Produktivitas", "WORKSHOP", (3, 2), (3, 3), 12,
     "Manajemen waktu", "U3", None, ()),
    ("KOMUNIKASI-2026", "E-Learning Komunikasi Efektif", "E_LEARNING", (6, 1), (6, 30), 10,
     "Komunikasi", "U6", None, ()),
    ("PKA-2026", "Pelatihan Kepemimpinan Administrator", "PELATIHAN_MANAJERIAL", (7, 6), (9, 25), 60,
     "Kepemimpinan", None, 40, ("DISDIKBUD", "BKPSDM")),
    ("COACHING-SKP-2026", "Coaching Penyusunan SKP", "COACHING", (2, 10), (2, 10), 4,
     "Manajemen kinerja", None, None, ()),
    ("SEMINAR-INOVASI-2026", "Seminar Inovasi Pelayanan Publik", "SEMINAR", (12, 10), (12, 11), 8,
     "Inovasi pelayanan", "U8", 100, ()),
)
# (policy) Demo pattern per PNS by NIP order: two in three reach 20 JP, one in three stays below.
DEMO_PATTERNS = (("PEL-PRIMA-2026",), ("MANWAKTU-2026", "COACHING-SKP-2026"), ("KOMUNIKASI-2026", "MANWAKTU-2026"))


def load_demo_training() -> None:
    """Six 2026 programmes of several kinds and completed participation of every demo PNS (see DEMO_PATTERNS;
    PKA stands in for Pelayanan Prima where the latter is not open). Idempotent by programme code and
    (programme, employee)."""
    kinds = {kind.code: kind for kind in db.session.scalars(select(TrainingKind))}
    agencies = {agency.code: agency for agency in db.session.scalars(select(Agency))}
    programmes = {}
    for code, name, kind, start, end, jp, area, element, quota, targets in DEMO_PROGRAMMES:
        programme = db.session.scalar(select(TrainingProgramme).where(TrainingProgramme.code == code))
        if programme is None:
            programme = TrainingProgramme(
                code=code, name=name, kind=kinds[kind], organiser=DEMO_ORGANISER,
                start_date=dt.date(DEMO_YEAR, *start), end_date=dt.date(DEMO_YEAR, *end), jp=Decimal(jp),
                competency_area=area, survey_element_code=element, quota=quota,
                target_agencies=[agencies[c] for c in targets if c in agencies])
            db.session.add(programme)
        programmes[code] = programme
    db.session.flush()
    existing = set(db.session.execute(select(TrainingParticipation.programme_id, TrainingParticipation.employee_id)))
    for agency in agencies.values():
        employees = db.session.scalars(select(Employee).where(
            Employee.agency_id == agency.id, Employee.employment_type == "PNS").order_by(Employee.nip))
        for index, employee in enumerate(employees):
            for code in DEMO_PATTERNS[index % len(DEMO_PATTERNS)]:
                programme = programmes[code]
                if programme.target_agencies and agency not in programme.target_agencies:
                    programme = programmes["PKA-2026"] if agency in programmes["PKA-2026"].target_agencies \
                        else programmes["KOMUNIKASI-2026"]
                if (programme.id, employee.id) in existing:
                    continue
                existing.add((programme.id, employee.id))
                pre = Decimal(55 + index % 20)
                db.session.add(TrainingParticipation(
                    programme=programme, employee=employee, agency=agency, status="completed",
                    completed_on=programme.end_date, jp_earned=programme.jp,
                    certificate_number=f"{programme.code}/{employee.nip[-6:]}",
                    pre_score=pre, post_score=pre + 6 + index % 9))
    db.session.commit()
