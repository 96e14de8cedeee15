"""The task queue runs only this site's own tasks. Anyone who can write to the queue's store
(Redis on the network) could put a pickle there that runs code when a worker loads it; every
message carries an HMAC under a key derived from SECRET_KEY, a message without one is dropped
and logged unopened, and the worker carries on with the next.

These tests use the real stores (Huey's SQLite file, and Redis for a real worker), not the
inline queue the other tests use.
"""

import logging
import pickle
import threading
import time
from datetime import datetime
from email import message_from_bytes, policy

import pytest
from huey.consumer import Worker as HueyWorker
from test_exports_worker import BIN, RedisServer, Worker, worker_environment

from portfolio import config, tasks

DROPPED = "Dropped a task message that was not signed with this site's key"


class CreatesAFile:
    """A pickle that creates a file as it is loaded: what an attacker would enqueue, but
    harmless."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (str(self.path), "w"))


@pytest.fixture
def app_config(app_config, tmp_path):
    app_config.update(
        TASK_QUEUE_IMMEDIATE=False, TASK_QUEUE_URL=f"sqlite:///{tmp_path / 'tasks.sqlite3'}"
    )
    return app_config


@pytest.fixture
def queue(app):
    yield tasks.huey
    tasks.huey.storage.flush_queue()
    tasks.huey.storage.flush_schedule()


def work_once(queue) -> None:
    """One turn of Huey's own worker loop, as ``huey_consumer`` runs it."""
    HueyWorker(queue, threading.Event(), default_delay=0.01, max_delay=0.01, backoff=1).loop()


def subjects(server) -> list[str]:
    return [message_from_bytes(raw, policy=policy.default)["Subject"] for raw in server.messages]


def test_a_forged_task_message_is_dropped_unopened_and_logged(queue, tmp_path, caplog):
    opened = tmp_path / "the attacker was here"
    queue.storage.enqueue(pickle.dumps(CreatesAFile(opened)))

    with caplog.at_level(logging.ERROR, logger="portfolio.tasks"):
        work_once(queue)

    assert not opened.exists()
    assert queue.pending_count() == 0  # gone, not read again and again
    assert DROPPED in caplog.text


def test_after_a_forged_message_the_worker_sends_the_next_email(queue, tmp_path, smtp_server):
    opened = tmp_path / "the attacker was here"
    queue.storage.enqueue(pickle.dumps(CreatesAFile(opened)))
    tasks.send_mail("nia@example.org", "Your portfolio was signed off", "Well done.")

    work_once(queue)
    work_once(queue)

    assert not opened.exists()
    assert subjects(smtp_server) == ["Your portfolio was signed off"]


def test_a_task_signed_with_another_sites_key_does_not_run(queue, smtp_server, caplog):
    task = tasks.send_mail.s("nia@example.org", "Click here", "Not from us.")
    elsewhere = tasks.SignedMessages("another site's secret key")
    queue.storage.enqueue(elsewhere.serialize(queue._registry.create_message(task)))

    with caplog.at_level(logging.ERROR, logger="portfolio.tasks"):
        work_once(queue)

    assert smtp_server.messages == []
    assert DROPPED in caplog.text


def test_a_forged_message_in_the_schedule_is_dropped_too(queue, tmp_path, caplog):
    opened = tmp_path / "the attacker was here"
    queue.storage.add_to_schedule(pickle.dumps(CreatesAFile(opened)), datetime(2000, 1, 1))

    with caplog.at_level(logging.ERROR, logger="portfolio.tasks"):
        due = queue.read_schedule()

    assert due == [] and not opened.exists()
    assert queue.scheduled_count() == 0
    assert DROPPED in caplog.text


def test_without_a_configured_key_the_queue_signs_with_the_instance_folders(monkeypatch, tmp_path):
    """A worker started without SECRET_KEY signs as the app does: with the key the app
    generated into the instance folder (read when first needed, not when imported)."""
    monkeypatch.setenv("PORTFOLIO_INSTANCE_PATH", str(tmp_path))
    message = tasks.SignedMessages(None).serialize({"task": "send_mail"})

    key = config.instance_secret_key(tmp_path)
    assert tasks.SignedMessages(key).deserialize(message) == {"task": "send_mail"}
    with pytest.raises(tasks.UnsignedMessage):
        tasks.SignedMessages("another key").deserialize(message)


# ---------------------------------------------------------------------------- a real worker

DEADLINE_SECONDS = 60


@pytest.fixture(params=["sqlite", "redis"])
def store_config(request, app, app_config, tmp_path):
    """The app's configuration, its queue in Huey's SQLite file or on a real Redis server."""
    if request.param == "sqlite":
        yield app_config
        return
    server = RedisServer(tmp_path)
    app.config["TASK_QUEUE_URL"] = app_config["TASK_QUEUE_URL"] = server.url
    tasks.init_app(app)
    yield app_config
    server.stop()


@pytest.fixture
def worker(store_config, smtp_server, tmp_path):
    env = worker_environment(store_config)
    env.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp_server.server_address[1]))
    command = [str(BIN / "huey_consumer"), "portfolio.tasks.huey", "-w", "1", "-d", "0.05"]
    running = Worker(command, env, tmp_path / "worker.log")
    yield running
    running.stop()


def test_a_real_worker_drops_a_forged_message_and_sends_the_real_email(
    store_config, queue, worker, smtp_server, tmp_path
):
    opened = tmp_path / "the attacker was here"
    queue.storage.enqueue(pickle.dumps(CreatesAFile(opened)))
    tasks.send_mail("nia@example.org", "Your portfolio was signed off", "Well done.")

    deadline = time.monotonic() + DEADLINE_SECONDS
    while not smtp_server.messages and time.monotonic() < deadline:
        assert worker.process.poll() is None, worker.output()
        time.sleep(0.05)

    assert subjects(smtp_server) == ["Your portfolio was signed off"], worker.output()
    assert not opened.exists()
    assert DROPPED in worker.output()
