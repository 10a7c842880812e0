"""Login, logout, lockout and idle timeout for the panel (Flask-Login, argon2, Flask-WTF)."""

from __future__ import annotations

import hashlib
import math
import time
from datetime import timedelta
from urllib.parse import unquote, urlsplit

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
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from collector.enums import Role
from collector.extensions import db
from collector.models import AuditEvent, User, utcnow
from collector.operations import DomainError
from collector.operations.two_factor import (
    check_second_factor,
    is_two_factor_required,
    recovery_codes_left,
)
from collector.operations.users import end_sessions
from collector.passwords import verify_dummy_password, verify_password
from reports.periods import to_local

from .auditing import audit, get_remote_addr
from .base import panel_access, redirect_to_login
from .problems import TEXTS

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
def load_user(session_user_id: str) -> User | None:
    """Return the session's user if it still exists, is active and the session was not ended.

    The session holds ``User.get_id()``: the id and the session version it began with. Logout,
    a password change and deactivation raise the version, which ends every session at once.
    """
    user_id, _sep, version = str(session_user_id).partition(":")
    try:
        user = db.session.get(User, int(user_id))
        version_number = int(version)
    except (TypeError, ValueError):
        return None
    if user is None or not user.active or version_number != (user.session_version or 0):
        return None
    return user


@login_manager.unauthorized_handler
def unauthorized() -> Response:
    return redirect_to_login()


# ---------------------------------------------------------------------------------------------
# Lockout


def get_address_limiter() -> tuple[MovingWindowRateLimiter, object]:
    """Return the per-address failure counter (memory or Redis) and its limit."""
    limiter, failures, _lock = current_app.extensions["admin_login_limiter"]
    return limiter, failures


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


# An address that has no account is "locked" exactly as an account would be (five failures in
# the window, then the lockout), so that the lock message does not tell which addresses have an
# account. Counted where the address counters are (memory or Redis), under a hash of the address.


