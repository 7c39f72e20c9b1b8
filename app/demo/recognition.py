"""The demo's award types, disciplinary records and nominations."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.demo.training import load_demo_training
from app.extensions import db
from app.models import Employee
from app.models.audit import utcnow
from app.models.recognition import AwardType, DisciplinarySanction, Nomination


# code, name, category, SIASN code, Karya Satya years, criteria
DEMO_AWARD_TYPES = (
    ("KARYA-SATYA-X", "Satyalancana Karya Satya X Tahun", "KARYA_SATYA", 201, 10,
     "PNS dengan masa kerja sekurang-kurangnya 10 tahun sejak TMT CPNS, tidak pernah dijatuhi hukuman "
     "disiplin tingkat sedang atau berat."),
    ("KARYA-SATYA-XX", "Satyalancana Karya Satya XX Tahun", "KARYA_SATYA", 202, 20,
     "PNS dengan masa kerja sekurang-kurangnya 20 tahun sejak TMT CPNS, tidak pernah dijatuhi hukuman "
     "disiplin tingkat sedang atau berat."),
    ("KARYA-SATYA-XXX", "Satyalancana Karya Satya XXX Tahun", "KARYA_SATYA", 203, 30,
     "PNS dengan masa kerja sekurang-kurangnya 30 tahun sejak TMT CPNS, tidak pernah dijatuhi hukuman "
     "disiplin tingkat sedang atau berat."),
    ("ASN-BERPRESTASI-BULAN", "ASN Berprestasi Bulan Ini", "PERFORMER_MONTH", 400, None,
     "Predikat kinerja Sangat Baik atau Baik, laporan kegiatan harian disetujui, penilaian masyarakat tinggi."),
    ("ASN-BERPRESTASI-TAHUN", "ASN Berprestasi Tingkat Kabupaten", "PERFORMER_YEAR", 306, None,
     "Predikat kinerja tahunan Sangat Baik; ditetapkan dengan Keputusan Bupati."),
    ("UNIT-LAYANAN-TERBAIK", "Unit Pelayanan Terbaik (IKM)", "BEST_UNIT", 400, None,
     "Indeks Kepuasan Masyarakat tertinggi dalam tahun berjalan dengan sampel memadai."),
    ("INOVASI-PELAYANAN", "Penghargaan Inovasi Pelayanan", "CUSTOM", 400, None,
     "Inovasi yang nyata mempercepat atau mempermudah pelayanan publik."),
)
# NIP, level, decree, date, description
DEMO_SANCTIONS = (
    ("199007222011121003", "ringan", "800.1.6.3/014/DINKES/2025", (2025, 3, 12), "Teguran lisan: keterlambatan."),
    ("198309112007061002", "sedang", "800.1.6.3/027/BKPSDM/2024", (2024, 8, 5),
     "Penundaan kenaikan pangkat: tidak masuk kerja tanpa alasan sah."),
    ("197603272004031003", "berat", "800.1.6.3/031/BKPSDM/2023", (2023, 10, 16),
     "Penurunan jabatan setingkat lebih rendah."),
)
# award type code, period, NIP (or unit code), status, decree number, decree date, justification
DEMO_NOMINATIONS = (
    ("KARYA-SATYA-X", "2026", "198712102014011001", "awarded", "100.3.3.2/245/KPTS/2026", (2026, 8, 17),
     "Masa kerja 12 tahun sejak TMT CPNS Januari 2014; tidak pernah dijatuhi hukuman disiplin."),
    ("ASN-BERPRESTASI-TAHUN", "2026", "197606012001121006", "awarded", "100.3.3.2/301/KPTS/2026",
     (2026, 11, 10), "Predikat kinerja Sangat Baik 2026; capaian IKU pendidikan dasar di atas target."),
    ("KARYA-SATYA-XX", "2026", "197803192002121008", "approved", None, None,
     "Masa kerja 24 tahun sejak TMT CPNS Desember 2002; tidak pernah dijatuhi hukuman disiplin."),
    ("KARYA-SATYA-X", "2026", "199311122016012005", "nominated", None, None,
     "Masa kerja 10 tahun sejak TMT CPNS Januari 2016; tidak pernah dijatuhi hukuman disiplin."),
)


def load_demo_recognition() -> None:
    """Training demo (app.demo.training), award types, three disciplinary records (light, medium, heavy)
    and four nominations: two awarded, one approved, one nominated. Idempotent by natural keys."""
    load_demo_training()
    for code, name, category, siasn, years, criteria in DEMO_AWARD_TYPES:
        if db.session.scalar(select(AwardType.id).where(AwardType.code == code)) is None:
            db.session.add(AwardType(code=code, name=name, category=category, siasn_code=siasn,
                                     service_years=years, criteria=criteria))
    employees = {e.nip: e for e in db.session.scalars(select(Employee).where(Employee.nip.in_(
        [row[0] for row in DEMO_SANCTIONS] + [row[2] for row in DEMO_NOMINATIONS])))}
    for nip, level, decree, decided, description in DEMO_SANCTIONS:
        employee = employees.get(nip)
        if employee is not None and db.session.scalar(select(DisciplinarySanction.id).where(
                DisciplinarySanction.decree_number == decree)) is None:
            db.session.add(DisciplinarySanction(employee=employee, agency=employee.agency, level=level,
                                                decree_number=decree, decided_on=dt.date(*decided),
                                                description=description))
    db.session.flush()
    types = {t.code: t for t in db.session.scalars(select(AwardType))}
    for code, period, nip, status, decree, decree_date, justification in DEMO_NOMINATIONS:
        employee = employees.get(nip)
        if employee is None or db.session.scalar(select(Nomination.id).where(
                Nomination.award_type_id == types[code].id, Nomination.employee_id == employee.id)) is not None:
            continue
        moment = utcnow()
        db.session.add(Nomination(
            award_type=types[code], period=period, employee=employee, agency=employee.agency,
            justification=justification, status=status, nominated_at=moment,
            approved_at=moment if status != "nominated" else None,
            awarded_at=moment if status == "awarded" else None, decree_number=decree,
            decree_date=dt.date(*decree_date) if decree_date else None))
    db.session.commit()
