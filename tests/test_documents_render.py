"""Official documents rendered to PDF (issue 6): each kind of the demo carries the names, NIPs (grouped with
spaces), ratings and predikat of its subject, Indonesian dates and "Halaman X dari Y"; choices not given are
struck through; long tables break with their header repeated; only bundled fonts are embedded; the fetcher
serves nothing but reports/; escaped data stays text; the print route answers 404 out of scope."""
import dataclasses
import datetime as dt
import io
import re

import pytest
from flask_babel import force_locale, gettext
from pypdf import PdfReader
from sqlalchemy import delete, select

from app.documents import render
from app.services import document_kinds as kinds
from app.documents.catalogue import kind_of, load_subject
from app.domain.nip import format_nip
from app.domain.predikat import Predikat, Rating
from app.models import Employee
from app.models.evaluation import Evaluation
from app.models.planning import WorkPlan
from app.models.survey import SurveyPeriod
from app.security.scope import UserScope
from tests.helpers import agency_id, database, employee_of

INDONESIAN_DATE = re.compile(r"Tanjung Selor, \d{1,2} (Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|"
                             r"September|Oktober|November|Desember) 20\d\d")
XSS = '<img src="file:///etc/passwd"> <script>alert(1)</script>'


def pages(pdf: bytes) -> list[str]:
    """The text of each page with line breaks and runs of spaces as one space (table cells wrap)."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def person(username):
    employee_id = employee_of(username)[0]
    with database() as session:
        employee = session.get(Employee, employee_id)
        return employee_id, employee.name, format_nip(employee.nip)


def subject_of(app, kind_code, key, scope=None):
    with app.app_context():
        return load_subject(kind_code, key, scope or UserScope.system())


_renders = {}


def rendered(app, kind_code, key, stamp=None, html=False):
    """The document as HTML or PDF; the demo's documents do not change in this module, so each is made once."""
    if (kind_code, key, stamp, html) not in _renders:
        with app.app_context():
            kind, subject = load_subject(kind_code, key, UserScope.system())
            made = render.render_html(kind, subject, stamp) if html else render.render_pdf(kind, subject, stamp)
        _renders[kind_code, key, stamp, html] = made
    return _renders[kind_code, key, stamp, html]


def unsigned_mark(app):
    with app.test_request_context(), force_locale("id"):
        return gettext(render.UNSIGNED_MARK)


def plan_of(username):
    employee_id = employee_of(username)[0]
    with database() as session:
        return session.scalar(select(WorkPlan.id).where(WorkPlan.employee_id == employee_id,
                                                        WorkPlan.status == "approved").order_by(WorkPlan.id.desc()))


def annual_evaluation_of(username):
    employee_id = employee_of(username)[0]
    with database() as session:
        return session.scalar(select(Evaluation.id).where(Evaluation.employee_id == employee_id,
                                                          Evaluation.kind == "ANNUAL"))


@pytest.fixture(scope="module")
def quarterly_evaluation(app):
    """A second-quarter evaluation of penilai.disdik's approved SKP, rated Di Bawah / Sesuai → Butuh Perbaikan."""
    annual = annual_evaluation_of("penilai.disdik")
    with database() as session:
        source = session.execute(select(Evaluation.work_plan_id, Evaluation.period_id, Evaluation.agency_id,
                                        Evaluation.employee_id, Evaluation.evaluator_id)
                                 .where(Evaluation.id == annual)).one()
        evaluation = Evaluation(window_start=dt.date(2026, 4, 1), window_end=dt.date(2026, 6, 30), kind="QUARTERLY",
                                status="submitted", version=1, work_result_rating=3, behaviour_rating=2, predikat=3,
                                **source._asdict())
        session.add(evaluation)
        session.commit()
        evaluation_id = evaluation.id
    yield evaluation_id
    with database() as session:
        session.execute(delete(Evaluation).where(Evaluation.id == evaluation_id))
        session.commit()


# --- content of each kind -------------------------------------------------------------------------

