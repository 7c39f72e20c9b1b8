"""The landing page: per role, what needs doing today and how things stand (app.services.home)."""
from flask import g
from flask_appbuilder import IndexView, expose

from app.security import acts
from app.security.scope import current_scope
from app.services import activity as activities
from app.services import home
from app.views.navigation import may_open


class HomeView(IndexView):
    index_template = "sikinerja/index.html"

    @expose("/")
    def index(self):
        user = g.user if g.user is not None and g.user.is_authenticated else None
        scope = current_scope() if user else None
        day = activities.today()
        blocks = {}
        if user and scope.employee_id:
            blocks["employee"] = home.employee_home(scope.employee_id, day)
        if user and acts.supervises(scope):
            blocks["evaluator"] = home.evaluator_home(scope, day)
        if user and acts.oversees_agencies(scope):
            blocks["leader"] = home.leader_home(scope, day)
        # Links only to pages this user may open (the navbar's check): no link on the home page answers 403.
        return self.render_template(self.index_template, appbuilder=self.appbuilder, user=user, scope=scope,
                                    day=day, has_page=may_open, **blocks)
