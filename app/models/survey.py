"""The public satisfaction survey (SKM, PermenPANRB 14/2017): its reference elements, the survey
periods of each service unit, the citizens' responses (from the web form, a registered kiosk or a
paper questionnaire typed in by staff), the units' kiosks and their follow-up plans.

A service unit (Unit Layanan) is a `Unit` with ``serves_public`` set; no separate table.
Periods, responses and plans carry the unit's agency in their own ``agency_id`` column
(kept in step with the unit by `_UnitOwned`) so that the scope filter needs no join.
"""
from flask_appbuilder.models.sqla import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import declared_attr, relationship, validates

from app.domain.ikm import SURVEY_ELEMENTS
from app.formatting import period_name
from app.models.audit import utcnow
from app.models.employee import Employee
from app.models.organization import Agency, Unit, choice_label

PERIOD_KINDS = (("QUARTER", _l("Quarter")), ("SEMESTER", _l("Semester")), ("YEAR", _l("Year")))
PLAN_STATUSES = (("PLANNED", _l("Planned")), ("IN_PROGRESS", _l("In progress")), ("DONE", _l("Done")))

# Respondent profile (all optional, none identifies a person): the groups of the SKM report form.
SEXES = (("M", _l("Male")), ("F", _l("Female")))
AGE_BANDS = (("<20", _l("Under 20")), ("20-29", "20–29"), ("30-39", "30–39"), ("40-49", "40–49"),
             ("50-59", "50–59"), ("60+", _l("60 or older")))
EDUCATIONS = (("SD", _l("Primary school or less")), ("SMP", _l("Junior high school")),
              ("SMA", _l("Senior high school")), ("D1-D3", _l("Diploma (D1–D3)")),
              ("D4-S1", _l("Bachelor (D4/S1)")), ("S2-S3", _l("Master or doctorate (S2/S3)")))
OCCUPATIONS = (("PNS", _l("Civil servant / TNI / Polri")), ("SWASTA", _l("Private employee")),
               ("WIRAUSAHA", _l("Self-employed")), ("PELAJAR", _l("Student")),
               ("IRT", _l("Homemaker")), ("LAINNYA", _l("Other")))
PROFILE_CHOICES = {"sex": SEXES, "age_band": AGE_BANDS, "education": EDUCATIONS, "occupation": OCCUPATIONS}

# Answer columns u1..u9, named after the element codes (never by position in a form).
ANSWER_COLUMNS = tuple(element.code.lower() for element in SURVEY_ELEMENTS)
SUGGESTION_MAX_LENGTH = 1000
SERVICE_USED_MAX_LENGTH = 120
PAPER_NUMBER_MAX_LENGTH = 40

# How a response reached the survey: the open web form, a kiosk the unit registered, or a paper form
# typed in by the unit's staff. Reports count each channel.
WEB, KIOSK, PAPER = "web", "kiosk", "paper"
CHANNELS = ((WEB, _l("Web form")), (KIOSK, _l("Kiosk")), (PAPER, _l("Paper form")))


class SurveyElement(Model):
    """One of the nine SKM elements, stored by code (U1..U9), with its own answer labels."""

    __tablename__ = "survey_element"
    __scope_reference__ = True

    id = Column(Integer, primary_key=True)
    code = Column(String(4), unique=True, nullable=False)
    name = Column(String(100), nullable=False)
    name_en = Column(String(100))
    question = Column(Text)
    question_en = Column(Text)
    order = Column(Integer, nullable=False)
    answer_labels = Column(JSON, nullable=False)
    answer_labels_en = Column(JSON)

    def __str__(self):
        return f"{self.code} {self.name}"


