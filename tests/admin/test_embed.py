"""The embed page: the script tag, origins, hosted page, and QR codes and posters per department."""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from collector.extensions import db
from collector.models import Department
from tests.admin.flowtools import login, office_with_admin, pdf_text
from tests.admin.panel import text

PUBLIC_URL = "http://collector.test"


@pytest.fixture
def office(client, app):
    office, _user = office_with_admin(
        "leszno", "Urząd Miasta Leszna", allowed_origins=["https://www.leszno.pl"]
    )
    db.session.execute(
        sa.update(Department).where(Department.key == "architektura").values(active=False)
    )
    db.session.commit()
    login(client, "admin@leszno.test")
    return office


def active_departments(office) -> list[Department]:
    return list(
        db.session.scalars(
            sa.select(Department).where(
                Department.office_id == office.id, Department.active.is_(True)
            )
        )
    )


def test_the_embed_page_shows_the_tag_origins_and_hosted_page(client, office):
    page = text(client.get("/admin/embed/"))

    field = re.search(r'<input type="text" id="embed-snippet"[^>]*readonly value="([^"]+)"', page)
    assert (
        html.unescape(field.group(1)) == f'<script src="{PUBLIC_URL}/o/leszno.js" async></script>'
    )
    assert page.index('id="embed-snippet"') < page.index('id="legacy-snippet"')
    assert re.search(r'<label for="embed-snippet">', page)
    button = re.search(
        r'<button type="button"[^>]*data-copy-target="embed-snippet"[^>]*>Kopiuj</button>',
        page,
        re.S,
    )
    assert button and 'data-copy-status="copy-status"' in button.group(0)
    assert re.search(r'<p id="copy-status" role="status"', page)
    assert "copy.js" in page
    assert "<code>https://www.leszno.pl</code>" in page
    assert f'href="{PUBLIC_URL}/s/leszno"' in page


def test_every_active_department_has_a_qr_png_svg_and_poster(client, office):
    page = text(client.get("/admin/embed/"))
    departments = active_departments(office)
    assert "Wydział Architektury" not in page  # inactive
    for department in departments:
        url = f"{PUBLIC_URL}/s/leszno?department={department.key}&src=qr"
        assert html.escape(url) in page

        png = client.get(f"/admin/embed/qr/{department.id}.png")
        assert (
            png.status_code == 200
            and png.mimetype == "image/png"
            and png.data.startswith(b"\x89PNG\r\n")
        )
        assert f"qr-leszno-{department.key}.png" in png.headers["Content-Disposition"]

        svg = client.get(f"/admin/embed/qr/{department.id}.svg")
        assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
        body = svg.get_data(as_text=True)
        assert "<svg" in body and html.escape(url) in body  # the title names the address

        poster = client.get(f"/admin/embed/poster/{department.id}.pdf")
        assert poster.status_code == 200 and poster.mimetype == "application/pdf"
        words = pdf_text(poster.data)
        assert "Oceń nas — zeskanuj kod" in words
        assert "Urząd Miasta Leszna" in words and department.name in words
        assert url in words.replace(" ", "")


def test_the_qr_codes_differ_per_department(client, office):
    first, second = active_departments(office)[:2]
    assert (
        client.get(f"/admin/embed/qr/{first.id}.png").data
        != client.get(f"/admin/embed/qr/{second.id}.png").data
    )


def test_a_reviewer_sees_the_embed_page_too(client, office):
    from tests.factories import create_user

    create_user("reviewer@leszno.test", role="reviewer", office=office)
    reviewer = client.application.test_client()
    login(reviewer, "reviewer@leszno.test")
    assert reviewer.get("/admin/embed/").status_code == 200


def test_the_new_tag_follows_the_panel_and_the_older_one_carries_the_look(client, office):
    office.look_label = 'Oceń "nas"'
    office.look_color = "#7a1f3d"
    office.look_position = "bottom-left"
    db.session.commit()
    page = text(client.get("/admin/embed/"))
    field = re.search(r'<input type="text" id="embed-snippet"[^>]*readonly value="([^"]+)"', page)
    # The per-office script reads the look from the panel: the tag stays the same.
    assert (
        html.unescape(field.group(1)) == f'<script src="{PUBLIC_URL}/o/leszno.js" async></script>'
    )
    assert "bez ponownego wklejania znacznika" in page
    legacy = re.search(r'<input type="text" id="legacy-snippet"[^>]*readonly value="([^"]+)"', page)
    assert html.unescape(legacy.group(1)) == (
        f'<script src="{PUBLIC_URL}/widget.js" data-office="leszno" data-label="Oceń &#34;nas&#34;" '
        'data-color="#7a1f3d" data-position="bottom-left" async></script>'
    )
    assert page.index(field.group(0)) < page.index(legacy.group(0))
