"""Confirmation before anything permanent: a real server-side step, without JavaScript.

A permanent action is a POST. Without ``confirm_token`` the view answers a confirmation page that
shows what will happen and carries a signed token naming the action, its object and the user; the
page's button posts the same form again with the token (and the CSRF token). A token that is
forged, expired, or made for another action, object or user is refused with 400 and a human page.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from .base import error_page, get_user

FIELD = "confirm_token"
MAX_AGE_SECONDS = 30 * 60


class ConfirmationRefused(Exception):
    """The confirmation token is not valid for this action: answer ``page``."""

    def __init__(self, page: Any) -> None:
        super().__init__("confirmation refused")
        self.page = page


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="ocen-confirm")


def _claim(action: str, subject: str) -> dict[str, Any]:
    user = get_user()
    return {"action": action, "subject": subject, "user": user.id if user else None}


def confirm_token(action: str, subject: Any) -> str:
    """Return the token a confirmation page carries for ``action`` on ``subject``."""
    return _serializer().dumps(_claim(action, str(subject)))


def is_confirmed(action: str, subject: Any) -> bool:
    """Tell whether the request confirms ``action`` on ``subject``; False when it is the first step.

    Raises ConfirmationRefused (a 400 page) for a token that is forged, expired or made for
    another action, object or user.
    """
    token = request.form.get(FIELD, "")
    if not token:
        return False
    try:
        claim = _serializer().loads(token, max_age=MAX_AGE_SECONDS)
    except SignatureExpired:
        raise ConfirmationRefused(
            error_page(
                400,
                _("Potwierdzenie wygasło (ważne 30 minut). Wróć i wykonaj operację jeszcze raz."),
            )
        ) from None
    except BadSignature:
        claim = None
    if claim != _claim(action, str(subject)):
        raise ConfirmationRefused(
            error_page(
                400,
                _(
                    "Nieprawidłowe potwierdzenie: nie pochodzi z tej strony albo dotyczy innej "
                    "operacji. Nic nie zostało zmienione. Wróć i wykonaj operację jeszcze raz."
                ),
            )
        )
    return True
