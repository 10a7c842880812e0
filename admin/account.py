"""The signed-in user's own account: change the password (the current one is required), switch
two-factor login (TOTP codes from an authenticator app) on or off, and choose which e-mails to
receive (the monthly digest, alerts, reminders; see reports/notify.py) and in which language."""

from __future__ import annotations

from typing import Any

import segno
from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from collector.extensions import db
from collector.operations import DomainError
from collector.operations.notifications import MAIL_LANGUAGES, get_mail_failures, set_preferences
from collector.operations.two_factor import (
    confirm_enrolment,
    disable,
    is_two_factor_required,
    provisioning_uri,
    recovery_codes_left,
    regenerate_recovery_codes,
    start_enrolment,
)
from collector.operations.users import set_password
from collector.passwords import MIN_PASSWORD_LENGTH, verify_password

from .auditing import get_actor
from .auth import start_session
from .base import ALL_ROLES, PanelView, expose, get_user, has_role, is_superadmin
from .i18n import LANGUAGE_NAMES
from .problems import error_text


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        _l("Obecne hasło"),
        validators=[DataRequired(_l("Podaj obecne hasło.")), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("Nowe hasło"), validators=[Length(max=1024)], render_kw={"autocomplete": "new-password"}
    )
    repeat_password = PasswordField(
        _l("Powtórz nowe hasło"),
        validators=[Length(max=1024)],
        render_kw={"autocomplete": "new-password"},
    )

    def validate_current_password(self, field: Any) -> None:
        if not verify_password(get_user().password_hash, field.data or ""):
            raise ValidationError(_("Obecne hasło jest nieprawidłowe."))

    def validate_new_password(self, field: Any) -> None:
        if len(field.data or "") < MIN_PASSWORD_LENGTH:
            raise ValidationError(
                _("Nowe hasło musi mieć co najmniej %(min)s znaków.", min=MIN_PASSWORD_LENGTH)
            )
        if field.data == self.current_password.data:
            raise ValidationError(_("Nowe hasło musi różnić się od obecnego."))

    def validate_repeat_password(self, field: Any) -> None:
        if field.data != self.new_password.data:
            raise ValidationError(_("Powtórzone hasło różni się od nowego."))


class NotificationsForm(FlaskForm):
    notify_digest = BooleanField(
        _l("Miesięczne podsumowanie wyników"),
        description=_l(
            "Na początku miesiąca: liczba odpowiedzi, średnia i jej zmiana, najniżej oceniane "
            "elementy, liczba komentarzy według tematów."
        ),
    )
    notify_alerts = BooleanField(
        _l("Alerty o spadku ocen"),
        description=_l(
            "Gdy średnia wydziału lub elementu z ostatnich 30 dni spadnie poniżej progu urzędu "
            "(przy co najmniej 10 odpowiedziach) albo przyjdzie seria niskich ocen; o tym samym "
            "najwyżej raz w tygodniu."
        ),
    )
    notify_reminders = BooleanField(
        _l("Przypomnienia o raporcie rocznym"),
        description=_l("30 i 7 dni przed terminem raportu okresowego oraz gdy jest zaległy."),
    )
    notify_lang = SelectField(
        _l("Język wiadomości"), choices=[(code, LANGUAGE_NAMES[code]) for code in MAIL_LANGUAGES]
    )


