"""The regency's clock. Tanjung Selor keeps WITA (Asia/Makassar, UTC+8, no daylight saving); moments are stored
in UTC without a zone (``app.models.audit.utcnow``). A day, a deadline, a survey period or a year begins at
local midnight — at 16:00 UTC the day before — so every "today" and every local day of a stored moment is
read here: today, the local day of a stored moment, and the stored moment at which a local day begins."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_ZONE = "Asia/Makassar"


def zone() -> ZoneInfo:
    """The configured zone (BABEL_DEFAULT_TIMEZONE, the one dates are shown in), WITA outside the app."""
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or DEFAULT_ZONE)


def today() -> dt.date:
    return dt.datetime.now(zone()).date()


def local_date(moment: dt.datetime | None) -> dt.date | None:
    """The local day of a stored moment: when an evaluation was delivered, for counting from it."""
    if moment is None:
        return None
    return moment.replace(tzinfo=dt.timezone.utc).astimezone(zone()).date()


def utc_at_local_midnight(day: dt.date) -> dt.datetime:
    """The stored moment at which ``day`` begins: a response sent at 07:30 WITA on 1 January is in the new
    year, though it is still 31 December in UTC."""
    return dt.datetime.combine(day, dt.time.min, zone()).astimezone(dt.timezone.utc).replace(tzinfo=None)
