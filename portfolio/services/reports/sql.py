"""Date arithmetic the reports need in SQL, written once for SQLite and PostgreSQL, so figures are
computed by the database (GROUP BY) and never by looping over rows in Python."""

from datetime import UTC, datetime

from sqlalchemy import Date, Float
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement, type_coerce


class days_between(FunctionElement):  # noqa: N801 (reads as the SQL function it becomes)
    """Days, with fractions, from the timestamp ``earlier`` to ``later``."""

    type = Float()
    inherit_cache = True


@compiles(days_between)
def _days_between(element, compiler, **kw):
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400.0)"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(julianday({later}) - julianday({earlier}))"


class dates_apart(FunctionElement):  # noqa: N801
    """Whole days from the date ``earlier`` to the date ``later``."""

    type = Float()
    inherit_cache = True


@compiles(dates_apart)
def _dates_apart(element, compiler, **kw):
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(CAST({later} AS DATE) - CAST({earlier} AS DATE))"


@compiles(dates_apart, "sqlite")
def _dates_apart_sqlite(element, compiler, **kw):
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(julianday({later}) - julianday({earlier}))"


def as_date(value):
    """A Python date as a bound SQL date."""
    return type_coerce(value, Date())


def aware(value):
    """Aggregates can lose a column's type on SQLite: give timestamps back their UTC."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value