def test_skp_names_both_people_with_nip_dates_and_page_numbers(app):
    _id, name, nip = person("penilai.disdik")
    plan_id = plan_of("penilai.disdik")
    with database() as session:
        evaluator, evaluator_nip = (lambda e: (e.name, format_nip(e.nip)))(session.get(WorkPlan, plan_id).evaluator)
    text = pages(rendered(app, "skp", str(plan_id)))
    whole = " ".join(text)
    assert "SASARAN KINERJA PEGAWAI" in whole and "LAMPIRAN SASARAN KINERJA PEGAWAI" in whole
    assert name in whole and nip in whole and " " in nip
    assert evaluator in whole and evaluator_nip in whole
    assert "PEJABAT PENILAI KINERJA" in whole and "DUKUNGAN SUMBER DAYA" in whole
    assert INDONESIAN_DATE.search(whole)
    assert "1 JANUARI SD 31 DESEMBER TAHUN 2026" in whole
    assert all(f"Halaman {number} dari {len(text)}" in page for number, page in enumerate(text, start=1))
    assert all(unsigned_mark(app) in page for page in text)


def marked(html, label, end="</tr>"):
    """(given, struck) options printed after ``label`` up to ``end`` (the form's row)."""
    row = html.split(label, 1)[1].split(end, 1)[0]
    return (re.findall(r'<span class="choice given">([^<]+)</span>', row),
            re.findall(r'<span class="choice struck">([^<]+)</span>', row))


ALL_PREDIKAT = ["SANGAT BAIK", "BAIK", "BUTUH PERBAIKAN", "KURANG/MISCONDUCT", "SANGAT KURANG"]


def expected_labels(evaluation_id):
    with database() as session:
        row = session.get(Evaluation, int(evaluation_id))
        return (Predikat(row.predikat).label.upper(), Rating(row.work_result_rating).label.upper(),
                Rating(row.behaviour_rating).label.upper())


def test_annual_evaluation_marks_the_given_predikat_and_strikes_the_others(app):
    evaluation_id = str(annual_evaluation_of("penilai.disdik"))
    predikat, work, behaviour = expected_labels(evaluation_id)
    _id, name, nip = person("penilai.disdik")
    _kabid, evaluator, evaluator_nip = person_of_evaluator(evaluation_id)
    whole = " ".join(pages(rendered(app, "evaluation", evaluation_id)))
    assert "EVALUASI KINERJA PEGAWAI" in whole and "PEJABAT PENILAI KINERJA" in whole
    assert name in whole and nip in whole and evaluator in whole and evaluator_nip in whole
    assert predikat in whole
    html = rendered(app, "evaluation", evaluation_id, html=True)
    assert marked(html, "PREDIKAT KINERJA PEGAWAI") == ([predikat], [p for p in ALL_PREDIKAT if p != predikat])
    assert marked(html, "RATING HASIL KERJA")[0] == [work]
    assert marked(html, "RATING PERILAKU KERJA")[0] == [behaviour]
    assert marked(html, "PERIODE:", end="</p>") == (["AKHIR"], ["TRIWULAN I", "TRIWULAN II", "TRIWULAN III",
                                                                 "TRIWULAN IV"])
    assert marked(html, "CAPAIAN KINERJA ORGANISASI") == (["BAIK"], ["ISTIMEWA", "BUTUH PERBAIKAN", "KURANG",
                                                                     "SANGAT KURANG"])  # demo: Baik


def person_of_evaluator(evaluation_id):
    with database() as session:
        evaluator = session.get(Evaluation, int(evaluation_id)).evaluator
        return evaluator.id, evaluator.name, format_nip(evaluator.nip)


def test_periodic_evaluation_names_its_quarter(app, quarterly_evaluation):
    html = rendered(app, "evaluation", str(quarterly_evaluation), html=True)
    assert marked(html, "PERIODE:", end="</p>") == (["TRIWULAN II"], ["TRIWULAN I", "TRIWULAN III", "TRIWULAN IV",
                                                                       "AKHIR"])
    assert marked(html, "PREDIKAT KINERJA PEGAWAI")[0] == ["BUTUH PERBAIKAN"]
    assert marked(html, "RATING HASIL KERJA")[0] == ["DI BAWAH EKSPEKTASI"]
    whole = " ".join(pages(rendered(app, "evaluation", str(quarterly_evaluation))))
    assert "1 APRIL SD 30 JUNI TAHUN 2026" in whole and "BUTUH PERBAIKAN" in whole


