"""The REST menu (/api/v1/menu/): FAB 5.3 built the list of menu names it checks by doubling it at every submenu
(~30,000 names, 4-12 s per request); it names each item once and answers each role its menus."""


def _names(menu, found):
    for item in menu:
        found.append(item.name)
        _names(item.childs or [], found)
    return found


def test_the_menu_checks_each_item_once(app):
    names = app.appbuilder.menu.get_flat_name_list()
    assert names == _names(app.appbuilder.menu.menu, [])
    assert len([name for name in names if name != "-"]) == len({name for name in names if name != "-"})


def test_the_menu_api_answers_each_role_its_menus(api_as):
    client, headers = api_as("hr.bkpsdm")
    hr_menus = {entry["name"] for entry in client.get("/api/v1/menu/", headers=headers).json["result"]}
    client, headers = api_as("pegawai.disdik")
    employee_menus = {entry["name"] for entry in client.get("/api/v1/menu/", headers=headers).json["result"]}
    assert employee_menus and employee_menus < hr_menus
