"""Links that are keys stay out of the logs.

A witness link, an invitation and a password-reset link each work for whoever holds them, so
the access log (Werkzeug's in development, gunicorn's in production) must not keep them: the
token in such a path is written as ``[token]``. Everything else in the line is left alone.
"""

import logging
import re

from gunicorn.glogging import Logger as GunicornLogger

#: the paths whose last part is a live token (see auth/links.py and witness/views.py)
TOKEN_PATH = re.compile(r"(/(?:witness|invitation|reset-password)/)[^/\s?#\"']+")
REDACTED = r"\1[token]"


def redact(text: str) -> str:
    return TOKEN_PATH.sub(REDACTED, text)


class RedactTokens(logging.Filter):
    """For a logger (Werkzeug's): tokens are taken out of the message and its arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


class AccessLog(GunicornLogger):
    """gunicorn's logger, with tokens taken out of the request line, path and referrer
    (``logger_class`` in portfolio/gunicorn_settings.py)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if isinstance(value, str) and "/" in value:
                atoms[key] = redact(value)
        return atoms


def init_app(app) -> None:
    werkzeug = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactTokens) for f in werkzeug.filters):
        werkzeug.addFilter(RedactTokens())
