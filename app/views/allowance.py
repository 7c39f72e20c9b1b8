"""Attendance and TPP pages (menu Attendance and TPP), issue 23. Thin: every read goes through the scope and
every act through app.services.attendance / app.services.tpp, which decide who may act.

* ``/allowance/`` — the employee (phone-sized): their days of a month, their TPP months and the current
  month's what-if, their leave requests and the form to ask for one.
* ``/allowance/calculation/<id>`` — one month: the amount and every deduction with its rule and data ("why
  was I cut"), the objection form (the employee) and the objections filed.
* ``/allowance/decisions`` — the evaluator (and HR): leave requests and objections waiting for them.
* ``/allowance/admin`` — HR Admin and Agency Admins: the year's rule set (HR saves a new version), the
  import of a machine export (preview, then one transaction), outages (HR), the month's calculation and
  the recap per agency (Excel, and the signed PDF through the document pages).
"""
from __future__ import annotations

from decimal import Decimal

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import select

from app.domain.attendance import LeaveKind
from app.domain.predikat import Predikat
from app.domain.tpp import MEASURE_ACTIVITY, MEASURE_PREDIKAT, TppRules
from app.domain.messages import N_, DomainError
from app.excel import Bold, Sheet, xlsx_response
from app.extensions import db
from app.formatting import quantity, translated
from app.models import Agency, PositionKind, Rank
from app.models.tpp import TppCalculation, TppObjection
from app.parsing import parse_iso_date, parse_whole_number
from app.security.acts import (is_hr_administrator, may_compute_allowance, may_correct_allowance,
                               may_decide_allowance_objection, may_object_to_allowance)
from app.security.scope import current_scope, scoped_select
from app.services import attendance, kept_uploads, tpp
from app.services.activity import today
from app.services.tpp_recap_document import recap_key
from app.views.base import AttemptsUseCases, refusal_status

MAX_REJECTED_SHOWN = 100
DEDUCTION_LABELS = {
    "LATE": _l("Late arrival"), "EARLY": _l("Early leave"), "MISSING_IN": _l("No arrival mark"),
    "MISSING_OUT": _l("No departure mark"), "ABSENT": _l("Absent without reason"), "LEAVE": _l("Leave or duty"),
}
DAY_STATUS_LABELS = {
    "PRESENT": _l("Present"), "ABSENT": _l("Absent without reason"), "LEAVE": _l("Leave or duty"),
    "OUTAGE": _l("Machine outage"), "EXCUSED": _l("Excused (objection accepted)"),
}


def _month_of(value) -> tuple[int, int]:
    """``YYYY-MM`` from a month input, else the current month."""
    try:
        year, month = (int(part) for part in str(value).split("-"))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return year, month
    except ValueError:
        pass
    now = today()
    return now.year, now.month


