"""A body over the limit is refused however it is sent: with Content-Length or chunked."""

from __future__ import annotations

import io
import json
import uuid

from collector.models import Response
from tests.factories import count, create_office


def oversized_body_whose_start_is_valid_json(limit: int) -> bytes:
    """Return a body whose first ``limit`` bytes are a complete, valid response and more follows."""
    body = json.dumps(
        {
            "id": str(uuid.uuid4()),
            "version": 1,
            "lang": "pl",
            "channel": "widget",
            "elapsed_ms": 30000,
            "website": "",
            "answers": {"overall": 5, "department": "other"},
        }
    ).encode()
    return body + b" " * (limit - len(body)) + b"x" * 100


def post_chunked(client, body: bytes):
    """POST ``body`` as a server hands on a chunked request: no Content-Length, input terminated."""
    return client.post(
        "/api/v1/offices/demo/responses",
        input_stream=io.BytesIO(body),
        headers={
            "Origin": "http://demo.test",
            "Content-Type": "text/plain",
            "Transfer-Encoding": "chunked",
        },
        environ_overrides={"wsgi.input_terminated": True},
    )


def test_a_chunked_body_over_the_limit_gets_413_and_stores_nothing(app, client):
    create_office()
    limit = app.config["RESPONSE_MAX_BYTES"]
    response = post_chunked(client, oversized_body_whose_start_is_valid_json(limit))
    assert response.status_code == 413, response.get_data(as_text=True)[:300]
    assert response.get_json()["error"] == "too_large"
    assert count(Response) == 0


def test_a_chunked_body_within_the_limit_is_stored(app, client):
    create_office()
    body = oversized_body_whose_start_is_valid_json(app.config["RESPONSE_MAX_BYTES"])
    response = post_chunked(client, body.rstrip(b"x"))
    assert response.status_code == 201, response.get_data(as_text=True)[:300]
    assert count(Response) == 1
