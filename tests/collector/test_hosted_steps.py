"""The hosted page and the kiosk in two steps, without JavaScript: one click counts, the rest updates it.

Page 1 asks the overall rating alone and stores the response (201, not completed); page 2 asks the
rest under the same response id, the follow-up only after a rating of 1 or 2, and updates the
response. The kiosk does the same on a tablet, with its own channel and no comment box.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from collector import hosted
from collector.extensions import db
from collector.models import Answer, Response, utcnow
from tests.collector.short_survey import short_office
from tests.collector.test_hosted import aged_form, form_fields
from tests.factories import count, create_version


def stored() -> list[dict]:
    """Return the stored responses with their answers, as plain dicts."""
    db.session.expire_all()
    result = []
    for response in db.session.scalars(sa.select(Response)):
        answers: dict = {}
        for a in db.session.scalars(sa.select(Answer).where(Answer.response_id == response.id)):
            value = a.value if a.value is not None else a.option_key or a.text
            if a.question_key in answers:
                previous = answers[a.question_key]
                answers[a.question_key] = sorted(
                    [*previous, value] if isinstance(previous, list) else [previous, value]
                )
            else:
                answers[a.question_key] = value
        result.append(
            {
                "id": str(response.id),
                "channel": response.channel,
                "completed": response.completed,
                "department": response.department_key,
                "answers": answers,
            }
        )
    return result


def legends(html: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", m)).strip()
        for m in re.findall(r"<legend>(.*?)</legend>", html, re.S)
    ]


def first_page(client, path: str = "/s/demo", rating: str | None = "4", **extra):
    """Open page 1 (as if a minute ago), choose ``rating`` and send it; return the response."""
    fields = aged_form(client, path)
    data = {**fields, "website": "", **extra}
    if rating is not None:
        data["overall"] = rating
    return client.post(
        path.split("?")[0] + ("?" + path.split("?")[1] if "?" in path else ""), data=data
    )


def second_page(client, page, answers: dict, path: str = "/s/demo/wiecej", **change):
    fields = {**form_fields(page.text), **change}
    return client.post(path, data={**fields, "website": "", **answers})


def test_page_one_asks_the_overall_rating_alone(client):
    short_office()
    html = client.get("/s/demo").text
    assert legends(html) == ["Jak ocenia Pan/Pani załatwienie sprawy w Urzędzie? (wymagane)"]
    assert "Krok 1 z 2" in html and "<title>Krok 1 z 2: " in html
    assert ">Wyślij ocenę</button>" in html
    assert 'action="/s/demo?lang=pl"' in html
    # One row of five numbered buttons, each named in full for screen readers, the words at the ends.
    assert re.findall(r'<span class="sr">([^<]*)</span></label>', html) == [
        "1 — bardzo słabo",
        "2 — słabo",
        "3 — dostatecznie",
        "4 — dobrze",
        "5 — bardzo dobrze",
    ]
    assert (
        '<p class="ends" aria-hidden="true"><span>bardzo słabo</span><span>bardzo dobrze</span></p>'
        in html
    )


def test_one_click_stores_the_response_and_page_two_updates_it(client):
    short_office()
    page = first_page(client, rating="4")

    assert page.status_code == 201
    assert "Krok 2 z 2" in page.text and "Dziękujemy, ocena została zapisana." in page.text
    [response] = stored()
    assert response["answers"] == {"overall": 4}
    assert response["completed"] is False and response["channel"] == "page"
    assert "Co poszło nie tak?" not in page.text  # a rating of 4: no follow-up
    assert form_fields(page.text)["id"] == response["id"]

    done = second_page(
        client,
        page,
        {"department": "usc", "resolved": "tak", "service_waiting": "na", "comment": "Dobrze."},
    )

    assert done.status_code == 303 and done.headers["Location"].endswith(
        "/s/demo/dziekujemy?lang=pl"
    )
    [updated] = stored()
    assert updated["id"] == response["id"] and updated["completed"] is True
    assert updated["department"] == "usc"
    assert updated["answers"] == {
        "overall": 4,
        "department": "usc",
        "resolved": "tak",
        "service_waiting": "na",
        "comment": "Dobrze.",
    }
    assert "Dziękujemy!" in client.get(done.headers["Location"]).text


@pytest.mark.parametrize(
    ("rating", "follow_up"), [("1", True), ("2", True), ("3", False), ("5", False)]
)
def test_the_follow_up_is_asked_only_after_a_rating_of_1_or_2(client, rating, follow_up):
    short_office()
    page = first_page(client, rating=rating)
    assert ("Co poszło nie tak?" in page.text) is follow_up

    second_page(client, page, {"what_wrong": ["czekanie", "inne"]})

    [response] = stored()
    # After a 3 or a 5 the question was not shown: a forged answer to it is not read.
    assert ("what_wrong" in response["answers"]) is follow_up
    assert response["completed"] is True


def test_finishing_after_the_rating_keeps_the_rating(client):
    short_office()
    page = first_page(client, rating="5")
    finish = re.search(
        r'<a class="finish" href="([^"]+)">Zakończ bez dalszych odpowiedzi</a>', page.text
    )
    assert finish and finish.group(1) == "/s/demo/dziekujemy?lang=pl"
    assert "Dziękujemy!" in client.get(finish.group(1)).text
    assert stored()[0]["answers"] == {"overall": 5}


def test_sending_page_one_again_stores_one_response(client):
    short_office()
    fields = aged_form(client)
    first = client.post("/s/demo", data={**fields, "website": "", "overall": "3"})
    again = client.post("/s/demo", data={**fields, "website": "", "overall": "3"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert "Krok 2 z 2" in again.text
    assert count(Response) == 1


@pytest.mark.parametrize("rating", [None, ""])
def test_an_empty_page_sent_at_once_names_the_missing_answer(client, rating):
    # The issue: sent within 2 s, an empty form said "…zbyt szybko…" instead of naming the answer.
    short_office()
    fields = form_fields(client.get("/s/demo").text)  # posted at once
    data = {**fields, "website": ""}
    if rating is not None:
        data["overall"] = rating
    response = client.post("/s/demo", data=data)
    assert response.status_code == 400
    assert "zbyt szybko" not in response.text
    assert (
        'id="e-overall"><span class="sr">Błąd:</span> To pytanie jest obowiązkowe — prosimy wybrać ocenę od 1 do 5.'
        in response.text
    )
    assert (
        '<a href="#q-overall">„Jak ocenia Pan/Pani załatwienie sprawy w Urzędzie?”' in response.text
    )
    assert count(Response) == 0


def test_an_empty_one_page_survey_sent_at_once_names_the_missing_answers(client):
    office = short_office()
    create_version(
        office,
        drop=("overall",),
        add=(
            {
                "key": "overall",
                "type": "rating",
                "required": True,
                "allow_na": False,
                "texts": {"pl": "Ocena"},
            },
        ),
    )  # opens with the department: one page, as an office's own long form
    html = client.get("/s/demo").text
    assert "Krok" not in html and ">Wyślij odpowiedzi</button>" in html
    response = client.post("/s/demo", data={**form_fields(html), "website": ""})
    assert response.status_code == 400
    assert "zbyt szybko" not in response.text
    assert "To pytanie jest obowiązkowe — prosimy wybrać ocenę od 1 do 5." in response.text


def test_a_rating_sent_too_fast_is_still_refused(client):
    short_office()
    fields = form_fields(client.get("/s/demo").text)
    response = client.post("/s/demo", data={**fields, "website": "", "overall": "4"})
    assert response.status_code == 400 and "zbyt szybko" in response.text
    assert count(Response) == 0


def test_page_two_errors_are_shown_with_the_rating_kept(client):
    short_office()
    page = first_page(client, rating="2")
    response = second_page(client, page, {"comment": "x" * 2001, "what_wrong": ["nope"]})
    assert response.status_code == 400
    assert (
        "Krok 2 z 2" in response.text
        and "Prosimy poprawić odpowiedzi na pytania (2):" in response.text
    )
    assert "prosimy skrócić go do 2000 znaków" in response.text
    assert stored()[0]["answers"] == {"overall": 2} and stored()[0]["completed"] is False
    fixed = second_page(client, response, {"comment": "Krócej.", "what_wrong": ["inne"]})
    assert fixed.status_code == 303
    assert stored()[0]["answers"] == {"overall": 2, "comment": "Krócej.", "what_wrong": "inne"}


@pytest.mark.parametrize(
    "change",
    [
        {"id": str(uuid.uuid4())},  # another id in the hidden field
        {"token": "forged"},
        {"token": ""},
    ],
    ids=["forged-id", "forged-token", "no-token"],
)
def test_a_forged_page_two_is_refused_with_a_page(client, change):
    short_office()
    page = first_page(client, rating="4")
    response = second_page(client, page, {"comment": "Podmienione"}, **change)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "Tej odpowiedzi nie można uzupełnić" in response.text
    assert 'href="/s/demo?lang=pl">Ankieta od początku</a>' in response.text
    assert stored()[0]["answers"] == {"overall": 4}


def test_page_two_of_another_office_is_refused_with_a_page(client):
    short_office("alfa", name="Urząd Alfa")
    short_office("beta", name="Urząd Beta")
    page = first_page(client, "/s/alfa", rating="4")
    response = second_page(client, page, {"comment": "Do innego urzędu"}, path="/s/beta/wiecej")
    assert response.status_code == 400 and "Tej odpowiedzi nie można uzupełnić" in response.text
    [response_row] = stored()
    assert response_row["answers"] == {"overall": 4}


def test_a_page_one_token_cannot_post_page_two(client):
    short_office()
    fields = aged_form(client)  # page 1's token carries no first answers
    response = client.post("/s/demo/wiecej", data={**fields, "website": "", "comment": "x"})
    assert response.status_code == 400 and "Tej odpowiedzi nie można uzupełnić" in response.text
    assert count(Response) == 0


def test_page_two_after_an_hour_keeps_the_rating_and_says_so(client):
    short_office()
    page = first_page(client, rating="4")
    db.session.execute(sa.update(Response).values(submitted_at=utcnow() - timedelta(minutes=61)))
    db.session.commit()
    response = second_page(client, page, {"comment": "Za późno"})
    assert response.status_code == 409 and response.mimetype == "text/html"
    assert "ocena pozostaje zapisana" in response.text
    assert stored()[0]["answers"] == {"overall": 4}


def test_page_two_in_english_keeps_the_language(client):
    short_office()
    page = first_page(client, "/s/demo?lang=en", rating="1")
    assert "Step 2 of 2" in page.text and "What went wrong?" in page.text
    assert 'action="/s/demo/wiecej?lang=en"' in page.text


# -- the kiosk ---------------------------------------------------------------------------------


def test_the_kiosk_cycle_stores_channel_kiosk_and_the_preset_department(client):
    short_office()
    start = client.get("/k/demo?department=usc")
    assert start.status_code == 200 and '<body class="kiosk">' in start.text
    assert legends(start.text) == ["Jak ocenia Pan/Pani załatwienie sprawy w Urzędzie? (wymagane)"]
    assert (
        '<noscript><meta http-equiv="refresh" content="3600;url=/k/demo?department=usc"></noscript>'
        in start.text
    )

    page = first_page(client, "/k/demo?department=usc", rating="2")
    assert page.status_code == 201
    [response] = stored()
    assert response["channel"] == "kiosk" and response["department"] == "usc"
    assert response["answers"] == {"overall": 2, "department": "usc"}
    # Page 2: no department (the tablet's URL names it), no comment box, the follow-up for a 2.
    assert "W którym wydziale" not in page.text and "<textarea" not in page.text
    assert "Co poszło nie tak?" in page.text
    assert (
        '<noscript><meta http-equiv="refresh" content="90;url=/k/demo?department=usc"></noscript>'
        in page.text
    )
    assert 'data-idle-seconds="90" data-start="/k/demo?department=usc">' in page.text
    assert '<button type="button" id="idle-stay">Potrzebuję więcej czasu</button>' in page.text

    done = second_page(client, page, {"resolved": "nie"}, path="/k/demo/wiecej?department=usc")
    assert done.status_code == 303
    assert done.headers["Location"].endswith("/k/demo/dziekujemy?lang=pl&department=usc")
    thanks = client.get(done.headers["Location"])
    assert "Dziękujemy!" in thanks.text
    # Back to the start a few seconds after the thank-you, without JavaScript.
    assert (
        f'<noscript><meta http-equiv="refresh" content="{hosted.KIOSK_THANKS_SECONDS};url=/k/demo?department=usc"></noscript>'
        in thanks.text
    )
    [response] = stored()
    assert response["completed"] is True and response["channel"] == "kiosk"
    assert response["answers"] == {"overall": 2, "department": "usc", "resolved": "nie"}


def test_the_kiosk_without_a_department_asks_it_and_never_offers_a_comment_box(client):
    short_office()
    page = first_page(client, "/k/demo", rating="5")
    assert "W którym wydziale była załatwiana sprawa?" in page.text
    assert "<textarea" not in page.text
    second_page(
        client, page, {"department": "podatki", "comment": "Nie ma pola"}, path="/k/demo/wiecej"
    )
    [response] = stored()
    assert response["answers"] == {"overall": 5, "department": "podatki"}


def test_the_kiosk_with_an_unknown_department_says_so_with_a_404(client):
    short_office()
    response = client.get("/k/demo?department=nope")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "Adres kiosku wskazuje wydział, którego nie ma w tym urzędzie" in response.text


def test_the_kiosk_of_an_unknown_office_is_a_404_page(client):
    response = client.get("/k/nope")
    assert response.status_code == 404 and "Nie znaleziono ankiety" in response.text


# -- the page's footer and favicon ---------------------------------------------------------------


def test_the_page_shows_the_offices_contact_accessibility_statement_and_information_clause(client):
    short_office(
        address="ul. Rynek 1, 64-100 Demo",
        contact_phone="65 123 45 67",
        contact_email="urzad@demo.test",
        accessibility_url="https://demo.test/deklaracja-dostepnosci",
        info_clause="Administratorem danych jest Burmistrz Miasta Demo.\nKontakt z IOD: iod@demo.test.",
        privacy_url="https://demo.test/rodo",
    )
    for path in ("/s/demo", "/s/demo/dziekujemy"):
        html = client.get(path).text
        assert (
            '<a href="https://demo.test/deklaracja-dostepnosci">Deklaracja dostępności</a>' in html
        )
        assert "ul. Rynek 1, 64-100 Demo" in html
        assert '<a href="tel:651234567">65 123 45 67</a>' in html
        assert '<a href="mailto:urzad@demo.test">urzad@demo.test</a>' in html
        assert "<summary>Klauzula informacyjna (ochrona danych osobowych)</summary>" in html
        assert "Administratorem danych jest Burmistrz Miasta Demo." in html
        assert '<a href="https://demo.test/rodo">Pełna treść klauzuli informacyjnej</a>' in html
        assert '<link rel="icon" href="/s/static/favicon.svg" type="image/svg+xml">' in html


def test_the_information_clause_is_escaped(client):
    short_office(info_clause='<script>alert("x")</script>')
    html = client.get("/s/demo").text
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


def test_the_favicon_is_a_small_svg(client):
    response = client.get("/s/static/favicon.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert len(response.data) < 1024 and b"<script" not in response.data


@pytest.mark.parametrize(
    ("text", "hint"),
    [("Co jest najważniejsze? (najwyżej 2)", False), ("Co jest najważniejsze?", True)],
)
def test_the_limit_of_picks_is_said_once(client, text, hint):
    office = short_office()
    options = [{"key": k, "texts": {"pl": k}} for k in ("a", "b", "c")]
    create_version(
        office,
        add=(
            {
                "key": "important",
                "type": "multi",
                "max_picks": 2,
                "texts": {"pl": text},
                "options": options,
            },
        ),
    )
    page = first_page(client, rating="4")
    assert text in page.text
    assert ("Można zaznaczyć najwyżej 2." in page.text) is hint


PAGE_TWO_BAD_INPUT = [
    ({"department": "nope"}, 400, "Tego wydziału nie ma na liście"),
    ({"resolved": "perhaps"}, 400, "nie ma na liście"),
    ({"service_waiting": "7"}, 400, "prosimy wybrać jedną z pięciu ocen"),
    ({"service_waiting": "bardzo"}, 400, "Prosimy wybrać ocenę od 1 do 5"),
    ({"comment": "zły\x00znak"}, 400, "znaki sterujące"),
    ({"comment": "x" * 70_000}, 413, "Formularz jest za duży"),
    ({"website": "http://spam.example"}, 400, "wysłane automatycznie"),
]


@pytest.mark.parametrize(
    ("answers", "status", "message"),
    PAGE_TWO_BAD_INPUT,
    ids=[
        "unknown-department",
        "unknown-option",
        "rating-7",
        "rating-word",
        "control-char",
        "oversized",
        "honeypot",
    ],
)
def test_bad_page_two_is_refused_with_a_page_and_the_rating_kept(client, answers, status, message):
    short_office()
    page = first_page(client, rating="4")
    response = second_page(client, page, answers)
    assert response.status_code == status and response.mimetype == "text/html"
    assert message in response.text
    [stored_response] = stored()
    assert stored_response["answers"] == {"overall": 4} and stored_response["completed"] is False


def test_page_two_cannot_change_the_rating_or_unlock_the_follow_up(client):
    short_office()
    page = first_page(client, rating="4")
    response = second_page(
        client, page, {"overall": "1", "what_wrong": ["inne"], "resolved": "tak"}
    )
    assert response.status_code == 303
    assert stored()[0]["answers"] == {"overall": 4, "resolved": "tak"}


def test_the_default_survey_opens_with_its_overall_rating_alone_and_asks_the_rest_after(client):
    from tests.factories import create_office

    create_office()  # the seeded default survey
    html = client.get("/s/demo").text
    assert legends(html) == ["Jak ogólnie ocenia Pan/Pani obsługę w Urzędzie? (wymagane)"]
    low = first_page(client, rating="1")
    high = first_page(client, rating="5")
    assert (low.status_code, high.status_code) == (201, 201)
    assert "Co poszło nie tak?" in low.text and "Co poszło nie tak?" not in high.text
    for page in (low, high):
        assert "W którym wydziale załatwiana była sprawa?" in page.text
        assert "Co należałoby poprawić?" in page.text
    done = second_page(client, low, {"department": "usc", "what_went_wrong": ["czas", "inne"]})
    assert done.status_code == 303
    answers = {r["answers"]["overall"]: r for r in stored()}
    assert answers[1]["completed"] is True and answers[5]["completed"] is False
    assert answers[1]["answers"] == {
        "overall": 1,
        "department": "usc",
        "what_went_wrong": ["czas", "inne"],
    }
