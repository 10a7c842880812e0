"""admin: the staff panel at /admin (Flask-Admin), login, roles, audit log. See ARCHITECTURE.md.

``init_app(app)`` builds one ``flask_admin.Admin`` per app and returns it, so that other parts of
the panel can add their views::

    panel = app.extensions["ocen_admin"]
    panel.add_view(MyView(Model, db.session, name=_l("..."), endpoint="my"))

Every view must derive from ``admin.base.OfficeScopedView`` (model views) or
``admin.base.PanelView`` (other pages); see that module.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import Blueprint, Flask, current_app, g, request, url_for
from flask import Response as HttpResponse
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError, CSRFProtect

from collector.extensions import db
from collector.headers import panel_policy, set_security_headers
from collector.models import AuditEvent, Department, Office, User

from . import auth, i18n
from .localtime import local_time

csrf = CSRFProtect()


def protect_panel_forms() -> None:
    """Check the CSRF token of every state-changing request under /admin."""
    if (
        request.path.startswith("/admin")
        and request.method not in ("GET", "HEAD", "OPTIONS", "TRACE")
        and current_app.config.get("WTF_CSRF_ENABLED", True)
    ):
        csrf.protect()


def handle_csrf_error(error: CSRFError) -> Any:
    """Answer a form without a valid CSRF token with a human page, 400."""
    from .base import error_page

    return error_page(400)


def language_url(code: str) -> str:
    """Return this page's address in another panel language."""
    args = request.args.to_dict()
    args["lang"] = code
    if request.endpoint:
        try:
            return url_for(request.endpoint, **(request.view_args or {}), **args)
        except Exception:  # noqa: BLE001  (a page without a buildable URL: fall back to the query)
            pass
    return "?lang=" + code


def template_helpers() -> dict[str, Any]:
    from .base import role_label

    return {
        "_": _,
        "panel_language": i18n.get_language,
        "panel_languages": lambda: list(i18n.LANGUAGE_NAMES.items()),
        "language_url": language_url,
        "panel_message": i18n.panel_message,
        "role_label": role_label,
    }


def get_csp_nonce() -> str:
    """Return this request's nonce for the panel's inline scripts (Flask-Admin's few)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def add_panel_headers(response: HttpResponse) -> HttpResponse:
    """Put the security headers on every panel response: pages, errors, redirects, downloads.

    Static files (Bootstrap, panel.js) stay cacheable: they hold nothing of anyone's.
    """
    if auth.is_panel_request():
        is_static = (request.endpoint or "").endswith(".static")
        set_security_headers(response, panel_policy(g.get("csp_nonce")), cache=is_static)
    return response


def build_admin(app: Flask) -> Admin:
    """Build the panel and its views for this app."""
    from .account import AccountView
    from .auditlog import AuditEventView
    from .home import HomeView
    from .offices import DepartmentView, OfficeView
    from .users import UserView

    panel = Admin(
        app,
        name="Oceń Urząd",
        url="/admin",
        theme=Bootstrap4Theme(base_template="admin/ocen/base.html"),
        index_view=HomeView(name=_l("Strona główna"), url="/admin"),
        csp_nonce_generator=get_csp_nonce,
    )
    panel.add_view(OfficeView(Office, db.session, name=_l("Dane urzędu"), endpoint="office"))
    panel.add_view(
        DepartmentView(Department, db.session, name=_l("Wydziały"), endpoint="department")
    )
    panel.add_view(UserView(User, db.session, name=_l("Użytkownicy"), endpoint="user"))
    panel.add_view(
        AuditEventView(AuditEvent, db.session, name=_l("Dziennik zdarzeń"), endpoint="audit")
    )
    panel.add_view(AccountView(name=_l("Moje konto"), endpoint="account"))
    from .reports_views import init_reports_views

    init_reports_views(panel)
    from .comparison import init_comparison_view

    init_comparison_view(panel)
    from .flows import add_flow_views

    add_flow_views(panel)
    return panel


def init_app(app: Flask) -> None:
    """Wire the panel into the app: languages, CSRF, login, the views."""
    i18n.init_app(app)
    # Only the panel uses the session: its cookie is never sent with widget.js, the API or the
    # hosted page, so those responses neither refresh it nor vary on it (CDN-cacheable).
    if app.config.get("SESSION_COOKIE_PATH") is None:
        app.config["SESSION_COOKIE_PATH"] = "/admin"
    # The public API takes cross-origin posts without cookies, so CSRF is checked for the panel only.
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    csrf.init_app(app)
    app.before_request(protect_panel_forms)
    app.before_request(remember_panel_language)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.after_request(add_panel_headers)
    app.register_blueprint(
        Blueprint(
            "admin_ui",
            __name__,
            template_folder="templates",
            static_folder="static",
            static_url_path="/admin/ui-static",
        )
    )
    app.context_processor(template_helpers)
    app.add_template_filter(local_time)
    auth.init_app(app)
    from .notifications import bp as notifications_bp

    app.register_blueprint(notifications_bp)
    app.extensions["ocen_admin"] = build_admin(app)


def remember_panel_language() -> None:
    if request.path.startswith("/admin"):
        i18n.remember_language()
