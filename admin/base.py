"""The one place that decides who may see and change what in the panel.

Three ways in, one rule set:

* ``OfficeScopedView`` — the base of every Flask-Admin model view::

      class DepartmentView(OfficeScopedView):
          read_roles = ("admin", "reviewer", "superadmin")   # who sees the list and details
          write_roles = ("admin", "superadmin")               # who creates, edits, deletes
          allow_delete = False                                # instead of can_delete

      admin.add_view(DepartmentView(Department, db.session, name=_l("Wydziały"), endpoint="department"))

  It gives: login and role checks (``is_accessible``; anonymous users are sent to the login page,
  logged-in users without the role get 403); reviewers and other read-only roles never get a
  create/edit/delete page and every POST from them is refused with 403; tenant isolation of the
  list, the count, ``get_one`` (a record of another office answers 404 whatever id the URL or
  form carries) and of every relation's choices in the forms; the ``office`` field is removed
  from forms for office users and the record is forced into their office; every create, update
  and delete is written to the audit log with the values before and after (secrets left out).
  Superadmins see every office, or the one they chose with ``?office_id=`` (``chosen_office_id``).

  Rules for a subclass: set ``allow_create``/``allow_edit``/``allow_delete`` (not
  Flask-Admin's ``can_create``/``can_edit``/``can_delete``, which are computed from the role —
  defining them raises TypeError); if the model has no ``office_id`` column, teach
  ``office_filter`` how to reach its office; put business checks in ``validate_change`` (raise
  ``ValidationError`` with a Polish message: it is shown and nothing is saved) and checks on
  deletion in ``validate_delete``; override ``before_change`` for work that must happen before
  the form's values are written (the office views archive a pre-change report there).
  Call ``super()`` when overriding ``on_model_change``, ``on_model_delete``, ``create_form``,
  ``edit_form``, ``get_query`` or ``get_count_query``.

* ``PanelView`` — the base of non-model pages exposed with Flask-Admin's ``@expose`` (report
  dashboard, embed page, survey editor). Same ``read_roles``/``write_roles``; POST/PUT/DELETE need
  a write role unless the view lists the role in ``write_roles``. Use ``self.get_office()`` /
  ``scoped(select(Model))`` for the data and ``get_office_or_404(office_id)`` for ids from a URL.

* ``panel_access(write=False, roles=...)`` — a decorator for plain Flask routes under /admin.

CSRF is checked for every POST under /admin by Flask-WTF's ``CSRFProtect`` (see ``admin.init_app``);
forms need ``{{ csrf_token() }}`` and nothing else.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import abort, flash, g, make_response, redirect, render_template, request, url_for
from flask_admin import BaseView, expose  # noqa: F401  (expose is re-exported for the other views)
from flask_admin.actions import action
from flask_admin.babel import lazy_gettext as admin_lazy_gettext
from flask_admin.contrib.sqla import ModelView
from flask_admin.model import typefmt
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.validators import ValidationError

from collector.enums import ROLE_LABELS, Role
from collector.extensions import db
from collector.models import ROLES, Office, Question, Survey, SurveyVersion, User

from .auditing import audit, changed_values, model_values
from .localtime import LocalTimeFilterConverter, format_local_time

ALL_ROLES: tuple[str, ...] = tuple(ROLES)
WRITER_ROLES: tuple[str, ...] = (Role.ADMIN, Role.SUPERADMIN)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


# ---------------------------------------------------------------------------------------------
# Who is asking


def get_user() -> User | None:
    """Return the logged-in, active user, or None."""
    if current_user and current_user.is_authenticated and current_user.is_active:
        return current_user._get_current_object()
    return None


def is_superadmin(user: User | None = None) -> bool:
    """Tell whether the user (default: the logged-in one) sees every office."""
    user = user or get_user()
    return bool(user and user.role == Role.SUPERADMIN)


def has_role(roles: Iterable[str], user: User | None = None) -> bool:
    """Tell whether the user (default: the logged-in one) is active and has one of the roles."""
    user = user or get_user()
    if user is None or user.role not in roles:
        return False
    # An office role without an office would see nothing and could write nowhere: refuse it.
    return user.role == Role.SUPERADMIN or user.office_id is not None


# ---------------------------------------------------------------------------------------------
# Tenant scoping

# How to reach the office of a model without an ``office_id`` column. Other packages add theirs:
#   OFFICE_PATHS[MyModel] = lambda office_id: MyModel.parent_id.in_(select(Parent.id).where(...))
OFFICE_PATHS: dict[type, Callable[[int], Any]] = {
    Office: lambda office_id: Office.id == office_id,
    SurveyVersion: lambda office_id: SurveyVersion.survey_id.in_(
        sa.select(Survey.id).where(Survey.office_id == office_id)
    ),
    Question: lambda office_id: Question.version_id.in_(
        sa.select(SurveyVersion.id).join(Survey).where(Survey.office_id == office_id)
    ),
}


def office_filter(model: type, office_id: int) -> Any:
    """Return the SQL condition "this row belongs to office ``office_id``" for the model."""
    if model in OFFICE_PATHS:
        return OFFICE_PATHS[model](office_id)
    column = getattr(model, "office_id", None)
    if column is None:
        raise TypeError(
            f"{model.__name__} has no office_id: add it to admin.base.OFFICE_PATHS so that it can be scoped."
        )
    return column == office_id


def scoped(statement: Any, model: type | None = None, user: User | None = None) -> Any:
    """Restrict a select or a Query to the user's office (nothing for a superadmin)."""
    user = user or get_user()
    if user is None:
        return (
            statement.where(sa.false())
            if hasattr(statement, "where")
            else statement.filter(sa.false())
        )
    if user.role == Role.SUPERADMIN:
        return statement
    if model is None:
        model = statement.column_descriptions[0]["entity"]
    condition = office_filter(model, user.office_id)
    return (
        statement.where(condition) if hasattr(statement, "where") else statement.filter(condition)
    )


