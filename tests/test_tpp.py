"""Attendance and the performance allowance on the demo (issue 23): a month of imported marks, approved
leave, an outage HR declared and approved activities give the employee an amount this test recomputes by
hand from the rule set; an objection accepted by the evaluator changes it as a new version; the recap
reconciles to the rupiah; scope and every refusal leave nothing written."""
import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

import pytest
from flask import g
from sqlalchemy import delete, func, select

from app.domain.messages import DomainError
from app.extensions import db
from app.models import Employee
from app.models.activity import DailyActivity
from app.models.attendance import AttendanceMark, AttendanceOutage, AttendancePin, LeaveRecord
from app.models.planning import Period
from app.models.tpp import RecordNeverChanges, TppCalculation, TppObjection, TppRuleSet
from app.services import attendance, tpp
from tests.helpers import agency_id, count, database, employee_of

EMPLOYEE, EVALUATOR, AGENCY_ADMIN, OTHER_ADMIN, HR = (
    "pegawai.disdik", "penilai.disdik", "admin.disdik", "admin.dinkes", "hr.bkpsdm")
# February 2026: 20 weekdays, one holiday (17th, Imlek) → 19 working days.
YEAR, MONTH = 2026, 2
HOLIDAY = dt.date(2026, 2, 17)
LATE_DAY, NO_OUT_DAY, ABSENT_DAY, DUTY_DAY, OUTAGE_DAY, EARLY_DAY = (
    dt.date(2026, 2, day) for day in (2, 3, 4, 5, 6, 9))
CUT_OFF = dt.date(2026, 3, 5)


@contextmanager
def acting(app, username):
    """A request context with ``g.user`` set, as FAB sets it for a signed-in request."""
    with app.test_request_context():
        g.user = app.appbuilder.sm.find_user(username=username)
        yield
        db.session.rollback()


def working_days():
    first = dt.date(YEAR, MONTH, 1)
    days = [first + dt.timedelta(days=offset) for offset in range(28)]
    return [day for day in days if day.weekday() < 5 and day != HOLIDAY]


def february_marks(employee_id):
    with database() as session:
        return session.scalar(select(func.count()).select_from(AttendanceMark).where(
            AttendanceMark.employee_id == employee_id, AttendanceMark.marked_at >= dt.datetime(2026, 2, 1),
            AttendanceMark.marked_at < dt.datetime(2026, 3, 1)))


def machine_export(nip, pin):
    """A fingerprint machine's CSV: the employee by NIP on most days, by PIN on one; on time but for the
    late arrival, the missing departure, the absence, the duty day, the outage day and the early leave."""
    lines = ["NIP;PIN;Tanggal;Jam;Status"]
    for day in working_days():
        if day in (ABSENT_DAY, DUTY_DAY, OUTAGE_DAY):
            continue
        arrive = "08:15:10" if day == LATE_DAY else "07:15:00"
        leave = "15:00:00" if day == EARLY_DAY else ("16:35:00" if day.weekday() == 4 else "16:05:00")
        who = f";{pin}" if day == dt.date(2026, 2, 10) else f"{nip};"
        lines.append(f"{who};{day:%d-%m-%Y};{arrive};C/In")
        if day != NO_OUT_DAY:
            lines.append(f"{who};{day:%d-%m-%Y};{leave};C/Out")
    lines.append(f"{nip};;{dt.date(2026, 2, 11):%d-%m-%Y};07:15:00;C/In")   # the same mark twice in one file
    lines.append("199001012015011999;;11-02-2026;07:00;C/In")             # nobody in this agency
    lines.append(f"{nip};;31-02-2026;07:00;C/In")                          # no such day
    return "\n".join(lines).encode()


RULES = {**tpp.DEMO_RULES}


