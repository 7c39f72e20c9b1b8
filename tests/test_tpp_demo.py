"""The demo month of every demo employee, recomputed by hand, and HR's correction of a closed month (issue 23).

The hand computation below uses only plain arithmetic on the rule set's numbers (the JSON HR entered) and the
rows the demo holds (machine marks, holidays, approved leave, outages, approved activities): it shares no code
with app.domain.tpp or app.services.tpp, so a slip in either shows up as a differing rupiah.
"""
import datetime as dt
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal

import pytest
from flask import g
from sqlalchemy import delete, or_, select

from app.extensions import db
from app.models import Employee, Position, PositionKind, Rank
from app.models.activity import DailyActivity, Holiday
from app.models.attendance import AttendanceMark, AttendanceOutage, LeaveRecord
from app.models.audit import AuditEntry
from app.models.notification import Notification
from app.models.organization import Agency
from app.models.tpp import TppCalculation, TppRuleSet
from app.services import tpp
from app.services.activity import today
from tests.conftest import csrf_token
from tests.helpers import count, database, employee_of

HR, EMPLOYEE, AGENCY_ADMIN, OTHER_ADMIN = "hr.bkpsdm", "pegawai.disdik", "admin.disdik", "admin.dinkes"
REASON = "Cuti tanggal ini disetujui atasan setelah tanggal batas"


@contextmanager
def acting(app, username):
    with app.test_request_context():
        g.user = app.appbuilder.sm.find_user(username=username)
        yield
        db.session.rollback()


def demo_month() -> tuple[int, int]:
    """The month the demo holds machine marks of: the last full one."""
    last = today() - dt.timedelta(days=today().day)
    return last.year, last.month


# --- the hand computation ---------------------------------------------------------------------------------

