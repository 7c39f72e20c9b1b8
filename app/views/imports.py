"""Import from Excel/CSV (menu Master Data → Import): upload → preview per row → confirm as one transaction.

The parsed upload stays on the server under a random token bound to the uploader
(app.services.imports); the confirm form posts only that token, never the rows.
Files with more rows to write than IMPORT_INLINE_ROWS are written by a background
thread — still one transaction — while the page polls its progress.
"""
from __future__ import annotations

from flask import abort, current_app, flash, g, jsonify, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext, lazy_gettext as _l

from app.domain.messages import N_, DomainError
from app.services import imports
from app.views.base import translated

KINDS = (("employee", _l("Employees")), ("position", _l("Positions")), ("unit", _l("Units")))
LIST_ENDPOINTS = {"employee": "EmployeeView.list", "position": "PositionView.list", "unit": "UnitView.list"}
STATUS_LABELS = {imports.CREATE: _l("Create"), imports.UPDATE: _l("Update"),
                 imports.UNCHANGED: _l("Unchanged"), imports.REJECTED: _l("Rejected")}
# The fields a row changes, as the preview names them ("Changes: Rank, Unit", not "rank_id, unit_id").
FIELD_LABELS = {
    "nip": _l("NIP / NI PPPK"), "employment_type": _l("Employment type"), "name": _l("Name"),
    "agency_id": _l("Agency"), "unit_id": _l("Unit"), "position_id": _l("Position"), "rank_id": _l("Rank"),
    "email": _l("Email"), "phone": _l("Phone"), "tmt_position": _l("TMT position"), "code": _l("Code"),
    "kind": _l("Kind"), "kind_id": _l("Kind"), "serves_public": _l("Serves the public"),
    "parent_code": _l("Parent"),
}
SHOWN_ROWS = 500
DEFAULT_INLINE_ROWS = 2000


class ImportView(BaseView):
    route_base = "/import"
    class_permission_name = "Import"
    method_permission_name = {"index": "read", "upload": "write", "preview": "write", "confirm": "write",
                              "progress": "write", "progress_data": "write"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        return self.render_template("imports/upload.html", kinds=KINDS, kind=request.args.get("kind", "employee"))

    @expose("/", methods=["POST"])
    @has_access
    def upload(self):
        upload = request.files.get("file")
        kind = request.form.get("kind", "")
        try:
            if upload is None or not upload.filename:
                raise DomainError(N_("Choose a file to upload."), field="file")
            token, _plan = imports.preview(kind, upload.stream, upload.filename)
        except DomainError as error:
            flash(translated(error), "danger")
            return self.render_template("imports/upload.html", kinds=KINDS, kind=kind), 400
        return redirect(url_for("ImportView.preview", token=token))

    @expose("/<token>")
    @has_access
    def preview(self, token):
        plan = self._plan(token)
        status = request.args.get("status")
        rows = [row for row in plan.rows if status in (None, "", row.status)]
        return self.render_template(
            "imports/preview.html", plan=plan, token=token, rows=rows[:SHOWN_ROWS], shown=SHOWN_ROWS,
            total_rows=len(rows), status=status, status_labels=STATUS_LABELS, kinds=dict(KINDS),
            message=lambda row: translated(row.error) if row.error else "",
            changed=lambda row: ", ".join(str(FIELD_LABELS.get(name, name)) for name in row.changes),
            warnings=lambda row: [translated(warning) for warning in row.warnings])

    @expose("/<token>/confirm", methods=["POST"])
    @has_access
    def confirm(self, token):
        plan = self._plan(token)
        writes = plan.counts[imports.CREATE] + plan.counts[imports.UPDATE]
        try:
            if writes > current_app.config.get("IMPORT_INLINE_ROWS", DEFAULT_INLINE_ROWS):
                g.import_remote_address = request.remote_addr
                imports.confirm_in_background(token)
                return redirect(url_for("ImportView.progress", token=token))
            counts = imports.confirm(token)
        except DomainError as error:
            flash(translated(error), "danger")
            return redirect(url_for("ImportView.preview", token=token))
        flash(_summary(counts), "success")
        return redirect(url_for(LIST_ENDPOINTS[plan.kind]))

    @expose("/<token>/progress")
    @has_access
    def progress(self, token):
        self._progress(token)
        return self.render_template("imports/progress.html", token=token)

    @expose("/<token>/progress.json")
    @has_access
    def progress_data(self, token):
        state = self._progress(token) or {"state": "running", "done": 0, "total": 0}
        answer = {key: state.get(key) for key in ("state", "done", "total")}
        if state.get("state") == "done":
            answer["message"] = _summary(state["counts"])
        elif state.get("state") == "failed":
            answer["message"] = gettext(state["message"], **state.get("params", {}))
        return jsonify(answer)

    def _plan(self, token):
        try:
            return imports.previewed(token)
        except imports.ImportNotFound:
            abort(404)

    def _progress(self, token):
        try:
            return imports.read_progress(token)
        except imports.ImportNotFound:
            abort(404)


def _summary(counts: dict) -> str:
    return gettext("Import finished: %(create)d created, %(update)d updated, %(unchanged)d unchanged, "
                   "%(rejected)d rejected.", **counts)


def register_import_views(appbuilder) -> None:
    appbuilder.add_view(ImportView, "Import", label=_l("Import from Excel/CSV"), icon="fa-file-import",
                        category="Master Data", category_label=_l("Master Data"), category_icon="fa-sitemap")
