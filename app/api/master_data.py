"""REST resources for master data: /api/v1/agency/, /unit/, /position/, /employee/, /rank/.

Optional relations are listed by their id column: FAB selects dotted columns
(``parent.name``) with an inner join, which would hide rows whose relation is empty.
"""
from app.api.base import ScopedApi
from app.models import Agency, Employee, Position, Rank, Unit
from app.security.scope import ScopedInterface
from app.services import master_data

READ_ONLY_METHODS = {"get", "get_list", "info"}


class AgencyApi(ScopedApi):
    resource_name = "agency"
    datamodel = ScopedInterface(Agency)
    class_permission_name = "Agency"
    list_columns = show_columns = ["id", "code", "name", "short_name", "kind", "address", "active"]
    add_columns = edit_columns = ["code", "name", "short_name", "kind", "address", "active"]
    search_columns = ["code", "name", "kind", "active"]
    order_columns = ["code", "name"]
    delete_checks = (master_data.check_agency_deletable,)


class UnitApi(ScopedApi):
    resource_name = "unit"
    datamodel = ScopedInterface(Unit)
    class_permission_name = "Unit"
    list_columns = show_columns = ["id", "code", "name", "kind", "serves_public", "active",
                                   "agency.id", "agency.name", "parent_id"]
    add_columns = edit_columns = ["agency", "parent", "code", "name", "kind", "serves_public", "active"]
    search_columns = ["code", "name", "agency", "kind", "serves_public"]
    order_columns = ["code", "name"]
    validators = (master_data.check_unit,)
    delete_checks = (master_data.check_unit_deletable,)


class PositionApi(ScopedApi):
    resource_name = "position"
    datamodel = ScopedInterface(Position)
    class_permission_name = "Position"
    list_columns = show_columns = ["id", "code", "name", "active", "kind.code", "kind.name",
                                   "agency.id", "agency.name", "unit.id", "unit.name", "parent_id"]
    add_columns = edit_columns = ["agency", "unit", "parent", "kind", "code", "name", "active"]
    search_columns = ["code", "name", "agency", "unit", "kind"]
    order_columns = ["code", "name"]
    validators = (master_data.check_position,)
    delete_checks = (master_data.check_position_deletable,)


class EmployeeApi(ScopedApi):
    resource_name = "employee"
    datamodel = ScopedInterface(Employee)
    class_permission_name = "Employee"
    list_columns = show_columns = ["id", "nip", "employment_type", "name", "sex", "birth_date", "tmt_cpns",
                                   "appointment_year",
                                   "tmt_position", "email", "phone", "active",
                                   "agency.id", "agency.name", "unit.id", "unit.name", "position_id",
                                   "rank_id"]
    add_columns = edit_columns = ["employment_type", "nip", "name", "agency", "unit", "position", "rank",
                                  "tmt_position", "email", "phone", "active"]
    search_columns = ["nip", "name", "agency", "unit", "employment_type", "active"]
    order_columns = ["nip", "name"]
    validators = (master_data.check_employee,)
    delete_checks = (master_data.check_employee_deletable,)


class RankApi(ScopedApi):
    resource_name = "rank"
    datamodel = ScopedInterface(Rank)
    class_permission_name = "Rank"
    include_route_methods = READ_ONLY_METHODS
    list_columns = show_columns = ["id", "code", "golongan", "pangkat", "employment_type"]
    order_columns = ["code"]
