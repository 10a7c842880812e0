"""The panel switched to English shows no Polish: office and survey-editor pages, their errors included.

Every text node (and title, aria-label, placeholder, alt) of each page is read; the office's and the
survey's own data (names, question texts...) are data, not interface, and are left out, as is
anything marked with another language (the "Polski" link of the language switch). What is left
must hold no Polish letter and no common Polish word. That every msgid has an English entry is
``tests/test_catalogs.py``'s job; this test finds texts that never reach the catalog.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
import sqlalchemy as sa

from collector.extensions import db
from collector.models import Department, Office, Question, Survey, SurveyVersion, User
from tests.admin.flowtools import (
    login,
    office_with_admin,
    post,
    question,
    question_form,
    start_draft,
)
from tests.admin.panel import text
from tests.admin.test_survey_editor import NEW_QUESTION_PROBLEMS
from tests.admin.view_cases import office_form

POLISH_LETTERS = re.compile(r"[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]")
POLISH_WORDS = re.compile(
    r"\b(nie|tak|lub|albo|oraz|jest|brak|dodaj|zapisz|anuluj|edytuj|wersj\w*|ankiet\w*|"
    r"pytani\w*|odpowiedzi|urzad\w*|klucz\w*|wydzial\w*|popraw\w*|podaj)\b",
    re.I,
)
PROPER_NAMES = ("Oceń Urząd",)  # the product's name, the same in every language
INTERFACE_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
DATA_MODELS = (Office, Department, Survey, SurveyVersion, Question, User)


class InterfaceText(HTMLParser):
    """Collect a page's text nodes and labelling attributes, skipping scripts, styles, form data and other languages."""

    SKIPPED_TAGS = {"script", "style", "textarea"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skipping: list[str] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if (
            self.skipping
            or tag in self.SKIPPED_TAGS
            or (tag != "html" and attributes.get("lang", "en") != "en")
        ):
            self.skipping.append(tag)
            return
        self.texts += [value for name, value in attrs if name in INTERFACE_ATTRIBUTES and value]

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self.skipping and data.strip():
            self.texts.append(data.strip())


def strings_in(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings_in(item)]
    if isinstance(value, (list, tuple)):
        return [s for item in value for s in strings_in(item)]
    return []


def user_data(*posted: dict) -> list[str]:
    """Return every text stored in the office's records or typed into a form, longest first."""
    found = set(PROPER_NAMES)
    db.session.expire_all()
    for model in DATA_MODELS:
        for row in db.session.scalars(sa.select(model)):
            for column in model.__table__.columns:
                found.update(strings_in(getattr(row, column.key)))
    for form in posted:
        found.update(strings_in(form))
    return sorted((s.strip() for s in found if len(s.strip()) > 1), key=len, reverse=True)


def without_truncated(shown: str, value: str) -> str:
    """Remove ``value`` cut short with an ellipsis ("Ogólnie: jak bardzo..."), as long labels show it."""
    start = shown.find(value[:12])
    if len(value) < 12 or start < 0:
        return shown
    end = start
    while end < len(shown) and end - start < len(value) and shown[end] == value[end - start]:
        end += 1
    for ellipsis in ("...", "…"):
        if shown.startswith(ellipsis, end):
            return shown[:start] + " " + shown[end + len(ellipsis) :]
    return shown


def polish_texts(response, *posted: dict) -> list[str]:
    """Return the interface texts of a page that look Polish."""
    parser = InterfaceText()
    parser.feed(text(response))
    data = user_data(*posted)
    found = []
    for shown in parser.texts:
        interface = shown
        for value in data:
            interface = without_truncated(interface.replace(value, " "), value)
        if POLISH_LETTERS.search(interface) or POLISH_WORDS.search(interface):
            found.append(shown)
    return found


@pytest.fixture
def office(app):
    office, _user = office_with_admin()
    return office


@pytest.fixture
def english(client, office):
    login(client, "admin@demo.test")
    assert client.get("/admin/?lang=en").status_code == 200
    return client


@pytest.fixture
def draft(english, office):
    return start_draft(english, office)


def assert_english(response, *posted: dict, status: int | None = None) -> None:
    if status is not None:
        assert response.status_code == status, response.status_code
    polish = polish_texts(response, *posted)
    assert polish == [], f"Polish on {response.request.method} {response.request.path}: {polish}"


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/office/edit/?id={office}",
        "/admin/department/",
        "/admin/department/new/",
        "/admin/survey/",
        "/admin/survey/version/{draft}",
        "/admin/survey/version/{published}",
        "/admin/survey/version/{draft}/details",
        "/admin/survey/version/{draft}/question/new",
        "/admin/survey/question/{question}",
    ],
)
def test_pages_are_english(english, office, draft, url):
    published = db.session.scalar(
        sa.select(SurveyVersion.id).where(SurveyVersion.status == "published")
    )
    url = url.format(
        office=office.id,
        draft=draft.id,
        published=published,
        question=question(draft, "overall").id,
    )
    assert_english(english.get(url), status=200)


def test_office_errors_are_english(english, office):
    db.session.refresh(office)
    data = office_form(
        office,
        name="",
        look_color="#ffff00",
        allowed_origins="http://www.alfa.pl\nhttps://*.alfa.pl",
        retention_days="5",
    )
    response = post(english, f"/admin/office/edit/?id={office.id}", data)
    assert "too little contrast" in text(response)
    assert_english(response, data, status=200)


def test_department_errors_are_english(english, office):
    data = {"name": "Wydział Nowy", "key": "Zły Klucz", "position": "x"}
    response = post(english, "/admin/department/new/", data)
    assert_english(response, data, status=200)


def test_question_errors_are_english(english, draft):
    for _case, data, _field, _words in NEW_QUESTION_PROBLEMS:
        response = post(english, f"/admin/survey/version/{draft.id}/question/new", data)
        assert_english(response, data, status=400)


def test_question_edit_errors_are_english(english, draft):
    data = question_form(question(draft, "what_went_wrong"), text_pl="", max_picks="9")
    response = post(
        english, f"/admin/survey/question/{question(draft, 'what_went_wrong').id}", data
    )
    assert_english(response, data, status=400)


def test_survey_details_errors_are_english(english, draft):
    data = {"title_pl": "", "title_en": "Survey"}
    response = post(english, f"/admin/survey/version/{draft.id}/details", data)
    assert_english(response, data)


def test_flask_admins_own_texts_follow_the_panel_language(client, office):
    login(client, "admin@demo.test")
    assert "Zapisz i dodaj kolejny" in text(client.get("/admin/department/new/"))
    assert "Save and Add Another" in text(client.get("/admin/department/new/?lang=en"))
    assert "Zapisz i dodaj kolejny" in text(client.get("/admin/department/new/?lang=pl"))
