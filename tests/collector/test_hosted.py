"""The hosted survey page /s/<slug>: server-rendered, works without JavaScript, same rules as the API."""

from __future__ import annotations

import re
import time
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from collector import hosted
from collector.extensions import db
from collector.models import Answer, Response, utcnow
from tests.factories import count, create_office

VALID = {
    "department": "usc",
    "overall": "2",
    "service_politeness": "5",
    "service_waiting": "na",
    "what_went_wrong": ["czas", "informacja"],
    "comment": "Długo czekałem.\r\nAle miło.",
}


def form_fields(html: str) -> dict[str, str]:
    """Return the hidden fields of the rendered form."""
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))


def aged_form(client, path: str = "/s/demo", seconds: float = 60) -> dict[str, str]:
    """Load the form and return its hidden fields as if it had been open for ``seconds``."""
    fields = form_fields(client.get(path).text)
    data = hosted.read_token(fields["token"])
    data["t"] -= int(seconds * 1000)
    fields["token"] = hosted.get_serializer().dumps(data)
    return fields


def post(client, fields: dict, answers: dict, path: str = "/s/demo"):
    return client.post(path, data={**fields, "website": "", **answers})


def test_form_has_a_fieldset_and_legend_per_question_and_the_information_clause(client):
    create_office(privacy_url="https://demo.test/klauzula")
    response = client.get("/s/demo")
    assert response.status_code == 200
    html = response.text
    assert '<html lang="pl">' in html
    assert html.count("<fieldset") == html.count("<legend") == 11  # 10 questions + 1 rating grid
    assert (
        "Jak ocenia Pan/Pani poszczególne elementy obsługi?" in html
        and "bardzo dobrze" in html
        and "Nie dotyczy" in html
    )
    assert "Prosimy nie podawać danych osobowych." in html
    assert 'href="https://demo.test/klauzula"' in html
    # Works without JavaScript; its one script, our own file, only adds a character counter.
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/s/static/counter.js" defer>']
    assert "script-src 'self';" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("query", "title", "na"),
    [
        ("?lang=en", "Customer satisfaction survey", "Not applicable"),
        ("?lang=uk", "Опитування задоволеності клієнтів", "Не стосується"),
        ("?lang=xx", "Badanie satysfakcji klienta", "Nie dotyczy"),
    ],
)
def test_language(client, query, title, na):
    create_office()
    html = client.get("/s/demo" + query).text
    assert title in html and na in html


def test_department_from_the_qr_link_is_preselected(client):
    create_office()
    html = client.get("/s/demo?department=usc&src=qr").text
    assert re.search(r'value="usc" checked', html)
    assert html.count("checked") == 1
    assert 'action="/s/demo?lang=pl&amp;src=qr"' in html


def test_unknown_department_preselects_nothing(client):
    create_office()
    assert "checked" not in client.get("/s/demo?department=nope").text


@pytest.mark.parametrize("path", ["/s/nope", "/s/nope/dziekujemy", "/s/%3Cscript%3E"])
def test_unknown_office_is_a_human_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Nie znaleziono ankiety" in response.text


def test_valid_answers_are_stored_and_the_visitor_is_redirected_to_thanks(client):
    create_office()
    response = post(client, aged_form(client), VALID)
    assert response.status_code == 303
    assert response.headers["Location"] == "/s/demo/dziekujemy?lang=pl"
    thanks = client.get(response.headers["Location"])
    assert "Dziękujemy!" in thanks.text
    stored = db.session.scalars(sa.select(Response)).one()
    assert (stored.channel, stored.lang, stored.department_key) == ("page", "pl", "usc")
    rows = {
        (a.question_key, a.value, a.option_key, a.text)
        for a in db.session.scalars(sa.select(Answer))
    }
    assert rows == {
        ("department", None, "usc", None),
        ("overall", 2, None, None),
        ("service_politeness", 5, None, None),
        ("service_waiting", None, "na", None),
        ("what_went_wrong", None, "czas", None),
        ("what_went_wrong", None, "informacja", None),
        ("comment", None, None, "Długo czekałem.\nAle miło."),
    }


def test_qr_visit_is_stored_with_channel_qr(client):
    create_office()
    post(client, aged_form(client, "/s/demo?src=qr&department=usc"), VALID, path="/s/demo?src=qr")
    assert db.session.scalars(sa.select(Response)).one().channel == "qr"


def test_posting_the_same_form_twice_stores_one_response(client):
    create_office()
    fields = aged_form(client)
    assert post(client, fields, VALID).status_code == 303
    assert post(client, fields, VALID).status_code == 303
    assert count(Response) == 1


def test_same_form_with_other_answers_updates_the_response(client):
    # The same form id within 60 minutes is an update of that response (collector.storage).
    create_office()
    fields = aged_form(client)
    post(client, fields, VALID)
    response = post(client, fields, {**VALID, "overall": "1"})
    assert response.status_code == 303
    assert count(Response) == 1
    assert db.session.scalar(sa.select(Answer.value).where(Answer.question_key == "overall")) == 1


def test_same_form_with_other_answers_after_an_hour_is_refused(client):
    create_office()
    fields = aged_form(client)
    post(client, fields, VALID)
    db.session.execute(sa.update(Response).values(submitted_at=utcnow() - timedelta(minutes=61)))
    db.session.commit()
    response = post(client, fields, {**VALID, "overall": "1"})
    assert response.status_code == 409
    assert "została już wysłana" in response.text
    assert count(Response) == 1


