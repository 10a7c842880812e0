"""The embeddable widget: the esbuild bundle in widget/dist/ and the blueprint that serves it.

``/widget.js`` is what webmasters paste: a short cache with an ETag, so a new release reaches
every city's homepage within minutes. ``/widget.<hash>.js`` never changes and is cached for a
year. Both are compressed once per process and bundle content, with gzip and Brotli.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import brotli
from flask import Blueprint, Flask, Response, current_app, redirect, request, url_for

log = logging.getLogger(__name__)

DIST_DIR = Path(__file__).resolve().parent / "dist"
BUILD_HINT = "make install (or: cd widget && npm ci && npm run build)"
SHORT_CACHE = "public, max-age=300"
LONG_CACHE = "public, max-age=31536000, immutable"
HASH_RE = re.compile(r"[0-9a-f]{8,64}")
ENCODINGS = ("br", "gzip")  # in order of preference
MAX_COMPRESSED = 512

bp = Blueprint("widget", __name__)

# Compressed bodies per bundle content (full SHA-256): Brotli at quality 11 takes a noticeable
# moment, and an app built again in the same process (the tests build many) need not pay it twice.
_compressed: dict[str, dict[str, bytes]] = {}


@dataclass(frozen=True)
class Bundle:
    """The built widget: its hash and its bytes per content encoding ("identity", "gzip", "br")."""

    hash: str
    bodies: dict[str, bytes]


def load_bundle(dist: Path) -> Bundle | None:
    """Read the bundle and its manifest from ``dist`` and compress it; None if it is not built."""
    try:
        manifest = json.loads((dist / "manifest.json").read_text())
        code = (dist / manifest["file"]).read_bytes()
    except (OSError, ValueError, KeyError, TypeError):
        return None
    digest = hashlib.sha256(code).hexdigest()[:16]
    if manifest.get("hash") != digest:
        log.warning("widget/dist/manifest.json does not match widget.js; using the file's own hash")
    return Bundle(hash=digest, bodies=compress(code))


def compress(code: bytes) -> dict[str, bytes]:
    """Return the bundle's bytes per content encoding, compressing each distinct content once."""
    key = hashlib.sha256(code).hexdigest()
    bodies = _compressed.get(key)
    if bodies is None:
        if len(_compressed) >= MAX_COMPRESSED:  # the bundle and each office's script: a few dozen
            _compressed.clear()
        bodies = _compressed[key] = {
            "identity": code,
            "gzip": gzip.compress(code, compresslevel=9, mtime=0),
            "br": brotli.compress(code, quality=11),
        }
    return dict(bodies)


def get_bundle() -> Bundle | None:
    """Return the app's bundle, loading it now if it was built after start-up."""
    state = current_app.extensions["widget"]
    if state["bundle"] is None:
        state["bundle"] = load_bundle(state["dist"])
    return state["bundle"]


def pick_encoding() -> str:
    """Return the best encoding the client accepts: br, then gzip, else identity."""
    for encoding in ENCODINGS:
        if request.accept_encodings[encoding]:
            return encoding
    return "identity"


def bundle_response(bundle: Bundle, cache_control: str) -> Response:
    """Answer with the bundle in the client's encoding, or 304 when its ETag matches."""
    encoding = pick_encoding()
    etag = bundle.hash if encoding == "identity" else f"{bundle.hash}-{encoding}"
    response = Response(mimetype="text/javascript")
    response.set_etag(etag)
    response.headers["Cache-Control"] = cache_control
    response.headers["Vary"] = "Accept-Encoding"
    # The bundle is loaded by other sites' pages: allow it under COEP and for SRI (crossorigin).
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if request.if_none_match.contains(etag) or request.if_none_match.contains(bundle.hash):
        response.status_code = 304
        return response
    response.set_data(bundle.bodies[encoding])
    if encoding != "identity":
        response.headers["Content-Encoding"] = encoding
    return response


def not_built() -> Response:
    """Answer 503 saying how to build the bundle."""
    message = (
        f"Skrypt widżetu nie jest zbudowany. Uruchom: {BUILD_HINT}\n"
        f"The widget bundle is not built. Run: {BUILD_HINT}\n"
    )
    return Response(
        message,
        status=503,
        mimetype="text/plain",
        headers={"Cache-Control": "no-store", "Retry-After": "60"},
    )


@bp.get("/widget.js")
def get_widget():
    """Serve the widget under its stable address (short cache, ETag)."""
    bundle = get_bundle()
    if bundle is None:
        return not_built()
    return bundle_response(bundle, SHORT_CACHE)


@bp.get("/widget.<digest>.js")
def get_hashed_widget(digest: str):
    """Serve the widget under its content-hashed address, cached for a year."""
    bundle = get_bundle()
    if bundle is None:
        return not_built()
    if digest != bundle.hash:
        if not HASH_RE.fullmatch(digest):
            return Response(
                "Nie ma takiego pliku. / No such file.\n", status=404, mimetype="text/plain"
            )
        # A page pinned to an older release gets the current one rather than no widget at all.
        return redirect(url_for("widget.get_widget"), code=302)
    return bundle_response(bundle, LONG_CACHE)


def init_app(app: Flask) -> None:
    """Load the bundle and register the routes that serve it."""
    dist = Path(app.config.get("WIDGET_DIST") or DIST_DIR)
    bundle = load_bundle(dist)
    if bundle is None:
        log.warning(
            "The widget bundle is missing from %s: /widget.js answers 503 until you run %s",
            dist,
            BUILD_HINT,
        )
    app.extensions["widget"] = {"dist": dist, "bundle": bundle}
    app.register_blueprint(bp)
