"""Bad input gets a 4xx, never a 5xx (issue 16): the regressions of each 500 seen, then a fuzz over the whole
URL map.

The fuzz asks every route of app.url_map with junk in each parameter it reads: its path parameters, FAB's
list parameters (_oc_, _od_, _flt_N_col, page_, psize_), the REST ``q`` (rison), the fields of its forms (a
model view's add/edit columns, or the <form> fields of the page's HTML), the parameter names the views read
(harvested from app/) and JSON bodies — as Admin, and as the public, an Agency Admin and an Employee in
rotation, each route with a NUL byte once (PostgreSQL answered those with 500). Junk values are sampled,
not crossed: the kinds rotate through the parameters, so each kind meets every kind of parameter somewhere
within a bounded number of requests (about 1,700). Writes go to ids that name no row (the public survey
also to a real unit); a create gets one required field too long, since junk elsewhere may be valid text;
and no junk write may leave a trace in the audit log, which records every change.
"""
import functools
import html
import html.parser
import itertools
import re
import time
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import prison
import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from app.models import Employee, Unit
from app.models.audit import AuditEntry
from app.models.survey import SurveyResponse
from tests.conftest import csrf_token, login
from tests.helpers import agency_id, count, database, employee_of, first_id

CONTROL_REFUSED = ("The request contains a control character (such as a NUL byte), which text may not contain. "
                   "Remove it and try again.")


def shown_message(response):
    """What the person or API client is told: the JSON message, or the text of the error page."""
    if response.is_json:
        return response.json["message"]
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture()
def translated(app):
    """A message as an Indonesian user reads it (the application's default language)."""

    def translate(message, **params):
        with app.test_request_context(), force_locale("id"):
            return gettext(message, **params)

    return translate


@pytest.fixture()
def refused_with(translated):
    """True when the response is a 400 that tells ``message`` (in the user's language)."""

    def check(response, message, **params):
        assert response.status_code == 400, (response.status_code, response.get_data(as_text=True)[:300])
        assert translated(message, **params) in shown_message(response)
        return True

    return check


# --- control characters: one guard for every text a request carries ------------------------------------

@pytest.fixture()
def admin_api(api_as):
    client, headers = api_as("admin")
    return lambda url, **options: client.open(url, headers=headers, **options)


def test_a_nul_byte_in_the_login_form_and_the_token_login_is_refused(app, refused_with):
    client = app.test_client()
    form = client.post("/login/", data={"username": "ad\x00min", "password": "x",
                                        "csrf_token": csrf_token(client, "/login/")})
    assert refused_with(form, CONTROL_REFUSED)
    assert "<html" in form.get_data(as_text=True)  # the application's page, not a bare werkzeug one
    token = client.post("/api/v1/security/login", json={"username": "ad\x00min", "password": "x", "provider": "db"})
    assert refused_with(token, CONTROL_REFUSED) and token.is_json


def test_a_nul_byte_in_public_pages_is_refused(app, skm, refused_with):
    client = app.test_client()
    responses = count(SurveyResponse)
    assert refused_with(client.get("/survey/TEST%00SKM"), CONTROL_REFUSED)
    assert refused_with(client.get("/verify/ABC%00DEF"), CONTROL_REFUSED)
    assert refused_with(client.post("/api/v1/public/survey/TEST%00SKM", json={}), CONTROL_REFUSED)
    answers = {f"u{number}": 4 for number in range(1, 10)}
    body = client.post(f"/api/v1/public/survey/{skm['code']}", json={**answers, "suggestion": "ok\x00"})
    assert refused_with(body, CONTROL_REFUSED) and body.is_json
    assert count(SurveyResponse) == responses


def test_a_nul_byte_in_list_filters_lookups_and_rest_filters_is_refused(as_user, admin_api, refused_with):
    browser = as_user("admin")
    assert refused_with(browser.get("/employeeview/list/?_flt_0_name=a%00b"), CONTROL_REFUSED)
    assert refused_with(browser.get("/lookup/employee?q=a%00b"), CONTROL_REFUSED)
    rison = prison.dumps({"filters": [{"col": "name", "opr": "ct", "value": "a\x00b"}]})
    assert refused_with(admin_api("/api/v1/employee/", query_string={"q": rison}), CONTROL_REFUSED)
    assert refused_with(admin_api("/api/v1/unit/", method="POST", json={"name": ["x", {"k": "\x07"}]}),
                        CONTROL_REFUSED)


