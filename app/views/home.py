"""The landing page: who you are, what you may see, and where to start."""
from flask import g
from flask_appbuilder import IndexView, expose

from app.security.scope import current_scope


class HomeView(IndexView):
    index_template = "sikinerja/index.html"

    @expose("/")
    def index(self):
        user = g.user if g.user is not None and g.user.is_authenticated else None
        scope = current_scope() if user else None
        return self.render_template(self.index_template, appbuilder=self.appbuilder, user=user, scope=scope)
