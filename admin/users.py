"""Panel users: admins manage their office's users; users are deactivated, never deleted."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, g, make_response, request
from flask_admin.contrib.sqla.fields import QuerySelectField
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from collector.enums import Role
from collector.extensions import db
from collector.models import Office, User
from collector.operations import DomainError
from collector.operations.two_factor import reset as reset_two_factor
from collector.operations.users import (
    apply_password,
    check_membership,
    check_password,
    check_role_change,
    end_sessions,
)

from .auditing import audit, get_actor
from .base import OfficeScopedView, is_superadmin, role_label
from .confirm import ConfirmationRefused, confirm_token, is_confirmed
from .forms import PanelForm, email_address
from .problems import error_text


class UserForm(PanelForm):
    email = EmailField(
        _l("Adres e-mail"),
        validators=[DataRequired(_l("To pole jest wymagane.")), Length(max=254), email_address],
    )
    name = StringField(_l("Imię i nazwisko"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Rola"), choices=[])
    office = QuerySelectField(
        _l("Urząd"),
        allow_blank=True,
        query_factory=lambda: db.session.query(Office).order_by(Office.name),
    )
    active = BooleanField(_l("Aktywne konto"), default=True)
    reset_two_factor = BooleanField(
        _l("Wyłącz logowanie dwuetapowe tego użytkownika (zgubiony telefon i kody odzyskiwania)"),
        default=False,
    )
    password = PasswordField(
        _l("Hasło (puste: bez zmian)"),
        validators=[Optional(), Length(max=1024)],
        render_kw={"autocomplete": "new-password"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roles = [Role.ADMIN, Role.REVIEWER] + ([Role.SUPERADMIN] if is_superadmin() else [])
        self.role.choices = [(role, role_label(role)) for role in roles]

    def validate_email(self, field: Any) -> None:
        field.data = (field.data or "").strip().lower()
        obj = getattr(self, "_obj", None)
        clash = sa.select(User.id).where(User.email == field.data)
        if obj is not None and obj.id is not None:
            clash = clash.where(User.id != obj.id)
        if db.session.scalar(clash):
            raise ValidationError(_("Użytkownik %(email)s już istnieje.", email=field.data))

    def validate_password(self, field: Any) -> None:
        if field.data:
            try:
                check_password(field.data)
            except DomainError as error:
                raise ValidationError(error_text(error)) from error

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        obj = getattr(self, "_obj", None)
        if not self.password.data and (obj is None or obj.id is None):
            self.password.errors = [*self.password.errors, _("Podaj hasło dla nowego użytkownika.")]
            valid = False
        return valid

    def populate_obj(self, obj: User) -> None:
        obj.email = self.email.data
        obj.name = (self.name.data or "").strip()
        obj.role = self.role.data
        obj.active = bool(self.active.data)
        if getattr(self, "office", None) is not None:
            obj.office = self.office.data
        if self.password.data:
            apply_password(obj, self.password.data)  # audited by the view as "password_set"
        if getattr(self, "reset_two_factor", None) is not None and self.reset_two_factor.data:
            reset_two_factor(obj, get_actor())


class UserView(OfficeScopedView):
    """Users of the office (all users for the superadmin); the password hash is never shown."""

    form = UserForm
    read_roles = (Role.ADMIN, Role.SUPERADMIN)
    allow_delete = False  # deactivate instead: the audit log keeps pointing at the user
    column_list = (
        "email",
        "name",
        "role",
        "office",
        "active",
        "totp_enabled",
        "last_login_at",
        "locked_until",
    )
    column_details_list = (
        "email",
        "name",
        "role",
        "office",
        "active",
        "totp_enabled",
        "last_login_at",
        "locked_until",
        "failed_logins",
        "created_at",
    )
    column_labels = {
        "email": _l("Adres e-mail"),
        "name": _l("Imię i nazwisko"),
        "role": _l("Rola"),
        "office": _l("Urząd"),
        "active": _l("Aktywne konto"),
        "totp_enabled": _l("Logowanie dwuetapowe"),
        "last_login_at": _l("Ostatnie logowanie"),
        "locked_until": _l("Zablokowane do"),
        "failed_logins": _l("nieudane logowanie"),
        "created_at": _l("Kiedy"),
    }
    column_formatters = {"role": lambda view, context, model, name: role_label(model.role)}
    column_formatters_detail = column_formatters
    column_searchable_list = ("email", "name")
    column_filters = ("role", "active")
    column_default_sort = "email"

    def create_form(self, obj: Any = None) -> Any:
        form = super().create_form(obj)
        del form.reset_two_factor  # a new user has no two-factor login to switch off
        return form

    def validate_change(self, form: Any, model: User, is_created: bool) -> None:
        before = g.get("audit_before") or {}
        # The acting user may be the record being edited: judge them by the role they had.
        actor_id = current_user.id
        editing_self = not is_created and model.id == actor_id
        actor_role = before.get("role") if editing_self else current_user.role
        try:
            check_role_change(
                actor_role=actor_role,
                role=model.role,
                editing_self=editing_self,
                was_role=before.get("role"),
                active=bool(model.active),
            )
            if model.role == Role.SUPERADMIN:
                model.office = None
                model.office_id = None
            elif model.office is not None:
                model.office_id = model.office.id
            check_membership(model.role, model.office_id)
        except DomainError as error:
            raise ValidationError(error_text(error)) from error

    def update_model(self, form: Any, model: User) -> bool:
        """Save the user; deactivating an active account asks first (a confirmation page)."""
        # Deactivating oneself is refused by the checks (validate_change): no question first.
        if model.active and not form.active.data and model.id != current_user.id:
            try:
                confirmed = is_confirmed("user.deactivate", model.id)
            except ConfirmationRefused as refused:
                abort(refused.page)
            if not confirmed:
                abort(make_response(self.deactivation_page(model)))
        return super().update_model(form, model)

    def deactivation_page(self, model: User) -> str:
        """Return the page that asks before an account is deactivated (the form's values re-posted)."""
        kept = [
            (name, value)
            for name, value in request.form.items(multi=True)
            if name not in ("csrf_token", "confirm_token", "password")
        ]
        return self.render(
            "admin/ocen/confirm.html",
            title=_("Dezaktywować konto %(email)s?", email=model.email),
            warning=None,
            lead=[
                _(
                    "Osoba nie zaloguje się już do panelu. Konto nie jest usuwane: dziennik zdarzeń "
                    "nadal wskazuje jej działania, a konto można później znów aktywować."
                )
            ],
            preview=None,
            consequences=[],
            action_url=request.url,
            token=confirm_token("user.deactivate", model.id),
            fields=kept,
            button=_("Tak, dezaktywuj konto"),
            button_class="btn-danger",
            cancel_url=self.get_url(".edit_view", id=model.id),
        )

    def on_model_change(self, form: Any, model: User, is_created: bool) -> None:
        before = g.get("audit_before") or {}
        if not is_created and before.get("active") and not model.active:
            end_sessions(model)  # a deactivated user is out at once, and stays out if reactivated
        super().on_model_change(form, model, is_created)
        if form.password.data:
            # The audit says the password was set, never what it is or its hash.
            audit("password_set", model, after={"password": "***"})
