"""The survey editor: drafts, question checks (tables), reordering, read-only versions, preview."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from collector.extensions import db
from collector.models import Question, SurveyVersion
from tests.admin.flowtools import (
    flashes,
    login,
    office_with_admin,
    post,
    question,
    question_form,
    start_draft,
)
from tests.admin.panel import text
from tests.factories import count, create_version


@pytest.fixture
def office(app):
    office, _user = office_with_admin()
    return office


@pytest.fixture
def draft(client, office):
    login(client, "admin@demo.test")
    return start_draft(client, office)


def keys(version: SurveyVersion) -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(Question.key)
            .where(Question.version_id == version.id)
            .order_by(Question.position)
        )
    )


def field_errors(response) -> dict[str, str]:
    """Return field id -> the error message shown next to it."""
    return dict(re.findall(r'id="([\w-]+)-error">([^<]*)<', text(response)))


def test_edit_makes_a_draft_copy_with_the_next_number_and_the_same_keys(client, office, draft):
    published = db.session.scalar(sa.select(SurveyVersion).where(SurveyVersion.number == 1))
    assert (draft.number, draft.status) == (2, "draft")
    assert keys(draft) == keys(published)
    assert question(draft, "resolved").options == question(published, "resolved").options
    # The condition is frozen with the version and copied to the draft as it is.
    assert question(draft, "what_went_wrong").show_if == {"question": "overall", "min": 1, "max": 2}


def test_one_draft_at_a_time(client, office, draft):
    again = start_draft(client, office)
    assert again.id == draft.id and count(SurveyVersion) == 2


NEW_QUESTION_PROBLEMS = [
    # (what is wrong, form data, the field that shows it, words of the message)
    (
        "multi without options",
        {"type": "multi", "key": "channels", "text_pl": "Skąd Pan/Pani wie o ankiecie?"},
        None,
        "co najmniej dwóch odpowiedzi",
    ),
    (
        "single with one option",
        {
            "type": "single",
            "key": "yes_only",
            "text_pl": "Tak?",
            "options-0-key": "tak",
            "options-0-pl": "Tak",
        },
        None,
        "co najmniej dwóch odpowiedzi",
    ),
    (
        "duplicate key in the version",
        {"type": "text", "key": "comment", "text_pl": "Uwagi"},
        "key",
        "ma już inne pytanie",
    ),
    (
        "key with capitals",
        {"type": "text", "key": "Uwagi", "text_pl": "Uwagi"},
        "key",
        "małe litery",
    ),
    (
        "key with Polish letters",
        {"type": "text", "key": "uwagi_ż", "text_pl": "Uwagi"},
        "key",
        "bez polskich znaków",
    ),
    (
        "key with a space",
        {"type": "text", "key": "two words", "text_pl": "Uwagi"},
        "key",
        "małe litery",
    ),
    ("empty key", {"type": "text", "key": "", "text_pl": "Uwagi"}, "key", "1–64 znaki"),
    (
        "no Polish text",
        {"type": "text", "key": "notes", "text_en": "Notes"},
        "text_pl",
        "po polsku",
    ),
    (
        "max picks over the options",
        {
            "type": "multi",
            "key": "why",
            "text_pl": "Dlaczego?",
            "max_picks": "3",
            "options-0-key": "a",
            "options-0-pl": "A",
            "options-1-key": "b",
            "options-1-pl": "B",
        },
        "max_picks",
        "najwyżej 3, a odpowiedzi do wyboru jest tylko 2",
    ),
    (
        "max picks zero",
        {
            "type": "multi",
            "key": "why",
            "text_pl": "Dlaczego?",
            "max_picks": "0",
            "options-0-key": "a",
            "options-0-pl": "A",
            "options-1-key": "b",
            "options-1-pl": "B",
        },
        "max_picks",
        "od 1 do",
    ),
    (
        "duplicate option keys",
        {
            "type": "single",
            "key": "why",
            "text_pl": "Dlaczego?",
            "options-0-key": "a",
            "options-0-pl": "A",
            "options-1-key": "a",
            "options-1-pl": "B",
        },
        "options-1-key",
        "powtarza się",
    ),
    (
        "option without Polish text",
        {
            "type": "single",
            "key": "why",
            "text_pl": "Dlaczego?",
            "options-0-key": "a",
            "options-0-pl": "A",
            "options-1-key": "b",
            "options-1-en": "B",
        },
        "options-1-pl",
        "po polsku",
    ),
    (
        "bad option key",
        {
            "type": "single",
            "key": "why",
            "text_pl": "Dlaczego?",
            "options-0-key": "A!",
            "options-0-pl": "A",
            "options-1-key": "b",
            "options-1-pl": "B",
        },
        "options-0-key",
        "małe litery",
    ),
    (
        "second department question",
        {"type": "department", "key": "dept2", "text_pl": "Wydział?"},
        "type",
        "tylko jedno",
    ),
    (
        "grid key with a dash",
        {
            "type": "rating",
            "key": "speed",
            "text_pl": "Szybkość",
            "group": "a-b",
            "group_text_pl": "Siatka",
        },
        "group",
        "małe litery",
    ),
    (
        "new grid without a title",
        {"type": "rating", "key": "speed", "text_pl": "Szybkość", "group": "fresh"},
        "group_text_pl",
        "tytuł siatki",
    ),
    ("text too long", {"type": "text", "key": "notes", "text_pl": "x" * 501}, "text_pl", "500"),
    (
        "max length over 2000",
        {"type": "text", "key": "notes", "text_pl": "Uwagi", "max_length": "5000"},
        "max_length",
        "od 1 do 2000",
    ),
    ("unknown type", {"type": "slider", "key": "notes", "text_pl": "Uwagi"}, "type", ""),
]


@pytest.mark.parametrize(
    "case, data, field, words", NEW_QUESTION_PROBLEMS, ids=[c[0] for c in NEW_QUESTION_PROBLEMS]
)
def test_a_bad_new_question_is_refused_with_a_message_next_to_the_field(
    client, draft, case, data, field, words
):
    before = keys(draft)

    response = post(client, f"/admin/survey/version/{draft.id}/question/new", data)

    assert response.status_code == 400
    assert "Nie zapisano" in text(response)
    if field is None:
        assert words in text(response)
    else:
        errors = field_errors(response)
        assert field in errors, errors
        assert words in errors[field]
    assert keys(draft) == before


def test_a_new_key_cannot_reuse_a_key_of_an_earlier_version(client, office):
    create_version(office, drop=("resolved",))  # version 2 published without "resolved"
    login(client, "admin@demo.test")
    draft = start_draft(client, office)

    response = post(
        client,
        f"/admin/survey/version/{draft.id}/question/new",
        {
            "type": "single",
            "key": "resolved",
            "text_pl": "Ile ma Pan/Pani lat?",
            "options-0-key": "a",
            "options-0-pl": "mniej niż 30",
            "options-1-key": "b",
            "options-1-pl": "30 i więcej",
        },
    )

    assert response.status_code == 400
    assert "miało pytanie w wersji 1" in field_errors(response)["key"]
    assert "resolved" not in keys(draft)


def test_a_new_question_is_added_at_the_end_with_its_options_and_texts(client, draft):
    response = post(
        client,
        f"/admin/survey/version/{draft.id}/question/new",
        {
            "type": "multi",
            "key": "channels",
            "text_pl": "Skąd Pan/Pani wie o ankiecie?",
            "text_uk": "Звідки?",
            "required": "y",
            "max_picks": "2",
            "options-0-key": "www",
            "options-0-pl": "ze strony",
            "options-0-en": "website",
            "options-1-key": "plakat",
            "options-1-pl": "z plakatu",
            "options-2-key": "",
            "options-2-pl": "",
        },
    )

    assert response.status_code == 302
    added = question(draft, "channels")
    assert keys(draft)[-1] == "channels"
    assert added.texts == {"pl": "Skąd Pan/Pani wie o ankiecie?", "uk": "Звідки?"}
    assert added.options == [
        {"key": "www", "texts": {"pl": "ze strony", "en": "website"}},
        {"key": "plakat", "texts": {"pl": "z plakatu"}},
    ]
    assert (added.required, added.max_picks) == (True, 2)


def test_a_question_is_retyped_and_what_its_new_type_does_not_use_is_cleared(client, draft):
    resolved = question(draft, "resolved")
    response = post(
        client,
        f"/admin/survey/question/{resolved.id}",
        question_form(resolved, type="text", max_length="300"),
    )
    assert response.status_code == 302
    db.session.expire_all()
    retyped = question(draft, "resolved")
    assert (retyped.type, retyped.options, retyped.max_length, retyped.key) == (
        "text",
        [],
        300,
        "resolved",
    )


def test_rating_grid_title_is_kept_in_step_across_its_rows(client, draft):
    politeness = question(draft, "service_politeness")
    post(
        client,
        f"/admin/survey/question/{politeness.id}",
        question_form(politeness, group_text_pl="Jak ocenia Pan/Pani obsługę w wydziale?"),
    )
    db.session.expire_all()
    assert (
        question(draft, "service_waiting").group_texts["pl"]
        == "Jak ocenia Pan/Pani obsługę w wydziale?"
    )


def test_questions_move_up_and_down_with_buttons(client, draft):
    first, second = keys(draft)[:2]
    moved = question(draft, second)

    response = post(client, f"/admin/survey/question/{moved.id}/move", {"direction": "up"})

    assert response.status_code == 302 and response.location.endswith(f"#q-{moved.id}")
    assert keys(draft)[:2] == [second, first]
    post(
        client, f"/admin/survey/question/{moved.id}/move", {"direction": "up"}
    )  # already first: no change
    assert keys(draft)[:2] == [second, first]
    post(client, f"/admin/survey/question/{moved.id}/move", {"direction": "down"})
    assert keys(draft)[:2] == [first, second]


def test_the_draft_page_offers_keyboard_usable_reorder_buttons(client, draft):
    page = text(client.get(f"/admin/survey/version/{draft.id}"))
    assert page.count('name="direction" value="up"') == len(keys(draft))
    assert re.search(
        r'<button type="submit" name="direction" value="down"[^>]*aria-label="Przesuń pytanie 1 w dół',
        page,
    )


def test_a_question_is_removed_from_the_draft_only(client, office, draft):
    resolved = question(draft, "resolved")
    response = post(client, f"/admin/survey/question/{resolved.id}/delete")
    assert response.status_code == 302
    assert "resolved" not in keys(draft)
    assert "resolved" in keys(
        db.session.scalar(sa.select(SurveyVersion).where(SurveyVersion.number == 1))
    )


def test_title_and_intro_are_edited_per_language_and_polish_is_required(client, draft):
    response = post(
        client, f"/admin/survey/version/{draft.id}/details", {"title_pl": "", "title_en": "Survey"}
    )
    assert response.status_code == 400 and "Podaj tytuł ankiety po polsku" in text(response)
    response = post(
        client,
        f"/admin/survey/version/{draft.id}/details",
        {"title_pl": "Ankieta 2025", "intro_uk": "Вступ"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (draft.title, draft.intro) == ({"pl": "Ankieta 2025"}, {"uk": "Вступ"})


def published_question_urls(version: SurveyVersion) -> list[tuple[str, dict]]:
    overall = question(version, "overall")
    return [
        (f"/admin/survey/question/{overall.id}", question_form(overall, text_pl="Zmienione")),
        (f"/admin/survey/question/{overall.id}/move", {"direction": "up"}),
        (f"/admin/survey/question/{overall.id}/delete", {}),
        (
            f"/admin/survey/version/{version.id}/question/new",
            {"type": "text", "key": "nowe", "text_pl": "Nowe"},
        ),
        (f"/admin/survey/version/{version.id}/details", {"title_pl": "Zmieniony tytuł"}),
        (f"/admin/survey/version/{version.id}/publish", {}),
        (f"/admin/survey/version/{version.id}/discard", {}),
    ]


def snapshot(version: SurveyVersion) -> list:
    db.session.expire_all()
    return [
        (q.key, q.position, dict(q.texts))
        for q in db.session.get(SurveyVersion, version.id).questions
    ] + [
        db.session.get(SurveyVersion, version.id).status,
        dict(db.session.get(SurveyVersion, version.id).title),
    ]


@pytest.mark.parametrize("status", ["published", "retired"])
def test_a_published_or_retired_version_is_read_only(client, office, draft, status):
    version = db.session.scalar(sa.select(SurveyVersion).where(SurveyVersion.number == 1))
    version.status = status
    db.session.commit()
    before = snapshot(version)
    for url, data in published_question_urls(version):
        response = post(client, url, data, follow_redirects=True)
        assert response.status_code == 200, url
        assert any("nie można jej zmieniać" in m for m in flashes(response)), (
            url,
            flashes(response),
        )
    assert snapshot(version) == before
    page = text(client.get(f"/admin/survey/version/{version.id}"))
    assert "tylko do odczytu" in page and 'value="up"' not in page


def test_discarding_the_draft_removes_it(client, office, draft):
    response = post(client, f"/admin/survey/version/{draft.id}/discard")
    assert response.status_code == 302
    assert count(SurveyVersion) == 1


def test_preview_embeds_the_real_widget_with_the_draft_document(client, office, draft):
    page = text(client.get(f"/admin/survey/version/{draft.id}/preview?lang=en"))
    tag = re.search(r"<script src=\"/widget.js\"[^>]*>", page).group(0)
    assert f'data-office="{office.slug}"' in tag and "data-preview" in tag
    url = re.search(r'data-survey-url="([^"]+)"', tag).group(1).replace("&amp;", "&")
    assert url == f"/admin/survey/version/{draft.id}/survey.json?lang=en"

    question_id = question(draft, "overall").id
    post(
        client,
        f"/admin/survey/question/{question_id}",
        question_form(question(draft, "overall"), text_en="All in all?"),
    )
    document = client.get(url)
    assert document.status_code == 200 and document.headers["Cache-Control"] == "no-store"
    body = document.get_json()
    assert body["version"] == draft.number and body["lang"] == "en"
    assert next(q for q in body["questions"] if q["key"] == "overall")["text"] == "All in all?"


def test_the_draft_document_needs_a_login(client, office, draft):
    anonymous = client.application.test_client()
    response = anonymous.get(f"/admin/survey/version/{draft.id}/survey.json")
    assert response.status_code == 302 and "/admin/login" in response.location


def test_a_reviewer_reads_versions_but_cannot_edit(client, office, draft):
    from tests.factories import create_user

    create_user("reviewer@demo.test", role="reviewer", office=office)
    reviewer = client.application.test_client()
    login(reviewer, "reviewer@demo.test")
    page = reviewer.get(f"/admin/survey/version/{draft.id}")
    assert page.status_code == 200 and 'value="up"' not in text(page)
    before = snapshot(draft)
    assert post(reviewer, "/admin/survey/edit", {"office_id": office.id}).status_code == 403
    for url, data in published_question_urls(draft):
        assert post(reviewer, url, data).status_code == 403, url
    assert snapshot(draft) == before
