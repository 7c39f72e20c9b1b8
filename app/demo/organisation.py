"""The Tanjung Selor demo's agencies, units, positions, employees and accounts, from
seeds/demo/tanjung_selor.json. These are data people then edit: a second run creates what is missing and leaves
the rest as it is (README: run ``make run`` again and the data stays as it is), so it neither undoes anyone's
change nor writes an audit entry."""
from __future__ import annotations

import json
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import Agency, Employee, Position, PositionKind, Rank, Unit
from app.services.master_data import check_employee

DEMO_SEED = Path(__file__).resolve().parents[2] / "seeds" / "demo" / "tanjung_selor.json"


def _demo_seed() -> dict:
    return json.loads(DEMO_SEED.read_text(encoding="utf-8"))


def _created_if_missing(model, key: str, values: dict):
    """(the demo row whose ``key`` is ``values[key]``, whether it was created now); an existing one is left
    as it is."""
    row = db.session.execute(select(model).where(getattr(model, key) == values[key])).scalar_one_or_none()
    if row is not None:
        return row, False
    row = model(**values)
    db.session.add(row)
    return row, True


def _load_units(agency, units, parent=None):
    for unit in units:
        row, _ = _created_if_missing(Unit, "code", {
            "code": unit["code"], "name": unit["name"], "kind": unit["kind"],
            "serves_public": unit.get("serves_public", False), "agency": agency, "parent": parent,
        })
        _load_units(agency, unit.get("children", []), row)


def load_demo_organisation() -> None:
    demo = _demo_seed()
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


def ensure_demo_accounts(password: str) -> list[str]:
    sm = current_app.appbuilder.sm
    demo = _demo_seed()
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
