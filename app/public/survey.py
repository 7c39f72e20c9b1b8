"""The public SKM survey, without login: the form (phone and registered kiosk), its JSON twin for apps,
the unit's published results, a printable QR poster and the registration of a kiosk device.

Every submission goes through app.services.survey.submit_response, so the form and the JSON
endpoint refuse exactly the same input. The open form carries a one-time token (a form sent twice is
stored once; two citizens with the same opinion are both counted); a registered kiosk accepts every
citizen in a row. Rate limits (per client — per kiosk for a registered one — and per unit) are
attached at registration from the application's Flask-Limiter instance.
"""
from __future__ import annotations

import segno
from flask import (Blueprint, current_app, g, jsonify, make_response, redirect, render_template, request,
                   session, url_for)
from flask_babel import get_locale, gettext, refresh
from flask_limiter.util import get_remote_address

from app.domain.messages import DomainError
from app.extensions import csrf
from app.formatting import translated
from app.models.survey import PROFILE_CHOICES, SUGGESTION_MAX_LENGTH
from app.services import local_time, survey

KIOSK_RESET_SECONDS = 6
KIOSK_COOKIE = "sikinerja_kiosk"
KIOSK_HEADER = "X-Kiosk-Token"
KIOSK_COOKIE_DAYS = 5 * 365


def choose_language():
    # The links on the page carry ?lang=; FAB's /lang/<code> would send the citizen to the staff home.
    language = request.args.get("lang")
    if language and language in current_app.config.get("LANGUAGES", {}):
        session["locale"] = language
        refresh()


def _kiosk_token() -> str | None:
    """The device token of a registered kiosk: a kiosk app's header, or the cookie of a kiosk browser."""
    return request.headers.get(KIOSK_HEADER) or request.cookies.get(KIOSK_COOKIE)


def _kiosk():
    """The registered, active kiosk this request comes from (looked up once per request), or None."""
    if "survey_kiosk" not in g:
        token = _kiosk_token()
        g.survey_kiosk = survey.kiosk_for_token(token) if token else None
    return g.survey_kiosk


def _is_kiosk(unit) -> bool:
    kiosk = _kiosk()
    return unit is not None and kiosk is not None and kiosk.unit_id == unit.id


def _page(template: str, status: int = 200, unit=None, **context):
    """A public page with what the layout needs: language switch and kiosk mode."""
    return render_template(f"public/{template}", english=str(get_locale()) == "en", kiosk=_is_kiosk(unit),
                           unit=unit, **context), status


def _form_page(unit_code: str, values=None, error: DomainError | None = None, status: int = 200):
    unit = survey.service_unit(unit_code)
    try:
        period, closed = survey.current_period(unit, local_time.today()), None
    except DomainError as reason:
        period, closed = None, reason
    return _page(
        "survey_form.html", status, unit=unit, period=period, closed=translated(closed) if closed else None,
        elements=survey.survey_elements(), officers=survey.unit_officers(unit),
        choices=PROFILE_CHOICES, values=values or {}, error=translated(error) if error else None,
        error_field=error.field if error else None, honeypot=survey.HONEYPOT_FIELD,
        suggestion_max=SUGGESTION_MAX_LENGTH, not_answered=str(survey.NOT_ANSWERED),
        form_token=survey.issue_form_token(unit) if period else None,
    )


def survey_form(unit_code: str):
    """GET: the empty form. POST: store the answers and thank, or show the form again with the reason."""
    if request.method == "GET":
        return _form_page(unit_code)
    try:
        survey.submit_response(unit_code, request.form.to_dict(), request.remote_addr or "",
                               kiosk_token=_kiosk_token())
    except survey.UnknownServiceUnit:
        raise
    except DomainError as error:
        if error.field != "duplicate":
            return _form_page(unit_code, request.form.to_dict(), error, status=400)
        # The same form sent again (a double tap, the back button): the answers are in already.
    return redirect(url_for("public_survey.thanks", unit_code=unit_code), code=303)


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


def kiosk_registration(code: str):
    """GET: which kiosk this link registers (nothing changes). POST: make this device that kiosk."""
    if request.method == "GET":
        kiosk = survey.kiosk_of_registration_code(code)
        return _page("survey_kiosk_register.html", 200 if kiosk else 404, unit=kiosk.unit if kiosk else None,
                     registering=kiosk, code=code)
    try:
        kiosk, token = survey.register_kiosk_device(code)
    except DomainError as error:
        return _page("survey_kiosk_register.html", 404, registering=None, message=translated(error))
    response = make_response(redirect(url_for("public_survey.survey_form", unit_code=kiosk.unit.code), code=303))
    response.set_cookie(KIOSK_COOKIE, token, max_age=KIOSK_COOKIE_DAYS * 86400, httponly=True, samesite="Lax",
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False), path="/survey/")
    return response


