"""Numbers that add up on both databases: sums of decimal quantities made in SQL are exact (SQLite stores
NUMERIC as binary REAL: 8.12 + 8.68 + 3.20 = 19.999999999999996 there), and shown figures round halves
up as the grades do. Each test writes inside one transaction and rolls it back."""
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.formatting import decimal
from app.models import Agency, Employee, TrainingKind, TrainingParticipation, TrainingProgramme
from app.models.activity import IndicatorProgress
from app.models.planning import ResultIndicator
from app.services import activity, training
from tests.helpers import database

YEAR = 2026
JP_PARTS = ("8.12", "8.68", "3.20")  # 20.00 JP exactly: the boundary of PP 11/2017 art. 203(4)


def _employee_with_jp(session, parts):
    agency = session.scalars(select(Agency).where(Agency.code == "DINKES")).one()
    template = session.scalars(select(Employee).where(Employee.agency_id == agency.id,
                                                      Employee.employment_type == "PNS")).first()
    employee = Employee(nip="198801012015031077", employment_type="PNS", name="Sari Dua Puluh JP", sex="F",
                        birth_date=dt.date(1988, 1, 1), tmt_cpns=dt.date(2015, 3, 1), appointment_year=2015,
                        agency=agency, unit=template.unit, rank=template.rank, active=True)
    kind = session.scalars(select(TrainingKind)).first()
    for index, jp in enumerate(parts):
        programme = TrainingProgramme(code=f"TEST-JP-{index}", name=f"Pelatihan Uji {index}", kind=kind,
                                      organiser="BKPSDM", start_date=dt.date(YEAR, 3, 2 + index),
                                      end_date=dt.date(YEAR, 3, 2 + index), jp=Decimal(jp))
        session.add(TrainingParticipation(programme=programme, employee=employee, agency=agency, status="completed",
                                          completed_on=dt.date(YEAR, 3, 2 + index), jp_earned=Decimal(jp)))
    session.add(employee)
    session.flush()
    return employee


def test_twenty_jp_made_of_decimals_is_compliant_on_every_page(app):
    with database() as session:
        employee = _employee_with_jp(session, JP_PARTS)
        assert training.jp_totals([employee.id], YEAR)[employee.id] == Decimal("20.00")
        detailed = next(row for row in training.compliance(YEAR) if row.agency.id == employee.agency_id)
        assert employee.id not in {row.employee.id for row in detailed.below}  # the compliance page
        counted = next(row for row in training.compliance_by_agency(YEAR) if row.agency.id == employee.agency_id)
        # The home page counts in SQL; it must agree with the compliance page, person by person.
        assert counted.figures.compliant == detailed.figures.compliant
        assert counted.figures.employees == detailed.figures.employees


def test_just_below_twenty_jp_is_not_compliant(app):
    with database() as session:
        employee = _employee_with_jp(session, ("8.12", "8.68", "3.19"))
        assert training.jp_totals([employee.id], YEAR)[employee.id] == Decimal("19.99")
        detailed = next(row for row in training.compliance(YEAR) if row.agency.id == employee.agency_id)
        assert employee.id in {row.employee.id for row in detailed.below}
        counted = next(row for row in training.compliance_by_agency(YEAR) if row.agency.id == employee.agency_id)
        assert counted.figures.compliant == detailed.figures.compliant


def test_a_running_total_of_approved_volume_reaches_its_target_exactly(app):
    with database() as session:
        indicator_id = session.scalar(select(ResultIndicator.id).where(
            ResultIndicator.id.not_in(select(IndicatorProgress.result_indicator_id))).limit(1))
        for part in JP_PARTS:
            activity._add_to_progress(indicator_id, Decimal(part), 1)
        reached = select(func.count()).where(IndicatorProgress.result_indicator_id == indicator_id,
                                             IndicatorProgress.approved_volume >= 20)
        assert session.scalar(reached) == 1  # compared in SQL, as the leader dashboard does
        assert session.scalar(select(IndicatorProgress.approved_volume).where(
            IndicatorProgress.result_indicator_id == indicator_id)) == Decimal("20.00")


@pytest.mark.parametrize("value,places,shown", [
    (Decimal("65.625"), 2, "65,63"), (65.625, 2, "65,63"), (Decimal("2.665"), 2, "2,67"), (2.665, 2, "2,67"),
    (Decimal("88.305"), 2, "88,31"), (Decimal("3.0185"), 3, "3,019"), (Decimal("1234.5"), 0, "1.235"),
])
def test_shown_figures_round_halves_up_like_the_grades(app, value, places, shown):
    with app.test_request_context():
        assert decimal(value, places) == shown