class AllowanceView(AttemptsUseCases, BaseView):
    route_base = "/allowance"
    class_permission_name = "Allowance"
    method_permission_name = {"mine": "read", "calculation": "read", "request_leave": "write",
                              "file_objection": "write", "decisions": "read", "decide_leave": "write",
                              "decide_objection": "write", "admin": "read", "save_rules": "write",
                              "preview_import": "write", "confirm_import": "write", "declare_outage": "write",
                              "calculate": "write", "recap_excel": "read", "correct": "write"}
    default_view = "mine"

    # --- the employee ---------------------------------------------------------------------------------

    @expose("/")
    @has_access
    def mine(self):
        return self._mine_page()

    def _mine_page(self):
        year, month = _month_of(request.args.get("month"))
        scope = current_scope()
        days, what_if, problem = [], None, None
        if scope.employee_id is not None:
            try:
                days = tpp.days_of(None, year, month)
                what_if = tpp.what_if()
            except DomainError as error:
                problem = translated(error)
        return self.render_template(
            "allowance/mine.html", month_value=f"{year:04d}-{month:02d}", days=days, what_if=what_if,
            problem=problem, calculations=tpp.my_calculations() if scope.employee_id else [],
            leave=attendance.my_leave() if scope.employee_id else [], leave_kinds=list(LeaveKind),
            day_labels=DAY_STATUS_LABELS, deduction_labels=DEDUCTION_LABELS)

    @expose("/calculation/<int:pk>")
    @has_access
    def calculation(self, pk):
        return self._calculation_page(pk)

    def _calculation_page(self, pk):
        row = db.session.scalar(scoped_select(TppCalculation).where(TppCalculation.id == pk))
        if row is None:
            abort(404)
        objections = db.session.scalars(select(TppObjection).where(TppObjection.calculation_id == row.id)
                                        .order_by(TppObjection.id)).all()
        details = row.details
        for cut in details["deductions"]:
            cut["day"] = parse_iso_date(cut["day"])
        newest = db.session.scalar(tpp.newest_versions(
            TppCalculation.employee_id == row.employee_id, TppCalculation.year == row.year,
            TppCalculation.month == row.month))
        return self.render_template(
            "allowance/calculation.html", row=row, details=details, objections=objections, newest=newest,
            may_object=may_object_to_allowance(row), may_correct=newest is row and may_correct_allowance(row),
            deduction_labels=DEDUCTION_LABELS, day_labels=DAY_STATUS_LABELS)

    @expose("/leave", methods=["POST"])
    @has_access
    def request_leave(self):
        form = request.form
        return self._attempt(
            lambda: attendance.request_leave(form.get("kind"), parse_iso_date(form.get("starts_on")),
                                             parse_iso_date(form.get("ends_on")), form.get("reason")),
            gettext("Your request was sent to your evaluator."), url_for("AllowanceView.mine"), self._mine_page)

    @expose("/calculation/<int:pk>/correction", methods=["POST"])
    @has_access
    def correct(self, pk):
        """HR's correction of the month (a month they may not read answers 404, as everywhere)."""
        if db.session.scalar(scoped_select(TppCalculation, TppCalculation.id).where(TppCalculation.id == pk)) is None:
            abort(404)
        return self._attempt(
            lambda: tpp.correct(pk, request.form.get("reason")),
            lambda correction: gettext("The month was recalculated as version %(version)s; the employee was "
                                       "notified.", version=correction.version),
            lambda correction: url_for("AllowanceView.calculation", pk=correction.id),
            lambda: self._calculation_page(pk))

    @expose("/calculation/<int:pk>/objection", methods=["POST"])
    @has_access
    def file_objection(self, pk):
        return self._attempt(lambda: tpp.file_objection(pk, request.form.get("text")),
                             gettext("Your objection was sent."), url_for("AllowanceView.calculation", pk=pk),
                             lambda: self._calculation_page(pk))

    # --- the evaluator and HR -------------------------------------------------------------------------

    @expose("/decisions")
    @has_access
    def decisions(self):
        return self._decisions_page()

    def _decisions_page(self):
        objections = tpp.objection_queue()
        return self.render_template(
            "allowance/decisions.html", leave=attendance.leave_queue(),
            objections=[(objection, objection.calculation) for objection in objections
                        if may_decide_allowance_objection(objection)],
            deduction_labels=DEDUCTION_LABELS)

    @expose("/leave/<int:pk>/decide", methods=["POST"])
    @has_access
    def decide_leave(self, pk):
        approve = request.form.get("approve") == "1"
        return self._attempt(lambda: attendance.decide_leave(pk, approve, request.form.get("note")),
                             gettext("The request was approved.") if approve else gettext("The request was rejected."),
                             url_for("AllowanceView.decisions"), self._decisions_page)

    @expose("/objection/<int:pk>/decide", methods=["POST"])
    @has_access
    def decide_objection(self, pk):
        accept = request.form.get("accept") == "1"
        days = [parse_iso_date(value) for value in request.form.getlist("excused_days")]
        return self._attempt(
            lambda: tpp.decide_objection(pk, accept, request.form.get("note"), [day for day in days if day]),
            gettext("The objection was accepted and the month recalculated.") if accept
            else gettext("The objection was rejected."), url_for("AllowanceView.decisions"), self._decisions_page)

    # --- HR Admin and Agency Admins -------------------------------------------------------------------

    def _agencies(self):
        return [agency for agency in db.session.scalars(scoped_select(Agency).where(Agency.active.is_(True))
                                                         .order_by(Agency.name))
                if may_compute_allowance(agency.id)]

    @expose("/admin")
    @has_access
    def admin(self):
        return self._admin_page()

    def _admin_page(self, preview=None, token=None, rule_form=None, rule_problems=None):
        agencies = self._agencies()
        if not agencies:
            abort(404)
        year, month = _month_of(request.values.get("month"))
        agency_id = parse_whole_number(request.values.get("agency_id")) or agencies[0].id
        try:
            rule_set = tpp.rule_set_of(year)[0]
        except DomainError:
            rule_set = None
        summary = None
        try:
            summary = tpp.recap(agency_id, year, month)
        except DomainError as error:
            flash(translated(error), "danger")
        return self.render_template(
            "allowance/admin.html", agencies=agencies, agency_id=agency_id, month_value=f"{year:04d}-{month:02d}",
            year=year, rule_set=rule_set, is_hr=is_hr_administrator(),
            rule_form=rule_form or _rule_form_shown(rule_set.data if rule_set else tpp.DEMO_RULES),
            rule_problems=rule_problems or {}, **_rule_form_choices(),
            preview=preview, token=token, summary=summary, rejected=[
                (row.line, translated(row.error)) for row in (preview.rows if preview else ())
                if row.status == attendance.REJECTED][:MAX_REJECTED_SHOWN],
            recap_key=recap_key(agency_id, year, month) if summary and summary.rows else None)

    @expose("/rules", methods=["POST"])
    @has_access
    def save_rules(self):
        form = request.form
        try:
            rule_set = tpp.save_rule_set(parse_whole_number(form.get("year")), tpp.rule_set_from_form(form),
                                         form.get("reason"))
        except DomainError as error:
            problems = getattr(error, "problems", None) or {error.field: error}
            flash(translated(error), "danger")
            return self._admin_page(rule_form=_rule_form_typed(form), rule_problems={
                field: translated(problem) for field, problem in problems.items()}), refusal_status(error)
        flash(gettext("The rule set was saved as version %(version)s.", version=rule_set.version), "info")
        return redirect(url_for("AllowanceView.admin", month=form.get("month")))

    @expose("/import/preview", methods=["POST"])
    @has_access
    def preview_import(self):
        upload = request.files.get("file")
        agency_id = parse_whole_number(request.form.get("agency_id"))
        try:
            if upload is None:
                raise DomainError(N_("Upload an Excel (.xlsx) or CSV (.csv) file."), field="file")
            data = upload.read()
            plan = attendance.plan_marks(data, upload.filename or "", agency_id)
        except DomainError as error:
            flash(translated(error), "danger")
            return self._admin_page(), 400
        token = kept_uploads.keep(data, filename=upload.filename or "", agency_id=agency_id)
        return self._admin_page(preview=plan, token=token)

    @expose("/import/confirm", methods=["POST"])
    @has_access
    def confirm_import(self):
        token = request.form.get("token")

        def work():
            data, about = kept_uploads.kept(token)
            counts = attendance.import_marks(data, about["filename"], about["agency_id"])
            kept_uploads.forget(token)
            flash(gettext("%(count)s new marks were imported.", count=counts[attendance.NEW]), "info")
        return self._attempt(work, gettext("The import is complete."), url_for("AllowanceView.admin"),
                             self._admin_page)

    @expose("/outage", methods=["POST"])
    @has_access
    def declare_outage(self):
        form = request.form
        agency_id = parse_whole_number(form.get("agency_id")) if form.get("agency_id") else None
        return self._attempt(
            lambda: attendance.declare_outage(agency_id, parse_iso_date(form.get("starts_on")),
                                              parse_iso_date(form.get("ends_on")), form.get("reason")),
            gettext("The outage was recorded; nobody is cut for those days."), url_for("AllowanceView.admin"),
            self._admin_page)

    @expose("/calculate", methods=["POST"])
    @has_access
    def calculate(self):
        year, month = _month_of(request.form.get("month"))
        agency_id = parse_whole_number(request.form.get("agency_id"))

        def work():
            run = tpp.calculate_month(agency_id, year, month)
            for name, problem in run.not_computed:
                flash(f"{name}: {translated(problem)}", "warning")
            flash(gettext("%(count)s employees calculated; %(closed)s already closed.", count=run.calculated,
                          closed=run.already_closed), "info")
        return self._attempt(work, gettext("The month was calculated."),
                             url_for("AllowanceView.admin", agency_id=agency_id, month=f"{year:04d}-{month:02d}"),
                             self._admin_page)

    @expose("/recap.xlsx")
    @has_access
    def recap_excel(self):
        year, month = _month_of(request.args.get("month"))
        try:
            summary = tpp.recap(parse_whole_number(request.args.get("agency_id")), year, month)
        except DomainError as error:
            flash(translated(error), "danger")
            return self._admin_page(), 400
        header = Bold([gettext("NIP"), gettext("Name"), gettext("Position"), gettext("Version"),
                       gettext("Base amount"), gettext("Performance achievement (%)"), gettext("Performance paid"),
                       gettext("Discipline deduction (%)"), gettext("Discipline paid"), gettext("Amount"),
                       gettext("Withheld"), gettext("Payable")])
        rows = [[row.employee.nip, row.employee.name, row.employee.position.name if row.employee.position else "",
                 row.version, row.base_amount, row.achievement_percent, row.performance_paid,
                 row.deduction_percent_applied, row.discipline_paid, row.amount, row.held, row.payable]
                for row in summary.rows]
        totals = Bold([gettext("Total"), "", "", "", summary.totals["base_amount"], "",
                       summary.totals["performance_paid"], "", summary.totals["discipline_paid"],
                       summary.totals["amount"], "", summary.totals["payable"]])
        return xlsx_response(f"rekap-tpp-{summary.agency.code}-{year:04d}-{month:02d}.xlsx",
                             [Sheet(gettext("TPP recap"), [header, *rows, totals])])


