"""Data integrity: final evaluations and signed documents never change, whatever the path; master data with
history is deactivated, not deleted; a crash inside a use-case leaves nothing half-written; of two people
changing one record at once, one wins and the other is told."""
import datetime as dt
import hashlib
import itertools
import uuid
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy import delete, func, select

from app.extensions import db
from app.models import AuditEntry, Employee, SignedDocument, SigningCredential, Unit
from app.models.activity import DailyActivity
from app.models.document import ImmutableDocument, SignedDocumentContent
from app.models.evaluation import Evaluation, EvaluationRealisation, Feedback
from app.models.guards import FinalEvaluationChanged
from app.models.planning import Period, ResultIndicator, WorkPlan, WorkResult
from tests.helpers import agency_id, count, database, employee_of, meanwhile, versioned

YEAR = 2087  # a period of its own: nothing here is counted by another module's figures
_plan_versions = itertools.count(1)  # one employee, one period: each plan made here is a version of its own


# --- rows this module works on ---------------------------------------------------------------------

def _scope():
    employee_id = employee_of("pegawai.disdik")[0]
    with database() as session:
        agency = session.get(Employee, employee_id).agency_id
    return dict(employee_id=employee_id, agency_id=agency, evaluator_id=employee_of("penilai.disdik")[0])


@pytest.fixture(scope="module", autouse=True)
def period(app):
    with database() as session:
        period = Period(year=YEAR, name=f"Tahun {YEAR}", start_date=dt.date(YEAR, 1, 1),
                        end_date=dt.date(YEAR, 12, 31), status="running")
        session.add(period)
        session.commit()
        period_id = period.id
    yield period_id
    with database() as session:  # outside a request: maintenance may remove what the tests made
        for evaluation in session.scalars(select(Evaluation).where(Evaluation.period_id == period_id)
                                          .order_by(Evaluation.version.desc())):
            session.delete(evaluation)
            session.flush()
        session.execute(delete(DailyActivity).where(DailyActivity.period_id == period_id))
        for plan in session.scalars(select(WorkPlan).where(WorkPlan.period_id == period_id)
                                    .order_by(WorkPlan.version.desc())):
            session.delete(plan)
            session.flush()
        session.delete(session.get(Period, period_id))
        session.commit()


def make_plan(period_id, status="approved"):
    with database() as session:
        plan = WorkPlan(period_id=period_id, approach="kuantitatif", status=status, version=next(_plan_versions),
                        **_scope())
        result = WorkResult(work_plan=plan, description="Laporan pembinaan sekolah", **_scope())
        session.add_all([plan, result, ResultIndicator(
            work_result=result, aspect="KUANTITAS", description="Jumlah laporan", target_value=Decimal(12),
            target_unit="laporan", **_scope())])
        session.commit()
        return plan.id


def make_evaluation(period_id, status="draft", kind="QUARTERLY", **values):
    plan_id = make_plan(period_id)
    with database() as session:
        plan = session.get(WorkPlan, plan_id)
        evaluation = Evaluation(work_plan_id=plan_id, period_id=period_id, kind=kind,
                                window_start=dt.date(YEAR, 1, 1), window_end=dt.date(YEAR, 3, 31), status=status,
                                version=1, **_scope(), **values)
        session.add(evaluation)
        indicator = plan.results[0].indicators[0]
        session.add(EvaluationRealisation(evaluation=evaluation, result_indicator_id=indicator.id,
                                          value=Decimal(3), **_scope()))
        session.commit()
        return evaluation.id


def make_activities(period_id, number):
    with database() as session:
        rows = [DailyActivity(period_id=period_id, activity_date=dt.date(YEAR, 2, 2 + day),
                              start_time=dt.time(8), end_time=dt.time(10), description=f"Pembinaan sekolah {day}",
                              volume=Decimal(1), output_unit="laporan", status="submitted",
                              submitted_at=dt.datetime(YEAR, 2, 2 + day, 11), **_scope())
                for day in range(number)]
        session.add_all(rows)
        session.commit()
        return [row.id for row in rows]


def statuses(model, ids):
    with database() as session:
        return [session.get(model, pk).status for pk in ids]


def make_signed_document() -> int:
    """A signed document row with its bytes, as the signing service stores them."""
    pdf = b"%PDF-1.7\n% signed test document " + uuid.uuid4().hex.encode() + b"\n%%EOF\n"
    with database() as session:
        credential = session.scalars(select(SigningCredential).order_by(SigningCredential.id)).first()
        document = SignedDocument(
            code=uuid.uuid4().hex[:20].upper(), kind_code="evaluation", subject_key=f"test-{uuid.uuid4().hex[:8]}",
            title="Dokumen uji",
            agency_id=agency_id("DISDIKBUD"), sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf),
            signer_name="Penilai", signer_title="Kepala Bidang", credential_id=credential.id,
            signed_at=dt.datetime(YEAR, 1, 5), status="valid")
        session.add(document)
        session.flush()
        session.add(SignedDocumentContent(document_id=document.id, pdf=pdf))
        session.commit()
        return document.id


