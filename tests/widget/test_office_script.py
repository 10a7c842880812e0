"""/o/<slug>.js: the widget with the office's settings from the panel (issue 10, "the banner follows the panel")."""

from __future__ import annotations

import gzip
import json
import re

import brotli
import pytest

from collector.extensions import db
from collector.models import Office
from tests import factories

CODE = b"(()=>{window.OcenUrzad={open(){},close(){}}})();\n" * 40


@pytest.fixture
def app_config(tmp_path) -> dict:
    (tmp_path / "widget.js").write_bytes(CODE)
    (tmp_path / "manifest.json").write_text(
        json.dumps({"file": "widget.js", "hash": "x", "bytes": len(CODE)})
    )
    return {"WIDGET_DIST": str(tmp_path)}


@pytest.fixture
def office(app):
    with app.app_context():
        factories.create_office("leszno", "Urząd Miasta Leszna", origins=("https://leszno.pl",))
        db.session.remove()


def settings(body: bytes) -> dict:
    """Return the settings declared in front of the bundle, checking the script's shape."""
    match = re.fullmatch(rb"\{const __OCEN_CFG__=(\{.*?\});\n(.*)\}\n", body, re.S)
    assert match, body[:200]
    assert match.group(2) == CODE
    return json.loads(match.group(1))


def change_office(app, **fields) -> None:
    with app.app_context():
        office = db.session.query(Office).filter_by(slug="leszno").one()
        for name, value in fields.items():
            setattr(office, name, value)
        db.session.commit()
        db.session.remove()


def test_the_script_carries_the_offices_look_and_languages(client, office):
    response = client.get("/o/leszno.js")

    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Accept-Encoding" in response.vary
    assert settings(response.data) == {
        "office": "leszno",
        "color": "#0b5cab",
        "position": "bottom-right",
        "languages": ["pl", "en", "uk"],
    }


def test_a_change_in_the_panel_changes_the_script_and_its_etag(app, client, office):
    first = client.get("/o/leszno.js")
    assert (
        client.get("/o/leszno.js", headers={"If-None-Match": first.headers["ETag"]}).status_code
        == 304
    )

    change_office(
        app,
        look_color="#8a1538",
        look_label="Jak nas oceniasz? </script>",
        look_position="bottom-left",
        languages=["pl", "en"],
    )
    second = client.get("/o/leszno.js", headers={"If-None-Match": first.headers["ETag"]})

    assert second.status_code == 200
    assert second.headers["ETag"] != first.headers["ETag"]
    assert b"</script>" not in second.data  # "<" is escaped in the JSON
    assert settings(second.data) == {
        "office": "leszno",
        "color": "#8a1538",
        "position": "bottom-left",
        "languages": ["pl", "en"],
        "label": "Jak nas oceniasz? </script>",
    }
    again = client.get("/o/leszno.js", headers={"If-None-Match": second.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_the_invitation_travels_only_when_the_office_turned_it_on(app, client, office):
    assert "invite" not in settings(client.get("/o/leszno.js").data)

    change_office(
        app,
        invite_enabled=True,
        invite_delay_seconds=20,
        invite_paths=["/sprawy/*", "/kontakt"],
        invite_sample_percent=25,
        invite_snooze_days=30,
    )

    invite = settings(client.get("/o/leszno.js").data)["invite"]
    texts = invite.pop("texts")
    assert invite == {"delay": 20, "paths": ["/sprawy/*", "/kontakt"], "sample": 25, "snooze": 30}
    assert set(texts) == {"pl", "en", "uk"}
    assert texts["pl"]["yes"] == "Chętnie ocenię" and texts["uk"]["no"] == "Ні, дякую"


@pytest.mark.parametrize(
    ("accept", "encoding", "decode"),
    [("gzip, br", "br", brotli.decompress), ("gzip", "gzip", gzip.decompress)],
)
def test_compressed_like_widget_js(client, office, accept, encoding, decode):
    response = client.get("/o/leszno.js", headers={"Accept-Encoding": accept})

    assert response.headers["Content-Encoding"] == encoding
    assert settings(decode(response.data))["office"] == "leszno"
    assert response.headers["ETag"].strip('"').endswith("-" + encoding)


@pytest.mark.parametrize(
    "slug",
    [
        "nieznany",
        "LESZNO",
        "leszno%00",
        "a" * 200,
        "..%2f..%2fetc",
        "<script>alert(1)<%2fscript>",
        "-x",
    ],
)
def test_an_unknown_office_is_a_javascript_comment_404_never_html(client, office, slug):
    response = client.get(f"/o/{slug}.js")

    assert response.status_code == 404
    assert response.mimetype == "text/javascript"
    body = response.get_data(as_text=True)
    assert re.fullmatch(r"/\* [^*]* \*/\n", body), body
    assert "<" not in body


def test_the_script_says_how_to_build_when_the_bundle_is_missing(app, client, office, tmp_path):
    (tmp_path / "manifest.json").unlink()
    app.extensions["widget"]["bundle"] = None

    response = client.get("/o/leszno.js")

    assert response.status_code == 503
    assert "npm run build" in response.get_data(as_text=True)