class TwoFactorCodeForm(FlaskForm):
    code = StringField(
        _l("Kod z aplikacji"),
        validators=[DataRequired(_l("Wpisz kod.")), Length(max=40)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"},
    )


def qr_svg(uri: str) -> Markup:
    """Return the otpauth address as an inline SVG QR code (made here: no outside service)."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=5, title=_("Kod QR do zeskanowania aplikacją uwierzytelniającą")
    )
    return Markup(svg.replace("<svg ", '<svg role="img" focusable="false" ', 1))


def group_secret(secret: str) -> str:
    """Return the secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


class AccountView(PanelView):
    """Every signed-in user changes their own password here."""

    read_roles = ALL_ROLES
    write_roles = ALL_ROLES  # reviewers too: it is their own password

    @expose("/", methods=("GET", "POST"))
    def index(self) -> Any:
        form = PasswordChangeForm()
        if form.validate_on_submit():
            user = get_user()
            set_password(user, form.new_password.data, get_actor(user), action="password_changed")
            db.session.commit()
            # The change ended every session of the user; this one goes on under the new version.
            start_session(user)
            flash(_("Hasło zostało zmienione."), "success")
            return redirect(url_for(".index"))
        status = 400 if form.is_submitted() else 200
        return self.render_account(form, NotificationsForm(obj=get_user())), status

    @expose("/notifications", methods=("POST",))
    def notifications(self) -> Any:
        """Save which e-mails the user receives and in which language."""
        user = get_user()
        form = NotificationsForm()
        if not form.validate_on_submit():
            return self.render_account(PasswordChangeForm(formdata=None), form), 400
        set_preferences(
            user,
            digest=form.notify_digest.data,
            alerts=form.notify_alerts.data,
            reminders=form.notify_reminders.data,
            lang=form.notify_lang.data,
            actor=get_actor(user),
        )
        db.session.commit()
        flash(_("Ustawienia powiadomień zostały zapisane."), "success")
        return redirect(url_for(".index") + "#notifications")

    def render_account(self, form: Any, notifications_form: Any) -> str:
        user = get_user()
        failures = None
        if has_role(("admin", "superadmin")):
            failures = get_mail_failures(None if is_superadmin() else user.office_id)
        return self.render(
            "admin/ocen/account.html",
            form=form,
            notifications_form=notifications_form,
            user=user,
            mail_on=current_app.config.get("MAIL") is not None,
            mail_failures=failures,
        )

    @expose("/two-factor", methods=("GET", "POST"))
    def two_factor(self) -> Any:
        """Enrol in two-factor login, confirm it with a code, get new recovery codes, switch it off."""
        user = get_user()
        required = is_two_factor_required(
            user, superadmins_required=current_app.config["SUPERADMIN_REQUIRE_TWO_FACTOR"]
        )
        form = TwoFactorCodeForm()
        step = request.form.get("step", "")
        if form.validate_on_submit():
            actor = get_actor(user)
            try:
                if step == "confirm":
                    codes = confirm_enrolment(user, form.code.data, actor)
                elif step == "regenerate":
                    codes = regenerate_recovery_codes(user, form.code.data, actor)
                elif step == "disable":
                    disable(user, form.code.data, actor, required=required)
                    db.session.commit()
                    flash(_("Logowanie dwuetapowe zostało wyłączone."), "success")
                    return redirect(url_for(".two_factor"))
                else:
                    return self.render_two_factor(user, form, required), 400
            except DomainError as error:
                db.session.rollback()
                form.code.errors = [error_text(error)]
                form.code.data = ""  # typed afresh from the app
                return self.render_two_factor(user, form, required), 400
            db.session.commit()
            if step == "confirm":
                # Enrolling ended the user's other sessions; this one goes on.
                start_session(user)
            return self.render(
                "admin/ocen/recovery_codes.html", codes=codes, enrolled=step == "confirm"
            )
        if not user.totp_enabled and (not user.totp_secret or request.args.get("new")):
            start_enrolment(user, get_actor(user))
            db.session.commit()
        status = 400 if form.is_submitted() else 200
        return self.render_two_factor(user, form, required), status

    def render_two_factor(self, user: Any, form: Any, required: bool) -> str:
        uri = provisioning_uri(user) if user.totp_secret and not user.totp_enabled else ""
        return self.render(
            "admin/ocen/two_factor.html",
            user=user,
            form=form,
            required=required,
            uri=uri,
            qr=qr_svg(uri) if uri else "",
            secret=group_secret(user.totp_secret) if uri else "",
            codes_left=recovery_codes_left(user) if user.totp_enabled else 0,
        )
