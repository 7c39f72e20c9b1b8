"""Every relation of every REST resource is written as the id of a row the user may see, nothing else.

Generated from the application, not from a list: each registered ModelRestApi with a POST or PUT route,
each relation field of its add or edit schema, written by the least privileged demo account holding the
write permission, gets a nested object with a new id and column values, a nested object with an existing
id, the id of a row the account may not read, an id that does not exist and values of the wrong type.
Each answer must be a 400, and no table of the database may gain or lose a row (nor the edited row change).
"""
import pytest
from flask_appbuilder.api import ModelRestApi
from marshmallow_sqlalchemy.fields import Related, RelatedList
from sqlalchemy import Boolean, Integer, String, Text, delete, func, not_, select

from app.api.schema import Refusal
from app.extensions import db
from app.models import Employee, Rank
from app.models.activity import DailyActivity
from app.models.planning import Period, WorkPlan, WorkResult
from app.security.scope import UserScope, read_filter
from tests.helpers import agency_id, database, employee_of, versioned

# Demo accounts from the least to the most privileged: each resource is written by the first that may.
ACCOUNTS = ("pegawai.disdik", "penilai.disdik", "admin.disdik", "hr.bkpsdm", "admin")
MISSING_ID = 999_999_999
AUTHOR, EVALUATOR = "pegawai.disdik", "penilai.disdik"


TABLES = db.metadata.sorted_tables
COUNT_EVERY_TABLE = select(*(select(func.count()).select_from(table).scalar_subquery() for table in TABLES))


def table_counts() -> dict:
    """The row count of every table, in one statement."""
    with database() as session:
        return dict(zip((table.name for table in TABLES), session.execute(COUNT_EVERY_TABLE).one()))


def stored_row(model, pk):
    with database() as session:
        return tuple(session.execute(select(model.__table__).where(model.__table__.c.id == pk)).one())


