"""The hosted survey page, /s/<slug>: the same survey as the widget, as a plain HTML form.

It works without JavaScript (no-JS visitors, e-mail links, the QR posters in the office) and goes
through the same ``validate_submission``/``store_submission`` as the API, so the rules and the
messages are the same, and ``read_form_answers`` reads the form, as for paper entry. There is no
session and no cookie: the form carries a per-render response UUID (the idempotency key, so a
double submit stores one response) and a signed token with the render time, the version and the
channel, which the elapsed-time check reads.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.exceptions import HTTPException

from .enums import QuestionType
from .extensions import db, limiter
from .form_answers import read_form_answers
from .headers import HOSTED_PAGE_POLICY, set_security_headers
from .messages import get_catalog, text
from .models import LANGUAGES, NA, Office
from .office_cache import get_office_context
from .storage import store_submission
from .surveys import get_office, get_published_version, survey_document
from .validation import SubmissionError, validate_submission

bp = Blueprint(
    "hosted",
    __name__,
    url_prefix="/s",
    template_folder="templates",
    static_folder="static/hosted",
    static_url_path="/static",
)

TOKEN_SALT = "hosted-survey-form"
TOKEN_MAX_AGE = 24 * 3600  # a form left open overnight is re-rendered with its answers kept
MAX_FORM_BYTES = 64 * 1024
LANGUAGE_NAMES = {"pl": "Polski", "en": "English", "uk": "Українська"}


def get_lang() -> str:
    """Return the page's language: ?lang= (or the form's), else the browser's preference, else Polish."""
    lang = request.values.get("lang", "")
    if lang in LANGUAGES:
        return lang
    return request.accept_languages.best_match(LANGUAGES, default="pl")


def get_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def make_token(form_id: str, version: int, channel: str) -> str:
    """Sign the form's id, version, channel and render time (milliseconds)."""
    return get_serializer().dumps(
        {"id": form_id, "v": version, "c": channel, "t": int(time.time() * 1000)}
    )


def read_token(token: str) -> dict[str, Any] | None:
    """Return the signed form data, or None if the token is forged, malformed or too old."""
    try:
        data = get_serializer().loads(token, max_age=TOKEN_MAX_AGE)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict) or not {"id", "v", "c", "t"} <= data.keys():
        return None
    return data


