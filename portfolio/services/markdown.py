"""Markdown written by people (reflective accounts, guidance) rendered to safe HTML.

Markdown is converted first, then nh3 (a maintained sanitizer) keeps only plain formatting: no
script, no event handlers, no style, no iframes and no images at all (a remote image would leak
the reader's visit; evidence photos are uploaded as files instead). Links keep http(s) and mailto
targets and get ``rel="noopener noreferrer nofollow"``.
"""

import re

import markdown as markdown_lib
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr",
    "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
CLASSES = {
    "p": "govuk-body",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "h2": "govuk-heading-m",
    "h3": "govuk-heading-s",
    "a": "govuk-link",
    "table": "govuk-table",
    "thead": "govuk-table__head",
    "tbody": "govuk-table__body",
    "tr": "govuk-table__row",
    "th": "govuk-table__header",
    "td": "govuk-table__cell",
}
#: the page owns its <h1>; a learner's top-level heading becomes a second-level one
_TOP_HEADING = re.compile(r"<(/?)h1\b")


def render_markdown(text: str | None) -> Markup:
    """Markdown to sanitized HTML, ready to place in a template."""
    if not text:
        return Markup("")
    html = markdown_lib.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    html = _TOP_HEADING.sub(r"<\1h2", html)
    safe = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "iframe", "object", "embed", "template"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        set_tag_attribute_values={tag: {"class": css} for tag, css in CLASSES.items()},
    )
    return Markup(safe)  # noqa: S704 - sanitized by nh3 just above


def init_app(app):
    app.jinja_env.filters["markdown"] = render_markdown
