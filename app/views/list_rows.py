"""The show / edit / delete buttons of every row of a generated list, as FAB's ``lib.btn_crud`` renders them.

FAB's macro builds each row's buttons from scratch: three ``url_for`` calls, the list's filters appended, and
six translated titles — ~15 % of a 25-row list page's CPU. What is the same on every row (the titles in the
user's language, the addresses with the row's id left open, the filters) is prepared once per list here, and
a row only fills its id in. Same markup, same script (with the page's nonce) behind the delete button.
"""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext
from markupsafe import Markup, escape
from werkzeug.routing import BuildError

from app.web import csp_nonce

# A stand-in id, replaced by each row's own: any integer the routes accept and no real id contains as text.
_ROW_ID = 2_147_483_647


def _address(endpoint: str, filters) -> str | None:
    """The row address of ``endpoint`` with the stand-in id, or None where the view has no such page."""
    try:
        path = url_for(endpoint, pk=_ROW_ID)
    except BuildError:
        return None
    for flt, value in filters.get_filters_values() if filters is not None else ():
        if flt.is_related_view:  # FAB's set_link_filters: a related view's filter travels along
            path += ("&" if "?" in path else "?") + f"_flt_0_{flt.column_name}={value}"
    return str(escape(path))


class RowButtons:
    """``row_buttons(...)(pk)`` → the buttons of the row ``pk``."""

    def __init__(self, modelview_name: str, filters, can_show: bool, can_edit: bool, can_delete: bool):
        self.show = _address(f"{modelview_name}.show", filters) if can_show else None
        self.edit = _address(f"{modelview_name}.edit", filters) if can_edit else None
        self.delete = _address(f"{modelview_name}.delete", None) if can_delete else None
        self.texts = {key: escape(gettext(text)) for key, text in (
            ("show_title", "Show record"), ("show", "Show"), ("edit_title", "Edit record"), ("edit", "Edit"),
            ("delete_title", "Delete record"), ("delete", "Delete"),
            ("delete_question", "Are you sure you want to delete this item?"))}
        self.nonce = escape(csp_nonce())

    def _link(self, address: str, title: str, label: str, icon: str) -> str:
        return (f'<a href="{address}" class="btn btn-sm btn-default" data-toggle="tooltip" rel="tooltip" '
                f'title="{self.texts[title]}"><span class="sr-only">{self.texts[label]}</span>'
                f'<i class="fa {icon}"></i></a>')

    def _delete(self, address: str) -> str:
        return (f'<a id="btn-delete-{address}" href="#" class="btn btn-sm btn-default confirm" rel="tooltip" '
                f'title="{self.texts["delete_title"]}"><span class="sr-only">{self.texts["delete"]}</span>'
                f'<i class="fa fa-trash"></i></a><script nonce="{self.nonce}">'
                f'document.getElementById("btn-delete-{address}").addEventListener("click", function () {{'
                f'const adminAction = new AdminActions(); return adminAction.execute_single_delete('
                f'\'{address}\',\'{self.texts["delete_question"]}\');}})</script>')

    def __call__(self, pk) -> Markup:
        row = str(escape(pk))
        parts = []
        if self.show:
            parts.append(self._link(self.show.replace(str(_ROW_ID), row), "show_title", "show", "fa-search"))
        if self.edit:
            parts.append(self._link(self.edit.replace(str(_ROW_ID), row), "edit_title", "edit", "fa-edit"))
        if self.delete:
            parts.append(self._delete(self.delete.replace(str(_ROW_ID), row)))
        return Markup(f'<div class="btn-group btn-group-xs" style="display: flex;">{"".join(parts)}</div>')


def row_buttons(modelview_name: str, filters, can_show: bool, can_edit: bool, can_delete: bool) -> RowButtons:
    return RowButtons(modelview_name, filters, can_show, can_edit, can_delete)