@pytest.fixture(scope="module")
def month(app):
    """The scenario, built through the use-cases; removed afterwards (other files share the database)."""
    employee_id, nip, _ = employee_of(EMPLOYEE)
    disdik = agency_id("DISDIKBUD")
    with acting(app, HR):
        rule_set_id = tpp.save_rule_set(YEAR, RULES, "Perbup Bulungan tentang TPP 2026 (demo)").id
        attendance.declare_outage(disdik, OUTAGE_DAY, OUTAGE_DAY, "Mesin sidik jari rusak")
    with acting(app, AGENCY_ADMIN):
        attendance.set_pin(employee_id, "1077")
        preview = attendance.plan_marks(machine_export(nip, "1077"), "mesin-februari.csv", disdik)
        imported = attendance.import_marks(machine_export(nip, "1077"), "mesin-februari.csv", disdik)
        again = attendance.import_marks(machine_export(nip, "1077"), "mesin-februari.csv", disdik)
    with acting(app, EMPLOYEE):
        duty = attendance.request_leave("DINAS_LUAR", DUTY_DAY, DUTY_DAY, "Rapat koordinasi di Tarakan").id
    with acting(app, EVALUATOR):
        attendance.decide_leave(duty, True)
    with database() as session:
        employee = session.get(Employee, employee_id)
        period = session.scalar(select(Period).where(Period.year == YEAR))
        # Ten approved activities of four hours (2,400 minutes) and one submitted (not counted).
        for index, day in enumerate(working_days()[8:19]):
            session.add(DailyActivity(
                employee_id=employee.id, agency_id=employee.agency_id, unit_id=employee.unit_id, period_id=period.id,
                activity_date=day, start_time=dt.time(8, 0), end_time=dt.time(12, 0), description="Menyusun draf",
                volume=Decimal(1), output_unit="dokumen", status="submitted" if index == 10 else "approved"))
        session.commit()
    yield {"employee_id": employee_id, "agency_id": disdik, "preview": preview, "imported": imported,
           "again": again, "rule_set_id": rule_set_id}
    with database() as session:
        session.execute(delete(TppObjection))
        session.execute(delete(TppCalculation).where(TppCalculation.year == YEAR, TppCalculation.month == MONTH))
        session.execute(delete(TppRuleSet).where(TppRuleSet.id >= rule_set_id))
        session.execute(delete(AttendanceMark).where(AttendanceMark.marked_at < dt.datetime(2026, 3, 1),
                                                     AttendanceMark.marked_at >= dt.datetime(2026, 2, 1)))
        for model in (AttendancePin, LeaveRecord, AttendanceOutage):
            session.execute(delete(model))
        session.execute(delete(DailyActivity).where(DailyActivity.employee_id == employee_id,
                                                    DailyActivity.activity_date.between(working_days()[0],
                                                                                        working_days()[-1])))
        session.commit()


def test_the_import_previews_then_writes_once_and_a_second_import_adds_nothing(month):
    marks = 2 * 16 - 1          # 16 days with marks, one without its departure
    assert month["preview"].counts == {"new": marks, "stored": 1, "rejected": 2}
    rejected = [row.error.field for row in month["preview"].rows if row.status == "rejected"]
    assert rejected == ["nip", "date"]
    assert month["imported"] == {"new": marks, "stored": 1, "rejected": 2}
    assert month["again"] == {"new": 0, "stored": marks + 1, "rejected": 2}
    assert february_marks(month["employee_id"]) == marks


