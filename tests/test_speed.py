"""What the speed work of issue 21 must not change, as a user sees it: the navbar built once per set of roles
still shows each person only their own menus, translations follow the language, list rows keep their buttons,
REST arguments are still checked, static files are versioned, long-cached and compressed."""
import gzip
import re

from backports import zstd

from flask_babel import force_locale

from app.views.navigation import navbar_menus


def _menu_entries(html: str) -> set[str]:
    return set(re.findall(r'<li><a tabindex="-1" href="([^"]+)"', html))


def test_the_navbar_of_one_role_never_reaches_another(as_user):
    admin_menu = _menu_entries(as_user("admin").get("/").get_data(as_text=True))
    employee_menu = _menu_entries(as_user("pegawai.disdik").get("/").get_data(as_text=True))
    assert "/users/list/" in admin_menu
    assert "/users/list/" not in employee_menu
    assert "/activity/report" in employee_menu  # the page condition: an employee record behind the account
    assert "/activity/report" not in admin_menu
    # Asked again after the other role was served, each still gets their own.
    assert _menu_entries(as_user("admin").get("/").get_data(as_text=True)) == admin_menu


def test_the_navbar_follows_the_evaluators_team(as_user):
    # Same roles, different page condition (supervises): only the one with subordinates is offered the queue.
    assert "/activity/queue" in _menu_entries(as_user("penilai.disdik").get("/").get_data(as_text=True))
    assert "/activity/queue" not in _menu_entries(as_user("pegawai.disdik").get("/").get_data(as_text=True))


def test_the_navbar_and_template_texts_follow_the_language(app, as_user):
    client = as_user("pegawai.disdik")
    indonesian = client.get("/activity/mine").get_data(as_text=True)
    client.get("/lang/en")
    english = client.get("/activity/mine").get_data(as_text=True)
    assert "Kegiatan Saya" in indonesian and "My activities" not in indonesian
    assert "My activities" in english
    with app.test_request_context("/"), force_locale("en"):
        assert all(menu.label.isascii() for menu in navbar_menus())


def test_list_rows_keep_their_buttons_and_the_pages_nonce(as_user):
    response = as_user("hr.bkpsdm").get("/employeeview/list/")
    html = response.get_data(as_text=True)
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    first = re.search(r'name="rowid" value="(\d+)"', html).group(1)
    assert f'href="/employeeview/show/{first}"' in html
    assert f'href="/employeeview/edit/{first}"' in html
    assert f'id="btn-delete-/employeeview/delete/{first}"' in html
    assert f'<script nonce="{nonce}">document.getElementById("btn-delete-/employeeview/delete/{first}")' in html
    assert 'title="Lihat data"' in html and 'title="Ubah data"' in html and "Show record" not in html


def test_rest_arguments_are_still_checked_against_their_schema(api_as):
    client, headers = api_as("hr.bkpsdm")
    assert client.get("/api/v1/employee/?q=(page_size:25)", headers=headers).status_code == 200
    refused = client.get("/api/v1/employee/?q=(page_size:'many')", headers=headers)
    assert refused.status_code == 400 and "integer" in refused.get_json()["message"]
    assert client.get("/api/v1/employee/?q=(order_column:name,order_direction:sideways)",
                      headers=headers).status_code == 400


def test_static_files_are_versioned_cached_for_a_year_and_compressed(as_user):
    client = as_user("pegawai.disdik")
    html = client.get("/activity/mine").get_data(as_text=True)
    stylesheet = re.search(r'href="(/static/appbuilder/css/bootstrap\.min\.css\?v=[0-9a-f]+)"', html).group(1)
    # A file is sent as a stream, which Flask-Compress packs with zstd, brotli or deflate (what phones accept).
    answer = client.get(stylesheet, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert answer.status_code == 200
    assert answer.cache_control.max_age == 365 * 24 * 3600 and answer.cache_control.immutable
    assert answer.headers["Content-Encoding"] == "zstd"
    assert b".btn" in zstd.decompress(answer.get_data())
    stale = client.get("/static/appbuilder/css/bootstrap.min.css?v=older")  # an address of an old release
    assert stale.cache_control.max_age == 24 * 3600 and not stale.cache_control.immutable


def test_json_is_compressed_but_pages_that_carry_the_csrf_token_are_not(as_user, api_as):
    """BREACH reads a secret from compressed sizes when it sits beside what the visitor typed, as the CSRF
    token does on every form page."""
    page = as_user("pegawai.disdik").get("/activity/mine?search=abc", headers={"Accept-Encoding": "gzip"})
    assert page.status_code == 200 and "Content-Encoding" not in page.headers
    client, headers = api_as("admin.disdik")
    plain = client.get("/api/v1/employee/?q=(page_size:25)", headers=headers)
    packed = client.get("/api/v1/employee/?q=(page_size:25)", headers={**headers, "Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in plain.headers and packed.headers["Content-Encoding"] == "gzip"
    assert len(packed.get_data()) < len(plain.get_data()) / 3
    assert gzip.decompress(packed.get_data()) == plain.get_data()


def test_a_filtered_rest_list_counts_what_it_lists(app, api_as):
    from app.extensions import db
    from app.models import Employee

    client, headers = api_as("admin.disdik")  # an agency admin: the scope and a filter both narrow the count
    with app.app_context():
        agency_id = db.session.scalar(db.select(Employee.agency_id).order_by(Employee.id))
    answer = client.get(f"/api/v1/employee/?q=(filters:!((col:agency,opr:rel_o_m,value:{agency_id})),page_size:100)",
                        headers=headers).get_json()
    with app.app_context():
        expected = db.session.scalar(db.select(db.func.count()).select_from(Employee).where(
            Employee.agency_id == agency_id))
    assert answer["count"] == len(answer["result"]) == expected > 0
