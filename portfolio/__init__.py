"""NOS evidence portfolio: learners gather evidence against National Occupational Standards,
assessors judge it, internal quality assurers sample it, providers run cohorts."""

from pathlib import Path

from flask import Flask

from . import config


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=config.instance_path(test_config),
        instance_relative_config=True,
        template_folder=str(config.PROJECT_ROOT / "templates"),
    )
    config.configure(app, test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    wrap_wsgi(app)

    from .extensions import csrf, db, login_manager, migrate
    from .models._types import render_migration_type

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(Path(__file__).parent / "migrations"),
        render_as_batch=True,  # SQLite needs batch mode to alter tables
        compare_type=True,
        render_item=render_migration_type,
    )
    login_manager.init_app(app)

    from . import assets, body_limits, errors, log_redaction, navigation, security, tasks, uk_time
    from .auth import sessions  # the user loader, and when a session ends
    from .services import markdown, uploads

    # Before-request hooks run in this order: a session that has ended ends before anything
    # else; then the route decides how large a body it takes; only then does CSRF read it.
    sessions.init_app(app)
    body_limits.init_app(app)
    csrf.init_app(app)

    assets.init_app(app)
    security.init_app(app)
    log_redaction.init_app(app)
    errors.init_app(app)
    navigation.init_app(app)
    uk_time.init_app(app)  # the uk_date, uk_time and uk_datetime filters
    markdown.init_app(app)
    uploads.init_app(app)  # views marked @streams_to_storage write uploads straight to storage
    tasks.init_app(app)  # the task queue follows the app's settings (a worker checks they agree)

    from .admin.views import bp as admin_bp
    from .assessor.views import bp as assessor_bp
    from .auth.views import bp as auth_bp
    from .caseload.views import bp as caseload_bp
    from .eqa import views as eqa_views
    from .exports.views import bp as exports_bp
    from .files.views import bp as files_bp
    from .iqa.views import bp as iqa_bp
    from .learner.views import bp as learner_bp
    from .notifications import views as notification_views
    from .public.views import bp as public_bp
    from .witness.views import bp as witness_bp

    blueprints = (
        public_bp,
        auth_bp,
        admin_bp,
        caseload_bp,
        assessor_bp,
        learner_bp,
        files_bp,
        exports_bp,
        notification_views.bp,
        iqa_bp,
        eqa_views.bp,
        witness_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    notification_views.init_app(app)
    eqa_views.init_app(app)

    from . import cli

    cli.init_app(app)
    return app


def wrap_wsgi(app: Flask) -> None:
    """Proxy headers are believed only from the configured number of proxies, and the host
    header never (unless PROXY_TRUST_HOST): links are built from PUBLIC_URL, not from it."""
    from .public_address import PrefixMiddleware, PublicAddress

    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_COUNT"])
        trust_host = hops if app.config["PROXY_TRUST_HOST"] else 0
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=trust_host)
    prefix = PublicAddress.parse(app.config["PUBLIC_URL"]).prefix
    if prefix:
        app.wsgi_app = PrefixMiddleware(app.wsgi_app, prefix)
