"""A real task queue in Huey's SQLite file, for tests of work done on the worker: tasks wait
there (the other tests run them inline) until ``work`` runs them as ``huey_consumer`` does."""

import threading

from huey.consumer import Worker as HueyWorker

from portfolio import tasks
from portfolio.extensions import db


def held_queue(app, tmp_path):
    """For a fixture: ``yield from held_queue(app, tmp_path)``."""
    tasks.bind(tasks.QueueSettings(f"sqlite:///{tmp_path / 'tasks.sqlite3'}"))
    yield tasks.huey
    tasks.huey.storage.flush_queue()
    tasks.init_app(app)


def work(queue) -> None:
    """Run what is queued until nothing is left."""
    worker = HueyWorker(queue, threading.Event(), default_delay=0.01, max_delay=0.01, backoff=1)
    while queue.pending_count():
        worker.loop()
    db.session.expire_all()  # the worker wrote through a session of its own