def test_the_month_by_hand(app, month):
    """Base (PELAKSANA) 2,500,000: performance part 60 % = 1,500,000, discipline part 40 % = 1,000,000.
    19 working days, one on official duty → 18 expected × 300 minutes = 5,400; 2,400 approved → 44.44 %;
    1,500,000 × 44.44 % = 666,600. Deductions of the discipline part: 2 Feb 45 minutes late (tier 31–60)
    1 %; 3 Feb no departure mark 1.5 %; 4 Feb absent without reason 3 %; 9 Feb 60 minutes early (tier
    31–60) 1 %; 5 Feb (duty) and 6 Feb (outage) cost nothing: 6.5 % → 1,000,000 − 65,000 = 935,000.
    Amount 666,600 + 935,000 = 1,601,600."""
    with acting(app, AGENCY_ADMIN):
        with pytest.raises(DomainError) as early:
            tpp.calculate_month(month["agency_id"], YEAR, MONTH, on=CUT_OFF - dt.timedelta(days=1))
        assert early.value.params["date"] == "05-03-2026"
        run = tpp.calculate_month(month["agency_id"], YEAR, MONTH, on=CUT_OFF)
        assert run.calculated >= 1
    with acting(app, EMPLOYEE):
        [mine] = tpp.my_calculations()
        assert (mine.base_amount, mine.achievement_percent, mine.performance_paid) == (
            2_500_000, Decimal("44.44"), 666_600)
        assert (mine.deduction_percent, mine.discipline_paid, mine.amount, mine.payable) == (
            Decimal("6.5"), 935_000, 1_601_600, 1_601_600)
        why = mine.details
        assert [(cut["day"], cut["rule"], cut["percent"], cut["amount"]) for cut in why["deductions"]] == [
            ("2026-02-02", "LATE", "1", "10000"), ("2026-02-03", "MISSING_OUT", "1.5", "15000"),
            ("2026-02-04", "ABSENT", "3", "30000"), ("2026-02-09", "EARLY", "1", "10000")]
        assert why["deductions"][0]["minutes"] == 45 and why["deductions"][0]["tier"] == [31, 60]
        assert why["days"] == {"PRESENT": 16, "ABSENT": 1, "LEAVE": 1, "OUTAGE": 1}
        assert (why["target_minutes"], why["approved_minutes"]) == (5400, 2400)


def test_a_second_run_leaves_the_closed_month_alone(app, month):
    with acting(app, AGENCY_ADMIN):
        run = tpp.calculate_month(month["agency_id"], YEAR, MONTH, on=CUT_OFF)
    assert run.calculated == 0 and run.already_closed >= 1
    assert count(TppCalculation, employee_id=month["employee_id"]) == 1


def test_a_calculation_never_changes(app, month):
    with acting(app, HR):
        calculation = db.session.scalar(select(TppCalculation).where(
            TppCalculation.employee_id == month["employee_id"]))
        calculation.amount = 9_999_999
        with pytest.raises(RecordNeverChanges):
            db.session.flush()


def test_scope_an_agency_admin_computes_only_their_agencies_and_an_employee_sees_only_their_own(app, month):
    with acting(app, OTHER_ADMIN):
        with pytest.raises(DomainError) as refused:
            tpp.calculate_month(month["agency_id"], YEAR, MONTH, on=CUT_OFF)
        assert refused.value.field == "agency"
        with pytest.raises(DomainError):
            tpp.recap(month["agency_id"], YEAR, MONTH)
        with pytest.raises(DomainError):
            attendance.plan_marks(b"NIP;Waktu\n", "x.csv", month["agency_id"])
    with acting(app, EMPLOYEE):
        assert {row.employee_id for row in tpp.my_calculations()} == {month["employee_id"]}
        assert db.session.scalars(tpp.newest_versions()).all() == tpp.my_calculations()


def test_leave_is_decided_only_by_the_evaluator(app, month):
    with acting(app, EMPLOYEE):
        request_id = attendance.request_leave("CUTI", dt.date(2026, 3, 2), dt.date(2026, 3, 3), "Cuti tahunan").id
        with pytest.raises(DomainError) as overlapping:
            attendance.request_leave("IZIN", dt.date(2026, 3, 3), dt.date(2026, 3, 3), "Urusan keluarga")
        assert overlapping.value.field == "starts_on"
        with pytest.raises(DomainError):
            attendance.decide_leave(request_id, True)        # not one's own
    with acting(app, AGENCY_ADMIN):
        with pytest.raises(DomainError):
            attendance.decide_leave(request_id, True)        # not the evaluator
    with acting(app, EVALUATOR):
        with pytest.raises(DomainError) as no_reason:
            attendance.decide_leave(request_id, False, "  ")
        assert no_reason.value.field == "note"
        assert attendance.decide_leave(request_id, False, "Bentrok dengan jadwal ujian").status == "rejected"


def test_only_hr_declares_an_outage(app, month):
    with acting(app, AGENCY_ADMIN):
        with pytest.raises(DomainError):
            attendance.declare_outage(month["agency_id"], dt.date(2026, 2, 10), dt.date(2026, 2, 10), "Listrik padam")
    assert count(AttendanceOutage) == 1


