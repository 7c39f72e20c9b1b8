"""List pages: bounded page size, junk parameters refused, a fixed number of queries per page."""
from sqlalchemy import event

from app.extensions import db


def test_page_size_is_clamped(app, as_user):
    client = as_user("hr.bkpsdm")
    response = client.get("/employeeview/list/?psize_EmployeeView=5000")
    assert response.status_code == 302
    assert "psize_EmployeeView=100" in response.headers["Location"]


def test_non_numeric_page_is_400_not_500(app, as_user):
    client = as_user("hr.bkpsdm")
    assert client.get("/employeeview/list/?psize_EmployeeView=abc").status_code == 400
    assert client.get("/employeeview/list/?page_EmployeeView=1;drop").status_code == 400


def _queries_for(app, client, url):
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return statements


def test_employee_list_has_no_n_plus_one(app, as_user):
    client = as_user("hr.bkpsdm")
    small = _queries_for(app, client, "/employeeview/list/?psize_EmployeeView=5")
    large = _queries_for(app, client, "/employeeview/list/?psize_EmployeeView=100")
    assert len(large) == len(small), (len(small), len(large))


def test_search_form_does_not_render_employee_or_position_tables(app, as_user):
    html = as_user("hr.bkpsdm").get("/employeeview/list/").get_data(as_text=True)
    assert len(html) < 150_000
