"""Loads the roles, the reference data from seeds/reference and (unless told not to) the demo (app.demo).
Idempotent: run it again and nothing changes; rows are matched by their natural key (code, NIP, username).

Reference data (ranks, position and training kinds, BerAKHLAK, SKM elements) is the regulation's: a second
run brings it to the seed's values. This is the one service that calls app.demo: ``flask seed`` enters here."""
from __future__ import annotations

import json
from pathlib import Path

from flask import current_app
from flask_appbuilder.security.manager import BaseSecurityManager
from sqlalchemy import select

from app.domain.ikm import ELEMENT_BY_CODE
from app.domain.ranks import POSITION_KINDS, PNS_RANKS, PPPK_GRADES
from app.domain.training import TRAINING_KINDS
from app.extensions import db
from app.demo import load_demo_data
from app.models import BehaviourGuide, CoreValue, PositionKind, Rank, SurveyElement, TrainingKind

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _read(relative: str):
    return json.loads((SEEDS / relative).read_text(encoding="utf-8"))


def _upsert(model, key: str, values: dict):
    row = db.session.execute(select(model).where(getattr(model, key) == values[key])).scalar_one_or_none()
    if row is None:
        row = model()
        db.session.add(row)
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
    return row


def load_reference() -> None:
    """Ranks, position kinds and training kinds come from app.domain (the one copy of those
    regulatory lists); BerAKHLAK guides and SKM answer labels from seeds/reference."""
    for rank in PNS_RANKS:
        _upsert(Rank, "code", {"code": str(rank.code), "golongan": rank.golongan, "pangkat": rank.pangkat,
                               "employment_type": "PNS"})
    for grade in PPPK_GRADES:
        _upsert(Rank, "code", {"code": f"PPPK-{grade.golongan}", "golongan": grade.golongan, "pangkat": None,
                               "employment_type": "PPPK"})
    for order, kind in enumerate(POSITION_KINDS, start=1):
        _upsert(PositionKind, "code", {"code": kind.code, "name": kind.name, "category": kind.category.value,
                                       "level_order": order})
    for kind in TRAINING_KINDS:
        _upsert(TrainingKind, "code", {"code": kind.code, "name": kind.name, "classical": kind.classical})
    for value in _read("reference/berakhlak.json"):
        core_value = _upsert(CoreValue, "code", {k: value[k] for k in ("code", "name", "order")})
        db.session.flush()
        existing = {guide.order: guide for guide in core_value.guides}
        for order, text in enumerate(value["guides"], start=1):
            guide = existing.get(order) or BehaviourGuide(core_value=core_value, order=order)
            if guide.text != text:
                guide.text = text
            db.session.add(guide)
    for element in _read("reference/skm_elements.json"):
        _upsert(SurveyElement, "code", {
            "code": element["code"], "name": ELEMENT_BY_CODE[element["code"]].name,
            "name_en": element.get("name_en"), "question": element.get("question"),
            "question_en": element.get("question_en"), "order": element["order"],
            "answer_labels": element["answers"], "answer_labels_en": element.get("answers_en"),
        })
    db.session.commit()


def ensure_roles() -> None:
    """Create the declarative roles (FAB_ROLES), Admin and Public in the database."""
    BaseSecurityManager.create_db(current_app.appbuilder.sm)
    db.session.commit()


def seed_everything(demo_password: str | None, *, demo: bool = True) -> list[str]:
    """Roles and reference data, then (with ``demo``) the demo and its accounts; returns new usernames."""
    ensure_roles()
    load_reference()
    if not demo:
        return []
    return load_demo_data(demo_password)
