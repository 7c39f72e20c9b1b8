"""The user screens of the security menu, with the agency scope and the linked employee; the own-password form."""
from flask import abort, current_app, g, redirect, request
from flask_appbuilder import expose, has_access
from flask_appbuilder.fieldwidgets import BS3PasswordFieldWidget
from flask_appbuilder.forms import DynamicForm
from flask_appbuilder.security.views import AuthDBView as FabAuthDBView
from flask_appbuilder.security.views import ResetPasswordView as FabResetPasswordView
from flask_appbuilder.security.views import ResetMyPasswordView as FabResetMyPasswordView, UserDBModelView
from flask_appbuilder.security.views import RoleModelView as FabRoleModelView
from flask_appbuilder.security.views import UserGroupModelView as FabUserGroupModelView
from flask_appbuilder.models.sqla.filters import FilterNotEqual
from flask_appbuilder.validators import PasswordComplexityValidator
from flask_babel import gettext, lazy_gettext as _l
from flask_login import current_user, login_user
from sqlalchemy import inspect
from werkzeug.security import check_password_hash
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, ValidationError

from app.extensions import db
from app.formatting import DASH, moment
from app.models import Employee
from app.models.audit import utcnow
from app.parsing import parse_whole_number
from app.security.roles import role_label
from app.security.scope import ADMIN
from app.views.base import WITHOUT_FILE_DOWNLOAD, FormsForPeople
from app.views.fields import LookupField, replaced

SCOPE_FIELDS = ["employee", "agencies"]
PUBLIC_ROLE = "Public"  # FAB's AUTH_ROLE_PUBLIC default
# Roles are granted to accounts directly: the scope (app.security.scope) reads the account's roles, and FAB's
# groups, which grant roles around it, cannot even be saved on our user model (FlushError). No group field.
ACCOUNT_FIELDS = ["first_name", "last_name", "username", "active", "email", "roles"]
# FAB's own sentence of its default password rule (config FAB_PASSWORD_COMPLEXITY_ENABLED), shown before typing.
PASSWORD_RULE = _l("Must have at least two capital letters, one special character, two digits, three lower case "
                   "letters and a minimal length of 10.")


def role_labels(roles) -> str:
    return ", ".join(role_label(role) for role in roles) or DASH


def account_status(active) -> str:
    return gettext("Active") if active else gettext("Inactive")


def lock_status(locked_until) -> str:
    """"Locked until <local time>" while a lock-out lasts, else a dash."""
    if locked_until is None or locked_until <= utcnow():
        return DASH
    return gettext("Locked until %(moment)s", moment=moment(locked_until))


def _is_admin(user) -> bool:
    return any(role.name == ADMIN for role in user.roles)


class UserView(FormsForPeople, UserDBModelView):
    # Keep FAB's permission name so the role patterns and FAB's own menu links agree.
    class_permission_name = "UserDBModelView"
    exclude_route_methods = WITHOUT_FILE_DOWNLOAD

    label_columns = {**UserDBModelView.label_columns, "employee": _l("Employee"), "active": _l("Active account"),
                     "roles": _l("Roles"), "agencies": _l("Agency scope"), "locked_until": _l("Lock-out")}
    description_columns = {
        **UserDBModelView.description_columns,
        "username": _l("The name the user signs in with, e.g. a NIP or first.last."),
        "email": _l("The user's work email address."),
        "active": _l("An inactive account cannot sign in; its history stays. Prefer this to deleting."),
        "roles": _l("What the user may do; the agency scope and the linked employee decide on which records."),
        "password": PASSWORD_RULE,
        "agencies": _l("Agencies whose data this user may see (Leader) or manage (Agency Admin)."),
        "employee": _l("The employee this account belongs to: their own records and, for an "
                       "evaluator, their subordinates' become visible."),
    }
    formatters_columns = {"roles": role_labels, "active": account_status, "locked_until": lock_status}
    list_columns = ["first_name", "last_name", "username", "email", "active", "roles", "agencies"]
    search_columns = ["first_name", "last_name", "username", "email", "active", "roles", "agencies"]
    add_columns = ACCOUNT_FIELDS + ["password", "conf_password"] + SCOPE_FIELDS
    edit_columns = ACCOUNT_FIELDS + SCOPE_FIELDS
    validators_columns = {"roles": [DataRequired(message=_l("Choose at least one role."))]}
    # FAB's role of anonymous visitors is no role to give an account.
    add_form_query_rel_fields = edit_form_query_rel_fields = {"roles": [["name", FilterNotEqual, PUBLIC_ROLE]]}
    show_fieldsets = [
        (_l("User info"), {"fields": ["username", "active", "roles", "login_count", "locked_until"]}),
        (_l("Scope"), {"fields": SCOPE_FIELDS, "expanded": True}),
        (_l("Personal Info"), {"fields": ["first_name", "last_name", "email"], "expanded": True}),
    ]
    add_form_extra_fields = {
        "password": PasswordField(_l("Password"), description=PASSWORD_RULE, widget=BS3PasswordFieldWidget(),
                                  validators=[DataRequired(), PasswordComplexityValidator()]),
        "conf_password": PasswordField(
            _l("Confirm Password"), description=_l("Please rewrite the user's password to confirm"),
            widget=BS3PasswordFieldWidget(),
            validators=[DataRequired(), EqualTo("password", message=_l("Passwords must match"))]),
        "employee": LookupField(_l("Employee"), model=Employee, lookup="employee"),
    }
    edit_form_extra_fields = {"employee": LookupField(_l("Employee"), model=Employee, lookup="employee")}

    def _init_forms(self):
        super()._init_forms()
        for form in (self.add_form, self.edit_form, self.search_form):
            form.roles = replaced(form.roles, get_label=role_label)

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


