"""The public API: /api/v1/... (the survey, responses, the OpenAPI description).

Every answer under /api is JSON, errors included (``error_response`` is the one place that
builds them). CORS is decided in ``add_cors_headers`` only.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from typing import Any
from urllib.parse import parse_qsl

import sqlalchemy as sa
from flask import Blueprint, Flask, current_app, request
from flask import Response as HttpResponse
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.http import parse_etags, unquote_etag

from . import messages, office_cache
from .extensions import db, limiter
from .models import LANGUAGES
from .office_cache import OfficeContext, get_office_context, normalize_origin, recall, remember
from .operations.origins import record_refused_origin
from .ratelimit import Breach, check_responses_limit
from .storage import store_submission
from .surveys import get_office, get_published_version, survey_document
from .validation import SubmissionError, validate_submission

bp = Blueprint("api", __name__, url_prefix="/api/v1")

JSON_TYPES = ("application/json", "text/plain")
PREFLIGHT_MAX_AGE = "7200"
SURVEY_MAX_AGE = 300

# HTTP errors raised by Flask/Werkzeug (or by us through abort) -> our error codes.
HTTP_ERROR_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    500: "internal_error",
}


def to_json(data: Any) -> str:
    """Serialize for the wire: UTF-8 as is, so Polish letters stay readable."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def error_response(
    status: int,
    code: str,
    *,
    fields: dict[str, str] | None = None,
    fields_en: dict[str, str] | None = None,
    fields_uk: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    field_codes: dict[str, str] | None = None,
) -> HttpResponse:
    """Return the API's JSON error: code, Polish, English and Ukrainian message, per-question messages."""
    body = {
        "error": code,
        "message": messages.error_message(code, "pl"),
        "message_en": messages.error_message(code, "en"),
        "message_uk": messages.error_message(code, "uk"),
        "fields": fields or {},
        "fields_en": fields_en or {},
        "fields_uk": fields_uk or {},
        # The codes let a client (the widget) show each message in its own language, e.g. Ukrainian.
        "field_codes": field_codes or {},
    }
    response = HttpResponse(to_json(body), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def submission_error_response(exc: SubmissionError) -> HttpResponse:
    """Return the JSON error for a refused response."""
    return error_response(
        exc.status,
        exc.code,
        fields=exc.fields,
        fields_en=exc.fields_en,
        fields_uk=exc.fields_in("uk"),
        field_codes=exc.field_codes,
        # "not stored, try again": the same hint however the database failed (read or write)
        headers={"Retry-After": "5"} if exc.status == 503 else None,
    )


def http_error_response(exc: HTTPException) -> HttpResponse:
    """Return the JSON error for an HTTP exception, keeping headers such as Allow and Retry-After."""
    status = exc.code or 500
    code = HTTP_ERROR_CODES.get(status, "bad_request" if status < 500 else "internal_error")
    headers = {name: value for name, value in exc.get_headers() if name.lower() != "content-type"}
    if status == 429 and limiter.current_limit is not None:
        headers["Retry-After"] = str(max(1, int(limiter.current_limit.reset_at - time.time())))
    return error_response(status, code, headers=headers)


# -- origins and CORS ------------------------------------------------------------------------------


class ApiRequest:
    """What one API request has resolved so far: its office, the Origin to echo in CORS headers,
    whether a refused origin was counted. Kept in the request's WSGI environ, so it ends with the
    request whatever app context is around it (no teardown to run)."""

    __slots__ = ("context", "cors_origin", "origin_checked", "refusal_recorded", "resolved")

    def __init__(self) -> None:
        self.resolved = False  # the office was looked up (``context`` None: there is none)
        self.context: OfficeContext | None = None
        self.origin_checked = False  # ``cors_origin`` was decided (None: refused or missing)
        self.cors_origin: str | None = None
        self.refusal_recorded = False


_STATE_KEY = "ocen.api"


def api_request() -> ApiRequest:
    environ = request.environ
    state = environ.get(_STATE_KEY)
    if state is None:
        state = environ[_STATE_KEY] = ApiRequest()
    return state


def check_origin(context: OfficeContext) -> str:
    """Return the request's Origin if the office accepts it, else raise a 403 SubmissionError.

    A refused origin is counted for the office (``record_refused_origin``: the origin only, once
    per request, never failing it), so the panel can show the webmaster which pages were refused.
    """
    state = api_request()
    state.origin_checked, state.cors_origin = True, None
    raw = request.headers.get("Origin")
    if not raw:
        raise SubmissionError(403, "origin_missing")
    origin = normalize_origin(raw)
    if origin is None or not context.has_origin(origin):
        if not state.refusal_recorded:
            state.refusal_recorded = True
            record_refused_origin(context.id, raw)
        raise SubmissionError(403, "origin_not_allowed")
    state.cors_origin = raw
    return raw


def get_context_or_404(slug: str) -> OfficeContext:
    """Return the office's context, resolved once per request, else raise a 404 SubmissionError."""
    state = api_request()
    if not state.resolved:
        state.context = get_office_context(slug)
        state.resolved = True
    if state.context is None:
        raise SubmissionError(404, "office_not_found")
    return state.context


def get_cors_origin(slug: str) -> str | None:
    """Return the Origin to echo in CORS headers for a responses request, or None."""
    state = api_request()
    if state.origin_checked:
        return state.cors_origin
    try:
        return check_origin(get_context_or_404(slug))
    except SubmissionError:
        return None
    except sa.exc.SQLAlchemyError:
        # The database is down: without CORS headers the browser sees a network error, which the
        # widget retries with the same id, as it would a 503.
        db.session.rollback()
        return None


def add_vary_origin(response: HttpResponse) -> None:
    """Add ``Origin`` to the response's Vary header (werkzeug's ``vary`` parses and rebuilds it)."""
    headers = response.headers
    vary = headers.get("Vary")
    if not vary:
        headers["Vary"] = "Origin"
    elif "origin" not in (part.strip().lower() for part in vary.split(",")):
        headers["Vary"] = vary + ", Origin"


PUBLIC_READS = frozenset(("api.get_survey", "api.get_openapi"))
POSTING = frozenset(("api.submit_response", "api.preflight_response"))


@bp.after_request
def add_cors_headers(response: HttpResponse) -> HttpResponse:
    """Add CORS headers: anyone may read the public survey; only allowed origins may post."""
    endpoint = request.endpoint
    if endpoint in PUBLIC_READS:
        # Public, credential-free data: "*". The survey's body still varies by Origin
        # (``origin_allowed``), so get_survey adds ``Vary: Origin`` itself.
        response.headers["Access-Control-Allow-Origin"] = "*"
    elif endpoint in POSTING:
        add_vary_origin(response)
        origin = get_cors_origin((request.view_args or {}).get("slug", ""))
        if origin:
            headers = response.headers
            headers["Access-Control-Allow-Origin"] = origin
            if endpoint == "api.preflight_response":
                headers["Access-Control-Allow-Methods"] = "POST"
                headers["Access-Control-Allow-Headers"] = "Content-Type"
                headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
    return response


# -- errors ----------------------------------------------------------------------------------------


@bp.errorhandler(SubmissionError)
def handle_submission_error(exc: SubmissionError) -> HttpResponse:
    return submission_error_response(exc)


@bp.errorhandler(Breach)
def handle_rate_limit(exc: Breach) -> HttpResponse:
    return error_response(429, "rate_limited", headers={"Retry-After": str(exc.retry_after)})


@bp.errorhandler(HTTPException)
def handle_http_error(exc: HTTPException) -> HttpResponse:
    return http_error_response(exc)


@bp.errorhandler(sa.exc.SQLAlchemyError)
def handle_database_error(exc: sa.exc.SQLAlchemyError) -> HttpResponse:
    # The database is down, locked or out of pooled connections: the client may retry (the widget
    # does, with the same id), so this is "try again later", not a bug in the request.
    db.session.rollback()
    current_app.logger.exception("The database did not answer the API")
    return error_response(503, "unavailable", headers={"Retry-After": "5"})


@bp.errorhandler(Exception)
def handle_unexpected_error(exc: Exception) -> HttpResponse:
    current_app.logger.exception("Unexpected error in the API")
    return error_response(500, "internal_error")


@bp.before_app_request
def answer_api_routing_errors() -> HttpResponse | None:
    """Answer an unknown /api address or method with JSON, before any app-wide HTML handler."""
    exc = request.routing_exception
    if exc is not None and request.path.startswith("/api/") and isinstance(exc, HTTPException):
        if exc.code in (301, 302, 307, 308):  # werkzeug's redirect for a missing slash
            return None
        return http_error_response(exc)
    return None


# -- the survey ------------------------------------------------------------------------------------


def get_survey_body(slug: str, lang: str) -> tuple[bytes, str]:
    """Return the survey document's JSON and its ETag (cached briefly, see office_cache)."""
    cached = recall("survey", (slug, lang))
    if cached is not None:
        return cached
    office = get_office(slug)
    if office is None:
        raise SubmissionError(404, "office_not_found")
    version = get_published_version(office)
    if version is None:
        raise SubmissionError(404, "survey_not_published")
    body = to_json(survey_document(office, version, lang)).encode()
    etag = hashlib.sha256(body).hexdigest()[:32]
    remember("survey", (slug, lang), (body, etag))
    return body, etag


def is_origin_allowed(slug: str, raw: str) -> bool:
    """Tell whether a page at ``raw`` (an Origin header) may post responses to the office.

    Read from the cached office snapshot only (no fresh look on a "no"): it is advice for the
    widget, which must not cost the survey's 304 a database read; the POST decides for real.
    """
    origin = normalize_origin(raw)
    if origin is None:
        return False
    context = get_context_or_404(slug)
    return context.has_origin(origin, refresh=False)


def with_origin_allowed(body: bytes, etag: str, allowed: bool) -> tuple[bytes, str]:
    """Return the survey document with ``"origin_allowed"`` added, and its own ETag."""
    flag = b"true" if allowed else b"false"
    return body[:-1] + b',"origin_allowed":' + flag + b"}", f"{etag}-{'o1' if allowed else 'o0'}"


@bp.get("/offices/<slug>/survey")
def get_survey(slug: str) -> HttpResponse:
    """Return the office's published survey in the language asked (Polish by default).

    With an ``Origin`` header (the widget's fetch), the document also says whether that page may
    post (``origin_allowed``), so the widget can say so before the resident answers; the answer
    then varies by Origin (``Vary: Origin``, one ETag per answer).
    """
    lang = request.args.get("lang", "pl")
    if lang not in LANGUAGES:
        raise SubmissionError(400, "invalid_lang")
    body, etag = get_survey_body(slug, lang)
    origin = request.headers.get("Origin")
    if origin:
        body, etag = with_origin_allowed(body, etag, is_origin_allowed(slug, origin))
    if request.if_none_match.contains_weak(etag):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, mimetype="application/json")
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age={SURVEY_MAX_AGE}"
    response.vary.add("Origin")
    return response


