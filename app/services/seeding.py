"""Loads reference data and the Tanjung Selor demo from seeds/*.json. Idempotent: run it again and
nothing changes; rows are matched by their natural key (code, NIP, username).

Reference data (ranks, position and training kinds, BerAKHLAK, SKM elements) is the regulation's: a second
run brings it to the seed's values. The demo's agencies, units, positions, employees and accounts are data
people then edit: a second run creates what is missing and leaves the rest as it is (README: run ``make run``
again and the data stays as it is), so it neither undoes anyone's change nor writes an audit entry."""
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
from app.models import (
    Agency,
    BehaviourGuide,
    CoreValue,
    Employee,
    Position,
    PositionKind,
    Rank,
    SurveyElement,
    TrainingKind,
    Unit,
)
from app.services.activity import load_demo_activities
from app.services.adoption import load_demo_outreach
from app.services.dialogue import load_demo_dialogues
from app.services.documents import ensure_demo_signing
from app.services.evaluation import load_demo_evaluations
from app.services.master_data import check_employee
from app.services.planning import load_demo_planning
from app.services.recognition import load_demo_recognition
from app.services.survey import load_demo_survey
from app.services.tpp import load_demo_allowance

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


def _created_if_missing(model, key: str, values: dict):
    """(the demo row whose ``key`` is ``values[key]``, whether it was created now); an existing one is left
    as it is."""
    row = db.session.execute(select(model).where(getattr(model, key) == values[key])).scalar_one_or_none()
    if row is not None:
        return row, False
    row = model(**values)
    db.session.add(row)
    return row, True


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


def _load_units(agency, units, parent=None):
    for unit in units:
        row, _ = _created_if_missing(Unit, "code", {
            "code": unit["code"], "name": unit["name"], "kind": unit["kind"],
            "serves_public": unit.get("serves_public", False), "agency": agency, "parent": parent,
        })
        _load_units(agency, unit.get("children", []), row)


def load_demo() -> None:
    demo = _read("demo/tanjung_selor.json")
    kinds = {kind.code: kind for kind in db.session.scalars(select(PositionKind))}
    ranks = {rank.code: rank for rank in db.session.scalars(select(Rank))}
    for data in demo["agencies"]:
        agency, _ = _created_if_missing(Agency, "code", {k: data.get(k) for k in ("code", "name", "short_name",
                                                                                  "kind", "address")})
        _load_units(agency, data["units"])
        db.session.flush()
        units = {unit.code: unit for unit in db.session.scalars(select(Unit).where(Unit.agency == agency))}
        positions, created = {}, set()
        for position in data["positions"]:
            positions[position["code"]], new = _created_if_missing(Position, "code", {
                "code": position["code"], "name": position["name"], "agency": agency,
                "unit": units[position["unit"]], "kind": kinds[position["kind"]],
            })
            if new:
                created.add(position["code"])
        for position in data["positions"]:
            if position["code"] in created and position.get("parent"):
                positions[position["code"]].parent = positions[position["parent"]]
        for person in data["employees"]:
            position = positions[person["position"]]
            employee, new = _created_if_missing(Employee, "nip", {
                "nip": person["nip"], "employment_type": person["employment_type"], "name": person["name"],
                "agency": agency, "unit": position.unit, "position": position,
                "rank": ranks.get(person.get("rank")), "email": person.get("email"),
                "phone": person.get("phone"), "active": person.get("active", True),
            })
            if new:
                check_employee(employee)
    db.session.commit()


def ensure_roles() -> None:
    """Create the declarative roles (FAB_ROLES), Admin and Public in the database."""
    BaseSecurityManager.create_db(current_app.appbuilder.sm)
    db.session.commit()


def ensure_demo_accounts(password: str) -> list[str]:
    sm = current_app.appbuilder.sm
    demo = _read("demo/tanjung_selor.json")
    agencies = {agency.code: agency for agency in db.session.scalars(select(Agency))}
    created = []
    for account in demo["accounts"]:
        if sm.find_user(username=account["username"]) is not None:
            continue  # an administrator may have changed its roles, agencies or employee since
        roles = [sm.find_role(name) for name in account["roles"]]
        employee = None
        if account.get("employee_nip"):
            employee = db.session.execute(
                select(Employee).where(Employee.nip == account["employee_nip"])).scalar_one()
        user = sm.add_user(
            username=account["username"], first_name=account["first_name"],
            last_name=account.get("last_name") or "-",
            email=(employee.email if employee and employee.email else
                   f"{account['username']}@bulungankab.go.id"),
            role=roles, password=password,
        )
        created.append(account["username"])
        user.agencies = [agencies[code] for code in account.get("agencies", [])]
        user.employee = employee
    db.session.commit()
    return created


def seed_everything(demo_password: str | None, *, demo: bool = True) -> list[str]:
    """Roles and reference data, then (with ``demo``) the demo and its accounts; returns new usernames."""
    ensure_roles()
    load_reference()
    if not demo:
        return []
    load_demo()
    load_demo_planning()
    created = ensure_demo_accounts(demo_password)
    load_demo_survey()
    load_demo_activities(seed=2026)
    load_demo_allowance()
    load_demo_outreach()
    load_demo_evaluations()
    load_demo_dialogues()
    load_demo_recognition()
    ensure_demo_signing(current_app.instance_path, demo_password)
    return created
