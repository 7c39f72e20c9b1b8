"""Declarative role definitions (FAB_ROLES): resource and permission patterns per role.

Every pattern ends with ``$`` because FAB matches with ``re.match`` (anchored at
the start only): without it ``can_read`` would also grant ``can_read_secret``.
Views and APIs collapse into one resource each with ``can_read`` / ``can_write``
(see app.views.base.READ_WRITE_PERMISSIONS).
"""
from flask_babel import lazy_gettext as _l

from app.security.scope import ADMIN, AGENCY_ADMIN, EMPLOYEE, EVALUATOR, HR_ADMIN, LEADER

READ = "can_read$"
READ_WRITE = "can_(read|write)$"
MENU = "menu_access$"


# The FAB role names are permission keys (FAB matches on them, in English); people read these.
ROLE_LABELS = {
    ADMIN: _l("System administrator"), HR_ADMIN: _l("HR administrator (BKPSDM)"),
    AGENCY_ADMIN: _l("Agency administrator"), LEADER: _l("Leader"), EVALUATOR: _l("Evaluator"),
    EMPLOYEE: _l("Employee"),
}


def role_label(role) -> str:
    """The translated name of a built-in role; a role an Admin created keeps the name they gave it."""
    return str(ROLE_LABELS.get(role.name, role.name))


def any_of(*names: str) -> str:
    return "(" + "|".join(names) + ")$"


MASTER_DATA = ("Agency", "Unit", "Position", "Employee")
AGENCY_MANAGED = ("Unit", "Position", "Employee")
REFERENCE_DATA = ("Rank", "PositionKind", "CoreValue", "SurveyElement", "TrainingKind", "Holiday",
                  "TrainingProgramme", "AwardType")
SURVEY_STAFF = ("SurveyPeriod", "SurveyResponse", "ImprovementPlan", "IkmReport")
SURVEY_MENU = ("Public Service", *SURVEY_STAFF)
# The unit's own channels: its kiosks and the paper questionnaires its staff type in.
SURVEY_ENTRY = ("SurveyKiosk", "PaperSurvey")
PLANNING = ("Period", "OrganizationIndicator", "OrganizationRating", "AgencyPeriodSetting", "WorkPlan", "Cascade")
PLANNING_MENU = ("Performance Planning", *PLANNING)
EVALUATION_MENU = ("Performance Evaluation", "Evaluation", "Distribution")
EVALUATION_READER = [["Evaluation$", READ], [any_of(*EVALUATION_MENU), MENU]]
# Competency development and recognition (issue 8): the services decide row by row who may do what.
TRAINING_MENU = ("Competency Development", "My training", "Training requests", "JP compliance", "Training needs",
                 "TrainingProgramme", "TrainingParticipation")
RECOGNITION_MENU = ("Recognition", "Nominations", "Award candidates", "Recognition wall", "AwardType",
                    "DisciplinarySanction")
DEVELOPMENT_MANAGER = [
    [any_of("Training", "TrainingParticipation", "DisciplinarySanction", "Recognition"), READ_WRITE],
    [any_of(*TRAINING_MENU, *RECOGNITION_MENU), MENU],
]
DEVELOPMENT_READER = [
    ["Training$", READ_WRITE],
    [any_of("TrainingParticipation", "DisciplinarySanction", "Recognition"), READ],
    [any_of(*TRAINING_MENU, *RECOGNITION_MENU), MENU],
]
# Evaluators and employees: own history and requests (evaluators decide their subordinates' requests),
# programmes to request, the recognition wall and their own nominations.
DEVELOPMENT_MEMBER = [
    ["Training$", READ_WRITE],
    [any_of("TrainingParticipation", "Recognition"), READ],
    [any_of("Competency Development", "My training", "Training requests", "JP compliance", "TrainingProgramme",
            "Recognition", "Recognition wall", "Nominations"), MENU],
]
ACTIVITY_MONITOR = [
    [any_of("DailyActivity", "ActivityDashboard", "AdoptionReport", "OutreachEvent"), READ],
    [any_of("Daily Activities", "DailyActivity", "ActivityDashboard", "AdoptionReport", "OutreachEvent"), MENU],
]
# Every employee's performance in one table and one employee's page (issue 19): leaders, evaluators (their
# team), agency and HR admins; the scope decides whose rows.
PERFORMANCE_READER = [
    ["Performance$", READ],
    [any_of("Daily Activities", "Employee performance"), MENU],
]
# Performance dialogue and feedback (issue 19): evaluators and employees hold it (the services decide who
# acts); leaders and administrators read it in their scope.
DIALOGUE_MEMBER = [["Dialogue$", READ_WRITE], ["Performance dialogue$", MENU]]
DIALOGUE_READER = [["Dialogue$", READ], ["Performance dialogue$", MENU]]
# Owners and evaluators write their plans and activities; the services decide row by row who may do what.
PLAN_AUTHOR = [
    [any_of("DailyActivity", "WorkPlan"), READ_WRITE],
    [any_of("Daily Activities", "Report activity", "My activities", "Approval queue", "DailyActivity"), MENU],
    [any_of("OrganizationIndicator", "Period", "Cascade"), READ],
    [any_of("Performance Planning", "WorkPlan", "Cascade"), MENU],
]

