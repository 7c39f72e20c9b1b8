"""Master data views: agencies, units, positions, employees, and the read-only reference tables."""
from flask_babel import lazy_gettext as _l

from app.models import Agency, Employee, Position, Unit
from app.models.organization import AGENCY_KINDS, EMPLOYMENT_TYPES, UNIT_KINDS
from app.models.survey import SEXES
from app.security.scope import ScopedInterface
from app.services import master_data
from app.views.base import ExcelExport, ScopedModelView, choice_field, coded, nip_cell
from app.views.fields import LookupField, NipField

LABELS = {
    "code": _l("Code"), "name": _l("Name"), "short_name": _l("Short name"), "kind": _l("Kind"),
    "kind_label": _l("Kind"), "address": _l("Address"), "active": _l("Active"),
    "agency": _l("Agency"), "unit": _l("Unit"), "parent": _l("Parent unit"),
    "serves_public": _l("Serves the public"), "position": _l("Position"), "rank": _l("Rank"),
    "nip": _l("NIP / NI PPPK"), "nip_display": _l("NIP / NI PPPK"),
    "employment_type": _l("Employment type"), "employment_type_label": _l("Employment type"),
    "sex": _l("Sex"), "birth_date": _l("Birth date"), "tmt_cpns": _l("TMT CPNS"),
    "appointment_year": _l("Year first appointed"),
    "tmt_position": _l("TMT position"), "email": _l("Email"), "phone": _l("Phone"),
    "position.code": _l("Position code"), "unit.code": _l("Unit code"),
}


class AgencyView(ScopedModelView):
    datamodel = ScopedInterface(Agency)
    class_permission_name = "Agency"
    list_title = _l("Agencies")
    show_title = add_title = edit_title = _l("Agency")
    label_columns = LABELS
    list_columns = ["code", "name", "kind_label", "active"]
    search_columns = ["code", "name", "kind", "active"]
    add_columns = edit_columns = ["code", "name", "short_name", "kind", "address", "active"]
    show_columns = add_columns
    order_columns = ["code", "name"]
    add_form_extra_fields = edit_form_extra_fields = {"kind": choice_field(_l("Kind"), AGENCY_KINDS)}
    delete_checks = (master_data.check_agency_deletable,)


class UnitView(ScopedModelView):
    datamodel = ScopedInterface(Unit)
    class_permission_name = "Unit"
    list_title = _l("Units")
    show_title = add_title = edit_title = _l("Unit")
    label_columns = LABELS
    list_columns = ["code", "name", "kind_label", "agency", "parent", "serves_public", "active"]
    search_columns = ["code", "name", "agency", "kind", "serves_public", "active"]
    add_columns = edit_columns = ["agency", "parent", "code", "name", "kind", "serves_public", "active"]
    show_columns = add_columns
    order_columns = ["code", "name"]
    add_form_extra_fields = edit_form_extra_fields = {
        "kind": choice_field(_l("Kind"), UNIT_KINDS),
        "parent": LookupField(_l("Parent unit"), model=Unit, lookup="unit"),
    }
    validators = (master_data.check_unit,)
    delete_checks = (master_data.check_unit_deletable,)


class PositionView(ScopedModelView):
    datamodel = ScopedInterface(Position)
    class_permission_name = "Position"
    list_title = _l("Positions")
    show_title = add_title = edit_title = _l("Position")
    label_columns = {**LABELS, "parent": _l("Superior position")}
    description_columns = {
        "parent": _l("The position this one reports to: its holder is the evaluator (Pejabat Penilai Kinerja)."),
    }
    list_columns = ["code", "name", "kind", "unit", "agency", "parent"]
    search_columns = ["code", "name", "agency", "kind", "active"]
    add_columns = edit_columns = ["agency", "unit", "parent", "kind", "code", "name", "active"]
    show_columns = add_columns
    order_columns = ["code", "name"]
    add_form_extra_fields = edit_form_extra_fields = {
        "unit": LookupField(_l("Unit"), model=Unit, lookup="unit"),
        "parent": LookupField(_l("Superior position"), model=Position, lookup="position"),
    }
    validators = (master_data.check_position,)
    delete_checks = (master_data.check_position_deletable,)


NIP_HELP = _l("18 digits, e.g. 198609262015051001 (PNS) or 200012312024211001 (PPPK); spaces "
           "are ignored. Birth date, sex and TMT CPNS are read from it.")


class EmployeeView(ExcelExport, ScopedModelView):
    datamodel = ScopedInterface(Employee)
    class_permission_name = "Employee"
    list_title = _l("Employees")
    show_title = add_title = edit_title = _l("Employee")
    # The record links to the employee's performance page (app.views.performance) for those who may read it.
    show_template = "performance/employee_show.html"
    label_columns = LABELS
    description_columns = {
        "name": _l("Full name with academic titles, e.g. Dr. Hj. Siti Aminah, S.Pd., M.Pd."),
    }
    list_columns = ["nip", "name", "rank", "position", "unit", "agency", "active"]
    search_columns = ["nip", "name", "agency", "employment_type", "active"]
    add_columns = edit_columns = ["employment_type", "nip", "name", "agency", "unit", "position", "rank",
                                  "tmt_position", "email", "phone", "active"]
    show_columns = ["nip_display", "employment_type_label", "name", "sex", "birth_date", "tmt_cpns",
                    "appointment_year",
                    "agency", "unit", "position", "rank", "tmt_position", "email", "phone", "active"]
    order_columns = ["nip", "name"]
    # The export is the import's file (Data Induk → Import): codes beside the names, so that an exported,
    # edited and re-imported sheet finds every position and unit again.
    export_columns = ["nip", "name", "employment_type", "rank", "position.code", "position", "unit.code", "unit",
                      "agency", "email", "phone", "tmt_position", "active"]
    add_form_extra_fields = edit_form_extra_fields = {
        "employment_type": choice_field(_l("Employment type"), EMPLOYMENT_TYPES),
        "nip": NipField(_l("NIP / NI PPPK"), description=NIP_HELP),
        "unit": LookupField(_l("Unit"), model=Unit, lookup="unit"),
        "position": LookupField(_l("Position"), model=Position, lookup="position"),
    }
    formatters_columns = {"sex": coded(SEXES), "nip": nip_cell}
    export_as_stored = ("nip",)
    validators = (master_data.check_employee,)
    delete_checks = (master_data.check_employee_deletable,)


