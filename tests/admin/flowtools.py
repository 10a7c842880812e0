"""Helpers for the survey, embed, responses and paper tests: offices with responses, the draft, PDF text."""

from __future__ import annotations

import io
import re

import pypdf
import sqlalchemy as sa

from collector.extensions import db
from collector.models import Question, SurveyVersion
from tests.admin.panel import login, post
from tests.factories import create_office, create_user, post_response, valid_payload

FLASH_RE = re.compile(r'class="alert[^"]*"[^>]*>(.*?)</div>', re.S)


def office_with_admin(
    slug: str = "demo", name: str = "Urząd Miasta Demo", role: str = "admin", **fields
):
    """Create an office and a user of ``role`` in it (e-mail ``<role>@<slug>.test``)."""
    office = create_office(slug, name, **fields)
    user = create_user(f"{role}@{slug}.test", role=role, office=office)
    return office, user


def answer_survey(client, office, times: int = 1, **answers) -> None:
    """Post ``times`` valid responses to the office's published version through the public API."""
    for _ in range(times):
        payload = valid_payload(office)
        payload["answers"].update(answers)
        # The collector's own origin (the hosted page) is allowed whatever the office's origins are.
        response = post_response(
            client, office.slug, payload, origin=client.application.config["PUBLIC_URL"]
        )
        assert response.status_code == 201, response.get_json()


def start_draft(client, office) -> SurveyVersion:
    """Press "Edytuj" and return the draft it opened."""
    response = post(client, "/admin/survey/edit", {"office_id": office.id})
    assert response.status_code == 302, response.status_code
    version_id = int(response.location.rstrip("/").split("/")[-1].split("#")[0])
    return db.session.get(SurveyVersion, version_id)


def question(version: SurveyVersion, key: str) -> Question:
    """Return the version's question with this key."""
    return db.session.scalar(
        sa.select(Question).where(Question.version_id == version.id, Question.key == key)
    )


def question_form(q: Question, **changes) -> dict:
    """Return the edit form's fields for a stored question, with ``changes``."""
    data = {
        "type": q.type,
        "required": "y" if q.required else "",
        "allow_na": "y" if q.allow_na else "",
        "max_picks": q.max_picks or "",
        "max_length": q.max_length if q.type == "text" else "",
        "group": q.group or "",
    }
    for lang in ("pl", "en", "uk"):
        data[f"text_{lang}"] = (q.texts or {}).get(lang, "")
        data[f"hint_{lang}"] = (q.hint or {}).get(lang, "")
        data[f"group_text_{lang}"] = (q.group_texts or {}).get(lang, "")
    for i, option in enumerate(q.options or []):
        data[f"options-{i}-key"] = option["key"]
        for lang in ("pl", "en", "uk"):
            data[f"options-{i}-{lang}"] = option["texts"].get(lang, "")
    data.update(changes)
    return {k: v for k, v in data.items() if v not in ("", None)}


def flashes(response) -> list[str]:
    """Return the texts of the flash messages on a page."""
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>|&times;", "", m)).strip()
        for m in FLASH_RE.findall(response.get_data(as_text=True))
    ]


def pdf_text(body: bytes) -> str:
    """Return a PDF's text, whitespace collapsed."""
    reader = pypdf.PdfReader(io.BytesIO(body))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


__all__ = [
    "answer_survey",
    "create_user",
    "flashes",
    "login",
    "office_with_admin",
    "pdf_text",
    "post",
    "question",
    "question_form",
    "start_draft",
]
