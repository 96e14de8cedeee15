"""Where to send a person after they sign in: only ever a page on this site.

Browsers forgive a lot in a URL: they drop tabs and line breaks anywhere, strip leading control
characters and spaces, and read a backslash as a slash, so ``/\\t/evil.example`` or
``/\\evil.example`` lands on another site. We refuse anything a browser might rewrite rather than
trying to predict every rewrite.
"""

import unicodedata
from urllib.parse import urlsplit


def _rewritable(char: str) -> bool:
    """Characters a browser may drop or reinterpret: controls, format marks, any whitespace."""
    return char.isspace() or unicodedata.category(char).startswith("C") or char == "\\"


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site (``/something``), otherwise None."""
    if not target or any(_rewritable(char) for char in target):
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
