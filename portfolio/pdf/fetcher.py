"""WeasyPrint's only way to read anything: a fetcher that serves the stored files the app chose
to embed, by storage key, and refuses every other URL.

Learner-written content is sanitized Markdown with no images, but a PDF engine that followed
any URL would still be a way to read local files or reach internal hosts (through CSS
``url()``, an SVG reference, a crafted file name...). So the fetcher starts from nothing: each
render gets the exact set of ``portfolio:file/<key>`` URLs it may serve, and every refusal is
recorded so tests can show nothing else was asked for.
"""

from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..storage import check_key, get_storage

SCHEME = "portfolio:"
BASE_URL = "portfolio:/"


def file_url(key: str) -> str:
    """The address a template uses for a stored file it embeds."""
    return f"{SCHEME}file/{check_key(key)}"


class RefusedURL(ValueError):
    """WeasyPrint logs this and carries on without the resource."""


class StoredFilesOnly(URLFetcher):
    def __init__(self, allowed: dict[str, str]):
        """``allowed`` maps each storage key the document may embed to its content type."""
        super().__init__(allowed_protocols=(), allow_redirects=False, timeout=1)
        self.allowed = dict(allowed)
        self.refused: list[str] = []
        self.served: list[str] = []

    def fetch(self, url, headers=None):
        prefix = f"{SCHEME}file/"
        key = url[len(prefix) :] if url.startswith(prefix) else None
        if key is None or key not in self.allowed:
            self.refused.append(url)
            raise RefusedURL(f"not one of this document's files: {url[:200]!r}")
        self.served.append(key)
        body = get_storage().open(key)
        return URLFetcherResponse(url, body=body, headers={"Content-Type": self.allowed[key]})
