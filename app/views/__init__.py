"""Registers every view and menu entry (the REST resources: app.api.register_apis). Menu `name`s are permission
keys; labels are translated."""
from flask_babel import lazy_gettext as _l

from app.views.lookup import LookupView
from app.views.navigation import register_navigation
from app.views.activity import register_activity_views
from app.views.adoption import register_adoption_views
from app.views.evaluation import register_evaluation_views
from app.views.dialogue import register_dialogue_views
from app.views.cycle import register_cycle_views
from app.views.allowance import register_allowance_views
from app.views.recognition import register_recognition_views
from app.views.training import register_training_views
from app.views.imports import register_import_views
from app.views.performance import register_performance_views
from app.views.planning import register_planning_views
from app.views.survey import register_survey_views
from app.views.document_jobs import register_document_job_views
from app.views.documents import register_document_views
from app.views.documents_print import register_document_print_views
from app.views.organization import AgencyView, EmployeeView, PositionView, UnitView
from app.views.reference import (
    AuditEntryView,
    CoreValueView,
    HolidayView,
    PositionKindView,
    RankView,
    SurveyElementView,
    TrainingKindView,
)


def register_views(appbuilder) -> None:
    master = {"category": "Master Data", "category_label": _l("Master Data"), "category_icon": "fa-sitemap"}
    appbuilder.add_view(AgencyView, "Agency", label=_l("Agencies"), icon="fa-building", **master)
    appbuilder.add_view(UnitView, "Unit", label=_l("Units"), icon="fa-folder-tree", **master)
    appbuilder.add_view(PositionView, "Position", label=_l("Positions"), icon="fa-briefcase", **master)
    appbuilder.add_view(EmployeeView, "Employee", label=_l("Employees"), icon="fa-users", **master)

    reference = {"category": "Reference Data", "category_label": _l("Reference Data"),
                 "category_icon": "fa-book"}
    appbuilder.add_view(RankView, "Rank", label=_l("Ranks"), icon="fa-star", **reference)
    appbuilder.add_view(PositionKindView, "PositionKind", label=_l("Position kinds"), icon="fa-layer-group",
                        **reference)
    appbuilder.add_view(CoreValueView, "CoreValue", label=_l("BerAKHLAK core values"), icon="fa-heart",
                        **reference)
    appbuilder.add_view(SurveyElementView, "SurveyElement", label=_l("SKM survey elements"),
                        icon="fa-square-poll-vertical", **reference)
    appbuilder.add_view(TrainingKindView, "TrainingKind", label=_l("Training kinds"),
                        icon="fa-graduation-cap", **reference)
    appbuilder.add_view(HolidayView, "Holiday", label=_l("Holidays"), icon="fa-calendar-xmark", **reference)

    appbuilder.add_view(AuditEntryView, "Audit Log", label=_l("Audit log"), icon="fa-clipboard-list",
                        category="Security", category_label=_l("Security"))
    appbuilder.add_view_no_menu(LookupView)
    register_planning_views(appbuilder)
    register_activity_views(appbuilder)
    register_performance_views(appbuilder)
    register_adoption_views(appbuilder)
    register_evaluation_views(appbuilder)
    register_dialogue_views(appbuilder)
    register_cycle_views(appbuilder)
    register_allowance_views(appbuilder)
    register_training_views(appbuilder)
    register_recognition_views(appbuilder)
    register_survey_views(appbuilder)
    register_import_views(appbuilder)
    register_document_job_views(appbuilder)
    register_document_views(appbuilder)
    register_document_print_views(appbuilder)
    register_navigation()
