"""Small helpers for the people-and-permissions tests (issue 4)."""

import html
import re
from functools import cache

from argon2 import PasswordHasher

from portfolio.extensions import db
from portfolio.models import AuditEntry


def page_text(response) -> str:
    """The response body as a person reads it: entities such as &#39; turned back into text."""
    return html.unescape(response.get_data(as_text=True))


def csrf_token(response) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', response.get_data(True))
    if match is None:
        match = re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True))
    assert match, "no CSRF token on the page"
    return match.group(1)


@cache
def quick_hash(password: str) -> str:
    """An Argon2 hash with the cheapest parameters: verifying it takes microseconds, so tests
    that sign many people in stay fast. The app's own hashes keep the strong defaults."""
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(password)


def audit_actions() -> list[str]:
    return [entry.action for entry in db.session.scalars(db.select(AuditEntry).order_by("id"))]


def invitation_link(response) -> str:
    match = re.search(r'id="invitation-link">([^<]+)<', response.get_data(as_text=True))
    assert match, "no invitation link on the page"
    return html.unescape(match.group(1)).strip()


#: The password ``make_user`` gives people unless told otherwise (see conftest.py).
PASSWORD = "correct horse battery staple"


def date_boxes(name: str, value) -> dict:
    """What a person types into the day, month and year boxes of the date field ``name``.

    ``value`` is a date or "YYYY-MM-DD" (which may be a date that cannot exist, such as
    "2026-02-31"); an empty value leaves the three boxes empty.
    """
    year, month, day = str(value).split("-") if value else ("", "", "")
    return {f"{name}-day": day, f"{name}-month": month, f"{name}-year": year}