class OwnPasswordForm(DynamicForm):
    """A new password for one's own account, given only with the current one: a session left open on a shared
    computer, or a copied cookie, is not enough to take the account over. A wrong current password counts as
    a failed login (the lock-out, which also ends every session, follows the fifth)."""

    current_password = PasswordField(_l("Current password"), validators=[DataRequired()],
                                     widget=BS3PasswordFieldWidget())
    password = PasswordField(_l("New password"), description=PASSWORD_RULE, widget=BS3PasswordFieldWidget(),
                             validators=[DataRequired(), PasswordComplexityValidator()])
    conf_password = PasswordField(_l("Confirm the new password"), widget=BS3PasswordFieldWidget(),
                                  validators=[DataRequired(), EqualTo("password", message=_l("Passwords must match"))])

    def validate_current_password(self, field):
        sm = current_app.appbuilder.sm
        user = sm.get_user_by_id(g.user.id)
        if not check_password_hash(user.password or "", field.data or ""):
            sm.update_user_auth_stat(user, False)
            raise ValidationError(gettext("This is not your current password."))


class ResetMyPasswordView(FabResetMyPasswordView):
    """FAB's "reset my password" form (same name: FAB derives the endpoint and the permission from it)."""

    form = OwnPasswordForm

    def form_post(self, form) -> None:
        super().form_post(form)
        # The new password ended every session and token of the account, this browser's too (see
        # UserAccount.session_epoch): sign this browser in again in the new epoch, so only the others end.
        login_user(self.appbuilder.sm.get_user_by_id(g.user.id))


class ResetPasswordView(FabResetPasswordView):
    """FAB's form where an administrator sets another account's password, ``?pk=`` naming the account (same
    name: FAB derives the endpoint and the permission from it). A ``pk`` that names no account answers 404;
    FAB showed the form and failed with a 500 on saving it."""

    def _ensure_account(self) -> None:
        user_id = parse_whole_number(request.args.get("pk"))
        if user_id is None or self.appbuilder.sm.get_user_by_id(user_id) is None:
            abort(404)

    @expose("/form", methods=["GET"])
    @has_access
    def this_form_get(self):
        self._ensure_account()
        return super().this_form_get()

    @expose("/form", methods=["POST"])
    @has_access
    def this_form_post(self):
        self._ensure_account()
        return super().this_form_post()


class AuthDBView(FabAuthDBView):
    """FAB's sign-in and sign-out (same name). Signing out is a POST with the form's CSRF token, from the
    navbar's button: a GET (a link, an image or a prefetch planted on any page) only asks for confirmation,
    since signing out ends every session of the account (SiKinerjaSecurityManager.on_user_logout)."""

    @expose("/logout/", methods=["GET", "POST"])
    def logout(self):
        if request.method == "POST":
            return super().logout()
        if not current_user.is_authenticated:
            return redirect(self.appbuilder.get_url_for_index)
        return self.render_template("security/logout.html", appbuilder=self.appbuilder)


# FAB's own security views, under their own names (FAB derives endpoints and permissions from them), without
# the routes that answer 500 on a made-up URL.
class RoleModelView(FabRoleModelView):
    exclude_route_methods = WITHOUT_FILE_DOWNLOAD


class UserGroupModelView(FabUserGroupModelView):
    """FAB registers a group view whatever the configuration: ours has no routes and no menu entry (see
    ACCOUNT_FIELDS for why the app has no groups)."""

    include_route_methods: set[str] = set()
