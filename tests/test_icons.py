"""The solid icon face a phone downloads is cut to the icons the app names (issue 21, tools/subset_icons.py):
every icon named in the code is in it, and the pages load it instead of FAB's whole face."""
import re

from tools import subset_icons


def test_every_icon_the_code_names_is_in_the_cut_font():
    needed = subset_icons.needed_code_points()
    assert len(needed) > 50  # the navbar alone names dozens
    assert needed <= subset_icons.code_points(subset_icons.SUBSET_FONT)


def test_pages_load_the_cut_face_and_not_fabs_whole_one(as_user):
    page = as_user("pegawai.disdik").get("/activity/report").get_data(as_text=True)
    sheets = re.findall(r'<link href="([^"]+\.css[^"]*)"', page)
    assert not any("fontawesome/solid.min.css" in sheet and "appbuilder" in sheet for sheet in sheets)
    ours = next(sheet for sheet in sheets if "sikinerja/fontawesome/solid.min.css" in sheet)
    client = as_user("pegawai.disdik")
    assert "url(fa-solid-900.woff2)" in client.get(ours).get_data(as_text=True)
    font = client.get("/static/sikinerja/fontawesome/fa-solid-900.woff2")
    assert font.status_code == 200 and len(font.get_data()) < 20 * 1024
