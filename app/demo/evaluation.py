"""The demo's annual 2026 evaluations along its SKP chains."""
from __future__ import annotations

from sqlalchemy import select

from app.demo.planning import DEMO_CHAINS
from app.domain.distribution import OrganizationPredikat
from app.domain.predikat import employee_predikat
from app.extensions import db
from app.models import Agency, Position
from app.models.audit import utcnow
from app.models.evaluation import Evaluation, EvaluationRealisation, Feedback
from app.models.planning import OrganizationRating, Period, WorkPlan
from app.services.evaluation import _copy_scope, organization_predikat


# (work-result rating, behaviour rating) per position along each demo chain head → kabid → kasi, and the
# 2026 organisation predikat: Disdikbud (Baik) passes its curve and is final; Dinkes (Baik, everybody Baik)
# breaks "at least one Butuh Perbaikan or Kurang/Misconduct", so its evaluations wait, acknowledged.
DEMO_RATING_NOTE = "Hasil evaluasi SAKIP 2026 (demo)."
DEMO_EVALUATIONS_2026 = {
    "DISDIKBUD": (OrganizationPredikat.BAIK, "final", ((1, 1), (2, 2), (3, 2))),
    "DINKES": (OrganizationPredikat.BAIK, "acknowledged", ((2, 2), (2, 1), (2, 2))),
}


def load_demo_evaluations() -> None:
    """Annual 2026 evaluations of the demo chains (see DEMO_EVALUATIONS_2026), with realisation at the target
    and one feedback each. Idempotent: an agency whose chain already has annual evaluations is left as it is."""
    period = db.session.scalar(select(Period).where(Period.year == 2026))
    if period is None:
        return
    for code, (organization, status, ratings) in DEMO_EVALUATIONS_2026.items():
        agency = db.session.scalar(select(Agency).where(Agency.code == code))
        if agency is None:
            continue
        if organization_predikat(agency.id, period.id) is None:
            db.session.add(OrganizationRating(agency=agency, period=period, predikat=int(organization),
                                              note=DEMO_RATING_NOTE))
        for (position_code, _results), (work, behaviour) in zip(DEMO_CHAINS[code], ratings):
            plan = db.session.scalar(select(WorkPlan).join(Position, WorkPlan.position_id == Position.id).where(
                Position.code == position_code, WorkPlan.period_id == period.id, WorkPlan.status == "approved"))
            if plan is None or db.session.scalar(select(Evaluation.id).where(
                    Evaluation.work_plan_id == plan.id, Evaluation.kind == "ANNUAL")) is not None:
                continue
            _demo_evaluation(plan, period, status, work, behaviour)
    db.session.commit()


def _demo_evaluation(plan: WorkPlan, period: Period, status: str, work: int, behaviour: int) -> None:
    moment = utcnow()
    evaluation = Evaluation(work_plan=plan, period_id=period.id, kind="ANNUAL", window_start=period.start_date,
                            window_end=period.end_date, status=status, version=1, work_result_rating=work,
                            behaviour_rating=behaviour, predikat=int(employee_predikat(work, behaviour)),
                            submitted_at=moment, acknowledged_at=moment,
                            finalised_at=moment if status == "final" else None)
    _copy_scope(evaluation, plan)
    db.session.add(evaluation)
    for result in plan.results:
        for indicator in result.indicators:
            realisation = EvaluationRealisation(evaluation=evaluation, result_indicator=indicator,
                                                value=indicator.target_value,
                                                evidence_link="https://bulungankab.go.id/kinerja/2026")
            _copy_scope(realisation, plan)
            db.session.add(realisation)
        feedback = Feedback(evaluation=evaluation, target_kind="RESULT", work_result=result, created_at=moment,
                            text="Capaian sesuai rencana; dokumentasikan bukti tiap triwulan.")
        _copy_scope(feedback, plan)
        db.session.add(feedback)
