"""The collector: the data, the public API, the hosted survey page and the CLI."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import Flask, jsonify, request
from werkzeug.middleware.proxy_fix import ProxyFix

from .extensions import db, limiter, migrate

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def _configure_sqlite(dbapi_connection, _record, synchronous: str = "NORMAL") -> None:
    # WAL lets the report readers and the response writers work at once; the busy timeout makes
    # concurrent writers wait for the lock instead of failing with "database is locked".
    # synchronous=NORMAL in WAL mode: a commit survives a crash of the process, not a power loss.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA synchronous={synchronous}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def healthz():
    """Answer 200 when the database answers, else 503."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        return jsonify(status="error", database="unavailable"), 503
    return jsonify(status="ok", database="ok")


_filtering = [False]


def is_not_limited_here() -> bool:
    """Tell Flask-Limiter's per-request hook to stand aside: reads are never limited, and the API
    counts its POSTs itself in one round trip (``collector.ratelimit``)."""
    return request.method in ("GET", "HEAD", "OPTIONS") or request.path.startswith("/api/")


def init_app(app: Flask) -> None:
    """Bind the extensions, the database and the collector's routes and commands to the app."""
    from . import api, cli, embed_script, hosted

    if app.config.get("PROXY_COUNT"):
        # Behind N reverse proxies, take the client's address (the rate-limit key; never stored for
        # residents) and scheme from the last N X-Forwarded-* entries; with 0 they are ignored, so a
        # client cannot pick its own address to dodge the limit.
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n)  # type: ignore[method-assign]
    from .sessions import PanelOnlySessionInterface

    app.session_interface = PanelOnlySessionInterface()
    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True
    )
    limiter.init_app(app)
    # Flask-Limiter's per-request hook checks the application's default limits, and there are none
    # (``default_limits=[]``): the hosted form's limit is checked by its decorator and the API counts
    # its POSTs itself (``collector.ratelimit``). The hook would still cost every request its
    # bookkeeping, so it is taken off; the decorated views keep their checks.
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in hooks:  # not added when the limiter is switched off
        hooks.remove(limiter._check_request_limit)
    if not _filtering[0]:
        limiter.request_filter(is_not_limited_here)
        _filtering[0] = True
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            synchronous = app.config.get("SQLITE_SYNCHRONOUS", "NORMAL")
            if synchronous not in ("NORMAL", "FULL"):
                raise ValueError(f"SQLITE_SYNCHRONOUS must be NORMAL or FULL, not {synchronous!r}")
            sa.event.listen(
                db.engine,
                "connect",
                lambda conn, record: _configure_sqlite(conn, record, synchronous),
            )
    app.add_url_rule("/healthz", "healthz", healthz)
    api.init_app(app)
    hosted.init_app(app)
    embed_script.init_app(app)
    cli.init_app(app)