class _UnitOwned:
    """A row that belongs to a service unit; its agency follows the unit (for the scope filter)."""

    __scope_agency__ = "agency_id"

    @declared_attr
    def agency_id(cls):
        return Column(Integer, ForeignKey("agency.id"), nullable=False, index=True)

    @declared_attr
    def unit_id(cls):
        return Column(Integer, ForeignKey("unit.id"), nullable=False, index=True)

    @declared_attr
    def agency(cls):
        return relationship(Agency, lazy="joined", innerjoin=True)

    @declared_attr
    def unit(cls):
        return relationship(Unit, lazy="joined", innerjoin=True)

    @validates("unit")
    def _agency_follows_unit(self, key, unit):
        # Set before the scope guard runs, so a write is checked against the unit's agency.
        if unit is not None:
            self.agency = unit.agency
        return unit


class SurveyPeriod(_UnitOwned, Model):
    """A survey period of a service unit (quarter, semester or year) with its estimated population."""

    __tablename__ = "survey_period"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="ck_survey_period_dates"),
        CheckConstraint("population >= 0", name="ck_survey_period_population"),
        Index("ix_survey_period_unit_dates", "unit_id", "start_date", "end_date"),
    )

    id = Column(Integer, primary_key=True)
    kind = Column(String(10), nullable=False, default="QUARTER")
    start_date = Column(Date, nullable=False)
    end_date = Column(Date, nullable=False)
    # Estimated number of service users in the period: the N of the Krejcie–Morgan sample.
    population = Column(Integer, nullable=False, default=0)
    is_open = Column(Boolean, nullable=False, default=True)

    def __str__(self):
        return f"{self.unit} · {self.name}" if self.unit is not None else self.name

    @property
    def name(self) -> str:
        """Triwulan III 2026, Semester I 2026, 2026 — or the dates when the period is irregular."""
        return period_name(self.kind, self.start_date, self.end_date)

    @property
    def kind_label(self):
        return choice_label(PERIOD_KINDS, self.kind)