# -- responses -------------------------------------------------------------------------------------


def read_json_body() -> Any:
    """Return the parsed JSON body (application/json or text/plain), else raise a SubmissionError."""
    if request.mimetype not in JSON_TYPES:
        raise SubmissionError(415, "unsupported_media_type")
    limit = current_app.config["RESPONSE_MAX_BYTES"]
    if request.content_length is not None:
        if request.content_length > limit:
            raise RequestEntityTooLarge
        raw = request.stream.read(limit + 1)
    elif request.environ.get("wsgi.input_terminated"):
        # A chunked body: read one byte past the limit from the server's input. Werkzeug's own
        # limit stops reading there without saying so, and a body cut at the limit can still be
        # valid JSON (it was stored truncated).
        raw = request.environ["wsgi.input"].read(limit + 1)
    else:
        raw = b""  # no length and no end marker: like Werkzeug, read nothing rather than block
    if len(raw) > limit:
        raise RequestEntityTooLarge
    return parse_json(raw)


class DuplicateKeyError(ValueError):
    """A JSON object names the same key twice: which one was meant is a guess, so refuse it."""


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise DuplicateKeyError
    return result


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json(raw: bytes) -> Any:
    """Parse strict JSON (UTF-8, no NaN, no duplicate keys), else raise a 400 SubmissionError."""
    try:
        return json.loads(
            raw.decode("utf-8"),
            object_pairs_hook=_object_without_duplicates,
            parse_constant=_reject_constant,
        )
    except DuplicateKeyError:
        raise SubmissionError(400, "duplicate_key") from None
    except RecursionError:
        raise SubmissionError(400, "too_deep") from None
    except ValueError:  # also bad UTF-8 and integers past Python's digit limit
        raise SubmissionError(400, "invalid_json") from None


