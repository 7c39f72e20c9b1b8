"""Adoption per agency: signed in, reported in the last five working days, approved SKP; who attended
outreach but does not use the system; Excel for HR; scope."""
import datetime as dt
import io
from contextlib import contextmanager

from flask import g
from openpyxl import load_workbook
from sqlalchemy import select

from app.models import Employee, UserAccount
from app.models.activity import DailyActivity, OutreachAttendance
from app.models.planning import Period
from app.services import adoption
from app.services.activity import last_working_days, today
from tests.conftest import csrf_token
from tests.helpers import agency_id, count, database

KECAMATAN = "KEC-TJS"


@contextmanager
def signed_in_as(app, username):
    """A request context with ``g.user`` set, as FAB sets it for a signed-in request."""
    with app.test_request_context():
        g.user = app.appbuilder.sm.find_user(username=username)
        yield


def kecamatan_row(app, as_of):
    with signed_in_as(app, "hr.bkpsdm"):
        return next(row for row in adoption.adoption_by_agency(as_of) if row.agency.code == KECAMATAN)


def test_shares_count_sign_ins_recent_reports_and_nothing_else(app):
    on = today()
    with database() as session:
        people = session.scalars(select(Employee).where(Employee.agency_id == agency_id(KECAMATAN))
                                 .order_by(Employee.nip.desc())).all()
        reporter, signer, lapsed = people[0], people[1], people[2]
        reporter_id, lapsed_id = reporter.id, lapsed.id
        period = session.scalar(select(Period).where(Period.start_date <= on, Period.end_date >= on))
        # "Recently" is the last five working days up to today: the fifth back counts, the sixth does not.
        sixth_back, fifth_back = last_working_days(6, on)[:2]
        old = on - dt.timedelta(days=40)
        before = kecamatan_row(app, on)
        session.add_all([  # through the session, as the app writes: the running totals follow
            DailyActivity(employee_id=person.id, agency_id=person.agency_id, period_id=period.id,
                          activity_date=day, start_time=dt.time(8), end_time=dt.time(9), description="Rapat",
                          volume=1, output_unit="laporan", status="approved")
            for person, day in ((reporter, fifth_back), (reporter, old), (lapsed, sixth_back))])
        if not session.scalar(select(UserAccount.id).where(UserAccount.employee_id == signer.id)):
            app.appbuilder.sm.add_user("camat.staf", "Staf", "Kecamatan", "camat.staf@example.test",
                                       [app.appbuilder.sm.find_role("Employee")], "Sikinerja#2026")
            account = session.scalar(select(UserAccount).where(UserAccount.username == "camat.staf"))
            account.employee_id, account.last_login = signer.id, dt.datetime(2026, 11, 2, 8)
        session.commit()
    after = kecamatan_row(app, on)
    assert after.employees == before.employees == len(people)
    assert after.reported_recently == before.reported_recently + 1  # the 6- and 40-days-old reports do not count
    assert after.signed_in == before.signed_in + 1
    assert after.approved_plan == before.approved_plan
    assert float(after.reporting_share) == round(after.reported_recently * 100 / len(people), 1)
    with signed_in_as(app, "hr.bkpsdm"):
        idle = {row.employee.id for row in adoption.non_adopters(agency_id(KECAMATAN), on)}
    assert lapsed_id in idle and reporter_id not in idle


def test_outreach_attendees_who_do_not_report_come_first(app):
    with signed_in_as(app, "hr.bkpsdm"):
        rows = adoption.non_adopters(agency_id(KECAMATAN), today())
    with database() as session:
        attended = set(session.scalars(select(OutreachAttendance.employee_id).where(
            OutreachAttendance.agency_id == agency_id(KECAMATAN))))
    assert attended and rows[0].attended_outreach
    flags = [row.attended_outreach for row in rows]
    assert flags == sorted(flags, reverse=True)
    assert {row.employee.id for row in rows if row.attended_outreach} <= attended


def test_leader_sees_own_agency_only_and_cannot_export(as_user):
    leader = as_user("kadis.disdik")
    page = leader.get("/adoption/").get_data(as_text=True)
    assert "Dinas Pendidikan dan Kebudayaan" in page and "Kecamatan Tanjung Selor" not in page
    assert leader.get(f"/adoption/{agency_id(KECAMATAN)}").status_code == 404
    assert leader.get(f"/adoption/{agency_id('DISDIKBUD')}").status_code == 200
    assert leader.get(f"/adoption/{agency_id('DISDIKBUD')}/xlsx").status_code in (302, 403)


def test_hr_admin_exports_non_adopters_to_excel(as_user):
    response = as_user("hr.bkpsdm").get(f"/adoption/{agency_id(KECAMATAN)}/xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    nips = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert nips and all(len(nip) == 18 for nip in nips)
    with database() as session:
        kecamatan = set(session.scalars(select(Employee.nip).where(Employee.agency_id == agency_id(KECAMATAN))))
    assert set(nips) <= kecamatan


def test_attendance_of_another_agencys_employee_is_refused(as_user):
    client = as_user("admin.dinkes")
    with database() as session:
        from app.models.activity import OutreachEvent

        event = session.scalar(select(OutreachEvent.id).where(OutreachEvent.agency_id == agency_id("DINKES")))
        foreign = session.scalar(select(Employee.id).where(Employee.agency_id == agency_id("DISDIKBUD")))
        own = session.scalar(select(Employee.id).where(Employee.agency_id == agency_id("DINKES"))
                             .order_by(Employee.nip.desc()))
    before = count(OutreachAttendance)
    for employee, expected in ((foreign, before), (own, before + 1)):
        token = csrf_token(client, "/outreachattendanceview/add")
        client.post("/outreachattendanceview/add", data={"csrf_token": token, "event": str(event),
                                                         "employee": str(employee)})
        assert count(OutreachAttendance) == expected
