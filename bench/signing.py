"""Signing benchmark (issue 16): the time one official waits after pressing "Sign" — load the subject, render
the PDF with its stamp, sign it (PAdES, the demo certificate) — for one approved SKP and one annual
evaluation of the demo, split into its parts, in a warm process (the first document of a process also pays
WeasyPrint's import and font set-up; that cold start is reported on its own).

    .venv/bin/python bench/signing.py [--repeat 20]

The database is a scratch SQLite file in a temporary folder (migrated, demo seeded, removed at the end); no
PostgreSQL database is touched. Nothing is stored: the signed bytes are thrown away. A benchmark, not a
test: nothing is asserted.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _subjects():
    """(kind code, key) of one approved SKP and one annual evaluation that the demo's kadis.disdik signs."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import UserAccount
    from app.models.evaluation import Evaluation
    from app.models.planning import WorkPlan

    evaluator = db.session.scalar(select(UserAccount).where(UserAccount.username == "kadis.disdik")).employee
    plan = db.session.scalar(select(WorkPlan).where(WorkPlan.evaluator_id == evaluator.id,
                                                    WorkPlan.status == "approved").order_by(WorkPlan.id))
    evaluation = db.session.scalar(select(Evaluation).where(Evaluation.evaluator_id == evaluator.id,
                                                            Evaluation.kind == "ANNUAL").order_by(Evaluation.id))
    return evaluator, [("skp", str(plan.id)), ("evaluation", str(evaluation.id))]


def _time_one(kind_code, key, credential, passphrase):
    from flask_babel import force_locale

    from app.documents.catalogue import load_subject
    from app.documents.render import DOCUMENT_LOCALE, DOCUMENT_PLACE, render_pdf
    from app.documents.signing import LocalPkcs12Signer
    from app.models.audit import utcnow
    from app.security.scope import UserScope
    from app.services import documents

    from app.extensions import db

    db.session.expire_all()   # a signing request starts with an empty session
    marks = [(time.perf_counter(), time.process_time())]
    kind, subject = load_subject(kind_code, key, UserScope.system())
    marks.append((time.perf_counter(), time.process_time()))
    stamp = documents._stamp(documents.new_code(), credential, utcnow())
    pdf = render_pdf(kind, subject, stamp)
    marks.append((time.perf_counter(), time.process_time()))
    with force_locale(DOCUMENT_LOCALE):
        reason = f"{kind.title}: {subject.title}"
    # As in sign_subject: the key store is opened with the passphrase given for this signature.
    LocalPkcs12Signer(credential.keystore.pkcs12, passphrase).sign(pdf, reason=reason[:200], location=DOCUMENT_PLACE)
    marks.append((time.perf_counter(), time.process_time()))
    # (wall, CPU) seconds of each step: load, render, sign
    return [tuple(after[i] - before[i] for i in (0, 1)) for before, after in zip(marks, marks[1:])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="sikinerja-bench-signing-")
    os.environ["SIKINERJA_INSTANCE"] = scratch
    from flask_migrate import upgrade

    from app import create_app
    from app.documents.signing import LocalPkcs12Signer
    from app.services import documents, seeding

    app = create_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{scratch}/bench.db", SERVER_NAME="localhost")
    with app.app_context():
        upgrade()
        seeding.seed_everything(app.config["DEMO_PASSWORD"])
        evaluator, subjects = _subjects()
        credential = documents.own_credential(type("Actor", (), {"employee_id": evaluator.id})())
        passphrase = app.config["DEMO_PASSWORD"]
        cold = {kind_code: sum(wall for wall, _cpu in _time_one(kind_code, key, credential, passphrase))
                for kind_code, key in subjects}
        opening = []
        for _ in range(5):
            started = (time.perf_counter(), time.process_time())
            LocalPkcs12Signer(credential.keystore.pkcs12, passphrase)
            opening.append((time.perf_counter() - started[0], time.process_time() - started[1]))
        print(f"\nopening the PKCS#12 key store (once per signature, with the passphrase given): "
              f"{statistics.median(w for w, _c in opening) * 1000:.0f} ms wall, "
              f"{statistics.median(c for _w, c in opening) * 1000:.0f} ms CPU")
        print(f"\n{'document':<12} {'':<5} {'load ms':>8} {'render ms':>10} {'open key + sign ms':>19} {'total ms':>9} "
              f"{'p95 total':>10}   first (cold) {'':>4}")
        for kind_code, key in subjects:
            runs = [_time_one(kind_code, key, credential, passphrase) for _ in range(args.repeat)]
            for index, clock in enumerate(("wall", "CPU")):
                parts = [[step[index] for step in run] for run in runs]
                totals = sorted(sum(run) for run in parts)
                medians = [statistics.median(step) * 1000 for step in zip(*parts)]
                p95 = totals[min(len(totals) - 1, round(0.95 * (len(totals) - 1)))] * 1000
                first = f"{cold[kind_code] * 1000:>8.0f} ms" if index == 0 else ""
                print(f"{kind_code:<12} {clock:<5} {medians[0]:>8.0f} {medians[1]:>10.0f} {medians[2]:>19.0f} "
                      f"{statistics.median(totals) * 1000:>9.0f} {p95:>10.0f}   {first}")
    print(f"\n{args.repeat} runs each, medians; wall = what the official waits, CPU = this process's own work "
          f"(the figure that does not grow with other load); CPU cores: {os.cpu_count()}; load average: "
          f"{' '.join(f'{load:.1f}' for load in os.getloadavg())}")
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
