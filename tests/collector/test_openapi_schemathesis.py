"""The served OpenAPI document says what the API does: a bounded schemathesis run against it.

Schemathesis generates requests from the document served at /api/v1/openapi.json (valid and
invalid bodies, parameters and headers), sends them to the real app and checks every answer: no
server error, a status the document lists for the operation, the content type and body schema it
documents, and the headers it promises. The run is bounded (a fixed number of cases per operation,
derandomized, so it is the same run every time) and prints the number of cases it ran.
"""

from __future__ import annotations

from datetime import date

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from collector.extensions import db
from reports import archive_report
from reports.periods import local_today
from tests.factories import create_office

ORIGIN = "https://www.leszno.pl"
CASES_PER_OPERATION = 150


def test_every_answer_is_the_one_the_document_describes(app, record_property):
    office = create_office(slug="demo", origins=[ORIGIN], publish_results=True)
    year = local_today().year - 1  # a published yearly report, so the results are served too
    archive_report(
        db.session,
        office,
        period_start=date(year, 1, 1),
        period_end=date(year, 12, 31),
        reason="periodic",
        author=None,
    )
    db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    ran: dict[str, int] = {}
    statuses: set[tuple[str, int]] = set()
    for result in schema.get_all_operations():
        run_operation(result.ok(), ran, statuses)
    print("schemathesis cases per operation:", ran, "total:", sum(ran.values()))
    # shown at the end of `make test` (tests/conftest.py, pytest_terminal_summary)
    record_property("schemathesis_cases", sum(ran.values()))
    record_property("schemathesis_operations", len(ran))
    # survey, responses, the preflight and the results, each run
    assert len(ran) >= 4 and all(ran.values())
    # The results were served, not only refused: the 200's body was checked against its schema.
    assert ("GET /offices/{slug}/results", 200) in statuses


def run_operation(operation, ran: dict[str, int], statuses: set[tuple[str, int]]) -> None:
    """Send the operation's generated cases; each answer must be the one the document describes."""
    label = operation.label
    ran[label] = 0

    @settings(
        max_examples=CASES_PER_OPERATION,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def check(case):
        # Three cases in four go to the office that exists, from an allowed page; the rest keep
        # what was generated (unknown offices, no Origin), which the document describes too.
        if "slug" in (case.path_parameters or {}) and ran[label] % 4:
            case.path_parameters["slug"] = "demo"
            case.headers = {**(case.headers or {}), "Origin": ORIGIN}
        ran[label] += 1
        response = case.call()
        statuses.add((label, response.status_code))
        assert response.status_code < 500, (label, response.status_code, response.text[:300])
        # Every check but one: "a schema-valid body is accepted" cannot hold for a survey, whose
        # answers are checked against the office's published version (its keys, options and
        # required questions are data, not schema); the document lists those 400s and 409s with
        # their codes, and the answers' shape is checked by the other checks.
        case.validate_response(response, excluded_checks=[positive_data_acceptance])

    check()
