"""The survey editor: drafts, question checks (tables), reordering, read-only versions, preview."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from collector.extensions import db
from collector.models import AuditEvent, Question, SurveyVersion
from tests.admin.flowtools import (
    flashes,
    login,
    office_with_admin,
    post,
    question,
    question_form,
    start_draft,
)
from tests.admin.panel import confirm, confirm_token_of, text
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
        "grid typed by hand, not in the list",
        {
            "type": "rating",
            "key": "speed",
            "text_pl": "Szybkość",
            "group": "a-b",
            "group_text_pl": "Siatka",
        },
        "group",
        "Wybierz siatkę z listy",
    ),
    (
        "new grid without a title",
        {"type": "rating", "key": "speed", "text_pl": "Szybkość", "group": "+new"},
        "group_text_pl",
        "tytuł siatki",
    ),
    (
        "scale with a gap",
        {
            "type": "rating",
            "key": "speed",
            "text_pl": "Szybkość",
            **{f"scale_en_{n}": "x" for n in (1, 2, 3, 5)},
        },
        None,
        "wszystkie pięć opisów",
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


def test_the_draft_page_offers_a_move_to_position_form_on_every_row(client, draft):
    page = text(client.get(f"/admin/survey/version/{draft.id}"))
    count_ = len(keys(draft))
    assert page.count('name="position"') == count_
    assert re.search(r'<option value="1" selected>miejsce 1</option>', page)
    assert re.search(
        r'<button type="submit"[^>]*aria-label="Przesuń pytanie 1 na wybrane miejsce:', page
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
        (f"/admin/survey/question/{overall.id}/move", {"position": "1"}),
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
        if url.endswith("/publish"):  # refused outright, with the reason (no confirmation page)
            assert response.status_code == 409, url
            assert "publikować można tylko wersję roboczą" in text(response)
            continue
        assert response.status_code == 200, url
        assert any("nie można jej zmieniać" in m for m in flashes(response)), (
            url,
            flashes(response),
        )
    assert snapshot(version) == before
    page = text(client.get(f"/admin/survey/version/{version.id}"))
    assert "tylko do odczytu" in page and 'name="position"' not in page


def test_discarding_the_draft_asks_first_then_removes_it(client, office, draft):
    url = f"/admin/survey/version/{draft.id}/discard"
    asked = post(client, url)
    assert asked.status_code == 200
    assert f"Usunąć wersję roboczą {draft.number}?" in text(asked)
    assert "tego nie można cofnąć" in text(asked)
    assert count(SurveyVersion) == 2  # asked, nothing deleted yet
    refused = post(client, url, {"confirm_token": "forged.token"})
    assert refused.status_code == 400 and "Nieprawidłowe potwierdzenie" in text(refused)
    assert count(SurveyVersion) == 2
    response = post(client, url, {"confirm_token": confirm_token_of(asked)})
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
    assert page.status_code == 200 and 'name="position"' not in text(page)
    before = snapshot(draft)
    assert post(reviewer, "/admin/survey/edit", {"office_id": office.id}).status_code == 403
    for url, data in published_question_urls(draft):
        assert post(reviewer, url, data).status_code == 403, url
    assert snapshot(draft) == before


# -- the question form: the fields of its type ---------------------------------------------------

SECTIONS_BY_TYPE = {
    "rating": {"rating", "condition"},
    "single": {"options", "condition"},
    "multi": {"options", "picks", "condition"},
    "text": {"text", "condition"},
    "department": set(),
}


def shown_sections(response) -> set[str]:
    """Return the type-specific fieldsets the page shows (those without ``hidden``)."""
    return {
        name
        for name, hidden in re.findall(r'data-section="(\w+)"( hidden)?', text(response))
        if not hidden
    }


@pytest.mark.parametrize("kind", list(SECTIONS_BY_TYPE))
def test_the_new_question_form_shows_only_the_fields_of_its_type(client, draft, kind):
    response = client.get(f"/admin/survey/version/{draft.id}/question/new?type={kind}")
    assert response.status_code == 200
    assert shown_sections(response) == SECTIONS_BY_TYPE[kind]


def test_an_edited_question_shows_the_fields_of_its_stored_type(client, draft):
    comment = question(draft, "comment")
    response = client.get(f"/admin/survey/question/{comment.id}")
    assert shown_sections(response) == SECTIONS_BY_TYPE["text"]


def test_without_javascript_a_change_of_type_redraws_the_form_and_stores_nothing(client, draft):
    before = keys(draft)
    response = post(
        client,
        f"/admin/survey/version/{draft.id}/question/new",
        {"type": "multi", "key": "channels", "text_pl": "Skąd?", "change_type": "1"},
    )
    assert response.status_code == 200
    assert shown_sections(response) == SECTIONS_BY_TYPE["multi"]
    assert "Nie zapisano" not in text(response)
    assert 'value="Skąd?"' in text(response) or ">Skąd?<" in text(response)
    assert keys(draft) == before


def test_the_rating_form_edits_the_scale_words(client, draft):
    response = post(
        client,
        f"/admin/survey/version/{draft.id}/question/new",
        {
            "type": "rating",
            "key": "speed",
            "text_pl": "Szybkość obsługi",
            **{f"scale_pl_{n}": f"słowo {n}" for n in range(1, 6)},
        },
    )
    assert response.status_code == 302
    assert question(draft, "speed").scale == {"pl": [f"słowo {n}" for n in range(1, 6)]}


def test_the_preview_shows_the_rating_as_one_row_with_the_words_at_the_ends(client, draft):
    overall = question(draft, "overall")
    page = text(client.get(f"/admin/survey/question/{overall.id}"))
    preview = page[page.index('id="preview-body"') :]
    assert re.findall(r'<span class="pv-point">(\d)</span>', preview) == ["1", "2", "3", "4", "5"]
    ends = re.search(r'<div class="pv-ends"><span>([^<]*)</span><span>([^<]*)</span>', preview)
    assert ends.groups() == (overall.scale["pl"][0], overall.scale["pl"][4])
    assert overall.texts["pl"] in preview


# -- grids picked from a list ---------------------------------------------------------------------


def test_the_grid_is_picked_from_the_versions_grids_shown_by_title(client, draft):
    politeness = question(draft, "service_politeness")
    page = text(client.get(f"/admin/survey/version/{draft.id}/question/new?type=rating"))
    select = re.search(r'<select id="group".*?</select>', page, re.S).group(0)
    title = politeness.group_texts["pl"]
    assert f'<option value="service">{title}</option>' in select
    assert '<option value="+new">nowa siatka…</option>' in select

    response = post(
        client,
        f"/admin/survey/version/{draft.id}/question/new",
        {"type": "rating", "key": "speed", "text_pl": "Szybkość", "group": "service"},
    )
    assert response.status_code == 302
    assert (question(draft, "speed").group, question(draft, "speed").group_texts["pl"]) == (
        "service",
        title,
    )


def test_a_new_grid_gets_a_key_made_from_its_title(client, draft):
    for n, key in enumerate(("first", "second")):
        response = post(
            client,
            f"/admin/survey/version/{draft.id}/question/new",
            {
                "type": "rating",
                "key": key,
                "text_pl": f"Pytanie {n}",
                "group": "+new",
                "group_text_pl": "Obsługa w Wydziale Podatków!",
            },
        )
        assert response.status_code == 302
    assert question(draft, "first").group == "obsluga_w_wydziale_podatkow"
    assert question(draft, "second").group == "obsluga_w_wydziale_podatkow_2"


def test_the_list_names_a_grid_by_its_title_and_a_type_by_its_label(client, draft):
    page = text(client.get(f"/admin/survey/version/{draft.id}"))
    title = question(draft, "service_politeness").group_texts["pl"]
    assert f"siatka „{title}”" in page.replace("&#34;", '"')
    assert "(siatka service)" not in page and "ocena 1–5" in page


# -- move to a position ---------------------------------------------------------------------------


def test_a_question_moves_to_the_chosen_position_without_javascript(client, draft):
    before = keys(draft)
    moved = question(draft, before[-1])

    response = post(client, f"/admin/survey/question/{moved.id}/move", {"position": "2"})

    assert response.status_code == 302 and response.location.endswith(f"#q-{moved.id}")
    assert keys(draft) == [before[0], before[-1], *before[1:-1]]
    assert any(
        "na miejsce 2" in m for m in flashes(client.get(f"/admin/survey/version/{draft.id}"))
    )


@pytest.mark.parametrize("position", ["0", "99", "abc", "-1", "2.5"])
def test_a_bad_position_in_the_form_is_refused_with_a_page_that_says_why(client, draft, position):
    before = keys(draft)
    moved = question(draft, before[0])
    response = post(client, f"/admin/survey/question/{moved.id}/move", {"position": position})
    assert response.status_code == 400
    assert f"Podaj miejsce od 1 do {len(before)}" in text(response)
    assert keys(draft) == before


def move_json(client, question_id: int, body, **kwargs):
    return client.post(f"/admin/survey/question/{question_id}/position", json=body, **kwargs)


def test_the_script_moves_a_question_through_the_json_endpoint(client, draft):
    before = keys(draft)
    moved = question(draft, before[0])

    response = move_json(client, moved.id, {"position": 3})

    assert response.status_code == 200
    body = response.get_json()
    assert body["moved"] is True and "na miejsce 3" in body["message"]
    assert keys(draft) == [before[1], before[2], before[0], *before[3:]]
    db.session.expire_all()
    assert body["order"] == [question(draft, k).id for k in keys(draft)]


BAD_POSITIONS = [
    ({"position": 0}, "Podaj miejsce od 1 do"),
    ({"position": 999}, "Podaj miejsce od 1 do"),
    ({"position": -1}, "Podaj miejsce od 1 do"),
    ({"position": "3"}, "Podaj miejsce od 1 do"),
    ({"position": 2.5}, "Podaj miejsce od 1 do"),
    ({"position": True}, "Podaj miejsce od 1 do"),
    ({"position": None}, "Podaj miejsce od 1 do"),
    ({}, "Podaj miejsce od 1 do"),
    ([3], "Podaj miejsce od 1 do"),
    ("3", "Podaj miejsce od 1 do"),
]


@pytest.mark.parametrize("body, words", BAD_POSITIONS, ids=[repr(b[0]) for b in BAD_POSITIONS])
def test_a_bad_position_for_the_script_is_refused_with_a_json_message(client, draft, body, words):
    before = keys(draft)
    response = move_json(client, question(draft, before[0]).id, body)
    assert response.status_code == 400
    assert words in response.get_json()["message"]
    assert keys(draft) == before


def test_a_body_that_is_not_json_is_refused_with_a_json_message(client, draft):
    before = keys(draft)
    response = client.post(
        f"/admin/survey/question/{question(draft, before[0]).id}/position",
        data="position=3",
        content_type="application/json",
    )
    assert response.status_code == 400 and "Podaj miejsce" in response.get_json()["message"]
    assert keys(draft) == before


def test_the_json_endpoint_refuses_another_offices_question(client, draft):
    other, _user = office_with_admin("inne", "Urząd Gminy Inne")
    db.session.commit()
    version = db.session.scalar(
        sa.select(SurveyVersion).where(SurveyVersion.survey.has(office_id=other.id))
    )
    foreign = version.questions[0]
    before = [q.position for q in version.questions]

    response = move_json(client, foreign.id, {"position": 2})

    assert response.status_code == 404
    assert "nie należy ono do Twojego urzędu" in response.get_json()["message"]
    db.session.expire_all()
    assert [q.position for q in db.session.get(SurveyVersion, version.id).questions] == before


def test_the_json_endpoint_refuses_to_change_a_published_version(client, office, draft):
    published = db.session.scalar(sa.select(SurveyVersion).where(SurveyVersion.number == 1))
    before = keys(published)
    response = move_json(client, question(published, before[0]).id, {"position": 2})
    assert response.status_code == 409
    assert "nie można jej zmieniać" in response.get_json()["message"]
    assert keys(published) == before


def test_a_reviewer_cannot_move_through_the_json_endpoint(client, office, draft):
    from tests.factories import create_user

    create_user("reviewer@demo.test", role="reviewer", office=office)
    reviewer = client.application.test_client()
    login(reviewer, "reviewer@demo.test")
    before = keys(draft)
    assert move_json(reviewer, question(draft, before[0]).id, {"position": 2}).status_code == 403
    assert keys(draft) == before


def test_the_json_endpoint_needs_the_csrf_token_when_csrf_is_on(app, client, draft):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        before = keys(draft)
        response = move_json(client, question(draft, before[0]).id, {"position": 2})
        assert response.status_code == 400
        assert keys(draft) == before
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


# -- conditional questions ------------------------------------------------------------------------


def add_question(client, draft, **data):
    response = post(client, f"/admin/survey/version/{draft.id}/question/new", data)
    assert response.status_code == 302, field_errors(response) or text(response)[:500]
    return question(draft, data["key"])


def choice(key: str, text_pl: str, **extra) -> dict:
    return {
        "type": "multi",
        "key": key,
        "text_pl": text_pl,
        "options-0-key": "a",
        "options-0-pl": "kolejka",
        "options-1-key": "b",
        "options-1-pl": "uprzejmość",
        **extra,
    }


@pytest.fixture
def score(client, draft):
    """A rating question at the end of the draft, which conditions may refer to."""
    return add_question(client, draft, type="rating", key="score", text_pl="Jak ogólnie?")


def test_a_follow_up_is_shown_only_for_a_range_of_an_earlier_rating(client, draft, score):
    follow_up = add_question(
        client,
        draft,
        **choice(
            "why_low",
            "Co poszło nie tak?",
            show_if_question="score",
            show_if_min="1",
            show_if_max="2",
        ),
    )
    assert follow_up.show_if == {"question": "score", "min": 1, "max": 2}
    page = text(client.get(f"/admin/survey/version/{draft.id}"))
    n = keys(draft).index("score") + 1
    assert f"widoczne, gdy ocena w pytaniu {n} („Jak ogólnie?”) to 1–2" in page.replace(
        "&#34;", '"'
    )
    form = text(client.get(f"/admin/survey/question/{follow_up.id}"))
    note = re.search(r'id="preview-condition">([^<]*)<', form).group(1)
    assert note == f"Pytanie pojawi się tylko po ocenie od 1 do 2 w pytaniu {n}."
    event = db.session.scalar(
        sa.select(AuditEvent)
        .where(AuditEvent.action == "survey.question_add")
        .order_by(AuditEvent.id.desc())
    )
    assert event.after["show_if"] == {"question": "score", "min": 1, "max": 2}


def test_the_condition_offers_only_earlier_rating_questions(client, draft, score):
    page = text(client.get(f"/admin/survey/version/{draft.id}/question/new?type=multi"))
    select = re.search(r'<select[^>]*id="show_if_question".*?</select>', page, re.S).group(0)
    offered = re.findall(r'<option[^>]*value="([^"]*)"', select)
    ratings = [
        q.key
        for q in sorted(db.session.get(SurveyVersion, draft.id).questions, key=lambda q: q.position)
        if q.type == "rating"
    ]
    assert offered == ["", *ratings]


BAD_CONDITIONS = [
    # (what is wrong, the condition fields, words of the message)
    ("later question", {"show_if_question": "LATER"}, "musi stać wcześniej"),
    ("not a rating", {"show_if_question": "comment"}, "tylko pytania typu ocena"),
    ("unknown question", {"show_if_question": "nope"}, "nie ma pytania „nope”"),
    ("min above max", {"show_if_min": "4", "show_if_max": "2"}, "nie może być większe"),
    ("min zero", {"show_if_min": "0"}, "od 1 do 5"),
    ("max six", {"show_if_max": "6"}, "od 1 do 5"),
    ("not a number", {"show_if_min": "jeden"}, "od 1 do 5"),
    ("empty bound", {"show_if_max": ""}, "od 1 do 5"),
]


@pytest.mark.parametrize("case, fields, words", BAD_CONDITIONS, ids=[c[0] for c in BAD_CONDITIONS])
def test_a_bad_condition_is_refused_next_to_its_field(client, draft, score, case, fields, words):
    later = add_question(client, draft, type="rating", key="later", text_pl="Później")
    conditions_before = {
        q.key: q.show_if for q in db.session.get(SurveyVersion, draft.id).questions
    }
    fields = {"show_if_question": "score", "show_if_min": "1", "show_if_max": "2", **fields}
    if fields["show_if_question"] == "LATER":
        # An existing question made to depend on one standing after it.
        fields["show_if_question"] = later.key
        response = post(
            client, f"/admin/survey/question/{score.id}", question_form(score, **fields)
        )
    else:
        response = post(
            client,
            f"/admin/survey/version/{draft.id}/question/new",
            choice("why_low", "Co poszło nie tak?", **fields),
        )
    assert response.status_code == 400
    errors = field_errors(response)
    assert any(words in message for message in errors.values()), errors
    db.session.expire_all()
    conditions_after = {q.key: q.show_if for q in db.session.get(SurveyVersion, draft.id).questions}
    assert conditions_after == conditions_before  # nothing stored, no condition changed


def test_a_question_cannot_depend_on_itself(client, draft, score):
    response = post(
        client,
        f"/admin/survey/question/{score.id}",
        question_form(score, show_if_question="score", show_if_min="1", show_if_max="2"),
    )
    assert response.status_code == 400
    assert "samo siebie" in " ".join(field_errors(response).values())


@pytest.fixture
def follow_up(client, draft, score):
    return add_question(
        client,
        draft,
        **choice("why_low", "Co poszło nie tak?", show_if_question="score", show_if_max="2"),
    )


def test_a_question_others_depend_on_cannot_be_deleted(client, draft, score, follow_up):
    response = post(client, f"/admin/survey/question/{score.id}/delete", follow_redirects=True)
    assert any("Nie usunięto pytania „score”" in m and "why_low" in m for m in flashes(response)), (
        flashes(response)
    )
    assert "score" in keys(draft)


def test_a_question_others_depend_on_cannot_change_its_type(client, draft, score, follow_up):
    response = post(client, f"/admin/survey/question/{score.id}", question_form(score, type="text"))
    assert response.status_code == 400
    assert "why_low" in field_errors(response)["type"]
    assert question(draft, "score").type == "rating"


@pytest.mark.parametrize("which", ["the follow-up above its rating", "the rating below"])
def test_a_move_that_puts_a_condition_before_its_rating_is_refused(
    client, draft, score, follow_up, which
):
    before = keys(draft)
    if which == "the follow-up above its rating":
        moved, position = follow_up, before.index("score") + 1  # onto the rating's place
    else:
        moved, position = score, len(before)
    response = move_json(client, moved.id, {"position": position})
    assert response.status_code == 400
    assert "musi stać przed pytaniem z warunkiem" in response.get_json()["message"]
    assert keys(draft) == before
    page = post(
        client,
        f"/admin/survey/question/{moved.id}/move",
        {"position": str(position)},
        follow_redirects=True,
    )
    assert any("why_low" in m for m in flashes(page))
    assert keys(draft) == before


def test_a_new_draft_keeps_the_conditions_of_the_version_it_copies(client, office, draft, score):
    add_question(
        client,
        draft,
        **choice("why_low", "Co poszło nie tak?", show_if_question="score", show_if_max="2"),
    )
    response = confirm(client, f"/admin/survey/version/{draft.id}/publish")  # asks first
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(SurveyVersion, draft.id).status == "published"

    copy = start_draft(client, office)

    assert copy.number == draft.number + 1
    assert question(copy, "why_low").show_if == {"question": "score", "min": 1, "max": 2}
    # A copy, not the same object: changing the draft leaves the published version alone.
    post(
        client,
        f"/admin/survey/question/{question(copy, 'why_low').id}",
        question_form(question(copy, "why_low"), show_if_max="3", show_if_question="score"),
    )
    db.session.expire_all()
    assert question(copy, "why_low").show_if["max"] == 3
    assert question(draft, "why_low").show_if["max"] == 2


# -- the rule set itself (collector.operations.problems.check_show_if) ----------------------------

RULE_CASES = [
    ("not a dict", ["score", 1, 2], "show_if_format"),
    ("missing max", {"question": "score", "min": 1}, "show_if_format"),
    ("extra key", {"question": "score", "min": 1, "max": 2, "x": 1}, "show_if_format"),
    ("key not a string", {"question": 5, "min": 1, "max": 2}, "show_if_format"),
    ("itself", {"question": "follow", "min": 1, "max": 2}, "show_if_self"),
    ("unknown", {"question": "nope", "min": 1, "max": 2}, "show_if_unknown"),
    ("not a rating", {"question": "choice", "min": 1, "max": 2}, "show_if_not_rating"),
    ("later", {"question": "after", "min": 1, "max": 2}, "show_if_not_earlier"),
    ("bool bound", {"question": "score", "min": True, "max": 2}, "show_if_range"),
    ("string bound", {"question": "score", "min": "1", "max": 2}, "show_if_range"),
    ("min above max", {"question": "score", "min": 3, "max": 2}, "show_if_range"),
    ("max six", {"question": "score", "min": 1, "max": 6}, "show_if_range"),
]


@pytest.mark.parametrize("case, condition, code", RULE_CASES, ids=[c[0] for c in RULE_CASES])
def test_the_rule_set_names_each_bad_condition(case, condition, code):
    from collector.operations.problems import check_show_if

    ordered = [
        Question(key="score", type="rating"),
        Question(key="choice", type="single"),
        follow := Question(key="follow", type="multi", show_if=condition),
        Question(key="after", type="rating"),
    ]
    assert [p.code for p in check_show_if(follow, ordered)] == [code]


def test_the_rule_set_accepts_a_good_condition_and_none():
    from collector.operations.problems import check_show_if

    score = Question(key="score", type="rating")
    for condition in (None, {"question": "score", "min": 1, "max": 5}):
        follow = Question(key="follow", type="multi", show_if=condition)
        assert check_show_if(follow, [score, follow]) == []