def test_evaluation_document_is_one_page_with_predikat_and_three_people(app, quarterly_evaluation):
    evaluation_id = str(annual_evaluation_of("penilai.disdik"))
    predikat, _work, _behaviour = expected_labels(evaluation_id)
    _id, name, nip = person("penilai.disdik")
    _eid, evaluator, evaluator_nip = person_of_evaluator(evaluation_id)
    text = pages(rendered(app, "evaluation_document", evaluation_id))
    assert len(text) == 1 and "Halaman 1 dari 1" in text[0]
    assert "DOKUMEN EVALUASI KINERJA PEGAWAI" in text[0] and "ATASAN PEJABAT PENILAI KINERJA" in text[0]
    assert name in text[0] and nip in text[0] and evaluator in text[0] and evaluator_nip in text[0]
    assert "CATATAN/REKOMENDASI" in text[0] and predikat in text[0]
    _kadis, superior, superior_nip = person("kadis.disdik")  # the evaluator's own superior
    assert superior in text[0] and superior_nip in text[0]
    html = rendered(app, "evaluation_document", evaluation_id, html=True)
    assert marked(html, "PREDIKAT KINERJA PEGAWAI") == ([predikat], [p for p in ALL_PREDIKAT if p != predikat])
    with pytest.raises(LookupError):  # the summary exists only for an annual evaluation
        subject_of(app, "evaluation_document", str(quarterly_evaluation))


def test_ikm_report_of_a_unit_shows_the_index_indonesian_numbers_and_the_head(app):
    with database() as session:
        period = session.scalar(select(SurveyPeriod).where(SurveyPeriod.agency_id == agency_id("DINKES"))
                                .order_by(SurveyPeriod.id))
        period_id, unit = period.id, period.unit.name
    kind, subject = subject_of(app, "ikm_report", str(period_id))
    _id, head, head_nip = person("kadis.dinkes")
    assert subject.signer_employee_id == employee_of("kadis.dinkes")[0]
    whole = " ".join(pages(rendered(app, "ikm_report", str(period_id))))
    assert "LAPORAN HASIL SURVEI KEPUASAN MASYARAKAT" in whole and unit.upper() in whole
    value = subject.context["value"]
    assert f"{value:.2f}".replace(".", ",") in whole  # 75,21 — decimal comma
    assert "U9" in whole and "Sarana dan Prasarana" in whole
    assert head in whole and head_nip in whole and INDONESIAN_DATE.search(whole)


def test_agency_summary_fits_one_page(app):
    key = f"{agency_id('DISDIKBUD')}-{period_id_of(2026)}"
    kind, subject = subject_of(app, "agency_summary", key)
    assert subject.signer_employee_id == employee_of("kadis.disdik")[0]
    text = pages(rendered(app, "agency_summary", key))
    assert len(text) == 1 and "Halaman 1 dari 1" in text[0]
    assert "RINGKASAN KINERJA PERANGKAT DAERAH" in text[0] and "DINAS PENDIDIKAN DAN KEBUDAYAAN" in text[0]
    assert "Angka Partisipasi Sekolah" in text[0] and "IKM perangkat daerah" in text[0]
    assert "Sangat Baik: 1" in text[0]


def period_id_of(year):
    from app.models.planning import Period

    with database() as session:
        return session.scalar(select(Period.id).where(Period.year == year))


@pytest.mark.parametrize("key", ["", "abc", "1-", "-2", "1-2-3", "99999-2", " 1-2", "１-2"])
def test_agency_summary_key_must_name_an_agency_and_a_period(app, key):
    with pytest.raises(LookupError):
        subject_of(app, "agency_summary", key)


# --- signing stamp, fonts, PDF/A ----------------------------------------------------------------------

