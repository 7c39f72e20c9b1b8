"""Gunicorn's settings for SiKinerja (read from the working directory: `make serve`, bench/run_all.py and
bench/smoke_production.py start gunicorn from the repository's root; the command line still sets the workers,
bind address and timeout).

Each worker warms up before it takes its first request, so that the first official to sign a document in a new
worker does not wait for its set-up (issue 16: "signing takes under 1 s"): WeasyPrint's fonts and stylesheet,
the document templates, a first layout (app.documents.render.warm_up). Then the objects that live as long as
the worker (the application, its templates, fonts, SQLAlchemy's mappers) are moved out of the garbage
collector's sight (gc.freeze): a full collection no longer walks them, which took the slowest renders of a warm
worker from ~0.5 s to ~0.29 s of CPU (bench/signing.py; the median did not move).
"""
import gc
import logging


def post_worker_init(worker):
    from app.documents.render import warm_up

    try:
        with worker.wsgi.app_context():
            warm_up()
    except Exception:  # noqa: BLE001 — a worker that could not warm up still serves; its first document pays
        logging.getLogger("sikinerja").exception("documents warm-up failed in worker %s", worker.pid)
    gc.freeze()
