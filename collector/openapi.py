"""The OpenAPI 3 description of the public API, generated from the marshmallow schemas."""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from .models import LANGUAGES
from .schemas import (
    ErrorSchema,
    ResponseSchema,
    ResultsSchema,
    StoredSchema,
    SurveyDocumentSchema,
)

# A revalidation of a cached answer: both GETs answer 304 when it names the current ETag.
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
}


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


UPDATE_SEMANTICS = """\
The client's UUID (`id`) is the response's key. The first POST stores it (`201 created`). A later
POST with the same id:

- the same content, at any time: `200 duplicate`, nothing changes;
- to the same office and survey version, through the same channel, within 60 minutes of the first
  POST: `200 updated`, the response and all its answers replaced atomically by this body's answers;
  the response keeps the first POST's time (it counts from the resident's first click);
- otherwise `409`: `update_other_office`, `update_other_version`, `update_window_closed`,
  `conflict` (another channel, or a paper entry).

An update may add answers and change them, but not drop one already stored (`409
update_drops_answer`, the questions in `field_codes` as `answer_dropped`) — except the answer to a
conditional question (`show_if`) whose condition this change made false: that answer must go (an
answer to a question whose condition is false is refused, `400`, `condition_not_met`).

`completed`: whether the resident reached the end. Absent means `true` (a client posting the whole
form at once is counted as complete). With `false`, required questions are not enforced yet (the
one-click overall rating); every answer given is checked all the same. Once `true`, a response
stays complete: a later `false` does not undo it.
"""


RESULTS_PERIOD_PATTERN = r"^([0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2}/[0-9]{4}-[0-9]{2}-[0-9]{2})$"
RESULTS_DESCRIPTION = """\
Open data: the aggregates of one archived yearly report of an office that publishes its results
(never a response, never a comment). The same document is served at `/wyniki/{slug}/dane.json`,
its rows as CSV at `/wyniki/{slug}/dane.csv` (README, "Open data"). The figures are the
archive's: `report.data_sha256` is the SHA-256 the archive records for the report's data. Every
row counts at least 5 answers: smaller cells are left out. Licence: `licence` (CC BY 4.0).
"""


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
    spec.components.schema("Results", schema=ResultsSchema)

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
                        "name": "Origin",
                        "in": "header",
                        "required": False,
                        "schema": {"type": "string"},
                        "description": "The asking page's origin: the document then says "
                        "`origin_allowed`.",
                    },
                    IF_NONE_MATCH,
                ],
                "responses": {
                    "200": {
                        "description": "The survey; `ETag`, `Cache-Control: public, max-age=300`, "
                        "`Vary: Origin`.",
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
                "summary": "Submit one response, or update it by its id",
                "description": UPDATE_SEMANTICS,
                "parameters": [SLUG, ORIGIN],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": "Response"},
                        "text/plain": {"schema": "Response"},
                    },
                },
                "responses": {
                    "201": {"description": "Stored: `status` is `created`.", **stored},
                    "200": {
                        "description": "This id was stored already: `status` is `duplicate` (the "
                        "same content again, nothing changed) or `updated` (replaced by this body).",
                        **stored,
                    },
                    "400": _error(
                        "Malformed or refused response; `fields` name each question's problem."
                    ),
                    "403": _error(
                        "Origin missing (`origin_missing`) or not allowed for this office "
                        "(`origin_not_allowed`; a refused web origin is counted for the office and "
                        "day, the origin only)."
                    ),
                    "404": _error("Unknown office."),
                    "409": _error(
                        "This id was stored and this body may not update it; `error` says why: "
                        "`update_window_closed` (over 60 minutes after the first POST), "
                        "`update_other_office`, `update_other_version`, `update_drops_answer` "
                        "(`field_codes` name the dropped answers as `answer_dropped`), `conflict` "
                        "(another channel, or a paper entry)."
                    ),
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
                    "403": _error(
                        "Origin missing or not allowed (a refused web origin is counted for the "
                        "office and day, the origin only)."
                    ),
                    "404": _error("Unknown office."),
                },
            },
        },
    )
    spec.path(
        path="/offices/{slug}/results",
        operations={
            "get": {
                "operationId": "get_results",
                "summary": "The office's published results: the aggregates of a yearly report",
                "description": RESULTS_DESCRIPTION,
                "parameters": [
                    SLUG,
                    {
                        "name": "period",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "pattern": RESULTS_PERIOD_PATTERN},
                        "description": "`YYYY`: the yearly report whose period ends in that year; "
                        "`YYYY-MM-DD/YYYY-MM-DD`: the one of exactly that period; absent: the "
                        "latest.",
                        "examples": {
                            "year": {"value": "2025"},
                            "period": {"value": "2025-01-01/2025-12-31"},
                        },
                    },
                    IF_NONE_MATCH,
                ],
                "responses": {
                    "200": {
                        "description": "The aggregates; `ETag` (strong), `Cache-Control: public, "
                        "max-age=3600`, `Access-Control-Allow-Origin: *`, `Link: <licence>; "
                        'rel="license"`.',
                        "headers": {
                            "ETag": {"schema": {"type": "string"}, "required": True},
                            "Cache-Control": {"schema": {"type": "string"}, "required": True},
                        },
                        "content": {"application/json": {"schema": "Results"}},
                    },
                    "304": {"description": "Unchanged since the ETag given in If-None-Match."},
                    "400": _error(
                        "`period` malformed (`invalid_period`) or outside 2000 to a year from "
                        "today (`period_out_of_range`)."
                    ),
                    "404": _error(
                        "Unknown office (`office_not_found`), an office that does not publish its "
                        "results (`results_not_published`), or no yearly report for the period "
                        "(`report_not_found`)."
                    ),
                },
            }
        },
    )
    return spec.to_dict()
