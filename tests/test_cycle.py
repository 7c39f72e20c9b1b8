"""The calendar of the cycle (issue 23, PermenPANRB 6/2022 annex Bab IV–V): a period's deadlines as data that
HR adjusts (REST, audited, bad values refused), reminders before a deadline to the one who must act — once,
in the app and by e-mail — and the hand-off of an overdue evaluation to the evaluator's superior, after which
the old evaluator is refused and the superior acts, visible on the page and the PDF; overdue items in scope.

The demo chain of Disdikbud: the kabid (employee 11, no demo account: this file gives him one) evaluates the
kasi (penilai.disdik), whose approved 2026 SKP has no evaluation of the first quarter; the kabid's own
superior is the head of agency (kadis.disdik)."""
import datetime as dt
import io
import smtplib

import pytest
from pypdf import PdfReader
from sqlalchemy import delete, func, select

from app.domain import cycle_deadlines as rules
from app.models import Agency, Employee, UserAccount
from app.models.audit import AuditEntry
from app.models.cycle import CycleDeadline, DeadlineReminder, EvaluationHandOff
from app.models.evaluation import Evaluation
from app.models.notification import Notification
from app.models.planning import Period, WorkPlan
from tests.helpers import agency_id, database, employee_of

KABID_ACCOUNT = "kabid.cycle-test"
FIRST_QUARTER = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))


def said(message, **params):
    """A message as the Indonesian user reads it (the default language): the catalogue's translation."""
    from flask_babel import force_locale, gettext

    from tests import helpers

    with helpers._app.test_request_context(), force_locale("id"):
        return gettext(message, **params)


def _tick(app, day):
    from app.services import cycle

    with app.app_context():
        return cycle.tick(day)


