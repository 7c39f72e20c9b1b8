"""Reference data of the work plan: the BerAKHLAK core values and their behaviour guides."""
from flask_appbuilder.models.sqla import Model
from sqlalchemy import Column, ForeignKey, Integer, String, Text
from sqlalchemy.orm import relationship


class CoreValue(Model):
    """One of the seven BerAKHLAK core values (SE MenPANRB 20/2021)."""

    __tablename__ = "core_value"
    __scope_reference__ = True

    id = Column(Integer, primary_key=True)
    code = Column(String(40), unique=True, nullable=False)
    name = Column(String(60), nullable=False)
    order = Column(Integer, nullable=False)

    guides = relationship("BehaviourGuide", order_by="BehaviourGuide.order", lazy="selectin",
                          back_populates="core_value")

    def __str__(self):
        return self.name


class BehaviourGuide(Model):
    """A behaviour guide (panduan perilaku) of a core value, seeded verbatim."""

    __tablename__ = "behaviour_guide"
    __scope_reference__ = True

    id = Column(Integer, primary_key=True)
    core_value_id = Column(Integer, ForeignKey("core_value.id"), nullable=False)
    order = Column(Integer, nullable=False)
    text = Column(Text, nullable=False)

    core_value = relationship(CoreValue, back_populates="guides")

    def __str__(self):
        return self.text
