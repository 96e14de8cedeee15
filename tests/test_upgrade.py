"""An operator runs `flask --app portfolio upgrade` on a new or existing database."""

import os
import uuid
from datetime import UTC, date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from portfolio import create_app
from portfolio.extensions import db
from portfolio.models import Cohort, Enrolment, Provider, Standard, User


@pytest.fixture
def fresh_database_url(tmp_path):
    """An empty database of the kind the suite runs on (SQLite file or a new PostgreSQL DB)."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    name = f"upgrade_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(base).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def fresh_app(fresh_database_url, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": fresh_database_url,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "EVIDENCE_DIR": str(tmp_path / "evidence"),
        }
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def test_upgrade_creates_the_database_and_loads_the_standards_once(fresh_app):
    runner = fresh_app.test_cli_runner()

    first = runner.invoke(args=["upgrade"])
    assert first.exit_code == 0, first.output
    assert "Loaded Develop and deliver co-productions" in first.output

    second = runner.invoke(args=["upgrade"])
    assert second.exit_code == 0, second.output
    assert "Already loaded" in second.output
    with fresh_app.app_context():
        assert db.session.query(Standard).count() == 1


def test_migrations_build_exactly_the_schema_the_models_describe(fresh_app):
    """A deployed site upgraded by migrations has the same tables as a fresh test database."""
    result = fresh_app.test_cli_runner().invoke(args=["upgrade"])
    assert result.exit_code == 0, result.output
    with fresh_app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == [], f"models and migrations differ; run `flask db migrate`: {differences}"


def test_upgrade_stops_and_names_evidence_whose_history_forked_before_it_could_not(fresh_app):
    """Before 0007 two clicks could start two next versions of one piece of evidence; the
    upgrade that forbids that names them rather than choosing which one the learner keeps."""
    runner = fresh_app.test_cli_runner()
    assert runner.invoke(args=["upgrade"]).exit_code == 0
    with fresh_app.app_context():
        provider = Provider(name="Northfield Youth Trust")
        learner = User(provider=provider, email="sam@example.org", name="Sam Learner")
        cohort = Cohort(
            provider=provider,
            standard=db.session.scalars(db.select(Standard)).one(),
            name="2026",
            start_date=date(2026, 9, 1),
            planned_end_date=date(2027, 7, 31),
        )
        db.session.add(Enrolment(cohort=cohort, learner=learner))
        db.session.commit()
        enrolment_id = db.session.scalars(db.select(Enrolment.id)).one()
        db.session.remove()
    assert runner.invoke(args=["db", "downgrade", "0006"]).exit_code == 0
    with fresh_app.app_context():
        insert = text(
            "INSERT INTO evidence (id, enrolment_id, previous_id, version, status, title, "
            "activity_date, method, account_md, created_at, updated_at, declaration_name, "
            "declaration_text) VALUES (:id, :enrolment_id, :previous_id, :version, :status, "
            "'Planning meeting', '2026-10-01', 'observation', '', :now, :now, '', '')"
        )
        now = datetime.now(UTC)
        for row in [
            {"id": 1, "previous_id": None, "version": 1, "status": "submitted"},
            {"id": 2, "previous_id": 1, "version": 2, "status": "draft"},
            {"id": 3, "previous_id": 1, "version": 2, "status": "draft"},  # the second click
        ]:
            db.session.execute(insert, {**row, "enrolment_id": enrolment_id, "now": now})
        db.session.commit()
        db.session.remove()

    refused = runner.invoke(args=["db", "upgrade"])

    assert refused.exit_code != 0
    assert "Some evidence has more than one next version" in refused.output
    assert "evidence 1 (2 of them)" in refused.output
    with fresh_app.app_context():
        db.session.execute(text("DELETE FROM evidence WHERE id = 3"))
        db.session.commit()
        db.session.remove()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
