"""The embed page: the office's script tag with a copy button, its origins, the hosted page, QR posters and
the text with the link to the public results page that the office pastes into its BIP."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Response, current_app, url_for
from flask_babel import gettext as _
from markupsafe import escape

from collector.extensions import db
from collector.models import DEFAULT_LOOK, Department, Office

from .base import ALL_ROLES, PanelView, expose
from .pages import get_chosen_office, get_scoped_or_404, render_office_choice
from .printouts import build_poster_pdf, qr_code

QR_SCALE = 10  # pixels per module in the PNG: about 4 cm at 300 dpi for a short URL


def embed_snippet(office: Office) -> str:
    """Return the one tag a webmaster pastes into the office's website.

    ``/o/<slug>.js`` carries the office's look, languages and invitation from the panel, so a
    change here reaches every page within the hour (its cache) without pasting the tag again.
    """
    return f'<script src="{current_app.config["PUBLIC_URL"]}/o/{escape(office.slug)}.js" async></script>'


def legacy_snippet(office: Office) -> str:
    """Return the older ``/widget.js`` tag, with the look in ``data-`` attributes (still served).

    Its attributes override the panel's settings, so the look stays as pasted.
    """
    attributes = [
        f'src="{current_app.config["PUBLIC_URL"]}/widget.js"',
        f'data-office="{escape(office.slug)}"',
    ]
    look = {
        "label": office.look_label,
        "color": office.look_color,
        "position": office.look_position,
    }
    attributes += [
        f'data-{name}="{escape(value)}"'
        for name, value in look.items()
        if value and value != DEFAULT_LOOK[name]
    ]
    return f"<script {' '.join(attributes)} async></script>"


def hosted_url(office: Office) -> str:
    """Return the address of the office's hosted survey page."""
    return f"{current_app.config['PUBLIC_URL']}/s/{office.slug}"


def results_url(office: Office) -> str:
    """Return the address of the office's public results page (``results/``, built by path)."""
    return f"{current_app.config['PUBLIC_URL']}/wyniki/{office.slug}"


def bip_snippet(office: Office) -> str:
    """Return the short text with the link that the office pastes into its BIP (as HTML)."""
    url = escape(results_url(office))
    return (
        str(
            escape(
                _(
                    "Wyniki badania satysfakcji klientów urzędu %(office)s — ocena ogólna, jej zmiana "
                    "w czasie, wyniki wydziałów, działania naprawcze oraz raporty roczne w PDF z sumą "
                    "kontrolną SHA-256 — są dostępne na stronie:",
                    office=office.name,
                )
            )
        )
        + f' <a href="{url}">{url}</a>'
    )


def department_url(department: Department) -> str:
    """Return the address a department's QR code points at: the hosted page, department chosen, channel qr."""
    return (
        f"{hosted_url(department.office)}?{urlencode({'department': department.key, 'src': 'qr'})}"
    )


def download(body: bytes, mimetype: str, filename: str) -> Response:
    """Return a file download that the browser saves under ``filename``."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


class EmbedView(PanelView):
    """What the office needs to put the survey on its website and its walls; read-only."""

    read_roles = ALL_ROLES
    write_roles = ()

    @property
    def extra_js(self) -> list[str]:  # type: ignore[override]
        return [url_for("admin_ui.static", filename="copy.js")]

    @expose("/")
    def index_view(self) -> Any:
        office = get_chosen_office()
        if office is None:
            return render_office_choice(self, ".index_view")
        departments = db.session.scalars(
            sa.select(Department)
            .where(Department.office_id == office.id, Department.active.is_(True))
            .order_by(Department.position, Department.id)
        ).all()
        return self.render(
            "admin/ocen/embed.html",
            office=office,
            snippet=embed_snippet(office),
            legacy_snippet=legacy_snippet(office),
            hosted_url=hosted_url(office),
            results_url=results_url(office),
            bip_snippet=bip_snippet(office),
            departments=departments,
            department_url=department_url,
        )

    def department(self, department_id: int) -> Department:
        return get_scoped_or_404(Department, department_id)

    @expose("/qr/<int:department_id>.png")
    def qr_png_view(self, department_id: int) -> Any:
        department = self.department(department_id)
        out = io.BytesIO()
        qr_code(department_url(department)).save(out, kind="png", scale=QR_SCALE, border=4)
        return download(
            out.getvalue(), "image/png", f"qr-{department.office.slug}-{department.key}.png"
        )

    @expose("/qr/<int:department_id>.svg")
    def qr_svg_view(self, department_id: int) -> Any:
        department = self.department(department_id)
        out = io.BytesIO()
        url = department_url(department)
        qr_code(url).save(
            out,
            kind="svg",
            scale=QR_SCALE,
            border=4,
            xmldecl=True,
            svgns=True,
            title=_("Kod QR ankiety: %(url)s", url=url),
            svgclass=None,
            lineclass=None,
        )
        return download(
            out.getvalue(), "image/svg+xml", f"qr-{department.office.slug}-{department.key}.svg"
        )

    @expose("/poster/<int:department_id>.pdf")
    def poster_view(self, department_id: int) -> Any:
        department = self.department(department_id)
        pdf = build_poster_pdf(department.office.name, department.name, department_url(department))
        return download(
            pdf, "application/pdf", f"plakat-{department.office.slug}-{department.key}.pdf"
        )
