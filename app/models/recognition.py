"""Recognition (RULES §10): disciplinary records that bar Karya Satya, award types, and nominations that
go nominated → approved → awarded with a decree; the certificate is a signed document (award_certificate)."""
from flask_appbuilder.models.sqla import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import relationship

from app.domain.awards import AwardCode, SanctionLevel
from app.models.employee import Employee
from app.models.organization import Agency, Unit, choice_label
from app.models.versioning import Versioned

SANCTION_LEVELS = ((SanctionLevel.LIGHT.value, _l("Light (ringan)")),
                   (SanctionLevel.MEDIUM.value, _l("Medium (sedang)")),
                   (SanctionLevel.HEAVY.value, _l("Heavy (berat)")))
AWARD_CATEGORIES = (("KARYA_SATYA", _l("Satyalancana Karya Satya")),
                    ("PERFORMER_MONTH", _l("ASN Berprestasi of the month")),
                    ("PERFORMER_YEAR", _l("ASN Berprestasi of the year")),
                    ("BEST_UNIT", _l("Best service unit (IKM)")), ("CUSTOM", _l("Other award")))
NOMINATION_STATUSES = (("nominated", _l("Nominated")), ("approved", _l("Approved")), ("awarded", _l("Awarded")),
                       ("rejected", _l("Rejected")))


class DisciplinarySanction(Model):
    """A disciplinary sanction (hukuman disiplin, PP 94/2021); medium or heavy bars Karya Satya."""

    __tablename__ = "disciplinary_sanction"
    __scope_agency__ = "agency_id"
    __scope_owner__ = "employee_id"

    id = Column(Integer, primary_key=True)
    employee_id = Column(Integer, ForeignKey("employee.id"), nullable=False, index=True)
    agency_id = Column(Integer, ForeignKey("agency.id"), nullable=False, index=True)
    level = Column(String(10), nullable=False)
    decree_number = Column(String(100), nullable=False)
    decided_on = Column(Date, nullable=False)
    description = Column(Text)

    employee = relationship(Employee, lazy="selectin")
    agency = relationship(Agency, lazy="joined", innerjoin=True)

    def __str__(self):
        return f"{self.decree_number} — {self.employee.name if self.employee else ''}"

    @property
    def level_label(self):
        return choice_label(SANCTION_LEVELS, self.level)


class AwardType(Versioned, Model):
    """A kind of award with its criteria; ``siasn_code`` is the SIASN jenis penghargaan (201–203, 304–306, 400)."""

    __tablename__ = "award_type"
    __scope_reference__ = True

    id = Column(Integer, primary_key=True)
    code = Column(String(30), unique=True, nullable=False)
    name = Column(String(150), nullable=False)
    category = Column(String(20), nullable=False, default="CUSTOM")
    siasn_code = Column(Integer, nullable=False, default=int(AwardCode.OTHER))
    # The Karya Satya class (10, 20, 30 years) of a Karya Satya type.
    service_years = Column(Integer)
    criteria = Column(Text)

    def __str__(self):
        return self.name

    @property
    def category_label(self):
        return choice_label(AWARD_CATEGORIES, self.category)

    @property
    def for_unit(self) -> bool:
        return self.category == "BEST_UNIT"


class Nomination(Versioned, Model):
    """A nomination of an employee (or a service unit) for an award in a period ("2026" or "2026-11").

    An ineligible employee is nominated only with ``exception_reason`` recorded; awarding needs the decree
    number and date; the awarded nomination's certificate is the signed document award_certificate/<id>.
    """

    __tablename__ = "nomination"
    __scope_agency__ = "agency_id"
    __scope_owner__ = "employee_id"

    id = Column(Integer, primary_key=True)
    award_type_id = Column(Integer, ForeignKey("award_type.id"), nullable=False, index=True)
    period = Column(String(7), nullable=False, index=True)
    agency_id = Column(Integer, ForeignKey("agency.id"), nullable=False, index=True)
    employee_id = Column(Integer, ForeignKey("employee.id"), index=True)
    unit_id = Column(Integer, ForeignKey("unit.id"), index=True)
    justification = Column(Text, nullable=False)
    exception_reason = Column(Text)
    status = Column(String(10), nullable=False, default="nominated", index=True)
    decree_number = Column(String(100))
    decree_date = Column(Date)
    note = Column(Text)
    nominated_by_id = Column(Integer, ForeignKey("ab_user.id"))
    approved_by_id = Column(Integer, ForeignKey("ab_user.id"))
    nominated_at = Column(DateTime)
    approved_at = Column(DateTime)
    awarded_at = Column(DateTime)

    award_type = relationship(AwardType, lazy="selectin")
    agency = relationship(Agency, lazy="joined", innerjoin=True)
    employee = relationship(Employee, lazy="selectin")
    unit = relationship(Unit, lazy="selectin")

    def __str__(self):
        return f"{self.award_type} {self.period} — {self.recipient_name}"

    @property
    def recipient_name(self) -> str:
        if self.employee is not None:
            return self.employee.name
        return self.unit.name if self.unit is not None else ""

    @property
    def status_label(self):
        return choice_label(NOMINATION_STATUSES, self.status)
