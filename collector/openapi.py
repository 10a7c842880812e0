"""The OpenAPI 3 description of the public API, generated from the marshmallow schemas."""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from .models import LANGUAGES
from .schemas import ErrorSchema, ResponseSchema, StoredSchema, SurveyDocumentSchema


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": "Error"}}}


SLUG = {
    "name": "slug",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "The office's slug, e.g. `leszno`.",
}
ORIGIN = {
    "name": "Origin",
    "in": "header",
    "required": True,
    "schema": {"type": "string"},
    "description": "Must be one of the office's allowed origins or the collector's own.",
}


def build_openapi() -> dict[str, Any]:
    """Return the OpenAPI document as a dict."""
    spec = APISpec(
        title="Oceń Urząd — public API",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={
            "description": "Anonymous customer-satisfaction surveys of city offices. Every error is JSON "
            "with a Polish `message`, an English `message_en` and a Ukrainian `message_uk`."
        },
        servers=[{"url": "/api/v1"}],
    )
    spec.components.schema("Response", schema=ResponseSchema)
    spec.components.schema("Survey", schema=SurveyDocumentSchema)
    spec.components.schema("Stored", schema=StoredSchema)
    spec.components.schema("Error", schema=ErrorSchema)

    spec.path(
        path="/offices/{slug}/survey",
        operations={
            "get": {
                "operationId": "get_survey",
                "summary": "The office's published survey in one language",
                "parameters": [
                    SLUG,
                    {
                        "name": "lang",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": list(LANGUAGES), "default": "pl"},
                    },
                    {
                        "name": "If-None-Match",
                        "in": "header",
                        "required": False,
                        "schema": {"type": "string"},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "The survey; `ETag`, `Cache-Control: public, max-age=300`.",
                        "content": {"application/json": {"schema": "Survey"}},
                    },
                    "304": {"description": "Unchanged since the ETag given in If-None-Match."},
                    "400": _error("Unknown language."),
                    "404": _error("Unknown office, or no published survey."),
                },
            }
        },
    )
    stored = {"content": {"application/json": {"schema": "Stored"}}}
    spec.path(
        path="/offices/{slug}/responses",
        operations={
            "post": {
                "operationId": "submit_response",
                "summary": "Submit one response (idempotent on its id)",
                "parameters": [SLUG, ORIGIN],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": "Response"},
                        "text/plain": {"schema": "Response"},
                    },
                },
                "responses": {
                    "201": {"description": "Stored.", **stored},
                    "200": {"description": "Already stored with the same content.", **stored},
                    "400": _error(
                        "Malformed or refused response; `fields` name each question's problem."
                    ),
                    "403": _error("Origin missing or not allowed for this office."),
                    "404": _error("Unknown office."),
                    "409": _error("This id was stored with other content."),
                    "413": _error("Body over 16 KB."),
                    "415": _error("Not application/json or text/plain."),
                    "429": _error("Too many responses from this address."),
                    "503": _error("Not stored; try again."),
                },
            },
            "options": {
                "operationId": "preflight_response",
                "summary": "CORS preflight",
                "parameters": [SLUG, ORIGIN],
                "responses": {
                    "204": {"description": "Allowed origin."},
                    "403": _error("Origin not allowed."),
                },
            },
        },
    )
    return spec.to_dict()
