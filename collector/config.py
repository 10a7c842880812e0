"""Configuration: defaults, then the environment, then the test dict."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from flask import Flask

from .mail import MailSettings
from .passwords import DEFAULT_COST

log = logging.getLogger(__name__)

PRODUCTION_FLAGS = {"production", "prod"}


class ConfigError(RuntimeError):
    """A configuration value is missing or malformed; the message says which and how to fix it."""


def is_production(environ: dict[str, str]) -> bool:
    """Tell whether the environment asks for production behaviour."""
    flag = (environ.get("OCEN_ENV") or environ.get("FLASK_ENV") or "").lower()
    return flag in PRODUCTION_FLAGS


def get_secret_key(app: Flask, environ: dict[str, str]) -> str:
    """Return SECRET_KEY from the environment, or a local one kept under instance/."""
    key = environ.get("SECRET_KEY")
    if key:
        if len(key) < 16:
            raise ConfigError("SECRET_KEY is too short: use at least 16 random characters.")
        return key
    if is_production(environ):
        raise ConfigError(
            "SECRET_KEY must be set in production (OCEN_ENV=production): "
            'generate one with `python -c "import secrets; print(secrets.token_hex(32))"`.'
        )
    path = Path(app.instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    log.warning("Generated a new local SECRET_KEY in %s", path)
    return key


def check_database_url(url: str) -> str:
    """Return the URL if SQLAlchemy can use it, else raise ConfigError."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"DATABASE_URL is not a database URL: {url!r}") from exc
    if parsed.get_backend_name() not in {"sqlite", "postgresql"}:
        raise ConfigError(
            "DATABASE_URL must be sqlite:///PATH or postgresql+psycopg://USER@HOST/DB, "
            f"not {parsed.get_backend_name()!r}."
        )
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        # psycopg 3 is the driver we install; the bare scheme would look for psycopg2.
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def check_public_url(url: str) -> str:
    """Return the collector's public URL without a trailing slash, else raise ConfigError."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ConfigError(f"PUBLIC_URL must look like https://ankieta.example.pl, not {url!r}.")
    return url.rstrip("/")


def check_storage_uri(uri: str) -> str:
    """Return the rate-limit storage URI, else raise ConfigError."""
    scheme = urlsplit(uri).scheme
    if scheme not in {"memory", "redis", "rediss", "redis+unix"}:
        raise ConfigError(
            f"RATELIMIT_STORAGE_URI must be memory:// or redis://HOST:PORT, not {uri!r}."
        )
    return uri


def check_shared_limits(uri: str, environ: dict[str, str]) -> None:
    """In production, refuse per-process (memory://) limits unless the operator states one process.

    With ``memory://`` each gunicorn worker counts on its own: four workers let four times the
    documented rate through, and the login lock allows four times the tries.
    """
    if urlsplit(uri).scheme == "memory" and environ.get("OCEN_SINGLE_PROCESS", "") != "1":
        raise ConfigError(
            "RATELIMIT_STORAGE_URI=memory:// counts per process, so with several workers the rate "
            "limits and the login lock are multiplied. Set RATELIMIT_STORAGE_URI=redis://HOST:6379 "
            "(shared by all workers), or OCEN_SINGLE_PROCESS=1 if exactly one process serves."
        )


def check_cache_seconds(value: object) -> float:
    """Return the API cache's lifetime in seconds (0 turns it off), else raise ConfigError."""
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        seconds = -1.0
    if not 0 <= seconds <= 3600:
        raise ConfigError(
            f"API_CACHE_SECONDS must be a number of seconds from 0 to 3600, not {value!r}."
        )
    return seconds


def check_report_build_timing(config: dict[str, Any]) -> None:
    """Raise ConfigError unless a live build's heartbeat comes well within the orphan age."""
    heartbeat = config["REPORT_BUILD_HEARTBEAT_SECONDS"]
    orphaned = config["REPORT_BUILD_ORPHANED_SECONDS"]
    if not 0 < heartbeat * 2 <= orphaned:
        raise ConfigError(
            "REPORT_BUILD_ORPHANED_SECONDS must be at least twice REPORT_BUILD_HEARTBEAT_SECONDS "
            f"(a positive number), or running builds are resumed twice: {orphaned!r}, {heartbeat!r}."
        )
    if config["REPORT_BUILD_ATTEMPTS"] < 1:
        raise ConfigError("REPORT_BUILD_ATTEMPTS must be at least 1.")


def check_recycle_seconds(value: object) -> int:
    """Return how long a database connection is reused before it is replaced, else raise ConfigError."""
    try:
        seconds = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        seconds = -1
    if not 10 <= seconds <= 86400:
        raise ConfigError(
            f"DATABASE_RECYCLE_SECONDS must be a number of seconds from 10 to 86400, not {value!r}."
        )
    return seconds


def check_proxy_count(value: object) -> int:
    """Return how many reverse proxies stand in front of the collector, else raise ConfigError."""
    try:
        count = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        count = -1
    if not 0 <= count <= 5:
        raise ConfigError(
            f"PROXY_COUNT must be the number of reverse proxies in front (0-5), not {value!r}."
        )
    return count


MAIL_SCHEMES = {"smtp": 25, "smtps": 465}


def check_mail_url(url: str | None, public_url: str) -> MailSettings | None:
    """Return the SMTP settings of ``MAIL_URL`` (None when unset), else raise ConfigError.

    ``smtp://`` uses STARTTLS on port 587 or with ``?starttls=1`` (``?starttls=0`` turns it off);
    ``smtps://`` is TLS from the start; ``?from=`` sets the sender (else the user name if it is an
    address, else ``ankieta@`` the public host).
    """
    if not url:
        return None
    example = "smtp://user:pass@smtp.example.pl:587"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ConfigError(f"MAIL_URL must look like {example}; its port is not a number.") from None
    if parts.scheme not in MAIL_SCHEMES or not parts.hostname:
        raise ConfigError(
            f"MAIL_URL must look like {example} (or smtps:// for TLS from the start), "
            f"not a {parts.scheme or 'scheme-less'} address."
        )
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    unknown = set(query) - {"starttls", "from"}
    if unknown:
        raise ConfigError(
            f"MAIL_URL: unknown setting(s) {sorted(unknown)}; use starttls= and from=."
        )
    port = port or (587 if parts.scheme == "smtp" and query.get("starttls") == "1" else 0)
    port = port or MAIL_SCHEMES[parts.scheme]
    if query.get("starttls", "") not in ("", "0", "1"):
        raise ConfigError("MAIL_URL: starttls must be 0 or 1.")
    if parts.scheme == "smtps":
        if query.get("starttls") == "1":
            raise ConfigError("MAIL_URL: smtps:// is TLS already; drop starttls=1 or use smtp://.")
        security = "tls"
    elif query.get("starttls") == "1" or (port == 587 and query.get("starttls") != "0"):
        security = "starttls"
    else:
        security = "none"
    username = unquote(parts.username or "")
    sender = query.get("from") or (
        username if "@" in username else f"ankieta@{urlsplit(public_url).hostname}"
    )
    if "@" not in sender or any(c in sender for c in " \r\n<>,;"):
        raise ConfigError(f"MAIL_URL: from= must be one e-mail address, not {sender!r}.")
    return MailSettings(
        host=parts.hostname,
        port=port,
        security=security,
        sender=sender,
        username=username,
        password=unquote(parts.password or ""),
    )


def load_config(
    app: Flask, config: dict | None = None, environ: dict[str, str] | None = None
) -> None:
    """Fill app.config from defaults, the environment and the given dict, checking each value."""
    environ = dict(os.environ if environ is None else environ)
    config = dict(config or {})
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    default_db = "sqlite:///" + str(Path(app.instance_path) / "ocen-urzad.db")
    app.config.update(
        SQLALCHEMY_DATABASE_URI=environ.get("DATABASE_URL", default_db),
        # No ping per checkout: a connection is reused (LIFO: the most recent, so each worker
        # thread keeps getting the same one) and replaced after DATABASE_RECYCLE_SECONDS. A
        # connection that died with the database fails its request with 503 and the pool is
        # renewed, so the next request connects again (tests/collector/test_reliability.py).
        SQLALCHEMY_ENGINE_OPTIONS={
            "pool_pre_ping": False,
            "pool_recycle": check_recycle_seconds(environ.get("DATABASE_RECYCLE_SECONDS", "300")),
            "pool_use_lifo": True,
        },
        RATELIMIT_STORAGE_URI=environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        # No X-RateLimit-*/Retry-After on every answer: a 201 needs none and a 503 keeps its own;
        # the 429 says when to retry (collector.api.http_error_response).
        RATELIMIT_HEADERS_ENABLED=False,
        RESPONSES_RATE_LIMIT=environ.get("RESPONSES_RATE_LIMIT", "30 per minute;300 per hour"),
        PUBLIC_URL=environ.get("PUBLIC_URL", "http://127.0.0.1:5000"),
        DEMO_ORIGIN=environ.get("DEMO_ORIGIN", "http://127.0.0.1:5001"),
        MAX_CONTENT_LENGTH=1024 * 1024,
        RESPONSE_MAX_BYTES=16 * 1024,
        MIN_FILL_SECONDS=2,
        RETIRED_GRACE_HOURS=24,
        # A report built from the panel (admin/report_builds.py): its process touches the build
        # every REPORT_BUILD_HEARTBEAT_SECONDS; a build untouched for REPORT_BUILD_ORPHANED_SECONDS
        # lost its process and is resumed by the next request that shows or asks for it, at most
        # REPORT_BUILD_ATTEMPTS runs in all. A run that has not ended after REPORT_BUILD_MAX_SECONDS
        # stops its heartbeat, so a hung run is resumed too.
        REPORT_BUILD_HEARTBEAT_SECONDS=10,
        REPORT_BUILD_ORPHANED_SECONDS=60,
        REPORT_BUILD_ATTEMPTS=3,
        REPORT_BUILD_MAX_SECONDS=30 * 60,
        API_CACHE_SECONDS=environ.get("API_CACHE_SECONDS", "10"),
        MAIL_URL=environ.get("MAIL_URL", ""),
        PROXY_COUNT=environ.get("PROXY_COUNT", "0"),
        PRODUCTION=is_production(environ),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=is_production(environ),
        PERMANENT_SESSION_LIFETIME=30 * 60,
        WTF_CSRF_TIME_LIMIT=None,
        # The key that seals TOTP secrets at rest (collector/operations/two_factor.py); empty: one
        # derived from SECRET_KEY, so changing SECRET_KEY makes the stored secrets unreadable.
        TOTP_ENCRYPTION_KEY=environ.get("TOTP_ENCRYPTION_KEY", ""),
        # Argon2id cost of new password hashes (tests lower it; verifying reads the cost from the hash).
        **DEFAULT_COST,
    )
    if "SECRET_KEY" not in config:
        app.config["SECRET_KEY"] = get_secret_key(app, environ)
    app.config.update(config)

    app.config["SQLALCHEMY_DATABASE_URI"] = check_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    if ":memory:" in app.config["SQLALCHEMY_DATABASE_URI"] or app.config[
        "SQLALCHEMY_DATABASE_URI"
    ] in ("sqlite://", "sqlite:///"):
        # An in-memory SQLite database lives in one connection (a static pool, no queue).
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {}
    check_report_build_timing(app.config)
    app.config["PUBLIC_URL"] = check_public_url(app.config["PUBLIC_URL"])
    app.config["RATELIMIT_STORAGE_URI"] = check_storage_uri(app.config["RATELIMIT_STORAGE_URI"])
    if is_production(environ):
        check_shared_limits(app.config["RATELIMIT_STORAGE_URI"], environ)
    app.config["API_CACHE_SECONDS"] = check_cache_seconds(app.config["API_CACHE_SECONDS"])
    app.config["PROXY_COUNT"] = check_proxy_count(app.config["PROXY_COUNT"])
    app.config["MAIL"] = check_mail_url(app.config["MAIL_URL"], app.config["PUBLIC_URL"])
    if app.config["MAIL"] is None:
        log.info(
            "E-mail is off: MAIL_URL is not set, so no digests, alerts or reminders are sent "
            "(flask notify run sends nothing)."
        )
    else:
        log.info("E-mail is on: SMTP %s.", app.config["MAIL"].describe())
