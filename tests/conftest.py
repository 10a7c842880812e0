"""Fixtures: one app per configuration and database for the whole session, reset before each test.

Every test runs on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set. Building an app
(Flask-Admin's views, the widget bundle) costs more than most tests, so apps are cached by
(database URL, configuration); before each test the tables are emptied and every piece of state
an app keeps between requests is forgotten (see ``reset_app``). A test that needs another
configuration overrides ``app_config``; a test that changes the app itself (adds views or routes)
is marked ``own_app``. Modules marked ``shared_data`` only read a dataset built once per module.

Under pytest-xdist each worker gets its own SQLite file and its own PostgreSQL database
(``<name>_gw0``, ``<name>_gw1``…, created when missing).
"""

from __future__ import annotations

import os
from collections import OrderedDict

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

from collector.extensions import db, limiter
from collector.office_cache import clear_caches
from wsgi import create_app

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
IN_CI = os.environ.get("CI", "").lower() == "true"
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")

if IN_CI and not TEST_DATABASE_URL:
    raise pytest.UsageError(
        "CI=true but TEST_DATABASE_URL is not set: the PostgreSQL run must not be skipped."
    )

DATABASES = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])

# What every test app gets unless its test says otherwise. CSRF is off (a test about a form's real
# behaviour turns it on through app_config) and Argon2 is as cheap as it goes: the production cost
# has its own test (tests/collector/test_config.py).
TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-0123456789abcdef",
    "RATELIMIT_ENABLED": False,
    "PUBLIC_URL": "http://collector.test",
    "DEMO_ORIGIN": "http://demo.test",
    "WTF_CSRF_ENABLED": False,
    "PASSWORD_HASH_TIME_COST": 1,
    "PASSWORD_HASH_MEMORY_COST": 8,
    "PASSWORD_HASH_PARALLELISM": 1,
}
CSRF_ON = {"WTF_CSRF_ENABLED": True}

MAX_APPS = (
    24  # apps keyed by a per-test tmp path (tests/widget/test_serving.py) are not kept forever
)
_apps: OrderedDict[tuple, Flask] = OrderedDict()
_prepared: set[str] = set()


def worker_database_url(url: str) -> str:
    """Return this xdist worker's own PostgreSQL database (created when missing), or ``url`` itself."""
    if not WORKER:
        return url
    parsed = make_url(url)
    name = f"{parsed.database}_{WORKER}"
    engine = sa.create_engine(parsed, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if not exists:
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session", params=DATABASES)
def database_url(request, tmp_path_factory) -> str:
    """Give the URL of one test database; every test runs once per database."""
    if request.param == "sqlite":
        return "sqlite:///" + str(tmp_path_factory.mktemp("sqlite") / "test.db")
    return worker_database_url(TEST_DATABASE_URL)


def freeze(value):
    """Return a hashable form of a configuration value."""
    if isinstance(value, dict):
        return tuple(sorted((k, freeze(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(freeze(v) for v in value)
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def build_app(database_url: str, config: dict) -> Flask:
    """Build an app on the test database, with the schema created once per database and worker."""
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, **config})
    if database_url not in _prepared:
        with app.app_context():
            db.drop_all()
            db.create_all()
        _prepared.add(database_url)
    # Flask-Limiter is one object bound to the last app built; remember how this app bound it.
    app.extensions["test_state"] = {
        "config": dict(app.config),
        "limiter": dict(vars(limiter)),
        "widget_bundle": app.extensions["widget"]["bundle"],
    }
    return app


def activate(app: Flask) -> None:
    """Give the app back what it set up in the process-wide extensions when it was built."""
    vars(limiter).update(app.extensions["test_state"]["limiter"])


def reset_app(app: Flask) -> None:
    """Forget what the previous test left: rows, caches, rate-limit counters, config changes."""
    state = app.extensions["test_state"]
    app.config.clear()
    app.config.update(state["config"])
    app.test_client_class = None
    activate(app)
    clear_database(app)
    clear_caches(app)
    for storage in (
        limiter.storage if limiter.enabled else None,
        app.extensions["admin_login_limiter"][0].storage,
    ):
        if storage is not None:
            storage.reset()
    app.extensions["widget"]["bundle"] = state["widget_bundle"]


def make_app(database_url: str, **config) -> Flask:
    """Return the session's app for this database and configuration, reset for a new test."""
    key = (database_url, freeze(config))
    app = _apps.get(key)
    if app is None:
        app = _apps[key] = build_app(database_url, config)
        while len(_apps) > MAX_APPS:
            _, old = _apps.popitem(last=False)
            with old.app_context():
                db.engine.dispose()
    _apps.move_to_end(key)
    reset_app(app)
    return app


def clear_database(app: Flask) -> None:
    """Delete every row, children first, so the next test starts empty."""
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            # DELETE and a sequence reset in one round trip: 4 ms, where TRUNCATE of these small
            # tables takes about 175 ms (it rewrites each table's files) on every test.
            sequences = db.session.scalars(
                sa.text("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()")
            )
            statements = [f'DELETE FROM "{t.name}"' for t in reversed(db.metadata.sorted_tables)]
            statements += [f"SELECT setval('\"{name}\"', 1, false)" for name in sequences]
            db.session.connection().exec_driver_sql("; ".join(statements))
        else:
            for table in reversed(db.metadata.sorted_tables):
                db.session.execute(table.delete())
        db.session.commit()
        db.session.remove()


@pytest.fixture
def app_config() -> dict:
    """Override in a test module to change the app's configuration (part of the app's cache key)."""
    return {}


@pytest.fixture(scope="module")
def shared_app(database_url):
    """The default app for a ``shared_data`` module: emptied once, then kept for the module's tests."""
    app = make_app(database_url)
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def app(request, database_url, app_config):
    if request.node.get_closest_marker("shared_data"):
        # Read-only tests on a dataset built once for the module (see shared_app): no reset.
        app = request.getfixturevalue("shared_app")
        activate(app)
        yield app
        return
    if request.node.get_closest_marker("own_app"):
        app = build_app(database_url, app_config)
        reset_app(app)
    else:
        app = make_app(database_url, **app_config)
    with app.app_context():
        yield app
    if request.node.get_closest_marker("own_app"):
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def playwright():
    """Start Playwright once per process (the widget's and the panel's browser tests may share one)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as running:
        yield running


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    return db.session


def pytest_terminal_summary(terminalreporter) -> None:
    """Say how many cases the schemathesis run sent, per database (its test records them)."""
    for report in terminalreporter.stats.get("passed", []):
        properties = dict(getattr(report, "user_properties", []))
        if report.when == "call" and "schemathesis_cases" in properties:
            terminalreporter.write_line(
                f"schemathesis: {properties['schemathesis_cases']} cases over "
                f"{properties['schemathesis_operations']} operations of the served OpenAPI "
                f"document, every answer as documented ({report.nodeid.split('::')[-1]})"
            )