def get_blocks(questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Group runs of rating questions sharing a group into one block (a grid); others stand alone."""
    blocks: list[dict[str, Any]] = []
    for question in questions:
        group = question.get("group")
        if group and blocks and blocks[-1].get("group") == group:
            blocks[-1]["items"].append(question)
        elif group:
            blocks.append(
                {"group": group, "text": question.get("group_text", ""), "items": [question]}
            )
        else:
            blocks.append({"group": None, "items": [question]})
    return blocks


def get_channel() -> str:
    """Return "qr" for a visit from a QR poster (?src=qr), else "page"."""
    return "qr" if request.args.get("src") == "qr" else "page"


def render_form(
    office: Office,
    lang: str,
    *,
    answers: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    problem: str = "",
    token: str | None = None,
    form_id: str | None = None,
    channel: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """Render the survey form, with answers, errors next to the questions and a summary at the top."""
    version = get_published_version(office)
    if version is None:
        return render_not_found(lang)
    document = survey_document(office, version, lang)
    channel = channel or get_channel()
    if token is None or form_id is None:
        form_id = str(uuid.uuid4())
        token = make_token(form_id, version.number, channel)
    if answers is None:
        answers = {}
        department = request.args.get("department", "")
        if department and any(
            q["type"] == QuestionType.DEPARTMENT and department in [o["key"] for o in q["options"]]
            for q in document["questions"]
        ):
            answers["department"] = department
    errors = errors or {}
    t = get_catalog(lang)
    for q in document["questions"]:
        if q["type"] == QuestionType.RATING:
            q["choices"] = [{"key": str(i), "text": word} for i, word in enumerate(q["scale"], 1)]
            q["choices"] += (
                [{"key": NA, "text": t["form"]["not_applicable"]}] if q.get("allow_na") else []
            )
        else:
            q["choices"] = q.get("options", [])
    picked = {
        key: [str(v) for v in (value if isinstance(value, list) else [value])]
        for key, value in answers.items()
    }
    texts = {q["key"]: q["text"] for q in document["questions"]}
    summary = [(key, texts.get(key, key), message) for key, message in errors.items()]
    html = render_template(
        "hosted/survey.html",
        office=office,
        survey=document,
        blocks=get_blocks(document["questions"]),
        answers=answers,
        picked=picked,
        errors=errors,
        summary=summary,
        problem=problem,
        token=token,
        form_id=form_id,
        lang=lang,
        t=t,
        languages=LANGUAGE_NAMES,
        channel=channel,
        department=request.args.get("department", ""),
    )
    return html, status


def render_message(lang: str, title: str, body: str, office: Office | None = None) -> str:
    """Render a page of one message (thanks, not found, a problem) from the catalog's ``section.key``s."""
    t = get_catalog(lang)
    return render_template(
        "hosted/message.html", lang=lang, t=t, title=text(title, lang), body=body, office=office
    )


def render_not_found(lang: str) -> tuple[str, int]:
    """Render the page for an unknown office or one with no published survey."""
    return render_message(lang, "page.not_found", text("page.not_found_body", lang)), 404


@bp.after_request
def page_headers(response: Response) -> Response:
    """Keep the page out of frames and caches; it loads nothing from elsewhere."""
    return set_security_headers(response, HOSTED_PAGE_POLICY)


@bp.get("/<slug>")
def show_survey(slug: str):
    """Show the survey form."""
    lang = get_lang()
    office = get_office(slug)
    if office is None:
        return render_not_found(lang)
    return render_form(office, lang)


def get_submit_limit() -> str:
    return current_app.config["RESPONSES_RATE_LIMIT"]


@bp.post("/<slug>")
@limiter.limit(get_submit_limit)
def submit_survey(slug: str):
    """Check and store the posted form; redirect to the thank-you page, or show the form with errors."""
    lang = get_lang()
    office = get_office(slug)
    if office is None:
        return render_not_found(lang)
    if (request.content_length or 0) > MAX_FORM_BYTES:
        return render_form(office, lang, problem=text("page.too_large", lang), status=413)
    version = get_published_version(office)
    if version is None:
        return render_not_found(lang)
    questions = survey_document(office, version, lang)["questions"]
    answers = read_form_answers(request.form, [(q["key"], q["type"]) for q in questions])
    token = request.form.get("token", "")
    form = read_token(token)
    if form is None or form["id"] != request.form.get("id"):
        # Forged, altered or stale: keep what the visitor typed and give a fresh token.
        return render_form(
            office, lang, answers=answers, problem=text("page.expired", lang), status=400
        )
    data = {
        "id": form["id"],
        "version": form["v"],
        "lang": lang,
        "channel": form["c"],
        "elapsed_ms": max(0, int(time.time() * 1000) - int(form["t"])),
        "website": request.form.get("website", ""),
        "answers": answers,
    }
    kept = {"answers": answers, "token": token, "form_id": form["id"], "channel": form["c"]}
    try:
        context = get_office_context(office.slug)
        if context is None:
            return render_not_found(lang)
        store_submission(validate_submission(context, data))
    except SubmissionError as exc:
        if exc.code in {"unknown_version", "version_retired"}:
            # The survey changed while the form was open: show the new version with a new id.
            return render_form(
                office, lang, answers=answers, problem=exc.message_in(lang), status=400
            )
        if exc.status == 409:
            return render_form(
                office, lang, answers=answers, problem=text("page.already", lang), status=409
            )
        problem = "" if exc.field_codes else exc.message_in(lang)
        return render_form(
            office, lang, errors=exc.fields_in(lang), problem=problem, status=exc.status, **kept
        )
    return redirect(url_for("hosted.thank_you", slug=office.slug, lang=lang), code=303)


@bp.get("/<slug>/dziekujemy")
def thank_you(slug: str):
    """Thank the visitor (after POST-redirect-GET, so a reload does not post again)."""
    lang = get_lang()
    office = get_office(slug)
    if office is None:
        return render_not_found(lang)
    return render_message(lang, "thanks.title", text("thanks.body", lang), office)


@bp.errorhandler(HTTPException)
def handle_http_error(exc: HTTPException):
    """Answer HTTP errors (413, 429, ...) with a page a person can read, in the page's language."""
    lang = get_lang()
    known = {413: "page.too_large", 429: "errors.rate_limited"}.get(exc.code or 0)
    body = text(known, lang) if known else exc.description or ""
    return render_message(lang, "page.problem", body), exc.code or 500


@bp.errorhandler(sa.exc.SQLAlchemyError)
def handle_database_error(exc: sa.exc.SQLAlchemyError):
    """The database does not answer: say so on a page (503), as the API does, never a 500."""
    try:
        db.session.rollback()
    except sa.exc.SQLAlchemyError:  # the connection may be gone with the database
        pass
    current_app.logger.exception("The database did not answer the hosted page")
    lang = get_lang()
    page = render_message(lang, "page.problem", text("page.unavailable", lang))
    return page, 503, {"Retry-After": "5"}


def init_app(app: Flask) -> None:
    """Register the hosted page."""
    app.register_blueprint(bp)
