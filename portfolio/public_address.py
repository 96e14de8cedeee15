"""The site's one public address, and every link that leaves the site.

A link that is mailed, printed in a PDF or written into an archive manifest is built from the
``PUBLIC_URL`` setting, never from the request: a request's ``Host`` (or a proxy's
``X-Forwarded-Host``) is whatever the sender chose, and a reset link on an attacker's host
hands them the account. Requests for any other host are refused by Flask's ``TRUSTED_HOSTS``.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from werkzeug.exceptions import NotFound


class PublicAddressError(ValueError):
    """PUBLIC_URL is not an address people could open."""


@dataclass(frozen=True)
class PublicAddress:
    scheme: str
    netloc: str  # host and optional port
    hostname: str
    prefix: str  # "" or "/portfolio"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.netloc}{self.prefix}"

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.netloc}"

    @classmethod
    def parse(cls, value: str) -> "PublicAddress":
        text = (value or "").strip()
        parts = urlsplit(text)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise PublicAddressError(
                f"PUBLIC_URL should be the address people open, such as "
                f"https://portfolio.example.ac.uk, not {value!r}."
            )
        if parts.query or parts.fragment or parts.username or parts.password:
            raise PublicAddressError(
                f"PUBLIC_URL should have no query, fragment or password in it: {value!r}."
            )
        try:
            parts.port  # noqa: B018  (raises on a port that is not a number)
        except ValueError as error:
            raise PublicAddressError(
                f"PUBLIC_URL has a port that is not a number: {value!r}."
            ) from error
        return cls(
            scheme=parts.scheme,
            netloc=parts.netloc.lower(),
            hostname=parts.hostname.lower(),
            prefix=parts.path.rstrip("/"),
        )


def current() -> PublicAddress:
    return PublicAddress.parse(current_app.config["PUBLIC_URL"])


def external_url(endpoint: str, **values) -> str:
    """The absolute URL of ``endpoint`` on the public address, whatever the request says."""
    address = current()
    adapter = current_app.url_map.bind(
        address.netloc, script_name=address.prefix or "/", url_scheme=address.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def absolute(path: str) -> str:
    """A site-relative path (as ``url_for`` gives it, prefix included) made absolute on the
    public address; an empty path stays empty."""
    if not path:
        return path
    return current().origin + path


class PrefixMiddleware:
    """Serve the app under the public address's path prefix (``/portfolio``): the proxy passes
    the path through unchanged, and anything outside the prefix is not ours (404)."""

    def __init__(self, app, prefix: str):
        self.app = app
        self.prefix = prefix

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path != self.prefix and not path.startswith(self.prefix + "/"):
            return NotFound()(environ, start_response)
        environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + self.prefix
        environ["PATH_INFO"] = path[len(self.prefix) :] or "/"
        return self.app(environ, start_response)
