"""The arguments FAB's model views and REST APIs read from a request, checked before FAB reads them.

FAB trusts what it parses: an unknown sort column, a filter index past the column's filters, an action
name no view has, a row id or a number larger than its column, all reach the database or an index and
answer 500. The request hook in app/web.py runs these checks for every model view and API — ours and
FAB's own security views alike — so that each argument is checked once, here.

Each check returns None when the request may go on, or raises the HTTP error it gets (404 for an id no row
can have, 400 with a message in the user's language for anything else). The sort order is the exception:
an unusable one is dropped (see :func:`unusable_sort_arguments`).
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import prison
from flask import abort, current_app, request
from flask_appbuilder.api import ModelRestApi
from flask_appbuilder.baseviews import BaseModelView
from flask_babel import gettext
from werkzeug.exceptions import BadRequest

from app.parsing import ROW_ID_MAX, number_bound, parse_whole_number

# FAB's own patterns (flask_appbuilder.urltools), searched the way FAB searches them.
SORT_COLUMN = re.compile("_oc_(.*)")
FILTER = re.compile(r"_flt_(\d)_(.*)")
# The routes that apply only the search columns' filters (FAB's get_filter_args with its default).
SEARCH_ROUTES = {"list", "export_xlsx", "chart"}
SHOWN_VALUE_LENGTH = 40


def model_view_of(endpoint: str | None):
    """The model view or REST API behind ``endpoint``, or None for other routes."""
    view = getattr(current_app.view_functions.get(endpoint), "__self__", None)
    return view if getattr(view, "datamodel", None) is not None else None


def route_of(endpoint: str | None) -> str:
    return (endpoint or "").rpartition(".")[2]


def _shown(value) -> str:
    text = str(value)
    return text if len(text) <= SHOWN_VALUE_LENGTH else text[:SHOWN_VALUE_LENGTH] + "…"


# --- row ids in the path and in bulk actions ---------------------------------------------------------------

def check_path_ids(view) -> None:
    """404 for an id in the path that no row can have: a number beyond any id, or a model view's ``<pk>``
    that is no number at all (FAB would look it up as NULL)."""
    arguments = request.view_args or {}
    if any(isinstance(value, int) and value > ROW_ID_MAX for value in arguments.values()):
        abort(404)
    if view is not None and "pk" in arguments and parse_whole_number(arguments["pk"]) is None:
        abort(404)


def check_action(view) -> None:
    """A bulk or single-row action must be one the view has, on well-formed row ids (FAB fetches each
    id, and answers 500 for an unknown name, a multi-row action on one row or an id beyond any id)."""
    actions = getattr(view, "actions", None)
    route = route_of(request.endpoint)
    if actions is None or request.method != "POST" or route not in ("action", "action_post"):
        return
    if route == "action":
        action = actions.get(request.view_args.get("name"))
        if action is None or not action.single:
            abort(404)
        return
    name = request.form.get("action", "")
    if name not in actions:
        raise BadRequest(gettext("This list has no action “%(action)s”.", action=_shown(name)))
    if any(parse_whole_number(row) is None for row in request.form.getlist("rowid")):
        raise BadRequest(gettext("The selection names rows that do not exist. Select the rows again."))


# --- list pages: sort order and filters --------------------------------------------------------------------

def unusable_sort_arguments(views_by_name: dict) -> list[str]:
    """The ``_oc_``/``_od_`` arguments of a sort no list can apply: a column the list cannot be sorted by
    or a direction other than asc/desc. They are dropped, not refused: the order never changes which rows
    a list shows, and a bookmark of a list whose columns changed should still open the list."""
    unusable = []
    for key in request.args:
        match = SORT_COLUMN.search(key)
        view = views_by_name.get(match.group(1)) if match else None
        if view is None:
            continue  # FAB reads the sort of the views it names only
        direction_key = f"_od_{match.group(1)}"
        if (request.args.get(key) not in (view.order_columns or ())
                or request.args.get(direction_key) not in ("asc", "desc")):
            unusable += [key, direction_key]
    return unusable


def _column_label(view, column: str) -> str:
    return str((getattr(view, "label_columns", None) or {}).get(column, column))


def check_list_filters(view) -> None:
    """Each ``_flt_<index>_<column>`` must name a filter the page has, with values the column can hold.

    Refused, not dropped: without the filter the list (or its Excel export) would hold rows the user meant
    to leave out, and say nothing about it."""
    if not isinstance(view, BaseModelView):
        return  # REST APIs read their filters from q (check_rison)
    filters = view._filters
    requested = [(key, FILTER.search(key)) for key in request.args]
    requested = [(key, int(match.group(1)), match.group(2)) for key, match in requested if match]
    if not requested:
        return
    if route_of(request.endpoint) in SEARCH_ROUTES:
        offered = filters.get_search_filters()
    else:  # add and edit forms take their preset relation from any column (FAB's related-view links)
        offered = view.datamodel.get_filters(view.datamodel.get_columns_list()).get_search_filters()
    for key, index, column in requested:
        if index >= len(offered.get(column, ())):
            raise BadRequest(gettext("This list has no filter “%(filter)s”. Remove it from the address and "
                                     "try again.", filter=_shown(key)))
        for value in request.args.getlist(key):
            check_filter_value(view, column, value)


def check_filter_value(view, column: str, value) -> None:
    """A filter value FAB would send to the database must fit the column: yes or no for a boolean, a number
    within the range of an integer column or of the ids of a relation, a finite decimal for a numeric one."""
    datamodel = view.datamodel
    if datamodel.is_boolean(column):
        # FAB turns "y" into True and hands anything else to the database as it is (PostgreSQL refuses
        # to compare a boolean with text); REST clients send true or false.
        if value in ("y", True, False):
            return
        raise BadRequest(gettext("The filter on “%(column)s” takes only yes or no.",
                                 column=_column_label(view, column)))
    if datamodel.is_relation(column):
        bound = ROW_ID_MAX + 1  # FAB looks the related row up by this id
    else:
        bound = number_bound(datamodel.list_columns[column].type) if column in datamodel.list_columns else None
    if bound is None:
        return
    if datamodel.is_numeric(column):
        try:
            number = Decimal(str(value))  # FAB hands the text to the database as it is
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise BadRequest(gettext("The filter on “%(column)s” needs a number; “%(value)s” is not one.",
                                     column=_column_label(view, column), value=_shown(value)))
    else:
        try:
            number = int(value)  # as FAB converts it (a non-number matches nothing)
        except (TypeError, ValueError, OverflowError):
            return
    if abs(number) >= bound:
        raise BadRequest(gettext("The number %(value)s is too large for the filter on “%(column)s”.",
                                 value=_shown(value), column=_column_label(view, column)))


# --- REST: the rison argument q ------------------------------------------------------------------------------

def check_rison(api) -> None:
    """Page numbers and filter values of a REST list's ``q``; FAB checks the types (and answers a ``q``
    that is not rison), not whether the database can hold the numbers."""
    if "q" not in request.args or not isinstance(api, ModelRestApi):
        return
    try:
        arguments = prison.loads(request.args["q"])
    except Exception:  # noqa: BLE001 — prison raises several kinds; FAB answers them with its own 400
        return
    if not isinstance(arguments, dict):
        return
    for key in ("page", "page_size"):
        number = arguments.get(key)
        if isinstance(number, int) and not 0 <= number <= ROW_ID_MAX:
            raise BadRequest(gettext("The page number and page size must be whole numbers from 0 to "
                                     "%(maximum)d.", maximum=ROW_ID_MAX))
    filters = arguments.get("filters")
    for condition in filters if isinstance(filters, list) else ():
        if isinstance(condition, dict) and condition.get("col") in api.datamodel.list_properties:
            values = condition.get("value")
            for value in values if isinstance(values, list) else [values]:
                check_filter_value(api, condition["col"], value)
