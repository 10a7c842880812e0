"""The role matrix: for each role and each view, what may be seen and changed.

The views come from view_cases.VIEW_CASES. The user works in office "alfa" (the superadmin in
none); each test also makes a record of office "beta" and reaches for it by id in the URL or by
naming beta in a form field: refused, nothing changed — except for the superadmin, who sees all.
"""

from __future__ import annotations

import functools

import pytest
import sqlalchemy as sa

from admin.auditing import model_values
from collector.extensions import db
from collector.models import AuditEvent, User
from collector.passwords import hash_password
from tests.admin.panel import login, messages, post, text
from tests.admin.view_cases import ROLES, VIEW_CASES, ViewCase
from tests.factories import DEFAULT_PASSWORD, create_office

CASES = [
    pytest.param(case, role, id=f"{case.endpoint}-{role}") for case in VIEW_CASES for role in ROLES
]


@functools.cache
def password_hash() -> str:
    return hash_password(DEFAULT_PASSWORD)  # hashed once: Argon2 is slow on purpose


@pytest.fixture
def offices(app):
    alfa = create_office("alfa", "Urząd Miasta Alfa", origins=("https://alfa.example",))
    beta = create_office("beta", "Urząd Miasta Beta", origins=("https://beta.example",))
    for email, role, office in (
        ("admin@alfa.test", "admin", alfa),
        ("reviewer@alfa.test", "reviewer", alfa),
        ("super@ops.test", "superadmin", None),
    ):
        db.session.add(
            User(
                email=email,
                role=role,
                office_id=office.id if office else None,
                password_hash=password_hash(),
            )
        )
    db.session.commit()
    return alfa, beta


def as_role(client, role: str) -> None:
    email = {
        "admin": "admin@alfa.test",
        "reviewer": "reviewer@alfa.test",
        "superadmin": "super@ops.test",
    }[role]
    assert login(client, email).status_code == 302


def snapshot(model) -> dict:
    """Return every row of the model's table, and how many audit events there are."""
    db.session.expire_all()
    rows = {
        tuple(sa.inspect(r).identity): model_values(r) for r in db.session.scalars(sa.select(model))
    }
    audit_count = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    return {"rows": rows, "audit": audit_count}


def pk(record) -> str:
    return str(sa.inspect(record).identity[0])


def url(case: ViewCase, action: str, record=None) -> str:
    path = {
        "list": "",
        "details": "details/",
        "create": "new/",
        "edit": "edit/",
        "delete": "delete/",
    }[action]
    query = f"?id={pk(record)}" if record is not None and action in ("details", "edit") else ""
    return f"/admin/{case.endpoint}/{path}{query}"


def expect_refused(response, role_may_read: bool) -> None:
    assert response.status_code in (403, 404) if role_may_read else response.status_code == 403, (
        response.status_code
    )


@pytest.mark.parametrize(("case", "role"), CASES)
def test_list(client, offices, case, role):
    alfa, beta = offices
    own, foreign = case.make(alfa), case.make(beta)
    own_label, foreign_label = case.label(own), case.label(foreign)
    as_role(client, role)
    response = client.get(url(case, "list"))
    if "list" not in case.may[role]:
        assert response.status_code == 403
        assert "Brak dostępu" in text(response)
        return
    assert response.status_code == 200
    page = text(response)
    assert own_label in page
    assert (foreign_label in page) is (role == "superadmin")
    # The row buttons match the role: no edit or delete links for what the role may not do.
    assert ("/edit/?id=" in page) is ("edit" in case.may[role])
    assert (f"/admin/{case.endpoint}/new/" in page) is ("create" in case.may[role])


@pytest.mark.parametrize(("case", "role"), CASES)
def test_details(client, offices, case, role):
    alfa, beta = offices
    own, foreign = case.make(alfa), case.make(beta)
    as_role(client, role)
    response = client.get(url(case, "details", own))
    if "details" not in case.may[role]:
        assert response.status_code == 403
        assert client.get(url(case, "details", foreign)).status_code == 403
        return
    assert response.status_code == 200
    assert case.label(own) in text(response)
    response = client.get(url(case, "details", foreign))
    if role == "superadmin":
        assert response.status_code == 200
    else:
        assert response.status_code == 404
        assert case.label(foreign) not in text(response)


