"""Two-factor login with TOTP codes (RFC 6238, the codes of authenticator apps) and recovery codes.

Enrolment has two steps: ``start_enrolment`` gives the user a new secret (shown as a QR code and
as text), ``confirm_enrolment`` switches it on once a code from the app matches and returns ten
one-time recovery codes, shown once and stored only as Argon2 hashes. ``check_second_factor`` is the
second step of a login. Every step is audited; the caller commits.

The secret is stored sealed (Fernet: AES-CBC with an HMAC) under a key derived by HKDF from
``TOTP_ENCRYPTION_KEY``, or from ``SECRET_KEY`` when that is empty, so a copy of the database
alone cannot mint codes. A secret stored in plain text before sealing still works and is sealed at
its next successful use. A secret that no longer opens (the key changed) refuses with
``two_factor_secret_unreadable``: the user logs in with a recovery code or an admin resets it.
"""

from __future__ import annotations

import base64
import re
import secrets
import time

import pyotp
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

from ..audit import Actor, audit_change
from ..enums import Role
from ..extensions import db
from ..models import Office, RecoveryCode, User, utcnow
from ..passwords import hash_password, verify_password
from .problems import DomainError
from .users import end_sessions

ISSUER = "Oceń Urząd"
RECOVERY_CODE_COUNT = 10
# Lower-case letters and digits without look-alikes (0/o, 1/l/i); 12 of them: about 60 bits.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TOTP_CODE_RE = re.compile(r"^\d{6}$")
# The app's clock may be 30 s off either way.
VALID_WINDOW = 1
# A sealed secret starts with this; one without it was stored in plain text before sealing.
SEALED_PREFIX = "fernet:"
KEY_INFO = b"ocen-urzad app_user.totp_secret v1"


def _fernet() -> Fernet:
    """Return the cipher of TOTP secrets, its key derived from the app's configuration."""
    material = current_app.config.get("TOTP_ENCRYPTION_KEY") or current_app.config["SECRET_KEY"]
    if isinstance(material, str):
        material = material.encode()
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KEY_INFO).derive(material)
    return Fernet(base64.urlsafe_b64encode(key))


def seal_secret(secret: str) -> str:
    """Return the secret as it is stored: encrypted and authenticated."""
    return SEALED_PREFIX + _fernet().encrypt(secret.encode()).decode("ascii")


def is_sealed(stored: str | None) -> bool:
    return bool(stored and stored.startswith(SEALED_PREFIX))


def read_secret(user: User) -> str | None:
    """Return the user's TOTP secret in clear (None if none); refuse if it no longer opens."""
    stored = user.totp_secret
    if not stored:
        return None
    if not is_sealed(stored):
        return stored  # stored before secrets were sealed: sealed at its next successful use
    try:
        return _fernet().decrypt(stored[len(SEALED_PREFIX) :].encode("ascii")).decode()
    except (InvalidToken, ValueError):
        raise DomainError("two_factor_secret_unreadable", field="code") from None


def is_secret_readable(user: User) -> bool:
    """Tell whether the user's stored secret (if any) opens with the current key."""
    try:
        read_secret(user)
    except DomainError:
        return False
    return True


def is_two_factor_required(user: User, superadmins_required: bool = False) -> bool:
    """Tell whether the user must log in with a code: their office requires it (or, with
    ``superadmins_required``, they are a superadmin)."""
    if user.role == Role.SUPERADMIN:
        return superadmins_required
    office = db.session.get(Office, user.office_id) if user.office_id else None
    return bool(office and office.require_two_factor)


def start_enrolment(user: User, actor: Actor) -> str:
    """Give the user a new TOTP secret, not yet in force; return it."""
    if user.totp_enabled:
        raise DomainError("two_factor_already_on")
    secret = pyotp.random_base32()
    user.totp_secret = seal_secret(secret)
    audit_change("two_factor_enrolment_started", user, actor=actor)
    return secret


def provisioning_uri(user: User) -> str:
    """Return the otpauth:// address an authenticator app reads from the QR code."""
    secret = read_secret(user)
    assert secret
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def normalize_code(code: str) -> str:
    """Return a typed code without spaces and dashes, in lower case."""
    return re.sub(r"[\s\-]", "", code or "").lower()