def _json_error(error: DomainError, status: int):
    return jsonify(message=translated(error), field=error.field), status


def submit_json(unit_code: str):
    """Apps' submission: 201 {"id"} or 400/404/409 {"message", "field"}, same rules as the form.

    A kiosk app sends its device token in the X-Kiosk-Token header; any other app first fetches a
    one-time ``form_token`` (GET …/form-token) and sends it with the answers.
    """
    payload = request.get_json(silent=True)
    try:
        response_id = survey.submit_response(unit_code, payload, request.remote_addr or "",
                                             kiosk_token=request.headers.get(KIOSK_HEADER))
    except survey.UnknownServiceUnit as error:
        return _json_error(error, 404)
    except DomainError as error:
        return _json_error(error, 409 if error.field == "duplicate" else 400)
    return jsonify(id=response_id, message=gettext("Thank you, your answers were recorded.")), 201


def form_token_json(unit_code: str):
    """A one-time form token for an app that shows the survey itself: {"form_token", "expires_in"}."""
    try:
        unit = survey.service_unit(unit_code)
    except survey.UnknownServiceUnit as error:
        return _json_error(error, 404)
    return jsonify(form_token=survey.issue_form_token(unit),
                   expires_in=int(survey.form_token_lifetime().total_seconds()))


def register_kiosk_json():
    """A kiosk app redeems its registration code: 201 {"token", "unit_code", "name"} or 400."""
    payload = request.get_json(silent=True)
    try:
        kiosk, token = survey.register_kiosk_device(payload.get("code") if isinstance(payload, dict) else None)
    except DomainError as error:
        return _json_error(error, 400)
    return jsonify(token=token, unit_code=kiosk.unit.code, name=kiosk.name), 201


def unknown_unit(error: survey.UnknownServiceUnit):
    return _page("survey_unknown.html", 404, message=translated(error))


def too_many_requests_page(error):
    return _page("survey_unknown.html", 429,
                 message=gettext("Too many submissions; please wait a minute and try again."))


def too_many_requests_json(error):
    return jsonify(message=gettext("Too many submissions; please wait a minute and try again."),
                   field=None), 429


def _client_key() -> str:
    # A registered kiosk is one client wherever it stands (a shared office address counts each kiosk
    # apart); an unknown token counts as its address, so forged tokens gain nothing.
    kiosk = _kiosk()
    return f"kiosk:{kiosk.id}" if kiosk is not None else get_remote_address()


def _unit_key() -> str:
    return f"survey-unit:{(request.view_args or {}).get('unit_code', '')}"


def register_public_survey(app) -> None:
    """Routes, CSRF exemption of the JSON endpoints and rate limits; call once from create_app."""
    limiter = app.appbuilder.sm.limiter
    per_client = limiter.shared_limit(app.config.get("SURVEY_CLIENT_RATE_LIMIT", "30 per minute"),
                                      scope="survey-client", key_func=_client_key, methods=["POST"])
    per_unit = limiter.shared_limit(app.config.get("SURVEY_UNIT_RATE_LIMIT", "600 per minute"),
                                    scope="survey-unit", key_func=_unit_key, methods=["POST"])

    def limited(view):
        return per_client(per_unit(view))

    # Built per application, so a second create_app in one process gets its own routes.
    public_survey = Blueprint("public_survey", __name__, url_prefix="/survey")
    # A separate blueprint so that only the JSON endpoints are exempt from CSRF (apps hold no session).
    public_survey_api = Blueprint("public_survey_api", __name__, url_prefix="/api/v1/public/survey")
    public_survey.before_request(choose_language)
    public_survey.add_url_rule("/kiosk/<code>", view_func=limited(kiosk_registration), methods=["GET", "POST"])
    public_survey.add_url_rule("/<unit_code>", view_func=limited(survey_form), methods=["GET", "POST"])
    public_survey.add_url_rule("/<unit_code>/thanks", view_func=thanks)
    public_survey.add_url_rule("/<unit_code>/results", view_func=results)
    public_survey.add_url_rule("/<unit_code>/poster", view_func=poster)
    public_survey.register_error_handler(survey.UnknownServiceUnit, unknown_unit)
    public_survey.register_error_handler(429, too_many_requests_page)
    public_survey_api.add_url_rule("/kiosk", view_func=limited(register_kiosk_json), methods=["POST"])
    public_survey_api.add_url_rule("/<unit_code>", view_func=limited(submit_json), methods=["POST"])
    public_survey_api.add_url_rule("/<unit_code>/form-token", view_func=form_token_json, methods=["GET"])
    public_survey_api.register_error_handler(429, too_many_requests_json)
    csrf.exempt(public_survey_api)
    app.register_blueprint(public_survey)
    app.register_blueprint(public_survey_api)
