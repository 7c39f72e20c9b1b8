"""The demo: a realistic Tanjung Selor dataset for trying SiKinerja out, and the province-sized generator
(app.demo.generator) for measuring it. Nothing of the product depends on it: the only entry points are
``flask seed`` (app.services.seeding.seed_everything) and the CLI's demo commands (app.cli); tests/test_layers.py
keeps every other module from importing it. The demo writes through the models and, where a use-case shapes a
row, through that service's helpers, so its rows are what the product itself would write."""
from __future__ import annotations

from flask import current_app

from app.demo.activity import load_demo_activities
from app.demo.adoption import load_demo_outreach
from app.demo.allowance import load_demo_allowance
from app.demo.dialogue import load_demo_dialogues
from app.demo.evaluation import load_demo_evaluations
from app.demo.organisation import ensure_demo_accounts, load_demo_organisation
from app.demo.planning import load_demo_planning
from app.demo.recognition import load_demo_recognition
from app.demo.signing import ensure_demo_signing
from app.demo.survey import load_demo_survey


def load_demo_data(password: str) -> list[str]:
    """The whole demo, in the order its parts build on each other, every part idempotent; returns the usernames
    of the demo accounts created now (all of them use ``password``, as do the demo's signing certificates)."""
    load_demo_organisation()
    load_demo_planning()
    created = ensure_demo_accounts(password)
    load_demo_survey()
    load_demo_activities(seed=2026)
    load_demo_allowance()
    load_demo_outreach()
    load_demo_evaluations()
    load_demo_dialogues()
    load_demo_recognition()
    ensure_demo_signing(current_app.instance_path, password)
    return created
