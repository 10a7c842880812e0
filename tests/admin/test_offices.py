"""Office data and departments: validation with Polish messages, the pre-change hook, audit."""

from __future__ import annotations

import re
import uuid

import pytest
import sqlalchemy as sa
from wtforms.validators import ValidationError

from admin.auditing import model_values
from collector.extensions import db
from collector.models import AuditEvent, Department, Office, Response
from collector.surveys import get_department_options, get_office, get_published_version
from tests.admin.panel import login, messages, post, text
from tests.admin.view_cases import office_form
from tests.factories import create_office, create_user


@pytest.fixture
def office(app):
    office = create_office("alfa", "Urząd Miasta Alfa", origins=("https://www.alfa.pl",))
    create_user("admin@alfa.test", office=office)
    return office


@pytest.fixture
def admin_client(client, office):
    assert login(client, "admin@alfa.test").status_code == 302
    return client


def office_state(office_id: int) -> dict:
    db.session.expire_all()
    return model_values(db.session.get(Office, office_id))


def audit_actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def edit_office(client, office: Office, **changes):
    db.session.refresh(office)
    return post(client, f"/admin/office/edit/?id={office.id}", office_form(office, **changes))


BAD_FIELDS = [
    # allowed origins
    ("allowed_origins", "https://www.alfa.pl/ankieta", "bez ścieżki, parametrów i kotwicy"),
    ("allowed_origins", "https://www.alfa.pl?x=1", "bez ścieżki, parametrów i kotwicy"),
    ("allowed_origins", "https://www.alfa.pl#top", "bez ścieżki, parametrów i kotwicy"),
    ("allowed_origins", "https://*.alfa.pl", "symbole wieloznaczne (*) są niedozwolone"),
    ("allowed_origins", "*", "symbole wieloznaczne (*) są niedozwolone"),
    ("allowed_origins", "http://www.alfa.pl", "dozwolony jest tylko https://"),
    ("allowed_origins", "www.alfa.pl", "podaj sam adres strony"),
    ("allowed_origins", "ftp://alfa.pl", "podaj sam adres strony"),
    ("allowed_origins", "javascript:alert(1)", "podaj sam adres strony"),
    ("allowed_origins", "https://user:secret@alfa.pl", "bez nazwy użytkownika i hasła"),
    ("allowed_origins", "https://alfa.pl:99999", "nieprawidłowy port"),
    ("allowed_origins", "https://alfa .pl", "podaj sam adres strony"),
    ("allowed_origins", "https://-alfa-.pl", "nieprawidłowa nazwa hosta"),
    ("allowed_origins", "https://alfa.pl\nhttps://beta.pl/x", "„https://beta.pl/x”: bez ścieżki"),
    (
        "allowed_origins",
        "\n".join(f"https://s{n}.alfa.pl" for n in range(21)),
        "Najwyżej 20 adresów.",
    ),
    # colour and contrast with the white label
    ("look_color", "blue", "Kolor podaj w formacie #rrggbb"),
    ("look_color", "#12345", "Kolor podaj w formacie #rrggbb"),
    ("look_color", "#0b5cab80", "Kolor podaj w formacie #rrggbb"),
    ("look_color", "", "Kolor podaj w formacie #rrggbb"),
    (
        "look_color",
        "#ffff00",
        "Kolor #ffff00 ma za mały kontrast z białym napisem (1,07:1, potrzeba co najmniej 4,5:1)",
    ),
    ("look_color", "#777777", "Kolor #777777 ma za mały kontrast z białym napisem (4,47:1"),
    ("look_color", "#e53935", "za mały kontrast"),
    # information clause URL
    ("privacy_url", "alfa.pl/rodo", "Podaj pełny adres strony"),
    ("privacy_url", "http://www.alfa.pl/rodo", "Adres musi zaczynać się od https://"),
    ("privacy_url", "javascript:alert(1)", "Podaj pełny adres strony"),
    ("privacy_url", "https://user@alfa.pl/rodo", "nie może zawierać nazwy użytkownika"),
    ("privacy_url", "https://alfa .pl/rodo", "nie może zawierać spacji"),
    ("privacy_url", "https://" + "a" * 500 + ".pl", "500"),
    # other fields
    ("languages", ["en", "uk"], "Język polski jest wymagany."),
    ("languages", ["pl", "de"], "Nieznany język: de."),
    ("look_label", "", "To pole jest wymagane."),
    ("look_label", "x" * 61, "60"),
    ("look_position", "top-left", "Nieprawidłowy wybór"),
    ("retention_days", "30", "Podaj liczbę dni od 365 do 3650 albo zostaw puste."),
    ("retention_days", "99999", "Podaj liczbę dni od 365 do 3650 albo zostaw puste."),
    ("retention_days", "dużo", "liczb"),
    ("name", "", "To pole jest wymagane."),
    ("contact_email", "not an address", "Nieprawidłowy adres e-mail."),
    # the hosted page's footer
    ("accessibility_url", "alfa.pl/deklaracja", "Podaj pełny adres strony"),
    ("accessibility_url", "http://www.alfa.pl/deklaracja", "Adres musi zaczynać się od https://"),
    ("accessibility_url", "javascript:alert(1)", "Podaj pełny adres strony"),
    ("accessibility_url", "https://" + "a" * 500 + ".pl", "500"),
    ("info_clause", "x" * 5001, "5000"),
    # the invitation
    ("invite_delay_seconds", "-1", "Podaj liczbę sekund od 0 do 600 albo zostaw puste."),
    ("invite_delay_seconds", "601", "Podaj liczbę sekund od 0 do 600 albo zostaw puste."),
    ("invite_delay_seconds", "pół minuty", "liczb"),
    ("invite_sample_percent", "0", "Podaj liczbę od 1 do 100."),
    ("invite_sample_percent", "101", "Podaj liczbę od 1 do 100."),
    ("invite_sample_percent", "50%", "liczb"),
    ("invite_snooze_days", "0", "Podaj liczbę dni od 1 do 365."),
    ("invite_snooze_days", "366", "Podaj liczbę dni od 1 do 365."),
    ("invite_paths", "sprawy", "„sprawy”: ścieżka musi zaczynać się od jednego ukośnika"),
    ("invite_paths", "https://www.alfa.pl/sprawy", "ścieżka musi zaczynać się od jednego ukośnika"),
    ("invite_paths", "//evil.example/x", "ścieżka musi zaczynać się od jednego ukośnika"),
    ("invite_paths", "/sprawy?x=1", "bez spacji, parametrów (?) i kotwicy (#)"),
    ("invite_paths", "/moje sprawy", "bez spacji, parametrów (?) i kotwicy (#)"),
    ("invite_paths", "/" + "a" * 200, "najwyżej 200 znaków"),
    ("invite_paths", "\n".join(f"/s{n}" for n in range(21)), "Najwyżej 20 ścieżek."),
]


