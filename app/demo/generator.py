"""A province-sized, realistic dataset generated reproducibly from a seed (issue 9): agencies with a full
position tree (JPT → Administrator → Pengawas → Pelaksana/Fungsional), employees with valid NIP / NI PPPK,
an approved SKP for everyone with RHK cascading from the superior's, daily activities on the working days
of a year linked to the employee's own indicators, periodic and annual evaluations with the predikat from
the matrix, survey responses across the public service units, and an account for every employee.

Rows go in through the database's bulk path — PostgreSQL ``COPY`` (psycopg), ``executemany`` on SQLite —
in batches generated on the fly, so memory stays bounded whatever the volume: only the organisation
(20,000 employees and their indicator ids) is held, never the activities or responses. The two large
tables get their secondary indexes rebuilt once after loading instead of maintained row by row.

Same seed and sizes, same rows: every table draws from its own ``random.Random`` stream named after the
seed, and ids are assigned here in generation order. Run it on a migrated database holding the reference
data only (``flask seed --no-demo``): it refuses a database that already has agencies.
"""
from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import itertools
import json
import random
import resource
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Iterable, Iterator

from flask_appbuilder.models.sqla import Model
from sqlalchemy import Index, inspect, select, text
from werkzeug.security import generate_password_hash

from app.demo.activity import DEMO_HOLIDAYS_2026
from app.demo.training import DEMO_ORGANISER, DEMO_PROGRAMMES, DEMO_YEAR
from app.domain.ikm import SURVEY_ELEMENTS
from app.domain.messages import N_, DomainError
from app.domain.nip import parse_nip
from app.domain.predikat import employee_predikat
from app.domain.ranks import skp_approach
from app.domain.workdays import is_working_day
from app.extensions import db
from app.models import PositionKind, Rank
from app.models.planning import CoreValue
from app.security.scope import ADMIN, AGENCY_ADMIN, EMPLOYEE, EVALUATOR, HR_ADMIN, LEADER
from app.services import performance_totals, survey_totals, training_totals
from app.services.activity import rebuild_indicator_progress, today
from app.services.tpp import DEMO_RULES

SQLITE_BATCH = 20_000
# Programmes one employee takes in the generated year, drawn uniformly (the catalogue's JP: 30, 12, 10, 60, 4, 8).
TRAINING_COUNTS = (0, 1, 1, 2, 2, 3)
CONVERSION_CACHE = 10_000
COPY_BATCH = 5_000
LARGE_TABLES = ("daily_activity", "survey_response")

# --- realistic vocabulary --------------------------------------------------------------------------

AGENCIES = (  # (code, name, kind, kind of its public service units, how many, relative size)
    ("SETDA", "Sekretariat Daerah", "SEKRETARIAT", "PELAYANAN", 1, 3),
    ("SETWAN", "Sekretariat DPRD", "SEKRETARIAT", None, 0, 1),
    ("INSPEKTORAT", "Inspektorat Daerah", "INSPEKTORAT", None, 0, 1),
    ("BAPPEDA", "Badan Perencanaan Pembangunan, Penelitian dan Pengembangan Daerah", "BADAN", None, 0, 1),
    ("BPKAD", "Badan Pengelolaan Keuangan dan Aset Daerah", "BADAN", None, 0, 1),
    ("BAPENDA", "Badan Pendapatan Daerah", "BADAN", "PELAYANAN", 1, 1),
    ("BKPSDM", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "BADAN", "PELAYANAN", 1, 1),
    ("BPBD", "Badan Penanggulangan Bencana Daerah", "BADAN", None, 0, 1),
    ("KESBANGPOL", "Badan Kesatuan Bangsa dan Politik", "BADAN", None, 0, 1),
    ("DISDIKBUD", "Dinas Pendidikan dan Kebudayaan", "DINAS", "SEKOLAH", 20, 9),
    ("DINKES", "Dinas Kesehatan", "DINAS", "PUSKESMAS", 12, 5),
    ("DPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang", "DINAS", None, 0, 2),
    ("DPKP", "Dinas Perumahan dan Kawasan Permukiman", "DINAS", None, 0, 1),
    ("SATPOLPP", "Satuan Polisi Pamong Praja", "DINAS", None, 0, 2),
    ("DINSOS", "Dinas Sosial", "DINAS", "PELAYANAN", 1, 1),
    ("DISNAKER", "Dinas Tenaga Kerja", "DINAS", "PELAYANAN", 1, 1),
    ("DP3A", "Dinas Pemberdayaan Perempuan dan Perlindungan Anak", "DINAS", "PELAYANAN", 1, 1),
    ("DKP", "Dinas Ketahanan Pangan", "DINAS", None, 0, 1),
    ("DLH", "Dinas Lingkungan Hidup", "DINAS", "PELAYANAN", 1, 1),
    ("DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", "DINAS", "PELAYANAN", 3, 1),
    ("DPMD", "Dinas Pemberdayaan Masyarakat dan Desa", "DINAS", None, 0, 1),
    ("DPPKB", "Dinas Pengendalian Penduduk dan Keluarga Berencana", "DINAS", "PELAYANAN", 1, 1),
    ("DISHUB", "Dinas Perhubungan", "DINAS", "PELAYANAN", 2, 1),
    ("DISKOMINFO", "Dinas Komunikasi, Informatika, Statistik dan Persandian", "DINAS", None, 0, 1),
    ("DISKOPUKM", "Dinas Koperasi dan Usaha Kecil Menengah", "DINAS", None, 0, 1),
    ("DPMPTSP", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "DINAS", "PELAYANAN", 2, 1),
    ("DISPORA", "Dinas Pemuda dan Olahraga", "DINAS", None, 0, 1),
    ("DISPUSIP", "Dinas Perpustakaan dan Kearsipan", "DINAS", "PELAYANAN", 1, 1),
    ("DISKAN", "Dinas Perikanan", "DINAS", None, 0, 1),
    ("DISPAR", "Dinas Pariwisata", "DINAS", None, 0, 1),
    ("DISTAN", "Dinas Pertanian", "DINAS", None, 0, 2),
    ("DISDAG", "Dinas Perdagangan", "DINAS", "PELAYANAN", 1, 1),
    ("DISPERIN", "Dinas Perindustrian", "DINAS", None, 0, 1),
    ("KEC-TJS", "Kecamatan Tanjung Selor", "KECAMATAN", "KELURAHAN", 3, 1),
    ("KEC-TJP", "Kecamatan Tanjung Palas", "KECAMATAN", "KELURAHAN", 2, 1),
    ("KEC-TPT", "Kecamatan Tanjung Palas Timur", "KECAMATAN", "PELAYANAN", 1, 1),
    ("KEC-TPU", "Kecamatan Tanjung Palas Utara", "KECAMATAN", "PELAYANAN", 1, 1),
    ("KEC-SKT", "Kecamatan Sekatak", "KECAMATAN", "PELAYANAN", 1, 1),
    ("KEC-BNY", "Kecamatan Bunyu", "KECAMATAN", "PELAYANAN", 1, 1),
    ("KEC-PSO", "Kecamatan Peso", "KECAMATAN", "PELAYANAN", 1, 1),
)
HEAD_TITLES = {"SEKRETARIAT": "Sekretaris", "INSPEKTORAT": "Inspektur", "KECAMATAN": "Camat"}
DIVISIONS = ("Perencanaan dan Program", "Pelayanan", "Pembinaan dan Pengawasan", "Pengembangan",
             "Data dan Informasi", "Sarana dan Prasarana")
