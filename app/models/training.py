"""Reference data of competency development: the SIASN training kinds."""
from flask_appbuilder.models.sqla import Model
from sqlalchemy import Boolean, Column, Integer, String


class TrainingKind(Model):
    __tablename__ = "training_kind"
    __scope_reference__ = True

    id = Column(Integer, primary_key=True)
    code = Column(String(40), unique=True, nullable=False)
    name = Column(String(100), nullable=False)
    classical = Column(Boolean, nullable=False)

    def __str__(self):
        return self.name
