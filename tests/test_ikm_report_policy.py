"""The signed IKM report names the policy its figures use and how the answers came in (issue 20): the weight
of each element (exactly 1/9 or the printed 0.11) and the responses by web form, kiosk and paper, while a
report signed before these lines were printed still verifies as unchanged."""
from sqlalchemy import select

from app.documents import fingerprint as fingerprints
from app.documents.render import printed_variables
from app.models.survey import SurveyPeriod
from app.services.document_kinds import IKM_WEIGHT_WORDING
from tests.helpers import agency_id, database
from tests.test_documents_render import pages, rendered, subject_of

ADDED_LINES = {"ikm_weight", "channels"}


def _dinkes_period():
    with database() as session:
        return session.scalar(select(SurveyPeriod.id).where(SurveyPeriod.agency_id == agency_id("DINKES"))
                              .order_by(SurveyPeriod.id))


def test_the_report_names_the_weight_and_the_responses_per_channel(app):
    period_id = _dinkes_period()
    _kind, subject = subject_of(app, "ikm_report", str(period_id))
    channels = subject.context["channels"]
    assert sum(channels.values()) == subject.context["respondents"] > 0
    whole = " ".join(pages(rendered(app, "ikm_report", str(period_id))))
    assert "Bobot unsur dalam IKM tepat 1/9 untuk setiap unsur" in whole
    assert (f"formulir web {channels['web']} · kios survei {channels['kiosk']} · "
            f"kuesioner kertas (diinput petugas) {channels['paper']}") in whole


def test_the_printed_weight_is_named_as_the_regulation_prints_it():
    assert "0,11" in IKM_WEIGHT_WORDING["printed"] and "PermenPANRB 14/2017" in IKM_WEIGHT_WORDING["printed"]


def test_a_report_signed_before_the_new_lines_keeps_its_fingerprint(app, monkeypatch):
    """The fingerprint stored with a signature of the template before this change covered the variables it
    printed then; the record's fingerprint now is the same, so that signature does not read "changed"."""
    period_id = _dinkes_period()
    kind, subject = subject_of(app, "ikm_report", str(period_id))
    assert ADDED_LINES <= printed_variables(kind.template)  # they are on the paper now
    current = fingerprints.fingerprint(kind, subject)
    before = printed_variables(kind.template) - ADDED_LINES
    monkeypatch.setattr(fingerprints, "printed_variables", lambda _template: before)
    signed_before = fingerprints.fingerprint(kind, subject)
    monkeypatch.undo()
    assert current == signed_before
    assert not fingerprints.changed_since(kind, subject, signed_before)
