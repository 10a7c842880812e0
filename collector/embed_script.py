"""The per-office script ``/o/<slug>.js``: the widget's bundle with the office's settings baked in.

A webmaster pastes ``<script src="…/o/leszno.js" async></script>`` once; the banner's label,
colour and position, the office's languages and the optional invitation come from the panel with
the script itself, so a change there reaches every page within the hour without pasting again,
and a page view is still one request. The body is the bundle inside a block that declares the
settings (``{const __OCEN_CFG__={…};<bundle>}``): no global besides ``window.OcenUrzad``.

Cached by browsers for an hour with an ETag made of the bundle's hash and the settings, so a
revalidation after a change in the panel or a new release gets the new script and otherwise a 304.
The settings are kept per process like the API's office data (``office_cache``: 10 s, cleared
when this process commits a change to an office).
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from flask import Blueprint, Flask, Response, request

from widget import compress, get_bundle, not_built, pick_encoding

from .messages import get_section
from .models import DEFAULT_LOOK, Office
from .office_cache import recall, remember
from .surveys import get_office

CACHE_CONTROL = "public, max-age=3600"
NOT_FOUND_CACHE = "public, max-age=60"
SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")

bp = Blueprint("embed_script", __name__)


def office_settings(office: Office) -> dict[str, Any]:
    """Return what the widget needs from the panel before anything is fetched.

    The label travels only when the office changed it: the default one is said in the page's
    language by the widget itself („Oceń Urząd”, “Rate the Office”, «Оцініть установу»).
    """
    settings: dict[str, Any] = {
        "office": office.slug,
        "color": office.look_color or DEFAULT_LOOK["color"],
        "position": office.look_position or DEFAULT_LOOK["position"],
        "languages": list(office.languages or ["pl"]),
    }
    if office.look_label and office.look_label != DEFAULT_LOOK["label"]:
        settings["label"] = office.look_label
    if office.invite_enabled:
        settings["invite"] = {
            "delay": office.invite_delay_seconds or 0,
            "paths": list(office.invite_paths or []),
            "sample": office.invite_sample_percent,
            "snooze": office.invite_snooze_days,
            # Its words travel with it, so the bundle of every other office does not carry them.
            "texts": {lang: get_section("invite", lang) for lang in settings["languages"]},
        }
    return settings


def settings_js(slug: str) -> str | None:
    """Return the settings' declaration for the office (cached briefly); None for an unknown office."""
    cached = recall("embed_script", slug)
    if cached is not None:
        return str(cached)
    office = get_office(slug)
    if office is None:
        return None
    # JSON is a JavaScript expression; "<" escaped so the text can never close a <script> element.
    data = json.dumps(office_settings(office), ensure_ascii=True, separators=(",", ":"))
    declaration = "{const __OCEN_CFG__=" + data.replace("<", "\\u003c") + ";\n"
    remember("embed_script", slug, declaration)
    return declaration


def not_found(slug: str) -> Response:
    """Answer 404 with a JavaScript comment (the browser runs it as a script, never as HTML)."""
    shown = slug if SLUG_RE.fullmatch(slug) else "?"
    body = f"/* Oceń Urząd: nie ma urzędu „{shown}” (unknown office). */\n"
    return Response(
        body,
        status=404,
        mimetype="text/javascript",
        headers={"Cache-Control": NOT_FOUND_CACHE, "X-Content-Type-Options": "nosniff"},
    )


@bp.get("/o/<path:slug>.js")
def get_office_script(slug: str) -> Response:
    """Serve the widget with the office's settings; 304 for a matching ETag, 404 for an unknown office."""
    if not SLUG_RE.fullmatch(slug):
        return not_found(slug)
    bundle = get_bundle()
    if bundle is None:
        return not_built()
    declaration = settings_js(slug)
    if declaration is None:
        return not_found(slug)
    tag = hashlib.sha256((bundle.hash + declaration).encode()).hexdigest()[:20]
    encoding = pick_encoding()
    etag = tag if encoding == "identity" else f"{tag}-{encoding}"
    response = Response(mimetype="text/javascript")
    response.set_etag(etag)
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if request.if_none_match.contains(etag) or request.if_none_match.contains(tag):
        response.status_code = 304
        return response
    code = declaration.encode() + bundle.bodies["identity"] + b"}\n"
    response.set_data(compress(code)[encoding])
    if encoding != "identity":
        response.headers["Content-Encoding"] = encoding
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