# --- the rule-set form: the same fields shown from a stored rule set or as HR typed them ----------------

def _rule_form_shown(data: dict) -> dict:
    """A rule set's data (app.domain.tpp.parse_rules reads it) as the page's fields show it, numbers written
    the Indonesian way ("1.500.000", "0,5")."""
    def number(value):
        return "" if value is None else quantity(Decimal(str(value)))
    schedule = data.get("schedule") or {}
    defaults = TppRules(base_amounts=())
    fields = {name: number(data.get(name, getattr(defaults, name))) for name in tpp.RULE_PERCENT_FIELDS}
    fields.update({
        "measure": data.get("measure", defaults.measure),
        "activity_minutes_per_day": str(data.get("activity_minutes_per_day", defaults.activity_minutes_per_day)),
        "cutoff_day": str(data.get("cutoff_day", defaults.cutoff_day)),
        "hold_without_approved_skp": data.get("hold_without_approved_skp") is True,
        **{name: schedule.get(name, getattr(defaults.schedule, name).strftime("%H:%M"))
           for name in tpp.SCHEDULE_FIELDS},
        **{f"predikat_{int(member)}": number((data.get("predikat_percent") or {}).get(
            str(int(member)), defaults.predikat_percent[member])) for member in Predikat},
        **{f"leave_{kind}": number(value) for kind, value in (data.get("leave_percent") or {}).items()},
    })
    return {"fields": fields,
            "base_amounts": [(row.get("position_kind", ""), row.get("rank") or "", number(row.get("amount")))
                             for row in data.get("base_amounts") or ()],
            **{name: [(str(first), "" if last is None else str(last), number(percent))
                      for first, last, percent in data.get(name) or [(tier.first, tier.last, tier.percent)
                                                                     for tier in getattr(defaults, name)]]
               for name in tpp.TIER_FIELDS}}


