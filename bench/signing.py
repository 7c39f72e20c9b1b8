"""Signing benchmark (issue 16: "signing takes under 1 s"): the time one official waits after pressing "Sign",
on the demo, for one approved SKP and one annual evaluation that kadis.disdik signs.

    .venv/bin/python bench/signing.py [--repeat 20] [--cold 3] [--profile] [--as-before]

It prints three tables:
* the steps of one signature in a warm process — load the subject, render the PDF with its stamp, open the key
  store and sign (PAdES, the demo certificate) — wall and CPU medians and the p95 of the total;
* the whole web POST of the Sign form (test client, signed in; the redirect's page not included), warm: p50, p95;
* the first web POST in a new process (``--cold`` processes each): what the first official after a (re)start of
  a worker waits; with the worker warm-up of gunicorn.conf.py (app.documents.render.warm_up, gc.freeze) as
  production runs it, and without it; and the resident memory (RSS) of that process once the app is built,
  after the warm-up, and after its first signature: what the warm-up costs each worker.

``--as-before`` measures the warm tables as the code ran before the warm-up and the key-store cache (no warm-up
and gc.freeze, the key store opened for every signature), for a before/after on the same machine and load.
``--profile`` prints the cProfile of one warm web POST (cumulative, top 30), the profile the changes came from.

The database is a scratch SQLite file in a temporary folder (migrated, demo seeded, removed at the end); no
PostgreSQL database is touched. Signed versions are stored in the scratch database only. A benchmark, not a test:
nothing is asserted. CPU = this process's own work, the figure that does not grow with other load on the machine.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SIGNER = "kadis.disdik"


def _subjects():
    """(kind code, key) of one approved SKP and one annual evaluation that the demo's kadis.disdik signs."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import UserAccount
    from app.models.evaluation import Evaluation
    from app.models.planning import WorkPlan

    evaluator = db.session.scalar(select(UserAccount).where(UserAccount.username == SIGNER)).employee
    plan = db.session.scalar(select(WorkPlan).where(WorkPlan.evaluator_id == evaluator.id,
                                                    WorkPlan.status == "approved").order_by(WorkPlan.id))
    evaluation = db.session.scalar(select(Evaluation).where(Evaluation.evaluator_id == evaluator.id,
                                                            Evaluation.kind == "ANNUAL").order_by(Evaluation.id))
    return evaluator, [("skp", str(plan.id)), ("evaluation", str(evaluation.id))]


def _open_every_time() -> None:
    """As before the key-store cache: every signature opens the PKCS#12 with the passphrase."""
    from app.documents import signing
    from app.services import documents

    documents.opened_signer = signing.LocalPkcs12Signer


def _time_steps(kind_code, key, credential, passphrase):
    from flask_babel import force_locale

    from app.documents.catalogue import load_subject
    from app.documents.render import DOCUMENT_LOCALE, DOCUMENT_PLACE, render_pdf
    from app.extensions import db
    from app.models.audit import utcnow
    from app.security.scope import UserScope
    from app.services import documents

    db.session.expire_all()   # a signing request starts with an empty session
    marks = [(time.perf_counter(), time.process_time())]
    kind, subject = load_subject(kind_code, key, UserScope.system())
    marks.append((time.perf_counter(), time.process_time()))
    stamp = documents._stamp(documents.new_code(), credential, utcnow(), None)
    pdf = render_pdf(kind, subject, stamp)
    marks.append((time.perf_counter(), time.process_time()))
    with force_locale(DOCUMENT_LOCALE):
        reason = f"{kind.title}: {subject.title}"
    documents.opened_signer(credential.keystore.pkcs12, passphrase).sign(pdf, reason=reason[:200],
                                                                         location=DOCUMENT_PLACE)
    marks.append((time.perf_counter(), time.process_time()))
    # (wall, CPU) seconds of each step: load, render, sign
    return [tuple(after[i] - before[i] for i in (0, 1)) for before, after in zip(marks, marks[1:])]


def _signed_in(app):
    client = app.test_client()
    client.post("/login/", data={"username": SIGNER, "password": app.config["DEMO_PASSWORD"]})
    return client


def _post_sign(client, kind_code, key, credential_id, passphrase):
    """(wall, CPU) seconds of one web POST of the Sign form."""
    started = (time.perf_counter(), time.process_time())
    response = client.post(f"/documents/{kind_code}/{key}/sign",
                           data={"credential": credential_id, "passphrase": passphrase})
    if response.status_code != 302:
        raise SystemExit(f"signing {kind_code} {key} answered {response.status_code}")
    return time.perf_counter() - started[0], time.process_time() - started[1]


def _p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _app(database: str):
    from app import create_app

    # No CSRF in the benchmark's client: the token check costs nothing worth measuring.
    return create_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}", SERVER_NAME="localhost",
                      WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)


