"""The audit log view: the office's events, filters by action, user and date; read-only."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from collector.audit import record_event
from collector.extensions import db
from collector.models import AuditEvent, utcnow
from tests.admin.panel import form_login, post, text
from tests.factories import create_office, create_user


@pytest.fixture
def admin_client(client, app):
    alfa = create_office("alfa", "Urząd Miasta Alfa")
    beta = create_office("beta", "Urząd Miasta Beta")
    create_user("admin@alfa.test", office=alfa)
    create_user("other@alfa.test", office=alfa)
    record_event(
        "update",
        office_id=alfa.id,
        user_email="other@alfa.test",
        object_type="Office",
        object_id="marker-alfa-old",
        before={"name": "Stara"},
        after={"name": "Nowa"},
    ).at = datetime(2024, 1, 5)
    record_event(
        "update",
        office_id=beta.id,
        user_email="x@beta.test",
        object_type="Office",
        object_id="marker-beta",
    )
    db.session.commit()
    assert form_login(client, "admin@alfa.test").status_code == 302  # audited: the log shows it
    return client


def audit_view(app):
    return next(v for v in app.extensions["ocen_admin"]._views if v.endpoint == "audit")


def filter_arg(app, column: str, operation: str) -> str:
    """Return the URL argument of a list filter, as Flask-Admin names it."""
    view = audit_view(app)
    for index, flt in enumerate(view._filters):
        if flt.column.key == column and str(flt.operation()) == operation:
            return view.get_filter_arg(index, flt)
    raise LookupError(
        (column, operation, [(f.column.key, str(f.operation())) for f in view._filters])
    )


def actions_shown(page: str) -> list[str]:
    """Return the action column's cells as the log shows them."""
    return re.findall(r'<td class="col-action">\s*(.*?)\s*</td>', page, re.S)


def test_log_shows_the_offices_events_with_values(admin_client):
    page = text(admin_client.get("/admin/audit/"))
    assert "marker-alfa-old" in page and "marker-beta" not in page
    assert "Stara" in page and "Nowa" in page
    assert "logowanie" in page
    assert "(login)" not in page


def test_filter_by_action(admin_client, app):
    arg = filter_arg(app, "action", "jest równe")
    page = text(admin_client.get(f"/admin/audit/?flt0_{arg}=login"))
    assert "admin@alfa.test" in page and "marker-alfa-old" not in page


def test_filter_by_user(admin_client, app):
    arg = filter_arg(app, "user_email", "zawiera")
    page = text(admin_client.get(f"/admin/audit/?flt0_{arg}=other@"))
    assert "marker-alfa-old" in page and "logowanie" not in actions_shown(page)


def test_filter_by_date(admin_client, app):
    arg = filter_arg(app, "at", "mniejsze niż")
    page = text(admin_client.get(f"/admin/audit/?flt0_{arg}=2024-02-01 00:00:00"))
    assert "marker-alfa-old" in page and "logowanie" not in actions_shown(page)
    arg = filter_arg(app, "at", "większe niż")
    since = (utcnow() - timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    page = text(admin_client.get(f"/admin/audit/?flt0_{arg}={since}"))
    assert "marker-alfa-old" not in page and "logowanie" in actions_shown(page)


def test_nobody_edits_or_deletes_the_log(admin_client):
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.object_id == "marker-alfa-old")
    ).one()
    assert admin_client.get(f"/admin/audit/edit/?id={event.id}").status_code == 403
    assert (
        post(admin_client, f"/admin/audit/edit/?id={event.id}", {"action": "x"}).status_code == 403
    )
    assert post(admin_client, "/admin/audit/delete/", {"id": str(event.id)}).status_code == 403
    assert (
        post(
            admin_client, "/admin/audit/action/", {"action": "delete", "rowid": str(event.id)}
        ).status_code
        == 403
    )
    assert db.session.get(AuditEvent, event.id).action == "update"


def test_the_log_names_actions_objects_and_fields_in_polish_before_and_after(admin_client, app):
    office_id = db.session.scalar(
        sa.select(AuditEvent.office_id).where(AuditEvent.office_id.is_not(None)).limit(1)
    )
    db.session.add(
        AuditEvent(
            office_id=office_id,
            user_email="admin@alfa.pl",
            action="update",
            object_type="User",
            object_id="7",
            before={"active": True, "allowed_origins": ["https://a.pl"], "role": "admin"},
            after={
                "active": False,
                "allowed_origins": ["https://a.pl", "https://b.pl"],
                "role": "reviewer",
            },
        )
    )
    db.session.commit()
    page = admin_client.get("/admin/audit/").get_data(as_text=True)
    assert "<strong>aktywne</strong>: tak → nie" in page
    assert (
        "<strong>dozwolone adresy stron</strong>: https://a.pl → https://a.pl, https://b.pl" in page
    )
    assert re.search(r"col-object_type\">\s*użytkownik\s*<", page) and ">User<" not in page
    assert "<strong>rola</strong>: administrator → recenzent (tylko odczyt)" in page
    assert '{"active"' not in page and "allowed_origins" not in page


def test_the_log_reads_in_english_when_switched(admin_client, app):
    admin_client.get("/admin/?lang=en")
    page = admin_client.get("/admin/audit/").get_data(as_text=True)
    assert "<strong>name</strong>: Stara → Nowa" in page
