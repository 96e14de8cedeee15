"""The forgotten-password page under pressure: one address gets at most three links an hour and
one network address thirty requests, and nothing the page does (its words, its work, its
time) tells anyone whether an address has an account: a worker looks the address up."""

import threading
from email import message_from_bytes, policy

import pytest
from huey.consumer import Worker as HueyWorker
from people_helpers import audit_actions, page_text
from sqlalchemy import event

from portfolio import tasks
from portfolio.extensions import db
from portfolio.models import OneTimeToken


def ask(client, email, ip="192.0.2.10"):
    return client.post("/forgot-password", data={"email": email}, environ_base={"REMOTE_ADDR": ip})


def test_over_an_addresses_limit_the_page_answers_as_usual_and_nothing_more_is_mailed(
    smtp_server, client, make_user
):
    make_user("learner", email="known@example.org")

    known = [page_text(ask(client, "known@example.org")) for _ in range(4)]
    unknown = [page_text(ask(client, "unknown@example.org")) for _ in range(4)]

    assert all(page == known[0] for page in known)
    assert [page.replace("unknown@", "known@") for page in unknown] == known
    assert len(smtp_server.messages) == 3
    assert len(db.session.scalars(db.select(OneTimeToken)).all()) == 3


def test_the_limit_is_per_address_so_someone_else_still_gets_their_link(
    smtp_server, client, make_user
):
    make_user("learner", email="flooded@example.org")
    make_user("learner", email="lee@example.org")
    for _ in range(4):
        ask(client, "flooded@example.org")

    ask(client, "lee@example.org")

    recipients = [message_from_bytes(m, policy=policy.default)["To"] for m in smtp_server.messages]
    assert recipients[-1] == "lee@example.org" and len(recipients) == 4


def test_a_network_that_asks_too_often_is_told_to_wait(app, smtp_server, client, make_user):
    app.config["RESET_REQUESTS_PER_IP_PER_HOUR"] = 3
    make_user("learner", email="known@example.org")
    for n in range(3):
        assert ask(client, f"someone{n}@example.org").status_code == 200

    refused = ask(client, "known@example.org")
    elsewhere = ask(client, "known@example.org", ip="198.51.100.7")

    assert refused.status_code == 429
    assert "Too many attempts" in page_text(refused)
    assert "Wait 60 minutes, then try again." in page_text(refused)
    assert elsewhere.status_code == 200
    [raw] = smtp_server.messages  # only the request from the other network
    assert "/reset-password/" in message_from_bytes(raw, policy=policy.default).get_content()


def statements_of(client, email) -> list[str]:
    """The SQL statements the request runs (with an empty session, as in production)."""
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split()))

    db.session.remove()
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert ask(client, email).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return statements


@pytest.fixture
def queue(app, tmp_path):
    """A real queue in an SQLite file, that a worker empties when the test says so."""
    tasks.bind(tasks.QueueSettings(f"sqlite:///{tmp_path / 'tasks.sqlite3'}"))
    yield tasks.huey
    tasks.huey.storage.flush_queue()
    tasks.init_app(app)


def test_the_page_does_the_same_work_for_an_address_with_an_account_as_without(
    smtp_server, client, make_user, queue
):
    make_user("learner", email="known@example.org")
    ask(client, "someone-first@example.org")  # the audit trail's first entry also makes its seal

    known = statements_of(client, "known@example.org")
    unknown = statements_of(client, "unknown@example.org")

    assert known == unknown
    assert not any('FROM "user"' in s or "FROM user " in s for s in known), known
    assert queue.pending_count() == 3 and smtp_server.messages == []
    worker = HueyWorker(queue, threading.Event(), default_delay=0.01, max_delay=0.01, backoff=1)
    while queue.pending_count():
        worker.loop()  # the lookups, then the one email there is to send
    [raw] = smtp_server.messages
    assert message_from_bytes(raw, policy=policy.default)["To"] == "known@example.org"
    assert audit_actions().count("password_reset_requested") == 3
    assert audit_actions()[-1] == "password_reset_link_sent"