SECTIONS = ("Perencanaan", "Pelaksanaan", "Evaluasi dan Pelaporan")
SECRETARIAT_SECTIONS = ("Umum dan Kepegawaian", "Keuangan", "Program dan Pelaporan")
SERVICE_UNIT_NAMES = {"SEKOLAH": "SD Negeri {n:03d} Bulungan", "PUSKESMAS": "Puskesmas {place}",
                      "KELURAHAN": "Kelurahan {place}", "PELAYANAN": "Loket Pelayanan {place}"}
PLACES = ("Tanjung Selor", "Tanjung Palas", "Sekatak", "Bunyu", "Peso", "Peso Hilir", "Salimbatu",
          "Antutan", "Long Beluah", "Karang Agung", "Jelarai", "Gunung Seriang", "Apung", "Mara Satu",
          "Tengkapak", "Ardi Mulyo", "Bumi Rahayu", "Tanjung Agung", "Pimping", "Sajau")
STAFF_POSITIONS = {  # unit kind → (position kind code, name), drawn at random
    "SEKOLAH": (("AHLI_PERTAMA", "Guru Ahli Pertama"), ("AHLI_MUDA", "Guru Ahli Muda"),
                ("AHLI_MADYA", "Guru Ahli Madya"), ("PELAKSANA", "Pengadministrasi Sekolah")),
    "PUSKESMAS": (("TERAMPIL", "Perawat Terampil"), ("MAHIR", "Bidan Mahir"), ("AHLI_PERTAMA", "Dokter Ahli Pertama"),
                  ("TERAMPIL", "Pranata Laboratorium Kesehatan Terampil"), ("PELAKSANA", "Pengadministrasi Umum")),
    None: (("PELAKSANA", "Pengadministrasi Umum"), ("PELAKSANA", "Pengelola Data"),
           ("PELAKSANA", "Pengelola Keuangan"), ("AHLI_PERTAMA", "Analis Kebijakan Ahli Pertama"),
           ("AHLI_MUDA", "Perencana Ahli Muda"), ("TERAMPIL", "Pranata Komputer Terampil"),
           ("PENYELIA", "Arsiparis Penyelia")),
}
RANK_RANGES = {  # position kind → SIASN rank codes a holder may have (PNS)
    "JPT_PRATAMA": (41, 42, 43), "ADMINISTRATOR": (34, 41, 42), "PENGAWAS": (33, 34, 41),
    "AHLI_PERTAMA": (31, 32), "AHLI_MUDA": (33, 34), "AHLI_MADYA": (41, 42, 43),
    "TERAMPIL": (23, 24, 31), "MAHIR": (31, 32, 33), "PENYELIA": (33, 34), "PELAKSANA": (21, 22, 23, 24, 31, 32),
}
MALE_NAMES = ("Ahmad", "Muhammad", "Rizky", "Agus", "Budi", "Dedi", "Eko", "Fajar", "Hendra", "Irfan", "Joko",
              "Kurniawan", "Lukman", "Rahmat", "Slamet", "Taufik", "Wahyu", "Yusuf", "Andi", "Arif", "Bambang",
              "Darmawan", "Firman", "Gunawan", "Hasan", "Imam", "Junaidi", "Syahrul", "Herman", "Ismail")
FEMALE_NAMES = ("Siti", "Nur", "Dewi", "Sri", "Rina", "Ratna", "Yuliana", "Fitri", "Indah", "Lestari", "Maya",
                "Nurul", "Putri", "Rahmawati", "Sari", "Wulan", "Yanti", "Ayu", "Dian", "Eka", "Hana",
                "Kartika", "Lina", "Mega", "Novita", "Rosmiati", "Suryani", "Tuti", "Winda", "Zahra")
FAMILY_NAMES = ("Saputra", "Hidayat", "Pratama", "Setiawan", "Wijaya", "Nugroho", "Santoso", "Siregar",
                "Nasution", "Lubis", "Harahap", "Simanjuntak", "Daeng", "Lamba", "Rahman", "Hakim", "Syahputra",
                "Anwar", "Gani", "Usman", "Laing", "Ibau", "Tingang", "Ajang", "Kusuma", "Permana", "Utami",
                "Wulandari", "Handayani", "Maharani")
DEGREES = {"AHLI": ("S.Pd.", "S.E.", "S.H.", "S.T.", "S.Kep.", "S.Sos.", "M.Si.", "S.Kom."),
           "OTHER": ("", "", "A.Md.", "S.E.", "S.Sos.")}
OUTPUT_UNITS = (("dokumen", 24, 120), ("laporan", 12, 48), ("kegiatan", 20, 150), ("berkas", 50, 400),
                ("layanan", 200, 1500), ("data", 100, 800))
TASKS = ("Menyusun draf", "Mengoreksi dan memfinalkan", "Melaksanakan kunjungan lapangan untuk",
         "Rapat koordinasi tentang", "Menginput data untuk", "Memverifikasi berkas untuk")
DIRECT_ASSIGNMENT_SHARE = 0.05  # Tugas Langsung Atasan (RULES §11): no RHK link
# Work-result and behaviour ratings drawn so that predikat come out Sangat Baik ~20 %, Baik ~65 %,
# Butuh Perbaikan ~10 %, Kurang ~3 %, Sangat Kurang ~2 % — a curve most organisation predikat accept.
RATING_DRAWS = ((1, 1, 20), (2, 2, 45), (1, 2, 10), (2, 1, 10), (3, 2, 6), (3, 1, 4), (2, 3, 3), (3, 3, 2))
SURVEY_ANSWER_WEIGHTS = (4, 10, 46, 40)  # answers 1..4: most citizens satisfied


def quarters(year: int) -> list[tuple[dt.date, dt.date]]:
    """First and last day of the four quarters of a year."""
    firsts = [dt.date(year, month, 1) for month in (1, 4, 7, 10)] + [dt.date(year + 1, 1, 1)]
    return [(first, following - dt.timedelta(days=1)) for first, following in zip(firsts, firsts[1:])]


class GeneratorRefused(DomainError):
    """The database is not a fresh one with reference data only."""


@dataclass(frozen=True)
class ProvinceSize:
    employees: int = 20_000
    agencies: int = 40
    activities: int = 10_000_000
    survey_responses: int = 1_000_000
    year: int = 2026
    until: dt.date | None = None  # last activity day; default: today or the year's end, whichever is first
    # Attendance marks of every employee for the last full months before ``until`` (issue 23): one month
    # of the province is ~840,000 marks, what one monthly TPP calculation reads.
    attendance_months: int = 1


@dataclass
class TableFigure:
    table: str
    rows: int = 0
    seconds: float = 0.0

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass
class GenerationReport:
    figures: dict[str, TableFigure] = field(default_factory=dict)
    seconds: float = 0.0
    peak_rss_mib: float = 0.0
    # Accounts the benchmarks sign in with: role → username (employees sign in with their NIP).
    personas: dict[str, str] = field(default_factory=dict)

    def lines(self) -> list[str]:
        rows = [f"{'table':28} {'rows':>12} {'seconds':>9} {'rows/s':>10}"]
        for figure in self.figures.values():
            rows.append(f"{figure.table:28} {figure.rows:12,d} {figure.seconds:9.1f} {figure.rows_per_second:10,.0f}")
        rows.append(f"total {self.seconds:.1f} s, peak RSS {self.peak_rss_mib:,.0f} MiB")
        return rows


