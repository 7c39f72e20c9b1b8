"""The access-control matrix: every route of the application (from its URL map, so a new route is covered the
day it is added) asked by every role — the public, Admin, HR Admin, Agency Admin, Leader, Evaluator, Employee
— and compared with the expectation declared below. A route that no expectation names fails the test.

GET routes are asked with a browser session (MVC) or a bearer token (REST); REST writes are asked with an
empty body and a row id that does not exist, so "allowed" ends in 400/404 and nothing changes (checked).
HTML views' POST routes need a CSRF token; tests/test_attacks.py shows they refuse without one.

Then scope, with the other agency's rows: every show / edit / get / document / export route answers 404 for a
foreign row, `_info` related values and list pages name nothing of the other agency, the crawl changes no
data, and the public verification page tells only what a verifier needs.
"""
import re
from dataclasses import dataclass
from functools import cached_property

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from app.models import Agency, Employee, SignedDocument, Unit, UserAccount
from app.models.evaluation import Evaluation
from app.models.planning import Period
from tests.conftest import login
from tests.helpers import agency_id, database, employee_of
from tests.test_integrity import make_signed_document

# Who is asked, by the letter the expectations use. The Leader is sekda (Leader only, all demo agencies);
# kadis.disdik (Leader and Evaluator) is asked in the scope tests.
USERS = {"P": None, "A": "admin", "H": "hr.bkpsdm", "G": "admin.disdik", "L": "sekda", "V": "penilai.disdik",
         "E": "pegawai.disdik"}
SIGNED_IN = "AHGLVE"
EVERYONE = "P" + SIGNED_IN
NOBODY = ""
READ, WRITE = r"(list|show|download|export_xlsx|get|get_list|info)", r"(add|edit|delete|post|put)"

