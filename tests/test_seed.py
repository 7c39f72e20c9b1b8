"""Reference data and the Tanjung Selor demo: complete, valid, and loading twice changes nothing."""
from sqlalchemy import func, select

from app.domain.nip import parse_nip
from app.extensions import db
from app.models import Agency, AuditEntry, BehaviourGuide, CoreValue, Employee, Rank, SurveyElement
from app.services import seeding


def test_reference_data_is_complete(app, db_session):
    assert db_session.scalar(select(func.count()).select_from(Rank).where(Rank.employment_type == "PNS")) == 17
    assert db_session.scalar(select(func.count()).select_from(CoreValue)) == 7
    assert db_session.scalar(select(func.count()).select_from(BehaviourGuide)) == 21
    codes = db_session.scalars(select(SurveyElement.code).order_by(SurveyElement.order)).all()
    assert codes == [f"U{i}" for i in range(1, 10)]
    u4 = db_session.scalars(select(SurveyElement).where(SurveyElement.code == "U4")).one()
    assert u4.answer_labels == {"1": "Sangat mahal", "2": "Cukup mahal", "3": "Murah", "4": "Gratis"}
    assert db_session.scalars(select(Rank.pangkat).where(Rank.code == "34")).one() == "Penata Tingkat I"


def test_demo_has_five_agencies_of_thirty_plus_valid_employees(app, db_session):
    for agency in db_session.scalars(select(Agency)):
        employees = db_session.scalars(select(Employee).where(Employee.agency_id == agency.id)).all()
        assert len(employees) >= 30, agency.code
        for employee in employees:
            number = parse_nip(employee.nip, employee.employment_type)
            assert number.birth_date == employee.birth_date and number.sex == employee.sex


def test_seeding_again_changes_nothing(app):
    with app.app_context():
        def snapshot():
            return (db.session.scalar(select(func.count()).select_from(Employee)),
                    db.session.scalar(select(func.count()).select_from(AuditEntry)))

        before = snapshot()
        seeding.load_reference()
        seeding.load_demo()
        seeding.ensure_demo_accounts(app.config["DEMO_PASSWORD"])
        assert snapshot() == before