def rupiah(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def minutes_of(clock: dt.time) -> int:
    return clock.hour * 60 + clock.minute


def hh_mm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def tier_percent(tiers: list, minutes: int) -> Decimal:
    for first, last, percent in tiers:
        if minutes >= first and (last is None or minutes <= last):
            return Decimal(str(percent))
    raise AssertionError(f"no tier for {minutes} minutes")


def by_hand(session, employee_id: int, year: int, month: int, rules: dict, excused=()) -> dict:
    """What the regent's rules give the employee for the month, figured out from the stored rows."""
    first = dt.date(year, month, 1)
    after = (first + dt.timedelta(days=32)).replace(day=1)
    holidays = set(session.scalars(select(Holiday.date).where(Holiday.date >= first, Holiday.date < after)))
    days = [first + dt.timedelta(days=n) for n in range((after - first).days)]
    days = [day for day in days if day.weekday() < 5 and day not in holidays]
    employee = session.get(Employee, employee_id)
    kind = session.scalar(select(PositionKind.code).join(Position, Position.kind_id == PositionKind.id)
                          .where(Position.id == employee.position_id))
    rank = session.scalar(select(Rank.golongan).where(Rank.id == employee.rank_id)) if employee.rank_id else None
    rows = [row for row in rules["base_amounts"] if row["position_kind"] == kind]
    base = Decimal(str(next(row for row in sorted(rows, key=lambda row: row.get("rank") is None)
                            if not row.get("rank") or row.get("rank") == rank)["amount"]))
    leave_days = set()
    for starts_on, ends_on in session.execute(select(LeaveRecord.starts_on, LeaveRecord.ends_on).where(
            LeaveRecord.employee_id == employee_id, LeaveRecord.status == "approved")):
        leave_days |= {day for day in days if starts_on <= day <= ends_on}
    outage_days = set()
    for starts_on, ends_on in session.execute(select(AttendanceOutage.starts_on, AttendanceOutage.ends_on).where(
            or_(AttendanceOutage.agency_id.is_(None), AttendanceOutage.agency_id == employee.agency_id))):
        outage_days |= {day for day in days if starts_on <= day <= ends_on}
    marks = session.execute(select(AttendanceMark.marked_at, AttendanceMark.direction).where(
        AttendanceMark.employee_id == employee_id, AttendanceMark.marked_at >= dt.datetime(year, month, 1),
        AttendanceMark.marked_at < dt.datetime(after.year, after.month, 1))).all()
    schedule = rules["schedule"]
    cut = Decimal(0)
    for day in days:
        if day in outage_days or day in excused or day in leave_days:
            continue
        end = hh_mm(schedule["friday_ends"] if day.weekday() == 4 else schedule["ends"])
        midday = (hh_mm(schedule["starts"]) + end) // 2
        ins = [minutes_of(at.time()) for at, direction in marks if at.date() == day and (
            direction == "IN" or (direction is None and minutes_of(at.time()) < midday))]
        outs = [minutes_of(at.time()) for at, direction in marks if at.date() == day and (
            direction == "OUT" or (direction is None and minutes_of(at.time()) >= midday))]
        if not ins and not outs:
            cut += Decimal(str(rules["absent_percent"]))
            continue
        if not ins:
            cut += Decimal(str(rules["missing_in_percent"]))
        elif min(ins) > hh_mm(schedule["starts"]):
            cut += tier_percent(rules["late_tiers"], min(ins) - hh_mm(schedule["starts"]))
        if not outs:
            cut += Decimal(str(rules["missing_out_percent"]))
        elif max(outs) < end:
            cut += tier_percent(rules["early_tiers"], end - max(outs))
    approved = sum(minutes_of(end) - minutes_of(start) for start, end in session.execute(
        select(DailyActivity.start_time, DailyActivity.end_time).where(
            DailyActivity.employee_id == employee_id, DailyActivity.status == "approved",
            DailyActivity.activity_date >= first, DailyActivity.activity_date < after)))
    target = (len(days) - len(leave_days)) * rules["activity_minutes_per_day"]
    achieved = min((Decimal(approved) * 100 / target).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
                   Decimal(100)) if target else Decimal(100)
    performance = rupiah(base * Decimal(str(rules["performance_percent"])) / 100 * achieved / 100)
    applied = min(cut, Decimal(str(rules["discipline_cap_percent"])))
    discipline = rupiah(base * Decimal(str(rules["discipline_percent"])) / 100 * (100 - applied) / 100)
    return {"base_amount": base, "achievement_percent": achieved, "performance_paid": performance,
            "deduction_percent": cut, "discipline_paid": discipline, "amount": performance + discipline}


def stored(row: TppCalculation) -> dict:
    return {name: Decimal(getattr(row, name)) for name in (
        "base_amount", "achievement_percent", "performance_paid", "deduction_percent", "discipline_paid",
        "amount")}


# --- the demo month, calculated for every demo agency -----------------------------------------------------

@pytest.fixture(scope="module")
def calculated(app):
    year, month = demo_month()
    with database() as session:
        agencies = session.scalars(select(Agency.id).where(Agency.active.is_(True))).all()
        rule_set_id = session.scalar(select(TppRuleSet.id).where(TppRuleSet.year == year)
                                     .order_by(TppRuleSet.version.desc()).limit(1))
    opens = dt.date(year + month // 12, month % 12 + 1, 5)
    with acting(app, HR):
        runs = [tpp.calculate_month(agency, year, month, on=opens) for agency in agencies]
    yield {"year": year, "month": month, "runs": runs, "rule_set_id": rule_set_id}
    with database() as session:
        session.execute(delete(Notification).where(Notification.kind == tpp.TPP_CORRECTED))
        session.execute(delete(TppCalculation).where(TppCalculation.year == year, TppCalculation.month == month))
        session.execute(delete(LeaveRecord).where(LeaveRecord.reason.like("Cuti disetujui terlambat%")))
        session.commit()


def test_every_demo_employee_s_month_recomputed_by_hand(calculated):
    year, month = calculated["year"], calculated["month"]
    with database() as session:
        rows = session.scalars(select(TppCalculation).where(
            TppCalculation.year == year, TppCalculation.month == month)).all()
        assert len(rows) == sum(run.calculated for run in calculated["runs"])
        assert len(rows) >= count(Employee, active=True) - sum(len(run.not_computed) for run in calculated["runs"])
        assert len(rows) >= 20
        cut_somewhere = False
        for row in rows:
            rules = session.get(TppRuleSet, row.rule_set_id).data
            expected = by_hand(session, row.employee_id, year, month, rules)
            assert stored(row) == expected, row.employee.name
            cut_somewhere |= expected["deduction_percent"] > 0
        assert cut_somewhere            # the demo's late arrivals and missing marks do cost something


# --- HR's correction of a closed month ----------------------------------------------------------------

def _deducted_day(row: TppCalculation) -> dt.date:
    """The day of the month a late leave approval will excuse: a day the employee was cut for, else any
    working day they were expected (its minutes leave the activity target)."""
    cuts = row.details["deductions"]
    if cuts:
        return dt.date.fromisoformat(cuts[0]["day"])
    return dt.date(row.year, row.month, 1) + dt.timedelta(days=(7 - dt.date(row.year, row.month, 1).weekday()) % 7)


@pytest.fixture(scope="module")
def late_leave(calculated):
    """The employee's leave for one day of the month, approved after the month was calculated (data only: the
    approval itself is tested in tests/test_tpp.py)."""
    employee_id = employee_of(EMPLOYEE)[0]
    with database() as session:
        first = session.scalar(select(TppCalculation).where(
            TppCalculation.employee_id == employee_id, TppCalculation.year == calculated["year"],
            TppCalculation.month == calculated["month"]))
        day = _deducted_day(first)
        employee = session.get(Employee, employee_id)
        session.add(LeaveRecord(agency_id=employee.agency_id, employee_id=employee_id, kind="CUTI", starts_on=day,
                                ends_on=day, reason="Cuti disetujui terlambat oleh atasan", status="approved"))
        session.commit()
        return {"employee_id": employee_id, "first_id": first.id, "first_amount": int(first.amount), "day": day}


def _versions(employee_id, calculated) -> int:
    with database() as session:
        return len(session.scalars(select(TppCalculation.id).where(
            TppCalculation.employee_id == employee_id, TppCalculation.year == calculated["year"],
            TppCalculation.month == calculated["month"])).all())


def test_rest_only_hr_corrects_and_a_foreign_agency_s_month_is_not_found(api_as, calculated, late_leave):
    path = f"/api/v1/allowance/{late_leave['first_id']}/correction"
    for username in (EMPLOYEE, AGENCY_ADMIN):
        client, headers = api_as(username)
        assert client.post(path, headers=headers, json={"reason": "Cuti disetujui terlambat"}).status_code == 403
    client, headers = api_as(OTHER_ADMIN)
    assert client.post(path, headers=headers, json={"reason": "Cuti disetujui terlambat"}).status_code == 404
    client, headers = api_as(HR)
    no_reason = client.post(f"{path}?_l_=id", headers=headers, json={"reason": "   "})
    assert no_reason.status_code == 400 and no_reason.json["message"]
    assert _versions(late_leave["employee_id"], calculated) == 1
    assert count(Notification, kind=tpp.TPP_CORRECTED) == 0


def test_rest_hr_s_correction_is_the_next_version_with_the_amount_by_hand(api_as, calculated, late_leave):
    client, headers = api_as(HR)
    answer = client.post(f"/api/v1/allowance/{late_leave['first_id']}/correction", headers=headers,
                         json={"reason": REASON})
    assert answer.status_code == 201, answer.json
    correction = answer.json["result"]
    with database() as session:
        expected = by_hand(session, late_leave["employee_id"], calculated["year"], calculated["month"],
                           session.get(TppRuleSet, calculated["rule_set_id"]).data)
        first = session.get(TppCalculation, late_leave["first_id"])
        assert int(first.amount) == late_leave["first_amount"]            # what finance was told stays
        # Who corrected, and why, in the audit log.
        audit = next(entry.username for entry in session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "TppCalculation").order_by(AuditEntry.id.desc()).limit(5))
            if (entry.changes.get("correction_reason") or {}).get("after") == REASON)
    assert correction["version"] == 2 and correction["amount"] == int(expected["amount"])
    assert correction["amount"] != late_leave["first_amount"]
    assert correction["correction_reason"] == REASON
    assert audit == HR
    assert correction["explanation"]["days"]["LEAVE"] == 1
    employee, employee_headers = api_as(EMPLOYEE)
    [mine] = [row for row in employee.get("/api/v1/allowance/mine", headers=employee_headers).json["result"]
              if (row["year"], row["month"]) == (calculated["year"], calculated["month"])]
    assert (mine["version"], mine["amount"]) == (2, correction["amount"])
    notices = employee.get("/api/v1/notification/", headers=employee_headers).get_data(as_text=True)
    assert f"{calculated['month']:02d}-{calculated['year']}" in notices


