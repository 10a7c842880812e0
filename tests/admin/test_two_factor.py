"""Two-factor login (TOTP): enrol, log in with a code, wrong codes, recovery codes, required by
the office; each step audited."""

from __future__ import annotations

import base64
import re
import time

import pyotp
import pytest
import sqlalchemy as sa

from collector.extensions import db
from collector.models import AuditEvent, Office, RecoveryCode, User
from collector.operations.two_factor import read_secret
from tests.admin.panel import csrf_token, form_login, post, text
from tests.admin.view_cases import office_form
from tests.conftest import CSRF_ON
from tests.factories import create_office, create_user


@pytest.fixture
def app_config() -> dict:
    return CSRF_ON


@pytest.fixture
def office(app):
    return create_office(origins=("https://demo.test",))


@pytest.fixture
def clerk(office):
    return create_user("clerk@demo.test", office=office)


def actions(email: str = "clerk@demo.test") -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent.action)
            .where(AuditEvent.user_email == email)
            .order_by(AuditEvent.id)
        )
    )


def current_code(user_id: int, offset: int = 0) -> str:
    secret = read_secret(db.session.get(User, user_id))
    return pyotp.TOTP(secret).at(time.time() + offset)


def enrol(client, user_id: int) -> list[str]:
    """Enrol through the account page; return the recovery codes it shows."""
    page = client.get("/admin/account/two-factor")
    assert page.status_code == 200
    secret = read_secret(db.session.get(User, user_id))
    assert secret and secret in text(page).replace(" ", "")
    token = csrf_token(client, "/admin/account/two-factor")
    response = post(
        client,
        "/admin/account/two-factor",
        {"step": "confirm", "code": current_code(user_id), "csrf_token": token},
    )
    assert response.status_code == 200
    codes = re.findall(
        r"<li><code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code></li>", text(response)
    )
    assert len(codes) == 10
    return codes


def log_in_with_code(client, email: str, code: str, **environ):
    assert form_login(client, email, **environ).status_code == 302
    return client.post(
        "/admin/login/code",
        data={"code": code, "csrf_token": csrf_token(client, "/admin/login/code")},
        **({"environ_base": environ} if environ else {}),
    )


def test_enrolment_shows_a_qr_code_and_the_secret_and_needs_a_right_code(client, clerk):
    form_login(client, "clerk@demo.test")
    page = text(client.get("/admin/account/two-factor"))
    assert "<svg" in page and "otpauth://totp/" in page
    assert "http" not in re.search(r"<svg.*?</svg>", page, flags=re.S).group(0).replace(
        "http://www.w3.org", ""
    )  # the QR code is drawn here, by no outside service
    wrong = post(client, "/admin/account/two-factor", {"step": "confirm", "code": "000000"})
    assert wrong.status_code == 400
    assert "Kod jest nieprawidłowy albo już wygasł" in text(wrong)
    assert db.session.get(User, clerk.id).totp_enabled is False

    codes = enrol(client, clerk.id)
    user = db.session.get(User, clerk.id)
    assert user.totp_enabled
    stored = db.session.scalars(sa.select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10
    assert not any(code.replace("-", "") in "".join(stored) for code in codes)  # hashes only
    assert "two_factor_enrolment_started" in actions() and "two_factor_enabled" in actions()
    # Shown once: the page no longer lists them.
    again = text(client.get("/admin/account/two-factor"))
    assert codes[0] not in again and "Niewykorzystane kody odzyskiwania: 10 z 10." in again


def test_login_asks_for_the_code_after_the_password(app, client, clerk):
    form_login(client, "clerk@demo.test")
    enrol(client, clerk.id)
    post(client, "/admin/logout")

    response = form_login(client, "clerk@demo.test")
    assert response.status_code == 302 and response.location == "/admin/login/code"
    # The password alone opens nothing.
    assert client.get("/admin/").status_code == 302
    assert "Kod logowania" in text(client.get("/admin/login/code"))
    response = client.post(
        "/admin/login/code",
        data={
            "code": current_code(clerk.id, 30),
            "csrf_token": csrf_token(client, "/admin/login/code"),
        },
    )
    assert response.status_code == 302 and response.location == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert actions()[-2:] == ["login_password_accepted", "login"]


def test_a_code_works_only_once(app, client, clerk):
    form_login(client, "clerk@demo.test")
    enrol(client, clerk.id)
    post(client, "/admin/logout")
    code = current_code(clerk.id, 30)
    assert log_in_with_code(client, "clerk@demo.test", code).status_code == 302
    post(client, "/admin/logout")
    assert log_in_with_code(client, "clerk@demo.test", code).status_code == 401


@pytest.mark.parametrize("code", ["000000", "12345", "1234567", "abc", "x" * 40, "   "])
def test_a_wrong_code_is_refused_and_counted(client, clerk, code):
    form_login(client, "clerk@demo.test")
    enrol(client, clerk.id)
    post(client, "/admin/logout")
    response = log_in_with_code(client, "clerk@demo.test", code)
    assert response.status_code in (400, 401)
    assert client.get("/admin/").status_code == 302
    if response.status_code == 401:
        assert "Kod jest nieprawidłowy albo już wygasł" in text(response)
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "login_failed")
        ).all()
        assert events[-1].after == {"reason": "code"}


