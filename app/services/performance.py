"""Every employee's performance in one table, and one employee's performance page (issue 19).

Who appears is decided by the user's scope alone (``scoped_select(Employee)``); the figures of a row are
about that employee. The table is built in two passes so that a page costs the same for one agency and for
the whole government:

1. the ids of the page: only the expressions the chosen filters and sort need, over every employee in
   scope, with the total count taken before LIMIT (one statement);
2. every figure of those (at most ``PAGE_SIZE``) employees: one statement of correlated look-ups, each an
   index probe per employee, plus the achievement per RHK and the dialogues (one statement each).

Figures come from running totals, never by summing every activity on each request: achievement, the
activities of this week and month, the last report and "waiting for approval" from the per-employee totals
(``EmployeePerformanceTotal``, kept by app.services.performance_totals in every writing transaction), the
RHK breakdown from the approved volume per IKI (``IndicatorProgress``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased, lazyload

from app.domain.achievement import Direction, achievement
from app.domain.ikm import element_nrr
from app.domain.predikat import Predikat
from app.domain.workdays import month_start, week_start, working_days_between
from app.extensions import db
from app.models import Agency, Employee, Position, PositionKind, Unit
from app.models.activity import DailyActivity, IndicatorProgress
from app.models.dialogue import DialogueSchedule
from app.models.evaluation import Evaluation
from app.models.performance import EmployeePerformanceTotal
from app.models.planning import PLAN_STATUSES, Period, ResultIndicator, WorkPlan, WorkResult, choice_label
from app.models.recognition import AwardType, Nomination
from app.models.survey import SurveyResponse
from app.models.training import EmployeeJpYear, TrainingParticipation, TrainingProgramme
from app.parsing import parse_whole_number
from app.security.scope import scoped_select
from app.services import activity as activities
from app.services import dialogue as dialogues
from app.services import training
from app.services.activity import QUANTITY_ASPECT
from app.services.local_time import utc_at_local_midnight

PAGE_SIZE = 50
# Whole-government Excel: every matching row, fetched PAGE_SIZE × 20 at a time.
EXPORT_CHUNK = 1000
SEARCH_MAX_LENGTH = 100
IDLE_DAYS_MAX = 60
NO_PLAN = "none"
NO_PREDIKAT = 0
SORT_KEYS = ("name", "unit", "position", "skp", "achievement", "week", "month", "idle", "waiting", "dialogue",
             "predikat", "jp", "feedback")
RECENT_ACTIVITIES = 20
LATEST_SUGGESTIONS = 5
DIALOGUES_SHOWN = 10


# --- what the user asked for -----------------------------------------------------------------------

@dataclass(frozen=True)
class TableQuery:
    """Filters, search, sort and page of the table, read from request arguments; a value that means nothing
    (an unknown sort, a word where a number belongs) is dropped, never an error."""

    agency_id: int | None = None
    unit_id: int | None = None
    position_kind_id: int | None = None
    skp_status: str | None = None
    idle_days: int | None = None
    predikat: int | None = None
    search: str = ""
    sort: str = "name"
    descending: bool = False
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "TableQuery":
        skp_status = args.get("skp") or None
        if skp_status not in {code for code, _ in PLAN_STATUSES} | {NO_PLAN}:
            skp_status = None
        predikat = parse_whole_number(args.get("predikat"))
        if predikat is not None and predikat != NO_PREDIKAT and predikat not in {p.value for p in Predikat}:
            predikat = None
        idle_days = parse_whole_number(args.get("idle"))
        sort = args.get("sort") or "name"
        return cls(
            agency_id=parse_whole_number(args.get("agency")) or None,
            unit_id=parse_whole_number(args.get("unit")) or None,
            position_kind_id=parse_whole_number(args.get("kind")) or None,
            skp_status=skp_status,
            idle_days=min(idle_days, IDLE_DAYS_MAX) if idle_days else None,
            predikat=predikat,
            search=(args.get("q") or "").strip()[:SEARCH_MAX_LENGTH],
            sort=sort if sort in SORT_KEYS else "name",
            descending=args.get("desc") == "1",
            page=max(parse_whole_number(args.get("page")) or 1, 1),
        )

    def arguments(self, **changes) -> dict:
        """The query as URL arguments (without the empty ones), with ``changes`` applied."""
        values = {"agency": self.agency_id, "unit": self.unit_id, "kind": self.position_kind_id,
                  "skp": self.skp_status, "idle": self.idle_days, "predikat": self.predikat, "q": self.search,
                  "sort": self.sort, "desc": "1" if self.descending else None, "page": self.page}
        values.update(changes)
        if values["page"] == 1:
            values["page"] = None
        return {key: value for key, value in values.items() if value is not None and value != ""}


# --- the figures, as SQL about one employee (correlated on Employee.id) ----------------------------

@dataclass(frozen=True)
class Moment:
    """The dates the figures are counted for."""

    today: dt.date
    period: Period | None

    @property
    def week_start(self) -> dt.date:
        return week_start(self.today)

    @property
    def month_start(self) -> dt.date:
        return month_start(self.today)

    @property
    def year_start(self) -> dt.datetime:
        """The stored moment the year began in the regency (submission times are kept in UTC)."""
        return utc_at_local_midnight(dt.date(self.today.year, 1, 1))


def current_moment(today: dt.date | None = None) -> Moment:
    today = today or activities.today()
    period = db.session.scalar(select(Period).where(Period.start_date <= today, Period.end_date >= today)
                               .order_by(Period.id))
    return Moment(today, period)


def _plan_status(moment: Moment):
    """The status of the employee's newest SKP version in the period (NULL: no SKP)."""
    return (select(WorkPlan.status).where(WorkPlan.employee_id == Employee.id,
                                          WorkPlan.period_id == (moment.period.id if moment.period else -1))
            .order_by(WorkPlan.version.desc()).limit(1).scalar_subquery())