def peak_rss_mib() -> float:
    """The process's peak resident memory (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- the organisation held in memory while the volume streams ----------------------------------------

@dataclass
class _Person:
    employee_id: int
    agency_index: int
    unit_id: int
    position_id: int
    parent_position: int | None
    kind_code: str
    unit_kind: str
    level: int  # 0 head, 1 administrator, 2 pengawas, 3 staff
    nip: str = ""
    name: str = ""
    evaluator_id: int | None = None
    user_id: int = 0
    results: list[int] = field(default_factory=list)  # RHK ids (Utama first)
    links: list[tuple[int, int, str, str]] = field(default_factory=list)  # (rhk, indicator, unit, rhk text)
    indicators: list[tuple[int, Decimal | None]] = field(default_factory=list)  # every IKI and its target
    plan_id: int = 0
    pppk: bool = False


class _Ids:
    """Explicit primary keys, continuing after what the table holds, so rows can reference each other."""

    def __init__(self, connection):
        self.connection, self._next = connection, {}

    def take(self, table: str, count: int = 1) -> int:
        if table not in self._next:
            self._next[table] = (self.connection.scalar(text(f'SELECT max(id) FROM "{table}"')) or 0) + 1
        first = self._next[table]
        self._next[table] += count
        return first


class _Loader:
    """Writes rows (tuples in ``columns`` order) through the fastest path the database offers."""

    def __init__(self, connection, report: GenerationReport):
        self.connection, self.report = connection, report
        self.postgres = connection.dialect.name == "postgresql"

    def load(self, table_name: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
        figure = self.report.figures.setdefault(table_name, TableFigure(table_name))
        started, count = time.perf_counter(), 0
        if self.postgres:
            # COPY's text format, written in blocks: repeated values (dates, times, RHK texts) are
            # formatted once per column, which beats handing psycopg one row at a time.
            names = ", ".join(f'"{column}"' for column in columns)
            caches = [{} for _ in columns]
            with self.connection.connection.driver_connection.cursor() as cursor:
                with cursor.copy(f'COPY "{table_name}" ({names}) FROM STDIN') as copy:
                    for batch in _batched(rows, COPY_BATCH):
                        copy.write("".join(_copy_line(row, caches) for row in batch))
                        count += len(batch)
        else:
            table, dialect = Model.metadata.tables[table_name], self.connection.dialect
            processors = [dialect.type_descriptor(table.c[column].type).bind_processor(dialect) for column in columns]
            convert = [(index, processor, {}) for index, processor in enumerate(processors) if processor]
            names = ", ".join(f'"{column}"' for column in columns)
            sql = f'INSERT INTO "{table_name}" ({names}) VALUES ({", ".join("?" for _ in columns)})'
            for batch in _batched(rows, SQLITE_BATCH):
                if convert:
                    batch = [_converted(row, convert) for row in batch]
                self.connection.exec_driver_sql(sql, batch)
                count += len(batch)
        figure.rows += count
        figure.seconds += time.perf_counter() - started
        return count


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    """One value in PostgreSQL COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    return str(value)  # int, Decimal, date, time, datetime: their str() is what COPY reads


def _copy_line(row: tuple, caches: list[dict]) -> str:
    parts = []
    for value, cache in zip(row, caches):
        formatted = cache.get(value)
        if formatted is None:
            formatted = _copy_text(value)
            if len(cache) < CONVERSION_CACHE:
                cache[value] = formatted
        parts.append(formatted)
    return "\t".join(parts) + "\n"


def _converted(row: tuple, convert) -> tuple:
    """The row in SQLite's storage format; dates, times and amounts repeat, so conversions are cached."""
    values = list(row)
    for index, processor, cache in convert:
        value = values[index]
        if value is not None:
            stored = cache.get(value)
            if stored is None:
                stored = processor(value)
                if len(cache) < CONVERSION_CACHE:
                    cache[value] = stored
            values[index] = stored
    return tuple(values)


def _batched(rows: Iterable, size: int) -> Iterator[list]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


@contextmanager
def _secondary_indexes_deferred(connection, table_name: str):
    """Drop the table's secondary indexes, load, build them again: one sort beats millions of inserts."""
    table = Model.metadata.tables[table_name]
    found = [index for index in inspect(connection).get_indexes(table_name)
             if not index.get("unique") and all(column in table.c for column in index["column_names"])]
    for index in found:
        connection.execute(text(f'DROP INDEX "{index["name"]}"'))
    yield
    declared = {index.name: index for index in table.indexes}  # as the model declares it (a partial index too)
    for index in found:
        (declared.get(index["name"]) or Index(index["name"], *(table.c[column] for column in index["column_names"]))
         ).create(connection)


