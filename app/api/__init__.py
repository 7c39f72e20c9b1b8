"""REST resources under /api/v1/, one module per area, all on the scoped data interface (app.api.base)."""


def register_apis(appbuilder) -> None:
    """Every REST resource; called from create_app after the views. Imported here, not at the top: a module
    that needs only app.api.base or app.api.schema must not load every resource with it."""
    from app.api import rison_schemas
    from app.api.activity import DailyActivityApi
    from app.api.allowance import AllowanceApi
    from app.api.cycle import CycleApi
    from app.api.dialogue import DIALOGUE_APIS
    from app.api.evaluation import EVALUATION_APIS
    from app.api.master_data import AgencyApi, EmployeeApi, PositionApi, RankApi, UnitApi
    from app.api.performance import PerformanceApi
    from app.api.planning import PLANNING_APIS
    from app.api.recognition import RECOGNITION_APIS
    from app.api.survey import IkmApi, ImprovementPlanApi, PolicySettingApi, SurveyKioskApi, SurveyPeriodApi
    from app.api.training import TRAINING_APIS

    rison_schemas.install()  # FAB's static argument schemas are checked once, not on every request
    for api in (AgencyApi, UnitApi, PositionApi, EmployeeApi, RankApi, AllowanceApi, *PLANNING_APIS,
                DailyActivityApi, PerformanceApi, *EVALUATION_APIS, *DIALOGUE_APIS, CycleApi, *TRAINING_APIS,
                *RECOGNITION_APIS, IkmApi, SurveyPeriodApi, ImprovementPlanApi, SurveyKioskApi, PolicySettingApi):
        appbuilder.add_api(api)
