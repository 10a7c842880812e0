"""The blueprint that serves widget.js: caching, compression, the hashed URL, a missing bundle."""

from __future__ import annotations

import gzip
import json
import logging

import brotli
import pytest

from tests.conftest import make_app

CODE = b"(()=>{window.OcenUrzad={open(){},close(){}}})();\n" * 40


@pytest.fixture
def dist(tmp_path):
    (tmp_path / "widget.js").write_bytes(CODE)
    (tmp_path / "manifest.json").write_text(
        json.dumps({"file": "widget.js", "hash": "x", "bytes": len(CODE)})
    )
    return tmp_path


@pytest.fixture
def app_config(dist) -> dict:
    return {"WIDGET_DIST": str(dist)}


def get_hash(client) -> str:
    return client.get("/widget.js").headers["ETag"].strip('"')


def test_widget_js_has_short_cache_etag_and_cross_origin_headers(client):
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert response.data == CODE
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert "Accept-Encoding" in response.vary
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["ETag"]


def test_matching_etag_answers_304_without_body(client):
    etag = client.get("/widget.js").headers["ETag"]
    response = client.get("/widget.js", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""


@pytest.mark.parametrize(
    ("accept", "encoding", "decode"),
    [
        ("gzip, deflate, br", "br", brotli.decompress),
        ("gzip", "gzip", gzip.decompress),
        ("br;q=0, gzip;q=0.8", "gzip", gzip.decompress),
        ("", None, lambda body: body),
        ("identity", None, lambda body: body),
    ],
)
def test_compression_follows_accept_encoding(client, accept, encoding, decode):
    response = client.get("/widget.js", headers={"Accept-Encoding": accept})
    assert response.headers.get("Content-Encoding") == encoding
    assert decode(response.data) == CODE
    assert len(response.data) <= len(CODE)


def test_hashed_url_is_cached_for_a_year(client):
    digest = get_hash(client)
    response = client.get(f"/widget.{digest}.js", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert gzip.decompress(response.data) == CODE
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/widget.0123456789abcdef.js", 302),  # an older release: sent to the current one
        ("/widget.nothex!.js", 404),
        ("/widget..js", 404),
        ("/widget.%3Cscript%3E.js", 404),
    ],
)
def test_unknown_hashes(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    if status == 302:
        assert response.headers["Location"].endswith("/widget.js")


def test_missing_bundle_answers_503_naming_the_build_command(
    database_url, tmp_path, caplog, monkeypatch
):
    # Alembic's fileConfig (tests/collector/test_migrations.py) disables loggers that existed before it.
    monkeypatch.setattr(logging.getLogger("widget"), "disabled", False)
    with caplog.at_level(logging.WARNING, logger="widget"):
        app = make_app(database_url, WIDGET_DIST=str(tmp_path / "nothing"))
    assert "make install" in caplog.text and "npm run build" in caplog.text
    for path in ("/widget.js", "/widget.0123456789abcdef.js"):
        response = app.test_client().get(path)
        assert response.status_code == 503
        assert "make install" in response.text and "npm ci && npm run build" in response.text
        assert response.headers["Cache-Control"] == "no-store"


def test_bundle_built_after_start_is_served_without_restart(database_url, tmp_path):
    app = make_app(database_url, WIDGET_DIST=str(tmp_path))
    assert app.test_client().get("/widget.js").status_code == 503
    (tmp_path / "widget.js").write_bytes(CODE)
    (tmp_path / "manifest.json").write_text(json.dumps({"file": "widget.js"}))
    assert app.test_client().get("/widget.js").data == CODE