@pytest.mark.parametrize(
    ("field", "value", "message"), BAD_FIELDS, ids=[f"{f}-{str(v)[:30]}" for f, v, _ in BAD_FIELDS]
)
def test_bad_office_data_is_refused_with_a_polish_message(
    admin_client, office, field, value, message
):
    before = office_state(office.id)
    events = audit_actions()
    response = edit_office(admin_client, office, **{field: value})
    assert response.status_code == 200
    assert any(message in shown for shown in messages(response)), messages(response)
    assert office_state(office.id) == before
    assert audit_actions() == events


def test_messages_follow_the_chosen_language(admin_client, office):
    admin_client.get("/admin/?lang=en")
    response = edit_office(
        admin_client, office, look_color="#ffff00", allowed_origins="http://www.alfa.pl"
    )
    shown = " ".join(messages(response))
    assert "has too little contrast with the white label (1,07:1" in shown
    assert "only https:// is allowed" in shown


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("https://WWW.Alfa.PL/", ["https://www.alfa.pl"]),
        ("https://alfa.pl:443", ["https://alfa.pl"]),
        ("https://alfa.pl:8443", ["https://alfa.pl:8443"]),
        (
            "http://localhost:5001\nhttp://127.0.0.1:8000",
            ["http://localhost:5001", "http://127.0.0.1:8000"],
        ),
        ("https://xn--d-mua.pl\n\n  https://xn--d-mua.pl  ", ["https://xn--d-mua.pl"]),
        ("", []),
    ],
)
def test_origins_are_stored_exactly(admin_client, office, typed, stored):
    response = edit_office(admin_client, office, allowed_origins=typed)
    assert response.status_code == 302, messages(response)
    assert office_state(office.id)["allowed_origins"] == stored