# (endpoint pattern (re.fullmatch), letters of the users who get past the permission check). A 404 for a row out
# of their scope counts as "past": scope is the second half of this file. First match wins.
EXPECTATIONS = [
    # The public: survey, verification, recognition wall, health, static files, login, language, home.
    (r"static|appbuilder\.static|health|public_.*|AuthDBView\.(login|logout)|LocaleView\.index|UtilView\.back"
     r"|HomeView\.index", EVERYONE),
    (r"SecurityApi\.login", EVERYONE), (r"SecurityApi\.refresh", NOBODY),  # refresh needs a refresh token
    # GET of a model action is refused as a mutation (CSRF) for everyone: it redirects back with a message.
    # Bulk actions (POST action_post) need the CSRF token and FAB checks the action's own permission.
    (r".*View\.action", EVERYONE), (r".*View\.action_post", SIGNED_IN),
    # FAB's security administration: Admin; HR Admin lists, shows, adds and edits accounts.
    (r"UserView\.(list|show|add|edit)", "AH"),
    (r"UserView\.(userinfo|userinfoedit|resetmypassword)|UserInfoEditView\..*|ResetMyPasswordView\..*"
     r"|LookupView\..*|MenuApi\..*", SIGNED_IN),
    (r"(PermissionModelView|ViewMenuModelView|PermissionViewModelView)\.(add|edit|delete|show|download)", NOBODY),
    (r"(UserView|RoleModelView|PermissionModelView|ViewMenuModelView|PermissionViewModelView|UserGroupModelView"
     r"|UserStatsChartView|ResetPasswordView|SwaggerView|OpenApi|InstitutionCertificateView)\..*", "A"),
    (r"AuditEntryView\..*", "AH"),
    # Master data: HR Admin everywhere, Agency Admin in their agencies; leaders read; evaluators and employees
    # read employees (their own record and their subordinates').
    (rf"Agency(View|Api)\.{READ}", "AHGL"), (rf"Agency(View|Api)\.{WRITE}", "AH"),
    (rf"(Unit|Position)(View|Api)\.{READ}", "AHGL"), (rf"(Unit|Position)(View|Api)\.{WRITE}", "AHG"),
    (rf"Employee(View|Api)\.{READ}", SIGNED_IN), (rf"Employee(View|Api)\.{WRITE}", "AHG"),
    (rf"(Rank|PositionKind|CoreValue|SurveyElement|TrainingKind|Holiday|AwardType)(View|Api)\.{READ}", SIGNED_IN),
    (rf"(Rank|PositionKind|CoreValue|SurveyElement|TrainingKind|Holiday|AwardType)(View|Api)\.{WRITE}", "AH"),
    # Planning: periods by HR, indicators and settings by the agency; SKP by its owner and evaluator.
    (rf"Period(View|Api)\.{READ}", "AHGVE"), (rf"Period(View|Api)\.{WRITE}", "AH"),
    (rf"(OrganizationIndicator|Indicator|IndicatorRealisation|AgencyPeriodSetting)(View|Api)\.{READ}", "AHGVE"),
    (rf"(OrganizationIndicator|Indicator|IndicatorRealisation|AgencyPeriodSetting)(View|Api)\.{WRITE}", "AHG"),
    (r"OrganizationRatingView\..*", "AH"),
    # Leaders read the SKPs of their scope (issue 19), without writing or the cascade editor.
    (rf"(WorkPlan|WorkResult|ResultIndicator|BehaviourExpectation)(View|Api)\.({READ[1:-1]}|full)", "AHGLVE"),
    (r"(WorkPlan|WorkResult|ResultIndicator|BehaviourExpectation)(View|Api)\..*|CascadeView\..*", "AHGVE"),
    # Daily activities: everyone reads within scope; owners report; leaders and HR watch the dashboard.
    (rf"DailyActivity(View|Api)\.{READ}|ActivityView\.(mine|queue|evidence)", SIGNED_IN),
    (r"DailyActivity(View|Api)\..*|ActivityView\.(report|send|decide)", "AHGVE"),
    (r"ActivityDashboardView\..*", "AHL"),
    # Every employee's performance (issue 19): leaders, evaluators (their team), agency and HR admins.
    (r"(PerformanceView|PerformanceApi)\..*", "AHGLV"),
    # Adoption and outreach.
    (r"AdoptionView\.export", "AH"), (r"AdoptionView\..*", "AHGL"),
    (rf"(OutreachEvent|OutreachAttendance)View\.{READ}", "AHGL"),
    (r"(OutreachEvent|OutreachAttendance)View\..*", "AHG"),
    # Public service (SKM): staff of HR and agencies; leaders read.
    (r"SurveyResponseView\.exclusion_form", "AH"),
    (rf"(SurveyPeriod|SurveyResponse|ImprovementPlan)(View|Api)\.{READ}|IkmReportView\..*|IkmApi\..*", "AHGL"),
    (r"(SurveyPeriod|ImprovementPlan)(View|Api)\..*", "AHG"),
    # The unit's own channels (kiosks, paper questionnaires): its agency's admin and HR; policies: HR only.
    (r"(SurveyKiosk(View|Api)|PaperSurveyView)\..*", "AHG"), (r"PolicySetting(View|Api)\..*", "AH"),
    # Evaluation: everyone reads within scope; evaluators (and agency admins, HR) start one.
    (r"EvaluationView\.new_evaluation", "AHGVE"),
    (r"EvaluationApi\.(draft|rate|realisation|feedback|submit|acknowledge|finalise|correct|decide_objection)"
     r"|DistributionApi\.(finalise_period|override)", "AHGVE"),  # leaders only read
    (r"(Evaluation|Distribution)(View|Api)\..*", SIGNED_IN),
    # Performance dialogue: evaluators and employees (the admins hold an employee's role too) hold it, the
    # service decides who acts; leaders only read it in their scope; everyone reads their own notifications.
    (r"DialogueView\.(record|edit|respond|request_dialogue|cadence|feedback)"
     r"|DialogueApi\.(record|update|respond|request_dialogue|cadence|feedback)", "AHGVE"),
    (r"(Dialogue|Notification)(View|Api)\..*", SIGNED_IN),
    # The calendar of the cycle (issue 23): everyone reads the deadlines and what is due in their scope; HR sets them.
    (r"CycleView\.deadlines|CycleApi\.put_deadlines", "AH"), (r"Cycle(View|Api)\..*", SIGNED_IN),
    # Attendance and TPP (issue 23): everyone reads their own days and allowance, asks for leave and objects; the
    # services decide who imports, computes, decides and reads an agency's recap (app.security.acts).
    (r"Allowance(View|Api)\..*", SIGNED_IN),
    # Documents: printing and signed copies within scope; bulk jobs by HR (agency admins download); signing keys.
    (r"(DocumentView|DocumentPrintView)\..*", SIGNED_IN),
    (r"DocumentJobView\..*", "AHG"), (r"ImportView\..*", "AHG"),
    (r"SigningCertificateView\..*", "AV"),
    # Development and recognition.
    (rf"TrainingProgramme(View|Api)\.{WRITE}", "AH"),
    (r"RecognitionApi\.(nominate|approve|award|reject)", "AHG"),
    (r"(Training|TrainingProgramme|TrainingParticipation|Recognition)(View|Api)\..*", SIGNED_IN),
    (rf"DisciplinarySanction(View|Api)\.{READ}", "AHGL"), (r"DisciplinarySanction(View|Api)\..*", "AHG"),
]


