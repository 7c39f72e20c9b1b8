"""A signature means what it says (issue 16, part 4): only a settled record is signed; a signed version whose
record changes afterwards says so on /verify (and since when), never "valid"; the verify page shows what a
person compares with the paper (kind, name, period, predikat, signer, WITA time, the NIP masked); an unsigned
print uploaded for verification is told apart from a forgery; the award certificate names its signatory;
the Sign button says that signing is under way.

The records live in a period of this file's own (2034) for the demo section head penilai.disdik and three of
her staff, so no other test counts them."""
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.domain.nip import format_nip, mask_nip
from app.domain.predikat import employee_predikat
from app.models import Employee, Position, Unit
from app.models.document import SignedDocument
from app.models.evaluation import Evaluation, EvaluationRealisation
from app.models.planning import Period, ResultIndicator, WorkPlan, WorkResult
from app.models.recognition import Nomination
from tests.conftest import csrf_token, login
from tests.english import english_browser
from tests.helpers import count, database, employee_of
from tests.test_documents_signing import DEMO_PASSWORD, own_credential_id, public_client, upload

TEST_YEAR = 2034
EVALUATOR = "penilai.disdik"
OWNER = "pegawai.disdik"
STAFF_POSITIONS = {"owner": None, "second": "DISDIKBUD-SD-KUR-PDI", "third": "DISDIKBUD-SD-KUR-ADM"}
CHANGED_TEXT = "The data changed after signing"


# --- the records ----------------------------------------------------------------------------------------

def _employee_id(role):
    if STAFF_POSITIONS[role] is None:
        return employee_of(OWNER)[0]
    with database() as session:
        return session.scalar(select(Employee.id).join(Position, Employee.position_id == Position.id)
                              .where(Position.code == STAFF_POSITIONS[role]))


def _plan(session, period, employee_id, evaluator_id, status):
    employee = session.get(Employee, employee_id)
    scope = {"agency_id": employee.agency_id, "employee_id": employee_id, "evaluator_id": evaluator_id}
    plan = WorkPlan(period=period, position_id=employee.position_id, approach="kuantitatif", status=status,
                    version=1, approved_at=dt.datetime(TEST_YEAR, 1, 20, 1, 0) if status == "approved" else None,
                    **scope)
    result = WorkResult(work_plan=plan, group="UTAMA", order=1, description="Tersusunnya kurikulum muatan lokal",
                        **scope)
    indicator = ResultIndicator(work_result=result, aspect="KUANTITAS", target_value=Decimal(12),
                                description="Jumlah sekolah yang menerapkan kurikulum", target_unit="sekolah",
                                direction="HIGHER_IS_BETTER", **scope)
    session.add_all((plan, result, indicator))
    return plan, indicator, scope


def _evaluation(session, plan, indicator, scope, *, kind, month, status, rated):
    start = dt.date(TEST_YEAR, month, 1) if kind != "ANNUAL" else dt.date(TEST_YEAR, 1, 1)
    end = dt.date(TEST_YEAR, 12, 31) if kind == "ANNUAL" else dt.date(TEST_YEAR, month + 2, 28)
    moment = dt.datetime(TEST_YEAR, 12, 20, 1, 0)
    ratings = {"work_result_rating": 2, "behaviour_rating": 2, "predikat": int(employee_predikat(2, 2))} if rated \
        else {}
    evaluation = Evaluation(work_plan=plan, period=plan.period, kind=kind, window_start=start, window_end=end,
                            status=status, version=1, submitted_at=moment if status != "draft" else None,
                            acknowledged_at=moment if status in ("acknowledged", "final") else None, **ratings,
                            **scope)
    session.add_all((evaluation, EvaluationRealisation(evaluation=evaluation, result_indicator=indicator,
                                                       value=Decimal(12), **scope)))
    return evaluation


