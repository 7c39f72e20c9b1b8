"""The security manager: our user model and views, lock-out after failed logins, login audit."""
from __future__ import annotations

import datetime as dt

from flask import current_app
from flask_appbuilder.security.api import SecurityApi
from flask_appbuilder.security.sqla.manager import SecurityManager
from sqlalchemy.orm import selectinload

from app.models.audit import utcnow
from app.models.security import UserAccount
from app.security.views import UserView
from app.services.audit import record_event


class SiKinerjaSecurityManager(SecurityManager):
    user_model = UserAccount
    userdbmodelview = UserView

    def get_user_by_id(self, pk):
        # Every request loads its user: the scope needs the employee's own columns, not the eager trees
        # of their unit, position and rank (five more statements per request); those load on access.
        return self.session.get(self.user_model, pk, options=[selectinload(UserAccount.employee).lazyload("*")])

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
            user.locked_until = utcnow() + dt.timedelta(minutes=config["LOGIN_LOCK_MINUTES"])
            user.fail_login_count = 0
            record_event(self.session, "account_locked", user.username, user_id=user.id,
                         summary=f"locked for {config['LOGIN_LOCK_MINUTES']} minutes")
        record_event(self.session, "login_failed", user.username, user_id=user.id,
                     summary="wrong password")

    def register_views(self):
        super().register_views()
        # FAB rate-limits only the HTML login form; the token login needs the same limit.
        if self.is_auth_limited:
            for view in self.appbuilder.baseviews:
                if isinstance(view, SecurityApi):
                    self.limiter.limit(self.auth_rate_limit, methods=["POST"])(view.blueprint)
