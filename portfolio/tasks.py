"""The task queue and its tasks: the one module that knows Huey exists.

Work that takes seconds (the portfolio PDF, the archive bundle) runs on a worker process,
``huey_consumer portfolio.tasks.huey``, never on a thread of the web process. Huey is a
maintained queue whose store is one setting: an SQLite file (the embedded default, for one
machine) or Redis (workers on several machines). A task only calls a service, so the same work
runs inline in tests (``TASK_QUEUE_IMMEDIATE``) and on a worker in production.

The consumer imports this module before any app exists, so the queue is built from the
configuration ``create_app`` will read (defaults, ``instance/config.py``, ``TASK_QUEUE_URL``).
``create_app`` then binds the queue to the app's own settings: the web process (or a test)
may point it elsewhere, while a worker whose app disagrees with the queue it consumes stops
with an error rather than read one queue and write another.
"""

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import flask
from huey import Huey
from huey.storage import RedisStorage, SqliteStorage

from . import config

NAME = "portfolio"


@dataclass(frozen=True)
class QueueSettings:
    url: str
    immediate: bool = False

    @classmethod
    def of(cls, values, instance) -> "QueueSettings":
        url = values.get("TASK_QUEUE_URL") or config.default_task_queue_url(Path(instance))
        return cls(url, bool(values.get("TASK_QUEUE_IMMEDIATE")))


def configured_settings() -> QueueSettings:
    """The queue settings ``create_app()`` will read, read without an app."""
    instance = config.instance_path()
    values = flask.Config(instance)
    values.from_mapping(config.DEFAULTS)
    values.from_pyfile("config.py", silent=True)
    if os.environ.get("TASK_QUEUE_URL"):
        values["TASK_QUEUE_URL"] = os.environ["TASK_QUEUE_URL"]
    return QueueSettings.of(values, instance)


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


def _make_huey(settings: QueueSettings) -> Huey:
    storage_class, options = _storage(settings.url)
    return Huey(
        NAME,
        results=False,  # progress and outcome live in the database, not in Huey's result store
        immediate=settings.immediate,
        storage_class=storage_class,
        **options,
    )


_bound = configured_settings()
huey = _make_huey(_bound)
_in_worker = False


def init_app(app) -> None:
    """Called by ``create_app``: point the queue at the app's settings."""
    bind(QueueSettings.of(app.config, app.instance_path))


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
