"""Login, logout, lockout and idle timeout for the panel (Flask-Login, argon2, Flask-WTF)."""

from __future__ import annotations

import math
import time
from datetime import timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from limits import parse as parse_limit
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from werkzeug.wrappers import Response
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from collector.enums import Role
from collector.extensions import db
from collector.models import AuditEvent, User, utcnow
from collector.passwords import verify_password
from reports.periods import to_local

from .auditing import audit, get_remote_addr
from .base import panel_access, redirect_to_login

bp = Blueprint("auth", __name__, url_prefix="/admin")
login_manager = LoginManager()

# Flask session keys kept across logout (the chosen language is not personal).
KEPT_SESSION_KEYS = ("lang",)


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Adres e-mail"),
        validators=[DataRequired(_l("Podaj adres e-mail.")), Length(max=254)],
        render_kw={"autocomplete": "username", "autofocus": True},
    )
    password = PasswordField(
        _l("Hasło"),
        validators=[DataRequired(_l("Podaj hasło.")), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )


class LogoutForm(FlaskForm):
    """An empty form: logging out is a POST carrying the CSRF token."""


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Return the session's user if it still exists and is active."""
    try:
        user = db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
    return user if user is not None and user.active else None


@login_manager.unauthorized_handler
def unauthorized() -> Response:
    return redirect_to_login()


# ---------------------------------------------------------------------------------------------
# Lockout


def get_address_limiter() -> tuple[MovingWindowRateLimiter, object]:
    """Return the per-address failure counter (memory or Redis) and its limit."""
    return current_app.extensions["admin_login_limiter"]


def minutes_left(seconds: float) -> int:
    return max(1, math.ceil(seconds / 60))


def address_lock_seconds() -> float:
    """Return how long attempts from this address stay refused (0 when not locked)."""
    limiter, item = get_address_limiter()
    address = request.remote_addr or "unknown"
    if limiter.test(item, "admin-login", address):
        return 0
    stats = limiter.get_window_stats(item, "admin-login", address)
    return max(1.0, stats.reset_time - time.time())


def count_address_failure() -> bool:
    """Count a failed attempt from this address; return True when it has just become locked."""
    limiter, item = get_address_limiter()
    address = request.remote_addr or "unknown"
    limiter.hit(item, "admin-login", address)
    return not limiter.test(item, "admin-login", address)


def count_account_failure(user: User) -> None:
    """Count a failed attempt on the account; lock it when it reaches the limit within the window."""
    now = utcnow()
    window = timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])
    since = now - window
    for moment in (user.last_login_at, user.locked_until):
        if moment is not None and since < moment <= now:
            since = moment
    failures = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.user_id == user.id,
            AuditEvent.action == "login_failed",
            AuditEvent.at > since,
        )
    )
    user.failed_logins = failures
    if failures >= current_app.config["LOGIN_MAX_FAILURES"]:
        user.locked_until = now + timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])
        user.failed_logins = 0
        audit(
            "account_locked", user, user=user, after={"locked_until": user.locked_until.isoformat()}
        )


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def is_safe_next(target: str | None) -> bool:
    """Accept only a local path under /admin as the page to return to after login."""
    if not target:
        return False
    parts = urlsplit(target)
    return (
        not parts.scheme and not parts.netloc and target.startswith("/admin") and "\\" not in target
    )


def start_session(user: User) -> None:
    """Log the user in with a fresh, permanent (30-minute idle) session."""
    kept = {k: session[k] for k in KEPT_SESSION_KEYS if k in session}
    session.clear()
    session.update(kept)
    session.permanent = True
    login_user(user)
    session["last_seen"] = int(time.time())