def test_errors_are_shown_next_to_each_question_and_in_a_linked_summary(client):
    create_office()
    response = post(client, aged_form(client), {"comment": "Zostaje", "what_went_wrong": ["czas"]})
    assert response.status_code == 400
    html = response.text
    assert "<title>Błędy (2)" in html
    for key in ("department", "overall"):
        assert f'<fieldset id="q-{key}" class="q invalid" aria-describedby="e-{key}">' in html
        assert f'<a href="#q-{key}">' in html
    assert (
        'id="e-overall"><span class="sr">Błąd:</span> To pytanie jest obowiązkowe — wybierz ocenę od 1 do 5.'
        in html
    )
    assert ">Zostaje</textarea>" in html and 'value="czas" checked' in html  # answers kept
    assert count(Response) == 0


def test_errors_in_ukrainian(client):
    create_office()
    response = post(
        client, aged_form(client, "/s/demo?lang=uk"), {"overall": "3"}, path="/s/demo?lang=uk"
    )
    assert response.status_code == 400
    assert "Оберіть відділ, у якому вирішували справу" in response.text


TOO_LONG = "x" * 2001


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"token": "forged"}, 400, "Formularz był otwarty zbyt długo albo został zmieniony"),
        ({"token": ""}, 400, "Formularz był otwarty zbyt długo albo został zmieniony"),
        ({"id": str(uuid.uuid4())}, 400, "Formularz był otwarty zbyt długo albo został zmieniony"),
        ({"website": "http://spam.example"}, 400, "wysłane automatycznie"),
        ({"overall": "7"}, 400, "wybierz jedną z pięciu ocen"),
        ({"overall": "bardzo"}, 400, "Wybierz ocenę od 1 do 5"),
        ({"overall": "na"}, 400, "nie można wybrać „Nie dotyczy”"),
        ({"department": "nope"}, 400, "Tego wydziału nie ma na liście"),
        ({"resolved": "perhaps"}, 400, "nie ma na liście"),
        (
            {"overall": "4", "what_went_wrong": ["czas"]},
            400,
            "To pytanie nie dotyczy udzielonej odpowiedzi",
        ),
        ({"comment": TOO_LONG}, 400, "skróć go do 2000 znaków"),
        ({"comment": "zły\x00znak"}, 400, "znaki sterujące"),
        ({"comment": "x" * 70_000}, 413, "Formularz jest za duży"),
    ],
    ids=[
        "forged-token",
        "no-token",
        "other-id",
        "honeypot",
        "rating-7",
        "rating-word",
        "na-not-allowed",
        "unknown-department",
        "unknown-option",
        "follow-up-while-hidden",
        "too-long",
        "control-char",
        "oversized",
    ],
)
def test_bad_input_is_refused_with_a_clear_page_and_nothing_stored(client, change, status, message):
    create_office()
    fields = aged_form(client)
    data = {**fields, "website": "", **VALID}
    data.update(change)
    response = client.post("/s/demo", data=data)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert message in response.text
    db.session.rollback()
    assert count(Response) == 0 and count(Answer) == 0


def test_too_fast_is_refused(client):
    create_office()
    fields = form_fields(client.get("/s/demo").text)  # posted at once, as a bot would
    response = post(client, fields, VALID)
    assert response.status_code == 400
    assert "zbyt szybko" in response.text
    assert count(Response) == 0


def test_expired_token_keeps_the_answers(client, monkeypatch):
    create_office()
    fields = form_fields(client.get("/s/demo").text)
    data = hosted.read_token(fields["token"])
    with monkeypatch.context() as patch:
        # Signed a day and a minute ago: itsdangerous reads the clock through time.time.
        patch.setattr(time, "time", lambda: data["t"] / 1000 - hosted.TOKEN_MAX_AGE - 60)
        fields["token"] = hosted.get_serializer().dumps(data)
    response = post(client, fields, {"comment": "Zostaje"})
    assert response.status_code == 400
    assert "Formularz był otwarty zbyt długo" in response.text
    assert ">Zostaje</textarea>" in response.text
    assert count(Response) == 0


def test_rate_limited_posts_get_a_human_429(database_url):
    from tests.conftest import clear_database, make_app

    app = make_app(database_url, RATELIMIT_ENABLED=True, RESPONSES_RATE_LIMIT="1 per minute")
    try:
        with app.app_context():
            create_office()
            client = app.test_client()
            assert client.post("/s/demo", data={}).status_code == 400
            response = client.post("/s/demo", data={})
            assert response.status_code == 429
            assert response.mimetype == "text/html"
            assert "Za dużo zgłoszeń" in response.text
    finally:
        clear_database(app)


def test_the_page_says_try_again_later_in_polish_while_the_database_is_down(client, monkeypatch):
    create_office()

    def fail(*args, **kwargs):
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(hosted, "get_office", fail)
    down = client.get("/s/demo")
    monkeypatch.undo()
    back = client.get("/s/demo")

    assert down.status_code == 503 and down.mimetype == "text/html"
    assert down.headers["Retry-After"] == "5"
    assert "Ankieta jest chwilowo niedostępna" in down.get_data(as_text=True)
    assert back.status_code == 200  # no restart needed
