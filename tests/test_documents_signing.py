"""Electronic signatures (issue 6, part 2): signing from the document page with the demo certificates, the
signed bytes and their SHA-256 stored for good, pyHanko validation against the demo root, the public
/verify page by code and by upload (a one-byte change is caught), superseding, revoking, the scope of the
document page and of signed downloads, and every refusal (wrong passphrase, non-signer, bad uploads)."""
import asyncio
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
import weasyprint
from pypdf import PdfReader
from pyhanko.keys import load_certs_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import cast, func, or_, select, String

from app.demo import certificate_authority as demo_ca
from app.documents import signing
from app.models.audit import AuditEntry
from app.models.document import ImmutableDocument, SignedDocument, SignedDocumentContent, SigningCredential
from app.domain.predikat import employee_predikat
from app.models import Employee
from app.models.evaluation import Evaluation, EvaluationRealisation
from app.models.planning import Period, ResultIndicator, WorkPlan, WorkResult
from tests.conftest import csrf_token
from tests.english import english_browser
from tests.helpers import count, database, employee_of

DEMO_PASSWORD = "Sikinerja#2026"
WRONG_PASSPHRASE = "Not-The-Passphrase-7731"
TEST_YEAR = 2033  # a period of its own, so that no other test counts this file's evaluation


# --- helpers ------------------------------------------------------------------------------------------

def evaluation_evaluated_by(employee_username, evaluator_username):
    """(id, NIP of the evaluated employee) of a final annual evaluation in a period of this file's own."""
    employee_id, evaluator_id = employee_of(employee_username)[0], employee_of(evaluator_username)[0]
    with database() as session:
        period = session.scalar(select(Period).where(Period.year == TEST_YEAR)) or Period(
            year=TEST_YEAR, name=f"Tahun {TEST_YEAR}", start_date=dt.date(TEST_YEAR, 1, 1),
            end_date=dt.date(TEST_YEAR, 12, 31), status="running")
        employee = session.get(Employee, employee_id)
        scope = {"agency_id": employee.agency_id, "employee_id": employee_id, "evaluator_id": evaluator_id}
        plan = WorkPlan(period=period, position_id=employee.position_id, approach="kuantitatif", status="approved",
                        version=1, **scope)
        result = WorkResult(work_plan=plan, group="UTAMA", order=1, description="Terverifikasinya data sekolah",
                            **scope)
        indicator = ResultIndicator(work_result=result, aspect="KUANTITAS", target_value=Decimal(24),
                                    description="Jumlah sekolah terverifikasi", target_unit="sekolah",
                                    direction="HIGHER_IS_BETTER", **scope)
        moment = dt.datetime(TEST_YEAR, 12, 20, 8, 0)
        evaluation = Evaluation(work_plan=plan, period=period, kind="ANNUAL", window_start=period.start_date,
                                window_end=period.end_date, status="acknowledged", version=1, work_result_rating=2,
                                behaviour_rating=2, predikat=int(employee_predikat(2, 2)), submitted_at=moment,
                                acknowledged_at=moment, finalised_at=moment, **scope)
        realisation = EvaluationRealisation(evaluation=evaluation, result_indicator=indicator, value=Decimal(24),
                                            **scope)
        session.add_all((period, plan, result, indicator, evaluation, realisation))
        session.commit()
        # Final only once complete: a final evaluation never changes, not even by getting its rows.
        evaluation.status = "final"
        session.commit()
        return evaluation.id, employee.nip


def own_credential_id(username):
    employee_id = employee_of(username)[0]
    with database() as session:
        return session.scalar(select(SigningCredential.id).where(
            SigningCredential.employee_id == employee_id, SigningCredential.active.is_(True)))


def institution_credential_id():
    with database() as session:
        return session.scalar(select(SigningCredential.id).where(
            SigningCredential.employee_id.is_(None), SigningCredential.active.is_(True)))


def sign(client, evaluation_id, credential_id, passphrase=DEMO_PASSWORD):
    page = f"/documents/evaluation/{evaluation_id}"
    return client.post(f"{page}/sign", data={"credential": credential_id, "passphrase": passphrase,
                                             "csrf_token": csrf_token(client, page)}, follow_redirects=True)


def codes_of(evaluation_id):
    with database() as session:
        return list(session.scalars(select(SignedDocument.code).where(
            SignedDocument.kind_code == "evaluation", SignedDocument.subject_key == str(evaluation_id))
            .order_by(SignedDocument.id)))


def document(code):
    with database() as session:
        row = session.scalar(select(SignedDocument).where(SignedDocument.code == code))
        return {"sha256": row.sha256, "status": row.status, "pdf": row.content.pdf, "size": row.size,
                "signer_name": row.signer_name}