def unknown_account_key(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()


def unknown_account_lock_seconds(email: str) -> float:
    """Return how long an address without an account stays "locked" (0 when not)."""
    limiter, _failures, lock = current_app.extensions["admin_login_limiter"]
    key = unknown_account_key(email)
    if limiter.test(lock, "admin-login-lock", key):
        return 0
    stats = limiter.get_window_stats(lock, "admin-login-lock", key)
    return max(1.0, stats.reset_time - time.time())


def count_unknown_account_failure(email: str) -> None:
    """Count a failure for an address without an account; "lock" it at the limit."""
    limiter, failures, lock = current_app.extensions["admin_login_limiter"]
    key = unknown_account_key(email)
    limiter.hit(failures, "admin-login-unknown", key)
    if not limiter.test(failures, "admin-login-unknown", key):
        limiter.hit(lock, "admin-login-lock", key)
        limiter.clear(failures, "admin-login-unknown", key)


def account_lock_seconds(user: User | None, email: str) -> float:
    """Return how long the account (or the address without one) stays locked; 0 when not."""
    if user is None:
        return unknown_account_lock_seconds(email)
    now = utcnow()
    if user.locked_until is not None and user.locked_until > now:
        return (user.locked_until - now).total_seconds()
    return 0


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def is_safe_next(target: str | None) -> bool:
    """Accept only a plain local path under /admin as the page to return to after login.

    Refused: other sites (``https://…``, ``//…``), backslashes (browsers read them as ``/``),
    and control characters or spaces, typed or percent-encoded (a CR LF would split the
    redirect's headers).
    """
    if not target or len(target) > 2000:
        return False
    decoded = unquote(target)
    for text in (target, decoded):
        if any(ord(char) < 0x21 or ord(char) == 0x7F for char in text) or "\\" in text:
            return False
        if text.startswith("//"):
            return False
    parts = urlsplit(target)
    return (
        not parts.scheme
        and not parts.netloc
        and (target == "/admin" or target.startswith(("/admin/", "/admin?")))
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


def lock_message(seconds: float) -> str:
    """Return the account lock message (the same whether or not the account exists)."""
    until = utcnow() + timedelta(seconds=seconds)
    return _(
        "Zbyt wiele nieudanych prób logowania na to konto. Konto jest zablokowane do %(until)s "
        "(jeszcze około %(minutes)s min). Spróbuj później lub poproś administratora o pomoc.",
        until=to_local(until).strftime("%H:%M"),
        minutes=minutes_left(seconds),
    )


def address_lock_message(seconds: float) -> str:
    return _(
        "Zbyt wiele nieudanych prób logowania z tego adresu. Kolejne próby są wstrzymane na "
        "około %(minutes)s min. Spróbuj później.",
        minutes=minutes_left(seconds),
    )


def get_next_page() -> str:
    next_page = request.values.get("next", "")
    return next_page if is_safe_next(next_page) else ""


def finish_login(user: User, next_page: str, **details: str) -> Response:
    """Record the login and start the session; send the user on (to enrol if 2FA is required)."""
    user.failed_logins = 0
    user.locked_until = None
    # Keep the login before this one: the start page shows it ("Ostatnie logowanie").
    user.previous_login_at = user.last_login_at
    user.last_login_at = utcnow()
    audit("login", user, user=user, after=details or None)
    db.session.commit()
    start_session(user)
    if needs_enrolment(user):
        flash(
            _(
                "Urząd wymaga logowania dwuetapowego. Włącz je teraz, aby korzystać z panelu: "
                "zeskanuj kod QR aplikacją uwierzytelniającą i wpisz kod, który pokaże."
            ),
            "warning",
        )
        return redirect(url_for("account.two_factor"))
    return redirect(next_page or url_for("admin.index"))


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    """Show the login form and log the user in; refuse locked accounts and addresses.

    The answer takes the same time and says the same whether or not the address has an account:
    a password is always checked against an Argon2 hash (a dummy one when there is no account),
    and addresses without an account are "locked" after as many failures as real ones.
    """
    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    form = LoginForm()
    next_page = get_next_page()

    def page(error: str | None, status: int) -> tuple[str, int]:
        return render_template(
            "admin/ocen/login.html", form=form, error=error, next=next_page
        ), status

    if request.method == "POST":
        locked_for = address_lock_seconds()
        if locked_for:
            return page(address_lock_message(locked_for), 429)
    if not form.validate_on_submit():
        return page(None, 400 if request.method == "POST" else 200)

    email = form.email.data.strip().lower()
    user = find_user(email)
    if user is not None:
        password_ok = verify_password(user.password_hash, form.password.data)
    else:
        password_ok = verify_dummy_password(form.password.data)

    locked_for = account_lock_seconds(user, email)
    if locked_for:
        if user is not None:
            audit("login_failed", user, user=user, after={"reason": "locked"})
        else:
            audit("login_failed", user_email=email[:254], after={"reason": "unknown user, locked"})
        db.session.commit()
        return page(lock_message(locked_for), 429)

    if user is None or not user.active or not password_ok:
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
            count_unknown_account_failure(email)
        if count_address_failure():
            audit(
                "address_locked",
                user_email=email[:254],
                office_id=user.office_id if user else None,
                after={"address": get_remote_addr()},
            )
        db.session.commit()
        return page(_("Nieprawidłowy adres e-mail lub hasło."), 401)

    if user.totp_enabled:
        # The password was right; the session knows only that, until the code is right too.
        kept = {k: session[k] for k in KEPT_SESSION_KEYS if k in session}
        session.clear()
        session.update(kept)
        session[PENDING_KEY] = {"user": user.get_id(), "at": int(time.time()), "next": next_page}
        audit("login_password_accepted", user, user=user)
        db.session.commit()
        return redirect(url_for("auth.login_code"))
    return finish_login(user, next_page)


# ---------------------------------------------------------------------------------------------
# Two-factor login: the code after the password

PENDING_KEY = "two_factor_pending"
PENDING_SECONDS = 5 * 60


class CodeForm(FlaskForm):
    code = StringField(
        _l("Kod z aplikacji albo kod odzyskiwania"),
        validators=[DataRequired(_l("Wpisz kod.")), Length(max=40)],
        render_kw={
            "autocomplete": "one-time-code",
            "autofocus": True,
            "autocapitalize": "none",
            "spellcheck": "false",
        },
    )


def get_pending_user() -> User | None:
    """Return the user whose password was accepted in this session a moment ago, or None."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or not isinstance(pending.get("at"), int):
        return None
    if time.time() - pending["at"] > PENDING_SECONDS:
        return None
    user = load_user(str(pending.get("user", "")))
    return user if user is not None and user.totp_enabled else None


@bp.route("/login/code", methods=["GET", "POST"])
def login_code() -> Response | str | tuple[str, int]:
    """Ask for the TOTP (or a recovery) code after the password; wrong codes count as failures."""
    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    user = get_pending_user()
    if user is None:
        session.pop(PENDING_KEY, None)
        flash(_("Zaloguj się ponownie: minęło zbyt wiele czasu od podania hasła."), "warning")
        return redirect(url_for("auth.login"))
    form = CodeForm()

    def page(error: str | None, status: int) -> tuple[str, int]:
        return render_template("admin/ocen/login_code.html", form=form, error=error), status

    if request.method == "POST":
        locked_for = address_lock_seconds() or account_lock_seconds(user, user.email)
        if locked_for:
            session.pop(PENDING_KEY, None)
            audit("login_failed", user, user=user, after={"reason": "locked"})
            db.session.commit()
            message = address_lock_message(locked_for) if address_lock_seconds() else None
            return page(message or lock_message(locked_for), 429)
    if not form.validate_on_submit():
        return page(None, 400 if request.method == "POST" else 200)

    try:
        method = check_second_factor(user, form.code.data)
        reason, message = "code", TEXTS["two_factor_code_wrong"]
    except DomainError as error:  # the stored secret no longer opens: a recovery code or a reset
        method, reason, message = None, "code_unreadable", TEXTS[error.code]
    if method is None:
        # Counted like a wrong code: the recovery codes still answer here, so tries stay limited.
        audit("login_failed", user, user=user, after={"reason": reason})
        db.session.flush()
        count_account_failure(user)
        count_address_failure()
        db.session.commit()
        form.code.data = ""  # typed afresh from the app, not edited
        return page(_(message), 401)
    next_page = session.pop(PENDING_KEY, {}).get("next", "")
    if method == "recovery":
        left = recovery_codes_left(user)
        response = finish_login(user, next_page if is_safe_next(next_page) else "", code=method)
        flash(
            _(
                "Użyto kodu odzyskiwania; zostało ich %(left)s. Każdy działa tylko raz — "
                "w „Moje konto” można wygenerować nowe.",
                left=left,
            ),
            "warning",
        )
        return response
    return finish_login(user, next_page if is_safe_next(next_page) else "", code=method)


@bp.route("/logout", methods=["POST"])
@panel_access(roles=tuple(Role))
def logout() -> Response:
    """Log out (a POST with the CSRF token, so no other site can log a user out)."""
    user = current_user._get_current_object()
    audit("logout", user)
    end_sessions(user)  # every session of the user, in every browser, ends here
    db.session.commit()
    end_session()
    flash(_("Wylogowano."), "success")
    return redirect(url_for("auth.login"))


def needs_enrolment(user: User) -> bool:
    """Tell whether the user must switch two-factor login on before using the panel."""
    required = is_two_factor_required(
        user, superadmins_required=current_app.config["SUPERADMIN_REQUIRE_TWO_FACTOR"]
    )
    return required and not user.totp_enabled


# What a user who must enrol may still open: the enrolment page, logging out, static files.
ENROLMENT_ENDPOINTS = frozenset({"account.two_factor", "auth.logout", "auth.login"})


def require_enrolment() -> Response | None:
    """Send a user whose office requires two-factor login, and who has not enrolled, to enrol."""
    if not is_panel_request() or request.endpoint is None:
        return None
    if request.endpoint in ENROLMENT_ENDPOINTS or request.endpoint.endswith(".static"):
        return None
    if not current_user.is_authenticated or not needs_enrolment(current_user):
        return None
    return redirect(url_for("account.two_factor"))


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
    # Superadmins see every office: a deployment may require them to log in with a code too.
    app.config.setdefault("SUPERADMIN_REQUIRE_TWO_FACTOR", False)
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
    lock = parse_limit(f"1 per {app.config['LOGIN_LOCKOUT_MINUTES']} minutes")
    app.extensions["admin_login_limiter"] = (MovingWindowRateLimiter(storage), item, lock)
    app.before_request(check_idle_session)
    app.before_request(require_enrolment)
    app.register_blueprint(bp)
