"""Times as people in the UK read them: stored in UTC, shown in Europe/London.

Every page, PDF and report formats a time through these (in templates, as filters of the same
names), so summer time is applied in one place. Exports meant for machines and signed documents
keep their UTC ISO 8601 timestamps and do not use this module.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
ZONE_NAME = "UK time"


def uk(value: datetime) -> datetime:
    """``value`` in London; a naive datetime is taken to be UTC, as the database stores it."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LONDON)


def uk_today() -> date:
    """Today where the learners are (the server may run on UTC)."""
    return datetime.now(LONDON).date()


def uk_date(value: date | datetime | None, short: bool = False) -> str:
    """ "1 July 2026" (or "1 Jul 2026"): the day in the UK when ``value`` happened."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = uk(value)
    return value.strftime("%-d %b %Y" if short else "%-d %B %Y")


def uk_time(value: datetime | None, seconds: bool = False) -> str:
    """ "13:00" for 12:00 UTC in summer."""
    if value is None:
        return ""
    return uk(value).strftime("%H:%M:%S" if seconds else "%H:%M")


def uk_datetime(value: datetime | None, zone: bool = False, seconds: bool = False) -> str:
    """ "1 July 2026 at 13:00", with " (UK time)" when ``zone``: name the zone once on a page
    or document whose readers may not assume it."""
    if value is None:
        return ""
    text = f"{uk_date(value)} at {uk_time(value, seconds)}"
    return f"{text} ({ZONE_NAME})" if zone else text


def init_app(app) -> None:
    for name, function in (
        ("uk_date", uk_date),
        ("uk_time", uk_time),
        ("uk_datetime", uk_datetime),
    ):
        app.add_template_filter(function, name)
