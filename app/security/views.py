"""The user screens of the security menu, with the agency scope and the linked employee; the own-password form."""
from flask import abort, g
from flask_appbuilder import expose, has_access
from flask_appbuilder.security.views import ResetMyPasswordView as FabResetMyPasswordView, UserDBModelView
from flask_appbuilder.security.views import RoleModelView as FabRoleModelView
from flask_appbuilder.security.views import UserGroupModelView as FabUserGroupModelView
from flask_appbuilder.security.views import UserStatsChartView as FabUserStatsChartView
from flask_babel import gettext, lazy_gettext as _l
from flask_login import login_user
from sqlalchemy import inspect

from app.extensions import db

from app.models import Employee
from app.security.scope import ADMIN
from app.views.base import WITHOUT_FILE_DOWNLOAD
from app.views.fields import LookupField

SCOPE_FIELDS = ["employee", "agencies"]


def _is_admin(user) -> bool:
    return any(role.name == ADMIN for role in user.roles)


class UserView(UserDBModelView):
    # Keep FAB's permission name so the role patterns and FAB's own menu links agree.
    class_permission_name = "UserDBModelView"
    exclude_route_methods = WITHOUT_FILE_DOWNLOAD

    label_columns = {**UserDBModelView.label_columns, "employee": _l("Employee"),
                     "agencies": _l("Agency scope")}
    description_columns = {
        **UserDBModelView.description_columns,
        "agencies": _l("Agencies whose data this user may see (Leader) or manage (Agency Admin)."),
        "employee": _l("The employee this account belongs to: their own records and, for an "
                       "evaluator, their subordinates' become visible."),
    }
    list_columns = ["first_name", "last_name", "username", "email", "active", "roles", "agencies"]
    search_columns = ["first_name", "last_name", "username", "email", "active", "roles", "agencies"]
    add_columns = UserDBModelView.add_columns + SCOPE_FIELDS
    edit_columns = UserDBModelView.edit_columns + SCOPE_FIELDS
    show_fieldsets = [
        (_l("User info"), {"fields": ["username", "active", "roles", "login_count", "locked_until"]}),
        (_l("Scope"), {"fields": SCOPE_FIELDS, "expanded": True}),
        (_l("Personal Info"), {"fields": ["first_name", "last_name", "email"], "expanded": True}),
    ]
    add_form_extra_fields = {
        **UserDBModelView.add_form_extra_fields,
        "employee": LookupField(_l("Employee"), model=Employee, lookup="employee"),
    }
    edit_form_extra_fields = {"employee": LookupField(_l("Employee"), model=Employee, lookup="employee")}

    def _refuse_privilege_escalation(self, item, was_admin: bool):
        # Only an administrator may create, change or grant the Admin role.
        if _is_admin(g.user):
            return
        if was_admin or _is_admin(item):
            db.session.rollback()
            raise ValueError(gettext("Only an administrator may grant or change the Admin role."))

    def pre_add(self, item):
        self._refuse_privilege_escalation(item, was_admin=False)
        super().pre_add(item)

    def pre_update(self, item):
        history = inspect(item).attrs.roles.history
        was_admin = any(role.name == ADMIN for role in (history.deleted or ())) or any(
            role.name == ADMIN for role in (history.unchanged or ()))
        self._refuse_privilege_escalation(item, was_admin=was_admin)
        super().pre_update(item)

    def pre_delete(self, item):
        self._refuse_privilege_escalation(item, was_admin=_is_admin(item))
        super().pre_delete(item)


class ResetMyPasswordView(FabResetMyPasswordView):
    """FAB's "reset my password" form (same name: FAB derives the endpoint and the permission from it)."""

    def form_post(self, form) -> None:
        super().form_post(form)
        # The new password ended every session and token of the account, this browser's too (see
        # UserAccount.session_epoch): sign this browser in again in the new epoch, so only the others end.
        login_user(self.appbuilder.sm.get_user_by_id(g.user.id))


# FAB's own security views, under their own names (FAB derives endpoints and permissions from them), without
# the routes that answer 500 on a made-up URL.
class RoleModelView(FabRoleModelView):
    exclude_route_methods = WITHOUT_FILE_DOWNLOAD


class UserGroupModelView(FabUserGroupModelView):
    exclude_route_methods = WITHOUT_FILE_DOWNLOAD


class UserStatsChartView(FabUserStatsChartView):
    @expose("/chart/<group_by>")
    @expose("/chart/")
    @has_access
    def chart(self, group_by=0):
        # FAB indexes its chart definitions with int(group_by).
        if not (str(group_by).isascii() and str(group_by).isdigit() and int(group_by) < len(self.definitions)):
            abort(404)
        return super().chart(group_by)