@pytest.fixture(scope="module")
def chain(app):
    """Employee ids of the kasi, her evaluator (the kabid, given an account here) and his superior, the kasi's
    2026 plan, the first quarter's delivery deadline and the day of its reminder."""
    from app.services.activity import holidays_between

    kasi = employee_of("penilai.disdik")[0]
    superior = employee_of("kadis.disdik")[0]
    with app.app_context():
        from app.extensions import db

        plan = db.session.scalar(select(WorkPlan).join(Period).where(
            WorkPlan.employee_id == kasi, Period.year == 2026, WorkPlan.status == "approved"))
        kabid = plan.evaluator_id
        sm = app.appbuilder.sm
        sm.add_user(username=KABID_ACCOUNT, first_name="Kabid", last_name="SD", email="kabid.sd@example.go.id",
                    role=[sm.find_role("Evaluator"), sm.find_role("Employee")], password="Sikinerja#2026")
        user = sm.find_user(username=KABID_ACCOUNT)
        user.employee = db.session.get(Employee, kabid)
        db.session.commit()
        holidays = holidays_between(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
        deadlines = rules.default_deadlines(2026)
        due = rules.evaluation_due(FIRST_QUARTER[1], deadlines, holidays)
        reminder = rules.reminder_day(due, deadlines, holidays)
        plan_id = plan.id
        address = user.employee.email or user.email
    yield {"kasi": kasi, "kabid": kabid, "superior": superior, "plan": plan_id, "due": due, "reminder": reminder,
           "kabid_address": address}
    with app.app_context():
        from app.extensions import db

        for hand_off in db.session.scalars(select(EvaluationHandOff)).all():
            db.session.delete(hand_off.evaluation)
            db.session.delete(hand_off)
        for evaluation in db.session.scalars(select(Evaluation).where(
                Evaluation.employee_id == kabid, Evaluation.window_start == FIRST_QUARTER[0],
                Evaluation.kind == "QUARTERLY")).all():
            db.session.delete(evaluation)
        db.session.execute(delete(DeadlineReminder))
        db.session.execute(delete(Notification).where(Notification.kind.like("deadline_%")
                                                      | Notification.kind.like("evaluation_%")))
        for row in db.session.scalars(select(CycleDeadline)).all():
            db.session.delete(row)
        user = app.appbuilder.sm.find_user(username=KABID_ACCOUNT)
        db.session.execute(delete(Notification).where(Notification.recipient_id == user.id))
        db.session.delete(user)
        db.session.commit()


def _account_id(username):
    with database() as session:
        return session.scalar(select(UserAccount.id).where(UserAccount.username == username))


def _notifications(username, kind):
    with database() as session:
        return session.scalar(select(func.count()).select_from(Notification).where(
            Notification.recipient_id == _account_id(username), Notification.kind == kind))


def _first_quarter_evaluation(kasi):
    """The id, status, evaluator and predikat of the kasi's first-quarter evaluation (None while there is none)."""
    with database() as session:
        row = session.execute(select(Evaluation.id, Evaluation.status, Evaluation.evaluator_id, Evaluation.predikat)
                              .where(Evaluation.employee_id == kasi, Evaluation.kind == "QUARTERLY",
                                     Evaluation.window_start == FIRST_QUARTER[0])).first()
        return row._asdict() if row else None


# --- deadlines as data ------------------------------------------------------------------------------

def _period_2026():
    with database() as session:
        return session.scalar(select(Period.id).where(Period.year == 2026))


def test_a_period_shows_the_regulations_deadlines_until_hr_adjusts_them(api_as):
    client, headers = api_as("hr.bkpsdm")
    url = f"/api/v1/cycle/deadlines/{_period_2026()}"
    answer = client.get(url, headers=headers)
    assert answer.status_code == 200
    assert answer.json["result"] == {"period_id": _period_2026(), "default": True, "skp_due": "2026-01-31",
                                     "evaluation_days": 14, "return_days": 14, "report_days": 30,
                                     "objection_days": 14, "objection_decision_days": 7, "reminder_days": 3}

    refused = client.put(url + "?_l_=id", headers=headers, json={"evaluation_days": 0, "report_days": 31})
    assert refused.status_code == 400
    assert refused.json["message"] == said("A deadline must be a whole number of working days from 1 to %(max)d.",
                                           max=60)
    outside = client.put(url, headers=headers, json={"skp_due": "2027-01-31"})
    assert outside.status_code == 400
    assert client.put(url, headers=headers, json={"skp_due": "31-01-2026"}).status_code == 400
    assert client.get(url, headers=headers).json["result"]["default"] is True

    saved = client.put(url, headers=headers, json={"evaluation_days": 15})
    assert saved.status_code == 200 and saved.json["result"]["evaluation_days"] == 15
    assert saved.json["result"]["default"] is False and saved.json["result"]["report_days"] == 30
    with database() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "CycleDeadline")
                                .order_by(AuditEntry.id.desc())).first()
        assert entry is not None and entry.username == "hr.bkpsdm"
    # Back to the regulation's figure for the rest of this file.
    assert client.put(url, headers=headers, json={"evaluation_days": 14}).status_code == 200


def test_only_hr_adjusts_deadlines(api_as, as_user):
    url = f"/api/v1/cycle/deadlines/{_period_2026()}"
    for username in ("admin.disdik", "kadis.disdik", "pegawai.disdik"):
        client, headers = api_as(username)
        assert client.get(url, headers=headers).status_code == 200
        assert client.put(url, headers=headers, json={"evaluation_days": 20}).status_code in (401, 403)
    page = as_user("admin.disdik").post(f"/cycle/deadlines/{_period_2026()}", data={"evaluation_days": "20"})
    assert page.status_code in (302, 403, 400)
    with database() as session:
        stored = session.scalar(select(CycleDeadline.evaluation_days).where(CycleDeadline.period_id == _period_2026()))
    assert stored in (None, 14)


def test_an_unknown_period_is_404(api_as):
    client, headers = api_as("hr.bkpsdm")
    assert client.get("/api/v1/cycle/deadlines/999999", headers=headers).status_code == 404


# --- reminders ------------------------------------------------------------------------------------

class FakeSMTP:
    """A stand-in for smtplib.SMTP that keeps what would have been sent (this file's stub transport)."""

    sent: list = []

    def __init__(self, host, port, timeout=None):
        self.host = host

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send_message(self, message):
        FakeSMTP.sent.append(message)