def login(app, username):
    client = app.test_client()
    response = client.post("/api/v1/security/login",
                           json={"username": username, "password": "Sikinerja#2026", "provider": "db"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return client, {"Authorization": f"Bearer {response.json['access_token']}"}


@pytest.fixture(scope="module")
def editable_plan(app):
    """A draft SKP of AUTHOR whose RHK (supporting the evaluator's approved RHK) and IKI are added through
    the API: valid ids still work, the superior's RHK included, which the author may not read."""
    client, headers = login(app, AUTHOR)
    author_id, evaluator_id = employee_of(AUTHOR)[0], employee_of(EVALUATOR)[0]
    with database() as session:
        period = session.scalar(select(Period).where(Period.year == 2026))
        author = session.get(Employee, author_id)
        version = (session.scalar(select(func.max(WorkPlan.version)).where(
            WorkPlan.employee_id == author_id, WorkPlan.period_id == period.id)) or 0) + 1
        plan = WorkPlan(period_id=period.id, employee_id=author_id, agency_id=author.agency_id,
                        evaluator_id=evaluator_id, position_id=author.position_id, approach="kuantitatif",
                        status="draft", version=version)
        session.add(plan)
        session.commit()
        plan_id = plan.id
        supported = session.scalar(select(WorkResult.id).join(WorkPlan, WorkResult.work_plan_id == WorkPlan.id)
                                   .where(WorkPlan.employee_id == evaluator_id, WorkPlan.period_id == period.id,
                                          WorkPlan.status == "approved").order_by(WorkResult.id))
    result = client.post("/api/v1/workresult/", headers=headers, json={
        "work_plan": plan_id, "group": "UTAMA", "order": 1, "description": "Tersusunnya laporan uji REST",
        "supported_result": supported})
    assert result.status_code == 201, result.get_data(as_text=True)
    indicator = client.post("/api/v1/resultindicator/", headers=headers, json={
        "work_result": result.json["id"], "aspect": "KUANTITAS", "description": "Jumlah laporan uji",
        "target_value": "3", "target_unit": "laporan", "direction": "HIGHER_IS_BETTER"})
    assert indicator.status_code == 201, indicator.get_data(as_text=True)
    with database() as session:
        stored = session.get(WorkResult, result.json["id"])
        assert (stored.work_plan_id, stored.supported_result_id) == (plan_id, supported)
    yield plan_id
    with database() as session:
        session.delete(session.get(WorkPlan, plan_id))
        session.commit()


@pytest.fixture(scope="module")
def editable_activity(app):
    """A draft daily activity of AUTHOR, reported through the API."""
    from app.services.activity import last_working_days, today

    client, headers = login(app, AUTHOR)
    with database():
        day = last_working_days(1, today())[0]
    response = client.post("/api/v1/activity/", headers=headers, json={
        "activity_date": day.isoformat(), "start_time": "13:00:00", "end_time": "14:00:00",
        "description": "Uji penulisan REST", "volume": 1, "output_unit": "laporan"})
    assert response.status_code == 201, response.get_data(as_text=True)
    yield response.json["id"]
    with database() as session:
        session.execute(delete(DailyActivity).where(DailyActivity.id == response.json["id"]))
        session.commit()


class Resource:
    """One REST resource as the test writes it with one method: the account, the row a PUT edits and the
    body a POST sends (the add schema's view of that row: valid but for the relation under test)."""

    def __init__(self, app, api, method, known):
        self.app, self.api, self.method = app, api, method
        self.schema = api.add_model_schema if method == "post" else api.edit_model_schema
        self.relations = {name: field for name, field in self.schema.fields.items()
                          if isinstance(field, (Related, RelatedList)) and not field.dump_only}
        self.username = self._writer()
        if self.username not in known:  # one sign-in per account, one search for a row per resource
            known[self.username] = login(app, self.username)
        self.client, self.headers = known[self.username]
        if (self.name, self.username) not in known:
            known[self.name, self.username] = self._editable_row()
        self.row_id = known[self.name, self.username]
        self.post_template = self._post_template()
        with database():
            self.scope = UserScope.for_user(app.appbuilder.sm.find_user(username=self.username))

    @property
    def name(self):
        return self.api.resource_name

    @property
    def model(self):
        return self.api.datamodel.obj

    def _writer(self):
        permission = "can_" + self.api.method_permission_name.get(self.method, self.method)
        sm = self.app.appbuilder.sm
        with database():
            for username in ACCOUNTS:
                if sm._has_view_access(sm.find_user(username=username), permission,
                                       self.api.class_permission_name):
                    return username
        raise AssertionError(f"no demo account may {self.method} {self.name}")

    def _editable_row(self):
        """The newest row of the account's list that an unchanged PUT is accepted for (its valid ids too)."""
        listed = self.client.get(f"/api/v1/{self.name}/?q=(page_size:100)", headers=self.headers)
        assert listed.status_code == 200, listed.get_data(as_text=True)
        for pk in sorted(listed.json["ids"], reverse=True):
            if self.client.put(f"/api/v1/{self.name}/{pk}", json=versioned({}, self.model, pk),
                               headers=self.headers).status_code == 200:
                return pk
        return None

    def _post_template(self):
        if self.method != "post" or self.row_id is None:
            return {}
        with database() as session:
            return self.schema.dump(session.get(self.model, self.row_id))

    def send(self, field, value):
        if self.method == "post":
            return self.client.post(f"/api/v1/{self.name}/", json={**self.post_template, field: value},
                                    headers=self.headers)
        return self.client.put(f"/api/v1/{self.name}/{self.row_id}", json=versioned({field: value}, self.model, self.row_id),
                               headers=self.headers)


@pytest.fixture(scope="module")
def resources(app, editable_plan, editable_activity):
    """Per method, every registered ModelRestApi that has the route."""
    known = {}
    return {method: [Resource(app, api, method, known) for api in app.appbuilder.baseviews
                     if isinstance(api, ModelRestApi) and f"{api.endpoint}.{method}" in app.view_functions]
            for method in ("post", "put")}


def related_model(field):
    return (field.inner if isinstance(field, RelatedList) else field).related_model


def sample_columns(model) -> dict:
    """Some column values of ``model`` for a nested object, as a client would try to create the row with."""
    values = {}
    for column in model.__table__.columns:
        if column.primary_key:
            continue
        if isinstance(column.type, (String, Text)):
            values[column.name] = "disusupkan"
        elif isinstance(column.type, Boolean):
            values[column.name] = True
        elif isinstance(column.type, Integer):
            values[column.name] = 1
    return values


def an_id(model, condition):
    with database() as session:
        statement = select(model.id).order_by(model.id).limit(1)
        return session.scalar(statement if condition is None else statement.where(condition))


def current_id(resource, field_name):
    if resource.row_id is None:
        return None
    with database() as session:
        related = getattr(session.get(resource.model, resource.row_id), field_name)
        return getattr(related, "id", None)


def bad_values(resource, field_name, field):
    """(case, value) pairs, each of which must be refused."""
    model = related_model(field)
    condition = read_filter(model, resource.scope)
    valid = current_id(resource, field_name) or an_id(model, condition) or 1
    foreign = None if condition is None else an_id(model, not_(condition))
    one = [
        ("nested object with a new id", {"id": MISSING_ID, **sample_columns(model)}),
        ("nested object with an existing id", {"id": valid}),
        ("id that does not exist", MISSING_ID),
        ("id beyond any integer key", 2**64),
        ("id as text", str(valid)),
        ("boolean", True),
        ("id as a float", float(valid)),
    ]
    if foreign is not None:
        one.append(("id of a row the account may not read", foreign))
    if isinstance(field, RelatedList):
        return [(case, [value]) for case, value in one] + [("bare id instead of a list", valid)]
    cases = one + [("list of ids", [valid])]
    if not field.allow_none:
        cases.append(("null where a row is required", None))
    return cases


@pytest.mark.parametrize("method", ["post", "put"])
def test_relations_take_only_the_id_of_a_visible_row(resources, method):
    failures, tried = [], 0
    expected = table_counts()
    for resource in resources[method]:
        if method == "put" and resource.row_id is None:
            failures.append(f"{resource.name}: no row {resource.username} may edit, nothing to PUT")
            continue
        row = resource.row_id and stored_row(resource.model, resource.row_id)
        for field_name, field in resource.relations.items():
            for case, value in bad_values(resource, field_name, field):
                response = resource.send(field_name, value)
                counts, now = table_counts(), resource.row_id and stored_row(resource.model, resource.row_id)
                tried += 1
                where = f"{method.upper()} {resource.name}.{field_name} as {resource.username}, {case} {value!r}"
                if response.status_code != 400:
                    failures.append(f"{where}: {response.status_code} {response.get_data(as_text=True)[:200]}")
                elif counts != expected:
                    failures.append(f"{where}: 400, but rows were added or removed in "
                                    f"{sorted(name for name in counts if counts[name] != expected[name])}")
                elif now != row:
                    failures.append(f"{where}: 400, but the edited row changed")
                elif field_name not in resource.api.relations_checked_by_validators and \
                        field_name not in response.json["message"]:
                    failures.append(f"{where}: the message does not name the field: {response.json['message']}")
                expected, row = counts, now
    assert tried >= 7 * sum(len(resource.relations) for resource in resources[method]) > 0
    assert not failures, f"{len(failures)} of {tried} writes not refused:\n" + "\n".join(failures)


def test_the_generator_reaches_the_relations_of_the_issue(resources):
    """The hole as reported (issue 16): if the enumeration lost these, the test above would prove nothing."""
    found = {(resource.method, resource.name, field, resource.username, resource.row_id is not None)
             for method in ("post", "put") for resource in resources[method] for field in resource.relations}
    for expected in [("post", "employee", "rank", "admin.disdik", True),
                     ("put", "employee", "rank", "admin.disdik", True),
                     ("post", "indicator", "period", "admin.disdik", True),
                     ("post", "indicator", "agency", "admin.disdik", True),
                     ("post", "workresult", "work_plan", AUTHOR, True),
                     ("post", "resultindicator", "work_result", AUTHOR, True),
                     ("put", "activity", "result_indicator", AUTHOR, True),
                     ("put", "improvementplan", "period", "admin.disdik", True),
                     ("put", "training_programme", "kind", "hr.bkpsdm", True)]:
        assert expected in found


def test_a_valid_id_still_changes_the_relation(app):
    client, headers = login(app, "admin.disdik")
    employee_id = employee_of(AUTHOR)[0]
    with database() as session:
        old_rank = session.get(Employee, employee_id).rank_id
        new_rank = session.scalar(select(Rank.id).where(Rank.id != old_rank).order_by(Rank.id))
    before = table_counts()
    response = client.put(f"/api/v1/employee/{employee_id}", json=versioned({"rank": new_rank}, Employee, employee_id),
                          headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.json["result"]["rank"] == new_rank
    with database() as session:
        assert session.get(Employee, employee_id).rank_id == new_rank
    assert {k: v for k, v in table_counts().items() if k != "audit_entry"} == \
        {k: v for k, v in before.items() if k != "audit_entry"}
    assert client.put(f"/api/v1/employee/{employee_id}", json=versioned({"rank": old_rank}, Employee, employee_id),
                      headers=headers).status_code == 200


def test_a_to_many_relation_takes_a_list_of_visible_ids(app):
    """No resource writes a to-many relation through its route today; the field is the same for all."""
    plans = next(api for api in app.appbuilder.baseviews if getattr(api, "resource_name", None) == "workplan")
    field = plans.add_model_schema.fields["results"]
    with app.test_request_context():  # no user signed in: the scope reads nothing
        own = an_id(WorkResult, None)
        for value in (own, [str(own)], [True], [{"id": own}], [own, None], {"id": own}):
            with pytest.raises(Refusal, match="results"):
                field.deserialize(value)
        with pytest.raises(Refusal, match=f"{own}"):
            field.deserialize([own])
    with app.app_context():  # the system (command line, jobs) reads every row
        assert [row.id for row in field.deserialize([own])] == [own]
        db.session.rollback()


def test_refusal_answers_the_message_alone(app):
    client, headers = login(app, "admin.disdik")
    response = client.post("/api/v1/unit/?_l_=en", json={"agency": {"id": MISSING_ID, "name": "x"}, "code": "X",
                                                        "name": "x", "kind": "SEKSI"}, headers=headers)
    assert response.status_code == 400
    assert response.json["message"] == "agency takes the id of a record (a whole number), nothing else."



def test_a_foreign_id_is_refused_like_a_missing_one(app):
    client, headers = login(app, "admin.disdik")
    answers = {}
    for agency in (agency_id("DINKES"), MISSING_ID):
        response = client.post("/api/v1/unit/?_l_=en", json={"agency": agency, "code": "X", "name": "x",
                                                            "kind": "SEKSI"}, headers=headers)
        assert response.status_code == 400
        answers[agency] = response.json["message"].replace(str(agency), "<id>")
    assert answers[agency_id("DINKES")] == answers[MISSING_ID] == \
        "agency: there is no record with id <id> that you may use."


def test_an_evaluator_adds_no_indicator_to_a_locked_skp_of_another_agency(app):
    """The report of issue 16: a nested RHK carrying the foreign plan's id, or that plan's RHK by id."""
    with database() as session:
        foreign_plan = session.scalar(select(WorkPlan).where(WorkPlan.status == "approved",
                                                             WorkPlan.agency_id == agency_id("DINKES")))
        foreign_result = foreign_plan.results[0].id
        nested = {"id": MISSING_ID, "work_plan_id": foreign_plan.id, "employee_id": foreign_plan.employee_id,
                  "agency_id": foreign_plan.agency_id, "group": "UTAMA", "order": 9, "description": "disusupkan"}
    client, headers = login(app, EVALUATOR)
    before = table_counts()
    for work_result in (nested, foreign_result):
        response = client.post("/api/v1/resultindicator/", headers=headers, json={
            "work_result": work_result, "aspect": "KUANTITAS", "description": "Disusupkan", "target_value": "1",
            "target_unit": "dokumen", "direction": "HIGHER_IS_BETTER"})
        assert response.status_code == 400 and "work_result" in response.json["message"]
    assert table_counts() == before