def accept_totp(user: User, code: str, now: float | None = None) -> bool:
    """Tell whether ``code`` is the app's current code; remember its time step so that the same
    code cannot log in twice."""
    code = normalize_code(code)
    if not user.totp_secret or not TOTP_CODE_RE.match(code):
        return False
    secret = read_secret(user)
    if secret is None:
        return False
    totp = pyotp.TOTP(secret)
    now = time.time() if now is None else now
    step = int(now) // totp.interval
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        candidate = step + offset
        if user.totp_last_step is not None and candidate <= user.totp_last_step:
            continue
        if secrets.compare_digest(totp.at(candidate * totp.interval), code):
            user.totp_last_step = candidate
            if not is_sealed(user.totp_secret):
                user.totp_secret = seal_secret(secret)  # a plain-text secret of before: sealed now
            return True
    return False


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with ten new ones; return them (shown once)."""
    for old in list(user.recovery_codes):
        db.session.delete(old)
    user.recovery_codes.clear()
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(12))
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:]}")
        user.recovery_codes.append(RecoveryCode(code_hash=hash_password(raw)))
    return codes


def confirm_enrolment(user: User, code: str, actor: Actor) -> list[str]:
    """Switch two-factor login on if ``code`` matches the new secret; return the recovery codes."""
    if user.totp_enabled:
        raise DomainError("two_factor_already_on")
    if not user.totp_secret:
        raise DomainError("two_factor_not_started")
    if not accept_totp(user, code):
        raise DomainError("two_factor_code_wrong", field="code")
    user.totp_enabled = True
    codes = new_recovery_codes(user)
    end_sessions(user)  # other sessions began with one factor: they end
    audit_change("two_factor_enabled", user, actor=actor)
    return codes


def regenerate_recovery_codes(user: User, code: str, actor: Actor) -> list[str]:
    """Give new recovery codes (the old ones stop working) after a code from the app."""
    if not user.totp_enabled:
        raise DomainError("two_factor_not_started")
    if not accept_totp(user, code):
        raise DomainError("two_factor_code_wrong", field="code")
    codes = new_recovery_codes(user)
    audit_change("recovery_codes_regenerated", user, actor=actor)
    return codes


def disable(user: User, code: str, actor: Actor, *, required: bool) -> None:
    """Switch two-factor login off (a code from the app or a recovery code needed), unless required."""
    if required:
        raise DomainError("two_factor_required_by_office")
    if not user.totp_enabled:
        raise DomainError("two_factor_not_started")
    if check_second_factor(user, code) is None:
        raise DomainError("two_factor_code_wrong", field="code")
    user.totp_enabled = False
    user.totp_secret = None
    user.totp_last_step = None
    for old in list(user.recovery_codes):
        db.session.delete(old)
    user.recovery_codes.clear()
    audit_change("two_factor_disabled", user, actor=actor)


def reset(user: User, actor: Actor) -> None:
    """Switch a user's two-factor login off for them (a lost phone and lost codes); an admin's act.

    The user's sessions end; if the office requires two-factor login, they enrol again at the
    next login.
    """
    if not user.totp_enabled and not user.totp_secret:
        return
    user.totp_enabled = False
    user.totp_secret = None
    user.totp_last_step = None
    for old in list(user.recovery_codes):
        db.session.delete(old)
    user.recovery_codes.clear()
    end_sessions(user)
    audit_change("two_factor_reset", user, actor=actor)


def check_second_factor(user: User, code: str) -> str | None:
    """Return how the second step was passed ("totp" or "recovery"), or None for a wrong code.

    A recovery code works once: it is marked used.
    A secret that no longer opens (the key changed) still lets a recovery code in; any other code
    is refused with ``two_factor_secret_unreadable``, which tells the user what to do.
    """
    if not user.totp_enabled:
        return None
    unreadable: DomainError | None = None
    try:
        if accept_totp(user, code):
            return "totp"
    except DomainError as error:
        unreadable = error
    typed = normalize_code(code)
    if not TOTP_CODE_RE.match(typed) and 10 <= len(typed) <= 16:
        for recovery in user.recovery_codes:
            if recovery.used_at is None and verify_password(recovery.code_hash, typed):
                recovery.used_at = utcnow()
                return "recovery"
    if unreadable is not None:
        raise unreadable
    return None


def recovery_codes_left(user: User) -> int:
    """Return how many recovery codes the user has not used yet."""
    return sum(1 for recovery in user.recovery_codes if recovery.used_at is None)
