"""Fixtures shared by every test: an app on a fresh database, a client, factories, sign-in.

The database is SQLite unless TEST_DATABASE_URL names another (``make test`` runs the suite a
second time against a real PostgreSQL server started on loopback).
"""

import itertools
import os
from datetime import date

import pytest
from flask import Flask
from jinja2 import BytecodeCache
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from portfolio import create_app
from portfolio.extensions import db
from portfolio.models import Cohort, Enrolment, Provider, Role, User, UserRole

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id):
    """SQLite in the session's temporary folder (one per xdist worker), or TEST_DATABASE_URL;
    under xdist each worker gets a database of its own on that PostgreSQL server."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    if worker_id == "master":
        return url
    return _database_of_its_own(url, f"portfolio_test_{worker_id}")


def _database_of_its_own(url: str, name: str) -> str:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    server = create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


class _SessionBytecodeCache(BytecodeCache):
    """Each test's app has its own Jinja environment, which would compile every template it
    renders again (a quarter of the suite's time); compiled templates are kept for the session
    instead, keyed (by Jinja) on the template's source, so an edited template still compiles."""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


@pytest.fixture(scope="session", autouse=True)
def _templates_compiled_once():
    original = Flask.jinja_options
    Flask.jinja_options = {**original, "bytecode_cache": _SessionBytecodeCache()}
    yield
    Flask.jinja_options = original


@event.listens_for(Engine, "connect")
def _sqlite_without_fsync(dbapi_connection, _record):
    """A test database need not survive a power cut: SQLite skips fsync on each of the suite's
    thousands of commits (locking, and so every concurrency test, is unchanged)."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.execute("PRAGMA synchronous = OFF")


@pytest.fixture(scope="session")
def _schema(database_url, tmp_path_factory):
    """Create the schema once per session; each test then starts from empty tables."""
    app = create_app(_config(database_url, tmp_path_factory.mktemp("instance")))
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()
    return database_url


def _config(database_url, instance):
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_PATH": str(instance),
        "EVIDENCE_DIR": str(instance / "evidence"),
        "WTF_CSRF_ENABLED": False,
        "PUBLIC_URL": "http://localhost",
        "TRUSTED_HOSTS": ["localhost", "127.0.0.1"],  # the test client's and the live server's
        "TASK_QUEUE_IMMEDIATE": True,  # tasks run inline; tests/test_exports_worker.py uses workers
    }


def _empty_tables():
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app_config(_schema, tmp_path, request):
    """Override in a test module (or tweak in a test) to change the app's configuration. A test
    that asks for ``smtp_server`` gets an app that sends its email there."""
    config = _config(_schema, tmp_path / "instance")
    if "smtp_server" in request.fixturenames:
        server = request.getfixturevalue("smtp_server")
        config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.server_address[1])
    return config


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback; ``.messages`` holds every message it received."""
    import mail_server

    server = mail_server.start()
    yield server
    mail_server.stop(server)


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    with app.app_context():
        _empty_tables()
        yield app
        db.session.remove()
        db.engine.dispose()  # each test's app has its own pool: close it, don't leak connections


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_app(app_config):
    """Another app on the test database with some settings changed (a proxy in front, another
    public address...); its connection pool is closed after the test, as the ``app``'s is."""
    made = []

    def make(**overrides):
        made.append(create_app({**app_config, **overrides}))
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


# ---------------------------------------------------------------------------------- factories


@pytest.fixture
def make_provider(app):
    def make(name=None):
        provider = Provider(name=name or f"Provider {next(_counter)}")
        db.session.add(provider)
        db.session.commit()
        return provider

    return make


@pytest.fixture
def make_user(app, make_provider):
    from portfolio.services.passwords import hash_password

    def make(*roles, provider=None, email=None, name=None, password=PASSWORD, uln=None):
        n = next(_counter)
        user = User(
            provider=provider or make_provider(),
            email=email or f"person{n}@example.org",
            name=name or f"Person {n}",
            uln=uln,
            password_hash=hash_password(password) if password else None,
        )
        user.role_rows = [UserRole(role=Role(r)) for r in (roles or ("learner",))]
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture(scope="session")
def _shipped_standards():
    """The files in criteria/, read and checked once a session (they do not change)."""
    from portfolio.config import PROJECT_ROOT
    from portfolio.standards.datafile import SUFFIXES, read_standard_file

    folder = PROJECT_ROOT / "criteria"
    paths = sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES and p.is_file())
    return [(path, read_standard_file(path)) for path in paths]


@pytest.fixture
def standard(app, _shipped_standards):
    """The shipped seed standard, loaded from criteria/ (read once a session, as the app's
    start reads it once a process)."""
    from portfolio.models import Standard
    from portfolio.standards.loader import load_checked

    load_checked([(path, data.model_copy(deep=True)) for path, data in _shipped_standards])
    return db.session.scalars(db.select(Standard)).one()


@pytest.fixture
def make_cohort(app, make_provider, standard):
    def make(provider=None, name=None):
        cohort = Cohort(
            provider=provider or make_provider(),
            standard=standard,
            name=name or f"Cohort {next(_counter)}",
            start_date=date(2026, 9, 1),
            planned_end_date=date(2027, 7, 31),
        )
        db.session.add(cohort)
        db.session.commit()
        return cohort

    return make


@pytest.fixture
def make_enrolment(app, make_user, make_cohort):
    """A learner enrolled on a cohort with an assessor and an IQA, all at one provider."""

    def make(cohort=None, learner=None, assessor=None, iqa=None):
        cohort = cohort or make_cohort()
        enrolment = Enrolment(
            cohort=cohort,
            learner=learner or make_user("learner", provider=cohort.provider),
            assessor=assessor or make_user("assessor", provider=cohort.provider),
            iqa=iqa or make_user("iqa", provider=cohort.provider),
        )
        db.session.add(enrolment)
        db.session.commit()
        return enrolment

    return make


@pytest.fixture
def login_as(client):
    """Sign a person in through the real sign-in form."""

    def login(user, password=PASSWORD):
        response = client.post(
            "/sign-in", data={"email": user.email, "password": password}, follow_redirects=False
        )
        assert response.status_code == 302, "sign-in failed in the login_as fixture"
        return response

    return login


@pytest.fixture(autouse=True)
def _quick_password_hashing(monkeypatch):
    """Argon2id with the production parameters takes about 0.2 s a hash; tests that create and
    sign in many people use the same algorithm with the cheapest parameters instead."""
    from argon2 import PasswordHasher

    from portfolio.services import passwords

    monkeypatch.setattr(
        passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )


@pytest.fixture(autouse=True)
def _each_request_starts_with_an_empty_g():
    """Requests in a test run inside the test's app context, so they share ``g``, where
    flask-login caches the signed-in person and flask-wtf the CSRF token. Empty it as each
    request starts, as in production, so two browsers in one test never see each other's."""
    from flask import g, request_started

    def forget(sender, **extra):
        vars(g).clear()

    request_started.connect(forget)
    yield
    request_started.disconnect(forget)
