"""An operator configures the app: defaults, instance/config.py, environment variables."""

import stat

from flask import request

from portfolio import create_app
from portfolio.config import normalise_database_url


def test_a_missing_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    instance = tmp_path / "instance"
    first = create_app({"INSTANCE_PATH": str(instance)})
    second = create_app({"INSTANCE_PATH": str(instance)})

    key_file = instance / "secret_key"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()
    assert len(first.config["SECRET_KEY"]) == 64
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_by_default_the_database_and_evidence_live_in_the_instance_folder(tmp_path, monkeypatch):
    for variable in ("DATABASE_URL", "EVIDENCE_DIR"):
        monkeypatch.delenv(variable, raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'portfolio.sqlite3'}"
    assert app.config["EVIDENCE_DIR"] == str(tmp_path / "evidence")
    assert app.config["MAX_UPLOAD_BYTES"] == 1024**3


def test_environment_variables_override_the_instance_config_file(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text(
        "EVIDENCE_DIR = '/from/instance/file'\nMAX_UPLOAD_BYTES = 1000\nSECRET_KEY = 'file'\n"
    )
    monkeypatch.setenv("EVIDENCE_DIR", "/from/environment")
    monkeypatch.setenv("DATABASE_URL", "postgres://someone:pw@db.example.org/portfolio")
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "true")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path)})

    assert app.config["EVIDENCE_DIR"] == "/from/environment"
    assert app.config["MAX_UPLOAD_BYTES"] == 1000  # from the file, no variable set
    assert app.config["SECRET_KEY"] == "file"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://someone:pw@db.example.org/portfolio"
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_database_urls_are_driven_with_psycopg_3():
    assert normalise_database_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x", "PROXY_COUNT": 1})

    @app.get("/whoami")
    def whoami():
        return f"{request.remote_addr} {request.scheme}"

    response = app.test_client().get(
        "/whoami", headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    )
    assert response.text == "203.0.113.7 https"


def test_without_a_proxy_forwarded_headers_are_ignored(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})

    @app.get("/whoami")
    def whoami():
        return request.remote_addr

    response = app.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.7"})
    assert response.text == "127.0.0.1"
