"""Configuration defaults.

Order of precedence (last wins): these defaults, ``instance/config.py``, environment variables,
the mapping a test passes to ``create_app``.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

#: Where the repository's data folders live when running from a checkout.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

MAX_UPLOAD_BYTES_DEFAULT = 1024**3  # 1 GiB per file

#: where ``make run`` serves the app; the public address when nothing else is configured
LOCAL_URL = "http://127.0.0.1:5000"
#: the host names a local default answers to (a browser may say either)
LOCAL_HOSTS = ["127.0.0.1", "localhost", "::1"]

DEFAULTS = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    #: the site's public address (scheme, host, optional path prefix), e.g.
    #: ``https://portfolio.example.ac.uk`` or ``https://example.ac.uk/portfolio``. Every link that
    #: leaves the site (mail, PDFs, the archive manifest, witness links) is built from it, never
    #: from the request. Unset: PORTFOLIO_LOCAL_URL (which ``make run`` sets) or LOCAL_URL.
    "PUBLIC_URL": None,
    #: host names requests may carry (Flask refuses any other with 400); unset: the public
    #: address's host (and localhost's names when that is the local default)
    "TRUSTED_HOSTS": None,
    #: the body any request may send, in bytes; only the upload routes (signed in, allowed) and
    #: a witness link that has been checked raise it
    "MAX_FORM_BYTES": 2 * 1024 * 1024,
    #: trust X-Forwarded-Host from the PROXY_COUNT proxies (off: links never follow it anyway)
    "PROXY_TRUST_HOST": False,
    #: a signed-in session ends this many hours after sign-in, however busy (shared computers)
    "SESSION_MAX_HOURS": 10,
    #: end a session when its network address changes, not only its browser (a stolen cookie
    #: then works nowhere else; mobile learners whose address changes sign in again)
    "SESSION_BIND_ADDRESS": True,
    #: reset links asked for on the forgotten-password page: per address and per network address
    "RESET_REQUESTS_PER_HOUR": 3,
    "RESET_REQUESTS_PER_IP_PER_HOUR": 30,
    #: wrong passwords re-entered to sign off or countersign, per person, within the window
    "REAUTH_MAX_FAILURES": 5,
    #: witness requests a learner may have open (sent, not yet answered, withdrawn or expired)
    "WITNESS_OPEN_REQUESTS_MAX": 10,
    "CRITERIA_DIR": str(PROJECT_ROOT / "criteria"),
    "FRONTEND_DIR": str(PROJECT_ROOT / "node_modules"),
    "MAX_UPLOAD_BYTES": MAX_UPLOAD_BYTES_DEFAULT,
    #: one whole request (several files in the plain form); None: 4 × MAX_UPLOAD_BYTES
    "MAX_REQUEST_BYTES": None,
    "INVITATION_HOURS": 72,
    "RESET_HOURS": 2,
    #: how long a witness's link to give testimony works, unless used or withdrawn first
    "WITNESS_LINK_DAYS": 14,
    "SIGNIN_MAX_FAILURES": 5,  # failed sign-ins per email address within the window
    "SIGNIN_MAX_FAILURES_PER_IP": 20,  # per address; a class often shares one IP
    "SIGNIN_WINDOW_SECONDS": 15 * 60,
    "MAIL_SERVER": None,
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_FROM": "portfolio@localhost",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    #: how many reverse proxies in front of the app set X-Forwarded-For/-Proto/-Host (0: none)
    "PROXY_COUNT": 0,
    #: a signed-in session ends after this many minutes without a request (each one renews it)
    "SESSION_IDLE_MINUTES": 60,
    "SESSION_REFRESH_EACH_REQUEST": True,
    #: the provider's PDF signing key and certificate (PEM); unset: generated into instance/signing
    "PDF_SIGNING_KEY": None,
    "PDF_SIGNING_CERT": None,
    "PDF_SIGNING_PASSPHRASE": None,
    #: the name on a generated self-signed certificate
    "PDF_SIGNER_NAME": "NOS evidence portfolio (self-signed)",
    #: where the task queue keeps its tasks (portfolio/tasks.py): ``redis://host:port/db``, or
    #: ``sqlite:///path``; unset: an SQLite file in the instance folder
    "TASK_QUEUE_URL": None,
    #: run tasks inline, in the process that queues them, instead of on a worker (tests)
    "TASK_QUEUE_IMMEDIATE": False,
}

#: Environment variables read at start, mapped to config keys.
ENVIRONMENT = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "SECRET_KEY": "SECRET_KEY",
    "EVIDENCE_DIR": "EVIDENCE_DIR",
    "CRITERIA_DIR": "CRITERIA_DIR",
    "MAX_UPLOAD_BYTES": "MAX_UPLOAD_BYTES",
    "MAX_REQUEST_BYTES": "MAX_REQUEST_BYTES",
    "MAIL_SERVER": "MAIL_SERVER",
    "MAIL_PORT": "MAIL_PORT",
    "MAIL_USERNAME": "MAIL_USERNAME",
    "MAIL_PASSWORD": "MAIL_PASSWORD",
    "MAIL_FROM": "MAIL_FROM",
    "MAIL_USE_TLS": "MAIL_USE_TLS",
    "SESSION_COOKIE_SECURE": "SESSION_COOKIE_SECURE",
    "PROXY_COUNT": "PROXY_COUNT",
    #: keys the audit trail's hashes; without it a key is derived from SECRET_KEY. Before rotating
    #: SECRET_KEY, set AUDIT_KEY to the old SECRET_KEY so earlier entries still verify.
    "AUDIT_KEY": "AUDIT_KEY",
    "SESSION_IDLE_MINUTES": "SESSION_IDLE_MINUTES",
    "PDF_SIGNING_KEY": "PDF_SIGNING_KEY",
    "PDF_SIGNING_CERT": "PDF_SIGNING_CERT",
    "PDF_SIGNING_PASSPHRASE": "PDF_SIGNING_PASSPHRASE",
    "PDF_SIGNER_NAME": "PDF_SIGNER_NAME",
    "WITNESS_LINK_DAYS": "WITNESS_LINK_DAYS",
    "TASK_QUEUE_URL": "TASK_QUEUE_URL",
    "PUBLIC_URL": "PUBLIC_URL",
    "TRUSTED_HOSTS": "TRUSTED_HOSTS",
    "MAX_FORM_BYTES": "MAX_FORM_BYTES",
    "PROXY_TRUST_HOST": "PROXY_TRUST_HOST",
    "SESSION_MAX_HOURS": "SESSION_MAX_HOURS",
    "SESSION_BIND_ADDRESS": "SESSION_BIND_ADDRESS",
}
INTEGER_KEYS = {
    "MAX_UPLOAD_BYTES",
    "MAX_REQUEST_BYTES",
    "MAIL_PORT",
    "PROXY_COUNT",
    "SESSION_IDLE_MINUTES",
    "WITNESS_LINK_DAYS",
    "MAX_FORM_BYTES",
    "SESSION_MAX_HOURS",
}
BOOLEAN_KEYS = {"SESSION_COOKIE_SECURE", "MAIL_USE_TLS", "PROXY_TRUST_HOST", "SESSION_BIND_ADDRESS"}
#: comma-separated in the environment
LIST_KEYS = {"TRUSTED_HOSTS"}


def instance_path(test_config: dict | None = None) -> str:
    """``instance/`` beside the checkout, unless PORTFOLIO_INSTANCE_PATH or a test says so."""
    if test_config and test_config.get("INSTANCE_PATH"):
        return str(test_config["INSTANCE_PATH"])
    return os.environ.get("PORTFOLIO_INSTANCE_PATH") or str(PROJECT_ROOT / "instance")


def configure(app, test_config=None):
    """Fill ``app.config`` from defaults, instance file, environment and ``test_config``."""
    app.config.from_mapping(DEFAULTS)
    instance = Path(app.instance_path)
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'portfolio.sqlite3'}"
    app.config["EVIDENCE_DIR"] = str(instance / "evidence")
    app.config.from_pyfile("config.py", silent=True)
    for variable, key in ENVIRONMENT.items():
        value = os.environ.get(variable)
        if value is None or value == "":
            continue
        if key in INTEGER_KEYS:
            value = int(value)
        elif key in BOOLEAN_KEYS:
            value = value.lower() in {"1", "true", "yes", "on"}
        elif key in LIST_KEYS:
            value = [part.strip() for part in value.split(",") if part.strip()]
        app.config[key] = normalise_database_url(value) if variable == "DATABASE_URL" else value
    if test_config:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(instance)
    if not app.config.get("TASK_QUEUE_URL"):
        app.config["TASK_QUEUE_URL"] = default_task_queue_url(instance)
    configure_public_address(app.config)
    if app.config["SESSION_COOKIE_SECURE"]:
        app.config["REMEMBER_COOKIE_SECURE"] = True
    # Sessions are permanent (see auth/sessions.py), so this is an idle timeout: Flask
    # refuses a session cookie signed longer ago than this, and re-signs it on every request.
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(
        minutes=int(app.config["SESSION_IDLE_MINUTES"])
    )
    # Flask refuses request bodies above MAX_CONTENT_LENGTH with 413. The plain form sends
    # several files in one request; each file is held to MAX_UPLOAD_BYTES as it streams in.
    if not app.config.get("MAX_REQUEST_BYTES"):
        app.config["MAX_REQUEST_BYTES"] = 4 * int(app.config["MAX_UPLOAD_BYTES"])
    # The body any route accepts; upload routes raise it per request (body_limits.py).
    app.config["MAX_CONTENT_LENGTH"] = int(app.config["MAX_FORM_BYTES"])


def configure_public_address(values) -> None:
    """Derive the host, path prefix, scheme, trusted hosts and cookie flags from PUBLIC_URL."""
    from .public_address import PublicAddress

    local = not values.get("PUBLIC_URL")
    address = PublicAddress.parse(
        values.get("PUBLIC_URL") or os.environ.get("PORTFOLIO_LOCAL_URL") or LOCAL_URL
    )
    values["PUBLIC_URL"] = address.url
    values["SERVER_NAME"] = address.netloc
    values["APPLICATION_ROOT"] = address.prefix or "/"
    values["PREFERRED_URL_SCHEME"] = address.scheme
    if values.get("TRUSTED_HOSTS") is None:
        values["TRUSTED_HOSTS"] = [address.hostname] + (LOCAL_HOSTS if local else [])
    if address.scheme == "https":
        # Served over HTTPS: no cookie of ours ever travels in clear text.
        values["SESSION_COOKIE_SECURE"] = True


def normalise_database_url(url: str) -> str:
    """Let operators paste the usual ``postgres://`` URL; we drive it with psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def default_task_queue_url(instance: Path) -> str:
    """The embedded default: Huey's SQLite store beside the database, shared by the web server
    and the workers on one machine (use Redis when they run on several)."""
    return f"sqlite:///{Path(instance) / 'tasks.sqlite3'}"


def instance_secret_key(instance: Path) -> str:
    """Generate the secret key once into ``instance/secret_key`` and reuse it afterwards."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
