"""The demo's survey (SKM) periods and responses of the Tanjung Selor service units, a follow-up plan and a
kiosk each, waiting for its registration link."""
from __future__ import annotations

import datetime as dt
import hashlib
import random

from sqlalchemy import insert, select

from app.extensions import db
from app.models import Unit
from app.models.survey import (ANSWER_COLUMNS, PAPER, WEB, ImprovementPlan, SurveyElement, SurveyKiosk,
                               SurveyPeriod, SurveyResponse)
from app.services.local_time import today as local_today
from app.services.survey import IkmFigures, tally, unit_officers


DEMO_YEAR = 2026
DEMO_SUGGESTIONS = (
    "Mohon ruang tunggu ditambah kursinya, sering penuh pada pagi hari.",
    "Petugas ramah dan cepat, terima kasih.",
    "Informasi persyaratan sebaiknya ditempel di depan loket.",
    "Antrean terlalu lama, mohon ditambah petugas loket.",
    "Toilet perlu lebih bersih.",
    "Pelayanan sudah baik, pertahankan.",
    "Mohon disediakan nomor WhatsApp untuk pengaduan.",
    "Jam buka pelayanan sebaiknya lebih pagi.",
    "Parkiran sempit dan panas, mohon diberi peneduh.",
    "Petugasnya sabar menjelaskan, sangat membantu.",
)
DEMO_SERVICES = ("Pendaftaran", "Konsultasi", "Pengurusan dokumen", "Pemeriksaan", "Informasi")


def _demo_answer(generator: random.Random, mean: float) -> int:
    return min(4, max(1, round(generator.gauss(mean, 0.6))))


def _demo_responses(generator: random.Random, unit: Unit, period: SurveyPeriod, base: float, quarter: int,
                    officers: list[int], until: dt.date) -> list[dict]:
    # Each unit has its own level and weak elements; every quarter is a little better than the last.
    weak = generator.sample(ANSWER_COLUMNS, 2)
    last_day = min(period.end_date, until)
    days = (last_day - period.start_date).days + 1
    rows = []
    for _ in range(generator.randint(40, 120) if days > 0 else 0):
        row = {column: _demo_answer(generator, base + 0.12 * quarter - (0.5 if column in weak else 0))
               for column in ANSWER_COLUMNS}
        paper = generator.random() < 0.04
        if paper:  # a paper form with a question left unanswered, typed in by the unit's staff
            row[generator.choice(ANSWER_COLUMNS)] = None
        day = period.start_date + dt.timedelta(days=generator.randrange(days))
        submitted = dt.datetime.combine(day, dt.time(generator.randint(0, 7), generator.randint(0, 59)))
        row.update(
            unit_id=unit.id, agency_id=unit.agency_id, period_id=period.id, submitted_at=submitted,
            client_hash=hashlib.sha256(f"demo-{unit.code}-{period.id}-{len(rows)}".encode()).hexdigest(),
            sex=generator.choice(("M", "F", None)), age_band=generator.choice(("20-29", "30-39", "40-49", None)),
            education=generator.choice(("SMA", "D4-S1", "SMP", None)),
            occupation=generator.choice(("SWASTA", "WIRAUSAHA", "PNS", "IRT", None)),
            service_used=generator.choice(DEMO_SERVICES),
            suggestion=generator.choice(DEMO_SUGGESTIONS) if generator.random() < 0.15 else None,
            officer_id=generator.choice(officers) if officers and generator.random() < 0.3 else None,
            excluded=False, channel=PAPER if paper else WEB,
            paper_number=f"{period.start_date:%Y%m}-{len(rows) + 1:03d}" if paper else None,
            paper_date=day if paper else None,
        )
        rows.append(row)
    return rows


def _demo_quarters() -> list[tuple[dt.date, dt.date]]:
    starts = [dt.date(DEMO_YEAR, month, 1) for month in (1, 4, 7, 10)] + [dt.date(DEMO_YEAR + 1, 1, 1)]
    return [(start, following - dt.timedelta(days=1)) for start, following in zip(starts, starts[1:])]


def load_demo_survey(seed: int = 2026, today: dt.date | None = None) -> int:
    """Four quarterly periods of 2026 with responses for the demo's service units; returns the
    number of responses added.

    Idempotent: a period is matched by unit and dates and gets responses only while it has none.
    A unit that has any other survey period is surveyed for real and left alone (the demo must
    not overlap real periods). Each unit draws from its own generator, so its data does not
    depend on which other units exist.
    """
    today = today or local_today()
    quarters = _demo_quarters()
    units = list(db.session.scalars(
        select(Unit).where(Unit.serves_public.is_(True), Unit.active.is_(True)).order_by(Unit.code)))
    added = 0
    for unit in units:
        existing = {(row.start_date, row.end_date): row for row in db.session.scalars(
            select(SurveyPeriod).where(SurveyPeriod.unit_id == unit.id))}
        if not set(existing) <= set(quarters):
            continue
        generator = random.Random(f"{seed}-{unit.code}")
        base = generator.uniform(2.7, 3.3)
        population = generator.choice((150, 400, 1200, 3000))
        officers = [row[0] for row in unit_officers(unit)]
        for quarter, (start, end) in enumerate(quarters):
            period = existing.get((start, end))
            if period is None:
                period = SurveyPeriod(unit=unit, kind="QUARTER", start_date=start, end_date=end,
                                      population=population + 50 * quarter, is_open=end >= today)
                db.session.add(period)
                db.session.flush()
            rows = _demo_responses(generator, unit, period, base, quarter, officers, today)
            has_rows = db.session.execute(
                select(SurveyResponse.id).where(SurveyResponse.period_id == period.id).limit(1)).first()
            if rows and not has_rows:
                db.session.execute(insert(SurveyResponse.__table__), rows)
                added += len(rows)
        _demo_plan(unit)
        _demo_kiosk(unit)
    db.session.commit()
    return added


DEMO_KIOSK_NAME = "Tablet di ruang tunggu"


def _demo_kiosk(unit: Unit) -> None:
    """A kiosk per unit, not yet registered: the unit's admin issues its registration link."""
    if db.session.execute(select(SurveyKiosk.id).where(SurveyKiosk.unit_id == unit.id).limit(1)).first():
        return
    db.session.add(SurveyKiosk(unit=unit, name=DEMO_KIOSK_NAME, active=True))


def _demo_plan(unit: Unit) -> None:
    """One follow-up plan per unit on its weakest element of the first quarter, if it has none."""
    if db.session.execute(select(ImprovementPlan.id).where(ImprovementPlan.unit_id == unit.id).limit(1)).first():
        return
    first = db.session.execute(select(SurveyPeriod).where(SurveyPeriod.unit_id == unit.id)
                               .order_by(SurveyPeriod.start_date).limit(1)).scalar_one_or_none()
    figures = IkmFigures.of(tally(SurveyResponse.period_id == first.id), first.start_date) if first else None
    lowest = figures.lowest_elements(1) if figures else []
    if not lowest:
        return
    element = db.session.execute(
        select(SurveyElement).where(SurveyElement.code == lowest[0].element.code)).scalar_one()
    db.session.add(ImprovementPlan(
        unit=unit, period=first, element=element, status="IN_PROGRESS",
        target_date=first.end_date + dt.timedelta(days=120),
        action=f"Tindak lanjut {element.code} {element.name}: evaluasi SOP, papan informasi di loket, "
               "dan pembinaan petugas setiap bulan."))