def test_office_update_is_saved_and_audited_with_before_and_after(admin_client, office):
    response = edit_office(
        admin_client,
        office,
        name="Urząd Miasta Alfa-Zdrój",
        look_color="#0B5CAB",
        languages=["pl", "uk"],
        look_position="bottom-left",
        retention_days="730",
        privacy_url="https://www.alfa.pl/rodo",
    )
    assert response.status_code == 302, messages(response)
    state = office_state(office.id)
    assert state["name"] == "Urząd Miasta Alfa-Zdrój"
    assert state["look_color"] == "#0b5cab"
    assert state["languages"] == ["pl", "uk"]
    assert state["retention_days"] == 730
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "update")).one()
    assert event.object_type == "Office" and event.object_id == str(office.id)
    assert (
        event.before["name"] == "Urząd Miasta Alfa"
        and event.after["name"] == "Urząd Miasta Alfa-Zdrój"
    )
    assert event.before["languages"] == ["pl", "en", "uk"] and event.after["languages"] == [
        "pl",
        "uk",
    ]
    assert "slug" not in event.after  # only what changed
    assert event.user_email == "admin@alfa.test" and event.office_id == office.id


def test_footer_and_invitation_settings_are_saved_and_audited(admin_client, office):
    response = edit_office(
        admin_client,
        office,
        accessibility_url="https://www.alfa.pl/deklaracja-dostepnosci",
        info_clause="Administratorem danych jest Burmistrz Miasta Alfa.",
        invite_enabled="y",
        invite_delay_seconds="30",
        invite_paths="/sprawy\n  /kontakt  \n\n/sprawy",
        invite_sample_percent="25",
        invite_snooze_days="30",
    )
    assert response.status_code == 302, messages(response)
    state = office_state(office.id)
    assert state["accessibility_url"] == "https://www.alfa.pl/deklaracja-dostepnosci"
    assert state["info_clause"] == "Administratorem danych jest Burmistrz Miasta Alfa."
    assert state["invite_enabled"] is True
    assert (state["invite_delay_seconds"], state["invite_sample_percent"]) == (30, 25)
    assert state["invite_paths"] == ["/sprawy", "/kontakt"]
    assert state["invite_snooze_days"] == 30
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "update")).one()
    assert event.before["invite_enabled"] is False and event.after["invite_enabled"] is True
    assert event.after["invite_paths"] == ["/sprawy", "/kontakt"]
    assert event.after["accessibility_url"] == "https://www.alfa.pl/deklaracja-dostepnosci"

    # Unchecking the box turns the invitation off again; the empty delay means "no delay"; a
    # blank sample or snooze keeps the value set before.
    response = edit_office(
        admin_client,
        office,
        invite_enabled=None,
        invite_delay_seconds="",
        invite_sample_percent="",
        invite_snooze_days=None,
    )
    assert response.status_code == 302, messages(response)
    state = office_state(office.id)
    assert state["invite_enabled"] is False and state["invite_delay_seconds"] is None
    assert (state["invite_sample_percent"], state["invite_snooze_days"]) == (25, 30)


def test_office_form_explains_the_new_settings_in_polish(admin_client, office):
    page = text(admin_client.get(f"/admin/office/edit/?id={office.id}"))
    for label in (
        "Adres deklaracji dostępności",
        "Klauzula informacyjna (treść)",
        "Zaproszenie do ankiety",
        "Zaproszenie po (sekundach na stronie)",
        "Zaproszenie na stronach (ścieżki)",
        "Odsetek zapraszanych odwiedzających (%)",
        "Bez ponownego zaproszenia przez (dni)",
        "Początki ścieżek, jeden na wiersz",
    ):
        assert label in page, label