def test_five_wrong_codes_lock_the_account(client, clerk):
    form_login(client, "clerk@demo.test")
    enrol(client, clerk.id)
    post(client, "/admin/logout")
    assert form_login(client, "clerk@demo.test", REMOTE_ADDR="10.5.0.1").status_code == 302
    for n in range(5):
        response = client.post(
            "/admin/login/code",
            data={"code": "000000", "csrf_token": csrf_token(client, "/admin/login/code")},
            environ_base={"REMOTE_ADDR": f"10.5.{n}.1"},
        )
        assert response.status_code == 401
    assert "account_locked" in actions()
    response = client.post(
        "/admin/login/code",
        data={
            "code": current_code(clerk.id),
            "csrf_token": csrf_token(client, "/admin/login/code"),
        },
        environ_base={"REMOTE_ADDR": "10.5.9.1"},
    )
    assert response.status_code == 429 and "Konto jest zablokowane do" in text(response)
    assert client.get("/admin/").status_code == 302


def test_a_recovery_code_logs_in_once(client, clerk):
    form_login(client, "clerk@demo.test")
    codes = enrol(client, clerk.id)
    post(client, "/admin/logout")

    response = log_in_with_code(client, "clerk@demo.test", codes[3].upper().replace("-", " "))
    assert response.status_code == 302 and response.location == "/admin/"
    assert "zostało ich 9" in text(client.get("/admin/"))
    assert db.session.scalars(
        sa.select(AuditEvent.after).where(AuditEvent.action == "login")
    ).all()[-1] == {"code": "recovery"}
    post(client, "/admin/logout")

    response = log_in_with_code(client, "clerk@demo.test", codes[3])
    assert response.status_code == 401
    assert log_in_with_code(client, "clerk@demo.test", codes[4]).status_code == 302


def test_new_recovery_codes_replace_the_old_ones(client, clerk):
    form_login(client, "clerk@demo.test")
    old = enrol(client, clerk.id)
    response = post(
        client,
        "/admin/account/two-factor",
        {"step": "regenerate", "code": current_code(clerk.id, 30)},
    )
    assert response.status_code == 200
    assert "recovery_codes_regenerated" in actions()
    post(client, "/admin/logout")
    assert log_in_with_code(client, "clerk@demo.test", old[0]).status_code == 401


def test_two_factor_can_be_switched_off_with_a_code(client, clerk):
    form_login(client, "clerk@demo.test")
    enrol(client, clerk.id)
    response = post(
        client, "/admin/account/two-factor", {"step": "disable", "code": current_code(clerk.id, 30)}
    )
    assert response.status_code == 302
    user = db.session.get(User, clerk.id)
    assert not user.totp_enabled and user.totp_secret is None
    assert "two_factor_disabled" in actions()
    post(client, "/admin/logout")
    assert form_login(client, "clerk@demo.test").location == "/admin/"


