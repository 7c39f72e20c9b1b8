"""Agencies (perangkat daerah), their nested units, positions and the rank table.

`__scope_agency__` names the column that ties a row to an agency; the data
interface in app.security.scope filters on it for every read and write.
"""
from flask_appbuilder.models.sqla import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Column, ForeignKey, Integer, String
from sqlalchemy.orm import relationship

from app.models.versioning import Versioned

AGENCY_KINDS = (
    ("DINAS", _l("Agency (Dinas)")),
    ("BADAN", _l("Board (Badan)")),
    ("SEKRETARIAT", _l("Secretariat")),
    ("INSPEKTORAT", _l("Inspectorate")),
    ("KECAMATAN", _l("District (Kecamatan)")),
)

UNIT_KINDS = (
    ("SEKRETARIAT", _l("Secretariat")),
    ("BIDANG", _l("Division (Bidang)")),
    ("SUBBAGIAN", _l("Sub-division (Subbagian)")),
    ("SEKSI", _l("Section (Seksi)")),
    ("UPTD", _l("Technical unit (UPTD)")),
    ("SEKOLAH", _l("School")),
    ("PUSKESMAS", _l("Community health centre (Puskesmas)")),
    ("KELURAHAN", _l("Urban village (Kelurahan)")),
    ("PELAYANAN", _l("Service counter")),
)

EMPLOYMENT_TYPES = (("PNS", _l("Civil servant (PNS)")), ("PPPK", _l("Contract civil servant (PPPK)")))


def choice_label(choices, code):
    """The translated label of a stored code, or the code itself when unknown."""
    return str(dict(choices).get(code, code or ""))


class Agency(Versioned, Model):
    __tablename__ = "agency"
    __scope_agency__ = "id"

    id = Column(Integer, primary_key=True)
    code = Column(String(30), unique=True, nullable=False)
    name = Column(String(200), unique=True, nullable=False)
    short_name = Column(String(60))
    kind = Column(String(20), nullable=False, default="DINAS")
    address = Column(String(255))
    active = Column(Boolean, nullable=False, default=True)

    def __str__(self):
        return self.name

    @property
    def kind_label(self):
        return choice_label(AGENCY_KINDS, self.kind)


class Unit(Versioned, Model):
    __tablename__ = "unit"
    __scope_agency__ = "agency_id"

    id = Column(Integer, primary_key=True)
    agency_id = Column(Integer, ForeignKey("agency.id"), nullable=False, index=True)
    parent_id = Column(Integer, ForeignKey("unit.id"), index=True)
    code = Column(String(40), unique=True, nullable=False)
    name = Column(String(200), nullable=False)
    kind = Column(String(20), nullable=False, default="BIDANG")
    serves_public = Column(Boolean, nullable=False, default=False)
    active = Column(Boolean, nullable=False, default=True)

    agency = relationship(Agency, lazy="joined", innerjoin=True)
    # Loaded on access: eager loading would fetch the whole ancestry of every unit a page lists.
    parent = relationship("Unit", remote_side=[id], lazy="select")

    def __str__(self):
        return self.name

    @property
    def kind_label(self):
        return choice_label(UNIT_KINDS, self.kind)


class PositionKind(Model):
    """Kind and level of a position (RULES §2): JPT, Administrator, ... Ahli Pertama."""

    __tablename__ = "position_kind"
    __scope_reference__ = True

    id = Column(Integer, primary_key=True)
    code = Column(String(30), unique=True, nullable=False)
    name = Column(String(60), nullable=False)
    category = Column(String(30), nullable=False)
    level_order = Column(Integer, nullable=False)

    def __str__(self):
        return self.name


class Position(Versioned, Model):
    """A post (jabatan) in a unit; `parent` is the superior post, i.e. the reporting line."""

    __tablename__ = "position"
    __scope_agency__ = "agency_id"

    id = Column(Integer, primary_key=True)
    agency_id = Column(Integer, ForeignKey("agency.id"), nullable=False, index=True)
    unit_id = Column(Integer, ForeignKey("unit.id"), nullable=False, index=True)
    parent_id = Column(Integer, ForeignKey("position.id"), index=True)
    kind_id = Column(Integer, ForeignKey("position_kind.id"), nullable=False)
    code = Column(String(40), unique=True, nullable=False)
    name = Column(String(200), nullable=False)
    active = Column(Boolean, nullable=False, default=True)

    agency = relationship(Agency, lazy="joined", innerjoin=True)
    # Loaded on access (or by the query of a page that shows them): eager loading fetched the unit and kind of
    # every position any employee read touched, and would fetch the whole chain of superiors.
    unit = relationship(Unit)
    parent = relationship("Position", remote_side=[id], lazy="select")
    kind = relationship(PositionKind)

    def __str__(self):
        return self.name


class Rank(Model):
    """Pangkat/golongan with its SIASN code (RULES §2)."""

    __tablename__ = "rank"
    __scope_reference__ = True

    id = Column(Integer, primary_key=True)
    code = Column(String(10), unique=True, nullable=False)
    golongan = Column(String(10), nullable=False)
    pangkat = Column(String(60))
    employment_type = Column(String(4), nullable=False, default="PNS")

    def __str__(self):
        return f"{self.pangkat} ({self.golongan})" if self.pangkat else f"PPPK {self.golongan}"