# --- final evaluations ------------------------------------------------------------------------------

def demo_final_evaluation():
    with database() as session:
        return session.scalars(select(Evaluation.id).where(Evaluation.status == "final")
                               .order_by(Evaluation.id)).first()


@pytest.mark.parametrize("change", [
    lambda e: setattr(e, "work_result_rating", 3),
    lambda e: setattr(e, "status", "draft"),
    lambda e: setattr(e.realisations[0], "value", Decimal(999)),
    lambda e: db.session.add(EvaluationRealisation(evaluation=e, result_indicator_id=e.realisations[0]
                                                   .result_indicator_id, value=1, agency_id=e.agency_id,
                                                   employee_id=e.employee_id, evaluator_id=e.evaluator_id)),
    lambda e: db.session.add(Feedback(evaluation=e, target_kind="RESULT", text="diubah", agency_id=e.agency_id,
                                      employee_id=e.employee_id, evaluator_id=e.evaluator_id)),
], ids=["rating", "status", "realisation", "new realisation", "new feedback"])
def test_a_final_evaluation_never_changes_through_the_orm(app, change):
    pk = demo_final_evaluation()
    with database() as session:
        evaluation = session.get(Evaluation, pk)
        before = (evaluation.work_result_rating, evaluation.predikat, len(evaluation.realisations))
        change(evaluation)
        with pytest.raises(FinalEvaluationChanged):
            session.flush()
    with database() as session:
        evaluation = session.get(Evaluation, pk)
        assert (evaluation.work_result_rating, evaluation.predikat, len(evaluation.realisations)) == before


def test_the_database_refuses_raw_updates_of_a_final_evaluation(app):
    """Bulk statements and SQL consoles skip the ORM; the database's own triggers refuse them."""
    pk = demo_final_evaluation()
    for statement in ("UPDATE evaluation SET predikat = predikat + 10 WHERE id = :id",
                      "UPDATE evaluation_realisation SET value = value + 1 WHERE evaluation_id = :id"):
        with app.app_context(), db.engine.connect() as connection:
            with pytest.raises(sa.exc.DBAPIError, match="final evaluation never changes"):
                connection.execute(sa.text(statement), {"id": pk})
            connection.rollback()


def test_a_user_cannot_delete_a_final_evaluation(app):
    pk = demo_final_evaluation()
    with app.test_request_context(), database() as session:
        session.delete(session.get(Evaluation, pk))
        with pytest.raises(FinalEvaluationChanged):
            session.flush()
    assert count(Evaluation, id=pk) == 1


def test_the_rest_api_refuses_to_rate_a_final_evaluation(api_as, period):
    pk = make_evaluation(period, status="final", work_result_rating=2, behaviour_rating=2, predikat=3)
    client, headers = api_as("penilai.disdik")
    response = client.put(f"/api/v1/evaluation/{pk}?_l_=en", json={"work_result_rating": 1, "behaviour_rating": 1},
                          headers=headers)
    assert response.status_code == 400
    assert "final" in response.json["message"]
    assert statuses(Evaluation, [pk]) == ["final"]


def test_a_correction_is_a_new_version_and_leaves_the_final_one_alone(api_as, period):
    pk = make_evaluation(period, status="final", work_result_rating=2, behaviour_rating=2, predikat=3)
    client, headers = api_as("penilai.disdik")
    response = client.post(f"/api/v1/evaluation/{pk}/correct", json={"reason": "Salah input realisasi"},
                           headers=headers)
    assert response.status_code == 200, response.json
    new = response.json["result"]["id"]
    assert response.json["result"]["version"] == 2
    assert statuses(Evaluation, [pk, new]) == ["final", "draft"]
    changed = client.put(f"/api/v1/evaluation/{new}", json={"work_result_rating": 1, "behaviour_rating": 2},
                         headers=headers)
    assert changed.status_code == 200, changed.json
    with database() as session:
        assert session.get(Evaluation, pk).work_result_rating == 2


# --- signed documents ---------------------------------------------------------------------------------

