"""Witness, invitation and reset links are keys: the access log, in development (Werkzeug) and
in production (gunicorn), keeps the page but not the token."""

import logging
import os
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

from werkzeug.serving import make_server

TOKEN = "Zx9-live-token-that-opens-an-account"
PATHS = [f"/witness/{TOKEN}", f"/invitation/{TOKEN}", f"/reset-password/{TOKEN}?x=1"]


def fetch(url: str) -> None:
    try:
        urllib.request.urlopen(url, timeout=10).close()  # noqa: S310 (loopback, our server)
    except urllib.error.HTTPError as refused:
        refused.close()


def test_the_development_server_logs_the_page_but_not_the_token(app, caplog):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            for path in PATHS:
                fetch(f"http://127.0.0.1:{server.server_port}{path}")
    finally:
        server.shutdown()
        thread.join(timeout=5)

    lines = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    assert len([line for line in lines if "[token]" in line]) == 3
    assert not any(TOKEN in line for line in lines)


def test_gunicorn_logs_the_page_but_not_the_token(tmp_path, app_config):
    # The socket listens before gunicorn starts (it serves an inherited fd), so requests
    # simply queue until it is ready: nothing to poll for.
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    environment = {
        **os.environ,
        "PORTFOLIO_INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "test",
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
    }
    log = tmp_path / "access.log"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "-c", "python:portfolio.gunicorn_settings", "-w", "1"]
    command += ["-b", f"fd://{listener.fileno()}", "--access-logfile", str(log)]
    server = subprocess.Popen(
        [*command, "portfolio:create_app()"],
        env=environment,
        pass_fds=[listener.fileno()],
        stderr=subprocess.DEVNULL,
    )
    try:
        for path in PATHS:
            fetch(f"http://127.0.0.1:{port}{path}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        listener.close()

    written = log.read_text()
    assert written.count("[token]") == 3
    assert TOKEN not in written
