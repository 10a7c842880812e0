"""GET /api/v1/openapi.json: a valid OpenAPI 3 description generated from the schemas."""

from __future__ import annotations

from openapi_spec_validator import validate


def test_the_openapi_document_is_valid_and_lists_the_endpoints(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    spec = response.get_json()
    validate(spec)
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) == {
        "/offices/{slug}/survey",
        "/offices/{slug}/responses",
        "/offices/{slug}/results",
    }
    post = spec["paths"]["/offices/{slug}/responses"]["post"]
    assert set(post["requestBody"]["content"]) == {"application/json", "text/plain"}
    assert {"200", "201", "400", "403", "404", "409", "413", "415", "429", "503"} <= set(
        post["responses"]
    )
    response_schema = spec["components"]["schemas"]["Response"]
    assert {
        "id",
        "version",
        "lang",
        "channel",
        "elapsed_ms",
        "website",
        "answers",
        "completed",
    } == set(response_schema["properties"])
    assert response_schema["properties"]["completed"]["default"] is True
    for code in (
        "update_window_closed",
        "update_other_office",
        "update_other_version",
        "update_drops_answer",
    ):
        assert code in post["responses"]["409"]["description"]
    assert "updated" in post["responses"]["200"]["description"]
    assert "60 minutes" in post["description"]
    stored = spec["components"]["schemas"]["Stored"]["properties"]["status"]
    assert stored["enum"] == ["created", "duplicate", "updated"]
    assert response_schema["properties"]["channel"]["enum"] == ["widget", "page", "qr", "kiosk"]
    assert set(spec["components"]["schemas"]["Error"]["properties"]) == {
        "error",
        "message",
        "message_en",
        "message_uk",
        "fields",
        "fields_en",
        "fields_uk",
        "field_codes",
    }


def test_the_results_endpoint_and_its_schema_are_described(client):
    spec = client.get("/api/v1/openapi.json").get_json()

    get = spec["paths"]["/offices/{slug}/results"]["get"]
    assert {"200", "304", "400", "404"} == set(get["responses"])
    period = next(p for p in get["parameters"] if p["name"] == "period")
    assert period["in"] == "query" and not period["required"]
    assert {"ETag", "Cache-Control"} <= set(get["responses"]["200"]["headers"])
    for code in ("results_not_published", "report_not_found", "office_not_found"):
        assert code in get["responses"]["404"]["description"]
    schemas = spec["components"]["schemas"]
    assert set(schemas["Results"]["properties"]) == {
        "schema",
        "licence",
        "office",
        "period",
        "report",
        "min_cell",
        "responses",
        "rows",
    }
    assert set(schemas["ResultsRow"]["properties"]) == {
        "breakdown",
        "department_key",
        "department",
        "kind",
        "key",
        "label",
        "n",
        "mean",
        "satisfied_pct",
        "dissatisfied_pct",
    }
    assert {"data_sha256", "id", "figures", "figures_sha256"} <= set(
        schemas["ResultsReport"]["properties"]
    )
