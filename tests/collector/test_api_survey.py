"""GET /api/v1/offices/<slug>/survey: the published survey, cached by ETag."""

from __future__ import annotations

import pytest

from collector.extensions import db
from collector.schemas import SurveyDocumentSchema
from tests.factories import create_office, create_version

URL = "/api/v1/offices/demo/survey"


def test_the_survey_is_the_published_version_in_polish_by_default(client):
    create_office(privacy_url="https://demo.test/klauzula")

    response = client.get(URL)

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "Urząd Miasta Demo" in response.get_data(as_text=True)  # UTF-8 as is, not \\u escapes
    survey = response.get_json()
    assert SurveyDocumentSchema().validate(survey) == {}
    assert survey["office"]["name"] == "Urząd Miasta Demo"
    assert survey["office"]["privacy_url"] == "https://demo.test/klauzula"
    assert survey["office"]["look"]["label"] == "Oceń Urząd"
    assert (survey["version"], survey["lang"], survey["title"]) == (
        1,
        "pl",
        "Badanie satysfakcji klienta",
    )
    questions = {q["key"]: q for q in survey["questions"]}
    assert questions["department"]["required"] is True
    assert questions["department"]["options"][-1] == {"key": "other", "text": "Inny / nie wiem"}
    assert survey["questions"][0]["key"] == "overall"  # one click counts: the overall rating first
    assert questions["service_politeness"]["group_text"] == (
        "Jak ocenia Pan/Pani poszczególne elementy obsługi?"
    )
    assert questions["service_politeness"]["scale"][0] == "bardzo słabo"
    assert questions["what_went_wrong"]["max"] == 7
    assert questions["what_went_wrong"]["show_if"] == {"question": "overall", "min": 1, "max": 2}
    assert "show_if" not in questions["comment"]
    assert questions["comment"]["max_length"] == 2000


@pytest.mark.parametrize(
    ("lang", "title"),
    [("en", "Customer satisfaction survey"), ("uk", "Опитування задоволеності клієнтів")],
)
def test_the_survey_comes_in_english_and_ukrainian(client, lang, title):
    create_office()

    survey = client.get(URL, query_string={"lang": lang}).get_json()

    assert (survey["lang"], survey["title"]) == (lang, title)


def test_the_survey_can_be_cached_and_is_answered_304_when_unchanged(client):
    create_office()
    first = client.get(URL)
    etag = first.headers["ETag"]

    again = client.get(URL, headers={"If-None-Match": etag})

    assert first.headers["Cache-Control"] == "public, max-age=300"
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == "public, max-age=300"
    assert client.get(URL, headers={"If-None-Match": '"something-else"'}).status_code == 200
    assert client.get(URL, query_string={"lang": "en"}).headers["ETag"] != etag


def test_the_etag_changes_when_the_survey_does(client):
    office = create_office()
    etag = client.get(URL).headers["ETag"]

    create_version(office)
    after_publish = client.get(URL, headers={"If-None-Match": etag})
    office.name = "Urząd Miasta Demo — Ratusz"
    db.session.commit()
    after_rename = client.get(URL, headers={"If-None-Match": after_publish.headers["ETag"]})

    assert after_publish.status_code == 200
    assert after_publish.get_json()["version"] == 2
    assert after_rename.status_code == 200
    assert after_rename.get_json()["office"]["name"] == "Urząd Miasta Demo — Ratusz"


def test_anyone_may_read_the_public_survey_across_origins(client):
    create_office()

    response = client.get(URL, headers={"Origin": "https://any-site.example"})

    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    ("path", "status", "code", "polish"),
    [
        ("/api/v1/offices/nieznany/survey", 404, "office_not_found", "Nie znaleziono urzędu"),
        (URL + "?lang=de", 400, "invalid_lang", "pl, en albo uk"),
        (URL + "?lang=", 400, "invalid_lang", "pl, en albo uk"),
    ],
)
def test_bad_survey_requests_are_answered_in_json(client, path, status, code, polish):
    create_office()

    response = client.get(path)

    assert response.status_code == status
    assert response.get_json()["error"] == code
    assert polish in response.get_json()["message"]


def test_an_office_without_a_published_survey_says_so(client):
    office = create_office()
    version = office.surveys[0].versions[0]
    version.status = "retired"
    db.session.commit()

    response = client.get(URL)

    assert response.status_code == 404
    assert response.get_json()["error"] == "survey_not_published"


@pytest.mark.parametrize(
    ("lang", "submit", "too_many"),
    [
        ("pl", "Wyślij odpowiedzi", "Zaznacz najwyżej {max} odpowiedzi."),
        ("en", "Send answers", "Tick at most {max} answers."),
        ("uk", "Надіслати відповіді", "Позначте не більше {max} відповідей."),
    ],
)
def test_the_survey_carries_the_texts_to_show_it_in_its_language(client, lang, submit, too_many):
    create_office()

    texts = client.get(URL, query_string={"lang": lang}).get_json()["texts"]

    assert texts["form"]["submit"] == submit
    assert texts["fields"]["too_many"] == too_many  # the client fills {max} from the question
    assert texts["form"]["summary"].count("{count}") == 1