def expectation(endpoint):
    for pattern, letters in EXPECTATIONS:
        if re.fullmatch(pattern, endpoint):
            return letters
    return None


# --- concrete URLs ------------------------------------------------------------------------------------

@dataclass
class Rows:
    """Ids to put into URLs: a row the Disdikbud users may see ("home") and one of Dinkes ("foreign")."""

    app: object

    @cached_property
    def models(self):
        return {view.endpoint: view.datamodel.obj for view in self.app.appbuilder.baseviews
                if getattr(view, "datamodel", None) is not None}

    def row_id(self, model, agency_code="DISDIKBUD", owner="pegawai.disdik"):
        """A row of ``model``: the owner's when owner-scoped, else the agency's, else any; 999999 when none."""
        statement = select(model.id).order_by(model.id.desc())
        owner_column = getattr(model, "__scope_owner__", None)
        agency_column = getattr(model, "__scope_agency__", None)
        with database() as session:
            if owner_column:
                found = session.scalar(statement.where(getattr(model, owner_column) == employee_of(owner)[0]))
                if found:
                    return found
            if agency_column:
                statement = statement.where(getattr(model, agency_column) == agency_id(agency_code))
            return session.scalar(statement) or 999999

    @cached_property
    def values(self):
        with database() as session:
            period = session.scalar(select(Period.id).where(Period.year == 2026))
            evaluation = session.scalar(select(Evaluation.id).where(
                Evaluation.agency_id == agency_id("DISDIKBUD")).order_by(Evaluation.id))
        return {
            "agency_id": agency_id("DISDIKBUD"), "period_id": period, "employee_id": employee_of("pegawai.disdik")[0],
            "unit_id": self.row_id(Unit),
            "filename": "probe_sep_probe.txt", "unit_code": "DINKES-PKM-TJS", "code": self.signed_code,
            "kind_code": "evaluation", "key": str(evaluation), "token": "unknown-token", "group": "award_candidates",
            "group_by": "0", "locale": "id", "version": "v1", "name": "muldelete", "year": 2026,
        }

    @cached_property
    def signed_code(self):
        document = make_signed_document()
        with database() as session:
            return session.get(SignedDocument, document).code

    def url(self, rule, pk=None):
        endpoint_view = rule.endpoint.split(".")[0]
        arguments = {}
        for name in rule.arguments:
            if name == "pk":
                model = self.models.get(endpoint_view)
                arguments[name] = pk if pk is not None else (self.row_id(model) if model is not None else 999999)
            elif name == "filename" and rule.endpoint in ("static", "appbuilder.static"):
                arguments[name] = "sikinerja/logo.svg" if rule.endpoint == "static" else "css/ab.css"
            else:
                assert name in self.values, f"{rule.endpoint}: no sample value for <{name}> — add one to Rows.values"
                arguments[name] = self.values[name]
        return rule.build(arguments, append_unknown=False)[1]


# --- the crawl ------------------------------------------------------------------------------------------

def _denied(response) -> bool:
    if response.status_code in (401, 403):
        return True
    if response.status_code == 422 and response.is_json and "msg" in (response.json or {}):
        return True  # flask-jwt-extended refusing the token (e.g. an access token where a refresh token is due)
    return response.status_code == 302 and "/login" in response.headers.get("Location", "")


