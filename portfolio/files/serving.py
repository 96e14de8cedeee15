"""Send a stored file with conditional requests and byte ranges (so audio and video can seek)."""

from flask import abort, request, send_file
from werkzeug.exceptions import RequestedRangeNotSatisfiable

from ..storage import MissingFile, get_storage

#: no scripts, no plugins, no framing for anything served from evidence, PDFs included: a
#: learner's PDF may carry script, and the sandbox gives it an origin of its own (current
#: Chromium and Firefox viewers show a sandboxed PDF; checked by hand with Debian's Chromium)
FILE_CSP = "default-src 'none'; img-src 'self'; media-src 'self'; frame-ancestors 'none'; sandbox"


def send_stored(key: str, *, content_type: str, name: str, inline: bool, etag: str):
    storage = get_storage()
    try:
        size = storage.size(key)
        handle = storage.open(key)
    except MissingFile:
        abort(404)
    response = send_file(
        handle,
        mimetype=content_type,
        as_attachment=not inline,
        download_name=name,
        conditional=False,
        etag=etag,
    )
    response.content_length = size
    try:
        response = response.make_conditional(request, accept_ranges=True, complete_length=size)
    except RequestedRangeNotSatisfiable:
        handle.close()
        raise
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.private = True
    response.cache_control.no_cache = True
    response.headers["Content-Security-Policy"] = FILE_CSP
    return response
