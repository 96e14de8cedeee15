"""Portfolio PDFs made by real workers: ``huey_consumer portfolio.tasks.huey`` in its own
process, as ``make run`` and production start it, with the SQLite store and with Redis.

The worker is told where everything is the way an operator tells it (environment variables),
so these tests also prove it reads the same configuration as the web app. The browser test
(tests/browser/test_portfolio_download.py) starts its worker with ``Worker`` too.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from people_helpers import page_text

from portfolio.extensions import db
from portfolio.models import Export, ExportStatus
from portfolio.storage import get_storage

BIN = Path(sys.executable).parent
DEADLINE_SECONDS = 90  # a first PDF on a loaded machine; usually a few seconds


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def worker_environment(config: dict) -> dict:
    """What an operator sets for a worker: the web app's database, files, key and queue."""
    env = {k: v for k, v in os.environ.items() if k != "TASK_QUEUE_IMMEDIATE"}
    env.update(
        DATABASE_URL=config["SQLALCHEMY_DATABASE_URI"],
        SECRET_KEY=config["SECRET_KEY"],
        EVIDENCE_DIR=config["EVIDENCE_DIR"],
        PORTFOLIO_INSTANCE_PATH=config["INSTANCE_PATH"],
        TASK_QUEUE_URL=config["TASK_QUEUE_URL"],
        PYTHONUNBUFFERED="1",
    )
    return env


#: a consumer whose n-th PDF waits at 30% until the file ``<gates>/open-<n>`` exists, so a test
#: can look at the progress (or stop the worker) while the PDF is being made
HELD_CONSUMER = r"""
import sys, time
from pathlib import Path

from portfolio.services.export import portfolio_pdf

gates, make, made = Path(sys.argv[1]), portfolio_pdf.make, []


def held_make(enrolment, progress=lambda percent, stage: None):
    made.append(enrolment.id)
    gate = gates / f"open-{len(made)}"

    def report(percent, stage):
        progress(percent, stage)
        deadline = time.monotonic() + 60
        while percent == 30 and not gate.exists() and time.monotonic() < deadline:
            time.sleep(0.05)

    return make(enrolment, report)


portfolio_pdf.make = held_make
from huey.bin.huey_consumer import consumer_main

sys.argv = ["huey_consumer", "portfolio.tasks.huey", "-w", "1", "-k", sys.argv[2], "-m", "0.5"]
consumer_main()
"""


class Worker:
    """A task-queue consumer in its own process; its output goes to a log file, shown when a
    test fails."""

    def __init__(self, command: list[str], env: dict, log: Path):
        self.log = log
        self._output = log.open("wb")
        self.process = subprocess.Popen(
            command, env=env, stdout=self._output, stderr=subprocess.STDOUT, cwd=Path.cwd()
        )

    @classmethod
    def consumer(cls, config: dict, log: Path) -> "Worker":
        command = [str(BIN / "huey_consumer"), "portfolio.tasks.huey", "-w", "2", "-k", "process"]
        return cls(command, worker_environment(config), log)

    @classmethod
    def holding(cls, config: dict, log: Path, gates: Path, kind: str = "process") -> "Worker":
        command = [sys.executable, "-c", HELD_CONSUMER, str(gates), kind]
        return cls(command, worker_environment(config), log)

    def output(self) -> str:
        self._output.flush()
        return self.log.read_text(errors="replace")[-4000:]

    def wait_until(self, export: Export, condition, what: str) -> Export:
        """Poll the Export row, as the waiting page does, until ``condition(export)``."""
        deadline = time.monotonic() + DEADLINE_SECONDS
        while time.monotonic() < deadline:
            db.session.refresh(export)
            if condition(export):
                return export
            if self.process.poll() is not None:
                code = self.process.returncode
                pytest.fail(f"the worker stopped (exit {code}):\n{self.output()}")
            time.sleep(0.05)
        pytest.fail(
            f"export {export.id} not {what} after {DEADLINE_SECONDS} s "
            f"({export.status}, {export.progress}%):\n{self.output()}"
        )

    def wait_until_finished(self, export: Export) -> Export:
        return self.wait_until(
            export, lambda e: e.status in (ExportStatus.DONE, ExportStatus.FAILED), "finished"
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._output.close()


class RedisServer:
    """Debian's redis-server on a free loopback port, keeping nothing on disk."""

    def __init__(self, workdir: Path):
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not os.path.exists(binary):
            pytest.fail(
                "redis-server is not installed: run `make install` "
                "(scripts/install-system-packages installs Debian's redis-server)"
            )
        self.port = free_port()
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(workdir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait_until_answering()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _wait_until_answering(self) -> None:
        import redis

        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + 20
        try:
            while True:
                try:
                    if client.ping():
                        return
                except redis.ConnectionError:
                    if self.process.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"redis-server did not start on port {self.port}")
                    time.sleep(0.05)
        finally:
            client.close()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


@pytest.fixture(params=["sqlite", "redis"])
def store(request, tmp_path):
    """The task queue's store: Huey's SQLite file (the default) or a real Redis server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tasks.sqlite3'}"
        return
    server = RedisServer(tmp_path)
    yield server.url
    server.stop()


@pytest.fixture
def app_config(app_config, store):
    app_config.update(TASK_QUEUE_IMMEDIATE=False, TASK_QUEUE_URL=store)
    return app_config


@pytest.fixture
def worker(app, app_config, tmp_path):
    worker = Worker.consumer(app_config, tmp_path / "worker.log")
    yield worker
    worker.stop()


def ask_for_pdf(client, enrolment) -> tuple[Export, str]:
    response = client.post(f"/portfolio/{enrolment.id}/exports/pdf")
    assert response.status_code == 303
    page = response.headers["Location"]
    return db.session.get(Export, int(page.rsplit("/", 1)[1])), page


def test_a_worker_process_makes_the_pdf_the_learner_asked_for(
    client, login_as, make_enrolment, worker
):
    enrolment = make_enrolment()
    login_as(enrolment.learner)

    export, page = ask_for_pdf(client, enrolment)
    assert export.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)  # not made in the request
    assert "Check again" in page_text(client.get(page))

    export = worker.wait_until_finished(export)

    assert export.status == ExportStatus.DONE, export.error + worker.output()
    with get_storage().open(export.storage_key) as handle:
        assert handle.read(5) == b"%PDF-"
    status = client.get(f"/exports/{export.id}/status").get_json()
    assert status["status"] == "ready" and status["download_url"]
    with client.get(status["download_url"]) as download:
        assert download.status_code == 200 and download.data.startswith(b"%PDF-")


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_worker_stopped_while_making_a_pdf_leaves_it_failed_and_it_is_made_again(
    app, app_config, client, login_as, make_enrolment, tmp_path
):
    gates = tmp_path / "gates"
    gates.mkdir()
    enrolment = make_enrolment()
    login_as(enrolment.learner)
    held = Worker.holding(app_config, tmp_path / "held.log", gates)
    try:
        export, _ = ask_for_pdf(client, enrolment)
        held.wait_until(export, lambda e: e.progress == 30, "at 30%")

        held.process.send_signal(signal.SIGTERM)  # interrupts running tasks
        held.process.wait(timeout=30)
    finally:
        held.stop()

    db.session.refresh(export)
    assert export.status == ExportStatus.FAILED, held.output()
    assert "interrupted" in export.error
    worker = Worker.consumer(app_config, tmp_path / "worker.log")
    try:
        again, _ = ask_for_pdf(client, enrolment)
        assert again.id == export.id
        assert worker.wait_until_finished(again).status == ExportStatus.DONE, worker.output()
    finally:
        worker.stop()
