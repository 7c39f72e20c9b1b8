"""Import of employees, positions and units from Excel/CSV: preview per row, one transaction, scope."""
import io
import re
import time

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from app.models import Employee, Position, Unit
from app.models.audit import AuditEntry
from app.services import imports
from tests.conftest import csrf_token
from tests.helpers import count, database

SIASN_HEADER = ["NIP", "Nama", "Gelar Depan", "Gelar Belakang", "Golongan", "Jabatan", "Unit Kerja",
                "Jenis Pegawai", "Email", "No HP", "TMT Jabatan"]


def nip(serial: int) -> str:
    """A valid PNS NIP no demo employee has: born 1 Jan 1990, TMT CPNS March 2015."""
    return f"199001012015031{serial:03d}"


def person(serial, name="Budi Santoso", phone="081200000000", unit="DISDIKBUD-SEK-UMPEG"):
    return [nip(serial), name, "", "S.Kom.", "Penata Muda (III/a)", "DISDIKBUD-UMPEG-PRAKOM", unit, "PNS",
            f"p{serial}@bulungankab.go.id", phone, "02-01-2024"]


def xlsx(rows, header=SIASN_HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, data: bytes, kind="employee", filename="siasn.xlsx"):
    client.get("/lang/en")
    token = csrf_token(client, "/import/")
    return client.post("/import/", data={"csrf_token": token, "kind": kind, "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def preview_of(client, data, **kwargs):
    response = upload(client, data, **kwargs)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    url = response.headers["Location"]
    page = client.get(url).get_data(as_text=True)
    counts = {status: int(re.search(rf'data-status="{status}">([\d.,]+)<', page).group(1).replace(".", ""))
              for status in imports.STATUSES}
    return url, page, counts


def confirm(client, preview_url):
    token = csrf_token(client, preview_url)
    return client.post(preview_url + "/confirm", data={"csrf_token": token})


def test_preview_tells_per_row_what_happens_and_confirm_writes_exactly_that(as_user):
    client = as_user("hr.bkpsdm")
    url, _, counts = preview_of(client, xlsx([person(901), person(902)]))
    assert counts == {"create": 2, "update": 0, "unchanged": 0, "rejected": 0}
    assert confirm(client, url).status_code == 302
    with database() as session:
        created = session.scalar(select(Employee).where(Employee.nip == nip(901)))
        assert created.name == "Budi Santoso, S.Kom."
        assert created.rank.golongan == "III/a" and created.position.code == "DISDIKBUD-UMPEG-PRAKOM"
        assert str(created.tmt_position) == "2024-01-02" and str(created.birth_date) == "1990-01-01"

    malformed = "199013012015031903"  # month 13 of the birth date
    url, page, counts = preview_of(client, xlsx([
        person(901), person(902, phone="081299999999"), person(904), [malformed, "Salah Bulan"] + [""] * 5 + ["PNS"]]))
    assert counts == {"create": 1, "update": 1, "unchanged": 1, "rejected": 1}
    assert "The birth date in the NIP is not a valid date" in page
    assert "Changes: Phone" in page  # the update names the field that changes
    assert count(Employee, nip=nip(904)) == 0  # a preview writes nothing

    assert confirm(client, url).status_code == 302
    with database() as session:
        assert session.scalar(select(Employee.phone).where(Employee.nip == nip(902))) == "081299999999"
        assert session.scalar(select(Employee.id).where(Employee.nip == nip(904))) is not None
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "import")
                                .order_by(AuditEntry.id.desc())).first()
        assert entry.changes["counts"] == {"create": 1, "update": 1, "unchanged": 1, "rejected": 1}
        assert entry.username == "hr.bkpsdm"


def test_reimporting_the_same_file_changes_nothing(as_user):
    client = as_user("hr.bkpsdm")
    data = xlsx([person(911), person(912)])
    url, _, _ = preview_of(client, data)
    confirm(client, url)
    audit_rows = count(AuditEntry)
    url, page, counts = preview_of(client, data)
    assert counts == {"create": 0, "update": 0, "unchanged": 2, "rejected": 0}
    assert "nothing to save" in page
    confirm(client, url)
    assert count(AuditEntry) == audit_rows + 1  # only the import entry itself, no row changed


def test_csv_with_semicolons_and_lowercase_headers(as_user):
    client = as_user("hr.bkpsdm")
    text = "nip;nama;unit kerja;golongan\n" + f"{nip(921)};Rina Wati;DISDIKBUD-SEK;III/b\n"
    url, _, counts = preview_of(client, text.encode(), filename="pegawai.csv")
    assert counts["create"] == 1


def test_a_row_failing_mid_confirm_leaves_nothing_written(as_user, monkeypatch):
    client = as_user("hr.bkpsdm")
    url, _, counts = preview_of(client, xlsx([person(931), person(932), person(933)]))
    assert counts["create"] == 3
    checked = []
    real_check = imports.EmployeeImporter.check

    def fail_on_third(employee):
        checked.append(employee.nip)
        if len(checked) == 3:
            raise imports.DomainError(imports.N_("The unit must belong to the employee's agency."), field="unit")
        real_check(employee)

    monkeypatch.setattr(imports.EmployeeImporter, "check", staticmethod(fail_on_third))
    response = confirm(client, url)
    assert response.headers["Location"].endswith(url.split("localhost")[-1])
    assert "Row 4" in client.get(url).get_data(as_text=True)
    assert all(count(Employee, nip=nip(serial)) == 0 for serial in (931, 932, 933))