def submit_response(slug: str) -> tuple[HttpResponse, int]:
    """Store one response: 201 new, 200 the same again or updated by its id, 4xx refused (JSON),
    429 rate limited, 503 not stored."""
    check_responses_limit()
    context = get_context_or_404(slug)
    check_origin(context)
    data = read_json_body()
    submission = validate_submission(context, data)
    status = store_submission(submission)
    body = to_json({"id": str(submission.id), "status": status})
    return HttpResponse(body, mimetype="application/json"), 201 if status == "created" else 200


def preflight_response(slug: str) -> HttpResponse:
    """Answer the CORS preflight: 204 with CORS headers for an allowed origin, else 403."""
    check_origin(get_context_or_404(slug))
    return HttpResponse(status=204)


bp.add_url_rule(
    "/offices/<slug>/responses",
    view_func=submit_response,
    methods=["POST"],
    provide_automatic_options=False,
)
bp.add_url_rule(
    "/offices/<slug>/responses",
    view_func=preflight_response,
    methods=["OPTIONS"],
    provide_automatic_options=False,
)


@bp.get("/openapi.json")
def get_openapi() -> HttpResponse:
    """Return the OpenAPI 3 description of this API."""
    from .openapi import build_openapi

    spec = current_app.extensions.get("ocen_openapi")
    if spec is None:
        spec = current_app.extensions["ocen_openapi"] = to_json(build_openapi())
    return HttpResponse(spec, mimetype="application/json")