def upload(client, data, filename="document.pdf"):
    page = "/verify/"
    return client.post(page, data={"pdf": (io.BytesIO(data), filename), "csrf_token": csrf_token(client, page)},
                       content_type="multipart/form-data")


def pyhanko_status(pdf, app):
    roots = [cert for path in app.config["SIGNING_TRUST_ROOTS"] for cert in load_certs_from_pemder([path])]
    signature = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    return validate_pdf_signature(signature, ValidationContext(trust_roots=roots, allow_fetching=False))


@pytest.fixture(scope="module")
def signed(app, as_user_module):
    """One evaluation signed by its evaluator (penilai.disdik) with the demo certificate."""
    evaluation_id, nip = evaluation_evaluated_by("pegawai.disdik", "penilai.disdik")
    client = as_user_module("penilai.disdik")
    before = set(codes_of(evaluation_id))
    response = sign(client, evaluation_id, own_credential_id("penilai.disdik"))
    assert response.status_code == 200
    assert "The document was signed" in response.get_data(as_text=True)
    (code,) = set(codes_of(evaluation_id)) - before
    return {"evaluation_id": evaluation_id, "nip": nip, "code": code, "client": client}


@pytest.fixture(scope="module")
def as_user_module(app):
    from tests.conftest import login

    def make(username):
        client = app.test_client()
        assert login(client, username).status_code == 302
        return english_browser(client)
    return make


def public_client(app):
    """An anonymous browser reading the public pages in English (the source messages)."""
    client = app.test_client()
    client.get("/verify/?lang=en")
    return client


# --- pure signing -------------------------------------------------------------------------------------

def test_local_signer_signs_pades_that_pyhanko_validates_and_a_flipped_byte_breaks():
    authority = demo_ca.create_root()
    pkcs12 = demo_ca.issue_pkcs12(authority, common_name="Sri Wahyuni", organization="Dinas Pendidikan",
                                  passphrase="rahasia")
    signer = signing.LocalPkcs12Signer(pkcs12, "rahasia")
    pdf = weasyprint.HTML(string="<h1>Dokumen uji</h1>").write_pdf()
    signed_pdf = signer.sign(pdf, reason="uji", location="Tanjung Selor")
    assert signer.certificate.subject_cn == "Sri Wahyuni"
    context = ValidationContext(trust_roots=[_asn1(authority)], allow_fetching=False)
    status = validate_pdf_signature(PdfFileReader(io.BytesIO(signed_pdf)).embedded_signatures[0], context)
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert "/ETSI.CAdES.detached" in signed_pdf.decode("latin-1")

    tampered = bytearray(signed_pdf)
    tampered[len(pdf) // 2] ^= 0x01
    status = validate_pdf_signature(PdfFileReader(io.BytesIO(bytes(tampered)), strict=False)
                                    .embedded_signatures[0], context)
    assert not status.intact


def _asn1(authority):
    from pyhanko.keys.internal import translate_pyca_cryptography_cert_to_asn1

    return translate_pyca_cryptography_cert_to_asn1(authority.certificate)


def test_wrong_passphrase_and_foreign_files_do_not_open():
    authority = demo_ca.create_root()
    pkcs12 = demo_ca.issue_pkcs12(authority, common_name="X", organization="Y", passphrase="right")
    for data, passphrase in ((pkcs12, "wrong"), (b"not a certificate", "right"),
                             (b"0" * (signing.PKCS12_MAX_BYTES + 1), "right")):
        with pytest.raises(signing.CredentialUnreadable):
            signing.LocalPkcs12Signer(data, passphrase)


def test_demo_ca_key_is_never_in_the_clear(app):
    folder = demo_ca.demo_ca_folder(app.instance_path)
    key_pem = (folder / demo_ca.ROOT_KEY).read_text()
    assert "ENCRYPTED PRIVATE KEY" in key_pem
    assert str(folder).startswith(app.instance_path)


# --- signing from the UI and verification ---------------------------------------------------------------

def test_signed_evaluation_validates_with_pyhanko_and_its_sha256_is_stored(app, signed):
    stored = document(signed["code"])
    import hashlib

    assert hashlib.sha256(stored["pdf"]).hexdigest() == stored["sha256"]
    assert stored["size"] == len(stored["pdf"]) and stored["status"] == "valid"
    status = pyhanko_status(stored["pdf"], app)
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    with database() as session:
        signer_name = session.get(Evaluation, signed["evaluation_id"]).evaluator.name
    assert stored["signer_name"] == signer_name
    # The visible block names the signer and carries the code the QR code's URL ends with.
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(stored["pdf"])).pages)
    assert signed["code"] in text and signer_name.split(",")[0] in text


