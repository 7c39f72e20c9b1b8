"""REST resources of the SKM survey: /api/v1/ikm/<unit_id>/<period_id> (the report as JSON),
/api/v1/surveyperiod/, /api/v1/improvementplan/ and /api/v1/surveykiosk/ (CRUD in the user's agencies;
a kiosk's one-time registration link from POST /api/v1/surveykiosk/<id>/registration), and HR Admin's
/api/v1/policysetting/ (list, add, delete; GET …/in-force: every policy's value today)."""
from flask import url_for
from flask_appbuilder.api import BaseApi, expose
from flask_appbuilder.security.decorators import protect

from app.api.base import ScopedApi
from app.domain.messages import DomainError
from app.formatting import translated
from app.models.policy import PolicySetting
from app.models.survey import ImprovementPlan, SurveyKiosk, SurveyPeriod
from app.security.scope import ScopedInterface
from app.services import local_time, policy, survey


class IkmApi(BaseApi):
    resource_name = "ikm"
    class_permission_name = "IkmReport"
    method_permission_name = {"unit_report": "read"}

    @expose("/<int:unit_id>/<int:period_id>", methods=["GET"])
    @protect()
    def unit_report(self, unit_id, period_id):
        """The IKM report of a unit and period, as on the report page; 404 outside the user's scope.
        ---
        get:
          parameters:
          - in: path
            name: unit_id
            schema: {type: integer}
          - in: path
            name: period_id
            schema: {type: integer}
          responses:
            200: {description: The IKM figures}
            404: {description: No such unit and period in your scope}
        """
        report = survey.unit_ikm_report(unit_id, period_id)
        if report is None:
            return self.response_404()
        return self.response(200, **report.as_dict())


class SurveyPeriodApi(ScopedApi):
    resource_name = "surveyperiod"
    datamodel = ScopedInterface(SurveyPeriod)
    class_permission_name = "SurveyPeriod"
    list_columns = show_columns = ["id", "kind", "start_date", "end_date", "population", "is_open",
                                   "unit.id", "unit.code", "unit.name", "agency.id", "agency.name"]
    add_columns = edit_columns = ["unit", "kind", "start_date", "end_date", "population", "is_open"]
    search_columns = ["unit", "kind", "start_date", "is_open"]
    order_columns = ["start_date", "end_date"]
    validators = (survey.check_period,)
    delete_checks = (survey.check_period_deletable,)


class ImprovementPlanApi(ScopedApi):
    resource_name = "improvementplan"
    datamodel = ScopedInterface(ImprovementPlan)
    class_permission_name = "ImprovementPlan"
    list_columns = show_columns = ["id", "action", "target_date", "status", "unit.id", "unit.name",
                                   "period.id", "element.code", "element.name", "agency.id"]
    add_columns = edit_columns = ["unit", "period", "element", "action", "target_date", "status"]
    search_columns = ["unit", "element", "status"]
    order_columns = ["target_date"]
    validators = (survey.check_plan,)


class SurveyKioskApi(ScopedApi):
    resource_name = "surveykiosk"
    datamodel = ScopedInterface(SurveyKiosk)
    class_permission_name = "SurveyKiosk"
    method_permission_name = {**ScopedApi.method_permission_name, "registration": "write"}
    list_columns = show_columns = ["id", "name", "active", "registered_at", "unit.id", "unit.code", "unit.name",
                                   "agency.id"]
    add_columns = ["unit", "name", "active"]
    edit_columns = ["name", "active"]
    search_columns = ["unit", "name", "active"]
    order_columns = ["name"]
    validators = (survey.check_kiosk,)

    @expose("/<int:pk>/registration", methods=["POST"])
    @protect()
    def registration(self, pk):
        """A new one-time registration link of the kiosk (valid for a day); the device registered before stops.
        ---
        post:
          parameters:
          - in: path
            name: pk
            schema: {type: integer}
          responses:
            200: {description: "{registration_code, link}: open the link on the kiosk device, or send the code from a kiosk app"}
            400: {description: The kiosk is deactivated}
            404: {description: No such kiosk in your agencies}
        """
        try:
            kiosk, code = survey.issue_kiosk_registration(pk)
        except DomainError as error:
            if error.field == "kiosk":
                return self.response_404()
            return self.response_400(message=translated(error))
        return self.response(200, id=kiosk.id, registration_code=code,
                             link=url_for("public_survey.kiosk_registration", code=code, _external=True))


class PolicySettingApi(ScopedApi):
    """HR Admin's policy settings (RULES.md "(policy)"); never edited: a new value is a new setting."""

    resource_name = "policysetting"
    datamodel = ScopedInterface(PolicySetting)
    class_permission_name = "PolicySetting"
    method_permission_name = {**ScopedApi.method_permission_name, "in_force": "read"}
    include_route_methods = {"get", "get_list", "post", "delete", "info", "in_force"}
    list_columns = show_columns = ["id", "key", "value", "effective_from", "reason"]
    add_columns = ["key", "value", "effective_from", "reason"]
    search_columns = ["key", "effective_from"]
    order_columns = ["key", "effective_from"]
    validators = (policy.check_policy_setting,)
    delete_checks = (policy.check_policy_setting_deletable,)
    save_effects = (policy.follow_saved_setting,)
    delete_effects = (policy.follow_deleted_setting,)

    @expose("/in-force", methods=["GET"])
    @protect()
    def in_force(self):
        """Every policy with its value today, since when (null: the regulation's default) and its rule.
        ---
        get:
          responses:
            200: {description: "{result: [{key, value, since, default, rule}]}"}
        """
        return self.response(200, result=[row.as_dict() for row in policy.policies_in_force(local_time.today())])
