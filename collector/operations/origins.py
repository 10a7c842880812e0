"""The one reading of a website's origin, for office data (panel, command line) and the API alike;
and the count of origins the API refused per office and day (``record_refused_origin``,
``get_refused_origins`` for the panel's embed health)."""

from __future__ import annotations

import re
from datetime import timedelta
from functools import lru_cache
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..extensions import db
from ..models import RefusedOrigin, utcnow
from .problems import DomainError

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1"})
DEFAULT_PORTS = {"http": 80, "https": 443}
HOST_LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
IPV4_RE = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")


def is_valid_host(host: str) -> bool:
    """Tell whether ``host`` is a DNS name (punycode for Polish letters) or an IPv4 address."""
    if IPV4_RE.match(host):
        return all(0 <= int(part) <= 255 for part in host.split("."))
    if len(host) > 253 or "." not in host and host != "localhost":
        return False
    return all(HOST_LABEL_RE.match(label) for label in host.split("."))


def normalize_origin(text: str) -> str:
    """Return ``text`` as an exact origin ``scheme://host[:port]``, else raise DomainError.

    A trailing "/" (as browsers show addresses) and the scheme's default port are dropped,
    because the browser's ``Origin`` header never carries them and the match must be exact.
    Codes: ``origin_wildcard``, ``origin_not_address``, ``origin_port``, ``origin_credentials``,
    ``origin_path``, ``origin_host``; the parameter ``origin`` is the text as typed (cut to 80).
    """
    raw = text.strip()
    shown = raw[:80]
    if "*" in raw:
        raise DomainError("origin_wildcard", origin=shown)
    if any(ch.isspace() or ord(ch) < 32 for ch in raw):
        raise DomainError("origin_not_address", origin=shown)
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        raise DomainError("origin_port", origin=shown) from None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in DEFAULT_PORTS or not parts.netloc:
        raise DomainError("origin_not_address", origin=shown)
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise DomainError("origin_credentials", origin=shown)
    if parts.path not in ("", "/") or parts.query or parts.fragment or raw.endswith(("?", "#")):
        raise DomainError("origin_path", origin=shown)
    if not host or not is_valid_host(host):
        raise DomainError("origin_host", origin=shown)
    if port is not None and not 1 <= port <= 65535:
        raise DomainError("origin_port", origin=shown)
    if port is None or port == DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def check_allowed_origin(text: str) -> str:
    """Return the origin if an office may allow it: https only (http only for local addresses).

    Raises DomainError ``origin_not_https`` besides ``normalize_origin``'s codes.
    """
    origin = normalize_origin(text)
    scheme, host = origin.split("://", 1)
    if scheme != "https" and host.split(":", 1)[0] not in LOCAL_HOSTS:
        raise DomainError("origin_not_https", origin=text.strip()[:80])
    return origin


@lru_cache(maxsize=512)
def origin_or_none(value: str | None) -> str | None:
    """Return a request's ``Origin`` header as ``normalize_origin`` reads it, or None if it is none.

    Every POST and preflight asks this of the same few origins: the answer is kept (a pure
    function of the text; a bounded cache, so a client sending random origins only evicts)."""
    if not value:
        return None
    try:
        return normalize_origin(value)
    except DomainError:
        return None


# -- origins the API refused, per office and day (for the panel's embed health) ---------------------

MAX_RECORDED_ORIGIN = 200  # characters; a longer "origin" is not a website an office would embed on
REFUSED_ORIGIN_DAYS = 7


def record_refused_origin(office_id: int, header: str | None) -> bool:
    """Count one refusal of ``header``'s origin for the office today (UTC); return whether counted.

    Only a valid http(s) origin (scheme://host[:port], as ``normalize_origin`` reads it) is kept,
    never a person's address nor a path. One upsert on its own short transaction, so it neither
    joins nor spoils the request's session; a database error is logged and swallowed (a refused
    request stays a 403, never a 500).
    """
    origin = origin_or_none(header[: MAX_RECORDED_ORIGIN + 1] if header else None)
    if origin is None or len(origin) > MAX_RECORDED_ORIGIN:
        return False
    table = RefusedOrigin.__table__
    values = {"office_id": office_id, "day": utcnow().date(), "origin": origin, "count": 1}
    try:
        with db.engine.begin() as connection:
            insert = (pg_insert if connection.dialect.name == "postgresql" else sqlite_insert)(
                table
            )
            connection.execute(
                insert.values(values).on_conflict_do_update(
                    index_elements=["office_id", "day", "origin"],
                    set_={"count": table.c.count + 1},
                )
            )
    except sa.exc.SQLAlchemyError:
        current_app.logger.warning("A refused origin could not be counted", exc_info=True)
        return False
    return True


def get_refused_origins(office_id: int, days: int = REFUSED_ORIGIN_DAYS) -> list[tuple[str, int]]:
    """Return the origins refused for the office in the last ``days`` days (today included, UTC),
    with how many times, most refused first."""
    since = utcnow().date() - timedelta(days=days - 1)
    total = sa.func.sum(RefusedOrigin.count)
    rows = db.session.execute(
        sa.select(RefusedOrigin.origin, total)
        .where(RefusedOrigin.office_id == office_id, RefusedOrigin.day >= since)
        .group_by(RefusedOrigin.origin)
        .order_by(total.desc(), RefusedOrigin.origin)
    ).all()
    return [(origin, int(count)) for origin, count in rows]