class SurveyKiosk(_UnitOwned, Model):
    """A survey kiosk (a tablet at the counter) registered by the unit's admin.

    The admin issues a one-time registration code; the device that redeems it receives its own
    secret token (kept in a cookie, or sent by a kiosk app). Only SHA-256 hashes of the code and the
    token are stored. A kiosk accepts every citizen: identical answers in a row are normal there.
    """

    __tablename__ = "survey_kiosk"

    id = Column(Integer, primary_key=True)
    name = Column(String(100), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    token_hash = Column(String(64), unique=True)
    registration_code_hash = Column(String(64), unique=True)
    registration_expires_at = Column(DateTime)
    registered_at = Column(DateTime)

    def __str__(self):
        return f"{self.name} ({self.unit.name})" if self.unit is not None else self.name

    @property
    def is_registered(self) -> bool:
        return self.token_hash is not None


class SurveyResponse(_UnitOwned, Model):
    """One citizen's answers on a service unit: nine answers 1–4 (None when not answered), an optional
    profile, optionally the officer who served, and how it came in (``channel``). Never deleted:
    excluded from the IKM instead."""

    __tablename__ = "survey_response"
    __table_args__ = (
        # The IKM of a period sums over its included responses; the trend groups by period.
        Index("ix_survey_response_period_excluded", "period_id", "excluded"),
        Index("ix_survey_response_officer_time", "officer_id", "submitted_at"),
        # A paper form is typed in once: its number is unique within the period.
        UniqueConstraint("period_id", "paper_number", name="uq_survey_response_paper_number"),
        UniqueConstraint("form_nonce", name="uq_survey_response_form_nonce"),
        CheckConstraint("channel IN ('web', 'kiosk', 'paper')", name="ck_survey_response_channel"),
        *(CheckConstraint(f"{column} BETWEEN 1 AND 4", name=f"ck_survey_response_{column}")
          for column in ANSWER_COLUMNS),
    )

    id = Column(Integer, primary_key=True)
    period_id = Column(Integer, ForeignKey("survey_period.id"), nullable=False)
    u1 = Column(SmallInteger)
    u2 = Column(SmallInteger)
    u3 = Column(SmallInteger)
    u4 = Column(SmallInteger)
    u5 = Column(SmallInteger)
    u6 = Column(SmallInteger)
    u7 = Column(SmallInteger)
    u8 = Column(SmallInteger)
    u9 = Column(SmallInteger)
    sex = Column(String(1))
    age_band = Column(String(8))
    education = Column(String(8))
    occupation = Column(String(12))
    service_used = Column(String(SERVICE_USED_MAX_LENGTH))
    suggestion = Column(String(SUGGESTION_MAX_LENGTH))
    officer_id = Column(Integer, ForeignKey("employee.id"))
    # HMAC-SHA256 of the client address with the app's secret: shows floods, identifies nobody.
    # None for paper forms.
    client_hash = Column(String(64))
    channel = Column(String(8), nullable=False, default=WEB, server_default=WEB)
    kiosk_id = Column(Integer, ForeignKey("survey_kiosk.id", name="fk_survey_response_kiosk_id"), index=True)
    # The one-time token of the web form it was sent with: the same form sent twice is stored once.
    form_nonce = Column(String(32))
    # The number and date printed or written on a paper questionnaire.
    paper_number = Column(String(PAPER_NUMBER_MAX_LENGTH))
    paper_date = Column(Date)
    submitted_at = Column(DateTime, nullable=False, default=utcnow)
    excluded = Column(Boolean, nullable=False, default=False)
    excluded_reason = Column(String(255))
    excluded_by = Column(String(128))
    excluded_at = Column(DateTime)

    period = relationship(SurveyPeriod, lazy="joined", innerjoin=True)
    officer = relationship(Employee, lazy="selectin")
    kiosk = relationship(SurveyKiosk, lazy="selectin")

    def __str__(self):
        return f"#{self.id} {self.unit} {self.submitted_at:%Y-%m-%d %H:%M}" if self.submitted_at \
            else f"#{self.id}"

    def answers(self) -> dict[str, int | None]:
        """Answers by element code (U1..U9)."""
        return {element.code: getattr(self, element.code.lower()) for element in SURVEY_ELEMENTS}

    @property
    def answers_text(self) -> str:
        return " ".join(f"{code}:{answer if answer is not None else '–'}"
                        for code, answer in self.answers().items())

    @property
    def channel_label(self):
        return choice_label(CHANNELS, self.channel)


class SurveyMonthTotal(Model):
    """The included responses of one service unit in one month (WITA), as the IKM counts them: respondents and,
    per element, the sum of the answers and how many answered. Kept by ``app.services.survey_totals`` in the
    transaction that writes the responses (issue 21), so that a year's IKM per unit — the leaders' home, the
    recognition wall and the best-unit candidates — sums twelve rows per unit instead of a million responses.
    Keyed by the response's own agency, the column the scope reads."""

    __tablename__ = "survey_month_total"
    __scope_agency__ = "agency_id"

    agency_id = Column(Integer, ForeignKey("agency.id", ondelete="CASCADE"), primary_key=True)
    unit_id = Column(Integer, ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True)
    month = Column(Date, primary_key=True)  # its first day
    respondents = Column(Integer, nullable=False, default=0)
    # u1_sum, u1_count, … u9_count
    locals().update({f"{column}_{part}": Column(Integer, nullable=False, default=0)
                     for column in ANSWER_COLUMNS for part in ("sum", "count")})


class ImprovementPlan(_UnitOwned, Model):
    """Rencana tindak lanjut: what a unit will improve on an element, published with its IKM."""

    __tablename__ = "improvement_plan"

    id = Column(Integer, primary_key=True)
    period_id = Column(Integer, ForeignKey("survey_period.id"), index=True)
    element_id = Column(Integer, ForeignKey("survey_element.id"), nullable=False)
    action = Column(Text, nullable=False)
    target_date = Column(Date)
    status = Column(String(12), nullable=False, default="PLANNED")

    period = relationship(SurveyPeriod, lazy="selectin")
    element = relationship(SurveyElement, lazy="joined", innerjoin=True)

    def __str__(self):
        return f"{self.unit} · {self.element.code if self.element else ''}: {(self.action or '')[:60]}"

    @property
    def status_label(self):
        return choice_label(PLAN_STATUSES, self.status)