def test_signed_print_carries_the_stamp_and_no_unsigned_mark(app):
    _id, name, nip = person("kadis.disdik")
    stamp = render.SignatureStamp(code="K7Q2-9XPL", verify_url="https://sikinerja.example/verify/K7Q2-9XPL",
                                  signer_name=name, signer_nip=employee_of("kadis.disdik")[1],
                                  signer_title="Kepala Dinas Pendidikan dan Kebudayaan",
                                  signed_at=dt.datetime(2026, 11, 29, 6, 0))
    evaluation_id = str(annual_evaluation_of("penilai.disdik"))
    pdf = rendered(app, "evaluation_document", evaluation_id, stamp)
    text = " ".join(pages(pdf))
    assert "Ditandatangani secara elektronik oleh" in text and "K7Q2-9XPL" in text
    assert nip in text and "29 November 2026, 14:00 WITA" in text  # stored UTC, shown in WITA
    assert unsigned_mark(app) not in text
    html = rendered(app, "evaluation_document", evaluation_id, stamp, html=True)
    assert 'src="data:image/svg+xml' in html  # the QR code, made here, never fetched


def test_only_bundled_fonts_are_embedded_and_the_pdf_is_pdfa(app):
    pdf = rendered(app, "skp", str(plan_of("penilai.disdik")))
    fonts = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    assert fonts and fonts <= {"Liberation-Sans", "Liberation-Sans-Bold", "Liberation-Sans-Narrow",
                               "Liberation-Sans-Narrow-Bold", "Liberation-Sans-Italic"}, fonts
    metadata = PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3"' in metadata and b'pdfaid:conformance="B"' in metadata


# --- page breaks and escaping ---------------------------------------------------------------------------

def long_skp(app, description, count=24):
    """The demo SKP with ``count`` RHK, the seventh (or the only one) carrying ``description``."""
    with app.app_context():
        kind, subject = load_subject("skp", str(plan_of("penilai.disdik")), UserScope.system())
    group = subject.context["groups"][0]
    rows = [dict(group["rows"][0], no=number,
                 description=description if number == min(7, count) else f"RHK nomor {number}")
            for number in range(1, count + 1)]
    context = dict(subject.context, groups=[dict(group, rows=rows)])
    return kind, dataclasses.replace(subject, context=context)


def test_a_long_skp_breaks_across_pages_with_the_table_header_repeated(app):
    kind, subject = long_skp(app, "RHK nomor 7")
    with app.app_context():
        text = pages(render.render_pdf(kind, subject))
    results_pages = [page for page in text if "RHK nomor" in page]
    assert len(results_pages) >= 2
    assert all("RENCANA HASIL KERJA PIMPINAN" in page and "INDIKATOR KINERJA" in page for page in results_pages)
    assert all(f"Halaman {number} dari {len(text)}" in page for number, page in enumerate(text, start=1))


def test_markup_in_the_data_is_printed_as_text_and_fetches_nothing(app, monkeypatch):
    asked = []
    original = render.BundledAssetFetcher.fetch
    monkeypatch.setattr(render.BundledAssetFetcher, "fetch",
                        lambda self, url, headers=None: asked.append(url) or original(self, url, headers))
    kind, subject = long_skp(app, XSS, count=1)
    with app.app_context():
        html = render.render_html(kind, subject)
        text = " ".join(pages(render.render_pdf(kind, subject)))
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html and "<script>" not in html
    assert 'src="file:///etc/ passwd">' in text and "<script>alert(1)</script>" in text  # wrapped in its cell
    assert not [url for url in asked if "passwd" in url]


# --- the URL fetcher -------------------------------------------------------------------------------------

def test_fetcher_serves_bundled_assets_with_their_type():
    fetcher = render.BundledAssetFetcher()
    css = fetcher.fetch(render.BASE_URL + "base.css")
    assert css.content_type == "text/css" and b"@page" in css.read()
    font = fetcher.fetch(render.BASE_URL + "fonts/LiberationSans-Regular.ttf")
    assert font.content_type == "font/ttf"


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "http://example.com/logo.png",
    "https://127.0.0.1/internal",
    "ftp://example.com/x",
    render.BASE_URL + "../app/__init__.py",
    render.BASE_URL + "fonts/../../config.py",
    render.BASE_URL + "%2e%2e/config.py",
    render.BASE_URL + "base.css?x=1",
    "file://evil.example" + str(render.REPORTS_DIR / "base.css"),
    render.BASE_URL + "missing.png",
])
def test_fetcher_refuses_everything_else(url):
    with pytest.raises(render.AssetRefused):
        render.BundledAssetFetcher().fetch(url)