@pytest.mark.parametrize("change", [
    lambda d: setattr(d, "title", "Dokumen palsu"),
    lambda d: setattr(d, "sha256", "0" * 64),
    lambda d: setattr(d.content, "pdf", b"%PDF-1.7 forged"),
    lambda d: db.session.delete(d.content),
    lambda d: db.session.delete(d),
], ids=["title", "hash", "bytes", "delete bytes", "delete"])
def test_a_signed_document_never_changes_through_the_orm(app, change):
    pk = make_signed_document()
    with database() as session:
        document = session.get(SignedDocument, pk)
        change(document)
        with pytest.raises(ImmutableDocument):
            session.flush()
    with database() as session:
        document = session.get(SignedDocument, pk)
        assert document.title == "Dokumen uji"
        assert hashlib.sha256(document.content.pdf).hexdigest() == document.sha256


def test_a_signed_document_may_still_be_revoked(app):
    pk = make_signed_document()
    with database() as session:
        document = session.get(SignedDocument, pk)
        document.status, document.revoked_at, document.revocation_reason = "revoked", dt.datetime.now(), "uji"
        session.flush()  # the status columns are the only ones that change


# --- soft delete of master data with history ------------------------------------------------------

def test_an_employee_with_history_is_deactivated_not_deleted(api_as, period):
    make_evaluation(period, status="final", work_result_rating=2, behaviour_rating=2, predikat=3)
    employee = employee_of("pegawai.disdik")[0]
    client, headers = api_as("admin.disdik")
    evaluations_before = count(Evaluation, employee_id=employee)
    with database() as session:  # the user account is not what stops it here: the history is
        from app.services import master_data

        with pytest.raises(Exception, match="history"):
            master_data._refuse_if_history_refers_to(
                session.get(Employee, employee), master_data.N_("This employee has a history"))
    response = client.delete(f"/api/v1/employee/{employee}?_l_=en", headers=headers)
    assert response.status_code == 400
    assert "deactivate" in response.json["message"]
    retired = client.put(f"/api/v1/employee/{employee}", json=versioned({"active": False}, Employee, employee),
                         headers=headers)
    assert retired.status_code == 200, retired.json
    try:
        assert count(Employee, id=employee) == 1
        assert count(Evaluation, employee_id=employee) == evaluations_before
        history = client.get(f"/api/v1/evaluation/history/{employee}", headers=api_as("penilai.disdik")[1])
        assert history.status_code == 200
    finally:
        client.put(f"/api/v1/employee/{employee}", json=versioned({"active": True}, Employee, employee), headers=headers)


def test_a_unit_that_history_refers_to_is_not_deleted(api_as):
    client, headers = api_as("admin.disdik")
    with database() as session:
        employee = session.get(Employee, employee_of("pegawai.disdik")[0])
        unit = Unit(agency_id=employee.agency_id, code=f"UJI-{uuid.uuid4().hex[:6]}", name="Unit uji", kind="BIDANG")
        session.add(unit)
        session.flush()
        session.add(DailyActivity(employee_id=employee.id, agency_id=employee.agency_id, unit_id=unit.id,
                                  period_id=session.scalar(select(Period.id).where(Period.year == YEAR)),
                                  activity_date=dt.date(YEAR, 3, 3), start_time=dt.time(8), end_time=dt.time(9),
                                  description="Kegiatan di unit lama", volume=1, output_unit="laporan"))
        session.commit()
        unit_id = unit.id
    response = client.delete(f"/api/v1/unit/{unit_id}?_l_=en", headers=headers)
    assert response.status_code == 400
    assert "deactivate" in response.json["message"]
    assert count(Unit, id=unit_id) == 1
    assert client.put(f"/api/v1/unit/{unit_id}", json=versioned({"active": False}, Unit, unit_id),
                      headers=headers).status_code == 200


# --- a crash in the middle of a use-case ------------------------------------------------------------

def audit_count():
    with database() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry))


def test_a_crash_during_bulk_approval_approves_nothing(api_as, period, monkeypatch):
    from app.services import activity

    ids = make_activities(period, 3)
    original, calls = activity._decide, []

    def decide_then_crash(*args):
        calls.append(1)
        if len(calls) == 3:  # two rows are already approved in this transaction
            raise RuntimeError("disk full")
        return original(*args)

    monkeypatch.setattr(activity, "_decide", decide_then_crash)
    client, headers = api_as("penilai.disdik")
    audits = audit_count()
    response = client.post("/api/v1/activity/bulk_approve", json={"ids": ids}, headers=headers)
    assert response.status_code == 500
    assert statuses(DailyActivity, ids) == ["submitted"] * 3
    assert audit_count() == audits