def test_a_stale_version_or_a_correction_that_changes_nothing_is_refused(api_as, calculated, late_leave):
    client, headers = api_as(HR)
    stale = client.post(f"/api/v1/allowance/{late_leave['first_id']}/correction", headers=headers,
                        json={"reason": "Koreksi dari versi lama"})
    assert stale.status_code == 409
    with database() as session:
        newest = session.scalar(select(TppCalculation.id).where(
            TppCalculation.employee_id == late_leave["employee_id"], TppCalculation.version == 2))
    same = client.post(f"/api/v1/allowance/{newest}/correction?_l_=id", headers=headers,
                       json={"reason": "Tidak ada data yang berubah"})
    assert same.status_code == 400 and "2" in same.json["message"]
    assert _versions(late_leave["employee_id"], calculated) == 2


def test_pages_hr_sees_the_form_and_the_employee_is_led_to_the_new_version(as_user, calculated, late_leave):
    with database() as session:
        newest = session.scalar(select(TppCalculation.id).where(
            TppCalculation.employee_id == late_leave["employee_id"], TppCalculation.version == 2))
    hr = as_user(HR)
    old_page = hr.get(f"/allowance/calculation/{late_leave['first_id']}").get_data(as_text=True)
    assert f"/allowance/calculation/{newest}" in old_page and "/correction" not in old_page
    page = f"/allowance/calculation/{newest}"
    assert f"{page}/correction" in hr.get(page).get_data(as_text=True)
    refused = hr.post(f"{page}/correction", data={"reason": "", "csrf_token": csrf_token(hr, page)})
    assert refused.status_code == 400
    employee = as_user(EMPLOYEE)
    own = employee.get(page).get_data(as_text=True)
    assert f"{page}/correction" not in own
    assert employee.post(f"{page}/correction", data={"reason": "Saya ubah sendiri",
                                                     "csrf_token": csrf_token(employee, page)}).status_code == 403
    other = as_user(OTHER_ADMIN)
    assert other.post(f"{page}/correction", data={"reason": "x", "csrf_token": csrf_token(other, "/allowance/")
                                                  }).status_code == 404
    assert _versions(late_leave["employee_id"], calculated) == 2
