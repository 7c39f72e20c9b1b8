"""The performance allowance (TPP) use-cases (issue 23; the rules in app.domain.tpp): the year's rule set,
the monthly calculation of an agency after the cut-off day, the employee's what-if for the current month,
objections (sanggahan) decided with a recalculation, and the recap per agency for the finance office.

A month once calculated for an employee is closed: calculating the agency again adds only employees who
have no calculation yet, and a correction (an accepted objection, or HR's correction with a reason) is the
next version — the earlier one stays as finance received it. The recap reads the newest version of each.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, insert, select
from sqlalchemy.orm import aliased

from app.domain.attendance import LeaveKind, days_over, days_shown_on, month_bounds
from app.domain.messages import N_, DomainError
from app.domain.predikat import Predikat
from app.domain.tpp import (MEASURE_PREDIKAT, PerformanceInput, TppCalculation as Result, TppRules,
                            base_amount_for, calculate_tpp, check_calculable, parse_rules)
from app.extensions import db
from app.models import Agency, Employee, Position, PositionKind, Rank
from app.models.activity import DailyActivity
from app.models.audit import utcnow
from app.models.evaluation import Evaluation
from app.models.planning import Period, WorkPlan
from app.models.tpp import TppCalculation, TppObjection, TppRuleSet
from app.parsing import parse_decimal, parse_rupiah, parse_whole_number
from app.security.acts import (may_compute_allowance, may_correct_allowance, may_decide_allowance_objection,
                               may_object_to_allowance)
from app.security.guards import OutOfScope, ensure_writable
from app.security.scope import UserScope, current_scope, read_filter, scoped_select
from app.services.activity import today
from app.services.attendance import (audit_bulk_write, in_chunks, in_one_transaction, month_attendance,
                                     record_decision, required_text)
from app.services.dialogue import notify_employee
from app.services.transaction import ConcurrentChange, acting_user

INSERT_CHUNK = 2_000
TPP_CORRECTED = "tpp_corrected"     # to the employee: HR corrected a month; subject: the new version
# The common regional defaults the issue names (60/40, four tiers, cut-off on the 5th); every figure is the
# regent's regulation and is entered by HR Admin as the year's rule set. The base amounts are placeholders
# for the demo, not any regency's figures.
DEMO_RULES = {
    "performance_percent": 60, "discipline_percent": 40, "measure": "activity", "activity_minutes_per_day": 300,
    "schedule": {"starts": "07:30", "ends": "16:00", "friday_ends": "16:30"},
    "late_tiers": [[1, 30, "0.5"], [31, 60, "1"], [61, 90, "1.25"], [91, None, "1.5"]],
    "early_tiers": [[1, 30, "0.5"], [31, 60, "1"], [61, 90, "1.25"], [91, None, "1.5"]],
    "missing_in_percent": "1.5", "missing_out_percent": "1.5", "absent_percent": 3,
    "discipline_cap_percent": 100, "hold_without_approved_skp": False, "cutoff_day": 5,
    "base_amounts": [{"position_kind": code, "amount": amount} for code, amount in (
        ("JPT_UTAMA", 15_000_000), ("JPT_MADYA", 12_000_000), ("JPT_PRATAMA", 9_000_000),
        ("ADMINISTRATOR", 6_000_000), ("PENGAWAS", 4_500_000), ("PELAKSANA", 2_500_000),
        ("AHLI_PERTAMA", 3_000_000), ("AHLI_MUDA", 3_750_000), ("AHLI_MADYA", 5_000_000),
        ("AHLI_UTAMA", 7_000_000), ("PEMULA", 2_250_000), ("TERAMPIL", 2_500_000), ("MAHIR", 2_750_000),
        ("PENYELIA", 3_250_000))],
}


class AllowanceConflict(ConcurrentChange):
    """Someone else calculated or decided the same thing first (HTTP 409)."""


def _conflict():
    return AllowanceConflict(N_("Someone else changed this allowance at the same time; reload it."))


def _check_year_month(year, month) -> None:
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise DomainError(N_("A year from 2000 to 2100."), field="year")
    if isinstance(month, bool) or not isinstance(month, int):
        raise DomainError(N_("A month is a number from 1 to 12."), field="month")
    month_bounds(year, month)


# --- rule sets ------------------------------------------------------------------------------------------

def save_rule_set(year: int, data: dict, reason: str) -> TppRuleSet:
    """HR Admin saves the year's rules as its next version (a saved version never changes)."""
    _check_year_month(year, 1)
    parse_rules(data)
    reason = required_text(reason)[:255]

    def work():
        latest = db.session.scalar(select(func.max(TppRuleSet.version)).where(TppRuleSet.year == year)) or 0
        rule_set = TppRuleSet(year=year, version=latest + 1, rules=json.dumps(data, sort_keys=True),
                              reason=reason, created_by_id=getattr(acting_user(), "id", None))
        ensure_writable(rule_set)
        db.session.add(rule_set)
        return rule_set
    return in_one_transaction(work, _conflict())