def test_the_pending_password_step_expires(client, clerk):
    form_login(client, "clerk@demo.test")
    enrol(client, clerk.id)
    post(client, "/admin/logout")
    form_login(client, "clerk@demo.test")
    with client.session_transaction("/admin/") as session:
        pending = dict(session["two_factor_pending"])
        pending["at"] -= 6 * 60
        session["two_factor_pending"] = pending
    response = client.get("/admin/login/code")
    assert response.status_code == 302 and response.location == "/admin/login"


def test_an_office_that_requires_two_factor_sends_its_users_to_enrol(client, office, clerk):
    create_user("head@demo.test", office=office)
    form_login(client, "head@demo.test")
    row = db.session.get(Office, office.id)
    form = office_form(row, require_two_factor="y")
    response = post(client, f"/admin/office/edit/?id={office.id}", form)
    assert response.status_code == 302, text(response)
    assert db.session.get(Office, office.id).require_two_factor is True
    update = db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.action == "update", AuditEvent.object_type == "Office"
        )
    ).all()[-1]
    assert update.after == {"require_two_factor": True}

    other = client.application.test_client()
    response = form_login(other, "clerk@demo.test")
    assert response.status_code == 302 and response.location == "/admin/account/two-factor"
    for url in ("/admin/", "/admin/response/", "/admin/account/"):
        refused = other.get(url)
        assert refused.status_code == 302 and refused.location == "/admin/account/two-factor", url
    page = text(other.get("/admin/account/two-factor"))
    assert "Urząd wymaga logowania dwuetapowego" in page
    enrol(other, clerk.id)
    assert other.get("/admin/response/").status_code == 200
    # Required: it cannot be switched off.
    response = post(
        other,
        "/admin/account/two-factor",
        {
            "step": "disable",
            "code": current_code(clerk.id, 30),
            "csrf_token": csrf_token(other, "/admin/account/two-factor"),
        },
    )
    assert response.status_code == 400
    assert db.session.get(User, clerk.id).totp_enabled is True


def test_superadmins_can_be_required_to_use_two_factor(app, client):
    create_office()
    create_user("super@ops.test", role="superadmin")
    app.config["SUPERADMIN_REQUIRE_TWO_FACTOR"] = True
    try:
        response = form_login(client, "super@ops.test")
        assert response.location == "/admin/account/two-factor"
        assert client.get("/admin/office/").location == "/admin/account/two-factor"
    finally:
        app.config["SUPERADMIN_REQUIRE_TWO_FACTOR"] = False


def test_the_english_panel_words_the_code_page(client, clerk):
    form_login(client, "clerk@demo.test")
    enrol(client, clerk.id)
    post(client, "/admin/logout")
    client.get("/admin/login?lang=en")
    form_login(client, "clerk@demo.test")
    page = text(client.get("/admin/login/code"))
    assert "Sign-in code" in page and '<html lang="en">' in page


def test_an_admin_switches_off_a_users_lost_two_factor(app, client, office, clerk):
    clerk_browser = app.test_client()
    form_login(clerk_browser, "clerk@demo.test")
    enrol(clerk_browser, clerk.id)
    create_user("head@demo.test", office=office)
    form_login(client, "head@demo.test")
    listing = text(client.get("/admin/user/"))
    assert "Logowanie dwuetapowe" in listing
    form = {"email": "clerk@demo.test", "name": "", "role": "admin", "active": "y"}
    response = post(client, f"/admin/user/edit/?id={clerk.id}", {**form, "reset_two_factor": "y"})
    assert response.status_code == 302
    user = db.session.get(User, clerk.id)
    assert not user.totp_enabled and user.totp_secret is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)) == 0
    assert "two_factor_reset" in actions("head@demo.test")
    assert clerk_browser.get("/admin/").status_code == 302  # the clerk's sessions ended
    # The secret never reached the audit log.
    for event in db.session.scalars(sa.select(AuditEvent)):
        assert "totp_secret" not in str(event.before) + str(event.after)
    assert form_login(clerk_browser, "clerk@demo.test").location == "/admin/"


