"""What the navbar and the pages offer: only what the user may open, grouped so that the navbar is one row.

``may_open(endpoint)`` is the one check behind every menu entry and every link a page offers (the home page,
"my team", "new …" buttons): the role's permission, exactly as FAB's ``@has_access`` decides it, and the
page's own condition where a page only makes sense for some people whatever their roles grant (reporting
activities needs an employee record, the approval queue subordinates). A view declares those conditions
beside its pages in ``page_conditions = {"method": predicate}``, and the page itself refuses with the same
predicate, so the menu and the page cannot disagree.

The menu keeps FAB's categories (their names are permission keys, app.security.roles); the navbar shows
them in ``NAVBAR_GROUPS``: a few menus, the daily work first, each category a titled section of its menu.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, g, has_request_context
from flask_babel import get_locale, lazy_gettext as _l
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from app.security.scope import current_scope

# (label, icon, categories): the navbar's menus in this order, the most frequent work first. A category that
# is not named here (a new area) gets a menu of its own after these.
NAVBAR_GROUPS = (
    (_l("Daily Activities"), "fa-clipboard-check", ("Daily Activities",)),
    (_l("Performance"), "fa-bullseye", ("Performance Planning", "Performance Evaluation")),
    (_l("Staff development"), "fa-graduation-cap", ("Competency Development", "Recognition")),
    (_l("Public Service"), "fa-square-poll-vertical", ("Public Service",)),
    (_l("Administration"), "fa-sitemap", ("Master Data", "Documents", "Reference Data", "Security")),
)


def has_own_record() -> bool:
    """Pages about "my" work (report an activity, my activities) need an employee record behind the account."""
    return current_scope().employee_id is not None


def _has_access(permission: str, resource: str) -> bool:
    """FAB's ``has_access``, asked once per request for each pair (the navbar asks ~100 times)."""
    answers = g.setdefault("access_answers", {})
    if (permission, resource) not in answers:
        answers[permission, resource] = current_app.appbuilder.sm.has_access(permission, resource)
    return answers[permission, resource]


def _views_by_endpoint():
    views = current_app.extensions.get("sikinerja_views_by_endpoint")
    if views is None:
        views = {view.endpoint: view for view in current_app.appbuilder.baseviews}
        current_app.extensions["sikinerja_views_by_endpoint"] = views
    return views


def may_open(endpoint: str) -> bool:
    """May the signed-in user open the page ``endpoint`` ("View.method")? Pages outside FAB's views (public
    pages, static files) are open to everyone."""
    view_name, _, method = endpoint.rpartition(".")
    view = _views_by_endpoint().get(view_name)
    if view is None:
        return endpoint in current_app.view_functions
    function = getattr(view, method, None)
    permission = getattr(function, "_permission_name", None)
    if permission is not None:  # decorated with @has_access: the same test as FAB's wrapper
        permission = "can_" + (view.method_permission_name or {}).get(method, permission)
        if permission not in view.base_permissions or not _has_access(permission, view.class_permission_name):
            return False
    condition = getattr(view, "page_conditions", {}).get(method)
    return condition is None or bool(condition())


def may_open_url(url: str) -> bool:
    """``may_open`` for an address of this application (menu links are registered as addresses)."""
    path = url.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith("/"):
        return True  # another site
    try:
        endpoint, _arguments = current_app.url_map.bind("localhost").match(path, method="GET")
    except RequestRedirect as redirect:
        return may_open_url(redirect.new_url.split("localhost", 1)[-1])
    except HTTPException:
        return False  # no such page
    return may_open(endpoint)


@dataclass
class NavbarEntry:
    label: str
    url: str
    icon: str = ""


@dataclass
class NavbarSection:
    label: str
    entries: list[NavbarEntry] = field(default_factory=list)


@dataclass
class NavbarMenu:
    label: str
    icon: str
    sections: list[NavbarSection] = field(default_factory=list)


def _visible_entries(category) -> list[NavbarEntry]:
    entries = []
    for item in category.childs:
        if item.name == "-" or not item.should_render() or not _has_access("menu_access", item.name):
            continue
        url = item.get_url()
        if may_open_url(url):
            entries.append(NavbarEntry(str(item.label), url, item.icon))
    return entries


def _page_conditions() -> tuple:
    """Every page condition a view declares, in a fixed order (they are few: the navbar's cache key asks each)."""
    conditions = current_app.extensions.get("sikinerja_page_conditions")
    if conditions is None:
        found = {condition for view in current_app.appbuilder.baseviews
                 for condition in getattr(view, "page_conditions", {}).values()}
        conditions = tuple(sorted(found, key=lambda condition: f"{condition.__module__}.{condition.__qualname__}"))
        current_app.extensions["sikinerja_page_conditions"] = conditions
    return conditions


def _navbar_key():
    """What the navbar depends on, when that is all: the account's roles if each is declarative (FAB_ROLES; the
    permissions of a role stored in the database may change at any moment), the answer of every page condition,
    the language. None: compute it for this request alone."""
    user = g.get("user")
    if not getattr(user, "is_authenticated", False):
        return None
    security = current_app.appbuilder.sm
    roles = frozenset(role.name for role in security.get_user_roles(user))
    if not roles <= security.builtin_roles.keys():
        return None
    return roles, tuple(bool(condition()) for condition in _page_conditions()), str(get_locale())


def navbar_menus() -> list[NavbarMenu]:
    """The signed-in user's navbar: menus of sections, only what they may open. Built once per process for each
    set of what it depends on (``_navbar_key``): ~110 permission checks and 60 translated labels per page saved."""
    if "navbar_menus" not in g:
        key = _navbar_key()
        if key is None:
            g.navbar_menus = _built_navbar_menus()
        else:
            built = current_app.extensions.setdefault("sikinerja_navbars", {})
            if key not in built:
                built[key] = _built_navbar_menus()
            g.navbar_menus = built[key]
    return g.navbar_menus


def _built_navbar_menus() -> list[NavbarMenu]:
    sections = {}
    for category in current_app.appbuilder.menu.get_list():
        if not category.childs or not category.should_render() or not _has_access("menu_access", category.name):
            continue
        entries = _visible_entries(category)
        if entries:
            sections[category.name] = NavbarSection(str(category.label), entries), category.icon
    menus = []
    for label, icon, categories in NAVBAR_GROUPS:
        grouped = [sections.pop(name)[0] for name in categories if name in sections]
        if grouped:
            menus.append(NavbarMenu(str(label), icon, grouped))
    menus.extend(NavbarMenu(section.label, icon, [section]) for section, icon in sections.values())
    return menus


def page_language() -> str:
    """The language of the page being rendered, for ``<html lang>``."""
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]) if has_request_context() else "id"


def register_navigation() -> None:
    """The templates' helpers; called from app.views.register_views (inside the app context)."""
    current_app.jinja_env.globals.update(may_open=may_open, navbar_menus=navbar_menus, page_language=page_language)
