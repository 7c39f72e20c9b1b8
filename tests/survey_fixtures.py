"""Shared fixtures of the SKM survey tests: the survey's own units, periods and officers."""
import datetime as dt

import pytest
from sqlalchemy import select

from app.models import Agency, Employee, Unit
from app.models.survey import SurveyPeriod
from tests.helpers import database

TODAY = dt.date.today()
ALL_FOUR = {f"u{number}": 4 for number in range(1, 10)}


def _unit(session, code, agency_code, **values):
    unit = session.scalars(select(Unit).where(Unit.code == code)).one_or_none()
    if unit is None:
        agency = session.scalars(select(Agency).where(Agency.code == agency_code)).one()
        unit = Unit(code=code, agency=agency, name=values.pop("name", code), kind="PELAYANAN",
                    serves_public=True, active=True)
        session.add(unit)
    for key, value in values.items():
        setattr(unit, key, value)
    return unit


def _period(session, unit, start, end, **values):
    period = session.scalars(select(SurveyPeriod).where(SurveyPeriod.unit == unit,
                                                        SurveyPeriod.start_date == start)).one_or_none()
    if period is None:
        period = SurveyPeriod(unit=unit, kind="QUARTER", start_date=start, end_date=end,
                              population=values.pop("population", 100), is_open=values.pop("is_open", True))
        session.add(period)
    return period


@pytest.fixture(scope="session")
def skm(app):
    """Codes and ids of the survey's test units (Dinkes and Disdik), created once per session."""
    around_today = (TODAY - dt.timedelta(days=30), TODAY + dt.timedelta(days=30))
    with database() as session:
        counter = _unit(session, "TEST-SKM-LOKET", "DINKES", name="Loket Uji Puskesmas")
        closed = _unit(session, "TEST-SKM-TUTUP", "DINKES", name="Loket Uji Tutup")
        inactive = _unit(session, "TEST-SKM-NONAKTIF", "DINKES", active=False)
        disdik = _unit(session, "TEST-SKM-SEKOLAH", "DISDIKBUD", name="Sekolah Uji")
        history = _unit(session, "TEST-SKM-HITUNG", "DINKES", name="Loket Hitung IKM")
        paper = _unit(session, "TEST-SKM-KERTAS", "DINKES", name="Loket Kuesioner Kertas")
        periods = {
            "open": _period(session, counter, *around_today, population=100),
            "closed": _period(session, closed, *around_today, is_open=False),
            "inactive": _period(session, inactive, *around_today),
            "disdik": _period(session, disdik, dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
            "history": _period(session, history, dt.date(2025, 1, 1), dt.date(2025, 3, 31), population=10),
            "paper": _period(session, paper, *around_today, population=150),
        }
        session.flush()
        officer = session.scalars(select(Employee).where(Employee.unit == counter)).first()
        if officer is None:
            template = session.scalars(select(Employee).where(Employee.agency_id == counter.agency.id)).first()
            officer = Employee(nip="198609262015051099", employment_type="PNS", name="Rudi Petugas Loket, A.Md.Kep.",
                               sex="M", birth_date=dt.date(1986, 9, 26), tmt_cpns=dt.date(2015, 5, 1),
                               appointment_year=2015, agency=counter.agency, unit=counter, rank=template.rank,
                               active=True)
            session.add(officer)
        foreign_officer = session.scalars(select(Employee).where(Employee.agency_id == disdik.agency.id)).first()
        session.commit()
        return {
            "code": counter.code, "unit_id": counter.id, "closed_code": closed.code,
            "inactive_code": inactive.code, "disdik_unit_id": disdik.id, "history_unit_id": history.id,
            "paper_unit_id": paper.id,
            "periods": {name: period.id for name, period in periods.items()},
            "officer_id": officer.id, "officer_name": officer.name, "foreign_officer_id": foreign_officer.id,
        }