def _resident_mb() -> float:
    """This process's resident memory (Linux /proc), MB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _cold_child(database: str, warm: bool) -> None:
    """One new process: build the app (as a gunicorn worker does), warm up when asked, sign in, then time the
    first Sign POST of each document. Prints JSON: the POST's (wall, CPU) and the RSS after each stage."""
    app = _app(database)
    resident = {"built": _resident_mb()}
    if warm:
        from app.documents.render import warm_up

        with app.app_context():
            warm_up()
        gc.freeze()
    resident["warmed"] = _resident_mb()
    with app.app_context():
        evaluator, subjects = _subjects()
        from app.services import documents

        credential_id = documents.own_credential(type("Actor", (), {"employee_id": evaluator.id})()).id
    client = _signed_in(app)
    first = _post_sign(client, *subjects[0], credential_id, app.config["DEMO_PASSWORD"])
    resident["signed"] = _resident_mb()
    print(json.dumps({"first": first, "resident": resident}))


def _cold(database: str, warm: bool, processes: int) -> list[dict]:
    runs = []
    for _ in range(processes):
        output = subprocess.run([sys.executable, __file__, "--cold-child", database] + (["--warm"] if warm else []),
                                capture_output=True, text=True, check=True, env=os.environ).stdout
        runs.append(json.loads(output.strip().splitlines()[-1]))
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--cold", type=int, default=3, help="new processes per cold measurement (0: none)")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--as-before", action="store_true")
    parser.add_argument("--cold-child", help=argparse.SUPPRESS)
    parser.add_argument("--warm", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold_child:
        _cold_child(args.cold_child, args.warm)
        return
    scratch = tempfile.mkdtemp(prefix="sikinerja-bench-signing-")
    os.environ["SIKINERJA_INSTANCE"] = scratch
    database = f"{scratch}/bench.db"
    from flask_migrate import upgrade

    from app.services import documents, seeding

    app = _app(database)
    with app.app_context():
        upgrade()
        seeding.seed_everything(app.config["DEMO_PASSWORD"])
        evaluator, subjects = _subjects()
        credential = documents.own_credential(type("Actor", (), {"employee_id": evaluator.id})())
        credential_id, passphrase = credential.id, app.config["DEMO_PASSWORD"]
        if args.as_before:
            _open_every_time()
        else:
            from app.documents.render import warm_up

            warm_up()
            gc.freeze()
        label = "as before (no warm-up, key store opened per signature)" if args.as_before else \
            "with the warm-up and gc.freeze of gunicorn.conf.py and the key-store cache"
        print(f"\nwarm process, {label}")
        print(f"{'document':<12} {'':<5} {'load ms':>8} {'render ms':>10} {'open key + sign ms':>19} {'total ms':>9} "
              f"{'p95 total':>10}")
        for kind_code, key in subjects:
            _time_steps(kind_code, key, credential, passphrase)   # the first of this kind: its statements compile
            runs = [_time_steps(kind_code, key, credential, passphrase) for _ in range(args.repeat)]
            for index, clock in enumerate(("wall", "CPU")):
                parts = [[step[index] for step in run] for run in runs]
                medians = [statistics.median(step) * 1000 for step in zip(*parts)]
                totals = [sum(run) for run in parts]
                print(f"{kind_code:<12} {clock:<5} {medians[0]:>8.0f} {medians[1]:>10.0f} {medians[2]:>19.0f} "
                      f"{statistics.median(totals) * 1000:>9.0f} {_p95(totals) * 1000:>10.0f}")

    client = _signed_in(app)
    print(f"\nthe web POST of the Sign form, warm ({args.repeat} each)")
    print(f"{'document':<12} {'':<5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for kind_code, key in subjects:
        _post_sign(client, kind_code, key, credential_id, passphrase)
        runs = [_post_sign(client, kind_code, key, credential_id, passphrase) for _ in range(args.repeat)]
        for index, clock in enumerate(("wall", "CPU")):
            values = [run[index] * 1000 for run in runs]
            print(f"{kind_code:<12} {clock:<5} {statistics.median(values):>8.0f} {_p95(values):>8.0f} "
                  f"{max(values):>8.0f}")
    if args.profile:
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.runcall(_post_sign, client, *subjects[1], credential_id, passphrase)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)

    if args.cold:
        print(f"\nthe first web POST (SKP) in a new process, {args.cold} processes each; RSS of the process")
        print(f"{'':<22} {'wall ms':>8} {'CPU ms':>8} {'RSS MB: built':>14} {'warmed':>7} {'signed':>7}")
        for warm in (False, True):
            runs = _cold(database, warm, args.cold)
            rss = {stage: statistics.median(run["resident"][stage] for run in runs)
                   for stage in ("built", "warmed", "signed")}
            print(f"{'with the warm-up' if warm else 'without the warm-up':<22} "
                  f"{statistics.median(run['first'][0] for run in runs) * 1000:>8.0f} "
                  f"{statistics.median(run['first'][1] for run in runs) * 1000:>8.0f} "
                  f"{rss['built']:>14.0f} {rss['warmed']:>7.0f} {rss['signed']:>7.0f}")
    print(f"\nmedians unless said; CPU cores: {os.cpu_count()}; load average: "
          f"{' '.join(f'{load:.1f}' for load in os.getloadavg())}")
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
