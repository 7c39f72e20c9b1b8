"""The public SKM survey, without login: the form (phone and kiosk), its JSON twin for kiosk apps,
the unit's published results and a printable QR poster.

Every submission goes through app.services.survey.submit_response, so the form and the JSON
endpoint refuse exactly the same input. Rate limits (per client and per unit) are attached at
registration from the application's Flask-Limiter instance.
"""
from __future__ import annotations

import segno
from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_babel import get_locale, gettext, refresh
from flask_limiter.util import get_remote_address

from app.domain.messages import DomainError
from app.extensions import csrf
from app.models.survey import PROFILE_CHOICES, SUGGESTION_MAX_LENGTH
from app.services import survey
from app.views.base import translated

KIOSK_RESET_SECONDS = 6


def choose_language():
    # The links on the page carry ?lang=; FAB's /lang/<code> would send the citizen to the staff home.
    language = request.args.get("lang")
    if language and language in current_app.config.get("LANGUAGES", {}):
        session["locale"] = language
        refresh()


def _is_kiosk() -> bool:
    return request.values.get("kiosk") == "1"


def _page(template: str, status: int = 200, **context):
    """A public page with what the layout needs: language switch and kiosk mode."""
    return render_template(f"public/{template}", english=str(get_locale()) == "en", kiosk=_is_kiosk(),
                           **context), status


def _form_page(unit_code: str, values=None, error: DomainError | None = None, status: int = 200):
    unit = survey.service_unit(unit_code)
    try:
        period, closed = survey.current_period(unit, survey.local_today()), None
    except DomainError as reason:
        period, closed = None, reason
    return _page(
        "survey_form.html", status, unit=unit, period=period, closed=translated(closed) if closed else None,
        elements=survey.survey_elements(), officers=survey.unit_officers(unit),
        choices=PROFILE_CHOICES, values=values or {}, error=translated(error) if error else None,
        error_field=error.field if error else None, honeypot=survey.HONEYPOT_FIELD,
        suggestion_max=SUGGESTION_MAX_LENGTH,
    )


def survey_form(unit_code: str):
    """GET: the empty form. POST: store the answers and thank, or show the form again with the reason."""
    if request.method == "GET":
        return _form_page(unit_code)
    try:
        survey.submit_response(unit_code, request.form.to_dict(), request.remote_addr or "")
    except survey.UnknownServiceUnit:
        raise
    except DomainError as error:
        return _form_page(unit_code, request.form.to_dict(), error, status=400)
    return redirect(url_for("public_survey.thanks", unit_code=unit_code, kiosk="1" if _is_kiosk() else None),
                    code=303)


def thanks(unit_code: str):
    unit = survey.service_unit(unit_code)
    return _page("survey_thanks.html", unit=unit, reset_seconds=KIOSK_RESET_SECONDS)


def results(unit_code: str):
    summary = survey.public_summary(unit_code)
    return _page("survey_results.html", summary=summary, unit=summary.unit)


def poster(unit_code: str):
    unit = survey.service_unit(unit_code)
    address = url_for("public_survey.survey_form", unit_code=unit.code, _external=True)
    qr_svg = segno.make(address, error="m").svg_inline(scale=8, border=2)
    return _page("survey_poster.html", unit=unit, address=address, qr_svg=qr_svg)


def submit_json(unit_code: str):
    """The kiosk apps' submission: 201 {"id"} or 400/404 {"message", "field"}, same rules as the form."""
    payload = request.get_json(silent=True)
    try:
        response_id = survey.submit_response(unit_code, payload, request.remote_addr or "")
    except survey.UnknownServiceUnit as error:
        return jsonify(message=translated(error), field=error.field), 404
    except DomainError as error:
        return jsonify(message=translated(error), field=error.field), 400
    return jsonify(id=response_id, message=gettext("Thank you, your answers were recorded.")), 201


def unknown_unit(error: survey.UnknownServiceUnit):
    return _page("survey_unknown.html", 404, message=translated(error))


def too_many_requests_page(error):
    return _page("survey_unknown.html", 429,
                 message=gettext("Too many submissions; please wait a minute and try again."))


def too_many_requests_json(error):
    return jsonify(message=gettext("Too many submissions; please wait a minute and try again."),
                   field=None), 429


def _unit_key() -> str:
    return f"survey-unit:{(request.view_args or {}).get('unit_code', '')}"


def register_public_survey(app) -> None:
    """Routes, CSRF exemption of the JSON endpoint and rate limits; call once from create_app."""
    limiter = app.appbuilder.sm.limiter
    per_client = limiter.shared_limit(app.config.get("SURVEY_CLIENT_RATE_LIMIT", "30 per minute"),
                                      scope="survey-client", key_func=get_remote_address, methods=["POST"])
    per_unit = limiter.shared_limit(app.config.get("SURVEY_UNIT_RATE_LIMIT", "600 per minute"),
                                    scope="survey-unit", key_func=_unit_key, methods=["POST"])

    def limited(view):
        return per_client(per_unit(view))

    # Built per application, so a second create_app in one process gets its own routes.
    public_survey = Blueprint("public_survey", __name__, url_prefix="/survey")
    # A separate blueprint so that only the JSON endpoint is exempt from CSRF (kiosk apps hold no session).
    public_survey_api = Blueprint("public_survey_api", __name__, url_prefix="/api/v1/public/survey")
    public_survey.before_request(choose_language)
    public_survey.add_url_rule("/<unit_code>", view_func=limited(survey_form), methods=["GET", "POST"])
    public_survey.add_url_rule("/<unit_code>/thanks", view_func=thanks)
    public_survey.add_url_rule("/<unit_code>/results", view_func=results)
    public_survey.add_url_rule("/<unit_code>/poster", view_func=poster)
    public_survey.register_error_handler(survey.UnknownServiceUnit, unknown_unit)
    public_survey.register_error_handler(429, too_many_requests_page)
    public_survey_api.add_url_rule("/<unit_code>", view_func=limited(submit_json), methods=["POST"])
    public_survey_api.register_error_handler(429, too_many_requests_json)
    csrf.exempt(public_survey_api)
    app.register_blueprint(public_survey)
    app.register_blueprint(public_survey_api)