# The rule set's fields a page shows one input for (percentages), and its two kinds of tier rows.
RULE_PERCENT_FIELDS = ("performance_percent", "discipline_percent", "missing_in_percent", "missing_out_percent",
                       "absent_percent", "discipline_cap_percent")
TIER_FIELDS = ("late_tiers", "early_tiers")
SCHEDULE_FIELDS = ("starts", "ends", "friday_ends")


class RuleSetFormInvalid(DomainError):
    """Entries of the rule-set page that no field takes, each under its field (``problems``); the first is
    this error's own message. Nothing is saved."""

    def __init__(self, problems: dict[str, DomainError]):
        first = next(iter(problems.values()))
        super().__init__(first.message, field=first.field, **first.params)
        self.problems = problems


def rule_set_from_form(form) -> dict:
    """The rule-set data as the REST body carries it (checked by app.domain.tpp.parse_rules when saved), from
    the fields of the page, read as Indonesians type them: rupiah "1.500.000", percentages "2,5", minutes
    "30"; a row left empty is no row. RuleSetFormInvalid names every field that holds no such value."""
    problems: dict[str, DomainError] = {}

    def refuse(field_name, message, **params):
        problems.setdefault(field_name, DomainError(message, field=field_name, **params))

    def text(value) -> str:
        return value.strip() if isinstance(value, str) else ""

    def parsed(parse, value, field_name, row, messages):
        """``parse(value)``, or None with the field's message (of a field, or of a numbered row)."""
        number = parse(text(value))
        if number is None:
            if row is None:
                refuse(field_name, messages[0])
            else:
                refuse(field_name, messages[1], number=row)
        return number

    def percent(value, field_name, row=None):
        number = parsed(parse_decimal, value, field_name, row, (
            N_("Type a percentage, e.g. 2,5."), N_("Row %(number)s: type a percentage, e.g. 2,5.")))
        return None if number is None else str(number)

    def whole(value, field_name, row=None):
        return parsed(parse_whole_number, value, field_name, row, (
            N_("Type a whole number, e.g. 30."), N_("Row %(number)s: type a whole number, e.g. 30.")))

    def rows(*names):
        """The filled rows of parallel inputs (one list per name), numbered from 1 as the page shows them."""
        columns = [form.getlist(name) for name in names]
        filled = [cells for cells in zip(*columns) if any(text(cell) for cell in cells)]
        return list(enumerate(filled, start=1))

    base_amounts = []
    for number, (kind, rank, amount) in rows("base_kind", "base_rank", "base_amount"):
        rupiah = parse_rupiah(text(amount))
        if rupiah is None:
            refuse("base_amounts", N_("Row %(number)s: type the amount in rupiah, e.g. 1.500.000."), number=number)
        base_amounts.append({"position_kind": text(kind), "rank": text(rank) or None,
                             "amount": int(rupiah) if rupiah is not None else None})
    tiers = {}
    for field_name in TIER_FIELDS:
        prefix = field_name.removesuffix("_tiers")
        tiers[field_name] = [
            [whole(first, field_name, number), whole(last, field_name, number) if text(last) else None,
             percent(share, field_name, number)]
            for number, (first, last, share) in rows(f"{prefix}_first", f"{prefix}_last", f"{prefix}_percent")]
    data = {
        **{name: percent(form.get(name), name) for name in RULE_PERCENT_FIELDS},
        "measure": text(form.get("measure")),
        "activity_minutes_per_day": whole(form.get("activity_minutes_per_day"), "activity_minutes_per_day"),
        "predikat_percent": {str(int(member)): percent(form.get(f"predikat_{int(member)}"), "predikat_percent")
                             for member in Predikat},
        "schedule": {name: text(form.get(name)) for name in SCHEDULE_FIELDS},
        "leave_percent": {kind.value: percent(form.get(f"leave_{kind.value}"), "leave_percent")
                          for kind in LeaveKind if text(form.get(f"leave_{kind.value}"))},
        "hold_without_approved_skp": form.get("hold_without_approved_skp") == "1",
        "cutoff_day": whole(form.get("cutoff_day"), "cutoff_day"),
        "base_amounts": base_amounts, **tiers,
    }
    if problems:
        raise RuleSetFormInvalid(problems)
    return data