def test_an_accepted_objection_recalculates_the_month_as_a_new_version(app, month):
    """The employee was at a meeting on 4 Feb: the evaluator accepts the objection for that day; the
    deductions drop to 3.5 % (965,000) and the amount to 666,600 + 965,000 = 1,631,600 as version 2."""
    with acting(app, EMPLOYEE):
        [mine] = tpp.my_calculations()
        objection_id = tpp.file_objection(mine.id, "Tanggal 4 saya rapat di kantor bupati; mesin tidak mencatat.").id
        with pytest.raises(DomainError):
            tpp.file_objection(mine.id, "Sekali lagi")     # one waiting objection per month
        with pytest.raises(DomainError):
            tpp.decide_objection(objection_id, True, excused_days=[ABSENT_DAY])   # not one's own
    with acting(app, EVALUATOR):
        with pytest.raises(DomainError) as outside:
            tpp.decide_objection(objection_id, True, excused_days=[dt.date(2026, 3, 4)])
        assert outside.value.field == "excused_days"
        decided = tpp.decide_objection(objection_id, True, "Undangan rapat terlampir", [ABSENT_DAY])
        assert decided.status == "accepted" and decided.correction.version == 2
    with acting(app, EMPLOYEE):
        [newest] = tpp.my_calculations()
        assert (newest.version, newest.deduction_percent, newest.discipline_paid, newest.amount) == (
            2, Decimal("3.5"), 965_000, 1_631_600)
        assert newest.details["days"]["EXCUSED"] == 1
    with database() as session:
        first = session.scalar(select(TppCalculation).where(TppCalculation.employee_id == month["employee_id"],
                                                            TppCalculation.version == 1))
        assert first.amount == 1_601_600      # what finance was told stays on record


def test_the_recap_totals_reconcile_to_the_rupiah_with_the_newest_versions(app, month):
    with acting(app, AGENCY_ADMIN):
        summary = tpp.recap(month["agency_id"], YEAR, MONTH)
        mine = [row for row in summary.rows if row.employee_id == month["employee_id"]]
        assert [row.version for row in mine] == [2]
        assert summary.totals["amount"] == sum(Decimal(row.amount) for row in summary.rows)
    assert summary.totals["amount"] == summary.totals["performance_paid"] + summary.totals["discipline_paid"]


def test_what_if_of_the_current_month_writes_nothing(app, month):
    with acting(app, EMPLOYEE):
        result = tpp.what_if(on=dt.date(2026, 2, 5))
        on_the_day_of_the_absence = tpp.what_if(on=ABSENT_DAY)
    # On the 5th, 2, 3, 4 Feb are over: late 1 %, no departure 1.5 %, absent 3 %; 3 days × 300 = 900 minutes
    # expected, none approved yet.
    assert (result.working_days, result.deduction_percent, result.performance_paid) == (3, Decimal("5.5"), 0)
    # On the 4th itself the day is still under way: no absence yet.
    assert (on_the_day_of_the_absence.working_days, on_the_day_of_the_absence.deduction_percent) == (
        2, Decimal("2.5"))
    assert count(TppCalculation, employee_id=month["employee_id"]) == 2


def test_the_employee_s_days_show_today_once_something_is_recorded_never_as_absent(app, month, monkeypatch):
    listed = {}
    for day in (NO_OUT_DAY, ABSENT_DAY, dt.date(2026, 2, 5)):
        monkeypatch.setattr(tpp, "today", lambda day=day: day)
        with acting(app, EMPLOYEE):
            listed[day] = {row.day: row for row in tpp.days_of(None, YEAR, MONTH)}
    # At dawn on the 3rd the arrival is in (the departure is still to come): the day is listed, as present.
    assert max(listed[NO_OUT_DAY]) == NO_OUT_DAY and listed[NO_OUT_DAY][NO_OUT_DAY].status == "PRESENT"
    # On the 4th nothing is recorded yet: the day is not listed as absent while it is under way ...
    assert max(listed[ABSENT_DAY]) == NO_OUT_DAY
    # ... and it is, once it is over.
    assert listed[dt.date(2026, 2, 5)][ABSENT_DAY].status == "ABSENT"