def test_a_refused_image_in_a_template_leaves_it_out_without_failing(app):
    from weasyprint import HTML

    fetcher = render.BundledAssetFetcher()
    pdf = HTML(string='<p>x</p><img src="file:///etc/passwd"><img src="http://example.com/a.png">',
               base_url=render.BASE_URL, url_fetcher=fetcher).write_pdf()
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert not page["/Resources"].get("/XObject")


def test_css_strings_cannot_close_the_style_element():
    assert render.css_string('</style><script>"') == '"\\3c \\2f style\\3e \\3c script\\3e \\22 "'


# --- the print route ----------------------------------------------------------------------------------------

def test_an_employee_prints_their_own_skp_inline(as_user):
    response = as_user("penilai.disdik").get(f"/documents/skp/{plan_of('penilai.disdik')}/print.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("inline;") and re.search(r'filename="skp-\d+-SKP-2026-[A-Za-z0-9.-]+\.pdf"',
                                                          disposition)
    assert person("penilai.disdik")[2] in " ".join(pages(response.data))


def test_the_employee_role_prints_its_own_skp(as_user):
    plan_id = plan_of("pegawai.disdik")  # the demo's approved 2025 SKP
    response = as_user("pegawai.disdik").get(f"/documents/skp/{plan_id}/print.pdf")
    assert response.status_code == 200
    assert person("pegawai.disdik")[2] in " ".join(pages(response.data))


def test_leaders_print_their_agency_reports(as_user):
    client = as_user("sekda")
    key = f"{agency_id('DINKES')}-{period_id_of(2026)}"
    assert client.get(f"/documents/agency_summary/{key}/print.pdf").status_code == 200
    evaluation_id = annual_evaluation_of("penilai.disdik")
    assert client.get(f"/documents/evaluation_document/{evaluation_id}/print.pdf").status_code == 200


@pytest.mark.parametrize("username, url", [
    ("penilai.dinkes", lambda: f"/documents/skp/{plan_of('penilai.disdik')}/print.pdf"),
    ("penilai.dinkes", lambda: f"/documents/evaluation/{annual_evaluation_of('penilai.disdik')}/print.pdf"),
    ("admin.dinkes", lambda: f"/documents/evaluation_document/{annual_evaluation_of('penilai.disdik')}/print.pdf"),
    ("admin.dinkes", lambda: f"/documents/ikm_report/{disdikbud_survey_period()}/print.pdf"),
    ("admin.dinkes", lambda: f"/documents/agency_summary/{agency_id('DISDIKBUD')}-{period_id_of(2026)}/print.pdf"),
    # An employee reads neither the agency nor the IKM reports, even of their own agency.
    ("pegawai.disdik", lambda: f"/documents/agency_summary/{agency_id('DISDIKBUD')}-{period_id_of(2026)}/print.pdf"),
    ("pegawai.disdik", lambda: f"/documents/ikm_report/{disdikbud_survey_period()}/print.pdf"),
    ("pegawai.disdik", lambda: f"/documents/skp/{plan_of('penilai.disdik')}/print.pdf"),
    ("admin", lambda: "/documents/no_such_kind/1/print.pdf"),
    ("admin", lambda: "/documents/skp/abc/print.pdf"),
    ("admin", lambda: "/documents/skp/999999/print.pdf"),
])
def test_out_of_scope_or_unknown_is_404(as_user, username, url):
    assert as_user(username).get(url()).status_code == 404


def disdikbud_survey_period():
    with database() as session:
        return session.scalar(select(SurveyPeriod.id).where(SurveyPeriod.agency_id == agency_id("DISDIKBUD")))


def test_anonymous_users_are_sent_to_the_login(app):
    response = app.test_client().get(f"/documents/skp/{plan_of('penilai.disdik')}/print.pdf")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_every_kind_is_registered_with_its_template():
    for code in ("skp", "evaluation", "evaluation_document", "ikm_report", "agency_summary"):
        kind = kind_of(code)
        assert (render.REPORTS_DIR / kind.template).is_file()
    assert kinds.SKP is kind_of("skp")