@contextmanager
def _bulk_transaction(engine):
    """One transaction with the per-row foreign-key checks off, as a restore does (pg_restore
    --disable-triggers): the rows reference each other by construction, and tests/test_generator.py checks
    every reference afterwards. PostgreSQL needs a superuser for it; others keep the checks."""
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # outside a transaction, or SQLite ignores it
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                if not sqlite:
                    # Index builds after the load sort in memory rather than in temporary files.
                    connection.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
                    if connection.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")):
                        connection.execute(text("SET LOCAL session_replication_role = replica"))
                yield connection
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def _synchronise_sequences(connection, tables: Iterable[str]) -> None:
    """PostgreSQL: move each id sequence past the ids written here, so the app's next insert succeeds."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        sequence = connection.scalar(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table})
        if sequence:
            connection.execute(text(f"SELECT setval('{sequence}', (SELECT coalesce(max(id), 1) FROM \"{table}\"))"))


# --- the generator ----------------------------------------------------------------------------------

class ProvinceGenerator:
    def __init__(self, size: ProvinceSize, seed: int, password: str,
                 progress: Callable[[str], None] = lambda message: None):
        self.size, self.seed, self.password, self.progress = size, seed, password, progress
        self.report = GenerationReport()
        self.people: list[_Person] = []
        self.agencies: list[dict] = []
        self.service_units: list[tuple[int, int]] = []  # (unit id, agency id)
        self.now = dt.datetime.combine(self._until(), dt.time(17, 0))

    def rng(self, stream: str) -> random.Random:
        return random.Random(f"{self.seed}:{stream}")

    def _until(self) -> dt.date:
        return self.size.until or min(today(), dt.date(self.size.year, 12, 31))

    def run(self) -> GenerationReport:
        started = time.perf_counter()
        if self.size.agencies < 1 or self.size.employees < 10 * self.size.agencies:
            raise GeneratorRefused(N_("Ask for at least ten employees per agency."))
        engine = db.engine
        with _bulk_transaction(engine) as connection:
            if connection.scalar(text("SELECT count(*) FROM agency")):
                raise GeneratorRefused(N_("The generator needs a database without agencies: migrate a new "
                                          "one and load the reference data only (flask seed --no-demo)."))
            if not connection.scalar(text("SELECT count(*) FROM position_kind")):
                raise GeneratorRefused(N_("Load the reference data first (flask seed --no-demo)."))
            self.ids = _Ids(connection)
            loader = _Loader(connection, self.report)
            self._period(connection)
            self._organisation(connection, loader)
            self._accounts(connection, loader)
            self._plans(connection, loader)
            _synchronise_sequences(connection, (
                "agency", "unit", "position", "employee", "ab_user", "ab_user_role", "period",
                "organization_indicator", "work_plan", "work_result", "result_indicator"))
            self.progress(f"organisation: {len(self.agencies)} agencies, {len(self.people):,d} employees, plans")
        with _bulk_transaction(engine) as connection:
            self.ids.connection = connection
            loader = _Loader(connection, self.report)
            with _secondary_indexes_deferred(connection, "daily_activity"):
                self._activities(loader)
                self.progress("daily_activity: building indexes")
            self._progress(connection)
            self._evaluations(loader)
            with _secondary_indexes_deferred(connection, "attendance_mark"):
                self._attendance(connection, loader)
            with _secondary_indexes_deferred(connection, "survey_response"):
                self._survey(loader)
            self._rebuild(connection, "survey_month_total", survey_totals.rebuild)
            self._training(connection, loader)
            self._rebuild(connection, "employee_jp_year", training_totals.rebuild)
            _synchronise_sequences(connection, ("evaluation", "survey_period", "training_programme"))
        self._analyse(engine)
        self.report.seconds = time.perf_counter() - started
        self.report.peak_rss_mib = peak_rss_mib()
        return self.report

    # --- period, holidays -------------------------------------------------------------------------
    def _period(self, connection) -> None:
        year = self.size.year
        self.period_id = connection.scalar(text("SELECT id FROM period WHERE year = :y"), {"y": year})
        if self.period_id is None:
            current = dt.date.today().year
            status = "running" if year == current else ("closed" if year < current else "planning")
            self.period_id = self.ids.take("period")
            connection.execute(text("INSERT INTO period (id, year, name, start_date, end_date, status) "
                                    "VALUES (:id, :y, :n, :s, :e, :st)"),
                               {"id": self.period_id, "y": year, "n": f"Tahun {year}", "s": dt.date(year, 1, 1),
                                "e": dt.date(year, 12, 31), "st": status})
        known = {row[0] for row in connection.execute(text("SELECT date FROM holiday"))}
        for day, name in DEMO_HOLIDAYS_2026 if year == 2026 else ():
            if dt.date.fromisoformat(day) not in known and day not in known:
                connection.execute(text("INSERT INTO holiday (date, name) VALUES (:d, :n)"),
                                   {"d": dt.date.fromisoformat(day), "n": name})
        self.holidays = {d if isinstance(d, dt.date) else dt.date.fromisoformat(d)
                         for (d,) in connection.execute(text("SELECT date FROM holiday"))}

    # --- agencies, units, positions, employees ----------------------------------------------------
    def _organisation(self, connection, loader: _Loader) -> None:
        rng = self.rng("organisation")
        kinds = dict(connection.execute(select(PositionKind.code, PositionKind.id)).all())
        self.ranks = dict(connection.execute(select(Rank.code, Rank.id)).all())
        specs = [AGENCIES[i % len(AGENCIES)] for i in range(self.size.agencies)]
        weights = [spec[5] for spec in specs]
        shares = [self.size.employees * w // sum(weights) for w in weights]
        shares[0] += self.size.employees - sum(shares)
        agency_rows, unit_rows, position_rows = [], [], []
        agency_id = self.ids.take("agency", len(specs))
        for index, (spec, headcount) in enumerate(zip(specs, shares)):
            code, name, kind, service_kind, services, _ = spec
            if index >= len(AGENCIES):
                code, name = f"{code}-{index // len(AGENCIES) + 1}", f"{name} {index // len(AGENCIES) + 1}"
            agency = {"id": agency_id + index, "code": code, "name": name, "index": index}
            self.agencies.append(agency)
            agency_rows.append((agency["id"], code, name, code.title() if len(code) < 12 else code, kind,
                                "Jl. Jelarai Raya, Tanjung Selor, Bulungan", True))
            self._agency_tree(agency, kind, service_kind, services, headcount, rng, kinds, unit_rows,
                              position_rows)
        loader.load("agency", ("id", "code", "name", "short_name", "kind", "address", "active"), agency_rows)
        loader.load("unit", ("id", "agency_id", "parent_id", "code", "name", "kind", "serves_public", "active"),
                    unit_rows)
        loader.load("position", ("id", "agency_id", "unit_id", "parent_id", "kind_id", "code", "name", "active"),
                    position_rows)
        loader.load("employee", ("id", "nip", "employment_type", "name", "sex", "birth_date", "tmt_cpns",
                                 "appointment_year", "tmt_position", "agency_id", "unit_id", "position_id",
                                 "rank_id", "email", "phone", "active"),
                    # Ids taken before the rows stream: no other statement may run on a connection inside COPY.
                    self._employees(rng, self.ids.take("employee", len(self.people))))

    def _agency_tree(self, agency, agency_kind, service_kind, services, headcount, rng, kinds, unit_rows,
                     position_rows) -> None:
        """Head (JPT Pratama) → administrators (secretary, heads of division) → pengawas (sections, service
        units) → staff; sized to ``headcount`` with at least one staff member under every pengawas."""
        code = agency["code"]
        administrators = max(1, min(len(DIVISIONS) + 1, headcount // 120))
        sections = 3 if headcount >= 60 else 1
        services = min(services, max(1 if services else 0, (headcount - 4) // 25))
        while 1 + administrators * (1 + sections) + services * 1 > headcount // 2 and sections > 1:
            sections -= 1

        def unit(parent, unit_code, name, kind, serves_public=False):
            unit_id = self.ids.take("unit")
            unit_rows.append((unit_id, agency["id"], parent, f"{code}-{unit_code}", name, kind, serves_public, True))
            if serves_public:
                self.service_units.append((unit_id, agency["id"]))
            return unit_id

        def position(unit_id, parent: _Person | None, kind_code, name, level, unit_kind) -> _Person:
            position_id = self.ids.take("position")
            parent_id = parent.position_id if parent else None
            position_rows.append((position_id, agency["id"], unit_id, parent_id, kinds[kind_code],
                                  f"{code}-J{position_id}", name, True))
            person = _Person(0, agency["index"], unit_id, position_id, parent_id, kind_code, unit_kind, level)
            self.people.append(person)
            return person

        title = HEAD_TITLES.get(agency_kind, "Kepala")
        office = unit(None, "KANTOR", agency["name"], "SEKRETARIAT" if agency_kind != "KECAMATAN" else "BIDANG")
        head = position(office, None, "JPT_PRATAMA", f"{title} {agency['name']}", 0, "SEKRETARIAT")
        chiefs, pengawas = [], []
        for a in range(administrators):
            is_secretariat = a == 0
            division = "Sekretariat" if is_secretariat else f"Bidang {DIVISIONS[(a - 1) % len(DIVISIONS)]}"
            division_unit = unit(office, f"B{a}", division, "SEKRETARIAT" if is_secretariat else "BIDANG")
            chiefs.append(position(division_unit, head, "ADMINISTRATOR",
                                   "Sekretaris" if is_secretariat else f"Kepala {division}", 1, "BIDANG"))
            for s in range(sections):
                section = (f"Subbagian {SECRETARIAT_SECTIONS[s]}" if is_secretariat
                           else f"Seksi {SECTIONS[s]} {division.removeprefix('Bidang ')}")
                section_unit = unit(division_unit, f"B{a}S{s}", section, "SUBBAGIAN" if is_secretariat else "SEKSI")
                pengawas.append(position(section_unit, chiefs[-1], "PENGAWAS", f"Kepala {section}", 2, "SEKSI"))
        # Service units (schools, health centres, counters) report to the last head of division.
        service_chief = chiefs[-1] if len(chiefs) > 1 else head
        for s in range(services):
            name = SERVICE_UNIT_NAMES[service_kind].format(n=s + 1, place=PLACES[(s + agency["index"]) % len(PLACES)])
            if service_kind == "PELAYANAN" and services > 1:
                name = f"{name} {s + 1}"
            service_unit = unit(service_chief.unit_id, f"L{s}", name, service_kind, serves_public=True)
            pengawas.append(position(service_unit, service_chief, "PENGAWAS", f"Kepala {name}", 2, service_kind))
        for index in range(headcount - 1 - administrators * (1 + sections) - services):
            chief = pengawas[index] if index < len(pengawas) else rng.choice(pengawas)
            kind_code, name = rng.choice(STAFF_POSITIONS.get(chief.unit_kind, STAFF_POSITIONS[None]))
            position(chief.unit_id, chief, kind_code, name, 3, chief.unit_kind)

    def _employees(self, rng: random.Random, first_id: int) -> Iterator[tuple]:
        """One holder per position; NIP / NI PPPK consistent with birth date, appointment, sex (RULES §1)."""
        until = self._until()
        holder = {}
        serials: Counter = Counter()
        for offset, person in enumerate(self.people):
            person.employee_id = first_id + offset
            holder[person.position_id] = person.employee_id
            sex = rng.choice("MF")
            # Leaders are older; everyone was appointed after the 18th birthday and before this year.
            oldest, youngest = (58, 40) if person.level <= 1 else (58, 24)
            birth = dt.date(until.year - rng.randint(youngest, oldest), rng.randint(1, 12), rng.randint(1, 28))
            pppk = person.level == 3 and rng.random() < 0.15
            earliest = birth.year + 19
            if pppk:
                year = rng.randint(max(earliest, until.year - 6), until.year - 1)
                prefix = f"{birth:%Y%m%d}{year}2{rng.randint(1, 3)}{1 if sex == 'M' else 2}"
                tmt, appointment_year = None, year
            else:
                year = rng.randint(earliest, max(earliest, min(birth.year + 35, until.year - 1)))
                tmt = dt.date(year, rng.randint(1, 12), 1)
                prefix = f"{birth:%Y%m%d}{tmt:%Y%m}{1 if sex == 'M' else 2}"
                appointment_year = tmt.year
            serials[prefix] += 1
            person.pppk = pppk
            person.nip = f"{prefix}{serials[prefix]:03d}"
            parse_nip(person.nip, "PPPK" if pppk else "PNS", today=until)  # generated numbers must be valid
            given = rng.choice(MALE_NAMES if sex == "M" else FEMALE_NAMES)
            degree = rng.choice(DEGREES["AHLI" if person.level < 3 or person.kind_code.startswith("AHLI")
                                        else "OTHER"])
            person.name = f"{given} {rng.choice(FAMILY_NAMES)}" + (f", {degree}" if degree else "")
            if pppk:
                rank = f"PPPK-{rng.choice(('IX', 'X')) if person.kind_code.startswith('AHLI') else rng.choice(('V', 'VII'))}"
            else:
                rank = str(rng.choice(RANK_RANGES[person.kind_code]))
            person.evaluator_id = holder.get(person.parent_position)
            yield (person.employee_id, person.nip, "PPPK" if pppk else "PNS", person.name, sex, birth, tmt,
                   appointment_year, dt.date(max(appointment_year, until.year - rng.randint(0, 6)), 1, 2),
                   self.agencies[person.agency_index]["id"], person.unit_id, person.position_id,
                   self.ranks.get(rank), f"{person.nip}@bulungankab.go.id",
                   f"08{rng.randint(11, 59)}{rng.randint(10_000_000, 99_999_999)}", True)

    # --- accounts ---------------------------------------------------------------------------------
    def _accounts(self, connection, loader: _Loader) -> None:
        """An account for every employee (username = NIP) and the province-wide ones; one password hash
        serves them all, so 20,000 accounts cost one key derivation."""
        roles = {name: role_id for role_id, name in connection.execute(text("SELECT id, name FROM ab_role"))}
        digest = generate_password_hash(self.password)
        now = self.now
        first = self.ids.take("ab_user", len(self.people) + 2 + len(self.agencies))
        users, user_roles, user_agencies = [], [], []

        def account(user_id, username, first_name, last_name, employee_id, role_names, agency_ids=()):
            users.append((user_id, first_name[:64], (last_name or "-")[:64], username, digest, True,
                          f"{username}@akun.bulungankab.go.id", 0, 0, now, now, employee_id))
            user_roles.extend((user_id, roles[name]) for name in role_names)
            user_agencies.extend((user_id, agency_id) for agency_id in agency_ids)

        evaluators = {p.evaluator_id for p in self.people if p.evaluator_id}
        for offset, person in enumerate(self.people):
            person.user_id = first + offset
            role_names = [EMPLOYEE] + ([EVALUATOR] if person.employee_id in evaluators else [])
            agency_ids = ()
            if person.level == 0:
                role_names.append(LEADER)
                agency_ids = (self.agencies[person.agency_index]["id"],)
            given, _, family = person.name.partition(" ")
            account(person.user_id, person.nip, given, family, person.employee_id, role_names, agency_ids)
        extra = first + len(self.people)
        account(extra, "admin", "Administrator", "Sistem", None, [ADMIN])
        account(extra + 1, "bupati", "Pimpinan", "Daerah", None, [LEADER], [a["id"] for a in self.agencies])
        for offset, agency in enumerate(self.agencies, start=2):
            account(extra + offset, f"admin.{agency['code'].lower()}", "Admin", agency["code"], None,
                    [AGENCY_ADMIN], [agency["id"]])
        hr_agency = next((a for a in self.agencies if a["code"] == "BKPSDM"), None)
        loader.load("ab_user", ("id", "first_name", "last_name", "username", "password", "active", "email",
                                "login_count", "fail_login_count", "created_on", "changed_on", "employee_id"), users)
        first_role = self.ids.take("ab_user_role", len(user_roles))
        loader.load("ab_user_role", ("id", "user_id", "role_id"),
                    ((first_role + i, u, r) for i, (u, r) in enumerate(user_roles)))
        loader.load("user_agency", ("user_id", "agency_id"), user_agencies)
        if hr_agency is not None:  # BKPSDM staff keep master data of every agency
            hr_user = next(p for p in self.people if p.agency_index == hr_agency["index"] and p.level == 3).user_id
            connection.execute(text("INSERT INTO ab_user_role (id, user_id, role_id) VALUES (:id, :u, :r)"),
                               {"id": self.ids.take("ab_user_role"), "u": hr_user, "r": roles[HR_ADMIN]})
            self.report.personas["hr_admin"] = next(p.nip for p in self.people if p.user_id == hr_user)
        busiest = Counter(p.evaluator_id for p in self.people if p.level == 3).most_common(1)[0][0]
        largest = Counter(p.agency_index for p in self.people).most_common(1)[0][0]
        self.report.personas.update({
            "admin": "admin", "government_leader": "bupati",
            "agency_leader": next(p.nip for p in self.people if p.level == 0 and p.agency_index == largest),
            "evaluator": next(p.nip for p in self.people if p.employee_id == busiest),
            "employee": next(p.nip for p in self.people if p.evaluator_id == busiest),
            "agency_admin": f"admin.{self.agencies[largest]['code'].lower()}",
        })
        self.largest_agency_id = self.agencies[largest]["id"]

    # --- plans: indicators of the agencies, SKP with cascading RHK --------------------------------
    def _plans(self, connection, loader: _Loader) -> None:
        rng = self.rng("plans")
        indicator_rows, realisation_rows, rating_rows, setting_rows = [], [], [], []
        organization_indicators: dict[int, list[int]] = {}
        for agency in self.agencies:
            first = self.ids.take("organization_indicator", 3)
            organization_indicators[agency["index"]] = [first, first + 1, first + 2]
            for offset, (name, unit, target) in enumerate((
                    (f"Indeks kepuasan masyarakat terhadap layanan {agency['name']}", "indeks", 82),
                    (f"Persentase program {agency['name']} yang mencapai target", "%", 90),
                    (f"Nilai SAKIP {agency['name']}", "nilai", 75))):
                indicator_rows.append((first + offset, agency["id"], self.period_id, name, unit, "HIGHER_IS_BETTER",
                                       Decimal(target - 5), Decimal(target)))
                for quarter in (1, 2, 3):
                    realisation_rows.append((first + offset, agency["id"], quarter,
                                             Decimal(target - 6 + quarter + rng.randint(0, 3))))
            rating_rows.append((agency["id"], self.period_id, rng.choice((1, 2, 2, 2, 2)), "Hasil evaluasi SAKIP."))
            setting_rows.append((agency["id"], self.period_id, "quarterly"))
        loader.load("organization_indicator", ("id", "agency_id", "period_id", "name", "unit_of_measure",
                                               "direction", "baseline", "target"), indicator_rows)
        loader.load("indicator_realisation", ("indicator_id", "agency_id", "quarter", "value"), realisation_rows)
        loader.load("organization_rating", ("agency_id", "period_id", "predikat", "note"), rating_rows)
        loader.load("agency_period_setting", ("agency_id", "period_id", "evaluation_window"), setting_rows)

        by_employee = {p.employee_id: p for p in self.people}
        plan_rows, result_rows, iki_rows, expectation_rows = [], [], [], []
        core_values = list(connection.scalars(select(CoreValue.id).order_by(CoreValue.order)))
        approved = dt.datetime(self.size.year, 1, 20, 9, 0)
        for person in self.people:  # heads first, then each level: a superior's RHK exist before a subordinate's
            agency = self.agencies[person.agency_index]
            qualitative = skp_approach(person.kind_code).value == "kualitatif"
            person.plan_id = self.ids.take("work_plan")
            plan_rows.append((person.plan_id, agency["id"], person.employee_id, person.evaluator_id, self.period_id,
                              person.position_id, "kualitatif" if qualitative else "kuantitatif", "approved", 1,
                              approved, approved, "Anggaran DPA tahun berjalan dan sarana kantor.",
                              "Laporan bulanan kepada atasan langsung.",
                              "Sesuai ketentuan penilaian kinerja PermenPANRB 6/2022.", 1))
            superior = by_employee.get(person.evaluator_id)
            supported = superior.results[:3] if superior else []
            count = 3 if person.level < 3 else rng.choice((2, 3))
            for order in range(1, count + 1):
                result_id = self.ids.take("work_result")
                unit_name, low, high = OUTPUT_UNITS[rng.randrange(len(OUTPUT_UNITS))]
                if person.level == 0:
                    description = f"Meningkatnya kinerja layanan {agency['name']} sasaran {order}"
                    links = (None, organization_indicators[person.agency_index][(order - 1) % 3])
                else:
                    description = f"Tersusunnya {unit_name} {rng.choice(TASKS).split()[-1].lower()} " \
                                  f"{rng.choice(SECTIONS).lower()} ke-{order}"
                    links = (supported[(order - 1) % len(supported)] if supported else None, None)
                result_rows.append((result_id, agency["id"], person.employee_id, person.evaluator_id,
                                    person.plan_id, "UTAMA", order, description, *links))
                person.results.append(result_id)
                aspects = (("PENERIMA_LAYANAN", "PROSES_BISNIS") if qualitative else ("KUANTITAS", "KUALITAS", "WAKTU"))
                for aspect in aspects:
                    iki_id = self.ids.take("result_indicator")
                    if aspect in ("KUANTITAS", "PENERIMA_LAYANAN"):
                        target, unit, iki = Decimal(rng.randint(low, high)), unit_name, f"Jumlah {unit_name} {description.lower()[:80]}"
                        person.links.append((result_id, iki_id, unit, description))
                    elif aspect == "WAKTU":
                        target, unit, iki = Decimal(12), "bulan", "Waktu penyelesaian"
                    else:
                        target, unit, iki = Decimal(rng.choice((90, 95, 100))), "%", "Persentase hasil sesuai standar"
                    iki_rows.append((iki_id, agency["id"], person.employee_id, person.evaluator_id, result_id, aspect,
                                     iki, target, unit, "HIGHER_IS_BETTER"))
                    person.indicators.append((iki_id, target))
            for core_value in core_values:
                expectation_rows.append((agency["id"], person.employee_id, person.evaluator_id, person.plan_id,
                                         core_value, "Menunjukkan perilaku sesuai panduan BerAKHLAK dalam tugas."))
        loader.load("work_plan", ("id", "agency_id", "employee_id", "evaluator_id", "period_id", "position_id",
                                  "approach", "status", "version", "submitted_at", "approved_at", "resource_support",
                                  "accountability_scheme", "consequences", "row_version"), plan_rows)
        loader.load("work_result", ("id", "agency_id", "employee_id", "evaluator_id", "work_plan_id", "group", "order",
                                    "description", "supported_result_id", "organization_indicator_id"), result_rows)
        loader.load("result_indicator", ("id", "agency_id", "employee_id", "evaluator_id", "work_result_id", "aspect",
                                         "description", "target_value", "target_unit", "direction"), iki_rows)
        loader.load("behaviour_expectation", ("agency_id", "employee_id", "evaluator_id", "work_plan_id",
                                              "core_value_id", "leader_expectation"), expectation_rows)

    # --- daily activities -------------------------------------------------------------------------
    def working_days(self) -> list[dt.date]:
        start, until = dt.date(self.size.year, 1, 1), self._until()
        return [start + dt.timedelta(days=i) for i in range((until - start).days + 1)
                if is_working_day(start + dt.timedelta(days=i), self.holidays)]

    def _activities(self, loader: _Loader) -> None:
        """Date order, like real life: the last three working days are mostly still submitted (the queue),
        older ones approved with a few returned. One employee in twenty never reports (adoption gaps)."""
        rng = self.rng("activities")
        days = self.working_days()
        total = self.size.activities
        if not days or not total:
            return
        persona = self.report.personas.get("employee")
        reporters = [p for p in self.people if p.links and (p.nip == persona or rng.random() >= 0.05)]
        agency_ids = [a["id"] for a in self.agencies]
        user_of = {p.employee_id: p.user_id for p in self.people}
        slots = [(dt.time(h, m), dt.time(h + length, m)) for h in (7, 8, 9, 10, 13) for m in (0, 30)
                 for length in (1, 2, 3)]
        volumes = (Decimal(1), Decimal(1), Decimal(2), Decimal(3))
        recent = set(days[-3:])
        descriptions: dict[tuple[int, int], str] = {}
        columns = ("employee_id", "agency_id", "unit_id", "evaluator_id", "period_id", "work_result_id",
                   "result_indicator_id", "activity_date", "start_time", "end_time", "description", "volume",
                   "output_unit", "status", "return_note", "submitted_at", "decided_by_user_id", "decided_at",
                   "version_id")
        started = time.perf_counter()

        def rows():
            draw = rng.random
            for day_index, day in enumerate(days):
                submitted = dt.datetime.combine(day, dt.time(16, 30))
                decided = submitted + dt.timedelta(hours=17)
                task = TASKS[day_index % len(TASKS)]
                for _ in range(total * (day_index + 1) // len(days) - total * day_index // len(days)):
                    person = reporters[int(draw() * len(reporters))]
                    chance = draw()
                    if day in recent:
                        status = "submitted" if chance < 0.8 else "approved"
                    else:
                        status = "approved" if chance < 0.95 else ("returned" if chance < 0.98 else "submitted")
                    if draw() < DIRECT_ASSIGNMENT_SHARE:
                        result_id = indicator_id = None
                        unit, description = "kegiatan", "Tugas langsung atasan: menyiapkan bahan rapat pimpinan"
                    else:
                        result_id, indicator_id, unit, rhk = person.links[int(draw() * len(person.links))]
                        description = descriptions.get((indicator_id, day_index % len(TASKS)))
                        if description is None:
                            description = f"{task} {rhk.lower()[:150]}"
                            descriptions[(indicator_id, day_index % len(TASKS))] = description
                    start, end = slots[int(draw() * len(slots))]
                    pending = status == "submitted"
                    yield (person.employee_id, agency_ids[person.agency_index], person.unit_id, person.evaluator_id,
                           self.period_id, result_id, indicator_id, day, start, end, description,
                           volumes[int(draw() * 4)], unit, status,
                           "Lengkapi bukti dukung (foto/daftar hadir)." if status == "returned" else None, submitted,
                           None if pending else user_of.get(person.evaluator_id), None if pending else decided, 1)
                if day_index % 25 == 24:
                    done = total * (day_index + 1) // len(days)
                    self.progress(f"daily_activity: {done:,d} of {total:,d}, "
                                  f"{done / (time.perf_counter() - started):,.0f} rows/s")

        loader.load("daily_activity", columns, rows())

    # --- attendance and the TPP rule set (issue 23) ------------------------------------------------
    def attendance_days(self) -> list[dt.date]:
        """The working days of the last ``attendance_months`` full months before ``until``, in the year."""
        end = (self._until() + dt.timedelta(days=1)).replace(day=1)  # the day after the last full month
        start = end
        for _ in range(self.size.attendance_months):
            start = (start - dt.timedelta(days=1)).replace(day=1)
        return [day for day in self.working_days() if start <= day < end]

    def _attendance(self, connection, loader: _Loader) -> None:
        """The year's TPP rule set (the demo's figures) and every employee's marks on the attendance days, as
        a machine exports them: mostly on time; some late, early, a missing departure; a few days absent."""
        connection.execute(text("INSERT INTO tpp_rule_set (year, version, rules, reason, created_at) "
                                "VALUES (:y, 1, :r, :why, :at)"),
                           {"y": self.size.year, "r": json.dumps(DEMO_RULES, sort_keys=True),
                            "why": "Data bangkitan (contoh)", "at": self.now})
        days = self.attendance_days()
        if not days:
            return
        rng = self.rng("attendance")
        agency_ids = [a["id"] for a in self.agencies]

        def rows():
            draw = rng.random
            for day in days:
                friday = day.weekday() == 4
                for person in self.people:
                    chance = draw()
                    if chance < 0.03:
                        continue  # absent without reason
                    agency_id = agency_ids[person.agency_index]
                    arrive = 420 + int(draw() * 30) + (int(draw() * 120) if chance < 0.13 else 0)
                    yield (agency_id, person.employee_id, dt.datetime.combine(day, dt.time(arrive // 60, arrive % 60)),
                           "IN", "generator", self.now)
                    if chance < 0.05:
                        continue  # no departure mark
                    leave = (990 if friday else 960) + int(draw() * 60) - (int(draw() * 90) if chance > 0.95 else 0)
                    yield (agency_id, person.employee_id, dt.datetime.combine(day, dt.time(leave // 60, leave % 60)),
                           "OUT", "generator", self.now)

        loader.load("attendance_mark", ("agency_id", "employee_id", "marked_at", "direction", "source",
                                        "imported_at"), rows())

    # --- evaluations ------------------------------------------------------------------------------
    def _progress(self, connection) -> None:
        """The running totals the dashboard and the leaders' table read: approved volume per indicator, then
        each employee's (which reads the former), from the activities and plans."""
        self._rebuild(connection, "indicator_progress", rebuild_indicator_progress)
        self._rebuild(connection, "employee_performance_total", performance_totals.rebuild)

    def _rebuild(self, connection, table: str, rebuild) -> None:
        """A table of running totals recomputed from the rows loaded past the session, timed in the report."""
        started = time.perf_counter()
        rebuild(connection)
        rows = connection.scalar(text(f"SELECT count(*) FROM {table}"))
        self.report.figures[table] = TableFigure(table, rows, time.perf_counter() - started)

    def _evaluations(self, loader: _Loader) -> None:
        """Quarterly evaluations (final) for the quarters already over, and the annual evaluation of every
        plan with ratings drawn from RATING_DRAWS and the predikat from the matrix (PermenPANRB 6/2022)."""
        rng = self.rng("evaluations")
        until, year = self._until(), self.size.year
        windows = [(start, end, "QUARTERLY") for start, end in quarters(year) if end < until]
        windows.append((dt.date(year, 1, 1), dt.date(year, 12, 31), "ANNUAL"))
        draws = [(work, behaviour) for work, behaviour, weight in RATING_DRAWS for _ in range(weight)]
        evaluation_rows, feedback_rows = [], []
        first = self.ids.take("evaluation", len(self.people) * len(windows))
        evaluation_id = first
        moment = self.now
        for person in self.people:
            agency_id = self.agencies[person.agency_index]["id"]
            for start, end, kind in windows:
                work, behaviour = rng.choice(draws)
                annual = kind == "ANNUAL"
                status = rng.choice(("draft", "submitted", "acknowledged", "acknowledged")) if annual else "final"
                rated = not annual or status != "draft"
                evaluation_rows.append((
                    evaluation_id, agency_id, person.employee_id, person.evaluator_id, person.plan_id,
                    self.period_id, kind, start, end, status, work if rated else None,
                    behaviour if rated else None, int(employee_predikat(work, behaviour)) if rated else None, 1,
                    moment if status != "draft" else None, moment if status in ("acknowledged", "final") else None,
                    moment if status == "final" else None, 1))
                if annual and person.results:
                    feedback_rows.append((agency_id, person.employee_id, person.evaluator_id, evaluation_id, "RESULT",
                                          person.results[0], "Capaian sesuai rencana; lengkapi bukti tiap triwulan.",
                                          moment))
                evaluation_id += 1
        loader.load("evaluation", ("id", "agency_id", "employee_id", "evaluator_id", "work_plan_id", "period_id",
                                   "kind", "window_start", "window_end", "status", "work_result_rating",
                                   "behaviour_rating", "predikat", "version", "submitted_at", "acknowledged_at",
                                   "finalised_at", "row_version"), evaluation_rows)
        loader.load("evaluation_realisation", ("agency_id", "employee_id", "evaluator_id", "evaluation_id",
                                               "result_indicator_id", "prefilled_value", "value"),
                    self._realisations(first, windows))
        loader.load("evaluation_feedback", ("agency_id", "employee_id", "evaluator_id", "evaluation_id", "target_kind",
                                            "work_result_id", "text", "created_at"), feedback_rows)

    def _realisations(self, first_evaluation: int, windows) -> Iterator[tuple]:
        """Realisation of every indicator in every evaluation, streamed (one per IKI and window): the
        target pro-rated to the window's end, 85–105 % achieved."""
        rng = self.rng("realisations")
        until, year = self._until(), self.size.year
        days_in_year = Decimal(366 if year % 4 == 0 else 365)
        evaluation_id = first_evaluation
        for person in self.people:
            agency_id = self.agencies[person.agency_index]["id"]
            for _start, end, _kind in windows:
                share = Decimal(min(end, until).timetuple().tm_yday) / days_in_year
                for indicator_id, target in person.indicators:
                    value = (target * share * rng.choice((85, 95, 100, 105)) / 100).quantize(Decimal("0.01"))
                    yield agency_id, person.employee_id, person.evaluator_id, evaluation_id, indicator_id, value, value
                evaluation_id += 1

    # --- public survey ----------------------------------------------------------------------------
    def _survey(self, loader: _Loader) -> None:
        """Quarterly survey periods of every service unit (the current quarter open) and the responses,
        spread over the units by a fixed weight and over the days of each period up to today."""
        rng = self.rng("survey")
        until, year = self._until(), self.size.year
        periods, period_rows = [], []
        for unit_id, agency_id in self.service_units:
            for start, end in (q for q in quarters(year) if q[0] <= until):
                period_id = self.ids.take("survey_period")
                period_rows.append((period_id, agency_id, unit_id, "QUARTER", start, end, rng.randint(400, 20_000),
                                    end >= until))
                periods.append((period_id, agency_id, unit_id, start, min(end, until)))
        loader.load("survey_period", ("id", "agency_id", "unit_id", "kind", "start_date", "end_date", "population",
                                      "is_open"), period_rows)
        if not periods or not self.size.survey_responses:
            return
        weights = list(itertools.accumulate(rng.randint(1, 10) for _ in periods))
        answers = [a for a, weight in zip((1, 2, 3, 4), SURVEY_ANSWER_WEIGHTS) for _ in range(weight)]
        columns = ("agency_id", "unit_id", "period_id", *(e.code.lower() for e in SURVEY_ELEMENTS), "sex", "age_band",
                   "education", "occupation", "suggestion", "client_hash", "submitted_at", "excluded")
        profiles = (("M", "F", None), ("<20", "20-29", "30-39", "40-49", "50-59", "60+"),
                    ("SMA", "D4-S1", "SMP", "D1-D3", "SD", "S2-S3"), ("SWASTA", "WIRAUSAHA", "PNS", "IRT", "PELAJAR"))

        def rows():
            for index in range(self.size.survey_responses):
                period_id, agency_id, unit_id, start, end = periods[
                    bisect.bisect_right(weights, rng.random() * weights[-1])]
                span = max((end - start).days, 0) * 86400 + 8 * 3600
                moment = dt.datetime.combine(start, dt.time(8, 0)) + dt.timedelta(seconds=int(rng.random() * span))
                digest = hashlib.sha256(f"{self.seed}:{index}".encode()).hexdigest()
                yield (agency_id, unit_id, period_id, *(answers[int(rng.random() * 100)] for _ in range(9)),
                       *(choice[int(rng.random() * len(choice))] for choice in profiles),
                       "Antrean mohon dipercepat." if index % 37 == 0 else None,
                       digest, moment, index % 997 == 0)

        loader.load("survey_response", columns, rows())

    # --- training ---------------------------------------------------------------------------------
    def _training(self, connection, loader: _Loader) -> None:
        """The demo's programme catalogue in the generated year, open to every agency, and each employee's
        participation: completed (with certificate, JP and scores) where the programme has ended, registered
        otherwise. The draws put about half of the PNS at 20 JP or more (RULES §9), so the compliance pages
        have both sides to show."""
        rng = self.rng("training")
        until, year = self._until(), self.size.year
        kinds = dict(connection.execute(text("SELECT code, id FROM training_kind")).all())
        programmes, programme_rows = [], []
        for code, name, kind, start, end, jp, area, element, _quota, _targets in DEMO_PROGRAMMES:
            programme_id = self.ids.take("training_programme")
            start_date, end_date = dt.date(year, *start), dt.date(year, *end)
            programme_rows.append((programme_id, code.replace(str(DEMO_YEAR), str(year)), name,
                                   kinds[kind], DEMO_ORGANISER, start_date, end_date, Decimal(jp), area, element))
            programmes.append((programme_id, code, end_date, Decimal(jp)))
        loader.load("training_programme", ("id", "code", "name", "kind_id", "organiser", "start_date", "end_date",
                                           "jp", "competency_area", "survey_element_code"), programme_rows)

        def rows():
            for person in self.people:
                agency_id = self.agencies[person.agency_index]["id"]
                for programme_id, code, end_date, jp in rng.sample(programmes, rng.choice(TRAINING_COUNTS)):
                    done = end_date <= until
                    pre = Decimal(rng.randint(50, 80))
                    yield (programme_id, person.employee_id, agency_id, "completed" if done else "registered",
                           end_date if done else None, jp if done else None,
                           f"{code}/{person.nip[-6:]}" if done else None,
                           pre if done else None, pre + rng.randint(0, 20) if done else None)

        loader.load("training_participation", ("programme_id", "employee_id", "agency_id", "status", "completed_on",
                                               "jp_earned", "certificate_number", "pre_score", "post_score"), rows())

    def _analyse(self, engine) -> None:
        """Fresh planner statistics; on PostgreSQL also the visibility map for index-only scans."""
        started = time.perf_counter()
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
        else:
            with engine.begin() as connection:
                connection.execute(text("ANALYZE"))
        self.report.figures["(analyse)"] = TableFigure("(analyse)", 0, time.perf_counter() - started)


def generate_province(size: ProvinceSize, seed: int, password: str,
                      progress: Callable[[str], None] = lambda message: None) -> GenerationReport:
    """Generate the dataset into the application's database (see the module docstring)."""
    report = ProvinceGenerator(size, seed, password, progress).run()
    db.session.remove()
    return report
