"""FAB's menu with a name list that names each item once."""
from flask_appbuilder.menu import Menu


class SiKinerjaMenu(Menu):
    """FAB 5.3's ``get_flat_name_list`` hands its list to the recursion and then extends the list with itself,
    so every submenu doubles it: with our twelve menus, ~30,000 names, each matched against every role pattern,
    made ``/api/v1/menu/`` take 4-12 s of CPU per request (HR Admin the longest)."""

    def get_flat_name_list(self, menu=None, result=None) -> list:
        names = [] if result is None else result
        for item in menu or self.menu:
            names.append(item.name)
            if item.childs:
                self.get_flat_name_list(menu=item.childs, result=names)
        return names
