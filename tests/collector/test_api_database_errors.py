"""When the database does not answer, the API says "try again later" (503 JSON), never 500."""

import pytest
import sqlalchemy as sa

from collector import api
from collector.models import Answer, Response
from tests.factories import count, create_office, post_response, valid_payload


@pytest.mark.parametrize(
    "error",
    [
        sa.exc.OperationalError("SELECT 1", {}, Exception("database is locked")),
        sa.exc.TimeoutError("QueuePool limit of size 5 overflow 10 reached"),
    ],
    ids=["database-locked", "pool-exhausted"],
)
def test_database_failure_before_storing_answers_503_json_and_stores_nothing(
    client, monkeypatch, error
):
    office = create_office()
    payload = valid_payload(office)

    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(api, "get_office_context", fail)
    response = post_response(client, payload=payload)
    assert response.status_code == 503
    body = response.get_json()
    assert body["error"] == "unavailable"
    assert body["message"] and body["message_en"]
    assert response.headers["Retry-After"] == "5"
    assert count(Response) == 0 and count(Answer) == 0