def test_verify_page_by_code_says_valid_and_names_the_signer_without_nip_or_download(app, signed):
    anonymous = public_client(app)
    page = anonymous.get(f"/verify/{signed['code']}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'class="verdict genuine"' in text and "Valid" in text
    assert document(signed["code"])["signer_name"] in text
    assert document(signed["code"])["sha256"] in text
    assert signed["nip"] not in text
    assert "/documents/signed/" not in text and ".pdf" not in text
    # The code is also accepted in lower case (typed from paper).
    assert anonymous.get(f"/verify/{signed['code'].lower()}").status_code == 200
    assert anonymous.get("/verify/NOSUCHCODE234567").status_code == 404


def test_uploading_the_signed_bytes_says_genuine_and_one_flipped_byte_says_not(app, signed):
    anonymous = public_client(app)
    pdf = document(signed["code"])["pdf"]
    genuine = upload(anonymous, pdf).get_data(as_text=True)
    assert 'class="verdict genuine"' in genuine and signed["code"] in genuine

    tampered = bytearray(pdf)
    tampered[len(pdf) // 3] ^= 0x01
    answer = upload(anonymous, bytes(tampered))
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert 'class="verdict not-genuine"' in text and signed["code"] not in text


def test_signatures_and_certificates_are_checked_also_where_an_event_loop_runs(app, signed):
    # Playwright's sync API (the browser tests) marks its loop running in the test's thread: pyHanko's
    # asyncio.run() refused there, so a genuine PDF read as forged and a certificate check crashed.
    from app.documents.signing import open_pkcs12
    from app.documents.verification import certificate_is_trusted, signature_is_sound

    pdf = document(signed["code"])["pdf"]
    stranger = demo_ca.issue_pkcs12(demo_ca.create_root(), common_name="Orang Asing", organization="Luar",
                                    passphrase="rahasia")
    _key, certificate, chain = open_pkcs12(stranger, "rahasia")

    async def inside_a_running_loop():
        with app.app_context():
            return signature_is_sound(pdf), certificate_is_trusted(certificate, chain)

    assert asyncio.run(inside_a_running_loop()) == (True, False)


def test_verify_upload_refuses_non_pdf_and_oversize_files_with_a_message(app):
    anonymous = public_client(app)
    answer = upload(anonymous, b"GIF89a not a pdf", "photo.pdf")
    assert answer.status_code == 400 and "not a PDF" in answer.get_data(as_text=True)
    limit = app.config.get("VERIFY_UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
    answer = upload(anonymous, b"%PDF-1.7\n" + b"0" * limit)
    assert answer.status_code == 413 and "larger than" in answer.get_data(as_text=True)
    answer = anonymous.post("/verify/", data={"csrf_token": csrf_token(anonymous, "/verify/")})
    assert answer.status_code == 400 and "Choose the PDF file" in answer.get_data(as_text=True)


def test_verification_is_rate_limited_per_client(app, signed):
    limiter = app.appbuilder.sm.limiter
    limiter.enabled = True
    try:
        limiter.reset()
        client = public_client(app)
        statuses = [client.get(f"/verify/{signed['code']}", environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code
                    for _ in range(35)]
        assert statuses[0] == 200 and statuses[-1] == 429
        assert client.get(f"/verify/{signed['code']}",
                          environ_base={"REMOTE_ADDR": "10.9.9.10"}).status_code == 200
    finally:
        limiter.reset()
        limiter.enabled = False


def test_wrong_passphrase_stores_nothing_and_never_reaches_db_or_audit(app, signed):
    before = count(SignedDocument)
    response = sign(signed["client"], signed["evaluation_id"], own_credential_id("penilai.disdik"),
                    passphrase=WRONG_PASSPHRASE)
    assert "The passphrase does not open this certificate file" in response.get_data(as_text=True)
    assert count(SignedDocument) == before
    with database() as session:
        for secret in (WRONG_PASSPHRASE, DEMO_PASSWORD):
            leaked = session.scalar(select(func.count()).select_from(AuditEntry).where(or_(
                cast(AuditEntry.changes, String).contains(secret), AuditEntry.summary.contains(secret))))
            assert leaked == 0
            assert session.scalar(select(func.count()).select_from(SignedDocument).where(or_(
                SignedDocument.title.contains(secret), SignedDocument.signer_title.contains(secret)))) == 0


def test_signing_is_audited_without_the_bytes(signed):
    with database() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.entity == "SignedDocument",
                                                        AuditEntry.action == "create")
                               .order_by(AuditEntry.id.desc()))
        assert entry is not None and entry.username == "penilai.disdik"
        assert "sha256" in entry.changes and "pdf" not in entry.changes


def test_signing_again_supersedes_and_the_old_code_links_to_the_new(app, signed):
    evaluation_id = signed["evaluation_id"]
    first = sign(signed["client"], evaluation_id, own_credential_id("penilai.disdik"))
    assert first.status_code == 200
    older, newer = codes_of(evaluation_id)[-2:]
    assert document(older)["status"] == "superseded" and document(newer)["status"] == "valid"
    text = public_client(app).get(f"/verify/{older}").get_data(as_text=True)
    assert "Superseded by a newer version" in text
    assert f"/verify/{newer}" in text
    page = signed["client"].get(f"/documents/evaluation/{evaluation_id}").get_data(as_text=True)
    assert older in page and newer in page and "Print unsigned PDF" in page
    assert f"/documents/evaluation/{evaluation_id}/print.pdf" in page


def test_a_second_valid_version_signed_at_the_same_moment_is_refused_by_the_database(signed):
    """Two officials signing at once: the loser's insert meets the one-valid-version index, not a second valid PDF."""
    from sqlalchemy.exc import IntegrityError

    code = codes_of(signed["evaluation_id"])[-1]
    with database() as session:
        winner = session.scalar(select(SignedDocument).where(SignedDocument.code == code))
        assert winner.status == "valid"
        columns = {column.key: getattr(winner, column.key) for column in SignedDocument.__table__.columns
                   if column.key != "id"}
        session.add(SignedDocument(**{**columns, "code": "race-" + code[:20], "sha256": "0" * 64}))
        with pytest.raises(IntegrityError):
            session.flush()
        session.rollback()


def test_hr_admin_revokes_with_a_reason_and_the_verify_page_says_so(app, signed, as_user_module):
    evaluation_id = signed["evaluation_id"]
    code = codes_of(evaluation_id)[-1]
    hr = as_user_module("hr.bkpsdm")
    page = f"/documents/evaluation/{evaluation_id}"
    refused = hr.post(f"/documents/signed/{code}/revoke", data={"reason": "  ", "csrf_token": csrf_token(hr, page)},
                      follow_redirects=True)
    assert "Give the reason for revoking" in refused.get_data(as_text=True)
    assert document(code)["status"] == "valid"
    # The evaluator signs but does not revoke.
    evaluator = signed["client"]
    evaluator.post(f"/documents/signed/{code}/revoke", data={"reason": "x", "csrf_token": csrf_token(evaluator, page)})
    assert document(code)["status"] == "valid"

    hr.post(f"/documents/signed/{code}/revoke", data={"reason": "Nilai realisasi salah ketik",
                                                      "csrf_token": csrf_token(hr, page)})
    assert document(code)["status"] == "revoked"
    text = public_client(app).get(f"/verify/{code}").get_data(as_text=True)
    assert "Revoked" in text and "Nilai realisasi salah ketik" in text


def test_another_agency_sees_neither_the_document_page_nor_the_signed_download(signed, as_user_module):
    foreign = as_user_module("pegawai.dinkes")
    assert foreign.get(f"/documents/evaluation/{signed['evaluation_id']}").status_code == 404
    assert foreign.get(f"/documents/signed/{signed['code']}.pdf").status_code == 404
    assert foreign.get("/documents/evaluation/99999999").status_code == 404


def test_the_signer_downloads_the_signed_bytes_unchanged(signed):
    response = signed["client"].get(f"/documents/signed/{signed['code']}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data == document(signed["code"])["pdf"]


def test_who_is_not_the_signer_cannot_sign(signed, as_user_module):
    evaluation_id = signed["evaluation_id"]
    before = count(SignedDocument)
    for username in ("pegawai.disdik", "kadis.disdik"):
        client = as_user_module(username)
        page = client.get(f"/documents/evaluation/{evaluation_id}")
        if page.status_code == 404:
            continue
        assert "sikinerja-sign-form" not in page.get_data(as_text=True)
        refused = client.post(f"/documents/evaluation/{evaluation_id}/sign", data={
            "credential": own_credential_id("penilai.disdik"), "passphrase": DEMO_PASSWORD,
            "csrf_token": csrf_token(client, "/verify/")})  # the page has no form for them
        assert refused.status_code == 403
    # Another official's own certificate is refused even for the signer.
    response = sign(signed["client"], evaluation_id, own_credential_id("kadis.disdik"))
    assert "You may not sign this document with this certificate" in response.get_data(as_text=True)
    assert count(SignedDocument) == before


def test_hr_admin_signs_with_the_institution_certificate(signed, as_user_module):
    hr = as_user_module("hr.bkpsdm")
    page = hr.get(f"/documents/evaluation/{signed['evaluation_id']}").get_data(as_text=True)
    assert "Pemerintah Kabupaten Bulungan" in page
    response = sign(hr, signed["evaluation_id"], institution_credential_id())
    assert "The document was signed" in response.get_data(as_text=True)
    newest = codes_of(signed["evaluation_id"])[-1]
    with database() as session:
        row = session.scalar(select(SignedDocument).where(SignedDocument.code == newest))
        assert row.signer_title == "Pemerintah Kabupaten Bulungan" and row.signer_nip is None


def test_a_signed_document_never_changes_except_its_status(signed):
    with database() as session:
        row = session.scalar(select(SignedDocument).where(SignedDocument.code == signed["code"]))
        row.sha256 = "0" * 64
        with pytest.raises(ImmutableDocument):
            session.flush()
        session.rollback()
        content = session.get(SignedDocumentContent, row.id)
        content.pdf = b"%PDF-forged"
        with pytest.raises(ImmutableDocument):
            session.flush()
        session.rollback()
        with pytest.raises(ImmutableDocument):
            session.delete(session.get(SignedDocument, row.id))
            session.flush()


# --- certificates -------------------------------------------------------------------------------------

def _upload_certificate(client, data, passphrase):
    page = "/signing-certificate/"
    return client.post("/signing-certificate/upload", data={
        "pkcs12": (io.BytesIO(data), "sertifikat.p12"), "passphrase": passphrase,
        "csrf_token": csrf_token(client, page)}, content_type="multipart/form-data", follow_redirects=True)


def test_an_official_uploads_a_certificate_checked_with_its_passphrase(app, as_user_module):
    client = as_user_module("penilai.dinkes")
    authority = demo_ca.load_or_create_demo_ca(app.instance_path, DEMO_PASSWORD)
    pkcs12 = demo_ca.issue_pkcs12(authority, common_name="Rahmatia Hamid (baru)", organization="Dinkes",
                                  passphrase="sandi-baru-1")
    foreign = demo_ca.issue_pkcs12(demo_ca.create_root("Unknown CA"), common_name="Rahmatia Hamid",
                                   organization="Dinkes", passphrase="sandi-baru-1")
    previous = own_credential_id("penilai.dinkes")
    for data, passphrase, message in (
            (foreign, "sandi-baru-1", "not issued by a certificate authority this system trusts"),
            (pkcs12, "salah", "The passphrase does not open this certificate file"),
            (b"MZ not a certificate", "x", "The passphrase does not open this certificate file"),
            (b"0" * (signing.PKCS12_MAX_BYTES + 1), "x", "of at most 64 KB")):
        text = _upload_certificate(client, data, passphrase).get_data(as_text=True)
        assert message in text
        assert own_credential_id("penilai.dinkes") == previous
    text = _upload_certificate(client, pkcs12, "sandi-baru-1").get_data(as_text=True)
    assert "Your signing certificate was saved" in text and "Rahmatia Hamid (baru)" in text
    assert own_credential_id("penilai.dinkes") != previous
    with database() as session:
        row = session.get(SigningCredential, own_credential_id("penilai.dinkes"))
        assert row.keystore.pkcs12 == pkcs12 and re.fullmatch(r"[0-9a-f]+", row.serial_number)


def test_only_admin_configures_the_institution_certificate(as_user_module):
    hr = as_user_module("hr.bkpsdm")
    assert hr.get("/institution-certificate/").status_code in (302, 403)
    admin = as_user_module("admin")
    page = admin.get("/institution-certificate/").get_data(as_text=True)
    assert "Pemerintah Kabupaten Bulungan" in page


def test_the_qr_address_uses_the_configured_public_address(app):
    from app.services.documents import verification_url

    with app.app_context():
        app.config["PUBLIC_BASE_URL"] = "https://kinerja.bulungankab.go.id/"
        try:
            assert verification_url("ABCDEFGHJKLMNPQR") == "https://kinerja.bulungankab.go.id/verify/ABCDEFGHJKLMNPQR"
        finally:
            app.config["PUBLIC_BASE_URL"] = None
        assert verification_url("ABC") == "http://localhost/verify/ABC"


def test_demo_ca_command_is_idempotent(app):
    result = app.test_cli_runner().invoke(args=["documents", "demo-ca"])
    assert result.exit_code == 0, result.output
    assert "root.pem" in result.output and "New signing certificates: none" in result.output
