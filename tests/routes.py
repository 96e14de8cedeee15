"""Every route the application has, read from ``app.url_map``, for the tests that walk them all.

Reading the map (not a list kept by hand) means a route added later by any area is checked the
moment it exists.
"""

import tempfile

import pytest

from portfolio import create_app


def every_route() -> list[tuple[str, str, tuple[str, ...]]]:
    """(endpoint, method, URL parameters) for every route and method, sorted; HEAD and OPTIONS,
    which Flask answers itself, left out."""
    with tempfile.TemporaryDirectory() as instance:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "routes",
                "INSTANCE_PATH": instance,
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
            }
        )
        return sorted(
            (rule.endpoint, method, tuple(sorted(rule.arguments)))
            for rule in app.url_map.iter_rules()
            for method in rule.methods - {"HEAD", "OPTIONS"}
        )


def each_route(routes):
    """Run the test once for each of ``routes`` (with ``endpoint``, ``method`` and
    ``arguments``), its id naming the route: "POST admin.enrol"."""
    return pytest.mark.parametrize(
        ("endpoint", "method", "arguments"),
        routes,
        ids=[f"{method} {endpoint}" for endpoint, method, _ in routes],
    )
