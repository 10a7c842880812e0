"""Public pages never carry a session: no cookie is set and no ``Vary: Cookie`` is sent."""

from __future__ import annotations

from flask import Flask, Request, request
from flask import Response as HttpResponse
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin

# What residents and their browsers fetch: the widget, the survey API, the hosted page, health;
# and the unsubscribe link of the staff's e-mail (signed, needs no session).
PUBLIC_PREFIXES = ("/api/", "/s/", "/widget", "/healthz", "/static/", "/wyniki", "/powiadomienia/")


def is_public_path(path: str) -> bool:
    """Tell whether the path is one of the public, cookieless surfaces."""
    return path.startswith(PUBLIC_PREFIXES)


class PanelOnlySessionInterface(SecureCookieSessionInterface):
    """Keep Flask's signed-cookie session for the panel only.

    Extensions such as Flask-Login look at the session after every request; on a public response
    that would add ``Vary: Cookie`` (which stops CDNs sharing ``widget.js`` and the survey JSON)
    and could set a cookie on a resident (ePrivacy). So public responses skip saving it.
    """

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if is_public_path(request.path):
            # An empty session that is never saved: no cookie parsing or signing on public requests.
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: HttpResponse) -> None:
        if is_public_path(request.path):
            return
        super().save_session(app, session, response)
