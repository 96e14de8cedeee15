"""The site has one public address: every link that leaves it is built from PUBLIC_URL, and
a request that lies about the host (Host, X-Forwarded-Host) never reaches a mailed link."""

import re
from email import message_from_bytes, policy

import pytest
from people_helpers import page_text

from portfolio import create_app
from portfolio.public_address import PublicAddress, PublicAddressError

ATTACKER = "attacker.example"


def mailed_links(server) -> list[str]:
    links = []
    for raw in server.messages:
        content = message_from_bytes(raw, policy=policy.default).get_content()
        links += re.findall(r"https?://\S+", content)
    return links


def test_a_reset_asked_for_under_a_false_host_is_refused_and_mails_nothing(
    smtp_server, client, make_user
):
    make_user("admin", email="head@example.org")

    response = client.post(
        "/forgot-password", data={"email": "head@example.org"}, headers={"Host": ATTACKER}
    )

    assert response.status_code == 400
    assert smtp_server.messages == []


def test_behind_a_proxy_a_forwarded_host_never_reaches_the_mailed_link(
    smtp_server, make_app, make_user
):
    app = make_app(PROXY_COUNT=1)
    make_user("admin", email="head@example.org")

    response = app.test_client().post(
        "/forgot-password",
        data={"email": "head@example.org"},
        headers={"X-Forwarded-Host": ATTACKER, "X-Forwarded-Proto": "https"},
    )

    assert "Check your email" in page_text(response)
    [link] = mailed_links(smtp_server)
    assert link.startswith("http://localhost/reset-password/")
    assert ATTACKER not in str(smtp_server.messages)


def test_even_a_trusted_forwarded_host_does_not_choose_where_links_point(
    smtp_server, make_app, make_user
):
    app = make_app(
        PROXY_COUNT=1, PROXY_TRUST_HOST=True, TRUSTED_HOSTS=["localhost", "portfolio.example.ac.uk"]
    )
    make_user("admin", email="head@example.org")

    app.test_client().post(
        "/forgot-password",
        data={"email": "head@example.org"},
        headers={"X-Forwarded-Host": "portfolio.example.ac.uk"},
    )

    [link] = mailed_links(smtp_server)
    assert link.startswith("http://localhost/reset-password/")


def test_an_invitation_and_a_witness_link_use_the_public_address_too(
    smtp_server, make_app, make_user
):
    app = make_app(PUBLIC_URL="https://example.ac.uk/portfolio/", TRUSTED_HOSTS=None)
    from conftest import PASSWORD

    admin = make_user("admin")
    browser = app.test_client()
    site = "https://example.ac.uk"
    signed_in = browser.post(
        "/portfolio/sign-in", data={"email": admin.email, "password": PASSWORD}, base_url=site
    )
    assert signed_in.headers["Location"].startswith("/portfolio/")

    answer = browser.post(
        "/portfolio/admin/people/new",
        data={"name": "Nia New", "email": "nia@example.org", "roles": ["assessor"]},
        base_url=site,
    )

    assert "emailed" in page_text(answer), page_text(answer)
    [link] = mailed_links(smtp_server)
    assert link.startswith("https://example.ac.uk/portfolio/invitation/")
    opened = app.test_client().get(link)
    assert "Welcome, Nia New." in page_text(opened)


@pytest.mark.parametrize(
    "value, problem",
    [
        ("portfolio.example.ac.uk", "the address people open"),
        ("ftp://portfolio.example.ac.uk", "the address people open"),
        ("https://portfolio.example.ac.uk/?next=x", "no query"),
        ("https://user:pw@portfolio.example.ac.uk", "no query, fragment or password"),
        ("https://portfolio.example.ac.uk:port", "port that is not a number"),
    ],
)
def test_a_public_address_people_could_not_open_is_refused_at_start(value, problem, tmp_path):
    with pytest.raises(PublicAddressError, match=problem):
        create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x", "PUBLIC_URL": value})


def test_the_public_address_sets_the_prefix_scheme_trusted_hosts_and_secure_cookies(tmp_path):
    app = create_app(
        {"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x", "PUBLIC_URL": "https://Ex.ac.uk/p/"}
    )

    assert app.config["PUBLIC_URL"] == "https://ex.ac.uk/p"
    assert app.config["TRUSTED_HOSTS"] == ["ex.ac.uk"]
    assert app.config["SESSION_COOKIE_SECURE"] is True
    client = app.test_client()
    assert client.get("/sign-in", base_url="https://ex.ac.uk").status_code == 404
    assert client.get("/p/sign-in", base_url="https://ex.ac.uk").status_code == 200
    assert client.get("/p/sign-in", base_url="https://elsewhere.example").status_code == 400


def test_with_nothing_configured_the_local_address_make_run_serves_is_public(tmp_path, monkeypatch):
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    monkeypatch.setenv("PORTFOLIO_LOCAL_URL", "http://127.0.0.1:8123")

    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})

    assert app.config["PUBLIC_URL"] == "http://127.0.0.1:8123"
    assert {"127.0.0.1", "localhost"} <= set(app.config["TRUSTED_HOSTS"])
    assert app.test_client().get("/sign-in", base_url="http://localhost:8123").status_code == 200
    assert PublicAddress.parse(app.config["PUBLIC_URL"]).prefix == ""
