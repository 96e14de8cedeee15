"""Security headers on every response, and friendly error pages that leak nothing."""

import pytest
from people_helpers import page_text

CSP_MUST_HAVE = [
    "default-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
]


def assert_safe_headers(response):
    csp = response.headers["Content-Security-Policy"]
    for directive in CSP_MUST_HAVE:
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("path", ["/", "/sign-in", "/forgot-password", "/no-such-page"])
def test_public_pages_and_errors_carry_the_security_headers(client, path):
    assert_safe_headers(client.get(path))


def test_signed_in_pages_carry_the_security_headers(client, make_user, login_as):
    login_as(make_user("admin"))

    assert_safe_headers(client.get("/admin"))
    assert_safe_headers(client.get("/admin/audit"))


def test_no_page_uses_inline_script_or_style(client, make_user, login_as):
    login_as(make_user("admin"))
    for path in ("/admin", "/admin/people/new", "/admin/audit", "/account/password"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>" not in page and " style=" not in page and "onclick" not in page


def test_strict_transport_security_when_cookies_are_secure(app, client):
    app.config["SESSION_COOKIE_SECURE"] = True

    assert client.get("/").headers["Strict-Transport-Security"].startswith("max-age=")


def test_served_over_https_every_cookie_is_secure_http_only_and_same_site(make_app, make_user):
    from conftest import PASSWORD

    app = make_app(PUBLIC_URL="https://portfolio.example.ac.uk", TRUSTED_HOSTS=None)
    client = app.test_client()
    site = "https://portfolio.example.ac.uk"
    person = make_user("assessor")

    first = client.get("/sign-in", base_url=site)
    signed_in = client.post(
        "/sign-in", data={"email": person.email, "password": PASSWORD}, base_url=site
    )
    after = client.get("/caseload", base_url=site)

    cookies = [c for r in (first, signed_in, after) for c in r.headers.getlist("Set-Cookie")]
    assert cookies, "signing in sets the session cookie"
    for cookie in cookies:
        attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
        assert {"secure", "httponly", "samesite"} <= attributes, cookie
        assert "SameSite=Lax" in cookie
    assert after.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_over_plain_http_locally_there_is_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_a_missing_page_is_a_friendly_404(client):
    response = client.get("/no-such-page")

    assert response.status_code == 404
    page = page_text(response)
    assert "Page not found" in page
    assert "If you typed the web address, check it is correct." in page


def test_a_refused_action_is_a_friendly_403(app, client):
    from flask import abort

    app.add_url_rule("/forbidden-for-test", "forbidden", lambda: abort(403))

    response = client.get("/forbidden-for-test")

    assert response.status_code == 403
    assert "You do not have permission to do that." in page_text(response)


@pytest.fixture
def app_config(app_config):
    app_config["MAX_UPLOAD_BYTES"] = 1024
    app_config["PROPAGATE_EXCEPTIONS"] = False
    return app_config


def test_a_request_that_is_too_large_is_a_friendly_413(client):
    too_big = "x" * (2 * 1024 * 1024)

    response = client.post("/sign-in", data={"email": "a@example.org", "password": too_big})

    assert response.status_code == 413
    page = page_text(response)
    assert "That was more than this page accepts" in page
    assert "A form here can send at most 2 MiB." in page


def test_a_crash_is_a_friendly_500_that_reveals_nothing(app, client):
    def crash():
        raise RuntimeError("secret internals: password=hunter2")

    app.add_url_rule("/crash-for-test", "crash", crash)

    response = client.get("/crash-for-test")

    assert response.status_code == 500
    page = page_text(response)
    assert "Sorry, there is a problem with the service" in page
    assert "hunter2" not in page and "Traceback" not in page
    assert_safe_headers(response)


def test_errors_answer_json_to_clients_that_ask_for_it(client):
    response = client.get("/no-such-page", headers={"Accept": "application/json"})

    assert response.status_code == 404
    assert response.get_json()["error"] == "Page not found"