def test_the_evaluator_is_reminded_once_before_the_deadline_in_the_app_and_by_mail(app, chain, monkeypatch):
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "mail.example.go.id")
    FakeSMTP.sent = []
    before = chain["reminder"] - dt.timedelta(days=1)
    _tick(app, before)
    assert _notifications(KABID_ACCOUNT, "deadline_evaluation") == 0

    first = _tick(app, chain["reminder"])
    assert first.reminders >= 1
    assert _notifications(KABID_ACCOUNT, "deadline_evaluation") == 1
    mails = [message for message in FakeSMTP.sent if message["To"] == chain["kabid_address"]]
    assert len(mails) == 1
    assert chain["due"].strftime("%Y") in mails[0].get_content()

    again = _tick(app, chain["reminder"])
    later = _tick(app, chain["due"])
    assert again.reminders == 0 and later.reminders == 0 and again.emails == 0
    assert _notifications(KABID_ACCOUNT, "deadline_evaluation") == 1
    assert len([message for message in FakeSMTP.sent if message["To"] == chain["kabid_address"]]) == 1
    assert _first_quarter_evaluation(chain["kasi"]) is None  # a reminder hands nothing off


def test_a_failed_mail_is_logged_and_the_app_reminder_stays(app, chain, monkeypatch):
    class Down(FakeSMTP):
        def send_message(self, message):
            raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(smtplib, "SMTP", Down)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "mail.example.go.id")
    with app.app_context():
        from app.extensions import db

        db.session.add(DeadlineReminder(kind="deadline_return", subject_id=999999, due_on=chain["due"],
                                        recipient_id=chain["kasi"]))
        db.session.commit()
    report = _tick(app, chain["reminder"])
    assert report.emails == 0
    with database() as session:
        assert session.scalar(select(DeadlineReminder.emailed_at).where(
            DeadlineReminder.subject_id == 999999)) is None


# --- hand-off -------------------------------------------------------------------------------------

def test_an_overdue_evaluation_passes_to_the_evaluators_superior(app, chain, api_as, as_user):
    day = chain["due"] + dt.timedelta(days=1)
    report = _tick(app, day)
    assert report.hand_offs >= 1
    evaluation = _first_quarter_evaluation(chain["kasi"])
    assert evaluation is not None and evaluation["status"] == "draft"
    assert evaluation["evaluator_id"] == chain["superior"]
    with database() as session:
        hand_off = session.scalar(select(EvaluationHandOff).where(EvaluationHandOff.evaluation_id == evaluation["id"]))
        assert (hand_off.from_evaluator_id, hand_off.to_evaluator_id) == (chain["kabid"], chain["superior"])
        assert hand_off.handed_on == day and hand_off.due_on == chain["due"] and "superior" in hand_off.reason
    assert _notifications("kadis.disdik", "evaluation_handed_off") == 1
    assert _notifications(KABID_ACCOUNT, "evaluation_taken_over") == 1

    # The old evaluator sees it (his subordinate's) but may no longer act; the superior may.
    old, old_headers = api_as(KABID_ACCOUNT)
    refused = old.put(f"/api/v1/evaluation/{evaluation['id']}?_l_=id", headers=old_headers,
                      json={"work_result_rating": 2, "behaviour_rating": 2})
    assert refused.status_code == 400
    assert _first_quarter_evaluation(chain["kasi"])["predikat"] is None
    new, new_headers = api_as("kadis.disdik")
    rated = new.put(f"/api/v1/evaluation/{evaluation['id']}", headers=new_headers,
                    json={"work_result_rating": 2, "behaviour_rating": 2})
    assert rated.status_code == 200, rated.get_data(as_text=True)
    assert _first_quarter_evaluation(chain["kasi"])["predikat"] is not None

    # Visible on the evaluation page and its PDF, where the evaluator is named.
    with database() as session:
        kabid_name = session.get(Employee, chain["kabid"]).name
    browser = as_user("kadis.disdik")
    shown_page = browser.get(f"/evaluationview/show/{evaluation['id']}")
    assert shown_page.status_code == 200
    page = shown_page.get_data(as_text=True)
    assert "sikinerja-hand-off" in page and kabid_name in page
    pdf = browser.get(f"/documents/evaluation/{evaluation['id']}/print.pdf")
    assert pdf.status_code == 200
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "atasan pejabat penilai kinerja" in text and kabid_name in text

    # The superior's result is final: the employee acknowledges it, but no objection is taken.
    assert new.post(f"/api/v1/evaluation/{evaluation['id']}/submit", headers=new_headers).status_code == 200
    kasi, kasi_headers = api_as("penilai.disdik")
    objected = kasi.post(f"/api/v1/evaluation/{evaluation['id']}/acknowledge?_l_=id", headers=kasi_headers,
                         json={"objection": "Saya keberatan."})
    assert objected.status_code == 400
    assert objected.json["message"] == said("The evaluator's superior made this evaluation after its deadline passed; "
                                            "that result is final and takes no objection.")
    assert _first_quarter_evaluation(chain["kasi"])["status"] == "submitted"
    assert kasi.post(f"/api/v1/evaluation/{evaluation['id']}/acknowledge", headers=kasi_headers,
                     json={}).status_code == 200

    # Ticking again hands nothing off twice and notifies nobody again.
    _tick(app, day)
    _tick(app, day + dt.timedelta(days=7))
    with database() as session:
        assert session.scalar(select(func.count()).select_from(EvaluationHandOff).where(
            EvaluationHandOff.evaluation_id == evaluation["id"])) == 1
        assert session.get(Evaluation, evaluation["id"]).evaluator_id == chain["superior"]
    assert _notifications("kadis.disdik", "evaluation_handed_off") == 1


