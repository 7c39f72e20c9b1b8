"""The security manager: our user model and views, lock-out after failed logins, login audit, and sessions
that end when the account says so (the session epoch)."""
from __future__ import annotations

import datetime as dt

from flask import current_app, g, jsonify
from flask_appbuilder.security.api import SecurityApi
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import assoc_permissionview_role
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.models.audit import utcnow
from app.models.security import UserAccount, end_sessions
from app.security.views import (AuthDBView, ResetMyPasswordView, ResetPasswordView, RoleModelView, UserGroupModelView,
                                 UserView)
from app.services.audit import record_event

# The claim of every bearer token (access and refresh) that names the session epoch it was issued in.
SESSION_EPOCH_CLAIM = "session_epoch"


class SiKinerjaSecurityManager(SecurityManager):
    user_model = UserAccount
    userdbmodelview = UserView
    resetmypasswordview = ResetMyPasswordView
    resetpasswordview = ResetPasswordView
    authdbview = AuthDBView
    rolemodelview = RoleModelView
    groupmodelview = UserGroupModelView
    # FAB's "User's Statistics" draws with Google Charts from the internet: empty offline, a failed request
    # on the page. Nobody here needs a chart of login counts: the audit log lists the sign-ins.
    userstatschartview = None

    def __init__(self, appbuilder):
        super().__init__(appbuilder)
        self._declarative_answers: dict[tuple[frozenset, str, str], bool] = {}

    def get_user_roles(self, user):
        # An account's roles are its own (UserScope.for_user reads the same): groups are not offered here
        # (app.security.views), so a group's roles never count — and no statement per request asks for them.
        if not user.is_authenticated:
            return [self.get_public_role()]
        return list(user.roles)

    def _has_view_access(self, user, permission_name: str, view_name: str) -> bool:
        # Every role is declarative (FAB_ROLES, app.security.roles): the answer depends only on the role names,
        # so it is computed once per process for each set of roles, not by ~70 regex scans per page's menu.
        # An account holding a role stored in the database is asked the database every time, as FAB does.
        role_names = frozenset(role.name for role in self.get_user_roles(user))
        if not role_names <= self.builtin_roles.keys():
            return super()._has_view_access(user, permission_name, view_name)
        key = (role_names, permission_name, view_name)
        if key not in self._declarative_answers:
            self._declarative_answers[key] = super()._has_view_access(user, permission_name, view_name)
        return self._declarative_answers[key]

    def get_public_permissions(self):
        # FAB asks on every protected request, before the user's own roles, whether the item is public: the
        # Public role's permissions (names joined in), in one statement — FAB's own way takes two.
        return self.session.scalars(
            select(self.permissionview_model)
            .join(assoc_permissionview_role, assoc_permissionview_role.c.permission_view_id
                  == self.permissionview_model.id)
            .join(self.role_model, self.role_model.id == assoc_permissionview_role.c.role_id)
            .where(self.role_model.name == self.auth_role_public)).unique().all()

    def get_user_by_id(self, pk):
        # Every request loads its user: the scope needs the employee's own columns and the role names (joined
        # into the same statement; the roles would be a statement of their own), not the employee's unit,
        # position or rank; those load on access.
        return self.session.get(self.user_model, pk, options=[joinedload(UserAccount.employee).lazyload("*"),
                                                              joinedload(UserAccount.roles)])

    # --- sessions: the one check for cookies and bearer tokens -------------------------------------------

    def _account_of_current_session(self, user_id: int, epoch) -> UserAccount | None:
        """The account a session cookie or bearer token of ``epoch`` signs in, or None once that session has
        ended (logout, new password, deactivation, lock-out: see UserAccount.session_epoch)."""
        user = self.get_user_by_id(user_id)
        if user is None or not user.is_active or user.session_epoch != epoch:
            return None
        return user

    def load_user(self, session_id):
        # Flask-Login's user loader; session_id is UserAccount.get_id() as it was at login: "<id>:<epoch>".
        # An id without an epoch comes from a session issued before epochs existed: it has ended too.
        user_id, _, epoch = str(session_id).partition(":")
        if not (user_id.isdigit() and epoch.isdigit()):
            return None
        return self._account_of_current_session(int(user_id), int(epoch))

    def load_user_jwt(self, _jwt_header, jwt_data):
        user_id, epoch = str(jwt_data["sub"]), jwt_data.get(SESSION_EPOCH_CLAIM)
        if not user_id.isdigit() or isinstance(epoch, bool) or not isinstance(epoch, int):
            return None  # a token issued before epochs existed has ended too
        user = self._account_of_current_session(int(user_id), epoch)
        if user is not None:
            g.user = user  # as FAB does: @protect reads g.user, which no before_request could set for a token
        return user

    def create_jwt_manager(self, app):
        jwt_manager = super().create_jwt_manager(app)
        jwt_manager.additional_claims_loader(self._session_claims)
        jwt_manager.user_lookup_error_loader(self._session_ended_response)
        return jwt_manager

    def _session_claims(self, identity) -> dict:
        # FAB's token login and refresh pass str(user.id); a refresh is itself checked against the epoch first.
        return {SESSION_EPOCH_CLAIM: self.get_user_by_id(int(identity)).session_epoch}

    @staticmethod
    def _session_ended_response(_jwt_header, _jwt_data):
        return jsonify(message=gettext("Your session has ended. Please sign in again.")), 401

    def on_user_logout(self, user) -> None:
        # Logging out ends every session of the account, on every device, and every bearer token: the safe
        # reading of "sessions end when the user says so" (a copied cookie is not told apart from the original).
        end_sessions(self.session, user.id)
        record_event(self.session, "logout", user.username, user_id=user.id, summary="every session ended")

    # --- login, lock-out ----------------------------------------------------------------------------------

    def auth_user_db(self, username, password):
        user = self.find_user(username=username) if username else None
        if user is not None and user.locked_until and user.locked_until > utcnow():
            record_event(self.session, "login_refused_locked", user.username, user_id=user.id,
                         summary=f"locked until {user.locked_until:%Y-%m-%d %H:%M} UTC")
            return None
        authenticated = super().auth_user_db(username, password)
        if authenticated is None and user is None and username:
            record_event(self.session, "login_failed", username[:128], summary="unknown user")
        return authenticated

    def on_user_login(self, user) -> None:
        if user.locked_until:
            user.locked_until = None
        record_event(self.session, "login", user.username, user_id=user.id)

    def on_user_login_failed(self, user) -> None:
        config = current_app.config
        if user.fail_login_count and user.fail_login_count >= config["LOGIN_MAX_FAILURES"]:
            # Setting locked_until also ends the account's sessions (UserAccount's flush hook).
            user.locked_until = utcnow() + dt.timedelta(minutes=config["LOGIN_LOCK_MINUTES"])
            user.fail_login_count = 0
            record_event(self.session, "account_locked", user.username, user_id=user.id,
                         summary=f"locked for {config['LOGIN_LOCK_MINUTES']} minutes")
        record_event(self.session, "login_failed", user.username, user_id=user.id,
                     summary="wrong password")

    def register_views(self):
        super().register_views()
        security = self.appbuilder.menu.find("Security")
        security.childs = [item for item in security.childs if item.name != "List Groups"]  # no groups: views.py
        # FAB rate-limits only the HTML login form; the token login needs the same limit.
        if self.is_auth_limited:
            for view in self.appbuilder.baseviews:
                if isinstance(view, SecurityApi):
                    self.limiter.limit(self.auth_rate_limit, methods=["POST"])(view.blueprint)