def rule_set_of(year: int) -> tuple[TppRuleSet, TppRules]:
    """The newest version of the year's rules, parsed; DomainError when HR has entered none."""
    rule_set = db.session.scalar(select(TppRuleSet).where(TppRuleSet.year == year)
                                 .order_by(TppRuleSet.version.desc()).limit(1))
    if rule_set is None:
        raise DomainError(N_("HR has not entered the TPP rules of %(year)s yet."), field="year", year=year)
    return rule_set, parse_rules(rule_set.data)


# --- what the calculation reads, for many employees at once --------------------------------------------

def _approved_minutes(employee_ids, first: dt.date, last: dt.date) -> dict[int, int]:
    minutes: dict[int, int] = defaultdict(int)
    for chunk in in_chunks(employee_ids):
        for employee_id, start, end in db.session.execute(select(
                DailyActivity.employee_id, DailyActivity.start_time, DailyActivity.end_time).where(
                DailyActivity.employee_id.in_(chunk), DailyActivity.status == "approved",
                DailyActivity.activity_date.between(first, last))):
            minutes[employee_id] += (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return minutes


def _predikat(employee_ids, first: dt.date, last: dt.date) -> dict[int, Predikat]:
    """The predikat of each employee's final evaluation whose window covers the month (the newest)."""
    found = {}
    for chunk in in_chunks(employee_ids):
        for employee_id, predikat in db.session.execute(select(Evaluation.employee_id, Evaluation.predikat).where(
                Evaluation.employee_id.in_(chunk), Evaluation.status == "final",
                Evaluation.predikat.is_not(None), Evaluation.window_start <= last, Evaluation.window_end >= first)
                .order_by(Evaluation.window_end, Evaluation.version)):
            found[employee_id] = Predikat(predikat)
    return found


def _approved_plans(employee_ids, year: int) -> set[int]:
    approved = set()
    for chunk in in_chunks(employee_ids):
        approved.update(db.session.scalars(select(WorkPlan.employee_id).join(Period, WorkPlan.period_id == Period.id)
                                           .where(WorkPlan.employee_id.in_(chunk), Period.year == year,
                                                  WorkPlan.status == "approved")))
    return approved


@dataclass(frozen=True)
class Payee:
    """What the calculation needs of an employee, read for a whole agency in one statement."""

    id: int
    agency_id: int
    position_id: int | None
    position_kind: str | None
    rank: str | None
    name: str
    nip: str

    def __str__(self):
        return f"{self.name} ({self.nip})"


def payees(*conditions) -> list[Payee]:
    return [Payee(*row) for row in db.session.execute(
        select(Employee.id, Employee.agency_id, Employee.position_id, PositionKind.code, Rank.golongan,
               Employee.name, Employee.nip)
        .outerjoin(Position, Employee.position_id == Position.id)
        .outerjoin(PositionKind, Position.kind_id == PositionKind.id)
        .outerjoin(Rank, Employee.rank_id == Rank.id).where(*conditions).order_by(Employee.id))]


def _evaluators(employees: list[Payee], year: int) -> dict[int, int | None]:
    """Each employee's evaluator: named on their SKP of the year (an acting one), else the holder of the
    superior position (app.services.dialogue.evaluator_of, for many at once)."""
    named = {}
    for chunk in in_chunks([employee.id for employee in employees]):
        for employee_id, evaluator_id in db.session.execute(
                select(WorkPlan.employee_id, WorkPlan.evaluator_id).join(Period, WorkPlan.period_id == Period.id)
                .where(WorkPlan.employee_id.in_(chunk), Period.year == year, WorkPlan.evaluator_id.is_not(None))
                .order_by(WorkPlan.version)):
            named[employee_id] = evaluator_id
    agency_ids = {employee.agency_id for employee in employees}
    parents = dict(db.session.execute(select(Position.id, Position.parent_id).where(
        Position.agency_id.in_(agency_ids))).all())
    holders = dict(db.session.execute(select(Employee.position_id, func.min(Employee.id)).where(
        Employee.agency_id.in_(agency_ids), Employee.active.is_(True), Employee.position_id.is_not(None))
        .group_by(Employee.position_id)).all())
    return {employee.id: named.get(employee.id) or holders.get(parents.get(employee.position_id))
            for employee in employees}


@dataclass(frozen=True)
class Outcome:
    employee: Payee
    result: Result | None
    problem: DomainError | None = None


def _compute(employees: list[Payee], year: int, month: int, rules: TppRules,
             excused: dict[int, set[dt.date]] | None = None, until: dt.date | None = None) -> list[Outcome]:
    """Each employee's month; with ``until``, the month as it stands that day: approved activities through it,
    attendance of the days already over (``days_over``)."""
    first, last = month_bounds(year, month)
    last = min(last, until) if until else last
    ids = [employee.id for employee in employees]
    days = month_attendance(employees, year, month, rules.schedule, excused)
    minutes = _approved_minutes(ids, first, last) if rules.measure != MEASURE_PREDIKAT else {}
    predikat = _predikat(ids, first, last) if rules.measure == MEASURE_PREDIKAT else {}
    with_plan = _approved_plans(ids, year) if rules.hold_without_approved_skp else set(ids)
    outcomes = []
    for employee in employees:
        try:
            base = base_amount_for(rules, employee.position_kind, employee.rank)
        except DomainError as problem:
            outcomes.append(Outcome(employee, None, problem))
            continue
        month_days = days_over(days[employee.id], until) if until else days[employee.id]
        outcomes.append(Outcome(employee, calculate_tpp(
            rules, base, month_days, PerformanceInput(minutes.get(employee.id, 0), predikat.get(employee.id)),
            has_approved_skp=employee.id in with_plan)))
    return outcomes


def explanation(result: Result, rule_set: TppRuleSet) -> dict:
    """What the employee reads as "why was I cut": every figure the amount follows from, as plain data."""
    return {
        "rule_set": {"year": rule_set.year, "version": rule_set.version},
        "measure": result.measure, "target_minutes": result.target_minutes,
        "approved_minutes": result.approved_minutes,
        "predikat": int(result.predikat) if result.predikat else None,
        "performance_share": str(result.performance_share), "discipline_share": str(result.discipline_share),
        "working_days": result.working_days, "days": dict(result.days_by_status),
        "deductions": [{"rule": cut.rule, "day": cut.day.isoformat(), "percent": str(cut.percent),
                        "amount": str(cut.amount), "minutes": cut.minutes,
                        "tier": [cut.tier.first, cut.tier.last] if cut.tier else None,
                        "leave_kind": cut.leave_kind.value if cut.leave_kind else None}
                       for cut in result.deductions],
    }


def _row(employee: Payee, evaluator_id, result: Result, rule_set: TppRuleSet, year: int, month: int,
         version: int, reason: str | None = None) -> dict:
    return {
        "agency_id": employee.agency_id, "employee_id": employee.id, "evaluator_id": evaluator_id,
        "year": year, "month": month, "version": version, "rule_set_id": rule_set.id,
        "base_amount": result.base_amount, "achievement_percent": result.achievement_percent,
        "performance_paid": result.performance_paid, "deduction_percent": result.deduction_percent,
        "deduction_percent_applied": result.deduction_percent_applied, "discipline_paid": result.discipline_paid,
        "amount": result.amount, "held": result.held, "payable": result.payable,
        "explanation": json.dumps(explanation(result, rule_set)), "correction_reason": reason,
        "created_by_id": getattr(acting_user(), "id", None), "created_at": utcnow(),
    }


# --- the monthly calculation ---------------------------------------------------------------------------

@dataclass(frozen=True)
class MonthRun:
    calculated: int
    already_closed: int
    not_computed: list[tuple[str, DomainError]]


def calculate_month(agency_id: int, year: int, month: int, on: dt.date | None = None) -> MonthRun:
    """Calculate the month for every active employee of the agency who has no calculation of it yet (from
    the cut-off day of the next month on), in one transaction. Employees the rule set gives no base amount
    are listed as not computed, with the reason."""
    _check_year_month(year, month)
    agency = db.session.get(Agency, agency_id) if isinstance(agency_id, int) else None
    if agency is None or not may_compute_allowance(agency.id):
        raise DomainError(N_("You may only calculate the allowance of the agencies you manage."), field="agency")
    rule_set, rules = rule_set_of(year)
    check_calculable(year, month, rules.cutoff_day, on or today())

    def work():
        closed = set(db.session.scalars(select(TppCalculation.employee_id).where(
            TppCalculation.agency_id == agency.id, TppCalculation.year == year, TppCalculation.month == month)))
        employees = [employee for employee in payees(Employee.agency_id == agency.id, Employee.active.is_(True))
                     if employee.id not in closed]
        outcomes = _compute(employees, year, month, rules)
        evaluators = _evaluators(employees, year)
        rows = [_row(outcome.employee, evaluators[outcome.employee.id], outcome.result, rule_set, year, month, 1)
                for outcome in outcomes if outcome.result is not None]
        for start in range(0, len(rows), INSERT_CHUNK):
            db.session.execute(insert(TppCalculation), rows[start:start + INSERT_CHUNK])
        if rows:
            audit_bulk_write(f"{agency.code} {month:02d}-{year}", "TppCalculation",
                             {"agency_id": {"after": agency.id}, "calculations": {"after": len(rows)}})
        return MonthRun(len(rows), len(closed),
                        [(str(outcome.employee), outcome.problem) for outcome in outcomes if outcome.result is None])
    return in_one_transaction(work, _conflict())


def _payee_in_scope(employee_id: int | None) -> Payee:
    """The employee (the acting one by default), if the user may read them."""
    employee_id = employee_id if employee_id is not None else current_scope().employee_id
    found = payees(Employee.id == employee_id, Employee.id.in_(scoped_select(Employee, Employee.id)))
    if not found:
        raise DomainError(N_("No such employee."), field="employee")
    return found[0]


def what_if(employee_id: int | None = None, on: dt.date | None = None) -> Result:
    """The current month so far under the year's rules (approved activities up to ``on``, the working days
    before it): what the employee would receive if the month ended today. Nothing is stored."""
    on = on or today()
    employee = _payee_in_scope(employee_id)
    _, rules = rule_set_of(on.year)
    outcome = _compute([employee], on.year, on.month, rules, until=on)[0]
    if outcome.problem:
        raise outcome.problem
    return outcome.result


def days_of(employee_id: int | None, year: int, month: int) -> list:
    """An employee's working days of a month as the calculation sees them (the employee's own by default), as
    far as they are known today (``days_shown_on``): a day still to come, or today before anything is recorded,
    is no absence yet, and a list of them read "absent without reason"."""
    _check_year_month(year, month)
    employee = _payee_in_scope(employee_id)
    _, rules = rule_set_of(year)
    return days_shown_on(month_attendance([employee], year, month, rules.schedule)[employee.id], today())


def newest_versions(*conditions, scope: UserScope | None = None):
    """A SELECT of the newest calculation version of each employee and month, within the scope (the user's
    by default)."""
    newer = aliased(TppCalculation)
    superseded = select(newer.id).where(
        newer.employee_id == TppCalculation.employee_id, newer.year == TppCalculation.year,
        newer.month == TppCalculation.month, newer.version > TppCalculation.version).exists()
    statement = select(TppCalculation).where(~superseded, *conditions)
    condition = read_filter(TppCalculation, scope or current_scope())
    return statement if condition is None else statement.where(condition)


def my_calculations() -> list[TppCalculation]:
    scope = current_scope()
    return list(db.session.scalars(newest_versions(TppCalculation.employee_id == scope.employee_id)
                                   .order_by(TppCalculation.year.desc(), TppCalculation.month.desc())))


# --- corrections and objections ------------------------------------------------------------------------

def _calculation(calculation_id) -> TppCalculation:
    calculation = db.session.scalar(scoped_select(TppCalculation).where(TppCalculation.id == calculation_id)) \
        if isinstance(calculation_id, int) else None
    if calculation is None:
        raise DomainError(N_("No such allowance calculation."), field="calculation")
    return calculation


def _excused_days(employee_id: int, year: int, month: int) -> set[dt.date]:
    texts = db.session.scalars(select(TppObjection.excused_days).join(
        TppCalculation, TppObjection.calculation_id == TppCalculation.id).where(
        TppObjection.employee_id == employee_id, TppObjection.status == "accepted",
        TppCalculation.year == year, TppCalculation.month == month))
    return {dt.date.fromisoformat(day) for text in texts if text for day in text.split(",")}


def _recalculate(calculation: TppCalculation, reason: str) -> TppCalculation:
    """The next version of the employee's month, under the year's newest rules, with every day excused by an
    accepted objection."""
    newest = db.session.scalar(select(func.max(TppCalculation.version)).where(
        TppCalculation.employee_id == calculation.employee_id, TppCalculation.year == calculation.year,
        TppCalculation.month == calculation.month))
    rule_set, rules = rule_set_of(calculation.year)
    [employee] = payees(Employee.id == calculation.employee_id)
    outcome = _compute([employee], calculation.year, calculation.month, rules,
                       {employee.id: _excused_days(employee.id, calculation.year, calculation.month)})[0]
    if outcome.problem:
        raise outcome.problem
    correction = TppCalculation(**_row(employee, calculation.evaluator_id, outcome.result, rule_set,
                                       calculation.year, calculation.month, newest + 1, reason))
    db.session.add(correction)
    db.session.flush()
    return correction


# What a correction compares to tell whether it changes anything for the employee or for finance.
_CORRECTED_FIGURES = ("base_amount", "achievement_percent", "performance_paid", "deduction_percent",
                      "deduction_percent_applied", "discipline_paid", "amount", "held", "payable", "explanation")


def correct(calculation_id: int, reason: str) -> TppCalculation:
    """HR's correction of a closed month without an objection (attendance data found wrong, a leave approved
    late): the month recalculated from the data as it is now, as the next version with the reason; the
    employee is notified. ``calculation_id`` is the version HR looked at: when it is no longer the newest
    (an objection or another correction came first) nothing is written (409). A recalculation that changes
    no figure is refused: a new version must tell finance something."""
    reason = required_text(reason)

    def work():
        calculation = _calculation(calculation_id)
        if not may_correct_allowance(calculation):
            raise OutOfScope(N_("Only HR administrators correct a calculated month, never their own allowance."),
                             field="calculation")
        newest = db.session.scalar(select(func.max(TppCalculation.version)).where(
            TppCalculation.employee_id == calculation.employee_id, TppCalculation.year == calculation.year,
            TppCalculation.month == calculation.month))
        if newest != calculation.version:
            raise AllowanceConflict(N_("This month has meanwhile been recalculated as version %(version)s; open "
                                       "that version and correct it if need be."), version=newest)
        correction = _recalculate(calculation, reason)
        if all(getattr(correction, name) == getattr(calculation, name) for name in _CORRECTED_FIGURES):
            raise DomainError(N_("The recalculation gives the same figures as version %(version)s: correct the "
                                 "attendance, leave or activities first."), field="reason",
                              version=calculation.version)
        notify_employee(calculation.employee_id, TPP_CORRECTED, correction.id)
        return correction
    return in_one_transaction(work, _conflict())


def file_objection(calculation_id: int, text: str) -> TppObjection:
    """The employee objects to their month's allowance (sanggahan); their evaluator or HR decides."""
    text = required_text(text, "text")

    def work():
        calculation = _calculation(calculation_id)
        if not may_object_to_allowance(calculation):
            raise DomainError(N_("Only the employee objects to their own allowance."), field="calculation")
        pending = db.session.scalar(select(TppObjection.id).where(
            TppObjection.calculation_id == calculation.id, TppObjection.status == "filed").limit(1))
        if pending:
            raise DomainError(N_("An objection to this month is already waiting for a decision."),
                              field="calculation")
        objection = TppObjection(agency_id=calculation.agency_id, employee_id=calculation.employee_id,
                                 evaluator_id=calculation.evaluator_id, calculation_id=calculation.id, text=text)
        db.session.add(objection)
        return objection
    return in_one_transaction(work, _conflict())


def decide_objection(objection_id: int, accept: bool, note: str | None = None,
                     excused_days: list[dt.date] | None = None) -> TppObjection:
    """Accept (naming the working days of the month the objection excuses; the month is recalculated as a
    new version) or reject it with a reason. The objector never decides their own."""
    if not isinstance(accept, bool):
        raise DomainError(N_("Accept or reject."), field="accept")
    days = sorted(set(excused_days or ()))
    if accept and not days:
        raise DomainError(N_("Name the days the objection excuses."), field="excused_days")

    def work():
        objection = db.session.scalar(scoped_select(TppObjection).where(TppObjection.id == objection_id)) \
            if isinstance(objection_id, int) else None
        if objection is None:
            raise DomainError(N_("No such objection."), field="objection")
        if not may_decide_allowance_objection(objection):
            raise DomainError(N_("Only the employee's evaluator or HR decides this objection."), field="objection")
        if objection.status != "filed":
            raise DomainError(N_("This objection has already been decided."), field="objection")
        calculation = objection.calculation
        first, last = month_bounds(calculation.year, calculation.month)
        if any(not isinstance(day, dt.date) or not first <= day <= last for day in days):
            raise DomainError(N_("The excused days must lie in the month objected to."), field="excused_days")
        record_decision(objection, accept, note, "accepted")
        objection.excused_days = ",".join(day.isoformat() for day in days) if accept else None
        db.session.flush()
        if accept:
            objection.correction = _recalculate(calculation, objection.text[:500])
        return objection
    return in_one_transaction(work, _conflict())


def objection_queue() -> list[TppObjection]:
    """The objections waiting for the acting evaluator (or, for HR, every one in scope)."""
    statement = scoped_select(TppObjection).where(TppObjection.status == "filed")
    scope = current_scope()
    if not scope.global_access:
        statement = statement.where(TppObjection.evaluator_id == scope.employee_id)
    return list(db.session.scalars(statement.order_by(TppObjection.created_at)))


# --- the recap for the finance office -------------------------------------------------------------------

@dataclass(frozen=True)
class Recap:
    agency: Agency
    year: int
    month: int
    rows: list[TppCalculation]
    totals: dict[str, Decimal]


RECAP_TOTALS = ("base_amount", "performance_paid", "discipline_paid", "amount", "payable")


def recap(agency_id: int, year: int, month: int) -> Recap:
    """The newest version of each employee's month in the agency, and the column totals (exact sums of the
    whole-rupiah amounts, so the totals reconcile with the rows to the rupiah)."""
    _check_year_month(year, month)
    agency = db.session.scalar(scoped_select(Agency).where(Agency.id == agency_id)) \
        if isinstance(agency_id, int) else None
    if agency is None or not may_compute_allowance(agency.id):
        raise DomainError(N_("You may only calculate the allowance of the agencies you manage."), field="agency")
    return recap_for(agency, year, month)


def recap_for(agency: Agency, year: int, month: int, scope: UserScope | None = None) -> Recap:
    """The recap of an agency the caller already may read (the document loader passes its job's scope)."""
    rows = list(db.session.scalars(newest_versions(
        TppCalculation.agency_id == agency.id, TppCalculation.year == year, TppCalculation.month == month,
        scope=scope).join(Employee, TppCalculation.employee_id == Employee.id).order_by(Employee.name)))
    totals = {name: sum((Decimal(getattr(row, name)) for row in rows), Decimal(0)) for name in RECAP_TOTALS}
    return Recap(agency, year, month, rows, totals)