@pytest.fixture(scope="module")
def records(app):
    """Ids of: the owner's approved SKP with an acknowledged annual evaluation, a submitted quarterly one
    without ratings, a draft one with ratings, a final one and an acknowledged one; a second employee's
    approved SKP with a submitted annual evaluation not yet rated; a third employee's draft SKP."""
    evaluator_id = employee_of(EVALUATOR)[0]
    ids = {role: _employee_id(role) for role in STAFF_POSITIONS}
    with database() as session:
        period = Period(year=TEST_YEAR, name=f"Tahun {TEST_YEAR}", start_date=dt.date(TEST_YEAR, 1, 1),
                        end_date=dt.date(TEST_YEAR, 12, 31), status="running")
        plan, indicator, scope = _plan(session, period, ids["owner"], evaluator_id, "approved")
        second, second_indicator, second_scope = _plan(session, period, ids["second"], evaluator_id, "approved")
        draft, _indicator, _scope = _plan(session, period, ids["third"], evaluator_id, "draft")
        annual = _evaluation(session, plan, indicator, scope, kind="ANNUAL", month=1, status="acknowledged",
                             rated=True)
        unrated = _evaluation(session, plan, indicator, scope, kind="QUARTERLY", month=1, status="submitted",
                              rated=False)
        draft_rated = _evaluation(session, plan, indicator, scope, kind="QUARTERLY", month=4, status="draft",
                                  rated=True)
        final = _evaluation(session, plan, indicator, scope, kind="QUARTERLY", month=7, status="acknowledged",
                            rated=True)
        colleague = _evaluation(session, second, second_indicator, second_scope, kind="ANNUAL", month=1,
                                status="submitted", rated=False)
        to_finalise = _evaluation(session, plan, indicator, scope, kind="QUARTERLY", month=10,
                                  status="acknowledged", rated=True)
        session.commit()
        # Final only once complete: a final evaluation never changes, not even by getting its rows.
        final.status, final.finalised_at = "final", dt.datetime(TEST_YEAR, 10, 5, 1, 0)
        session.commit()
        return {"plan": plan.id, "indicator": indicator.id, "second_plan": second.id, "draft_plan": draft.id,
                "annual": annual.id, "unrated": unrated.id, "draft_rated": draft_rated.id, "final": final.id,
                "colleague_annual": colleague.id, "to_finalise": to_finalise.id,
                "owner_nip": session.get(Employee, ids["owner"]).nip,
                "second_nip": session.get(Employee, ids["second"]).nip}


@pytest.fixture(scope="module")
def browser(app):
    def make(username):
        client = app.test_client()
        assert login(client, username).status_code == 302
        return english_browser(client)
    return make


@pytest.fixture(scope="module")
def evaluator(browser):
    return browser(EVALUATOR)


def sign(client, kind, key):
    # The token of the session from any form: the page of a record that may not be signed has no Sign form.
    return client.post(f"/documents/{kind}/{key}/sign", data={
        "credential": own_credential_id(EVALUATOR), "passphrase": DEMO_PASSWORD,
        "csrf_token": csrf_token(client, "/verify/")}, follow_redirects=True)


def signed_versions(kind, key):
    with database() as session:
        return [(row.code, row.status, row.superseded_at) for row in session.scalars(
            select(SignedDocument).where(SignedDocument.kind_code == kind, SignedDocument.subject_key == str(key))
            .order_by(SignedDocument.id))]


def sign_and_code(client, kind, key):
    before = {code for code, _status, _at in signed_versions(kind, key)}
    response = sign(client, kind, key)
    assert response.status_code == 200 and "The document was signed" in response.get_data(as_text=True)
    (code,) = {code for code, _status, _at in signed_versions(kind, key)} - before
    return code


def status_of(code):
    with database() as session:
        row = session.scalar(select(SignedDocument).where(SignedDocument.code == code))
        return row.status, row.superseded_at