def test_a_failing_audit_write_undoes_the_skp_approval(api_as, period, monkeypatch):
    from app.services import audit

    pk = make_plan(period, status="submitted")
    client, headers = api_as("penilai.disdik")

    def broken_audit(*_args):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(audit, "append_entries", broken_audit)  # after the login, which is audited too
    response = client.post(f"/api/v1/workplan/{pk}/approve", headers=headers)
    monkeypatch.undo()
    assert response.status_code == 500
    assert statuses(WorkPlan, [pk]) == ["submitted"]  # no change without its audit entry


def test_a_crash_while_revising_an_skp_leaves_no_partial_copy(api_as, period, monkeypatch):
    from app.services import planning

    pk = make_plan(period, status="approved")
    original = planning._copy_content

    def copy_then_crash(*args, **kwargs):
        original(*args, **kwargs)  # the new version and its results are in the session already
        raise RuntimeError("worker killed")

    monkeypatch.setattr(planning, "_copy_content", copy_then_crash)
    plans, results = count(WorkPlan, period_id=period), count(WorkResult)
    client, headers = api_as("pegawai.disdik")
    response = client.post(f"/api/v1/workplan/{pk}/revise", headers=headers)
    assert response.status_code == 500
    assert (count(WorkPlan, period_id=period), count(WorkResult)) == (plans, results)


def test_a_crash_while_finalising_leaves_the_evaluation_acknowledged(api_as, period, monkeypatch):
    from app.services import audit

    pk = make_evaluation(period, status="acknowledged", work_result_rating=2, behaviour_rating=2, predikat=3)
    client, headers = api_as("penilai.disdik")
    monkeypatch.setattr(audit, "append_entries", lambda *_args: (_ for _ in ()).throw(RuntimeError("crash")))
    response = client.post(f"/api/v1/evaluation/{pk}/finalise", headers=headers)
    monkeypatch.undo()
    assert response.status_code == 500
    assert statuses(Evaluation, [pk]) == ["acknowledged"]


# --- two people, one record ---------------------------------------------------------------------------

def test_two_decisions_on_one_activity_one_wins(app, api_as, period, monkeypatch):
    from app.services import activity

    pk = make_activities(period, 1)[0]
    original = activity._decide

    def returned_meanwhile(item, *args):
        meanwhile("UPDATE daily_activity SET status = 'returned', return_note = 'lengkapi bukti', "
                  "version_id = version_id + 1 WHERE id = :id", id=pk)
        return original(item, *args)

    monkeypatch.setattr(activity, "_decide", returned_meanwhile)
    client, headers = api_as("penilai.disdik")
    response = client.post(f"/api/v1/activity/{pk}/approve?_l_=en", headers=headers)
    assert response.status_code == 409
    assert "same time" in response.json["message"]
    with database() as session:
        row = session.get(DailyActivity, pk)
        assert (row.status, row.return_note) == ("returned", "lengkapi bukti")  # the first decision is kept


def test_two_decisions_on_one_skp_one_wins(app, api_as, period, monkeypatch):
    from app.services import planning

    pk = make_plan(period, status="submitted")
    original = planning._ensure_evaluator

    def returned_meanwhile(plan, *args):
        meanwhile("UPDATE work_plan SET status = 'returned', return_note = 'perbaiki target', "
                  "row_version = row_version + 1 WHERE id = :id", id=pk)
        return original(plan, *args)

    monkeypatch.setattr(planning, "_ensure_evaluator", returned_meanwhile)
    client, headers = api_as("penilai.disdik")
    response = client.post(f"/api/v1/workplan/{pk}/approve", headers=headers)
    assert response.status_code == 409
    assert response.json["message"]
    with database() as session:
        plan = session.get(WorkPlan, pk)
        assert (plan.status, plan.return_note) == ("returned", "perbaiki target")


def test_two_edits_of_one_evaluation_one_wins(app, api_as, period, monkeypatch):
    from app.services import evaluation as evaluations

    pk = make_evaluation(period, status="draft")
    original = evaluations._ensure_changeable

    def rated_meanwhile(item):
        meanwhile("UPDATE evaluation SET work_result_rating = 3, behaviour_rating = 3, predikat = 5, "
                  "row_version = row_version + 1 WHERE id = :id", id=pk)
        return original(item)

    monkeypatch.setattr(evaluations, "_ensure_changeable", rated_meanwhile)
    client, headers = api_as("penilai.disdik")
    response = client.put(f"/api/v1/evaluation/{pk}?_l_=en", json={"work_result_rating": 1, "behaviour_rating": 1},
                          headers=headers)
    assert response.status_code == 409
    assert "reload" in response.json["message"]
    with database() as session:
        evaluation = session.get(Evaluation, pk)
        assert (evaluation.work_result_rating, evaluation.behaviour_rating) == (3, 3)
