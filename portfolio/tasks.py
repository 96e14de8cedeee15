"""The task queue and its tasks: the one module that knows Huey exists.

Work that takes seconds (the portfolio PDF, the archive bundle, the cohort PDF report, the
copies without metadata of uploaded photos and recordings, every email) runs on a worker
process, ``huey_consumer portfolio.tasks.huey``, never on a thread of the web process. Huey is a
maintained queue whose store is one setting: an SQLite file (the embedded default, for one
machine) or Redis (workers on several machines). A task only calls a service, so the same work
runs inline in tests (``TASK_QUEUE_IMMEDIATE``) and on a worker in production.

The consumer imports this module before any app exists, so the queue is built from the
configuration ``create_app`` will read (defaults, ``instance/config.py``, ``TASK_QUEUE_URL``).
``create_app`` then binds the queue to the app's own settings: the web process (or a test)
may point it elsewhere, while a worker whose app disagrees with the queue it consumes stops
with an error rather than read one queue and write another.

Huey's messages are pickles, and unpickling runs code, so whoever can write to the queue's store
(a Redis server on the network) could run code on every worker. Each message therefore carries
an HMAC under a key derived from ``SECRET_KEY``, checked before anything is unpickled; a message
that fails the check is dropped and logged. Rotating ``SECRET_KEY`` drops the tasks still queued
under the old key (their exports fail as abandoned and can be asked for again).
"""

import hashlib
import hmac
import logging
import os
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

import flask
from huey import Huey, crontab
from huey.serializer import Serializer
from huey.storage import RedisStorage, SqliteStorage

from . import config

NAME = "portfolio"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class QueueSettings:
    url: str
    immediate: bool = False

    @classmethod
    def of(cls, values, instance) -> "QueueSettings":
        url = values.get("TASK_QUEUE_URL") or config.default_task_queue_url(Path(instance))
        return cls(url, bool(values.get("TASK_QUEUE_IMMEDIATE")))


def _configured_values() -> flask.Config:
    """The configuration ``create_app()`` will read, as far as the queue needs it, without an
    app: defaults, ``instance/config.py``, then the environment."""
    values = flask.Config(config.instance_path())
    values.from_mapping(config.DEFAULTS)
    values.from_pyfile("config.py", silent=True)
    for variable in ("TASK_QUEUE_URL", "SECRET_KEY"):
        if os.environ.get(variable):
            values[variable] = os.environ[variable]
    return values


def configured_settings() -> QueueSettings:
    """The queue settings ``create_app()`` will read, read without an app."""
    values = _configured_values()
    return QueueSettings.of(values, values.root_path)


# ------------------------------------------------------------------ signed task messages

_LABEL = b"NOS evidence portfolio: task queue messages, version 1"


class UnsignedMessage(ValueError):
    """A task message without this site's signature: never unpickled."""


class SignedMessages(Serializer):
    """Huey's pickled messages behind an HMAC-SHA256 of the pickle, under a key derived with a
    fixed label from ``SECRET_KEY`` (so the key signs nothing else).

    ``secret_key`` None: the key ``create_app`` generates into the instance folder, read when a
    message is first signed or checked (the file may not exist when this module is imported).
    """

    def __init__(self, secret_key: str | None):
        super().__init__()
        self.secret_key = secret_key

    @cached_property
    def _key(self) -> bytes:
        secret = self.secret_key or config.instance_secret_key(Path(config.instance_path()))
        return hmac.new(secret.encode(), _LABEL, hashlib.sha256).digest()

    def _signature(self, message: bytes) -> bytes:
        return hmac.new(self._key, message, hashlib.sha256).digest()

    def _serialize(self, data) -> bytes:
        message = super()._serialize(data)
        return self._signature(message) + message

    def _deserialize(self, data: bytes):
        size = hashlib.sha256().digest_size
        signature, message = data[:size], data[size:]
        if not hmac.compare_digest(signature, self._signature(message)):
            log.error(
                "Dropped a task message that was not signed with this site's key: someone who "
                "can write to the task queue (TASK_QUEUE_URL) tried to run code on the workers, "
                "or a web server and a worker have different SECRET_KEYs."
            )
            raise UnsignedMessage("a task message without this site's signature")
        return super()._deserialize(message)


class _Queue(Huey):
    """Huey, whose worker drops a message that fails the signature check.

    The store has already removed the message when it is checked, so the worker goes on to the
    next one (Huey's own schedule reader logs the failure and skips the message, too)."""

    def dequeue(self):
        try:
            return super().dequeue()
        except UnsignedMessage:
            return None  # the serializer has said why


class _SqliteStorage(SqliteStorage):
    """Huey's SQLite store, which makes its file and tables on first use rather than when
    this module is imported (the instance folder may not exist yet)."""

    def __init__(self, name, filename, **kwargs):
        super().__init__(name, filename=filename, create_tables=False, **kwargs)

    def _create_connection(self):
        Path(self.filename).parent.mkdir(parents=True, exist_ok=True)
        connection = super()._create_connection()
        for statement in self.ddl:  # "if not exists": safe when several processes start at once
            connection.execute(statement)
        return connection


