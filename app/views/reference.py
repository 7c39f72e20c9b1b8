"""Reference tables (ranks, position kinds, BerAKHLAK, SKM elements, training kinds) and the audit log."""
from flask_babel import lazy_gettext as _l

from app.models import AuditEntry, CoreValue, PositionKind, Rank, SurveyElement, TrainingKind
from app.models.activity import Holiday
from app.security.scope import ScopedInterface
from app.services import audit
from app.views.base import ScopedModelView, screen_labels

READ_ONLY_ROUTES = {"list", "show"}


class RankView(ScopedModelView):
    datamodel = ScopedInterface(Rank)
    class_permission_name = "Rank"
    list_title = _l("Ranks")
    show_title = add_title = edit_title = _l("Rank")
    label_columns = {"code": _l("SIASN code"), "golongan": _l("Grade (golongan)"),
                     "pangkat": _l("Rank (pangkat)"), "employment_type": _l("Employment type")}
    list_columns = ["code", "golongan", "pangkat", "employment_type"]
    search_columns = ["code", "golongan", "pangkat", "employment_type"]
    add_columns = edit_columns = show_columns = list_columns
    base_order = ("code", "asc")


class PositionKindView(ScopedModelView):
    datamodel = ScopedInterface(PositionKind)
    class_permission_name = "PositionKind"
    list_title = _l("Position kinds")
    show_title = add_title = edit_title = _l("Position kind")
    label_columns = {"code": _l("Code"), "name": _l("Name"), "category": _l("Category"),
                     "level_order": _l("Level")}
    list_columns = ["code", "name", "category", "level_order"]
    add_columns = edit_columns = show_columns = list_columns
    search_columns = ["code", "name", "category"]
    base_order = ("level_order", "asc")


class CoreValueView(ScopedModelView):
    datamodel = ScopedInterface(CoreValue)
    class_permission_name = "CoreValue"
    include_route_methods = READ_ONLY_ROUTES
    list_title = _l("BerAKHLAK core values")
    show_title = _l("Core value")
    label_columns = {"code": _l("Code"), "name": _l("Name"), "order": _l("Order"),
                     "guides": _l("Behaviour guides")}
    list_columns = ["order", "name", "guides"]
    show_columns = ["code", "name", "guides"]
    search_columns = ["name"]
    base_order = ("order", "asc")


class SurveyElementView(ScopedModelView):
    datamodel = ScopedInterface(SurveyElement)
    class_permission_name = "SurveyElement"
    include_route_methods = READ_ONLY_ROUTES
    list_title = _l("SKM survey elements")
    show_title = _l("SKM survey element")
    label_columns = {"code": _l("Code"), "name": _l("Name"), "question": _l("Question"),
                     "answer_labels": _l("Answer labels")}
    list_columns = ["code", "name", "question"]
    show_columns = ["code", "name", "question", "answer_labels"]
    search_columns = ["code", "name"]
    base_order = ("order", "asc")


class TrainingKindView(ScopedModelView):
    datamodel = ScopedInterface(TrainingKind)
    class_permission_name = "TrainingKind"
    include_route_methods = READ_ONLY_ROUTES
    list_title = _l("Training kinds")
    show_title = _l("Training kind")
    label_columns = {"code": _l("Code"), "name": _l("Name"), "classical": _l("Classical")}
    list_columns = ["name", "classical"]
    show_columns = ["code", "name", "classical"]
    search_columns = ["name", "classical"]
    base_order = ("name", "asc")


class AuditEntryView(ScopedModelView):
    """The audit log: readable by Admin and HR Admin, never editable (no write routes exist)."""

    datamodel = ScopedInterface(AuditEntry)
    class_permission_name = "AuditEntry"
    include_route_methods = READ_ONLY_ROUTES
    list_title = show_title = _l("Audit log")
    label_columns = {"created_at": _l("Time"), "username": _l("User"), "ip_address": _l("IP address"),
                     "action": _l("Action"), "entity": _l("Record type"), "entity_id": _l("Record id"),
                     "summary": _l("Record"), "entity_changes": _l("Changes (before → after)")}
    list_columns = ["created_at", "username", "ip_address", "action", "entity", "summary"]
    show_columns = ["created_at", "username", "ip_address", "action", "entity", "entity_id", "summary",
                    "entity_changes"]
    search_columns = ["created_at", "username", "action", "entity", "entity_id"]
    base_order = ("created_at", "desc")
    formatters_columns = {
        "username": audit.actor_shown, "action": audit.action_shown, "summary": audit.summary_shown,
        "entity": lambda name: screen_labels().title(name),
        "entity_changes": lambda entity_changes: audit.changes_shown(
            entity_changes[1], lambda name: screen_labels().field(name, entity_changes[0]), entity_changes[0]),
    }


class HolidayView(ScopedModelView):
    """National holidays, cuti bersama and local days off: no activity can be reported on them."""

    datamodel = ScopedInterface(Holiday)
    class_permission_name = "Holiday"
    list_title = _l("Holidays")
    show_title = add_title = edit_title = _l("Holiday")
    label_columns = {"date": _l("Date"), "name": _l("Name")}
    list_columns = add_columns = edit_columns = show_columns = ["date", "name"]
    search_columns = ["date", "name"]
    base_order = ("date", "desc")