def test_other_control_characters_are_refused_but_tab_and_line_breaks_are_text(as_user, refused_with):
    browser = as_user("admin")
    assert refused_with(browser.get("/employeeview/list/?_flt_0_name=%1B%5B2J"), CONTROL_REFUSED)
    assert browser.get("/employeeview/list/?_flt_0_name=Budi%09Santoso%0D%0A").status_code == 200


def test_a_json_body_nested_too_deep_to_read_or_not_an_object_is_refused(app, admin_api, refused_with):
    response = app.test_client().post("/api/v1/security/login", data="[" * 100_000,
                                      content_type="application/json")
    assert refused_with(response, "The request body is not a JSON document this system can read.")
    for body in (["x"], "x", 5):
        assert refused_with(admin_api("/api/v1/activity/bulk_approve", method="POST", json=body),
                            "The request body must be a JSON object.")


# --- list pages and their Excel export: sort order, filters, paging --------------------------------------

@pytest.mark.parametrize("route", ["list/", "export/"])
@pytest.mark.parametrize("sort", ["_oc_EmployeeView=junk&_od_EmployeeView=asc",
                                  "_oc_EmployeeView=birth_date&_od_EmployeeView=asc",  # a column not offered
                                  "_oc_EmployeeView=name&_od_EmployeeView=sideways"])
def test_a_sort_the_list_cannot_apply_is_dropped(as_user, route, sort):
    browser = as_user("admin.disdik")
    response = browser.get(f"/employeeview/{route}?{sort}&_flt_0_name=a")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/employeeview/{route}?_flt_0_name=a"
    assert browser.get(response.headers["Location"]).status_code == 200
    assert browser.get(f"/employeeview/{route}?_oc_EmployeeView=name&_od_EmployeeView=desc").status_code == 200


@pytest.mark.parametrize("route", ["list/", "export/"])
@pytest.mark.parametrize("argument", ["_flt_3_agency", "_flt_0_no_such_column", "_flt_0_birth_date"])
def test_a_filter_the_list_does_not_have_is_refused(as_user, route, argument, refused_with):
    response = as_user("admin.disdik").get(f"/employeeview/{route}?{argument}=1")
    assert refused_with(response, "This list has no filter “%(filter)s”. Remove it from the address and try again.",
                        filter=argument)


@pytest.mark.parametrize("value", [str(2**63), str(10**30), "-" + str(2**31)])
def test_a_filter_number_no_id_can_be_is_refused(as_user, value, refused_with, translated):
    response = as_user("admin").get(f"/unitview/list/?_flt_0_agency={value}")
    assert refused_with(response, "The number %(value)s is too large for the filter on “%(column)s”.",
                        value=value, column=translated("Agency"))


@pytest.mark.parametrize("value", ["abc", "", "1", "n"])
def test_a_yes_no_filter_takes_only_yes_or_no(as_user, value, refused_with, translated):
    browser = as_user("admin.disdik")
    response = browser.get(f"/employeeview/list/?_flt_0_active={value}")
    assert refused_with(response, "The filter on “%(column)s” takes only yes or no.", column=translated("Active"))
    assert browser.get("/employeeview/list/?_flt_0_active=y").status_code == 200


def test_a_decimal_filter_needs_a_number(app):
    """No list offers a search on a decimal column yet; PostgreSQL refuses to compare one with text."""
    from types import SimpleNamespace

    from flask_appbuilder.models.sqla.interface import SQLAInterface
    from werkzeug.exceptions import BadRequest

    from app.arguments import check_filter_value
    from app.models.planning import IndicatorRealisation

    view = SimpleNamespace(datamodel=SQLAInterface(IndicatorRealisation), label_columns={})
    with app.test_request_context():
        check_filter_value(view, "value", "12.5")
        for junk in ("abc", "NaN", "1e309", "1" * 20):
            with pytest.raises(BadRequest):
                check_filter_value(view, "value", junk)


