"""The signed-in user's own account: change the password (the current one is required)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length, ValidationError

from collector.extensions import db
from collector.operations.users import set_password
from collector.passwords import MIN_PASSWORD_LENGTH, verify_password

from .auditing import get_actor
from .auth import start_session
from .base import ALL_ROLES, PanelView, expose, get_user


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
        return self.render("admin/ocen/account.html", form=form), status
