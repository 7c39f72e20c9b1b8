"""REST resources of the SKM survey: /api/v1/ikm/<unit_id>/<period_id> (the report as JSON),
/api/v1/surveyperiod/ and /api/v1/improvementplan/ (CRUD in the user's agencies)."""
from flask_appbuilder.api import BaseApi, expose
from flask_appbuilder.security.decorators import protect

from app.models.survey import ImprovementPlan, SurveyPeriod
from app.security.scope import ScopedInterface
from app.services import survey
from app.views.base import ScopedApi


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
