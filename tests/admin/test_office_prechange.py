"""The office's rule for its own data: before office data or departments change, the results so far are archived."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

import reports.archive
from collector.extensions import db
from collector.models import Department, Office, Report
from tests.admin.flowtools import answer_survey, flashes, login, office_with_admin, post
from tests.factories import count


@pytest.fixture
def office(app):
    office, _user = office_with_admin(allowed_origins=["https://www.demo.test"])
    return office


def office_form(office: Office, **changes) -> dict:
    data = {
        "name": office.name,
        "address": office.address,
        "contact_email": office.contact_email,
        "contact_phone": office.contact_phone,
        "privacy_url": office.privacy_url,
        "allowed_origins": "\n".join(office.allowed_origins),
        "languages": list(office.languages),
        "look_label": office.look_label,
        "look_color": office.look_color,
        "look_position": office.look_position,
    }
    data.update(changes)
    return data


def save_office(client, office, **changes):
    return post(
        client,
        f"/admin/office/edit/?id={office.id}",
        office_form(office, **changes),
        follow_redirects=True,
    )


def department(office, key: str = "usc") -> Department:
    return db.session.scalar(
        sa.select(Department).where(Department.office_id == office.id, Department.key == key)
    )


def rename_department(client, dept: Department, name: str):
    # The whole form, as the browser sends it: the translations too.
    return post(
        client,
        f"/admin/department/edit/?id={dept.id}",
        {
            "name": name,
            "name_en": (dept.names or {}).get("en", ""),
            "name_uk": (dept.names or {}).get("uk", ""),
            "position": dept.position,
            "active": "y",
        },
        follow_redirects=True,
    )


def office_name(office) -> str:
    db.session.expire_all()
    return db.session.get(Office, office.id).name


def test_changing_office_data_after_new_responses_archives_a_pre_change_report_first(
    client, office
):
    answer_survey(client, office, times=2)
    login(client, "admin@demo.test")

    response = save_office(client, office, name="Urząd Miasta Demo-Zdrój")

    assert response.status_code == 200, flashes(response)
    assert office_name(office) == "Urząd Miasta Demo-Zdrój"
    report = db.session.scalar(sa.select(Report))
    assert (report.reason, report.versions, report.response_count) == ("pre-change", [1], 2)
    # The report was made before the change: it names the office as the responses knew it.
    from tests.admin.flowtools import pdf_text

    assert "Urząd Miasta Demo " in pdf_text(report.pdf) + " " and "Demo-Zdrój" not in pdf_text(
        report.pdf
    )


def test_without_new_responses_no_new_report_is_made(client, office):
    answer_survey(client, office)
    login(client, "admin@demo.test")
    save_office(client, office, address="ul. Rynek 1")
    assert count(Report) == 1

    save_office(client, office, address="ul. Rynek 2")  # nothing arrived since that report
    rename_department(client, department(office), "Urząd Stanu Cywilnego i Meldunków")

    assert count(Report) == 1
    answer_survey(client, office)  # a new response: the next change archives again
    save_office(client, office, address="ul. Rynek 3")
    assert count(Report) == 2


def test_saving_the_forms_unchanged_archives_no_report(client, office):
    answer_survey(client, office)
    login(client, "admin@demo.test")

    assert save_office(client, office).status_code == 200
    rename_department(client, department(office), department(office).name)
    assert count(Report) == 0
    save_office(client, office, address="ul. Rynek 1")  # a real change still archives first
    assert count(Report) == 1


def test_an_office_without_any_response_changes_without_a_report(client, office):
    login(client, "admin@demo.test")
    save_office(client, office, name="Urząd Gminy Demo")
    assert office_name(office) == "Urząd Gminy Demo" and count(Report) == 0


@pytest.mark.parametrize("change", ["rename", "add", "delete"])
def test_department_changes_archive_the_report_first(client, office, change):
    answer_survey(client, office, department="komunikacja")
    login(client, "admin@demo.test")
    dept = department(office, "podatki")  # no response names it, so it may be deleted

    if change == "rename":
        response = rename_department(client, dept, "Wydział Finansów")
    elif change == "add":
        response = post(
            client,
            "/admin/department/new/",
            {"name": "Straż Miejska", "position": "9", "active": "y"},
            follow_redirects=True,
        )
    else:
        response = post(client, "/admin/department/delete/", {"id": dept.id}, follow_redirects=True)

    assert response.status_code == 200
    assert db.session.scalar(sa.select(Report.reason)) == "pre-change", flashes(response)


def test_a_failing_report_leaves_the_office_unchanged_and_says_why(client, office, monkeypatch):
    answer_survey(client, office)
    login(client, "admin@demo.test")
    monkeypatch.setattr(
        reports.archive, "build_pdf", lambda *a, **k: (_ for _ in ()).throw(OSError("disk full"))
    )

    response = save_office(client, office, name="Urząd Miasta Inna Nazwa")
    dept_response = rename_department(client, department(office), "Inna nazwa")

    assert any(
        "najpierw trzeba zarchiwizować raport" in m and "OSError" in m for m in flashes(response)
    ), flashes(response)
    assert any("najpierw trzeba zarchiwizować raport" in m for m in flashes(dept_response))
    assert office_name(office) == "Urząd Miasta Demo"
    assert department(office).name == "Urząd Stanu Cywilnego"
    assert count(Report) == 0
