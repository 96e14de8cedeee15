"""Real-browser fixtures: the app served on loopback, Debian's Chromium driven by Playwright.

Chromium is never downloaded: we launch the system binary (``CHROMIUM`` or /usr/bin/chromium).
Every page a test opens is checked by axe-core with ``assert_accessible(page)``, and any
Content-Security-Policy violation or script error in the console fails the test.
"""

import os
import shutil
import threading

import pytest
from people_helpers import PASSWORD
from werkzeug.serving import make_server

pytestmark = pytest.mark.browser

CHROMIUM_FLAGS = [
    "--no-sandbox",  # we run as root in CI
    "--headless=new",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERIOUS = {"serious", "critical"}


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        pytest.fail(
            f"Chromium not found at {path}: run `make install` (it installs Debian's chromium)"
        )
    return path


@pytest.fixture
def live_server(app):
    """Serve the test app on 127.0.0.1 in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_URL"] = url  # mailed and shown links point where the browser can go
    yield url
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Opens browser tabs, each in a fresh context of its own (own cookies, as a second person
    on another device), whose relative URLs go to the live server. A script error or a console
    error (a CSP violation is one) in any of them fails the test."""
    contexts, problems = [], []

    def open_page():
        context = browser.new_context(base_url=live_server, locale="en-GB")
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on(
            "console",
            lambda message: (
                problems.append(f"console {message.type}: {message.text}")
                if message.type == "error" and "status of 4" not in message.text
                else None
            ),
        )
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not problems, "the browser reported problems:\n" + "\n".join(problems)


@pytest.fixture
def page(new_page):
    """A fresh browser tab (own cookies) whose relative URLs go to the live server."""
    return new_page()


@pytest.fixture(scope="session")
def _axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def assert_accessible(_axe):
    """Run axe-core (WCAG 2.0-2.2 A and AA rules) on the page; fail on serious violations."""

    def check(page):
        options = {
            "runOnly": {
                "type": "tag",
                "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
            }
        }
        results = _axe.run(page, options=options)
        serious = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
        report = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(n["target"]) for n in v["nodes"][:3])
            for v in serious
        )
        assert not serious, f"accessibility violations on {page.url}:\n{report}"
        return results

    return check


@pytest.fixture
def sign_in():
    """Sign a person in through the sign-in page, typing as they would."""

    def sign_in(page, user, password=PASSWORD):
        page.goto("/sign-in")
        page.get_by_label("Email address").fill(user.email)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Sign in").click()

    return sign_in


@pytest.fixture
def enrolment(make_enrolment):
    """A learner enrolled with an assessor and an IQA (all with the test password)."""
    return make_enrolment()
