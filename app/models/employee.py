"""Civil servants (PNS and PPPK), identified by NIP / NI PPPK."""
from flask_appbuilder.models.sqla import Model
from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, String
from sqlalchemy.orm import relationship

from app.domain.nip import format_nip
from app.models.organization import EMPLOYMENT_TYPES, Agency, Position, Rank, Unit, choice_label
from app.models.versioning import Versioned


class Employee(Versioned, Model):
    __tablename__ = "employee"
    __scope_agency__ = "agency_id"
    # An employee's own record, and their direct subordinates' for an evaluator.
    __scope_owner__ = "id"

    id = Column(Integer, primary_key=True)
    nip = Column(String(18), unique=True, nullable=False)
    employment_type = Column(String(4), nullable=False, default="PNS")
    name = Column(String(150), nullable=False, index=True)
    sex = Column(String(1), nullable=False)
    birth_date = Column(Date, nullable=False)
    # TMT CPNS (first day of the month in the NIP) exists for a PNS only; a PPPK's NI holds a year.
    tmt_cpns = Column(Date)
    appointment_year = Column(Integer, nullable=False)
    tmt_position = Column(Date)
    agency_id = Column(Integer, ForeignKey("agency.id"), nullable=False, index=True)
    unit_id = Column(Integer, ForeignKey("unit.id"), nullable=False, index=True)
    position_id = Column(Integer, ForeignKey("position.id"), index=True)
    rank_id = Column(Integer, ForeignKey("rank.id"))
    email = Column(String(320))
    phone = Column(String(30))
    active = Column(Boolean, nullable=False, default=True)

    agency = relationship(Agency, lazy="joined", innerjoin=True)
    # Loaded on access, or by the query of a page that shows them (ScopedInterface.listed_relation_loads,
    # services' loader options): eager here, every employee read anywhere fetched three more tables.
    unit = relationship(Unit)
    position = relationship(Position)
    rank = relationship(Rank)

    def __str__(self):
        return f"{self.name} ({self.nip})"

    @property
    def nip_display(self):
        """The NIP grouped with spaces, as printed on official forms."""
        return format_nip(self.nip)

    @property
    def employment_type_label(self):
        return choice_label(EMPLOYMENT_TYPES, self.employment_type)