# -- the survey's 304 before the request machinery ---------------------------------------------------

SURVEY_PATH = re.compile(r"/api/v1/offices/[^/]+/survey")


class SurveyNotModified:
    """Answer a revalidation of the survey (``If-None-Match`` matching) with 304 straight from WSGI.

    A 304 of the survey is most of the API's traffic (every page view with the banner). The full
    path (Flask's request and context, the limiter's hooks, the blueprint's CORS) costs more than
    the answer: when the full path answered a 304 for the same address, query and ``Origin``, its
    ETag and headers (ETag, Cache-Control, Vary, CORS) are kept for ``API_CACHE_SECONDS`` in the
    API cache, and a later match is answered with exactly those headers. The cache is cleared with
    the others when the configuration changes, so the short-circuit never outlives the full path's
    own cached document. Anything else goes on to the app.
    """

    def __init__(self, wsgi_app: Any, app: Flask) -> None:
        self.wsgi_app = wsgi_app
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("REQUEST_METHOD") != "GET" or not environ.get("HTTP_IF_NONE_MATCH"):
            return self.wsgi_app(environ, start_response)
        path = environ.get("PATH_INFO", "")
        if not SURVEY_PATH.fullmatch(path):
            return self.wsgi_app(environ, start_response)
        key = (path, environ.get("QUERY_STRING", ""), environ.get("HTTP_ORIGIN"))
        known = self.app.extensions.get("ocen_caches", {}).get("survey_304", {}).get(key)
        if known is not None and known[0] > time.monotonic():
            if parse_etags(environ["HTTP_IF_NONE_MATCH"]).contains_weak(known[1]):
                start_response("304 NOT MODIFIED", list(known[2]))
                return []
        return self.wsgi_app(environ, self._recorder(key, start_response))

    def _expiry(self, key: tuple) -> float | None:
        """Return when what the full path's 304 was built from expires (the cached survey document
        and office snapshot), or None when it was not cached: the short-circuit never outlives it."""
        path, query, origin = key
        slug = path.split("/")[4]
        lang = dict(parse_qsl(query)).get("lang", "pl")
        caches = self.app.extensions.get("ocen_caches", {})
        survey = caches.get("survey", {}).get((slug, lang))
        if survey is None:
            return None
        if origin is None:
            return survey[0]
        office = caches.get("office", {}).get(slug)  # origin_allowed came from its snapshot
        return None if office is None else min(survey[0], office[0])

    def _recorder(self, key: tuple, start_response: Any) -> Any:
        def record(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if status.startswith("304"):
                etag = next((v for k, v in headers if k.lower() == "etag"), None)
                expiry = self._expiry(key)
                if etag is not None and expiry is not None:
                    caches = self.app.extensions.setdefault("ocen_caches", {})
                    cache = caches.setdefault("survey_304", {})
                    if len(cache) >= office_cache.MAX_ENTRIES:
                        cache.clear()
                    cache[key] = (expiry, unquote_etag(etag)[0], tuple(headers))
            return start_response(status, headers, exc_info)

        return record


def init_app(app: Flask) -> None:
    """Register the API blueprint, the survey's 304 short-circuit and the cache's invalidation."""
    office_cache.init_app(app)
    app.register_blueprint(bp)
    app.wsgi_app = SurveyNotModified(app.wsgi_app, app)  # type: ignore[method-assign]
