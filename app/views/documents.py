"""Document pages (issue 6): one document's page (its signed versions, the unsigned print, the Sign form for
whoever signs it, the revoke form for HR), downloads of signed versions, and the signing certificates
(an official's own; the institution's, for Admin).

Every document is read through ``catalogue.load_subject`` with the user's scope, so a subject (and its
signed versions) out of scope answers 404. Who may sign or revoke is decided by app.services.documents.
"""
from flask import Response, abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext, lazy_gettext as _l

from app.documents.catalogue import kind_of
from app.documents.signing import PKCS12_MAX_BYTES
from app.domain.messages import DomainError
from app.parsing import parse_whole_number
from app.security import acts
from app.security.scope import current_scope
from app.services import documents
from app.views.base import format_moment, translated
from app.views.documents_print import ensure_area_readable, readable_subject

CERTIFICATE_FIELD = "pkcs12"


def _uploaded_pkcs12() -> bytes:
    """The uploaded key store, read no further than the limit (the service refuses anything longer)."""
    upload = request.files.get(CERTIFICATE_FIELD)
    return upload.read(PKCS12_MAX_BYTES + 1) if upload is not None else b""


class DocumentView(BaseView):
    route_base = "/documents"
    class_permission_name = "Document"
    method_permission_name = {"document": "read", "signed_pdf": "read", "sign": "write", "revoke": "write"}

    def _signed(self, code: str):
        try:
            document = documents.signed_document(code, current_scope())
        except LookupError:
            abort(404)
        ensure_area_readable(kind_of(document.kind_code))
        return document

    def _page(self, kind, subject, status: int = 200):
        user = g.user
        versions = documents.versions(kind.code, subject.key)
        return self.render_template(
            "documents/document.html", kind=kind, subject=subject, versions=versions,
            outdated=documents.outdated_codes(kind, subject, versions),
            may_sign=acts.may_sign(subject), credentials=documents.signing_credentials(subject, user),
            may_revoke=acts.may_revoke(), format_moment=format_moment,
            signing_refusal=gettext(subject.signing_refusal) if subject.signing_refusal else None,
            print_url=url_for("DocumentPrintView.print_pdf", kind_code=kind.code, key=subject.key)
            if self.appbuilder.sm.has_access("can_read", "DocumentPrint") else None), status

    @expose("/<kind_code>/<key>")
    @has_access
    def document(self, kind_code, key):
        return self._page(*readable_subject(kind_code, key))

    @expose("/<kind_code>/<key>/sign", methods=["POST"])
    @has_access
    def sign(self, kind_code, key):
        kind, subject = readable_subject(kind_code, key)
        if not acts.may_sign(subject):
            abort(403)
        try:
            document = documents.sign_loaded(
                kind, subject, credential_id=parse_whole_number(request.form.get("credential")),
                passphrase=request.form.get("passphrase", ""), scope=current_scope(), actor=g.user)
        except DomainError as error:
            # Refused (not settled, wrong certificate or passphrase): the page again with the reason, nothing signed.
            flash(translated(error), "danger")
            return self._page(kind, subject, 400)
        flash(gettext("The document was signed; verification code %(code)s.", code=document.code), "info")
        return redirect(url_for("DocumentView.document", kind_code=kind.code, key=subject.key))

    @expose("/signed/<code>.pdf")
    @has_access
    def signed_pdf(self, code):
        document = self._signed(code)
        return Response(documents.signed_bytes(document), mimetype="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="{document.kind_code}-{document.subject_key}-'
                                   f'{document.code}.pdf"',
            "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"})

    @expose("/signed/<code>/revoke", methods=["POST"])
    @has_access
    def revoke(self, code):
        document = self._signed(code)
        try:
            documents.revoke(document.id, request.form.get("reason", ""), g.user)
            flash(gettext("The document %(code)s was revoked.", code=document.code), "info")
        except DomainError as error:
            flash(translated(error), "danger")
        return redirect(url_for("DocumentView.document", kind_code=document.kind_code, key=document.subject_key))


class _CertificateView(BaseView):
    """A certificate page: what identifies the current certificate, and the form to upload a new one."""

    method_permission_name = {"index": "read", "upload": "write"}
    default_view = "index"
    institution = False
    saved_message = None

    def _credential(self):
        raise NotImplementedError

    def _store(self, pkcs12: bytes, passphrase: str) -> None:
        raise NotImplementedError

    @expose("/")
    @has_access
    def index(self):
        return self.render_template("documents/certificate.html", credential=self._credential(),
                                    institution=self.institution, format_moment=format_moment,
                                    max_kb=PKCS12_MAX_BYTES // 1024, action=url_for(f"{self.endpoint}.upload"))

    @expose("/upload", methods=["POST"])
    @has_access
    def upload(self):
        try:
            self._store(_uploaded_pkcs12(), request.form.get("passphrase", ""))
            flash(str(self.saved_message), "info")
        except DomainError as error:
            flash(translated(error), "danger")
        return redirect(url_for(f"{self.endpoint}.index"))


class SigningCertificateView(_CertificateView):
    """An official's own signing certificate (self-service)."""

    route_base = "/signing-certificate"
    class_permission_name = "SigningCertificate"
    saved_message = _l("Your signing certificate was saved. Its passphrase was not stored: you give it each time "
                       "you sign.")

    def _credential(self):
        return documents.own_credential(g.user)

    def _store(self, pkcs12, passphrase):
        documents.upload_own_credential(g.user, pkcs12, passphrase)


class InstitutionCertificateView(_CertificateView):
    """The institution's certificate (Admin), used by Admin and HR Admin to sign on the government's behalf."""

    route_base = "/institution-certificate"
    class_permission_name = "InstitutionCertificate"
    institution = True
    saved_message = _l("The institution's certificate was saved.")

    def _credential(self):
        return documents.institution_credential()

    def _store(self, pkcs12, passphrase):
        documents.configure_institution_credential(g.user, pkcs12, passphrase,
                                                   request.form.get("institution_name", ""))


def register_document_views(appbuilder) -> None:
    menu = {"category": "Documents", "category_label": _l("Documents"), "category_icon": "fa-file-pdf"}
    appbuilder.add_view_no_menu(DocumentView)
    appbuilder.add_view(SigningCertificateView, "My signing certificate", label=_l("My signing certificate"),
                        icon="fa-certificate", **menu)
    appbuilder.add_view(InstitutionCertificateView, "Institution certificate", label=_l("Institution certificate"),
                        icon="fa-landmark", **menu)
