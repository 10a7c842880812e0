"""The unsubscribe page of the staff's e-mail: the signed link in every message, no login needed.

``GET /powiadomienia/wypisz/<token>`` shows what the link switches off and one button; the button
(``POST``) switches it off. A plain ``GET`` changes nothing, because mail scanners and link
previews open every link in a message; mail programs that offer "unsubscribe" themselves send
the ``POST`` of RFC 8058 (``List-Unsubscribe-Post``). The path is public and cookieless
(``collector.sessions``): the signed token alone says who and what.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request, session, url_for
from flask import Response as HttpResponse
from flask_babel import force_locale
from flask_babel import gettext as _

from collector.enums import NotificationKind
from collector.extensions import db
from collector.headers import panel_policy, set_security_headers
from collector.models import User
from collector.operations.notifications import (
    MAIL_LANGUAGES,
    PREFERENCE_FIELDS,
    read_unsubscribe_token,
    unsubscribe,
)

from .base import error_page

bp = Blueprint("notifications", __name__, url_prefix="/powiadomienia")


@bp.after_request
def add_headers(response: HttpResponse) -> HttpResponse:
    """Keep the page out of frames and caches, like the panel's pages."""
    return set_security_headers(response, panel_policy(None))


def page_language(user: User | None) -> str:
    """Return the page's language: ``?lang=`` when chosen, else the user's e-mail language."""
    asked = request.args.get("lang", "")
    if asked in MAIL_LANGUAGES:
        return asked
    return user.notify_lang if user is not None and user.notify_lang in MAIL_LANGUAGES else "pl"


@bp.route("/wypisz/<token>", methods=("GET", "POST"))
def unsubscribe_page(token: str) -> Any:
    """Show what the link switches off (GET) and switch it off (POST)."""
    found = read_unsubscribe_token(current_app.config["SECRET_KEY"], token)
    user = db.session.get(User, found[0]) if found else None
    lang = page_language(user)
    # The session of a public path is never saved: this only tells the template its language.
    session["lang"] = lang
    with force_locale(lang):
        if found is None or user is None:
            return error_page(
                404,
                _(
                    "Ten link rezygnacji jest nieprawidłowy. Ustawienia powiadomień można "
                    "zmienić po zalogowaniu, na stronie „Moje konto”."
                ),
            )
        kind = NotificationKind(found[1])
        done = False
        if request.method == "POST":
            unsubscribe(user, kind)
            db.session.commit()
            done = True
        body = render_template(
            "admin/ocen/unsubscribe.html",
            user=user,
            kind_label=_(kind.msgid),
            receiving=getattr(user, PREFERENCE_FIELDS[kind]),
            done=done,
            action=url_for(".unsubscribe_page", token=token, lang=lang),
            account_url=url_for("account.index"),
        )
    return body