def end_session() -> None:
    """Log out and forget everything in the session but the chosen language."""
    logout_user()
    kept = {k: session[k] for k in KEPT_SESSION_KEYS if k in session}
    session.clear()
    session.update(kept)


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    """Show the login form and log the user in; refuse locked accounts and addresses."""
    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    form = LoginForm()
    next_page = request.values.get("next", "")
    if not is_safe_next(next_page):
        next_page = ""
    if request.method == "POST":
        locked_for = address_lock_seconds()
        if locked_for:
            message = _(
                "Zbyt wiele nieudanych prób logowania z tego adresu. Kolejne próby są wstrzymane na "
                "około %(minutes)s min. Spróbuj później.",
                minutes=minutes_left(locked_for),
            )
            return render_template(
                "admin/ocen/login.html", form=form, error=message, next=next_page
            ), 429
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template(
            "admin/ocen/login.html", form=form, error=None, next=next_page
        ), status

    email = form.email.data.strip().lower()
    user = find_user(email)
    now = utcnow()
    if user is not None and user.locked_until is not None and user.locked_until > now:
        audit("login_failed", user, user=user, after={"reason": "locked"})
        db.session.commit()
        left = (user.locked_until - now).total_seconds()
        message = _(
            "Zbyt wiele nieudanych prób logowania na to konto. Konto jest zablokowane do %(until)s "
            "(jeszcze około %(minutes)s min). Spróbuj później lub poproś administratora o pomoc.",
            until=to_local(user.locked_until).strftime("%H:%M"),
            minutes=minutes_left(left),
        )
        return render_template(
            "admin/ocen/login.html", form=form, error=message, next=next_page
        ), 429

    if (
        user is None
        or not user.active
        or not verify_password(user.password_hash, form.password.data)
    ):
        if user is not None:
            audit(
                "login_failed",
                user,
                user=user,
                after={"reason": "password" if user.active else "inactive"},
            )
            db.session.flush()
            count_account_failure(user)
        else:
            audit("login_failed", user_email=email[:254], after={"reason": "unknown user"})
        if count_address_failure():
            audit(
                "address_locked",
                user_email=email[:254],
                office_id=user.office_id if user else None,
                after={"address": get_remote_addr()},
            )
        db.session.commit()
        return render_template(
            "admin/ocen/login.html",
            form=form,
            error=_("Nieprawidłowy adres e-mail lub hasło."),
            next=next_page,
        ), 401

    user.failed_logins = 0
    user.locked_until = None
    # Keep the login before this one: the start page shows it ("Ostatnie logowanie").
    user.previous_login_at = user.last_login_at
    user.last_login_at = now
    audit("login", user, user=user)
    db.session.commit()
    start_session(user)
    return redirect(next_page or url_for("admin.index"))


@bp.route("/logout", methods=["POST"])
@panel_access(roles=tuple(Role))
def logout() -> Response:
    """Log out (a POST with the CSRF token, so no other site can log a user out)."""
    audit("logout", current_user._get_current_object())
    db.session.commit()
    end_session()
    flash(_("Wylogowano."), "success")
    return redirect(url_for("auth.login"))


def is_panel_request() -> bool:
    """Tell whether the request is for the panel (under /admin)."""
    return request.path == "/admin" or request.path.startswith("/admin/")


def check_idle_session() -> Response | None:
    """End a session idle for longer than PERMANENT_SESSION_LIFETIME; refresh it otherwise."""
    if not request.path.startswith("/admin") or request.endpoint in (None, "admin.static"):
        return None
    if "_user_id" not in session:
        return None
    now = int(time.time())
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    last_seen = session.get("last_seen")
    if not isinstance(last_seen, int) or now - last_seen > lifetime:
        end_session()
        flash(_("Sesja wygasła po 30 minutach bezczynności. Zaloguj się ponownie."), "warning")
        return redirect_to_login()
    session["last_seen"] = now
    session.permanent = True
    return None


def init_app(app: Flask) -> None:
    """Bind Flask-Login, the login routes and the lockout counters to the app."""
    app.config.setdefault("LOGIN_MAX_FAILURES", 5)
    app.config.setdefault("LOGIN_FAILURE_WINDOW_MINUTES", 15)
    app.config.setdefault("LOGIN_LOCKOUT_MINUTES", 15)
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    # Flask-Login looks into the session after every request (for "remember me", which the panel
    # never uses); since Flask 3.1.3 any look adds "Vary: Cookie", which would keep CDNs from
    # caching widget.js and the survey. Limit that look to the panel.
    remember_hook = login_manager._update_remember_cookie
    app.after_request_funcs.setdefault(None, []).remove(remember_hook)
    app.after_request(lambda response: remember_hook(response) if is_panel_request() else response)
    # Counted where the API's rate limits are (memory, or Redis with several processes); the
    # address is a counter key only, never written to the database with a response.
    storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
    item = parse_limit(
        f"{app.config['LOGIN_MAX_FAILURES']} per {app.config['LOGIN_FAILURE_WINDOW_MINUTES']} minutes"
    )
    app.extensions["admin_login_limiter"] = (MovingWindowRateLimiter(storage), item)
    app.before_request(check_idle_session)
    app.register_blueprint(bp)