TOTALS = EmployeePerformanceTotal
SORTS_BY_TOTALS = ("achievement", "week", "month", "idle", "waiting")


def _with_totals(statement):
    """``statement`` (rows of Employee) with the employee's running totals joined (none yet: no row)."""
    return statement.outerjoin(TOTALS, TOTALS.employee_id == Employee.id)


def _achievement(moment: Moment):
    """Progress of the newest approved SKP of the running period in percent (``plan_progress``); NULL without
    such an SKP or IKI."""
    period_id = moment.period.id if moment.period else -1
    return case((TOTALS.achievement_period_id == period_id, TOTALS.achievement), else_=None)


def _activities_this_week(moment: Moment):
    """Activities sent (a draft is not reported yet, as on the dashboard) this week: the totals count the
    week of the last report, which is this week exactly when there is one this week."""
    return case((TOTALS.week_of == moment.week_start, TOTALS.week_count), else_=0)


def _activities_this_month(moment: Moment):
    return case((TOTALS.month_of == moment.month_start, TOTALS.month_count), else_=0)


def _last_report():
    return TOTALS.last_reported_on


def _waiting():
    return func.coalesce(TOTALS.waiting, 0)


def _latest_predikat():
    """The predikat of the employee's latest evaluation that has one, past draft and not corrected since."""
    newer = aliased(Evaluation)
    return (select(Evaluation.predikat)
            .where(Evaluation.employee_id == Employee.id, Evaluation.predikat.is_not(None),
                   Evaluation.status != "draft", ~exists().where(newer.previous_id == Evaluation.id))
            .order_by(Evaluation.window_end.desc(), Evaluation.id.desc()).limit(1).scalar_subquery())


def _last_dialogue():
    """The date of the last dialogue, from the one schedule row per employee the dialogue service keeps."""
    return (select(DialogueSchedule.last_held_on).where(DialogueSchedule.employee_id == Employee.id)
            .scalar_subquery())


def _citizen_responses(moment: Moment, *columns):
    """Included survey responses of this year naming the employee as the officer who served."""
    return (select(*columns).where(SurveyResponse.officer_id == Employee.id,
                                   SurveyResponse.submitted_at >= moment.year_start,
                                   SurveyResponse.excluded.is_(False)).scalar_subquery())