def _rule_form_typed(form) -> dict:
    """The page's fields as HR typed them (a refused save shows them again, nothing lost)."""
    def rows(*names):
        return [cells for cells in zip(*(form.getlist(name) for name in names))
                if any(cell.strip() for cell in cells)]
    return {"fields": {**form.to_dict(), "hold_without_approved_skp": form.get("hold_without_approved_skp") == "1"},
            "base_amounts": rows("base_kind", "base_rank", "base_amount"),
            **{name: rows(f"{name.removesuffix('_tiers')}_first", f"{name.removesuffix('_tiers')}_last",
                          f"{name.removesuffix('_tiers')}_percent") for name in tpp.TIER_FIELDS}}


def _rule_form_choices() -> dict:
    return {
        "position_kinds": db.session.execute(select(PositionKind.code, PositionKind.name)
                                             .order_by(PositionKind.level_order, PositionKind.code)).all(),
        "ranks": db.session.scalars(select(Rank.golongan).distinct().order_by(Rank.golongan)).all(),
        "predikat_choices": list(Predikat), "leave_kinds": list(LeaveKind),
        "measures": [(MEASURE_ACTIVITY, _l("Approved activity minutes against the month's target")),
                     (MEASURE_PREDIKAT, _l("The predikat of the evaluation covering the month"))],
    }


def register_allowance_views(appbuilder) -> None:
    category = {"category": "Attendance and TPP", "category_label": _l("Attendance and TPP"),
                "category_icon": "fa-fingerprint"}
    appbuilder.add_view(AllowanceView, "My attendance and TPP", label=_l("My attendance and TPP"),
                        icon="fa-calendar-check", **category)
    appbuilder.add_link("Allowance decisions", label=_l("Leave and objections to decide"),
                        href="/allowance/decisions", icon="fa-gavel", **category)
    appbuilder.add_link("Allowance administration", label=_l("TPP administration"), href="/allowance/admin",
                        icon="fa-money-bill", **category)
