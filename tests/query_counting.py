"""Counting the SQL statements a page runs, for the tests that prove a page's query count does
not grow with the number of learners."""

from collections import Counter
from dataclasses import dataclass

from people_helpers import page_text
from sqlalchemy import event

from portfolio.extensions import db


@dataclass
class Visit:
    queries: int
    statements: list[str]
    page: str


def visit(client, url) -> Visit:
    """GET ``url`` with an empty session (as each request in production starts), counting the
    SQL statements it runs."""
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split()))

    db.session.remove()  # requests in a test share the test's session and its identity map
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 200, url
    return Visit(len(statements), statements, page_text(response))


def repeated(small: Visit, large: Visit) -> list[str]:
    """The statements the larger case ran more often: what to aggregate or eager-load."""
    extra = Counter(large.statements) - Counter(small.statements)
    return [f"{times} x {statement}" for statement, times in extra.items()]