def test_agency_admin_rows_of_another_agency_are_rejected(as_user):
    client = as_user("admin.disdik")
    foreign = person(941, unit="DINKES-SEK-UMPEG")
    foreign[5] = "DINKES-UMPEG-PRAKOM"
    url, page, counts = preview_of(client, xlsx([person(942), foreign]))
    assert counts == {"create": 1, "update": 0, "unchanged": 0, "rejected": 1}
    assert "You may only import data of the agencies you manage." in page
    confirm(client, url)
    assert count(Employee, nip=nip(942)) == 1 and count(Employee, nip=nip(941)) == 0


def test_preview_of_another_user_is_not_found(as_user):
    url, _, _ = preview_of(as_user("hr.bkpsdm"), xlsx([person(951)]))
    other = as_user("admin.disdik")
    assert other.get(url).status_code == 404
    assert other.post(url + "/confirm", data={"csrf_token": csrf_token(other, "/import/")}).status_code == 404
    assert as_user("pegawai.disdik").get("/import/").status_code in (302, 403)


def test_missing_nip_column_is_refused_by_name(as_user):
    response = upload(as_user("hr.bkpsdm"), xlsx([["Budi"]], header=["Nama"]))
    assert response.status_code == 400
    assert "The file has no column" in response.get_data(as_text=True)


def test_units_and_positions_with_parents_later_in_the_file(as_user):
    client = as_user("hr.bkpsdm")
    units = xlsx([["IMP-UNIT-CHILD", "Seksi Uji", "SEKSI", "DISDIKBUD", "IMP-UNIT-PARENT"],
                  ["IMP-UNIT-PARENT", "Bidang Uji", "BIDANG", "DISDIKBUD", ""]],
                 header=["Kode", "Nama", "Jenis", "Perangkat Daerah", "Induk"])
    url, _, counts = preview_of(client, units, kind="unit")
    assert counts["create"] == 2
    confirm(client, url)
    positions = xlsx([["IMP-POS-STAFF", "Analis Uji", "AHLI_PERTAMA", "IMP-UNIT-CHILD", "IMP-POS-HEAD"],
                      ["IMP-POS-HEAD", "Kepala Bidang Uji", "ADMINISTRATOR", "IMP-UNIT-PARENT", ""]],
                     header=["Kode", "Nama Jabatan", "Jenis Jabatan", "Unit Kerja", "Atasan"])
    url, _, counts = preview_of(client, positions, kind="position")
    assert counts["create"] == 2
    confirm(client, url)
    with database() as session:
        child = session.scalar(select(Unit).where(Unit.code == "IMP-UNIT-CHILD"))
        assert child.parent.code == "IMP-UNIT-PARENT"
        staff = session.scalar(select(Position).where(Position.code == "IMP-POS-STAFF"))
        assert staff.parent.code == "IMP-POS-HEAD" and staff.unit.code == "IMP-UNIT-CHILD"
    _, _, counts = preview_of(client, positions, kind="position")
    assert counts == {"create": 0, "update": 0, "unchanged": 2, "rejected": 0}


def test_large_file_confirms_in_the_background_with_progress(app, as_user):
    client = as_user("hr.bkpsdm")
    url, _, counts = preview_of(client, xlsx([person(serial) for serial in range(961, 971)]))
    app.config["IMPORT_INLINE_ROWS"] = 5
    try:
        response = confirm(client, url)
    finally:
        app.config.pop("IMPORT_INLINE_ROWS")
    assert response.headers["Location"].endswith("/progress")
    progress_url = response.headers["Location"].split("localhost")[-1] + ".json"
    for _ in range(100):
        job = client.get(progress_url).json
        if job["state"] != "running":
            break
        time.sleep(0.1)
    assert job["state"] == "done", job
    assert "10 created" in job["message"]
    assert count(Employee, nip=nip(970)) == 1


@pytest.mark.parametrize("cell, expected", [("Penata Muda (III/a)", "III/a"), ("iv/b", "IV/b"), ("III a", "III/a"),
                                            ("IX", "IX"), ("Penata", None)])
def test_golongan_of_a_siasn_cell(cell, expected):
    from app.domain.imports import golongan_of

    assert golongan_of(cell) == expected


def test_cells_as_registers_write_them():
    import datetime as dt

    from app.domain.imports import cell_date, employment_type_of, full_name, map_columns, EMPLOYEE_COLUMNS
    from app.domain.messages import DomainError

    assert cell_date("02-01-2024", "tmt") == cell_date("2024-01-02", "tmt") == dt.date(2024, 1, 2)
    assert cell_date("2/1/2024", "tmt") == dt.date(2024, 1, 2)
    with pytest.raises(DomainError):
        cell_date("31-02-2024", "tmt")
    assert employment_type_of("P3K", None) == "PPPK" and employment_type_of("", "PNS") == "PNS"
    assert full_name("Dr.", "Siti Aminah", "S.Pd., M.Pd.") == "Dr. Siti Aminah, S.Pd., M.Pd."
    assert map_columns(["  NIP Baru ", "NAMA", "No. HP", "Unit Kerja"], EMPLOYEE_COLUMNS) == {
        "nip": 0, "name": 1, "phone": 2, "unit": 3}