# Everyone with an account: their own profile and password, the lookups their forms use.
SELF_SERVICE = [
    ["UserDBModelView$", any_of("can_userinfo", "userinfoedit", "resetmypassword")],
    [any_of("UserInfoEditView", "ResetMyPasswordView"), "can_this_form_(get|post)$"],
    ["Lookup$", READ],
    # Their own in-app notifications (the service reads only the signed-in account's).
    ["Notification$", READ_WRITE],
    # The deadlines of the cycle and what is due in their scope (issue 23); HR Admin adjusts the deadlines.
    ["Cycle$", READ],
    [any_of("Performance Evaluation", "Deadlines of the cycle"), MENU],
    # Attendance and the performance allowance (issue 23): everyone reads their own days and TPP, requests leave
    # and objects; the services decide who imports, computes and decides (app.security.acts).
    ["Allowance$", READ_WRITE],
    [any_of("Attendance and TPP", "My attendance and TPP", "Allowance decisions"), MENU],
    ["MenuApi$", "can_get$"],
    [any_of("Reference Data", *REFERENCE_DATA), MENU],
    [any_of(*REFERENCE_DATA), READ],
    # Document pages of what the user may see; the services decide who signs and who revokes.
    ["Document$", READ_WRITE],
    # Unsigned prints: the scope decides the subject, the kind's area resource who may print it.
    ["DocumentPrint$", READ],
]

ROLES = {
    ADMIN: [[".*", ".*"]],
    HR_ADMIN: SELF_SERVICE + ACTIVITY_MONITOR + DEVELOPMENT_MANAGER + PERFORMANCE_READER + DIALOGUE_READER + [
        [any_of(*MASTER_DATA, *REFERENCE_DATA), READ_WRITE],
        ["AuditEntry$", READ],
        [any_of(*SURVEY_STAFF, *SURVEY_ENTRY, "PolicySetting"), READ_WRITE],
        [any_of(*SURVEY_MENU, *SURVEY_ENTRY, "PolicySetting"), MENU],
        [any_of(*PLANNING), READ_WRITE],
        [any_of(*PLANNING_MENU), MENU],
        ["OutreachEvent$", READ_WRITE],
        ["AdoptionReport$", "can_export$"],
        ["Evaluation$", READ_WRITE],
        [any_of(*EVALUATION_MENU), MENU],
        ["Cycle$", READ_WRITE],
        ["Allowance administration$", MENU],
        ["DocumentJob$", READ_WRITE],
        [any_of("Documents", "DocumentJob"), MENU],
        ["Import$", READ_WRITE],
        ["Import$", MENU],
        ["UserDBModelView$", "can_(list|show|add|edit)$"],
        [any_of("Master Data", *MASTER_DATA, "Security", "List Users", "Audit Log"), MENU],
    ],
    AGENCY_ADMIN: SELF_SERVICE + EVALUATION_READER + DEVELOPMENT_MANAGER + PERFORMANCE_READER + DIALOGUE_READER + [
        [any_of(*AGENCY_MANAGED), READ_WRITE],
        ["Agency$", READ],
        [any_of("SurveyPeriod", "ImprovementPlan", *SURVEY_ENTRY), READ_WRITE],
        [any_of("SurveyResponse", "IkmReport"), READ],
        [any_of(*SURVEY_MENU, *SURVEY_ENTRY), MENU],
        [any_of("OrganizationIndicator", "AgencyPeriodSetting", "WorkPlan"), READ_WRITE],
        [any_of("Period", "Cascade"), READ],
        [any_of("Performance Planning", "OrganizationIndicator", "AgencyPeriodSetting", "WorkPlan", "Cascade"),
         MENU],
        ["OutreachEvent$", READ_WRITE],
        ["AdoptionReport$", READ],
        [any_of("Daily Activities", "OutreachEvent", "AdoptionReport"), MENU],
        ["Import$", READ_WRITE],
        ["Import$", MENU],
        ["Allowance administration$", MENU],
        [any_of("Master Data", *MASTER_DATA), MENU],
        # HR Admin runs bulk jobs; an agency's admin downloads the results for their agencies.
        ["DocumentJob$", READ],
        [any_of("Documents", "DocumentJob"), MENU],
    ],
    LEADER: SELF_SERVICE + ACTIVITY_MONITOR + EVALUATION_READER + DEVELOPMENT_READER + PERFORMANCE_READER
            + DIALOGUE_READER + [
        [any_of(*MASTER_DATA), READ],
        # Read-only: the SKPs of the scope (activities and evaluations come with the monitor and reader).
        ["WorkPlan$", READ],
        [any_of("Performance Planning", "WorkPlan"), MENU],
        [any_of(*SURVEY_STAFF), READ],
        [any_of(*SURVEY_MENU), MENU],
        [any_of("Master Data", *MASTER_DATA), MENU],
    ],
    EVALUATOR: SELF_SERVICE + PLAN_AUTHOR + DEVELOPMENT_MEMBER + PERFORMANCE_READER + DIALOGUE_MEMBER + [
        ["Evaluation$", READ_WRITE],
        ["SigningCertificate$", READ_WRITE],
        [any_of("Documents", "My signing certificate"), MENU],
        [any_of(*EVALUATION_MENU), MENU],
        ["Employee$", READ],
        [any_of("Master Data", "Employee"), MENU],
    ],
    EMPLOYEE: SELF_SERVICE + PLAN_AUTHOR + DEVELOPMENT_MEMBER + DIALOGUE_MEMBER + [
        # Acknowledging (with an objection) is a write by the evaluated employee.
        ["Evaluation$", READ_WRITE],
        [any_of("Performance Evaluation", "Evaluation"), MENU],
        ["Employee$", READ],
        [any_of("Master Data", "Employee"), MENU],
    ],
}