def verify_page(app, code):
    response = public_client(app).get(f"/verify/{code}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def cell(page, element_id):
    match = re.search(rf'id="{element_id}">(.*?)</', page, re.S)
    return " ".join(match.group(1).split()) if match else None


@pytest.fixture(scope="module")
def signed_skp(records, evaluator):
    return sign_and_code(evaluator, "skp", records["plan"])


@pytest.fixture(scope="module")
def signed_evaluation(records, evaluator):
    return sign_and_code(evaluator, "evaluation", records["annual"])


# --- 1. only a settled record is signed --------------------------------------------------------------------

def test_a_draft_skp_is_not_signed_and_the_page_says_why(records, evaluator):
    key = records["draft_plan"]
    page = evaluator.get(f"/documents/skp/{key}").get_data(as_text=True)
    assert "Only an approved SKP can be signed" in page and "sikinerja-sign-form" not in page
    before = count(SignedDocument)
    refused = sign(evaluator, "skp", key)
    assert refused.status_code == 400
    assert "Only an approved SKP can be signed" in refused.get_data(as_text=True)
    assert count(SignedDocument) == before


@pytest.mark.parametrize("which", ["unrated", "draft_rated"])
def test_an_evaluation_is_signed_only_past_draft_with_both_ratings_and_the_predikat(records, evaluator, which):
    before = count(SignedDocument)
    refused = sign(evaluator, "evaluation", records[which])
    assert refused.status_code == 400
    assert "An evaluation can be signed only once it has left draft with both ratings and the predikat given" \
        in refused.get_data(as_text=True)
    assert count(SignedDocument) == before


# --- 3. what the verify page shows ----------------------------------------------------------------------

def test_verify_page_shows_name_period_signer_and_wita_time_with_the_nip_masked(app, records, signed_skp):
    page = verify_page(app, signed_skp)
    with database() as session:
        plan = session.get(WorkPlan, records["plan"])
        name, evaluator_name = plan.employee.name, plan.evaluator.name
        evaluator_position = plan.evaluator.position.name
    assert 'class="verdict genuine"' in page and cell(page, "status") == "Valid"
    assert cell(page, "person-name") == name
    assert cell(page, "period") == f"1 Januari {TEST_YEAR} – 31 Desember {TEST_YEAR}"
    nip = records["owner_nip"]
    assert cell(page, "person-nip") == mask_nip(nip) and "******" in mask_nip(nip)
    assert nip not in page and format_nip(nip) not in page
    assert evaluator_name in page and evaluator_position in page
    assert re.search(r"\d{1,2} (Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|"
                     r"Desember) \d{4}, \d{2}:\d{2} WITA", page)
    assert cell(page, "predikat") is None   # an SKP has no predikat


def test_verify_page_of_an_evaluation_shows_its_predikat(app, records, signed_evaluation):
    page = verify_page(app, signed_evaluation)
    assert cell(page, "predikat") == "Baik" and cell(page, "status") == "Valid"
    assert records["owner_nip"] not in page


# --- 2. a change after signing makes the signed version say so -------------------------------------------

def test_a_colleagues_evaluation_does_not_make_this_one_outdated(app, records, signed_evaluation):
    """The agency's predikat distribution printed on the form is context, not this evaluation's record."""
    with database() as session:
        colleague = session.get(Evaluation, records["colleague_annual"])
        colleague.work_result_rating, colleague.behaviour_rating = 1, 1
        colleague.predikat = int(employee_predikat(1, 1))
        session.commit()
    assert status_of(signed_evaluation)[0] == "valid"
    assert cell(verify_page(app, signed_evaluation), "status") == "Valid"


def test_finalising_a_signed_evaluation_changes_nothing_its_paper_shows(app, records, evaluator):
    """The workflow status is not printed: the acknowledged evaluation signed stays valid once final."""
    key = records["to_finalise"]
    code = sign_and_code(evaluator, "evaluation", key)
    response = evaluator.post(f"/evaluationview/act/{key}", data={
        "name": "finalise", "csrf_token": csrf_token(evaluator, f"/evaluationview/show/{key}")}, follow_redirects=True)
    assert response.status_code == 200
    with database() as session:
        assert session.get(Evaluation, key).status == "final"
    assert status_of(code)[0] == "valid" and cell(verify_page(app, code), "status") == "Valid"


def test_a_change_of_what_no_document_prints_leaves_the_signature_valid(app, records, signed_evaluation):
    employee_id = employee_of(OWNER)[0]
    with database() as session:
        employee = session.get(Employee, employee_id)
        original, employee.phone = employee.phone, "081299990000"
        session.commit()
    try:
        assert status_of(signed_evaluation)[0] == "valid"
    finally:
        with database() as session:
            session.get(Employee, employee_id).phone = original
            session.commit()


def test_changing_the_employee_marks_the_signed_evaluation_changed_with_the_moment(app, records, signed_evaluation):
    employee_id = employee_of(OWNER)[0]
    with database() as session:
        employee = session.get(Employee, employee_id)
        original = employee.name
        employee.name = original + ", M.Pd."
        session.commit()
    try:
        status, moment = status_of(signed_evaluation)
        assert status == "changed" and moment is not None
        page = verify_page(app, signed_evaluation)
        assert f"{CHANGED_TEXT}, on " in page and "WITA" in cell(page, "status")
        assert cell(page, "status") != "Valid" and "Berlaku" not in page
        assert 'class="verdict outdated"' in page and 'class="verdict genuine"' not in page
        # The particulars would no longer match the paper: they are not shown.
        assert cell(page, "person-name") is None
    finally:
        with database() as session:
            session.get(Employee, employee_id).name = original
            session.commit()


def test_revising_the_skp_marks_its_signed_version_changed_and_the_old_version_is_not_signed_again(
        app, records, signed_skp, browser):
    owner = browser(OWNER)
    key = records["plan"]
    response = owner.post(f"/workplanview/transition/{key}", data={
        "name": "revise", "csrf_token": csrf_token(owner, f"/workplanview/show/{key}")}, follow_redirects=True)
    assert "A new version was created as a draft" in response.get_data(as_text=True)
    status, moment = status_of(signed_skp)
    assert status == "changed" and moment is not None
    page = verify_page(app, signed_skp)
    assert f"{CHANGED_TEXT}, on " in page and cell(page, "status") != "Valid"
    evaluator = browser(EVALUATOR)
    refused = sign(evaluator, "skp", key)
    assert refused.status_code == 400 and "A newer version of this record exists" in refused.get_data(as_text=True)


def test_correcting_a_final_evaluation_marks_its_signed_version_changed(app, records, evaluator):
    key = records["final"]
    code = sign_and_code(evaluator, "evaluation", key)
    page = f"/evaluationview/show/{key}"
    response = evaluator.post(f"/evaluationview/act/{key}", data={
        "name": "correct", "reason": "Realisasi triwulan III salah ketik", "csrf_token": csrf_token(evaluator, page)},
        follow_redirects=True)
    assert "A correction was created as a new version" in response.get_data(as_text=True)
    assert status_of(code)[0] == "changed"
    assert f"{CHANGED_TEXT}, on " in verify_page(app, code)


def test_a_change_the_session_did_not_see_is_still_caught_when_verifying(app, records, evaluator):
    """A renamed unit is printed on the SKP but maps to no signed document: /verify compares the fingerprint."""
    code = sign_and_code(evaluator, "skp", records["second_plan"])
    with database() as session:
        unit = session.get(Employee, _employee_id("second")).unit
        unit_id, original = unit.id, unit.name
        unit.name = original + " (lama)"
        session.commit()
    try:
        assert status_of(code)[0] == "valid"   # nothing in the session pointed at this document
        page = verify_page(app, code)
        assert CHANGED_TEXT in cell(page, "status") and cell(page, "status") != "Valid"
        document_page = evaluator.get(f"/documents/skp/{records['second_plan']}").get_data(as_text=True)
        assert "sikinerja-stale" in document_page
    finally:
        with database() as session:
            session.get(Unit, unit_id).name = original
            session.commit()
    assert cell(verify_page(app, code), "status") == "Valid"


def test_signing_again_after_a_change_links_the_changed_version_to_the_new_one(app, records, evaluator,
                                                                                signed_evaluation):
    assert status_of(signed_evaluation)[0] == "changed"   # by the employee's change above
    newer = sign_and_code(evaluator, "evaluation", records["annual"])
    assert status_of(signed_evaluation)[0] == "changed" and status_of(newer)[0] == "valid"
    assert f"/verify/{newer}" in verify_page(app, signed_evaluation)


# --- 3b. an unsigned print ------------------------------------------------------------------------------

def test_uploading_an_unsigned_print_says_it_carries_no_electronic_signature(app, records, evaluator):
    printed = evaluator.get(f"/documents/skp/{records['second_plan']}/print.pdf")
    assert printed.status_code == 200 and printed.mimetype == "application/pdf"
    answer = upload(public_client(app), printed.data, "skp.pdf")
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "This PDF carries no electronic signature" in text and "wet ink" in text
    assert "Not genuine" not in text


# --- 4. the award certificate names its signatory -------------------------------------------------------

def _certificate_text(key):
    from app.documents.catalogue import load_subject
    from app.documents.render import render_pdf
    from app.security.scope import UserScope

    with database():
        kind, subject = load_subject("award_certificate", key, UserScope.system())
        data = render_pdf(kind, subject)
    return subject, " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def test_the_certificate_names_its_signatory_with_nip_and_position(app):
    with database() as session:
        key = str(session.scalar(select(Nomination.id).where(Nomination.status == "awarded").order_by(Nomination.id)))
    subject, text = _certificate_text(key)
    with database() as session:
        signatory = session.get(Employee, subject.signer_employee_id)
        name, nip, position = signatory.name, signatory.nip, signatory.position.name
    assert name in text and f"NIP. {format_nip(nip)}" in text
    assert position.upper() in text and "a.n. BUPATI BULUNGAN" in text


def test_the_stamp_of_the_institutions_certificate_names_the_institution_once(app):
    """Seen on the rendered piagam: the institution's certificate names the institution, which the stamp printed
    twice (as the signer and as the signer's position)."""
    from app.documents.catalogue import load_subject
    from app.documents.render import SignatureStamp, render_html
    from app.security.scope import UserScope

    institution = "Pemerintah Kabupaten Bulungan"
    stamp = SignatureStamp(code="ABCDEFGHJKMNPQRS", verify_url="https://example.invalid/verify/ABCDEFGHJKMNPQRS",
                           signer_name=institution, signer_nip=None, signer_title=institution,
                           signed_at=dt.datetime(2026, 11, 20, 1, 0))
    with database() as session:
        key = str(session.scalar(select(Nomination.id).where(Nomination.status == "awarded").order_by(Nomination.id)))
        kind, subject = load_subject("award_certificate", key, UserScope.system())
        stamp_text = re.search(r'class="stamp-text">(.*?)</div>', render_html(kind, subject, stamp), re.S).group(1)
    assert stamp_text.count(institution) == 1 and "NIP" not in stamp_text


def test_a_certificate_whose_signing_post_is_vacant_is_not_signed(app, monkeypatch):
    from app.documents.catalogue import load_subject
    from app.security.scope import UserScope

    monkeypatch.setitem(app.config, "REGENT_DELEGATE_AGENCY", "NO-SUCH-AGENCY")
    with database() as session:
        key = str(session.scalar(select(Nomination.id).where(Nomination.status == "awarded").order_by(Nomination.id)))
        _kind, subject = load_subject("award_certificate", key, UserScope.system())
    assert subject.signer_employee_id is None and "names no signatory" in subject.signing_refusal


# --- 5. the Sign button while signing runs --------------------------------------------------------------

def test_the_sign_form_says_signing_is_under_way_with_a_script_under_the_csp_nonce(records, evaluator, app):
    response = evaluator.get(f"/documents/evaluation/{records['annual']}")
    page = response.get_data(as_text=True)
    assert 'class="form-horizontal sikinerja-sign-form"' in page and 'data-busy-text="Signing…"' in page
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    assert re.search(rf'src="/static/documents/sign\.js(\?v=[0-9a-f]+)?" nonce="{nonce}"', page)
    assert "onclick=" not in page and "onsubmit=" not in page
    script = app.test_client().get("/static/documents/sign.js")
    assert script.status_code == 200 and "busyText" in script.get_data(as_text=True)


# --- the fingerprint of every kind ----------------------------------------------------------------------

@pytest.fixture
def tpp_recap_key(app):
    """The demo's last full month of Disdikbud, calculated (the demo holds its marks, not its calculation):
    the key of its recap; the calculation is removed afterwards."""
    from flask import g
    from sqlalchemy import delete

    from app.extensions import db
    from app.models import Agency
    from app.models.tpp import TppCalculation
    from app.services import tpp
    from app.services.tpp_recap_document import recap_key

    month = dt.date.today().replace(day=1) - dt.timedelta(days=1)
    with database() as session:
        agency = session.scalar(select(Agency.id).where(Agency.code == "DISDIKBUD"))
    with app.test_request_context():
        g.user = app.appbuilder.sm.find_user(username="hr.bkpsdm")
        tpp.calculate_month(agency, month.year, month.month, on=dt.date.today().replace(day=28))
        db.session.rollback()
    yield recap_key(agency, month.year, month.month)
    with database() as session:
        session.execute(delete(TppCalculation).where(TppCalculation.agency_id == agency,
                                                     TppCalculation.year == month.year,
                                                     TppCalculation.month == month.month))
        session.commit()


def _one_key_of_each_kind():
    from app.models import Agency
    from app.models.survey import SurveyPeriod

    with database() as session:
        annual = session.scalar(select(Evaluation.id).where(Evaluation.kind == "ANNUAL").order_by(Evaluation.id))
        period = session.scalar(select(Period.id).where(Period.year == 2026))
        return {"skp": session.scalar(select(WorkPlan.id).where(WorkPlan.status == "approved").order_by(WorkPlan.id)),
                "evaluation": annual, "evaluation_document": annual,
                "ikm_report": session.scalar(select(SurveyPeriod.id).order_by(SurveyPeriod.id)),
                "agency_summary": f"{session.scalar(select(Agency.id).where(Agency.code == 'DISDIKBUD'))}-{period}",
                "award_certificate": session.scalar(select(Nomination.id).where(Nomination.status == "awarded")),
                "employee_performance": employee_of(OWNER)[0]}


def test_every_kind_has_a_stable_fingerprint_of_plain_data(app, tpp_recap_key):
    """A context value the fingerprint cannot encode would fail the commit that changes the record: every
    kind's demo subject encodes, and two loads of unchanged data give the same value."""
    from app.documents.catalogue import kinds, load_subject
    from app.documents.fingerprint import fingerprint
    from app.security.scope import UserScope

    keys = {**_one_key_of_each_kind(), "tpp_recap": tpp_recap_key}
    assert set(keys) == {kind.code for kind in kinds()}
    for code, key in keys.items():
        values = set()
        for _ in range(2):
            with database():
                kind, subject = load_subject(code, str(key), UserScope.system())
                values.add(fingerprint(kind, subject))
        assert len(values) == 1 and re.fullmatch(r"[0-9a-f]{64}", values.pop()), code


# --- upgrade: versions signed before the fingerprint ------------------------------------------------------

def _store_old_key(code, key):
    """What a database from before the fingerprint holds: the old short key (past the ORM's guard, as then)."""
    from sqlalchemy import update

    with database() as session:
        session.execute(update(SignedDocument).where(SignedDocument.code == code).values(version_key=key))
        session.commit()


def _stored_key(code):
    with database() as session:
        return session.scalar(select(SignedDocument.version_key).where(SignedDocument.code == code))


def _refingerprint(app, *options):
    result = app.test_cli_runner().invoke(args=["documents", "refingerprint", *options])
    assert result.exit_code == 0, result.output
    return result.output


def test_refingerprint_gives_old_versions_whose_record_is_unchanged_their_fingerprint(app, records, evaluator):
    from app.services.refingerprint import legacy_key

    code = sign_and_code(evaluator, "skp", records["second_plan"])
    fingerprinted = _stored_key(code)
    with database():
        old_key = legacy_key("skp", str(records["second_plan"]))
    assert re.fullmatch(r"v1-approved-[0-9]+", old_key)

    # An old key the record no longer gives (the plan was edited after signing): left, and it reads changed.
    _store_old_key(code, old_key.rsplit("-", 1)[0] + "-0")
    output = _refingerprint(app)
    assert code in output and "Left, reading changed" in output
    assert _stored_key(code) == old_key.rsplit("-", 1)[0] + "-0" and status_of(code)[0] == "valid"
    assert CHANGED_TEXT in verify_page(app, code)

    # The old key the record still gives: a dry run only counts it, the run gives it its fingerprint.
    _store_old_key(code, old_key)
    output = _refingerprint(app, "--dry-run")
    assert "Would re-fingerprint: 1" in output and "nothing was written" in output and code not in output
    assert _stored_key(code) == old_key
    assert "Re-fingerprinted: 1 " in _refingerprint(app)
    assert _stored_key(code) == fingerprinted
    page = verify_page(app, code)
    assert CHANGED_TEXT not in page and cell(page, "status") == "Valid"
    assert cell(page, "person-nip") == mask_nip(records["second_nip"])  # the particulars show again
    # Idempotent: a second run finds nothing to do.
    assert "Re-fingerprinted: 0 " in _refingerprint(app) and _stored_key(code) == fingerprinted


def test_every_kind_with_an_old_key_has_its_old_rule(app):
    from app.services.refingerprint import legacy_key

    keys = _one_key_of_each_kind()
    with database():
        # The agency summary is a snapshot (never compared); the employee's performance record came after.
        old = {code: legacy_key(code, str(key)) for code, key in keys.items()
               if code not in ("agency_summary", "employee_performance")}
    assert all(old.values()), old
    assert re.fullmatch(r"[0-9]+-[0-9]+", old["ikm_report"]) and re.fullmatch(r".+-\d{4}-\d\d-\d\d",
                                                                                old["award_certificate"])