def test_an_objection_after_its_deadline_is_refused(app, chain, api_as):
    """The kabid's own first quarter: his evaluator (the head of agency) has no superior in the system, so it is
    never handed off; she delivers it, and the kabid may object within 14 working days of receiving it."""
    head, head_headers = api_as("kadis.disdik")
    with database() as session:
        plan = session.scalar(select(WorkPlan.id).join(Period).where(
            WorkPlan.employee_id == chain["kabid"], Period.year == 2026, WorkPlan.status == "approved"))
    draft = head.post("/api/v1/evaluation/draft", headers=head_headers, json={
        "work_plan_id": plan, "kind": "QUARTERLY", "window_start": "2026-01-01", "window_end": "2026-03-31"})
    assert draft.status_code in (200, 201), draft.get_data(as_text=True)
    pk = draft.json["result"]["id"]
    assert head.put(f"/api/v1/evaluation/{pk}", headers=head_headers,
                    json={"work_result_rating": 2, "behaviour_rating": 2}).status_code == 200
    assert head.post(f"/api/v1/evaluation/{pk}/submit", headers=head_headers).status_code == 200
    with app.app_context():
        from app.extensions import db

        db.session.get(Evaluation, pk).submitted_at = dt.datetime(2026, 4, 1, 2, 0)  # 1 April, 10.00 WITA
        db.session.commit()
    kabid, kabid_headers = api_as(KABID_ACCOUNT)
    late = kabid.post(f"/api/v1/evaluation/{pk}/acknowledge?_l_=id", headers=kabid_headers,
                      json={"objection": "Target triwulan terlalu tinggi."})
    assert late.status_code == 400
    with app.test_request_context():
        from flask_babel import force_locale

        from app.formatting import long_date

        with force_locale("id"):
            ended = long_date(_objection_due(app, dt.date(2026, 4, 1)))
    assert late.json["message"] == said("An objection is filed within %(days)d working days after receipt; that "
                                        "time ended on %(date)s.", days=14, date=ended)
    with database() as session:
        assert session.get(Evaluation, pk).status == "submitted" and session.get(Evaluation, pk).objection is None
    with app.app_context():
        from app.extensions import db

        db.session.get(Evaluation, pk).submitted_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        db.session.commit()
    in_time = kabid.post(f"/api/v1/evaluation/{pk}/acknowledge", headers=kabid_headers,
                         json={"objection": "Target triwulan terlalu tinggi."})
    assert in_time.status_code == 200
    with database() as session:
        assert session.get(Evaluation, pk).objection == "Target triwulan terlalu tinggi."


def _objection_due(app, received):
    from app.services.activity import holidays_between

    with app.app_context():
        return rules.objection_due(received, rules.default_deadlines(2026),
                                   holidays_between(dt.date(2026, 1, 1), dt.date(2026, 12, 31)))


