"""SQLAlchemy models, one module per area. Importing this package registers them all."""
from app.models.organization import Agency, Position, PositionKind, Rank, Unit  # noqa: F401
from app.models.employee import Employee  # noqa: F401
from app.models.security import UserAccount, user_agency  # noqa: F401
from app.models.audit import AuditEntry  # noqa: F401
from app.models.planning import BehaviourGuide, CoreValue  # noqa: F401
from app.models.survey import SurveyElement  # noqa: F401
from app.models.training import TrainingKind  # noqa: F401
