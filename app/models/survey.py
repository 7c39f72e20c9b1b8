"""Reference data of the public satisfaction survey (SKM, PermenPANRB 14/2017)."""
from flask_appbuilder.models.sqla import Model
from sqlalchemy import JSON, Column, Integer, String, Text


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

    def __str__(self):
        return f"{self.code} {self.name}"