def test_a_wrong_rule_set_is_refused_and_nothing_saved(app, month):
    before = count(TppRuleSet)
    with acting(app, HR):
        with pytest.raises(DomainError) as refused:
            tpp.save_rule_set(YEAR, {**RULES, "performance_percent": 70}, "salah ketik")
    assert refused.value.field == "discipline_percent"
    with acting(app, AGENCY_ADMIN):
        with pytest.raises(DomainError):
            tpp.save_rule_set(YEAR, RULES, "bukan HR")
    assert count(TppRuleSet) == before


# --- REST ------------------------------------------------------------------------------------------------

def test_rest_the_employee_reads_their_month_and_why_and_nothing_of_others(api_as, month):
    client, headers = api_as(EMPLOYEE)
    mine = client.get("/api/v1/allowance/mine", headers=headers)
    assert mine.status_code == 200
    [newest] = mine.json["result"]
    assert (newest["version"], newest["amount"], newest["discipline_paid"]) == (2, 1_631_600, 965_000)
    assert [cut["rule"] for cut in newest["explanation"]["deductions"]] == ["LATE", "MISSING_OUT", "EARLY"]
    with database() as session:
        foreign = session.scalar(select(TppCalculation.id).where(TppCalculation.employee_id != month["employee_id"]))
    assert client.get(f"/api/v1/allowance/{foreign}", headers=headers).status_code == 404
    days = client.get(f"/api/v1/allowance/attendance/days?year={YEAR}&month={MONTH}", headers=headers).json["result"]
    assert [(day["day"], day["status"], day["late_minutes"]) for day in days[:2]] == [
        ("2026-02-02", "PRESENT", 45), ("2026-02-03", "PRESENT", 0)]
    assert len(days) == 19


def test_rest_refusals_answer_400_in_indonesian_and_write_nothing(api_as, month):
    client, headers = api_as(EMPLOYEE)
    before = count(LeaveRecord)
    refused = client.post("/api/v1/allowance/leave?_l_=id", headers=headers,
                          json={"kind": "LIBUR", "starts_on": "2026-04-01", "ends_on": "2026-04-01", "reason": "x"})
    assert refused.status_code == 400 and refused.json["message"]
    bad_date = client.post("/api/v1/allowance/leave", headers=headers,
                           json={"kind": "CUTI", "starts_on": "1-4-2026", "ends_on": "2026-04-01", "reason": "x"})
    assert bad_date.status_code == 400
    assert count(LeaveRecord) == before
    other, other_headers = api_as(OTHER_ADMIN)
    recap = other.get(f"/api/v1/allowance/recap?agency_id={month['agency_id']}&year={YEAR}&month={MONTH}",
                      headers=other_headers)
    assert recap.status_code == 400
    calculated = other.post("/api/v1/allowance/calculate", headers=other_headers,
                            json={"agency_id": month["agency_id"], "year": YEAR, "month": MONTH})
    assert calculated.status_code == 400


def test_rest_the_agency_admin_previews_an_export_and_reads_the_recap(api_as, month):
    import io

    _, nip, _ = employee_of(EMPLOYEE)
    client, headers = api_as(AGENCY_ADMIN)
    preview = client.post("/api/v1/allowance/attendance/preview", headers=headers, data={
        "agency_id": str(month["agency_id"]), "file": (io.BytesIO(machine_export(nip, "1077")), "mesin.csv")})
    assert preview.status_code == 200
    assert preview.json["result"]["counts"] == {"new": 0, "stored": 32, "rejected": 2}
    assert [row["field"] for row in preview.json["result"]["rejected"]] == ["nip", "date"]
    recap = client.get(f"/api/v1/allowance/recap?agency_id={month['agency_id']}&year={YEAR}&month={MONTH}",
                       headers=headers).json["result"]
    assert recap["totals"]["amount"] == sum(row["amount"] for row in recap["rows"])
    assert recap["totals"]["payable"] == sum(row["payable"] for row in recap["rows"])


# --- the signed recap for the finance office ----------------------------------------------------------