@pytest.mark.parametrize(("case", "role"), CASES)
def test_create(client, offices, case, role):
    alfa, beta = offices
    as_role(client, role)
    allowed = "create" in case.may[role]
    page = client.get(url(case, "create"))
    assert page.status_code == (200 if allowed else 403)
    if case.create_data is None:
        before = snapshot(case.model)
        assert post(client, url(case, "create"), {"name": "x"}).status_code == 403
        assert snapshot(case.model) == before
        return
    data = case.create_data(alfa)
    if role != "superadmin":
        data["office"] = str(beta.id)  # a foreign office named in the form: ignored
        data["office_id"] = str(beta.id)
    before = snapshot(case.model)
    response = post(client, url(case, "create"), data)
    after = snapshot(case.model)
    if not allowed:
        assert response.status_code == 403
        assert after == before
        return
    assert response.status_code == 302, messages(response)
    new_keys = set(after["rows"]) - set(before["rows"])
    assert len(new_keys) == 1
    assert after["audit"] > before["audit"]
    created = db.session.get(case.model, new_keys.pop())
    if role != "superadmin" and case.endpoint != "office":
        assert case.office_id(created) == alfa.id


@pytest.mark.parametrize(("case", "role"), CASES)
def test_edit(client, offices, case, role):
    alfa, beta = offices
    own, foreign = case.make(alfa), case.make(beta)
    as_role(client, role)
    allowed = "edit" in case.may[role]
    assert client.get(url(case, "edit", own)).status_code == (200 if allowed else 403)
    data = case.edit_data(own) if case.edit_data else {"name": "x"}
    if role != "superadmin":
        data["office"] = str(beta.id)
        data["office_id"] = str(beta.id)
    before = snapshot(case.model)
    response = post(client, url(case, "edit", own), data)
    after = snapshot(case.model)
    if not allowed:
        assert response.status_code == 403
        assert after == before
    else:
        assert response.status_code == 302, messages(response)
        assert after["rows"] != before["rows"]
        own = db.session.get(case.model, sa.inspect(own).identity)
        assert case.office_id(own) == alfa.id  # the foreign office in the form changed nothing

    # Another office's record by id in the URL.
    data = case.edit_data(foreign) if case.edit_data else {"name": "x"}
    before = snapshot(case.model)
    response = post(client, url(case, "edit", foreign), data)
    if role == "superadmin" and allowed:
        assert response.status_code == 302
    else:
        assert response.status_code == (404 if allowed else 403)
        assert snapshot(case.model) == before
        assert client.get(url(case, "edit", foreign)).status_code == (404 if allowed else 403)


@pytest.mark.parametrize(("case", "role"), CASES)
def test_delete(client, offices, case, role):
    alfa, beta = offices
    own, foreign = case.make(alfa), case.make(beta)
    as_role(client, role)
    allowed = "delete" in case.may[role]
    page = text(client.get(url(case, "list")))
    assert (f"/admin/{case.endpoint}/delete/" in page) is allowed

    before = snapshot(case.model)
    response = post(client, url(case, "delete"), {"id": pk(foreign)})
    if role == "superadmin" and allowed:
        assert response.status_code == 302
        assert len(snapshot(case.model)["rows"]) == len(before["rows"]) - 1
    else:
        assert response.status_code == (404 if allowed else 403)
        assert snapshot(case.model) == before

    before = snapshot(case.model)
    response = post(client, url(case, "delete"), {"id": pk(own)})
    after = snapshot(case.model)
    if allowed:
        assert response.status_code == 302
        assert len(after["rows"]) == len(before["rows"]) - 1
        event = db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.action == "delete")
            .order_by(AuditEvent.id.desc())
        ).first()
        assert event.object_id == pk(own) and event.before
    else:
        assert response.status_code == 403
        assert after == before


@pytest.mark.parametrize(("case", "role"), CASES)
def test_bulk_actions_respect_roles_and_offices(client, offices, case, role):
    alfa, beta = offices
    own, foreign = case.make(alfa), case.make(beta)
    own_id, foreign_id = pk(own), pk(foreign)
    as_role(client, role)
    before = snapshot(case.model)
    response = post(
        client,
        f"/admin/{case.endpoint}/action/",
        {"action": "delete", "rowid": [own_id, foreign_id]},
    )
    after = snapshot(case.model)
    if "delete" not in case.may[role]:
        assert response.status_code in (302, 403)
        assert after == before
    else:
        remaining = {str(k[0]) for k in after["rows"]}
        assert own_id not in remaining
        assert (foreign_id in remaining) is (role != "superadmin")