def test_slug_cannot_be_changed(admin_client, office):
    response = edit_office(admin_client, office, slug="inny")
    assert response.status_code == 302
    assert office_state(office.id)["slug"] == "alfa"
    assert 'name="slug"' not in text(admin_client.get(f"/admin/office/edit/?id={office.id}"))


def test_office_form_has_no_external_urls_and_polish_labels(admin_client, office):
    page = text(admin_client.get(f"/admin/office/edit/?id={office.id}"))
    assert "Dozwolone adresy stron (originy)" in page and "Kolor przycisku" in page
    # Every stylesheet, script and image comes from the collector itself (the nonce is random,
    # so the page is checked by its addresses, not by looking for a word such as "cdn").
    loaded = re.findall(r'<(?:script|link|img)\b[^>]*?\b(?:src|href)="([^"]*)"', page)
    assert loaded and all(url.startswith("/") and not url.startswith("//") for url in loaded), (
        loaded
    )


def test_superadmin_creates_an_office_with_its_survey_published(client, office):
    create_user("super@ops.test", role="superadmin")
    login(client, "super@ops.test")
    data = office_form(
        office, slug="gamma", name="Urząd Gminy Gamma", allowed_origins="https://gamma.pl"
    )
    response = post(client, "/admin/office/new/", data)
    assert response.status_code == 302, messages(response)
    gamma = get_office("gamma")
    assert gamma.name == "Urząd Gminy Gamma" and gamma.allowed_origins == ["https://gamma.pl"]
    assert get_published_version(gamma).number == 1
    assert len(gamma.departments) > 0
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "create")).one()
    assert event.after["slug"] == "gamma" and event.office_id == gamma.id


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("alfa", "Urząd o identyfikatorze alfa już istnieje."),
        ("Zły Slug", "Identyfikator: 2–63 małe litery"),
        ("", "To pole jest wymagane."),
    ],
)
def test_superadmin_cannot_create_an_office_with_a_bad_slug(client, office, slug, message):
    create_user("super@ops.test", role="superadmin")
    login(client, "super@ops.test")
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Office))
    response = post(
        client, "/admin/office/new/", office_form(office, slug=slug, name="Urząd Gminy Gamma")
    )
    assert response.status_code == 200
    assert any(message in shown for shown in messages(response)), messages(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Office)) == count


# ---------------------------------------------------------------------------------------------
# The pre-change hook


def test_hook_runs_before_office_data_is_written(admin_client, office, monkeypatch):
    seen = []
    monkeypatch.setattr("admin.offices.before_office_change", lambda o: seen.append(o.name))
    edit_office(admin_client, office, name="Nowa nazwa")
    assert seen == ["Urząd Miasta Alfa"]


def test_hook_runs_before_department_changes(admin_client, office, monkeypatch):
    seen = []
    monkeypatch.setattr("admin.offices.before_office_change", lambda o: seen.append(o.slug))
    department = office.departments[0]
    post(
        admin_client,
        f"/admin/department/edit/?id={department.id}",
        {"name": "Nowa", "position": "1", "active": "y"},
    )
    post(
        admin_client,
        "/admin/department/new/",
        {"name": "Wydział Nowy", "position": "9", "active": "y"},
    )
    post(admin_client, "/admin/department/delete/", {"id": str(department.id)})
    assert seen == ["alfa", "alfa", "alfa"]


def test_hook_can_refuse_the_change(admin_client, office, monkeypatch):
    def refuse(o):
        raise ValidationError("Nie udało się wygenerować raportu przed zmianą.")

    monkeypatch.setattr("admin.offices.before_office_change", refuse)
    before = office_state(office.id)
    response = edit_office(admin_client, office, name="Nowa nazwa")
    assert "Nie udało się wygenerować raportu przed zmianą." in " ".join(
        messages(admin_client.get(response.location) if response.status_code == 302 else response)
    )
    assert office_state(office.id) == before