def _citizen_average(moment: Moment):
    """Mean answer (1–4) on the officer's elements U6 (competence) and U7 (behaviour); NULL when none."""
    answered = func.count(SurveyResponse.u6) + func.count(SurveyResponse.u7)
    answers = func.coalesce(func.sum(SurveyResponse.u6), 0) + func.coalesce(func.sum(SurveyResponse.u7), 0)
    return _citizen_responses(moment, case((answered > 0, answers * Decimal(1) / answered), else_=None))


# --- the table ------------------------------------------------------------------------------------

@dataclass
class ResultProgress:
    """One RHK of the SKP: its quantity IKI's target and approved realisation."""

    description: str
    indicator: str
    target: Decimal | None
    unit: str
    realised: Decimal
    direction: str = "HIGHER_IS_BETTER"

    @property
    def percent(self) -> Decimal | None:
        if self.target is None or self.target <= 0:
            return None
        return achievement(self.realised, self.target, Direction[self.direction])


@dataclass
class PerformanceRow:
    id: int
    name: str
    nip: str
    agency: str
    unit: str
    position: str
    skp_status: str | None
    achievement: Decimal | None
    week: int
    month: int
    last_report: dt.date | None
    idle_working_days: int | None
    waiting: int
    predikat: int | None
    jp: Decimal
    feedback_count: int
    feedback_average: Decimal | None
    results: list[ResultProgress] = field(default_factory=list)
    dialogue: object | None = None  # dialogues.DialogueSummary

    @property
    def skp_status_label(self) -> str:
        return choice_label(PLAN_STATUSES, self.skp_status) if self.skp_status else ""

    @property
    def predikat_label(self) -> str:
        return Predikat(self.predikat).label if self.predikat else ""