def test_the_head_of_agency_signs_the_recap_and_anyone_verifies_it(app, month):
    import io
    import re

    from pypdf import PdfReader

    from app.models.document import SignedDocument, SigningCredential
    from tests.conftest import csrf_token, login

    key = f"{month['agency_id']}-{YEAR}-{MONTH:02d}"
    head_id = employee_of("kadis.disdik")[0]
    with database() as session:
        credential_id = session.scalar(select(SigningCredential.id).where(
            SigningCredential.employee_id == head_id, SigningCredential.active.is_(True)))
    head = app.test_client()
    assert login(head, "kadis.disdik").status_code == 302
    page = f"/documents/tpp_recap/{key}"
    assert head.get(page).status_code == 200
    signed = head.post(f"{page}/sign", data={"credential": credential_id, "passphrase": "Sikinerja#2026",
                                             "csrf_token": csrf_token(head, page)})
    assert signed.status_code in (200, 302)
    with database() as session:
        row = session.scalar(select(SignedDocument).where(SignedDocument.kind_code == "tpp_recap",
                                                          SignedDocument.subject_key == key))
        pdf, code = row.content.pdf, row.code
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    _, nip, _ = employee_of(EMPLOYEE)
    assert re.sub(r"\s", "", nip) in re.sub(r"\s", "", text)
    with acting(app, AGENCY_ADMIN):
        total = tpp.recap(month["agency_id"], YEAR, MONTH).totals["amount"]
    assert f"{int(total):,}".replace(",", ".") in text       # the total, in Indonesian thousands
    public = app.test_client()
    public.get("/verify/?lang=en")
    answer = public.post("/verify/", data={"pdf": (io.BytesIO(pdf), "rekap.pdf"),
                                           "csrf_token": csrf_token(public, "/verify/")},
                         content_type="multipart/form-data").get_data(as_text=True)
    assert 'class="verdict genuine"' in answer and code in answer
    other = app.test_client()
    assert login(other, OTHER_ADMIN).status_code == 302
    assert other.get(page).status_code == 404


# --- pages -------------------------------------------------------------------------------------------------