# ---------------------------------------------------------------------------------------------
# Departments


def departments(office: Office) -> list[Department]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(Department)
            .where(Department.office_id == office.id)
            .order_by(Department.position, Department.id)
        )
    )


def test_new_department_gets_a_key_from_its_name(admin_client, office):
    response = post(
        admin_client,
        "/admin/department/new/",
        {
            "name": "Wydział Łączności i Środowiska",
            "name_en": "Communications Department",
            "position": "3",
            "active": "y",
        },
    )
    assert response.status_code == 302, messages(response)
    new = [d for d in departments(office) if d.name == "Wydział Łączności i Środowiska"][0]
    assert new.key == "wydzial-lacznosci-i-srodowiska"
    assert new.names == {"en": "Communications Department"}
    assert new.office_id == office.id


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("Zły klucz!", "Klucz: 1–64 małe litery"),
        ("other", "Klucz „other” jest zarezerwowany"),
        ("KOMUNIKACJA", "Wydział o kluczu komunikacja już istnieje w tym urzędzie."),
    ],
)
def test_bad_department_key_is_refused(admin_client, office, key, message):
    existing = {d.key for d in departments(office)}
    assert "komunikacja" in existing
    response = post(
        admin_client, "/admin/department/new/", {"name": "Wydział", "key": key, "active": "y"}
    )
    shown = messages(response) + (
        messages(admin_client.get(response.location)) if response.status_code == 302 else []
    )
    assert any(message in m for m in shown), shown
    assert {d.key for d in departments(office)} == existing


def test_department_is_renamed_reordered_and_deactivated_keeping_its_key(admin_client, office):
    department = departments(office)[0]
    old_name, old_position = department.name, department.position
    response = post(
        admin_client,
        f"/admin/department/edit/?id={department.id}",
        {
            "name": "Wydział Komunikacji i Dróg",
            "key": "changed",
            "position": "99",  # active unticked
            "name_en": department.names["en"],
            "name_uk": department.names["uk"],
        },
    )
    assert response.status_code == 302, messages(response)
    changed = db.session.get(Department, department.id)
    assert (changed.name, changed.key, changed.position, changed.active) == (
        "Wydział Komunikacji i Dróg",
        department.key,
        99,
        False,
    )
    # A deactivated department is no longer offered in the survey.
    assert department.key not in [
        o["key"] for o in get_department_options(db.session.get(Office, office.id))
    ]
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "update")).one()
    assert event.before == {"name": old_name, "position": old_position, "active": True}
    assert event.after == {"name": "Wydział Komunikacji i Dróg", "position": 99, "active": False}


def test_department_list_follows_the_order(admin_client, office):
    first, second = departments(office)[:2]
    post(
        admin_client,
        f"/admin/department/edit/?id={first.id}",
        {"name": first.name, "position": "500", "active": "y"},
    )
    page = text(admin_client.get("/admin/department/"))
    assert page.index(second.name) < page.index(first.name)


def test_department_with_responses_is_never_deleted(admin_client, office):
    department = departments(office)[0]
    db.session.add(
        Response(
            id=uuid.uuid4(),
            office_id=office.id,
            version_id=get_published_version(office).id,
            channel="widget",
            department_key=department.key,
            content_hash="0" * 64,
        )
    )
    db.session.commit()
    response = post(admin_client, "/admin/department/delete/", {"id": str(department.id)})
    assert response.status_code == 302
    shown = messages(admin_client.get(response.location))
    assert any(
        f"Nie można usunąć wydziału „{department.name}”: ma już odpowiedzi. Dezaktywuj go" in m
        for m in shown
    )
    assert db.session.get(Department, department.id) is not None
    assert "delete" not in audit_actions()


def test_department_without_responses_is_deleted_and_audited(admin_client, office):
    department = departments(office)[-1]
    department_id, key = department.id, department.key
    response = post(admin_client, "/admin/department/delete/", {"id": str(department_id)})
    assert response.status_code == 302
    assert db.session.get(Department, department_id) is None
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "delete")).one()
    assert event.before["key"] == key and event.object_type == "Department"
