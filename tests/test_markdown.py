"""Learners write in Markdown; what reaches a page is sanitized HTML (nh3)."""

import pytest
from evidence_samples import make_draft

from portfolio.services.markdown import render_markdown

ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<iframe src=https://evil.example></iframe>",
    "<svg onload=alert(1)><script>alert(1)</script></svg>",
    '<a href="https://example.org" onclick="alert(1)" style="color:red">styled</a>',
    "<details open ontoggle=alert(1)>x</details>",
    "<form action=https://evil.example><input name=password></form>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<object data=evil.swf></object><embed src=evil.swf>",
    "<style>body{display:none}</style>",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_no_script_handler_style_frame_or_form_survives(attack):
    html = str(render_markdown(f"Before {attack} after"))
    for banned in (
        "<script",
        "onerror",
        "onload",
        "onclick",
        "ontoggle",
        "javascript:",
        "data:",
        "<iframe",
        "<svg",
        "<form",
        "<input",
        "<object",
        "<embed",
        "<style",
        "style=",
        "<img",
    ):
        assert banned not in html.lower(), (attack, html)


def test_remote_images_are_dropped_so_readers_are_not_tracked():
    html = str(render_markdown("![pixel](https://tracker.example/p.gif)"))
    assert "tracker.example" not in html and "<img" not in html


def test_links_get_safe_attributes():
    html = str(render_markdown("See [our plan](https://example.org/plan)."))
    assert (
        '<a href="https://example.org/plan" class="govuk-link" '
        'rel="noopener noreferrer nofollow">our plan</a>'
    ) in html


def test_ordinary_formatting_is_kept_with_govuk_styles():
    html = str(render_markdown("# What happened\n\nWe met **twice**.\n\n- a list\n- of points"))
    assert '<h2 class="govuk-heading-m">What happened</h2>' in html  # the page keeps its own h1
    assert "<strong>twice</strong>" in html
    assert '<ul class="govuk-list govuk-list--bullet">' in html


def test_tables_get_govuk_classes():
    html = str(render_markdown("| Week | Panel |\n|---|---|\n| 1 | 6 |"))
    assert '<table class="govuk-table">' in html
    assert '<td class="govuk-table__cell">6</td>' in html


def test_empty_text_renders_nothing():
    assert str(render_markdown("")) == "" and str(render_markdown(None)) == ""


def test_an_xss_payload_in_a_reflective_account_is_harmless_on_the_page(
    client, make_enrolment, login_as
):
    enrolment = make_enrolment()
    login_as(enrolment.learner)
    evidence = make_draft(
        enrolment,
        account_md='I reflected. <script>alert("xss")</script><img src=x onerror=alert(1)> '
        "[more](javascript:alert(2))",
    )
    page = client.get(f"/evidence/{evidence.id}").get_data(as_text=True)
    assert "I reflected." in page
    assert 'alert("xss")' not in page and "onerror" not in page and "javascript:" not in page


def test_the_preview_is_sanitized_too(client, make_enrolment, login_as):
    enrolment = make_enrolment()
    login_as(enrolment.learner)
    response = client.post(
        f"/portfolio/{enrolment.id}/evidence/new",
        data={"action": "preview", "account_md": "<script>alert(1)</script>**bold**"},
    )
    page = response.get_data(as_text=True)
    assert "<strong>bold</strong>" in page
    assert "<script>alert(1)</script>" not in page
