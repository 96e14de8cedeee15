"""Two people (or two clicks) at once, for real: each action in its own thread with its own app
context, so its own session and database connection, on SQLite and PostgreSQL alike."""

import re
import threading
from contextlib import contextmanager

from sqlalchemy import event

from portfolio.extensions import db


def race(app, *actions):
    """Run each action in its own thread, with its own app context (its own session and
    database connection), released together; returns what each returned or raised."""
    start = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(index, action):
        with app.app_context():
            start.wait()
            try:
                results[index] = action()
            except Exception as error:  # noqa: BLE001 - the outcome is what we compare
                db.session.rollback()
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@contextmanager
def together_at(statement: str, parties: int = 2):
    """Hold each of ``parties`` threads just before it runs a statement matching ``statement``
    (a regular expression) until all have got there: each has made its checks by then, so they
    really do insert at once, however the threads happen to be scheduled. A thread that never
    gets there (it was refused earlier) lets the others go after a few seconds."""
    pattern = re.compile(statement)
    arrived = threading.Barrier(parties, timeout=5)
    waited = threading.local()

    def hold(conn, cursor, sql, parameters, context, executemany):
        if pattern.match(sql) and not getattr(waited, "done", False):
            waited.done = True
            try:
                arrived.wait()
            except threading.BrokenBarrierError:
                pass

    engine = db.engine
    event.listen(engine, "before_cursor_execute", hold)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", hold)
