"""The hosted survey page /s/<slug> and the kiosk /k/<slug>: the widget's survey as plain HTML forms.

They work without JavaScript (no-JS visitors, e-mail links, the QR posters, a tablet in the office
hall) and go through the same ``validate_submission``/``store_submission`` as the API, so the rules
and the messages are the same; ``read_form_answers`` reads the form, as for paper entry.

One click counts: when the survey opens with a required rating (the overall rating), page 1 asks
it alone and stores the response at once (201, ``completed`` false); page 2 asks the rest, the
follow-up questions only when their condition holds for the first answer (decided here), and
updates the same response by its id (``completed`` true). There is no session and no cookie: the
form carries a random response UUID (never tied to the person) and a signed token with the render
time, the office, the version, the channel and, on page 2, the answers of page 1. A forged or
altered id or token, or one from another office, is refused with a page (400).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
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
from .models import LANGUAGES, NA, Office, SurveyVersion
from .office_cache import get_office_context
from .schemas import REQUIRED_BY_TYPE
from .storage import store_submission
from .surveys import get_office, get_published_version, survey_document
from .validation import SubmissionError, is_shown, read_show_if, validate_submission

bp = Blueprint(
    "hosted",
    __name__,
    url_prefix="/s",
    template_folder="templates",
    static_folder="static/hosted",
    static_url_path="/static",
)
kiosk_bp = Blueprint("kiosk", __name__, url_prefix="/k", template_folder="templates")

TOKEN_SALT = "hosted-survey-form"
TOKEN_MAX_AGE = 24 * 3600  # a form left open overnight is re-rendered with its answers kept
MAX_FORM_BYTES = 64 * 1024
LANGUAGE_NAMES = {"pl": "Polski", "en": "English", "uk": "Українська"}
# The kiosk goes back to its start page this many seconds after the thank-you, and after this
# long without an answer on any other page (a resident who walked away).
KIOSK_THANKS_SECONDS = 8
KIOSK_IDLE_SECONDS = 90
KIOSK_WARN_SECONDS = 20  # the warning before going back, with a button to stay (WCAG 2.2.1)
# The kiosk's start page reloads itself hourly, so that its form never outlives its token.
KIOSK_START_REFRESH_SECONDS = 3600


class Page:
    """Where a form is shown: the hosted page (channel page or qr) or the kiosk (channel kiosk)."""

    def __init__(self, kiosk: bool) -> None:
        self.kiosk = kiosk
        self.endpoint = "kiosk" if kiosk else "hosted"

    def url(self, name: str, office: Office, lang: str, **params: Any) -> str:
        """Return the URL of this page's view ``name`` (show, submit, more, thanks)."""
        view = {"show": "show_survey", "submit": "submit_survey", "more": "submit_more"}
        params = {key: value for key, value in {"lang": lang, **params}.items() if value}
        return url_for(f"{self.endpoint}.{view.get(name, 'thank_you')}", slug=office.slug, **params)


HOSTED = Page(kiosk=False)
KIOSK = Page(kiosk=True)


def get_lang() -> str:
    """Return the page's language: ?lang= (or the form's), else the browser's preference, else Polish."""
    lang = request.values.get("lang", "")
    if lang in LANGUAGES:
        return lang
    return request.accept_languages.best_match(LANGUAGES, default="pl")


def get_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def make_token(
    form_id: str,
    version: int,
    channel: str,
    *,
    office_id: int | None = None,
    started: int | None = None,
    first: Mapping[str, Any] | None = None,
) -> str:
    """Sign the form's id, version, channel, office and render time (milliseconds).

    ``first``: page 1's stored answers, carried by page 2 (which sends them again with the rest).
    """
    data: dict[str, Any] = {
        "id": form_id,
        "v": version,
        "c": channel,
        "t": started if started is not None else int(time.time() * 1000),
    }
    if office_id is not None:
        data["o"] = office_id
    if first is not None:
        data["a"] = dict(first)
    return get_serializer().dumps(data)


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


def get_channel(page: Page) -> str:
    """Return "kiosk" on the kiosk, "qr" for a visit from a QR poster (?src=qr), else "page"."""
    if page.kiosk:
        return "kiosk"
    return "qr" if request.args.get("src") == "qr" else "page"


