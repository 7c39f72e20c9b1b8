"""SQLAlchemy models, one module per area. Importing this package registers them all."""
from app.models.organization import Agency, Position, PositionKind, Rank, Unit  # noqa: F401
from app.models.employee import Employee  # noqa: F401
from app.models.security import UserAccount, user_agency  # noqa: F401
from app.models.audit import AuditEntry  # noqa: F401
from app.models.planning import BehaviourGuide, CoreValue  # noqa: F401
from app.models.survey import SurveyElement  # noqa: F401
from app.models.policy import PolicySetting  # noqa: F401
from app.models.training import (EmployeeJpYear, TrainingKind, TrainingParticipation, TrainingProgramme,  # noqa: F401
                                 TrainingRequest)
from app.models.recognition import AwardType, DisciplinarySanction, Nomination  # noqa: F401
from app.models.document_job import DocumentJob, DocumentJobItem  # noqa: F401
from app.models.document import SignedDocument, SigningCredential  # noqa: F401
from app.models.dialogue import DialogueSchedule, PerformanceDialogue, PerformanceFeedback  # noqa: F401
from app.models.notification import Notification  # noqa: F401
from app.models.attendance import AttendanceMark, AttendanceOutage, AttendancePin, LeaveRecord  # noqa: F401
from app.models.tpp import TppCalculation, TppObjection, TppRuleSet  # noqa: F401
from app.models.performance import ActivityDayTotal, EmployeePerformanceTotal, WorkPlanAchievementTotal  # noqa: F401
from app.models.cycle import CycleDeadline, DeadlineReminder, EvaluationHandOff  # noqa: F401
from app.models import guards  # noqa: F401  (final evaluations never change)
