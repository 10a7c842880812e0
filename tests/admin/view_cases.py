"""The panel's views as data, for the role matrix in test_role_matrix.py.

Each ``ViewCase`` says how to make a record of an office, how to recognise it in a list, valid
form data for creating and editing one, and which actions each role may take. Add a case here
for every model view you add to the panel; the matrix then checks for each role: the list,
the details, create, edit and delete pages and POSTs, a reviewer's POSTs refused, and another
office's record reached by id in the URL or named in a form field — refused, nothing changed.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from collector.audit import record_event
from collector.extensions import db
from collector.models import (
    Answer,
    AuditEvent,
    CommentTheme,
    CorrectiveAction,
    Department,
    Office,
    Response,
    User,
)
from tests.factories import create_user

ROLES = ("admin", "reviewer", "superadmin")
READ = {"list", "details"}
ALL = {"list", "details", "create", "edit", "delete"}
_serial = itertools.count(1)


@dataclass
class ViewCase:
    endpoint: str  # the Flask-Admin endpoint: /admin/<endpoint>/
    model: type
    make: Callable[[Office], Any]  # a committed record belonging to the office
    label: Callable[[Any], str]  # text that shows the record in the list
    may: dict[str, set[str]]  # role -> actions among list, details, create, edit, delete
    create_data: Callable[[Office], dict] | None = (
        None  # a valid create form for a record of the office
    )
    edit_data: Callable[[Any], dict] | None = None  # a valid edit form that changes the record
    office_id: Callable[[Any], int | None] = field(default=lambda record: record.office_id)

    def __str__(self) -> str:
        return self.endpoint


def office_form(office: Office, **changes: Any) -> dict:
    data = {
        "name": office.name,
        "address": office.address or "",
        "contact_email": office.contact_email or "",
        "contact_phone": office.contact_phone or "",
        "privacy_url": office.privacy_url or "",
        "allowed_origins": "\n".join(office.allowed_origins or []),
        "languages": list(office.languages or ["pl"]),
        "look_label": office.look_label,
        "look_color": office.look_color,
        "look_position": office.look_position,
        "retention_days": office.retention_days or "",
        "accessibility_url": office.accessibility_url or "",
        "info_clause": office.info_clause or "",
        "invite_delay_seconds": ""
        if office.invite_delay_seconds is None
        else office.invite_delay_seconds,
        "invite_paths": "\n".join(office.invite_paths or []),
        "invite_sample_percent": office.invite_sample_percent,
        "invite_snooze_days": office.invite_snooze_days,
    }
    if office.invite_enabled:
        data["invite_enabled"] = "y"
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}  # None: left out


def make_office(office: Office) -> Office:
    return office


def new_office_form(office: Office) -> dict:
    n = next(_serial)
    return office_form(office, slug=f"nowy-{n}", name=f"Urząd Gminy Nowej {n}")


def make_department(office: Office) -> Department:
    n = next(_serial)
    department = Department(
        office_id=office.id, key=f"wydzial-{n}", name=f"Wydział Testowy {n}", position=50
    )
    db.session.add(department)
    db.session.commit()
    return department


def department_form(office: Office) -> dict:
    return {
        "name": f"Wydział Nowy {next(_serial)}",
        "position": "60",
        "active": "y",
        "office": str(office.id),
    }


def department_edit(department: Department) -> dict:
    return {
        "name": department.name + " (po zmianie)",
        "position": str(department.position + 1),
        "active": "y",
    }


def make_user(office: Office) -> User:
    return create_user(
        f"user{next(_serial)}@{office.slug}.test",
        role="reviewer",
        office=office,
        name="Jan Kowalski",
    )


def user_form(office: Office) -> dict:
    return {
        "email": f"new{next(_serial)}@{office.slug}.test",
        "name": "Anna Nowak",
        "role": "reviewer",
        "active": "y",
        "password": "a long enough password",
        "office": str(office.id),
    }


def user_edit(user: User) -> dict:
    return {"email": user.email, "name": "Jan Kowalski-Nowak", "role": user.role, "active": "y"}


def make_audit_event(office: Office) -> AuditEvent:
    event = record_event(
        "update",
        office_id=office.id,
        object_type="Department",
        object_id=f"marker-{next(_serial)}",
        after={"name": "x"},
    )
    db.session.commit()
    return event


def make_corrective_action(office: Office) -> CorrectiveAction:
    action = CorrectiveAction(
        office_id=office.id,
        title=f"Działanie naprawcze {next(_serial)}",
        status="planned",
        owner="Sekretarz Miasta",
    )
    db.session.add(action)
    db.session.commit()
    return action


def corrective_action_form(office: Office) -> dict:
    return {
        "title": f"Nowe oznakowanie {next(_serial)}",
        "description": "",
        "owner": "Naczelnik",
        "deadline": "2025-06-30",
        "status": "planned",
        "done_at": "",
        "office": str(office.id),
    }


def corrective_action_edit(action: CorrectiveAction) -> dict:
    return {
        "title": action.title + " (po zmianie)",
        "description": "",
        "owner": action.owner,
        "deadline": "",
        "status": "in_progress",
        "done_at": "",
    }


def make_theme(office: Office) -> CommentTheme:
    theme = CommentTheme(office_id=office.id, name=f"temat-{next(_serial)}", position=50)
    db.session.add(theme)
    db.session.commit()
    return theme


def theme_form(office: Office) -> dict:
    return {
        "name": f"nowy-temat-{next(_serial)}",
        "position": "20",
        "active": "y",
        "office": str(office.id),
    }


def theme_edit(theme: CommentTheme) -> dict:
    return {"name": theme.name + " (po zmianie)", "position": "21", "active": "y"}


def make_comment(office: Office) -> Answer:
    """Store a response with one comment; the comment's text is its label in the inbox."""
    response = make_response(office)
    answer = Answer(
        response_id=response.id,
        office_id=office.id,
        version_id=response.version_id,
        submitted_at=response.submitted_at,
        question_key="comment",
        text=f"komentarz-{next(_serial)}",
    )
    db.session.add(answer)
    db.session.commit()
    return answer


