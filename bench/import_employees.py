"""Import benchmark (issue 11): a SIASN-style .xlsx of 20,000 new employees through the real pages —
upload + preview, confirm (one transaction, in the background with its progress polled), then the same
file again (every row unchanged, nothing written).

    .venv/bin/python bench/import_employees.py [--rows 20000]

Runs against a scratch SQLite database migrated and seeded with the demo. A benchmark, not a test:
nothing is asserted; it prints the time of each step.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _workbook(rows: int, units: list[str], seed: int = 2026) -> bytes:
    from openpyxl import Workbook

    rng = random.Random(seed)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["NIP", "Nama", "Gelar Depan", "Gelar Belakang", "Golongan", "Jabatan", "Unit Kerja",
                  "Jenis Pegawai", "Email", "No HP", "TMT Jabatan"])
    numbers = set()
    while len(numbers) < rows:
        birth = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(12_000))
        year = birth.year + rng.randint(22, 30)
        numbers.add(f"{birth:%Y%m%d}{year}{rng.randint(1, 12):02d}{rng.randint(1, 2)}{rng.randint(1, 999):03d}")
    for serial, number in enumerate(sorted(numbers)):
        sheet.append([number, f"Pegawai Uji {serial:05d}", "", "S.E.", rng.choice(["III/a", "III/b", "III/c"]),
                      "", rng.choice(units), "PNS", f"uji{serial}@bulungankab.go.id", f"0812{serial:08d}",
                      "02-01-2024"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    instance = tempfile.mkdtemp(prefix="sikinerja-bench-import-")
    os.environ["SIKINERJA_INSTANCE"] = instance
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from app import create_app
    from app.extensions import db
    from app.models import Employee, Unit
    from app.services import seeding

    app = create_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance}/bench.db", UPLOAD_FOLDER=f"{instance}/uploads")
    app.appbuilder.sm.limiter.enabled = False
    with app.app_context():
        upgrade()
        seeding.seed_everything(app.config["DEMO_PASSWORD"])
        units = list(db.session.scalars(select(Unit.code)))
    data = _workbook(args.rows, units)
    print(f"{args.rows} rows, {len(data) / 1e6:.1f} MB of .xlsx")

    client = app.test_client()
    page = client.get("/login/").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/login/", data={"username": "hr.bkpsdm", "password": app.config["DEMO_PASSWORD"],
                                 "csrf_token": csrf})

    def preview(label):
        started = time.perf_counter()
        response = client.post("/import/", data={"csrf_token": csrf, "kind": "employee",
                                                 "file": (io.BytesIO(data), "siasn.xlsx")},
                               content_type="multipart/form-data")
        uploaded = time.perf_counter()
        url = response.headers["Location"]
        body = client.get(url).get_data(as_text=True)
        counts = dict(re.findall(r'data-status="(\w+)">([\d.,]+)<', body))
        print(f"{label}: upload+parse+plan {uploaded - started:.1f} s, preview page {time.perf_counter() - uploaded:.1f} s,"
              f" counts {counts}")
        return url

    url = preview("first preview")
    started = time.perf_counter()
    response = client.post(url + "/confirm", data={"csrf_token": csrf})
    progress_url = response.headers["Location"] + ".json"
    polls = 0
    while True:
        job = client.get(progress_url).json
        polls += 1
        if job["state"] != "running":
            break
        time.sleep(0.5)
    print(f"confirm (background, one transaction): {time.perf_counter() - started:.1f} s, {polls} progress polls,"
          f" {job['state']}: {job.get('message')}")
    with app.app_context():
        print(f"employees now: {db.session.scalar(select(func.count()).select_from(Employee))}")
    url = preview("same file again")
    started = time.perf_counter()
    client.post(url + "/confirm", data={"csrf_token": csrf})
    print(f"confirm of the unchanged file: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