class Survey:
    """The published survey as one page shows it: its document, split into page 1 and the rest."""

    def __init__(self, office: Office, version: SurveyVersion, lang: str, page: Page) -> None:
        self.version = version
        self.document = survey_document(office, version, lang)
        conditions = {q.key: read_show_if(q.show_if) for q in version.questions}
        questions = self.document["questions"]
        for q in questions:
            q["condition"] = conditions.get(q["key"])
        if page.kiosk:
            # A tablet in the hall is no place to type: the kiosk leaves out text answers.
            questions = [q for q in questions if q["type"] != QuestionType.TEXT]
        self.questions = questions
        self.first, self.rest = split_pages(questions)

    def shown_rest(self, first_answers: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Return page 2's questions: those whose condition holds for page 1's answers."""
        return [q for q in self.rest if is_shown(q["condition"], first_answers)]

    @property
    def steps(self) -> int:
        return 2 if self.rest else 1


def split_pages(
    questions: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return (page 1, the rest): the opening required rating alone, or everything on one page.

    A survey that does not open with a required, unconditional rating (an office's own long form)
    stays one page, as before.
    """
    if (
        questions
        and questions[0]["type"] == QuestionType.RATING
        and questions[0]["required"]
        and questions[0]["condition"] is None
    ):
        return questions[:1], questions[1:]
    return questions, []


def get_preset_department(survey: Survey) -> str | None:
    """Return ?department= if it is one of the department question's keys, else None."""
    department = request.args.get("department", "")
    for q in survey.questions:
        if q["type"] == QuestionType.DEPARTMENT and department in [o["key"] for o in q["options"]]:
            return department
    return None


def add_choices(questions: list[dict[str, Any]], lang: str) -> None:
    """Give each question the choices the template draws: the five points (and "nie dotyczy")."""
    t = get_catalog(lang)
    for q in questions:
        if q["type"] == QuestionType.RATING:
            q["points"] = [
                {"key": str(i), "text": t["page"]["rating_label"].format(number=i, word=word)}
                for i, word in enumerate(q["scale"], 1)
            ]
            q["na"] = (
                {"key": NA, "text": t["form"]["not_applicable"]} if q.get("allow_na") else None
            )
        else:
            q["choices"] = q.get("options", [])


def render_form(
    office: Office,
    lang: str,
    page: Page = HOSTED,
    *,
    step: int = 1,
    answers: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    problem: str = "",
    token: str | None = None,
    form_id: str | None = None,
    channel: str | None = None,
    first: Mapping[str, Any] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """Render page 1 (or the one page) or page 2, with answers, errors at the questions and a summary.

    ``first``: on page 2, the answers page 1 stored (which decide the follow-up questions).
    """
    version = get_published_version(office)
    if version is None:
        return render_not_found(lang)
    survey = Survey(office, version, lang, page)
    channel = channel or get_channel(page)
    department = get_preset_department(survey)
    if token is None or form_id is None:
        form_id = str(uuid.uuid4())
        token = make_token(form_id, version.number, channel, office_id=office.id)
    if answers is None:
        answers = {}
        if department:
            answers["department"] = department
    questions = survey.first if step == 1 else survey.shown_rest(first or {})
    if page.kiosk and department:
        # The tablet's URL names its department: it is sent with the first answer, never asked.
        questions = [q for q in questions if q["type"] != QuestionType.DEPARTMENT]
    add_choices(questions, lang)
    errors = errors or {}
    picked = {
        key: [str(v) for v in (value if isinstance(value, list) else [value])]
        for key, value in answers.items()
    }
    texts = {q["key"]: q["text"] for q in survey.questions}
    summary = [(key, texts.get(key, key), message) for key, message in errors.items()]
    html = render_template(
        "hosted/survey.html",
        office=office,
        survey=survey.document,
        blocks=get_blocks(questions),
        step=step,
        steps=survey.steps,
        answers=answers,
        picked=picked,
        errors=errors,
        summary=summary,
        problem=problem,
        token=token,
        form_id=form_id,
        lang=lang,
        t=get_catalog(lang),
        languages=LANGUAGE_NAMES,
        channel=channel,
        department=department or "",
        action=page.url(
            "submit" if step == 1 else "more",
            office,
            lang,
            src="qr" if channel == "qr" else None,
            department=department,
        ),
        finish=page.url("thanks", office, lang, department=department if page.kiosk else None),
        start=page.url("show", office, "", department=department if page.kiosk else None),
        kiosk=page.kiosk,
        idle_seconds=KIOSK_IDLE_SECONDS,
        warn_seconds=KIOSK_WARN_SECONDS,
        start_refresh_seconds=KIOSK_START_REFRESH_SECONDS,
    )
    return html, status


def render_message(
    lang: str,
    title: str,
    body: str,
    office: Office | None = None,
    page: Page = HOSTED,
    *,
    refresh: int | None = None,
) -> str:
    """Render a page of one message (thanks, not found, a problem) from the catalog's ``section.key``s.

    ``refresh``: go back to the start after this many seconds (the kiosk's thank-you).
    """
    t = get_catalog(lang)
    department = request.args.get("department", "") if page.kiosk else ""
    again = page.url("show", office, lang, department=department) if office else ""
    return render_template(
        "hosted/message.html",
        lang=lang,
        t=t,
        title=text(title, lang),
        body=body,
        office=office,
        again=again,
        kiosk=page.kiosk,
        refresh=refresh,
        start=page.url("show", office, "", department=department) if office else "",
    )


def render_not_found(lang: str, body: str = "") -> tuple[str, int]:
    """Render the page for an unknown office or one with no published survey."""
    return render_message(lang, "page.not_found", body or text("page.not_found_body", lang)), 404


def page_headers(response: Response) -> Response:
    """Keep the page out of frames and caches; it loads nothing from elsewhere."""
    return set_security_headers(response, HOSTED_PAGE_POLICY)


def get_submit_limit() -> str:
    return current_app.config["RESPONSES_RATE_LIMIT"]


# -- views, the same for the hosted page and the kiosk ----------------------------------------------


def show(page: Page, slug: str):
    """Show page 1 (or the one page)."""
    lang = get_lang()
    office = get_office(slug)
    if office is None:
        return render_not_found(lang)
    if page.kiosk and request.args.get("department") and not is_known_department(office):
        return render_not_found(lang, text("kiosk.no_department", lang))
    return render_form(office, lang, page)


def is_known_department(office: Office) -> bool:
    """Tell whether ?department= names one of the office's departments (or "Inny / nie wiem")."""
    version = get_published_version(office)
    return (
        version is not None
        and get_preset_department(Survey(office, version, "pl", KIOSK)) is not None
    )


def missing_answers(questions: list[dict[str, Any]], answers: Mapping[str, Any]) -> dict[str, str]:
    """Return question key -> code for the required questions of a page left unanswered."""
    return {
        q["key"]: REQUIRED_BY_TYPE[QuestionType(q["type"])]
        for q in questions
        if q["required"] and q["condition"] is None and q["key"] not in answers
    }


def submit(page: Page, slug: str):
    """Store page 1 (or the one page): then show page 2, or thank the visitor; or show the errors."""
    lang = get_lang()
    office = get_office(slug)
    if office is None:
        return render_not_found(lang)
    if (request.content_length or 0) > MAX_FORM_BYTES:
        return render_form(office, lang, page, problem=text("page.too_large", lang), status=413)
    version = get_published_version(office)
    if version is None:
        return render_not_found(lang)
    survey = Survey(office, version, lang, page)
    answers = read_form_answers(request.form, [(q["key"], q["type"]) for q in survey.first])
    department = get_preset_department(survey)
    if page.kiosk and department:
        answers.setdefault("department", department)
    token = request.form.get("token", "")
    form = read_token(token)
    if form is None or form["id"] != request.form.get("id") or form.get("o") != office.id:
        # Forged, altered, stale or another office's: keep what the visitor chose, give a fresh token.
        return render_form(
            office, lang, page, answers=answers, problem=text("page.expired", lang), status=400
        )
    kept = {"answers": answers, "token": token, "form_id": form["id"], "channel": form["c"]}
    # A page sent empty is told what is missing (before any check of how fast it was sent); a
    # partial response has no required questions at the collector, so page 1 checks its own.
    missing = missing_answers(survey.first, answers) if survey.rest else {}
    if missing:
        exc = SubmissionError(400, "invalid_answers_content", missing)
        return render_form(office, lang, page, errors=exc.fields_in(lang), status=400, **kept)
    try:
        status = store_form(office, form, lang, answers, completed=not survey.rest)
    except SubmissionError as exc:
        return render_refused(office, lang, page, exc, answers, kept)
    if survey.rest:
        # 201: the response is stored; the rest is optional and goes under the same id.
        next_token = make_token(
            form["id"], form["v"], form["c"], office_id=office.id, started=form["t"], first=answers
        )
        preset = {"department": department} if department and not page.kiosk else {}
        return render_form(
            office,
            lang,
            page,
            step=2,
            token=next_token,
            form_id=form["id"],
            channel=form["c"],
            first=answers,
            answers=preset,
            status=201 if status == "created" else 200,
        )
    return redirect(
        page.url("thanks", office, lang, department=department if page.kiosk else None), code=303
    )


def submit_more(page: Page, slug: str):
    """Update the stored response with page 2's answers; thank the visitor, or show the errors."""
    lang = get_lang()
    office = get_office(slug)
    if office is None:
        return render_not_found(lang)
    if (request.content_length or 0) > MAX_FORM_BYTES:
        return render_message(lang, "page.problem", text("page.too_large", lang), office, page), 413
    form = read_token(request.form.get("token", ""))
    if (
        form is None
        or form["id"] != request.form.get("id")
        or form.get("o") != office.id
        or not isinstance(form.get("a"), dict)
    ):
        # Page 2 only ever updates the response its own page 1 stored, for this office.
        body = text("page.bad_step", lang)
        return render_message(lang, "page.problem", body, office, page), 400
    version = get_published_version(office)
    if version is None:
        return render_not_found(lang)
    survey = Survey(office, version, lang, page)
    first = form["a"]
    questions = survey.shown_rest(first)
    answers = read_form_answers(request.form, [(q["key"], q["type"]) for q in questions])
    kept = {
        "answers": answers,
        "token": request.form["token"],
        "form_id": form["id"],
        "channel": form["c"],
        "first": first,
        "step": 2,
    }
    try:
        store_form(office, form, lang, {**first, **answers}, completed=True)
    except SubmissionError as exc:
        if exc.code == "update_window_closed":
            return render_message(
                lang, "page.problem", text("page.closed", lang), office, page
            ), 409
        if exc.code.startswith("update_") or exc.code in {"unknown_version", "version_retired"}:
            body = text("page.bad_step", lang)
            return render_message(lang, "page.problem", body, office, page), exc.status
        return render_refused(office, lang, page, exc, answers, kept)
    department = first.get("department") if page.kiosk else None
    return redirect(page.url("thanks", office, lang, department=department), code=303)


def store_form(
    office: Office, form: Mapping[str, Any], lang: str, answers: dict[str, Any], *, completed: bool
) -> str:
    """Check and store the form's answers under its id; return "created", "duplicate" or "updated"."""
    data = {
        "id": form["id"],
        "version": form["v"],
        "lang": lang,
        "channel": form["c"],
        "elapsed_ms": max(0, int(time.time() * 1000) - int(form["t"])),
        "website": request.form.get("website", ""),
        "answers": answers,
        "completed": completed,
    }
    context = get_office_context(office.slug)
    if context is None:
        raise SubmissionError(404, "office_not_found")
    return store_submission(validate_submission(context, data))


def render_refused(
    office: Office,
    lang: str,
    page: Page,
    exc: SubmissionError,
    answers: dict[str, Any],
    kept: dict[str, Any],
) -> tuple[str, int]:
    """Show the form again with the collector's reasons, what the visitor chose kept."""
    if exc.status == 404:
        return render_not_found(lang)
    if exc.code in {"unknown_version", "version_retired"}:
        # The survey changed while the form was open: show the new version with a new id.
        return render_form(
            office, lang, page, answers=answers, problem=exc.message_in(lang), status=400
        )
    if exc.status == 409:
        return render_form(
            office, lang, page, answers=answers, problem=text("page.already", lang), status=409
        )
    problem = "" if exc.field_codes else exc.message_in(lang)
    return render_form(
        office, lang, page, errors=exc.fields_in(lang), problem=problem, status=exc.status, **kept
    )


def thank_you(page: Page, slug: str):
    """Thank the visitor (after POST-redirect-GET, so a reload does not post again)."""
    lang = get_lang()
    office = get_office(slug)
    if office is None:
        return render_not_found(lang)
    refresh = KIOSK_THANKS_SECONDS if page.kiosk else None
    body = text("thanks.body", lang)
    return render_message(lang, "thanks.title", body, office, page, refresh=refresh)


def handle_http_error(exc: HTTPException):
    """Answer HTTP errors (413, 429, ...) with a page a person can read, in the page's language."""
    lang = get_lang()
    known = {413: "page.too_large", 429: "errors.rate_limited"}.get(exc.code or 0)
    body = text(known, lang) if known else exc.description or ""
    return render_message(lang, "page.problem", body), exc.code or 500


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


def register(blueprint: Blueprint, page: Page) -> None:
    """Add the survey's views, headers and error pages to the hosted page's or the kiosk's blueprint."""
    limit = limiter.limit(get_submit_limit)

    def show_survey(slug: str):
        """Show the survey form."""
        return show(page, slug)

    def submit_survey(slug: str):
        """Check and store page 1 (or the one page)."""
        return submit(page, slug)

    def submit_more_answers(slug: str):
        """Update the response with page 2's answers."""
        return submit_more(page, slug)

    def thanks(slug: str):
        """Thank the visitor."""
        return thank_you(page, slug)

    blueprint.add_url_rule("/<slug>", "show_survey", show_survey, methods=["GET"])
    blueprint.add_url_rule("/<slug>", "submit_survey", limit(submit_survey), methods=["POST"])
    blueprint.add_url_rule(
        "/<slug>/wiecej", "submit_more", limit(submit_more_answers), methods=["POST"]
    )
    blueprint.add_url_rule("/<slug>/dziekujemy", "thank_you", thanks, methods=["GET"])
    blueprint.after_request(page_headers)
    blueprint.register_error_handler(HTTPException, handle_http_error)
    blueprint.register_error_handler(sa.exc.SQLAlchemyError, handle_database_error)


register(bp, HOSTED)
register(kiosk_bp, KIOSK)


def init_app(app: Flask) -> None:
    """Register the hosted page and the kiosk."""
    app.register_blueprint(bp)
    app.register_blueprint(kiosk_bp)
