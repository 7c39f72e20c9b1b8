"""The landing page: per role, what needs doing today and how things stand (app.services.home)."""
from flask import g
from flask_appbuilder import IndexView, expose

from app.security.scope import AGENCY_ADMIN, EVALUATOR, GLOBAL_ROLES, LEADER, current_scope
from app.services import activity as activities
from app.services import home
from app.views.navigation import may_open

OVERVIEW_ROLES = GLOBAL_ROLES | {LEADER, AGENCY_ADMIN}


class HomeView(IndexView):
    index_template = "sikinerja/index.html"

    @expose("/")
    def index(self):
        user = g.user if g.user is not None and g.user.is_authenticated else None
        scope = current_scope() if user else None
        roles = {role.name for role in user.roles} if user else set()
        day = activities.today()
        blocks = {}
        if user and scope.employee_id:
            blocks["employee"] = home.employee_home(scope.employee_id, day)
        if user and scope.supervised_position_id and EVALUATOR in roles:
            blocks["evaluator"] = home.evaluator_home(scope, day)
        if roles & OVERVIEW_ROLES:
            blocks["leader"] = home.leader_home(scope, day)
        # Links only to pages this user may open (the navbar's check): no link on the home page answers 403.
        return self.render_template(self.index_template, appbuilder=self.appbuilder, user=user, scope=scope,
                                    day=day, has_page=may_open, **blocks)
