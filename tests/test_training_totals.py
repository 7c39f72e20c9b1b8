"""Each employee's JP per year (issue 21) stays equal to the completions summed the long way after every path
that writes a participation: a completion recorded through REST, its JP changed, a completion given in minutes
that follows a new minutes-per-JP policy, a completion set back to "attended", and scripts through the session
(a bulk insert, a bulk update, a bulk delete, a row deleted). The recount (``rebuild``) gives what the writes
kept, the leaders' compliance per agency reads the kept JP and gives what the completions give, and 20 JP
completed in three transactions are 20 in SQL on SQLite too."""
import datetime as dt
from decimal import Decimal

import flask
from sqlalchemy import delete, func, insert, select, update

from app.models import Agency, Employee
from app.models.training import EmployeeJpYear, TrainingParticipation, TrainingProgramme
from app.services import training, training_totals
from tests.helpers import agency_id, database, employee_of
from tests.test_training_minutes import (OPEN_YEAR, _programme, _record, _set_minutes_per_jp, hr,  # noqa: F401
                                         programmes)


def the_long_way(session) -> dict:
    """Per (employee, year) the JP of the completions, from the participations themselves."""
    totals: dict = {}
    for row in session.execute(select(TrainingParticipation.__table__).where(
            TrainingParticipation.status == "completed", TrainingParticipation.completed_on.is_not(None))):
        key = (row.employee_id, row.completed_on.year)
        totals[key] = totals.get(key, Decimal(0)) + row.jp_earned
    return {key: jp for key, jp in totals.items() if jp}


def kept(session) -> dict:
    return {(row.employee_id, row.year): row.jp for row in session.scalars(select(EmployeeJpYear)) if row.jp}


def assert_exact(step: str):
    with database() as session:
        assert kept(session) == the_long_way(session), step


def test_every_write_keeps_each_employee_s_jp_equal_to_the_long_way(app, hr, programmes):  # noqa: F811
    programme = programmes[OPEN_YEAR]
    assert_exact("before")
    assert _record(hr, programme, "pegawai.disdik", completed_on=f"{OPEN_YEAR}-03-04",
                   jp_earned="7.5").status_code == 200
    assert_exact("a completion recorded through REST")
    assert _record(hr, programme, "pegawai.disdik", completed_on=f"{OPEN_YEAR}-03-04",
                   jp_earned="12.25").status_code == 200
    assert_exact("its JP changed")
    assert _record(hr, programme, "pegawai.dinkes", completed_on=f"{OPEN_YEAR}-03-04", minutes=270).status_code == 200
    assert _set_minutes_per_jp(hr, "60", f"{OPEN_YEAR}-01-01").status_code == 201
    assert_exact("a completion in minutes after a new minutes-per-JP policy")
    client, headers = hr
    attended = client.post(f"/api/v1/training/programme/{programme}/participation", headers=headers,
                           json={"nip": employee_of("pegawai.disdik")[1], "status": "attended"})
    assert attended.status_code == 200, attended.get_data(as_text=True)
    assert_exact("a completion set back to attended")

    disdik, employee = agency_id("DISDIKBUD"), employee_of("admin.disdik")[0]
    with app.app_context():
        from app.extensions import db

        db.session.execute(insert(TrainingParticipation), [{
            "programme_id": programme, "employee_id": employee, "agency_id": disdik, "status": "completed",
            "completed_on": dt.date(OPEN_YEAR, 3, 4), "jp_earned": Decimal("3.75")}])
        db.session.commit()
        assert_exact("a bulk insert through the session")
        db.session.execute(update(TrainingParticipation).where(TrainingParticipation.programme_id == programme)
                           .values(completed_on=dt.date(OPEN_YEAR + 1, 1, 5)))
        db.session.commit()
        assert_exact("a bulk update that moves completions to the next year")
        row = db.session.scalar(select(TrainingParticipation).where(
            TrainingParticipation.programme_id == programme, TrainingParticipation.employee_id == employee))
        db.session.delete(row)
        db.session.commit()
        assert_exact("a row deleted")
        db.session.execute(delete(TrainingParticipation).where(TrainingParticipation.programme_id == programme))
        db.session.commit()
        assert_exact("a bulk delete")


def test_the_recount_gives_what_the_writes_kept(app, hr, programmes):  # noqa: F811
    assert _record(hr, programmes[OPEN_YEAR], "pegawai.dinkes", completed_on=f"{OPEN_YEAR}-03-04",
                   jp_earned="21").status_code == 200
    with database() as session:
        before = kept(session)
    with app.app_context():
        from app.extensions import db

        training_totals.rebuild(db.session.connection())
        db.session.commit()
    with database() as session:
        assert kept(session) == before == the_long_way(session)


def test_the_leaders_compliance_per_agency_is_what_the_completions_give(app, hr, programmes):  # noqa: F811
    # In the open year pegawai.dinkes reaches the 20 JP, pegawai.disdik stays just below.
    for username, jp in (("pegawai.dinkes", "20"), ("pegawai.disdik", "19.99")):
        assert _record(hr, programmes[OPEN_YEAR], username, completed_on=f"{OPEN_YEAR}-03-04",
                       jp_earned=jp).status_code == 200
    with database() as session:
        earned = the_long_way(session)
        expected = {}
        for agency, employee_id in session.execute(select(Agency.code, Employee.id).join(
                Agency, Employee.agency_id == Agency.id).where(*training.COMPLIANCE_POPULATION)):
            employees, compliant = expected.get(agency, (0, 0))
            expected[agency] = (employees + 1, compliant + (earned.get((employee_id, OPEN_YEAR), 0) >= 20))
    with app.test_request_context():
        flask.g.user = app.appbuilder.sm.find_user(username="hr.bkpsdm")
        figures = {row.agency.code: (row.figures.employees, row.figures.compliant)
                   for row in training.compliance_by_agency(OPEN_YEAR)}
    assert figures == expected and figures["DINKES"][1] == 1 and figures["DISDIKBUD"][1] == 0


def test_twenty_jp_completed_in_three_transactions_reach_twenty_in_sql(app):
    """8.12 + 8.68 + 3.20 JP, each completion committed on its own: the kept year is added to in SQL three times,
    and on SQLite a REAL addition would fall short of the 20 JP that compliance compares in SQL."""
    employee_id, dinkes = employee_of("pegawai.dinkes")[0], agency_id("DINKES")
    with database() as session:
        added = [_programme(session, f"TEST-TIGA-{number}", OPEN_YEAR) for number in range(3)]
        session.commit()
        ids = [programme.id for programme in added]
    try:
        for programme_id, jp in zip(ids, ("8.12", "8.68", "3.20")):
            with database() as session:
                session.add(TrainingParticipation(
                    programme_id=programme_id, employee_id=employee_id, agency_id=dinkes, status="completed",
                    completed_on=dt.date(OPEN_YEAR, 3, 4), jp_earned=Decimal(jp)))
                session.commit()
        with database() as session:
            reached = session.scalar(select(func.count()).select_from(EmployeeJpYear).where(
                EmployeeJpYear.employee_id == employee_id, EmployeeJpYear.year == OPEN_YEAR, EmployeeJpYear.jp >= 20))
        assert reached == 1
    finally:
        with database() as session:
            session.execute(delete(TrainingParticipation).where(TrainingParticipation.programme_id.in_(ids)))
            session.execute(delete(TrainingProgramme).where(TrainingProgramme.id.in_(ids)))
            session.commit()