@dataclass
class TablePage:
    query: TableQuery
    moment: Moment
    rows: list[PerformanceRow]
    total: int
    data_at: dt.datetime

    @property
    def pages(self) -> int:
        return max((self.total + PAGE_SIZE - 1) // PAGE_SIZE, 1)


def _idle_from(moment: Moment, days: int) -> dt.date:
    """The first of the last ``days`` working days: no report since then is "no report for N days"."""
    return activities.last_working_days(days, moment.today)[0]


def _filtered(query: TableQuery, moment: Moment, *columns):
    """The employees in scope matching the query's filters and search, as a SELECT of ``columns``."""
    statement = scoped_select(Employee, *columns, agency_id=query.agency_id)
    if query.idle_days or query.sort in SORTS_BY_TOTALS:
        statement = _with_totals(statement)
    statement = (statement.outerjoin(Unit, Employee.unit_id == Unit.id)
                 .outerjoin(Position, Employee.position_id == Position.id)
                 .where(Employee.active.is_(True)))
    if query.unit_id:
        statement = statement.where(Employee.unit_id == query.unit_id)
    if query.position_kind_id:
        statement = statement.where(Position.kind_id == query.position_kind_id)
    if query.skp_status == NO_PLAN:
        statement = statement.where(_plan_status(moment).is_(None))
    elif query.skp_status:
        statement = statement.where(_plan_status(moment) == query.skp_status)
    if query.predikat == NO_PREDIKAT:
        statement = statement.where(_latest_predikat().is_(None))
    elif query.predikat:
        statement = statement.where(_latest_predikat() == query.predikat)
    if query.idle_days:
        last = _last_report()
        statement = statement.where(or_(last.is_(None), last < _idle_from(moment, query.idle_days)))
    if query.search:
        digits = query.search.replace(" ", "")
        by_name = Employee.name.ilike(f"%{_escape_like(query.search)}%", escape="\\")
        statement = statement.where(or_(by_name, Employee.nip.startswith(digits, autoescape=True))
                                    if digits.isdigit() else by_name)
    return statement


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _sort_expression(query: TableQuery, moment: Moment, statement):
    """(statement with what the sort needs joined, the sort expression)."""
    key = query.sort
    if key == "unit":
        return statement, Unit.name
    if key == "position":
        return statement, Position.name
    if key == "skp":
        return statement, _plan_status(moment)
    if key == "achievement":
        return statement, _achievement(moment)
    if key == "week":
        return statement, _activities_this_week(moment)
    if key == "month":
        return statement, _activities_this_month(moment)
    if key == "idle":
        # More working days without a report is an older last report; never reported is the most idle.
        last = _last_report()
        return statement, func.coalesce(last, dt.date(1900, 1, 1))
    if key == "waiting":
        return statement, _waiting()
    if key == "dialogue":
        return statement, _last_dialogue()
    if key == "predikat":
        return statement, _latest_predikat()
    if key == "jp":
        earned = training.jp_earned(moment.today.year).subquery()
        return statement.outerjoin(earned, earned.c.employee_id == Employee.id), func.coalesce(earned.c.jp, 0)
    if key == "feedback":
        return statement, _citizen_average(moment)
    return statement, None


def _ordered_ids(query: TableQuery, moment: Moment, limit: int | None, offset: int = 0):
    statement = _filtered(query, moment, Employee.id, func.count().over().label("total"))
    statement, key = _sort_expression(query, moment, statement)
    # "idle" descending shows the most idle first: the oldest last report.
    descending = query.descending if query.sort != "idle" else not query.descending
    order = []
    if key is not None:
        order.append((key.desc() if descending else key.asc()).nulls_last())
    order += [Employee.name, Employee.id]
    statement = statement.order_by(*order).offset(offset)
    if limit is not None:
        statement = statement.limit(limit)
    return db.session.execute(statement).all()


def performance_table(query: TableQuery, today: dt.date | None = None) -> TablePage:
    """One page of the table for the current user's scope."""
    moment = current_moment(today)
    found = _ordered_ids(query, moment, PAGE_SIZE, (query.page - 1) * PAGE_SIZE)
    total = found[0].total if found else 0
    if not found and query.page > 1:
        # Beyond the last page (the rows changed since the link was made): the total still says how many.
        total = db.session.scalar(select(func.count()).select_from(_filtered(query, moment, Employee.id)
                                                                   .subquery()))
    rows = performance_rows([row.id for row in found], moment)
    return TablePage(query, moment, rows, total, dt.datetime.now(dt.timezone.utc))


def all_rows(query: TableQuery, today: dt.date | None = None):
    """Every row matching the query, in its order (the Excel export): ids in one pass, figures in chunks."""
    moment = current_moment(today)
    ids = [row.id for row in _ordered_ids(query, moment, None)]
    for start in range(0, len(ids), EXPORT_CHUNK):
        yield from performance_rows(ids[start:start + EXPORT_CHUNK], moment)


def performance_rows(ids: list[int], moment: Moment) -> list[PerformanceRow]:
    """Every figure of the employees ``ids`` (already chosen through the scope), in the order given."""
    if not ids:
        return []
    earned = training.jp_earned(moment.today.year).where(EmployeeJpYear.employee_id.in_(ids)).subquery()
    statement = (
        select(Employee.id, Employee.name, Employee.nip, func.coalesce(Agency.short_name, Agency.name),
               Unit.name, Position.name, _plan_status(moment).label("skp"),
               _achievement(moment).label("achievement"),
               _activities_this_week(moment).label("week"), _activities_this_month(moment).label("month"),
               _last_report().label("last_report"), _waiting().label("waiting"),
               _latest_predikat().label("predikat"), func.coalesce(earned.c.jp, 0).label("jp"),
               _citizen_responses(moment, func.count()).label("feedback_count"),
               _citizen_responses(moment, func.count(SurveyResponse.u6) + func.count(SurveyResponse.u7))
               .label("feedback_answered"),
               _citizen_responses(moment, func.coalesce(func.sum(SurveyResponse.u6), 0)
                                  + func.coalesce(func.sum(SurveyResponse.u7), 0)).label("feedback_sum"))
        .join(Agency, Employee.agency_id == Agency.id)
        .outerjoin(Unit, Employee.unit_id == Unit.id)
        .outerjoin(Position, Employee.position_id == Position.id)
        .outerjoin(TOTALS, TOTALS.employee_id == Employee.id)
        .outerjoin(earned, earned.c.employee_id == Employee.id)
        .where(Employee.id.in_(ids)))
    found = {row.id: row for row in db.session.execute(statement)}
    last_days = [row.last_report for row in found.values() if row.last_report is not None]
    holidays = activities.holidays_between(min(last_days), moment.today) if last_days else set()
    results = results_by_employee(ids, moment)
    summaries = dialogues.dialogue_summary(ids)
    rows = []
    for employee_id in ids:
        row = found.get(employee_id)
        if row is None:
            continue
        idle = None
        if row.last_report is not None:
            idle = (working_days_between(row.last_report + dt.timedelta(days=1), moment.today, holidays)
                    if row.last_report < moment.today else 0)
        rows.append(PerformanceRow(
            id=row.id, name=row.name, nip=row.nip, agency=row[3], unit=row[4] or "", position=row[5] or "",
            skp_status=row.skp,
            achievement=None if row.achievement is None else Decimal(row.achievement),
            week=row.week, month=row.month, last_report=row.last_report, idle_working_days=idle,
            waiting=row.waiting, predikat=row.predikat, jp=Decimal(row.jp or 0),
            feedback_count=row.feedback_count,
            feedback_average=element_nrr(int(row.feedback_sum), row.feedback_answered)
            if row.feedback_answered else None,
            results=results.get(employee_id, []), dialogue=summaries.get(employee_id)))
    return rows


def results_by_employee(ids: list[int], moment: Moment) -> dict[int, list[ResultProgress]]:
    """The RHKs of each employee's newest approved SKP in the period with their quantity IKI's progress."""
    if moment.period is None or not ids:
        return {}
    newest = (select(WorkPlan.employee_id, func.max(WorkPlan.version).label("version"))
              .where(WorkPlan.employee_id.in_(ids), WorkPlan.period_id == moment.period.id,
                     WorkPlan.status == "approved").group_by(WorkPlan.employee_id).subquery())
    rows = db.session.execute(
        select(WorkPlan.employee_id, WorkResult.id, WorkResult.description, ResultIndicator.description,
               ResultIndicator.target_value, ResultIndicator.target_unit, ResultIndicator.direction,
               func.coalesce(IndicatorProgress.approved_volume, 0))
        .join(newest, and_(newest.c.employee_id == WorkPlan.employee_id, newest.c.version == WorkPlan.version))
        .join(WorkResult, WorkResult.work_plan_id == WorkPlan.id)
        .join(ResultIndicator, and_(ResultIndicator.work_result_id == WorkResult.id,
                                    ResultIndicator.aspect == QUANTITY_ASPECT))
        .outerjoin(IndicatorProgress, IndicatorProgress.result_indicator_id == ResultIndicator.id)
        .where(WorkPlan.period_id == moment.period.id, WorkPlan.status == "approved")
        .order_by(WorkPlan.employee_id, WorkResult.group.desc(), WorkResult.order, WorkResult.id,
                  ResultIndicator.id)).all()
    results: dict[int, list[ResultProgress]] = {}
    seen: set[int] = set()
    for employee_id, result_id, description, indicator, target, unit, direction, volume in rows:
        if result_id in seen:
            continue  # the first quantity IKI of an RHK is the one its activities count toward
        seen.add(result_id)
        results.setdefault(employee_id, []).append(ResultProgress(
            description, indicator, None if target is None else Decimal(target), unit or "", Decimal(volume),
            direction))
    return results


# --- one employee's page ---------------------------------------------------------------------------

@dataclass
class IndicatorLine:
    indicator: ResultIndicator
    realised: Decimal | None

    @property
    def percent(self) -> Decimal | None:
        target = self.indicator.target_value
        if self.realised is None or target is None or target <= 0:
            return None
        return achievement(self.realised, target, Direction[self.indicator.direction])


@dataclass
class ResultLines:
    result: WorkResult
    indicators: list[IndicatorLine]


@dataclass
class CitizenFeedback:
    count: int
    average: Decimal | None
    suggestions: list[tuple[dt.datetime, str]]


@dataclass
class EmployeePerformance:
    employee: Employee
    moment: Moment
    row: PerformanceRow
    plan: WorkPlan | None
    results: list[ResultLines]
    activities: list[DailyActivity]
    dialogues: dialogues.DialogueHistory
    evaluations: list[Evaluation]
    trainings: list[TrainingParticipation]
    awards: list[Nomination]
    citizens: CitizenFeedback
    data_at: dt.datetime


def employee_in_scope(employee_id: int) -> Employee | None:
    """The employee when the current user may read them, else None (the caller answers 404)."""
    return db.session.scalar(scoped_select(Employee).where(Employee.id == employee_id))


def employee_performance(employee: Employee, today: dt.date | None = None) -> EmployeePerformance:
    """Everything about one employee's performance; ``employee`` was fetched through the scope and each
    list is read through it too (a Leader reads SKPs, activities and evaluations of their scope)."""
    moment = current_moment(today)
    row = performance_rows([employee.id], moment)[0]
    plan = None
    if moment.period is not None:
        plan = db.session.scalar(scoped_select(WorkPlan).where(
            WorkPlan.employee_id == employee.id, WorkPlan.period_id == moment.period.id)
            .order_by((WorkPlan.status == "approved").desc(), WorkPlan.version.desc()))
    results = []
    if plan is not None:
        indicator_ids = [indicator.id for result in plan.results for indicator in result.indicators]
        approved = dict(db.session.execute(
            select(IndicatorProgress.result_indicator_id, IndicatorProgress.approved_volume)
            .where(IndicatorProgress.result_indicator_id.in_(indicator_ids))).all()) if indicator_ids else {}
        for result in plan.results:
            lines = []
            for indicator in result.indicators:
                realised = approved.get(indicator.id)
                if realised is None and indicator.aspect == QUANTITY_ASPECT and plan.status == "approved":
                    realised = Decimal(0)
                lines.append(IndicatorLine(indicator, None if realised is None else Decimal(realised)))
            results.append(ResultLines(result, lines))
    recent = list(db.session.scalars(
        scoped_select(DailyActivity).options(*activities.LISTED_ACTIVITY)
        .where(DailyActivity.employee_id == employee.id, DailyActivity.status != "draft")
        .order_by(DailyActivity.activity_date.desc(), DailyActivity.start_time.desc()).limit(RECENT_ACTIVITIES)))
    newer = aliased(Evaluation)
    evaluations = list(db.session.scalars(
        scoped_select(Evaluation).options(lazyload("*"))  # the list shows the row's own columns only
        .where(Evaluation.employee_id == employee.id, ~exists().where(newer.previous_id == Evaluation.id))
        .order_by(Evaluation.window_end.desc(), Evaluation.id.desc())))
    trainings = list(db.session.scalars(
        scoped_select(TrainingParticipation).join(TrainingProgramme)
        .where(TrainingParticipation.employee_id == employee.id)
        .order_by(TrainingProgramme.start_date.desc())))
    awards = list(db.session.scalars(
        scoped_select(Nomination).join(AwardType)
        .where(Nomination.employee_id == employee.id, Nomination.status == "awarded")
        .order_by(Nomination.decree_date.desc())))
    suggestions = db.session.execute(
        select(SurveyResponse.submitted_at, SurveyResponse.suggestion)
        .where(SurveyResponse.officer_id == employee.id, SurveyResponse.excluded.is_(False),
               SurveyResponse.suggestion.is_not(None), SurveyResponse.suggestion != "")
        .order_by(SurveyResponse.submitted_at.desc()).limit(LATEST_SUGGESTIONS)).all()
    return EmployeePerformance(
        employee=employee, moment=moment, row=row, plan=plan, results=results, activities=recent,
        dialogues=dialogues.employee_dialogues(employee.id, DIALOGUES_SHOWN),
        evaluations=evaluations, trainings=trainings, awards=awards,
        citizens=CitizenFeedback(row.feedback_count, row.feedback_average, [tuple(s) for s in suggestions]),
        data_at=dt.datetime.now(dt.timezone.utc))


def filter_choices(query: TableQuery) -> dict:
    """The agencies, units and position kinds the filters offer: those in the user's scope."""
    agencies = db.session.execute(scoped_select(Agency, Agency.id, func.coalesce(Agency.short_name, Agency.name))
                                  .where(Agency.active.is_(True)).order_by(Agency.name)).all()
    units = []
    if query.agency_id:
        units = db.session.execute(scoped_select(Unit, Unit.id, Unit.name, agency_id=query.agency_id)
                                   .where(Unit.active.is_(True)).order_by(Unit.name)).all()
    kinds = db.session.execute(select(PositionKind.id, PositionKind.name).order_by(PositionKind.level_order)).all()
    return {"agencies": agencies, "units": units, "kinds": kinds}