def _storage(url: str) -> tuple[type, dict]:
    scheme = urlsplit(url).scheme
    if scheme == "sqlite" and url.startswith("sqlite:///"):
        return _SqliteStorage, {"filename": url.removeprefix("sqlite:///")}
    if scheme in {"redis", "rediss", "unix"}:
        return RedisStorage, {"url": url}
    raise ValueError(
        f"TASK_QUEUE_URL should be redis://host:port/db or sqlite:///path/to/file, not {url!r}."
    )


def _make_huey(settings: QueueSettings, secret_key: str | None) -> Huey:
    storage_class, options = _storage(settings.url)
    return _Queue(
        NAME,
        results=False,  # progress and outcome live in the database, not in Huey's result store
        immediate=settings.immediate,
        storage_class=storage_class,
        serializer=SignedMessages(secret_key),
        **options,
    )


_configured = _configured_values()
_bound = QueueSettings.of(_configured, _configured.root_path)
huey = _make_huey(_bound, _configured.get("SECRET_KEY"))
_in_worker = False


def init_app(app) -> None:
    """Called by ``create_app``: point the queue at the app's settings and sign with its key."""
    bind(QueueSettings.of(app.config, app.instance_path))
    if huey.serializer.secret_key != app.config["SECRET_KEY"]:
        huey.serializer = SignedMessages(app.config["SECRET_KEY"])


def bind(settings: QueueSettings) -> None:
    global _bound
    if settings == _bound:
        return
    if _in_worker:
        raise RuntimeError(
            f"This worker consumes the task queue at {_bound.url}, but the app is configured "
            f"for {settings.url}: give the worker the same TASK_QUEUE_URL as the web server."
        )
    storage_class, options = _storage(settings.url)
    old = huey.storage
    huey.storage_class, huey.storage_kwargs = storage_class, options
    huey.immediate = settings.immediate
    huey.storage = huey.create_storage()
    _close(old)
    _bound = settings


def _close(storage) -> None:
    if isinstance(storage, RedisStorage):
        storage.pool.disconnect()
    else:
        storage.close()


# ------------------------------------------------------------------------ the worker's app

_app_lock = threading.Lock()
_worker_app = None


def _app() -> flask.Flask:
    """The app a task runs in: the current one when the task runs inline, otherwise one
    created once per worker process."""
    global _worker_app
    if flask.has_app_context():
        return flask.current_app._get_current_object()
    with _app_lock:
        if _worker_app is None:
            from . import create_app

            _worker_app = create_app()
        return _worker_app


@huey.on_startup()
def _start_worker() -> None:
    """Each worker makes its app as it starts, so the first task does not wait for it and a
    worker whose configuration disagrees with its queue says so at once."""
    global _in_worker
    _in_worker = True
    _app()


# ---------------------------------------------------------------------------- the tasks


@huey.task()
def run_export(export_id: int) -> None:
    """Make a requested portfolio PDF or archive bundle (services/export/jobs.py)."""
    from .services.export import jobs

    # A fresh app context: its own database session, as on a worker, even when run inline.
    with _app().app_context():
        jobs.run(export_id)


@huey.task()
def make_copies(file_id: int) -> None:
    """Make an uploaded photo's or recording's copies without metadata (services/copies.py)."""
    from .services import copies

    with _app().app_context():
        copies.run(file_id)


@huey.task()
def make_cohort_report(report_id: int) -> None:
    """Make a PDF cohort report an administrator asked for (services/reports/pdf_jobs.py)."""
    from .services.reports import pdf_jobs

    with _app().app_context():
        pdf_jobs.run(report_id)


@huey.periodic_task(crontab(minute="*"))
def retry_abandoned() -> None:
    """Every minute: queue again the work whose worker vanished (its lease ran out) or whose
    message was lost (services/leases.py)."""
    from .services import copies
    from .services.reports import pdf_jobs

    with _app().app_context():
        copies.retry_abandoned()
        pdf_jobs.retry_abandoned()


@huey.task(retries=3, retry_delay=60)
def send_mail(to: str, subject: str, body: str) -> None:
    """Send one email (services/mail.py), so no request waits for the mail server; a server
    that is down is tried again three times, a minute apart."""
    from .services import mail

    with _app().app_context():
        try:
            mail.send(to, subject, body)
        except OSError as error:  # smtplib's errors are OSErrors too
            log.error("Could not email %s: %s", to, error)
            raise


@huey.task()
def send_reset_link(email: str) -> None:
    """Look up an address typed on the forgotten-password page and mail its person a reset
    link (services/accounts.py): on a worker, so the page takes as long for an address that
    has no account as for one that has."""
    from .services import accounts

    with _app().app_context():
        accounts.send_reset_link(email)