# ---------------------------------------------------------------------------------------------
# The secret at rest


def stored_secret(user_id: int) -> str:
    """Return app_user.totp_secret as the database holds it."""
    return db.session.execute(
        sa.text("SELECT totp_secret FROM app_user WHERE id = :id"), {"id": user_id}
    ).scalar_one()


def test_the_secret_is_stored_sealed_and_never_in_the_audit_log(client, clerk):
    form_login(client, "clerk@demo.test")
    enrol(client, clerk.id)
    secret = read_secret(db.session.get(User, clerk.id))
    stored = stored_secret(clerk.id)
    assert len(secret) == 32 and stored.startswith("fernet:")
    forms = {secret, secret.lower(), base64.b32decode(secret).hex()}
    forms |= {
        base64.b64encode(secret.encode()).decode(),
        base64.b32encode(secret.encode()).decode(),
    }
    assert not any(form in stored for form in forms)
    # Enrolled, logged out, in again with a code from the app, new recovery codes: the log
    # holds neither the secret nor what is stored.
    post(client, "/admin/logout")
    assert (
        log_in_with_code(client, "clerk@demo.test", current_code(clerk.id, 30)).status_code == 302
    )
    post(
        client,
        "/admin/account/two-factor",
        {"step": "regenerate", "code": current_code(clerk.id, 60)},
    )
    audit_rows = db.session.execute(sa.text("SELECT * FROM audit_event")).all()
    assert len(audit_rows) >= 5
    logged = " ".join(str(value) for row in audit_rows for value in row)
    assert secret not in logged and stored[7:40] not in logged and "totp_secret" not in logged


def test_a_different_secret_key_cannot_read_it(app, client, clerk):
    form_login(client, "clerk@demo.test")
    codes = enrol(client, clerk.id)
    post(client, "/admin/logout")
    code = current_code(clerk.id, 30)
    app.config["SECRET_KEY"] = "another-secret-key-fedcba9876543210"  # a new deployment's key

    response = log_in_with_code(client, "clerk@demo.test", code)
    assert response.status_code == 401  # told what to do, not a 500
    page = " ".join(text(response).split())
    assert "zmienił się klucz serwera" in page and "kodów odzyskiwania" in page
    assert "administratora" in page
    assert client.get("/admin/").status_code == 302
    assert db.session.scalars(
        sa.select(AuditEvent.after).where(AuditEvent.action == "login_failed")
    ).all()[-1] == {"reason": "code_unreadable"}
    # A recovery code still logs in; on the account page a code from the app is refused in words.
    assert log_in_with_code(client, "clerk@demo.test", codes[0]).status_code == 302
    response = post(client, "/admin/account/two-factor", {"step": "regenerate", "code": code})
    assert response.status_code == 400 and "zmienił się klucz serwera" in text(response)


def test_a_dedicated_key_outlives_a_new_secret_key(app, client, clerk):
    app.config["TOTP_ENCRYPTION_KEY"] = "a-dedicated-totp-key-0123456789"
    form_login(client, "clerk@demo.test")
    enrol(client, clerk.id)
    post(client, "/admin/logout")
    app.config["SECRET_KEY"] = "another-secret-key-fedcba9876543210"
    assert (
        log_in_with_code(client, "clerk@demo.test", current_code(clerk.id, 30)).status_code == 302
    )


def test_a_plain_text_secret_of_before_works_and_is_sealed_at_its_next_use(client, clerk):
    secret = pyotp.random_base32()
    user = db.session.get(User, clerk.id)
    user.totp_secret, user.totp_enabled = secret, True  # as stored before secrets were sealed
    db.session.commit()
    code = pyotp.TOTP(secret).at(time.time() + 30)
    assert log_in_with_code(client, "clerk@demo.test", code).status_code == 302
    stored = stored_secret(clerk.id)
    assert stored.startswith("fernet:") and secret not in stored
    assert read_secret(db.session.get(User, clerk.id)) == secret