@pytest.mark.parametrize("query", ["page_EmployeeView=10000000000000000000000", "page_EmployeeView=%C2%B2",
                                   "psize_EmployeeView=-1"])
def test_a_page_number_that_is_no_number_or_too_large_is_refused(as_user, query, refused_with):
    response = as_user("admin").get(f"/employeeview/list/?{query}")
    assert refused_with(response, "The page number and page size must be whole numbers from 0 to %(maximum)d.",
                        maximum=2**31 - 1)


@pytest.mark.parametrize("q", [{"page": 10**30, "page_size": 10}, {"page": -1},
                               {"filters": [{"col": "agency", "opr": "rel_o_m", "value": 10**30}]}])
def test_rest_lists_refuse_numbers_beyond_the_database(admin_api, q):
    response = admin_api("/api/v1/unit/", query_string={"q": prison.dumps(q)})
    assert response.status_code == 400 and response.is_json and response.json["message"]


# --- ids in the path and bulk actions ----------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/training/programme/9223372036854775808", "/employeeview/show/9223372036854775808",
                                  "/employeeview/show/abc", "/ikm/unit/1/1000000000000000000000000000000",
                                  "/users/show/99999999999999999999"])
def test_an_id_no_row_can_have_is_not_found(as_user, path, translated):
    response = as_user("admin").get(path)
    assert response.status_code == 404
    assert translated("The page or record you asked for does not exist, or you may not see it.") in \
        shown_message(response)


def test_rest_writes_on_an_id_no_row_can_have_are_not_found(admin_api):
    units = count(Unit)
    assert admin_api(f"/api/v1/unit/{2**63}", method="PUT", json={"name": "x"}).status_code == 404
    assert admin_api(f"/api/v1/unit/{10**30}", method="DELETE").status_code == 404
    assert admin_api(f"/api/v1/workplan/{2**63}/approve", method="POST", json={}).status_code == 404
    assert count(Unit) == units


def _bulk(client, view, **form):
    return client.post(f"/{view}/action_post", data={**form, "csrf_token": csrf_token(client, f"/{view}/list/")})


def test_bulk_delete_with_a_valid_token_deletes_only_what_it_may(app, as_user, refused_with):
    browser = as_user("admin.disdik")
    foreign = first_id(Unit, "DINKES")
    units = count(Unit)
    nothing = _bulk(browser, "unitview", action="muldelete")
    assert nothing.status_code == 302
    assert _bulk(browser, "unitview", action="muldelete", rowid=[str(foreign)]).status_code == 302
    assert count(Unit) == units and count(Unit, id=foreign) == 1
    for junk in (["abc"], [str(2**63)], [str(foreign), "-1"], ["١٢"]):
        assert refused_with(_bulk(browser, "unitview", action="muldelete", rowid=junk),
                            "The selection names rows that do not exist. Select the rows again.")
    assert count(Unit) == units


@pytest.mark.parametrize("view", ["unitview", "roles"])  # ours and FAB's own security views
def test_an_action_the_list_does_not_have_is_refused(as_user, view, refused_with):
    browser = as_user("admin")
    response = _bulk(browser, view, action="no_such_action", rowid=["1"])
    assert refused_with(response, "This list has no action “%(action)s”.", action="no_such_action")


def test_a_bulk_only_action_on_one_row_is_not_found(as_user):
    browser = as_user("admin")
    unit = first_id(Unit, "DISDIKBUD")
    token = csrf_token(browser, "/unitview/list/")
    for name in ("muldelete", "no_such_action"):
        assert browser.post(f"/unitview/action/{name}/{unit}", data={"csrf_token": token}).status_code == 404
    assert count(Unit, id=unit) == 1


# --- numbers in forms and query strings that views parse themselves -------------------------------------

def test_a_form_number_beyond_its_column_is_refused_on_the_form(as_user, translated):
    from app.models.planning import Period

    browser = as_user("admin")
    periods = count(Period)
    response = browser.post("/periodview/add", data={
        "year": str(2**63), "name": "Periode uji", "start_date": "2030-01-01", "end_date": "2030-12-31",
        "status": "planning", "csrf_token": csrf_token(browser, "/periodview/add")})
    assert response.status_code == 400
    assert translated("This number is too large.") in response.get_data(as_text=True)
    assert count(Period) == periods


