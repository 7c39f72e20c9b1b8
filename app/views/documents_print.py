"""The unsigned print of an official document: GET /documents/<kind>/<key>/print.pdf.

The subject is read through ``catalogue.load_subject`` with the user's scope (unknown kind, malformed key or
a subject out of scope: 404). A kind may name the resource of its area in ``options["reader_resource"]``;
then only users who may read that area print it (an Employee prints their own SKP and evaluations, a
Leader the IKM report and the agency summary). The PDF says on every page that it carries no electronic
signature; it is meant for wet-ink signing.
"""
import re

from flask import Response, abort, current_app
from flask_appbuilder import BaseView, expose, has_access

from app.documents.catalogue import load_subject
from app.documents.render import render_pdf
from app.security.scope import current_scope

UNSAFE_FILENAME_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")


def print_filename(kind_code: str, key: str, title: str) -> str:
    """skp-7-SKP-2026-Budi-Santoso-S.Pd.pdf: ASCII only, so every browser keeps it."""
    readable = UNSAFE_FILENAME_CHARACTERS.sub("-", title).strip("-.")[:80]
    return f"{kind_code}-{key}-{readable}.pdf" if readable else f"{kind_code}-{key}.pdf"


def ensure_area_readable(kind) -> None:
    """404 unless the user may read the area the kind names in ``options["reader_resource"]``."""
    area = kind.options.get("reader_resource")
    if area and not current_app.appbuilder.sm.has_access("can_read", area):
        abort(404)


def readable_subject(kind_code: str, key: str):
    """The kind and its subject as the current user may see them, or 404 (one rule for every document route)."""
    try:
        kind, subject = load_subject(kind_code, key, current_scope())
    except LookupError:
        abort(404)
    ensure_area_readable(kind)
    return kind, subject


class DocumentPrintView(BaseView):
    route_base = "/documents"
    class_permission_name = "DocumentPrint"
    method_permission_name = {"print_pdf": "read"}

    @expose("/<kind_code>/<key>/print.pdf")
    @has_access
    def print_pdf(self, kind_code, key):
        kind, subject = readable_subject(kind_code, key)
        filename = print_filename(kind.code, subject.key, subject.title)
        return Response(render_pdf(kind, subject), mimetype="application/pdf", headers={
            "Content-Disposition": f'inline; filename="{filename}"', "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff"})


def register_document_print_views(appbuilder) -> None:
    appbuilder.add_view_no_menu(DocumentPrintView)