def test_pages_the_employee_reads_their_days_and_why_on_a_phone(as_user, month):
    browser = as_user(EMPLOYEE)
    page = browser.get(f"/allowance/?month={YEAR}-{MONTH:02d}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "1.631.600" in text and "08:15" in text and 'name="viewport"' in text
    with database() as session:
        newest = session.scalar(select(TppCalculation.id).where(TppCalculation.employee_id == month["employee_id"],
                                                                TppCalculation.version == 2))
    why = browser.get(f"/allowance/calculation/{newest}").get_data(as_text=True)
    assert "965.000" in why and "10.000" in why and "02-02-2026" in why
    assert as_user(OTHER_ADMIN).get(f"/allowance/calculation/{newest}").status_code == 404


def test_pages_the_agency_admin_previews_confirms_and_exports(as_user, month):
    import io
    import re

    from openpyxl import load_workbook

    from tests.conftest import csrf_token

    _, nip, _ = employee_of(EMPLOYEE)
    browser = as_user(AGENCY_ADMIN)
    admin_page = f"/allowance/admin?agency_id={month['agency_id']}&month={YEAR}-{MONTH:02d}"
    before = count(AttendanceMark, employee_id=month["employee_id"])
    export = f"NIP;Waktu\n{nip};12-02-2026 12:10\n".encode()
    preview = browser.post("/allowance/import/preview", data={
        "agency_id": str(month["agency_id"]), "file": (io.BytesIO(export), "susulan.csv"),
        "csrf_token": csrf_token(browser, admin_page)}, content_type="multipart/form-data")
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert count(AttendanceMark, employee_id=month["employee_id"]) == before      # a preview writes nothing
    token = re.search(r'name="token" value="([0-9a-f]{48})"', text).group(1)
    confirmed = browser.post("/allowance/import/confirm", data={"token": token,
                                                                "csrf_token": csrf_token(browser, admin_page)})
    assert confirmed.status_code == 302
    assert count(AttendanceMark, employee_id=month["employee_id"]) == before + 1
    again = browser.post("/allowance/import/confirm", data={"token": token,
                                                            "csrf_token": csrf_token(browser, admin_page)})
    assert again.status_code == 400                                                  # used once
    workbook = browser.get(f"/allowance/recap.xlsx?agency_id={month['agency_id']}&month={YEAR}-{MONTH:02d}")
    assert workbook.status_code == 200
    sheet = load_workbook(io.BytesIO(workbook.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    body, total = rows[1:-1], rows[-1]
    assert total[9] == sum(row[9] for row in body) and total[11] == sum(row[11] for row in body)
    assert any(row[0] == nip and row[9] == 1_631_600 for row in body)


def test_the_command_line_calculates_a_month_and_leaves_a_closed_one_alone(app, month):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["allowance", "calculate", "--month", f"{YEAR}-{MONTH:02d}", "--agency", "DISDIKBUD"])
    assert result.exit_code == 0, result.output
    assert "DISDIKBUD: 0 calculated" in result.output
    refused = runner.invoke(args=["allowance", "calculate", "--month", "2026-13"])
    assert refused.exit_code != 0


def test_two_imports_of_the_same_marks_at_once_one_wins_the_other_is_told_and_writes_nothing(app, month,
                                                                                              monkeypatch):
    """The second import planned its rows before the first committed (simulated: it sees none stored): the
    unique key refuses it as a conflict (409 in the API), never a database error, and nothing is written."""
    from app.services.transaction import ConcurrentChange

    _, nip, _ = employee_of(EMPLOYEE)
    before = count(AttendanceMark)
    monkeypatch.setattr(attendance, "_stored_moments", lambda *_: set())
    with acting(app, AGENCY_ADMIN):
        with pytest.raises(ConcurrentChange):
            attendance.import_marks(machine_export(nip, "1077"), "mesin-februari.csv", month["agency_id"])
    assert count(AttendanceMark) == before


def test_pages_the_evaluator_decides_leave_from_the_queue(app, as_user, month):
    from tests.conftest import csrf_token

    with acting(app, EMPLOYEE):
        request_id = attendance.request_leave("SAKIT", dt.date(2026, 4, 6), dt.date(2026, 4, 7), "Demam").id
    employee = as_user(EMPLOYEE)
    own = employee.post(f"/allowance/leave/{request_id}/decide", data={
        "approve": "1", "csrf_token": csrf_token(employee, "/allowance/")})
    assert own.status_code == 400                           # nobody approves their own leave
    evaluator = as_user(EVALUATOR)
    queue = evaluator.get("/allowance/decisions").get_data(as_text=True)
    assert "Demam" in queue and "06-04-2026" in queue
    refused = evaluator.post(f"/allowance/leave/{request_id}/decide", data={
        "approve": "0", "note": "", "csrf_token": csrf_token(evaluator, "/allowance/decisions")})
    assert refused.status_code == 400                       # a rejection says why
    approved = evaluator.post(f"/allowance/leave/{request_id}/decide", data={
        "approve": "1", "csrf_token": csrf_token(evaluator, "/allowance/decisions")})
    assert approved.status_code == 302
    with database() as session:
        assert session.get(LeaveRecord, request_id).status == "approved"


def test_the_demo_has_the_rule_set_and_last_months_marks_and_seeding_again_adds_nothing(app):
    from app.demo.allowance import load_demo_allowance
    from app.services.activity import today

    first = (today() - dt.timedelta(days=today().day)).replace(day=1)
    with database() as session:
        marks = session.scalar(select(func.count()).select_from(AttendanceMark).where(
            AttendanceMark.source == "demo", AttendanceMark.marked_at >= dt.datetime.combine(first, dt.time())))
        employees = session.scalar(select(func.count()).select_from(Employee).where(Employee.active.is_(True)))
    assert marks > employees * 10                     # some twenty working days, most with two marks
    rule_sets = count(TppRuleSet, year=today().year)
    with app.app_context():
        load_demo_allowance()
    assert count(TppRuleSet, year=today().year) == rule_sets >= 1
    with database() as session:
        assert session.scalar(select(func.count()).select_from(AttendanceMark).where(
            AttendanceMark.source == "demo")) == marks