def test_a_rest_number_beyond_its_column_is_refused(admin_api, translated):
    from app.models.planning import OrganizationIndicator, Period

    with database() as session:
        period = session.scalar(select(Period.id).where(Period.year == 2026))
    indicators = count(OrganizationIndicator)
    response = admin_api("/api/v1/indicator/", method="POST", json={
        "agency": agency_id("DISDIKBUD"), "period": period, "name": "Uji angka", "unit_of_measure": "%",
        "direction": "HIGHER_IS_BETTER", "target": 10**20})
    assert 400 <= response.status_code < 500
    assert translated("This number is too large.") in str(response.json["message"])
    assert count(OrganizationIndicator) == indicators


@pytest.mark.parametrize("path", ["/training/needs?year=%C2%B2", "/training/compliance?agency=2147483648",
                                  "/lookup/employee?q=ab&page=%C2%B2&agency=9223372036854775808",
                                  "/activity-dashboard/?agency=2147483648", "/awards/wall?year=99999"])
def test_numbers_the_views_read_are_parsed_once_for_all(as_user, path):
    """A number no id or year can be is treated as no choice, as a non-number always was."""
    assert as_user("admin").get(path).status_code == 200


def test_years_beyond_any_date_are_no_year(admin_api):
    response = admin_api("/api/v1/recognition/candidates?period=2147483648")
    assert response.status_code == 400 and response.json["message"]
    assert admin_api("/api/v1/training/compliance?year=99999").status_code == 200


def test_a_lookup_id_beyond_any_id_is_not_a_valid_choice(as_user, translated):
    browser = as_user("admin.disdik")
    employees = count(Employee)
    response = browser.post("/employeeview/add", data={
        "employment_type": "PNS", "nip": "198609262015051001", "name": "Uji", "unit": str(2**63),
        "csrf_token": csrf_token(browser, "/employeeview/add")})
    assert response.status_code == 400 and count(Employee) == employees


# --- routes FAB adds that answered 500 -------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/users/download/x", "/roles/download/x", "/groups/download/x",
                                  "/employeeview/download/x", "/userstatschartview/chart/x",
                                  "/userstatschartview/chart/1000000000000000000000"])
def test_routes_of_no_use_here_are_not_found(as_user, path):
    assert as_user("admin").get(path).status_code == 404


def test_the_follow_up_export_of_an_employee_is_not_found(as_user):
    employee = as_user("pegawai.disdik")
    for query in ("?format=xlsx", ""):
        assert employee.get(f"/distribution/follow-up/award_candidates{query}").status_code == 404


def test_a_missing_csrf_token_is_told_in_the_users_language(app, refused_with):
    response = app.test_client().post("/login/", data={"username": "x", "password": "y"})
    assert refused_with(response, "The form has expired or was not sent from this site. Reload the page and "
                                  "try again.")


# --- the fuzz ------------------------------------------------------------------------------------------------

JUNK = {
    "long": "x" * 10_240,
    "emoji": "😀👩🏽‍💻",
    "rtl": "\u202eمرحبا\u200f",
    "combining": "e\u0301\u0302\u0303\u0489",
    "negative": "-1",
    "int32": str(2**31),  # beyond PostgreSQL's INTEGER, within SQLite's
    "int64": str(2**63),
    "huge": str(10**30),
    "word": "abc",
    "empty": "",
    "decimal": "1e309",
    "superscript": "²",  # str.isdigit() says yes, int() says no
    "year": "99999",  # an id, but no date's year
}
# Refused by the request guard before any view runs, so they get their own probes instead of hiding the
# kinds above from the views.
NUL, CONTROL = "a\x00b", "x\x1b[2J"
HUGE_IDS = ("int32", "int64", "huge")

USERS = {"public": None, "Admin": "admin", "Agency Admin": "admin.disdik", "Employee": "pegawai.disdik"}
OTHER_USERS = ("Agency Admin", "Employee", "public")
PATH_ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
SKIPPED_ENDPOINTS = {"AuthDBView.logout", "static", "appbuilder.static"}  # logout would end the sessions
# Forms that change the signed-in account itself: asked only with input the guard refuses.
ACCOUNT_FORMS = re.compile(r"(ResetMyPasswordView|ResetPasswordView|UserInfoEditView)\..*|UserView\.userinfoedit")
LOGIN_ENDPOINTS = {"AuthDBView.login", "SecurityApi.login"}
FAB_ROUTES = {"list", "show", "add", "edit", "delete", "download", "action", "action_post", "export_xlsx"}