def get_office_or_404(office_id: Any = None) -> Office:
    """Return the office asked for (or the user's own) if the user may see it, else a 404 page."""
    user = get_user()
    if user is None:
        abort(error_page(403))
    if office_id in (None, "") and user.office_id is not None:
        office_id = user.office_id
    try:
        office = db.session.get(Office, int(office_id))
    except (TypeError, ValueError):
        office = None
    if office is None or (user.role != Role.SUPERADMIN and office.id != user.office_id):
        abort(error_page(404))
    return office


def chosen_office_id() -> int | None:
    """Return the office a superadmin narrowed the page to with ``?office_id=`` (None: every office).

    Office users are held to their own office by ``scoped`` whatever the address says; an office
    id that does not exist answers 404.
    """
    user = get_user()
    if user is None or user.role != Role.SUPERADMIN:
        return None
    chosen = request.args.get("office_id", "")
    return get_office_or_404(chosen).id if chosen else None


# ---------------------------------------------------------------------------------------------
# Refusals


ERROR_TEXTS = {
    403: ("Brak dostępu", "Nie masz uprawnień do tej strony lub tej operacji."),
    404: ("Nie znaleziono", "Nie ma takiego rekordu albo nie należy on do Twojego urzędu."),
    409: (
        "Nie można tego zrobić",
        "Stan rekordu zmienił się i tej operacji nie można już wykonać.",
    ),
    400: (
        "Formularz wygasł",
        "Formularz wygasł albo nie został wysłany z tej strony. Wróć, odśwież stronę i spróbuj ponownie.",
    ),
}


def error_page(status: int, message: str | None = None) -> Response:
    """Return a human, Polish error page with the status code."""
    title, default = ERROR_TEXTS.get(status, ERROR_TEXTS[403])
    body = render_template(
        "admin/ocen/error.html", title=_(title), message=message or _(default), status=status
    )
    return make_response(body, status)


def redirect_to_login() -> Response:
    """Send an anonymous visitor to the login page, coming back here afterwards."""
    target = request.full_path if request.method == "GET" else request.path
    if target.endswith("?"):
        target = target[:-1]
    return redirect(url_for("auth.login", next=target))


def refuse() -> Response:
    """Answer a request the user may not make: login page for anonymous users, 403 for others."""
    if get_user() is None:
        return redirect_to_login()
    return error_page(403)


# ---------------------------------------------------------------------------------------------
# Plain pages


class RoleCheckMixin:
    """Role checks shared by model views and plain panel pages."""

    read_roles: tuple[str, ...] = ALL_ROLES
    write_roles: tuple[str, ...] = WRITER_ROLES

    def is_accessible(self) -> bool:
        """Let in active users with one of the read roles."""
        return has_role(self.read_roles)

    def is_visible(self) -> bool:
        """Show the view in the menu only to those who may open it."""
        return self.is_accessible()

    def is_writer(self) -> bool:
        """Tell whether the logged-in user may change things through this view."""
        return has_role(self.write_roles)

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Response:
        """Send anonymous users to the login page; answer 403 to logged-in users without rights."""
        return refuse()

    def get_office(self) -> Office | None:
        """Return the logged-in user's office (None for a superadmin)."""
        user = get_user()
        return db.session.get(Office, user.office_id) if user and user.office_id else None


