"""The demo's periods, organisation indicators and approved SKP chains (Disdikbud and Dinkes)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from app.domain.distribution import OrganizationPredikat
from app.domain.ranks import SkpApproach
from app.extensions import db
from app.models import Agency, Employee, Position
from app.models.audit import utcnow
from app.models.planning import (IndicatorRealisation, OrganizationIndicator, OrganizationRating, Period,
                                 ResultIndicator, WorkPlan, WorkResult)
from app.services.planning import _copy_scope, _new_draft


DEMO_INDICATORS = {
    "DISDIKBUD": [
        ("Angka Partisipasi Sekolah (APS) usia 7–12 tahun", "%", "HIGHER_IS_BETTER", "98.9", "99.5", ("98.7", "99.1")),
        ("Persentase sekolah terakreditasi minimal B", "%", "HIGHER_IS_BETTER", "78", "85", ("79", "81.5")),
        ("Angka Putus Sekolah jenjang SMP", "%", "LOWER_IS_BETTER", "0.9", "0.5", ("0.8", "0.7")),
    ],
    "DINKES": [
        ("Angka Kematian Ibu per 100.000 kelahiran hidup", "per 100.000 KH", "LOWER_IS_BETTER", "128", "110",
         ("121", "116")),
        ("Persentase balita stunting", "%", "LOWER_IS_BETTER", "17.2", "14", ("16.4", "15.1")),
        ("Cakupan imunisasi dasar lengkap", "%", "HIGHER_IS_BETTER", "88", "95", ("42.5", "71.0")),
    ],
}
# Each chain: (position code, [(RHK, index of the supported RHK one level up or of the indicator, IKI, target,
# unit)]). The head links to agency indicators; everyone below to the RHK of the level above.
DEMO_CHAINS = {
    "DISDIKBUD": [
        ("DISDIKBUD-KADIS", [
            ("Meningkatnya akses layanan pendidikan dasar yang merata", 0,
             "Layanan pendidikan dasar menjangkau seluruh anak usia sekolah", None, None),
            ("Meningkatnya mutu satuan pendidikan", 1,
             "Satuan pendidikan memenuhi standar nasional pendidikan", None, None)]),
        ("DISDIKBUD-KABID-SD", [
            ("Terlaksananya pembinaan kurikulum dan penilaian sekolah dasar", 0,
             "Persentase SD yang menerapkan Kurikulum Merdeka", "100", "%")]),
        ("DISDIKBUD-KASI-SD-KUR", [
            ("Tersusunnya pedoman penilaian hasil belajar SD", 0,
             "Jumlah pedoman penilaian yang disahkan", "2", "dokumen"),
            ("Terlaksananya pendampingan implementasi kurikulum di SD", 0,
             "Jumlah SD yang didampingi", "24", "sekolah")]),
    ],
    "DINKES": [
        ("DINKES-KADIS", [
            ("Menurunnya angka kematian ibu dan prevalensi stunting", 1,
             "Program kesehatan keluarga menjangkau seluruh ibu hamil dan balita", None, None),
            ("Meningkatnya cakupan imunisasi dasar lengkap", 2,
             "Seluruh bayi mendapat imunisasi dasar lengkap", None, None)]),
        ("DINKES-KABID-KESMAS", [
            ("Terlaksananya program percepatan penurunan stunting", 0,
             "Persentase balita yang dipantau pertumbuhannya", "90", "%")]),
        ("DINKES-KASI-KGIZI", [
            ("Terlaksananya pemberian makanan tambahan bagi balita gizi kurang", 0,
             "Jumlah balita gizi kurang yang menerima PMT", "350", "balita"),
            ("Terlaksananya pemantauan status gizi balita di posyandu", 0,
             "Jumlah posyandu yang melaporkan status gizi tiap bulan", "60", "posyandu")]),
    ],
}
DEMO_RATINGS_2025 = {"DISDIKBUD": OrganizationPredikat.BAIK, "DINKES": OrganizationPredikat.BAIK}
DEMO_PREVIOUS_PLAN = ("198611012014011004", [  # pegawai.disdik, 2025
    ("Tersusunnya kajian teknis kebijakan kurikulum SD", "Jumlah kajian teknis yang diselesaikan", "3", "kajian"),
    ("Terlaksananya verifikasi data penilaian hasil belajar", "Persentase data sekolah terverifikasi", "95", "%"),
])


def _demo_period(year: int, status: str) -> Period:
    period = db.session.scalar(select(Period).where(Period.year == year))
    if period is None:
        period = Period(year=year, name=f"Tahun {year}", start_date=dt.date(year, 1, 1),
                        end_date=dt.date(year, 12, 31), status=status)
        db.session.add(period)
    return period


def _demo_plan(employee: Employee, period: Period, results, links) -> list[WorkResult]:
    """An approved plan of ``employee`` with ``results``; ``links`` are what each result supports."""
    plan = db.session.scalar(select(WorkPlan).where(WorkPlan.employee_id == employee.id,
                                                    WorkPlan.period_id == period.id))
    if plan is not None:
        return list(plan.results)
    plan = _new_draft(employee, period)
    plan.resource_support = "Anggaran DPA tahun berjalan, sarana kantor, dan data Dapodik/SIMPUS."
    plan.accountability_scheme = "Laporan bulanan kepada atasan langsung dan rapat evaluasi triwulanan."
    plan.consequences = "Sesuai ketentuan penilaian kinerja PermenPANRB 6/2022."
    made = []
    for order, (description, link, iki, target, unit) in enumerate(results, start=1):
        result = WorkResult(work_plan=plan, group="UTAMA", order=order, description=description)
        target_link = links[link] if link is not None and link < len(links) else None
        if isinstance(target_link, OrganizationIndicator):
            result.organization_indicator = target_link
        else:
            result.supported_result = target_link
        _copy_scope(result, plan)
        aspect = "PENERIMA_LAYANAN" if plan.approach == SkpApproach.QUALITATIVE else "KUANTITAS"
        indicator = ResultIndicator(work_result=result, aspect=aspect, description=iki,
                                    target_value=Decimal(target) if target else None, target_unit=unit,
                                    target_text=None if target else iki, direction="HIGHER_IS_BETTER")
        _copy_scope(indicator, plan)
        db.session.add_all((result, indicator))  # no cascade along the backref in SQLAlchemy 2
        made.append(result)
    plan.status, plan.submitted_at, plan.approved_at = "approved", utcnow(), utcnow()
    return made


def load_demo_planning() -> None:
    """Periods 2025 (closed) and 2026 (running), indicators with two quarters of realisation, the 2025
    organisation predikat, and approved 2026 SKPs along the chain head → kabid → kasi (penilai.*) of
    Disdikbud and Dinkes; pegawai.* have no 2026 SKP (they make one in the demo) but pegawai.disdik
    has an approved 2025 SKP to copy. Idempotent: existing rows are left as they are."""
    previous, current = _demo_period(2025, "closed"), _demo_period(2026, "running")
    db.session.flush()
    for code, rows in DEMO_INDICATORS.items():
        agency = db.session.scalar(select(Agency).where(Agency.code == code))
        if agency is None:
            continue
        indicators = []
        for name, unit, direction, baseline, target, realised in rows:
            indicator = db.session.scalar(select(OrganizationIndicator).where(
                OrganizationIndicator.agency_id == agency.id, OrganizationIndicator.period_id == current.id,
                OrganizationIndicator.name == name))
            if indicator is None:
                indicator = OrganizationIndicator(agency=agency, period=current, name=name, unit_of_measure=unit,
                                                  direction=direction, baseline=Decimal(baseline),
                                                  target=Decimal(target))
                for quarter, value in enumerate(realised, start=1):
                    indicator.realisations.append(IndicatorRealisation(
                        agency=agency, quarter=quarter, value=Decimal(value),
                        evidence_link=f"https://bulungankab.go.id/data/{code.lower()}/2026-q{quarter}"))
                db.session.add(indicator)
            indicators.append(indicator)
        if db.session.scalar(select(OrganizationRating.id).where(
                OrganizationRating.agency_id == agency.id, OrganizationRating.period_id == previous.id)) is None:
            db.session.add(OrganizationRating(agency=agency, period=previous, predikat=int(DEMO_RATINGS_2025[code]),
                                              note="Hasil evaluasi SAKIP 2025."))
        db.session.flush()
        links: list = indicators
        for position_code, results in DEMO_CHAINS[code]:
            employee = db.session.scalar(select(Employee).join(Position, Employee.position_id == Position.id)
                                         .where(Position.code == position_code))
            links = _demo_plan(employee, current, results, links)
            db.session.flush()
    employee = db.session.scalar(select(Employee).where(Employee.nip == DEMO_PREVIOUS_PLAN[0]))
    if employee is not None:
        _demo_plan(employee, previous, [(d, None, iki, t, u) for d, iki, t, u in DEMO_PREVIOUS_PLAN[1]], [])
    db.session.commit()
