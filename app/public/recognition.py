"""The public recognition wall, without login (GET /recognition): this year's awardees (name, award, agency —
no NIP or other personal data) and the best-rated service units by IKM (aggregates only)."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import get_locale

from app.formatting import decimal
from app.public.survey import choose_language
from app.services import recognition
from app.services.local_time import today


def wall():
    return render_template("public/recognition.html", english=str(get_locale()) == "en", kiosk=False, unit=None,
                           wall=recognition.wall(today().year, public=True), decimal=decimal)


def register_public_recognition(app) -> None:
    """The route; called once per application (a second create_app in one process gets its own)."""
    public_recognition = Blueprint("public_recognition", __name__, url_prefix="/recognition")
    public_recognition.before_request(choose_language)
    public_recognition.add_url_rule("/", view_func=wall, strict_slashes=False)
    app.register_blueprint(public_recognition)