@functools.cache
def harvested_parameter_names() -> tuple[str, ...]:
    """Names the views, APIs and public pages read from the request (request.args.get("agency"), ...)."""
    pattern = re.compile(r"\b(?:args|form|values|source|payload|files)\.get(?:list)?\(\s*[\"']([a-z_][a-z0-9_]*)[\"']")
    root = Path(__file__).resolve().parents[1] / "app"
    names = set()
    for folder in ("views", "public", "api", "security"):
        for source in (root / folder).rglob("*.py"):
            names.update(pattern.findall(source.read_text()))
    return tuple(sorted(names))


class PageForms(html.parser.HTMLParser):
    """The forms of a page: [(action, method, field names)]."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append((attributes.get("action") or "", (attributes.get("method") or "get").upper(), set()))
        elif tag in ("input", "select", "textarea") and self.forms and attributes.get("name") not in (None, "csrf_token"):
            self.forms[-1][2].add(attributes["name"])


class Fuzzer:
    def __init__(self, app, unit_code):
        self.app = app
        self.unit_code = unit_code
        self.clients, self.tokens, self.csrf = {}, {}, {}
        self.form_fields = {}  # endpoint -> {method: names}
        self.failures, self.writes = [], []
        self.requests = 0
        self._kinds = itertools.cycle(JUNK)
        self._others = itertools.cycle(OTHER_USERS)
        self._huge_ids = itertools.cycle(HUGE_IDS)
        self._valid = {}
        self.fixed_values = {
            "unit_code": unit_code, "group": "award_candidates", "kind_code": "evaluation", "version": "v1",
            "locale": "id", "name": "muldelete", "filename": "probe_sep_probe.txt", "token": "no-such-token",
            "agency_id": agency_id("DISDIKBUD"), "employee_id": employee_of("pegawai.disdik")[0], "key": "1",
            "code": "NO-SUCH-CODE"}

    # --- sessions and values ------------------------------------------------------------------------------

    def sign_in(self):
        for label, username in USERS.items():
            client = self.app.test_client()
            self.tokens[label] = {}
            if username:
                assert login(client, username).status_code == 302
                answer = self.app.test_client().post("/api/v1/security/login", json={
                    "username": username, "password": "Sikinerja#2026", "provider": "db"})
                self.tokens[label] = {"Authorization": f"Bearer {answer.json['access_token']}"}
            self.csrf[label] = csrf_token(client, "/resetmypassword/form" if username else "/login/")
            self.clients[label] = client

    def junk(self, count=1):
        return [next(self._kinds) for _ in range(count)]

    def other_user(self):
        return next(self._others)

    def view_of(self, endpoint):
        return getattr(self.app.view_functions.get(endpoint), "__self__", None)

    def valid_path_values(self, rule):
        if rule.rule in self._valid:
            return self._valid[rule.rule]
        values = self._valid[rule.rule] = {name: self.fixed_values.get(name, 1) for name in rule.arguments}
        model = getattr(getattr(self.view_of(rule.endpoint), "datamodel", None), "obj", None)
        if "pk" in values and model is not None:
            with database() as session:
                values["pk"] = session.scalar(select(model.id).order_by(model.id)) or 1
        return values

    @staticmethod
    def missing_row_values(rule):
        """Path values that name no row: the fuzz's writes never reach a real record."""
        return {name: "no-such-row" if name in ("unit_code", "group", "kind_code", "token", "code") else
                ("muldelete" if name == "name" else 999999) for name in rule.arguments}

    @staticmethod
    def build(rule, values, query=None):
        path = PATH_ARGUMENT.sub(lambda match: quote(str(values[match.group(2)]), safe=""), rule.rule)
        return f"{path}?{urlencode(query, doseq=True)}" if query else path

    def fields_of(self, rule, method):
        """Every form or JSON field the route may read."""
        names = set(harvested_parameter_names()) | self.form_fields.get(rule.endpoint, {}).get(method, set())
        view, route = self.view_of(rule.endpoint), rule.endpoint.split(".")[-1]
        if route in ("add", "post"):
            names |= set(getattr(view, "add_columns", None) or []) | set(getattr(view, "add_form_extra_fields", None) or {})
        if route in ("edit", "put"):
            names |= set(getattr(view, "edit_columns", None) or []) | set(getattr(view, "edit_form_extra_fields", None) or {})
        return sorted(names)

    def filled(self, names):
        return dict(zip(names, (JUNK[kind] for kind in self.junk(len(names)))))

    # --- probes: (user, method, url, keyword arguments of client.open) -------------------------------------

    def probes_of(self, rule):
        methods = rule.methods - {"HEAD", "OPTIONS"}
        if "GET" in methods:
            yield from self.get_probes(rule)
        for method in sorted(methods & {"POST", "PUT", "DELETE"}):
            if ACCOUNT_FORMS.fullmatch(rule.endpoint):  # refused before the view: the account stays as it is
                yield "Admin", method, self.build(rule, self.missing_row_values(rule)), {
                    "data": {"password": NUL, "csrf_token": self.csrf["Admin"]}}
            else:
                yield from self.write_probes(rule, method)

    def path_variants(self, rule, values):
        """One junk value per path parameter (only digits reach an int converter: large ones, then)."""
        for converter, name in PATH_ARGUMENT.findall(rule.rule):
            kind = next(self._huge_ids) if converter == "int" else self.junk()[0]
            yield self.build(rule, {**values, name: JUNK[kind]})

    @staticmethod
    def reads_own_parameters(rule):
        """Whether the route reads parameters of its own (FAB's CRUD routes read only the list parameters)."""
        return rule.endpoint.split(".")[-1] not in FAB_ROUTES | {"get", "get_list", "info", "put", "post", "delete"}

    def get_probes(self, rule):
        valid = self.valid_path_values(rule)
        for url in self.path_variants(rule, valid):
            yield "Admin", "GET", url, {}
        nul_in_path = {**valid, **{name: NUL for name in sorted(rule.arguments)[:1]}}
        yield self.other_user(), "GET", self.build(rule, nul_in_path, {"agency": NUL, "q": CONTROL}), {}
        view, route = self.view_of(rule.endpoint), rule.endpoint.split(".")[-1]
        if rule.rule.startswith("/api/") and route in ("get_list", "get", "info") and view is not None:
            for query in self.rison_queries(view, route):
                yield "Admin", "GET", self.build(rule, valid, {"q": query}), {}
        elif route in ("list", "export_xlsx") and getattr(view, "_filters", None) is not None:
            for user, query in self.list_queries(view, every_filter=route == "list"):
                yield user, "GET", self.build(rule, valid, query), {}

    def list_queries(self, view, every_filter):
        name = type(view).__name__
        filters = view._filters.get_search_filters()
        yield "Admin", {f"_oc_{name}": JUNK[self.junk()[0]], f"_od_{name}": "asc"}
        if filters:
            column, column_filters = next(iter(filters.items()))
            yield "Admin", {f"_flt_{len(column_filters)}_{column}": "1"}
        for user, columns in self.filter_groups(view, filters) if every_filter else [("Admin", list(filters))]:
            yield user, {f"psize_{name}": "1", **{  # one row: the filters' code runs all the same, the page is cheap
                f"_flt_{(index + self.requests) % len(filters[column])}_{column}": JUNK[self.junk()[0]]
                for index, column in enumerate(columns)}}
        if every_filter:
            yield "Admin", {f"_oc_{name}": (view.order_columns or ["id"])[0], f"_od_{name}": JUNK[self.junk()[0]]}
            yield "Admin", {f"page_{name}": JUNK[self.junk()[0]], f"psize_{name}": JUNK[self.junk()[0]]}
            yield "Admin", {"_flt_0_no_such_column": "1"}

    def filter_groups(self, view, filters):
        """Who asks which columns' filters together: a column whose type gives the value a meaning (numbers,
        ids, yes/no, dates) alone, so that a refusal of another hides nothing — one per list, in rotation —
        and all columns at once."""
        datamodel = view.datamodel
        typed = [column for column in filters if any(check(column) for check in (
            datamodel.is_relation, datamodel.is_integer, datamodel.is_numeric, datamodel.is_boolean,
            datamodel.is_date, datamodel.is_datetime))]
        if typed:
            yield "Admin", [typed[self.requests % len(typed)]]
        yield self.other_user(), list(filters)

    def rison_queries(self, api, route):
        yield "(junk"
        if route != "get_list":
            yield prison.dumps({"columns": ["no_such_column"], "keys": ["junk"]})
            return
        yield prison.dumps({"page": -1, "page_size": 10**30, "order_column": "no_such_column",
                            "order_direction": "sideways", "columns": ["no_such_column"], "keys": ["junk"]})
        yield prison.dumps({"page": 10**30, "page_size": 10})
        filters = api._filters.get_search_filters()
        for _user, columns in self.filter_groups(api, filters):
            yield prison.dumps({"page_size": 1, "filters": [
                {"col": column, "opr": filters[column][(index + self.requests) % len(filters[column])].arg_name,
                 "value": JUNK[self.junk()[0]]} for index, column in enumerate(columns)]})

    def spoiler(self, rule):
        """For a route that creates a row (FAB's add, REST post): a required field with a value too long for it.
        Junk in the other fields may well be valid text, and a row made of it would stay in the session's
        database; None when the model has no such field (then the route gets no junk-filled probes)."""
        view, route = self.view_of(rule.endpoint), rule.endpoint.split(".")[-1]
        if route not in ("add", "post") or getattr(view, "datamodel", None) is None:
            return {}
        offered = set(getattr(view, "add_columns", None) or ())
        for name, column in view.datamodel.list_columns.items():
            length = getattr(column.type, "length", None)
            if name in offered and length and not column.nullable and column.default is None:
                return {name: "x" * (length + 1)}
        return None

    def write_targets(self, rule):
        """Where writes go: ids that name no row; the public survey also at a real unit (junk answers are
        refused, which the audit check confirms)."""
        yield self.missing_row_values(rule)
        if "unit_code" in rule.arguments:
            yield {**self.missing_row_values(rule), "unit_code": self.unit_code}

    def write_probes(self, rule, method):
        """Junk in the path, a NUL byte, and junk in every field where the fields are read: a route whose
        path names a row reads nothing once the row is not found."""
        names, spoiler, api = self.fields_of(rule, method), self.spoiler(rule), rule.rule.startswith("/api/")
        reads_fields = set(rule.arguments) <= {"unit_code"} and spoiler is not None
        for values in self.write_targets(rule):
            url = self.build(rule, values)
            for path in self.path_variants(rule, values):
                yield "Admin", method, path, {"json": {}} if api else {"data": {"csrf_token": self.csrf["Admin"]}}
            user = self.other_user()
            if api:
                yield user, method, url, {"json": {names[0]: NUL, NUL: 1, "nested": [{"x": CONTROL}]}}
            else:
                yield user, method, url, {"data": {names[0]: NUL, "csrf_token": self.csrf[user]}}
            for user in ("Admin", self.other_user()) if reads_fields else ():
                yield user, method, url, ({"json": {**self.filled(names), **spoiler}} if api else
                                          {"data": {**self.filled(names), **spoiler, "csrf_token": self.csrf[user]}})
            if api and reads_fields:
                numbers = itertools.cycle([10**30, -1, 2**31, 2**63, 1.5e308, [], {}, True, None, {"id": 10**30}])
                yield "Admin", method, url, {"json": {**{name: next(numbers) for name in names}, **spoiler}}
                yield self.other_user(), method, url, {"json": [JUNK["emoji"]]}
                yield self.other_user(), method, url, {"data": '{"unterminated": ', "content_type": "application/json"}
        if rule.endpoint.endswith(".action_post"):
            yield from self.action_probes(rule)

    def action_probes(self, rule):
        url, view = self.build(rule, {}), self.view_of(rule.endpoint)
        rowids = [JUNK[kind] for kind in JUNK] + ["999999"]
        for action in [*(view.actions or {}), "no_such_action"]:
            yield "Admin", "POST", url, {"data": {"action": action, "rowid": rowids, "csrf_token": self.csrf["Admin"]}}
        yield "Agency Admin", "POST", url, {"data": {"action": "muldelete", "rowid": ["999999"],
                                                     "csrf_token": self.csrf["Agency Admin"]}}
        yield "Admin", "POST", url, {"data": {"rowid": "1", "csrf_token": self.csrf["Admin"]}}

    # --- running --------------------------------------------------------------------------------------------

    def discover_forms(self, rule):
        """Ask a route that reads parameters of its own with junk in all the names the views read, and
        remember the fields of the page's forms by the endpoint they are sent to (model views' forms are known
        from their columns); a form's own GET fields are asked too."""
        if "GET" not in rule.methods or not self.reads_own_parameters(rule):
            return
        valid = self.valid_path_values(rule)
        response = self.send(rule.endpoint, "Admin", "GET", self.build(rule, valid,
                                                                        self.filled(harvested_parameter_names())), {})
        if response is None or response.mimetype != "text/html":
            return
        parser = PageForms()
        parser.feed(response.get_data(as_text=True))
        adapter = self.app.url_map.bind("localhost")
        for action, method, names in parser.forms:
            try:
                endpoint, _ = adapter.match(urlsplit(action).path or urlsplit(response.request.path).path,
                                            method=method)
            except Exception:  # noqa: BLE001 — a form sent elsewhere
                continue
            self.form_fields.setdefault(endpoint, {}).setdefault(method, set()).update(names)
        unread = self.form_fields.get(rule.endpoint, {}).get("GET", set()) - set(harvested_parameter_names())
        if unread:
            self.send(rule.endpoint, "Admin", "GET", self.build(rule, valid, self.filled(sorted(unread))), {})

    def send(self, endpoint, user, method, url, options):
        headers = self.tokens[user] if url.startswith("/api/") else {}
        self.requests += 1
        try:
            response = self.clients[user].open(url, method=method, headers=headers, **options)
        except Exception as error:  # noqa: BLE001 — TESTING propagates the exception behind a 500
            response, status = None, f"{type(error).__name__}: {str(error)[:160]}"
        else:
            status = response.status_code
        asked = f"{user} {method} {url[:160]!r} {repr(options)[:160]}"
        if response is None or response.status_code >= 500:
            self.failures.append(f"{endpoint}: {status} ← {asked}")
        if method != "GET":  # GETs change nothing (tests/test_access_matrix.py); a failed login is audited, rightly
            last_entry, self.last_audit_entry = self.last_audit_entry, last_audit_entry()
            if self.last_audit_entry != last_entry and endpoint not in LOGIN_ENDPOINTS:
                self.writes.append(f"{endpoint}: {audit_entries_after(last_entry)} ← {asked}")
        return response

    def run(self):
        self.last_audit_entry = last_audit_entry()
        rules = [rule for rule in sorted(self.app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))
                 if rule.endpoint not in SKIPPED_ENDPOINTS]
        for rule in rules:
            self.discover_forms(rule)
        for rule in rules:
            for user, method, url, options in self.probes_of(rule):
                self.send(rule.endpoint, user, method, url, options)


def last_audit_entry():
    with database() as session:
        return session.scalar(select(func.max(AuditEntry.id))) or 0


def audit_entries_after(entry_id):
    """What the audit log recorded after ``entry_id``: [(action, entity, changes)]."""
    with database() as session:
        return [tuple(row) for row in session.execute(select(AuditEntry.action, AuditEntry.entity,
                                                              AuditEntry.changes).where(AuditEntry.id > entry_id))]


@pytest.fixture(scope="module")
def fuzz(app, skm):
    fuzzer = Fuzzer(app, skm["code"])
    fuzzer.sign_in()
    started = time.perf_counter()
    fuzzer.run()
    fuzzer.seconds = time.perf_counter() - started
    return fuzzer


def test_no_junk_input_gets_a_server_error(fuzz):
    print(f"\n{fuzz.requests} requests in {fuzz.seconds:.1f} s")
    assert not fuzz.failures, f"{len(fuzz.failures)} server errors:\n" + "\n".join(fuzz.failures)


def test_junk_writes_change_nothing(fuzz):
    assert not fuzz.writes, "junk input was written:\n" + "\n".join(fuzz.writes)