def make_response(office: Office) -> Response:
    """Store a response of the office's published version; its department key is its label in the list."""
    from collector.surveys import get_published_version

    response = Response(
        id=uuid.uuid4(),
        office_id=office.id,
        version_id=get_published_version(office).id,
        channel="widget",
        lang="pl",
        department_key=f"marker-{next(_serial)}",
        content_hash="0" * 64,
    )
    db.session.add(response)
    db.session.commit()
    return response


VIEW_CASES: list[ViewCase] = [
    ViewCase(
        endpoint="office",
        model=Office,
        make=make_office,
        label=lambda o: o.slug,
        may={
            "admin": READ | {"edit"},
            "reviewer": set(READ),
            "superadmin": READ | {"create", "edit"},
        },
        create_data=new_office_form,
        edit_data=lambda o: office_form(o, name=o.name + " (po zmianie)"),
        office_id=lambda o: o.id,
    ),
    ViewCase(
        endpoint="department",
        model=Department,
        make=make_department,
        label=lambda d: d.name,
        may={"admin": set(ALL), "reviewer": set(READ), "superadmin": set(ALL)},
        create_data=department_form,
        edit_data=department_edit,
    ),
    ViewCase(
        endpoint="user",
        model=User,
        make=make_user,
        label=lambda u: u.email,
        may={
            "admin": READ | {"create", "edit"},
            "reviewer": set(),
            "superadmin": READ | {"create", "edit"},
        },
        create_data=user_form,
        edit_data=user_edit,
    ),
    ViewCase(
        endpoint="audit",
        model=AuditEvent,
        make=make_audit_event,
        label=lambda e: e.object_id,
        may={"admin": set(READ), "reviewer": set(), "superadmin": set(READ)},
    ),
    ViewCase(
        endpoint="corrective_action",
        model=CorrectiveAction,
        make=make_corrective_action,
        label=lambda a: a.title,
        may={"admin": set(ALL), "reviewer": set(READ), "superadmin": set(ALL)},
        create_data=corrective_action_form,
        edit_data=corrective_action_edit,
    ),
    ViewCase(
        endpoint="response",
        model=Response,
        make=make_response,
        label=lambda r: r.department_key,
        may={"admin": set(READ), "reviewer": set(READ), "superadmin": set(READ)},
    ),
    ViewCase(
        endpoint="comment_theme",
        model=CommentTheme,
        make=make_theme,
        label=lambda t: t.name,
        may={
            "admin": READ | {"create", "edit"},
            "reviewer": set(READ),
            "superadmin": READ | {"create", "edit"},
        },
        create_data=theme_form,
        edit_data=theme_edit,
    ),
    ViewCase(
        endpoint="comment",
        model=Answer,
        make=make_comment,
        label=lambda a: a.text,
        may={"admin": {"list"}, "reviewer": {"list"}, "superadmin": {"list"}},
    ),
]