def test_cli_tick_reports_what_it_did(app):
    result = app.test_cli_runner().invoke(args=["cycle", "tick", "--date", "2026-06-01"])
    assert result.exit_code == 0, result.output
    assert "Reminders sent:" in result.output
    refused = app.test_cli_runner().invoke(args=["cycle", "tick", "--date", "1-6-2026x"])
    assert refused.exit_code != 0


def test_celery_beat_runs_the_tick_daily():
    from app.tasks import CYCLE_TICK_TASK, celery_app

    entry = celery_app.conf.beat_schedule["cycle-tick"]
    assert entry["task"] == CYCLE_TICK_TASK and CYCLE_TICK_TASK in celery_app.tasks
    assert entry["schedule"].hour == {22}  # 06:00 WITA


# --- overdue items, in scope ----------------------------------------------------------------------

def test_overdue_items_never_show_a_foreign_agency(chain, api_as, as_user):
    disdik, dinkes = agency_id("DISDIKBUD"), agency_id("DINKES")
    with database() as session:
        dinkes_name = session.scalar(select(Agency.name).where(Agency.id == dinkes))
        disdik_name = session.scalar(select(Agency.name).where(Agency.id == disdik))
    client, headers = api_as("admin.dinkes")
    items = client.get("/api/v1/cycle/open", headers=headers).json
    assert items["count"] >= 1 and {item["agency_id"] for item in items["result"]} == {dinkes}
    per_agency = client.get("/api/v1/cycle/overdue", headers=headers).json["result"]
    assert [row["agency_id"] for row in per_agency] == [dinkes] and per_agency[0]["total"] >= 1
    page = as_user("admin.dinkes").get("/cycle/").get_data(as_text=True)
    assert dinkes_name in page and disdik_name not in page

    client, headers = api_as("kadis.disdik")
    assert dinkes not in {item["agency_id"] for item in client.get("/api/v1/cycle/open", headers=headers)
                          .json["result"]}
    client, headers = api_as("pegawai.disdik")
    own = client.get("/api/v1/cycle/open", headers=headers).json["result"]
    assert own and {item["employee_id"] for item in own} == {employee_of("pegawai.disdik")[0]}


def test_the_overdue_items_of_one_agency_stay_within_the_scope(chain, api_as, as_user):
    """The leaders' table links to /cycle/?agency=<id>: the page and the API count that agency only, and an
    agency outside the scope gives nothing, not its items."""
    disdik, dinkes = agency_id("DISDIKBUD"), agency_id("DINKES")
    client, headers = api_as("sekda")
    every = client.get("/api/v1/cycle/open", headers=headers).json["result"]
    assert {disdik, dinkes} <= {item["agency_id"] for item in every}
    only = client.get("/api/v1/cycle/open", headers=headers, query_string={"agency": dinkes}).json
    assert only["count"] == sum(item["agency_id"] == dinkes for item in every) > 0
    assert {item["agency_id"] for item in only["result"]} == {dinkes}
    assert [row["agency_id"] for row in client.get("/api/v1/cycle/overdue", headers=headers,
                                                   query_string={"agency": dinkes}).json["result"]] == [dinkes]
    with database() as session:
        dinkes_name = session.scalar(select(Agency.name).where(Agency.id == dinkes))
        disdik_name = session.scalar(select(Agency.name).where(Agency.id == disdik))
    page = as_user("sekda").get(f"/cycle/?agency={dinkes}").get_data(as_text=True)
    assert f"Hanya {dinkes_name}." in page and disdik_name not in page

    client, headers = api_as("admin.disdik")  # DINKES is not theirs
    assert client.get("/api/v1/cycle/open", headers=headers, query_string={"agency": dinkes}).json["count"] == 0
    foreign = as_user("admin.disdik").get(f"/cycle/?agency={dinkes}").get_data(as_text=True)
    assert dinkes_name not in foreign


def test_an_employee_reads_their_own_agency_in_the_overdue_table(as_user):
    """An employee may not list agencies; the overdue count of their own item still names its agency."""
    page = as_user("pegawai.disdik").get("/cycle/").get_data(as_text=True)
    table = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    assert "Dinas Pendidikan dan Kebudayaan" in table and "<strong>–</strong>" not in table