@pytest.fixture(scope="module")
def sessions(app):
    """A browser session and a bearer token per user, logged in once."""
    clients = {}
    for letter, username in USERS.items():
        browser, headers = app.test_client(), {}
        if username:
            assert login(browser, username).status_code == 302
            token = app.test_client().post("/api/v1/security/login", json={
                "username": username, "password": "Sikinerja#2026", "provider": "db"}).json["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
        clients[letter] = (browser, headers)
    return clients


def _table_counts():
    with database() as session:
        metadata = sa.MetaData()
        metadata.reflect(bind=session.connection())
        return {name: session.scalar(select(sa.func.count()).select_from(table))
                for name, table in metadata.tables.items()}


MUTATING = {"POST", "PUT", "DELETE"}


@pytest.fixture(scope="module")
def crawl(app, sessions):
    """Every route × every user: (allowed?, status, body of HTML pages). Also the table counts around it."""
    rows = Rows(app)
    rows.values  # noqa: B018 — the signed document is made before the counts are taken
    before = _table_counts()
    results, errors = {}, []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        methods = rule.methods - {"HEAD", "OPTIONS"}
        api = rule.rule.startswith("/api/")
        if "GET" in methods:
            method = "GET"
        elif api and methods & MUTATING:
            method = sorted(methods & MUTATING)[0]
        else:
            continue  # HTML POST routes: refused without a CSRF token (tests/test_attacks.py)
        if rule.endpoint == "AuthDBView.logout":
            continue  # would end the crawl's sessions; public by nature
        url = rows.url(rule, pk=999999 if method != "GET" else None)
        for letter, (browser, headers) in sessions.items():
            try:
                if api:
                    response = browser.open(url, method=method, headers=headers,
                                            json={} if method != "GET" else None)
                else:
                    response = browser.get(url)
            except FileNotFoundError:
                # FAB's download/<filename> (no model has a file column) sends any name it is given; a missing
                # file raises past the permission check. tests/test_attacks.py tracks the route (xfail).
                assert rule.endpoint.endswith(".download"), url
                results[(rule.endpoint, url, letter)] = (True, 500, "")
                continue
            except Exception as error:  # noqa: BLE001 — TESTING propagates; record and go on
                errors.append(f"{letter} {method} {url}: {type(error).__name__}: {error}")
                continue
            if response.status_code >= 500:
                errors.append(f"{letter} {method} {url}: {response.status_code}")
            html = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
            results[(rule.endpoint, url, letter)] = (not _denied(response), response.status_code, html)
    return results, errors, before, _table_counts()


def test_every_route_has_a_declared_expectation(app):
    missing = sorted({rule.endpoint for rule in app.url_map.iter_rules() if expectation(rule.endpoint) is None})
    assert missing == [], "declare who may use these routes in EXPECTATIONS: " + ", ".join(missing)


def test_each_role_gets_exactly_what_is_declared(crawl):
    results, _, _, _ = crawl
    wrong = []
    for (endpoint, url, letter), (allowed, status, _) in results.items():
        if expectation(endpoint) is None:
            continue  # named by test_every_route_has_a_declared_expectation
        expected = letter in expectation(endpoint)
        if allowed != expected:
            wrong.append(f"{url} ({endpoint}) as {USERS[letter] or 'public'}: "
                         f"{'allowed' if allowed else 'denied'} ({status}), expected "
                         f"{'allowed' if expected else 'denied'}")
    assert not wrong, "\n".join(sorted(wrong))


# Defects found by this crawl in code owned elsewhere, reported with their fix; remove an entry once fixed.


def test_no_route_fails_for_anyone(crawl):
    _, errors, _, _ = crawl
    assert not errors, "\n".join(sorted(set(errors)))


def test_requests_that_read_change_nothing(crawl):
    """GETs (and REST writes with an empty body and a missing id) leave every table as it was, the audit log
    included — apart from the logins of the crawl's own sessions, which happened before."""
    _, _, before, after = crawl
    assert after == before


# --- scope: the other agency's rows -----------------------------------------------------------------------

def _scoped_models(rows):
    for endpoint, model in rows.models.items():
        if hasattr(model, "__scope_agency__") and not getattr(model, "__scope_reference__", False):
            yield endpoint, model


@pytest.mark.parametrize("username, letter", [("admin.disdik", "G"), ("penilai.disdik", "V"),
                                              ("pegawai.disdik", "E"), ("kadis.disdik", None)])
def test_a_row_of_the_other_agency_is_404_on_every_route_that_names_one(app, sessions, as_user, api_as,
                                                                          username, letter):
    rows = Rows(app)
    browser = sessions[letter][0] if letter else as_user(username)
    headers = sessions[letter][1] if letter else api_as(username)[1]
    leaks = []
    for rule in app.url_map.iter_rules():
        view = rule.endpoint.split(".")[0]
        if "pk" not in rule.arguments or "GET" not in rule.methods or view not in rows.models:
            continue
        model = rows.models[view]
        if not hasattr(model, "__scope_agency__") or getattr(model, "__scope_reference__", False):
            continue
        foreign = rows.row_id(model, agency_code="DINKES", owner="pegawai.dinkes")
        if foreign == 999999:
            continue
        url = rows.url(rule, pk=foreign)
        response = browser.get(url, headers=headers if rule.rule.startswith("/api/") else None)
        if response.status_code == 200 or (response.status_code == 302 and "/login" not in
                                           response.headers.get("Location", "") and rule.endpoint.endswith("edit")):
            leaks.append(f"{url} ({rule.endpoint}): {response.status_code}")
    assert not leaks, "\n".join(leaks)


def test_documents_of_the_other_agency_are_not_found(app, sessions):
    with database() as session:
        foreign = session.scalar(select(Evaluation.id).where(Evaluation.agency_id == agency_id("DINKES"))
                                 .order_by(Evaluation.id))
    browser = sessions["G"][0]
    for path in (f"/documents/evaluation/{foreign}", f"/documents/evaluation/{foreign}/print.pdf",
                 f"/documents/agency_summary/{agency_id('DINKES')}-1"):
        assert browser.get(path).status_code == 404, path


def test_info_related_values_list_only_rows_in_scope(app, sessions):
    """The REST `_info` of each resource offers related rows (agency, unit, position, ...) of the user's
    agencies only."""
    rows = Rows(app)
    browser, headers = sessions["G"]
    home = agency_id("DISDIKBUD")
    foreign_ids = {}
    offending = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.endswith(".info") or not rule.rule.startswith("/api/"):
            continue
        response = browser.get(rule.build({}, append_unknown=False)[1], headers=headers)
        if response.status_code != 200:
            continue
        view = next(v for v in app.appbuilder.baseviews if v.endpoint == rule.endpoint.split(".")[0])
        for field in response.json.get("add_columns", []) + response.json.get("edit_columns", []):
            if not field.get("values"):
                continue
            related = view.datamodel.get_related_model(field["name"]) if view.datamodel.is_relation(
                field["name"]) else None
            column = getattr(related, "__scope_agency__", None) if related is not None else None
            if not column:
                continue
            if related not in foreign_ids:
                with database() as session:
                    foreign_ids[related] = set(session.scalars(select(related.id).where(
                        getattr(related, column) != home)))
            shown = {value["id"] for value in field["values"]}
            if shown & foreign_ids[related]:
                offending.append(f"{rule.endpoint} {field['name']}: {sorted(shown & foreign_ids[related])[:5]}")
    assert not offending, "\n".join(offending)
    assert rows  # the crawl helper is shared


def test_pages_of_an_agency_admin_name_nothing_of_the_other_agency(crawl):
    """List pages, their search forms' choices, dashboards and exports seen by admin.disdik and the
    Disdikbud employee never name Dinas Kesehatan or its employees."""
    results, _, _, _ = crawl
    with database() as session:
        dinkes = session.scalar(select(Agency).where(Agency.code == "DINKES"))
        markers = [dinkes.name, session.get(Employee, employee_of("pegawai.dinkes")[0]).name]
    # Pages about every agency by design: the public recognition wall and survey pages, reference data.
    shared = re.compile(r"public_.*|(TrainingProgramme|Training|AwardType|Recognition)View\..*|HomeView\.index")
    leaks = sorted({f"{endpoint} ({url})" for (endpoint, url, letter), (allowed, _, html) in results.items()
                    if letter in "GE" and allowed and html and not shared.fullmatch(endpoint)
                    and any(marker in html for marker in markers)})
    assert not leaks, "\n".join(leaks)


def test_the_verification_page_tells_only_what_a_verifier_needs(app):
    """The signer, the document, its status and fingerprint — no NIP, birth date, ratings or a download."""
    rows = Rows(app)
    page = app.test_client().get(f"/verify/{rows.signed_code}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    with database() as session:
        document = session.scalar(select(SignedDocument).where(SignedDocument.code == rows.signed_code))
        assert document.signer_name in html
        credential_user = session.scalar(select(UserAccount).where(UserAccount.username == "penilai.disdik"))
        employee = credential_user.employee
        assert employee.nip not in html and employee.birth_date.isoformat() not in html
    assert "/documents/signed/" not in html  # no download of the signed copy from the public page
