"""Reference data and the Tanjung Selor demo: complete, valid, and loading twice changes nothing."""
import subprocess

import pytest
import sys
from pathlib import Path

from sqlalchemy import func, select

from app.domain.nip import parse_nip
from app.models import (Agency, AuditEntry, BehaviourGuide, CoreValue, Employee, Rank, SurveyElement, TrainingKind,
                        UserAccount)
from app.demo import organisation
from app.services import seeding
from tests.helpers import count, database


def test_reference_data_is_complete():
    assert count(Rank, employment_type="PNS") == 17 and count(Rank, employment_type="PPPK") == 17
    assert count(CoreValue) == 7 and count(BehaviourGuide) == 21
    assert count(TrainingKind, classical=True) > 0 and count(TrainingKind, classical=False) > 0
    with database() as session:
        assert session.scalars(select(SurveyElement.code).order_by(SurveyElement.order)).all() == \
            [f"U{i}" for i in range(1, 10)]
        u4 = session.scalars(select(SurveyElement).where(SurveyElement.code == "U4")).one()
        assert u4.answer_labels == {"1": "Sangat mahal", "2": "Cukup mahal", "3": "Murah", "4": "Gratis"}
        assert session.scalars(select(Rank.pangkat).where(Rank.code == "34")).one() == "Penata Tingkat I"
        service = session.scalars(select(BehaviourGuide.text).join(CoreValue)
                                  .where(CoreValue.code == "BERORIENTASI_PELAYANAN")
                                  .order_by(BehaviourGuide.order)).all()
        assert service[0] == "Memahami dan memenuhi kebutuhan masyarakat"


def test_demo_has_five_agencies_of_thirty_plus_valid_employees():
    with database() as session:
        agencies = session.scalars(select(Agency.code)).all()
        assert {"DISDIKBUD", "DINKES", "DISDUKCAPIL", "BKPSDM", "KEC-TJS"} <= set(agencies)
        for agency in session.scalars(select(Agency)):
            employees = session.scalars(select(Employee).where(Employee.agency_id == agency.id)).all()
            assert len(employees) >= 30, agency.code
            for employee in employees:
                number = parse_nip(employee.nip, employee.employment_type)
                assert (number.birth_date, number.sex) == (employee.birth_date, employee.sex)


def test_demo_json_is_what_the_generator_builds():
    generator = Path(__file__).resolve().parents[1] / "seeds" / "build_demo.py"
    result = subprocess.run([sys.executable, str(generator), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture()
def edited_demo(app):
    """Demo records as people change them after the seed: an employee's phone (the change another test file
    once left behind: the re-seed undid it and wrote an audit entry) and a demo account's agencies."""
    with database() as session:
        employee = session.scalar(select(Employee).order_by(Employee.id))
        account = session.scalar(select(UserAccount).where(UserAccount.username == "admin.disdik"))
        original = employee.phone, [agency.id for agency in account.agencies]
        employee.phone = "0812 5555 0101"
        account.agencies = [*account.agencies, session.scalar(select(Agency).where(Agency.code == "DINKES"))]
        session.commit()
        pk, account_id = employee.id, account.id
    yield pk, account_id
    with database() as session:
        session.get(Employee, pk).phone = original[0]
        session.get(UserAccount, account_id).agencies = [session.get(Agency, agency) for agency in original[1]]
        session.commit()


def test_seeding_again_changes_nothing(app, edited_demo):
    pk, account_id = edited_demo

    def snapshot():
        with database() as session:
            return (session.scalar(select(func.count()).select_from(Employee)),
                    session.scalar(select(func.count()).select_from(AuditEntry)),
                    session.get(Employee, pk).phone,
                    sorted(agency.code for agency in session.get(UserAccount, account_id).agencies))

    before = snapshot()
    assert before[2:] == ("0812 5555 0101", ["DINKES", "DISDIKBUD"])
    with app.app_context():
        seeding.load_reference()
        organisation.load_demo_organisation()
        organisation.ensure_demo_accounts(app.config["DEMO_PASSWORD"])
    assert snapshot() == before


def test_the_demo_has_dialogues_and_seeding_them_again_changes_nothing(app):
    from app.models.dialogue import DialogueSchedule, PerformanceDialogue
    from app.demo.dialogue import load_demo_dialogues

    def snapshot():
        with database() as session:
            return (session.scalars(select(PerformanceDialogue.id).order_by(PerformanceDialogue.id)).all(),
                    session.scalar(select(func.count()).select_from(AuditEntry)),
                    session.execute(select(DialogueSchedule.employee_id, DialogueSchedule.last_held_on,
                                           DialogueSchedule.next_due_on).order_by(DialogueSchedule.employee_id)).all())

    with app.app_context():
        load_demo_dialogues()  # (another test file may have removed them: then this puts them back)
    before = snapshot()
    with database() as session:
        seeded = session.execute(select(Agency.code, PerformanceDialogue.status).join(
            Agency, PerformanceDialogue.agency_id == Agency.id)).all()
    assert {code for code, _ in seeded} >= {"DISDIKBUD", "DINKES"}
    assert {status for _, status in seeded} >= {"recorded", "acknowledged", "disagreed"}
    with app.app_context():
        assert load_demo_dialogues() == 0
    assert snapshot() == before