class PanelView(RoleCheckMixin, BaseView):
    """A non-model panel page with the same role checks; writes (POST ...) need a write role."""

    def _handle_view(self, name: str, **kwargs: Any) -> Any:
        if not self.is_accessible():
            return self.inaccessible_callback(name, **kwargs)
        if request.method not in SAFE_METHODS and not self.is_writer():
            return error_page(403)
        return None


def panel_access(write: bool = False, roles: tuple[str, ...] | None = None) -> Callable:
    """Protect a plain Flask view: login and a read (or, with ``write``, a write) role required."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            needed = roles or (
                WRITER_ROLES if write or request.method not in SAFE_METHODS else ALL_ROLES
            )
            if not has_role(needed):
                return refuse()
            return view(*args, **kwargs)

        return wrapper

    return decorate


# ---------------------------------------------------------------------------------------------
# Model views


class OfficeScopedView(RoleCheckMixin, ModelView):
    """The base of every model view: roles, tenant isolation and the audit of every change."""

    # What the view offers at all; the role decides whether the user gets it (see can_*).
    allow_create: bool = True
    allow_edit: bool = True
    allow_delete: bool = True
    create_roles: tuple[str, ...] | None = None  # default: write_roles

    can_view_details = True
    can_export = False
    can_set_page_size = False
    page_size = 50
    # The office is chosen for office users by the view, never by the form.
    office_field = "office"
    # Timestamps are stored in UTC; clerks read and filter them in Polish time.
    column_type_formatters = {**typefmt.BASE_FORMATTERS, datetime: format_local_time}
    column_type_formatters_detail = {**typefmt.DETAIL_FORMATTERS, datetime: format_local_time}
    filter_converter = LocalTimeFilterConverter()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in ("can_create", "can_edit", "can_delete"):
            if name in cls.__dict__:
                raise TypeError(
                    f"{cls.__name__}: set allow_{name[4:]} instead of {name}; "
                    "OfficeScopedView computes can_* from the user's role."
                )

    # -- roles ------------------------------------------------------------------------------

    @property
    def can_create(self) -> bool:  # type: ignore[override]
        return self.allow_create and has_role(self.create_roles or self.write_roles)

    @property
    def can_edit(self) -> bool:  # type: ignore[override]
        return self.allow_edit and self.is_writer()

    @property
    def can_delete(self) -> bool:  # type: ignore[override]
        return self.allow_delete and self.is_writer()

    def _handle_view(self, name: str, **kwargs: Any) -> Any:
        if not self.is_accessible():
            return self.inaccessible_callback(name, **kwargs)
        offered = {
            "create_view": self.can_create,
            "edit_view": self.can_edit,
            "delete_view": self.can_delete,
            "ajax_update": self.can_edit,
            "details_view": self.can_view_details,
            "export": self.can_export,
        }
        if not offered.get(name, True):
            return error_page(403)
        if request.method not in SAFE_METHODS and not self.is_writer():
            return error_page(403)
        return None

    def is_action_allowed(self, name: str) -> bool:
        """Offer bulk actions only to writers (and "delete" only where deleting is allowed)."""
        return self.is_writer() and super().is_action_allowed(name)

    @action(
        "delete",
        admin_lazy_gettext("Delete"),
        admin_lazy_gettext("Are you sure you want to delete selected records?"),
    )
    def action_delete(self, ids: Any) -> Any:
        """Delete the selected records of the office, one by one through the checks and the audit."""
        # The ids arrive as text; PostgreSQL refuses to compare them with an integer key.
        return super().action_delete(tuple(self.parse_ids(ids)))

    def parse_ids(self, ids: Iterable[str]) -> list[Any]:
        """Return the ids converted to the primary key's type, dropping those that do not convert."""
        python_type = self.model.__mapper__.primary_key[0].type.python_type
        parsed = []
        for value in ids:
            try:
                parsed.append(python_type(value))
            except (TypeError, ValueError):
                continue
        return parsed

    # -- tenant isolation -------------------------------------------------------------------

    def get_query(self) -> Any:
        return self._narrow(scoped(super().get_query(), self.model))

    def get_count_query(self) -> Any:
        return self._narrow(scoped(super().get_count_query(), self.model))

    def _narrow(self, query: Any) -> Any:
        """Keep a superadmin's list to the office chosen with ``?office_id=``, if any."""
        office_id = chosen_office_id()
        return query if office_id is None else query.filter(office_filter(self.model, office_id))

    def get_one(self, id: Any) -> Any:
        """Return the record if it belongs to the user's office, else answer 404."""
        pk = self.model.__mapper__.primary_key[0]
        try:
            value = pk.type.python_type(id) if not isinstance(id, pk.type.python_type) else id
        except (TypeError, ValueError, NotImplementedError):
            abort(error_page(404))
        record = self.get_query().filter(pk == value).one_or_none()
        if record is None:
            abort(error_page(404))
        return record

    def _scope_form(self, form: Any) -> Any:
        """Remove the office field for office users and limit every relation's choices to the office."""
        if (
            not is_superadmin()
            and self.office_field
            and getattr(form, self.office_field, None) is not None
        ):
            delattr(form, self.office_field)
        for field in form:
            factory = getattr(field, "query_factory", None)
            if factory is not None and not getattr(factory, "_scoped", False):
                field.query_factory = _scoped_factory(factory)
        return form

    def create_form(self, obj: Any = None) -> Any:
        return self._scope_form(super().create_form(obj))

    def edit_form(self, obj: Any = None) -> Any:
        return self._scope_form(super().edit_form(obj))

    # -- hooks for subclasses ---------------------------------------------------------------

    def before_change(self, model: Any | None, is_created: bool) -> None:
        """Run before the form's values are written (``model`` is None on create)."""

    def validate_change(self, form: Any, model: Any, is_created: bool) -> None:
        """Raise ValidationError with a Polish message to refuse a create or an update."""

    def validate_delete(self, model: Any) -> None:
        """Raise ValidationError with a Polish message to refuse a deletion."""

    # -- the write path ---------------------------------------------------------------------

    def create_model(self, form: Any) -> Any:
        g.audit_before = None
        if not self._run_before_change(None, True):
            return False
        return super().create_model(form)

    def update_model(self, form: Any, model: Any) -> bool:
        g.audit_before = model_values(model)
        # A form saved as it was changes nothing: its hook (the pre-change report) does not run.
        has_hook = type(self).before_change is not OfficeScopedView.before_change
        if (
            has_hook
            and form_changes_model(form, model)
            and not self._run_before_change(model, False)
        ):
            return False
        return super().update_model(form, model)

    def _run_before_change(self, model: Any | None, is_created: bool) -> bool:
        try:
            self.before_change(model, is_created)
        except ValidationError as exc:
            flash(str(exc), "error")
            db.session.rollback()
            return False
        return True

    def on_model_change(self, form: Any, model: Any, is_created: bool) -> None:
        """Force the record into the user's office, run the checks and audit the change."""
        user = get_user()
        if user is not None and user.role != Role.SUPERADMIN and hasattr(model, "office_id"):
            model.office_id = user.office_id
        with db.session.no_autoflush:  # checks query the database before this record is written
            self.validate_change(form, model, is_created)
        db.session.flush()
        after = model_values(model)
        if is_created:
            audit("create", model, after=after)
        else:
            before, after = changed_values(g.get("audit_before") or {}, after)
            if before or after:
                audit("update", model, before=before, after=after)

    def on_model_delete(self, model: Any) -> None:
        """Refuse deletions the model forbids, run the office hook and audit the deletion."""
        self.validate_delete(model)
        self.before_change(model, False)
        audit("delete", model, before=model_values(model))

    def handle_view_exception(self, exc: Exception) -> bool:
        if isinstance(exc, ValidationError):
            flash(str(exc), "error")
            return True
        if isinstance(exc, sa.exc.IntegrityError):
            flash(
                _("Nie zapisano: dane kolidują z innym rekordem (np. powtórzony identyfikator)."),
                "error",
            )
            return True
        return super().handle_view_exception(exc)


def form_changes_model(form: Any, model: Any) -> bool:
    """Tell whether saving ``form`` would change ``model``; the model is left as it was."""
    with db.session.no_autoflush:
        form.populate_obj(model)
        changed = db.session.is_modified(model)
    db.session.expire(model)  # drop the trial values; the save writes them again
    return changed


def _scoped_factory(factory: Callable[[], Any]) -> Callable[[], Any]:
    def scoped_factory() -> Any:
        query = factory()
        entity = query.column_descriptions[0]["entity"]
        return scoped(query, entity)

    scoped_factory._scoped = True  # type: ignore[attr-defined]
    return scoped_factory


def role_label(role: str) -> str:
    """Return the role's name in the panel's language."""
    return _(ROLE_LABELS.get(role, role))
