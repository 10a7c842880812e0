"""The comment inbox: every comment of the office with its department, overall score and date;
themes, status, hiding from reports, and corrective actions made from selected comments.

The rules live in ``collector.operations.comments``; this module shows the list and turns the
bulk form into calls. Office users see and change only their office's comments (the base view's
scoping; the operations also leave out other offices' ids). Reviewers read only.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import (
    flash,
    g,
    has_request_context,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, FilterEqual
from flask_admin.helpers import get_redirect_target
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from werkzeug.wrappers import Response
from wtforms.validators import ValidationError

from collector.default_survey import OTHER_DEPARTMENT
from collector.enums import COMMENT_STATUS_LABELS, HIDE_REASON_LABELS, CommentStatus
from collector.extensions import db
from collector.models import Answer, CommentTheme, Department, Office, answer_theme
from collector.operations import DomainError
from collector.operations import comments as ops

from .auditing import get_actor
from .base import ALL_ROLES, WRITER_ROLES, OfficeScopedView, get_user, is_superadmin
from .confirm import ConfirmationRefused, confirm_token, is_confirmed
from .localtime import LocalDateTimeBetweenFilter, local_time
from .problems import error_text

OVERALL_KEY = "overall"  # the overall-satisfaction question of the default survey


def user_office_id() -> int | None:
    """Return the logged-in user's office id (None for the operator, who sees every office)."""
    user = get_user()
    return None if user is None or is_superadmin(user) else user.office_id


def theme_options() -> list[tuple[str, str]]:
    """Return the themes the user may filter by or assign (the office's; every office's for the operator)."""
    if not has_request_context():
        return []
    office_id = user_office_id()
    if office_id is not None:
        themes = ops.get_themes(office_id)
        db.session.commit()  # the default set, made on first sight, must outlive this request
        return [(str(t.id), t.name) for t in themes if t.active]
    rows = db.session.execute(
        sa.select(CommentTheme.id, CommentTheme.name, Office.name)
        .join(Office, Office.id == CommentTheme.office_id)
        .order_by(Office.name, CommentTheme.position)
    )
    return [(str(i), f"{name} ({office})") for i, name, office in rows]


def department_options() -> list[tuple[str, str]]:
    """Return the departments the user may filter by, by their names."""
    if not has_request_context():
        return []
    query = sa.select(Department.key, Department.name).order_by(Department.position, Department.id)
    office_id = user_office_id()
    if office_id is not None:
        query = query.where(Department.office_id == office_id)
    options = dict(db.session.execute(query).all())
    options[OTHER_DEPARTMENT["key"]] = OTHER_DEPARTMENT["texts"]["pl"]
    return list(options.items())


def refusal_page(error: DomainError) -> Response:
    """Answer a refused comment operation: a human page saying why, 400, nothing changed."""
    body = render_template(
        "admin/ocen/error.html", title=_("Nie wykonano"), message=error_text(error), status=400
    )
    return make_response(body, 400)


HIDE_ACTION = "comment.hide"
QUOTE_MAX = 200  # characters of a comment quoted on the confirmation page


def hide_subject(answers: list[Answer], reason: str) -> str:
    """Return what a hiding confirmation is made for: the reason and the exact comments."""
    return f"{reason}:" + ",".join(str(a.id) for a in sorted(answers, key=lambda a: a.id))


def confirm_hide(
    view: Any,
    answers: list[Answer],
    reason: str,
    *,
    action_url: str,
    fields: list[tuple[str, Any]],
    cancel_url: str,
) -> Response | None:
    """Return what to answer before hiding ``answers`` for ``reason``; None once the request confirms it.

    An unknown reason is refused (400) and nothing selected goes back to ``cancel_url`` with a
    message, both without a question; otherwise the first POST gets the confirmation page (how
    many comments, which reason, that they stay stored and can be shown again) and the second,
    carrying its signed token for these very comments and reason, goes on. The page re-posts
    ``fields`` to ``action_url``.
    """
    try:
        ops.check_hide_reason(reason)
    except DomainError as error:
        return refusal_page(error)
    if not answers:
        flash(error_text(DomainError("no_comments_selected")), "error")
        return redirect(cancel_url)
    changing = ops.to_hide(answers, reason)
    if not changing:
        flash(_("Zaznaczone komentarze są już ukryte z tym powodem. Nic nie zmieniono."), "info")
        return redirect(cancel_url)
    subject = hide_subject(answers, reason)
    try:
        if is_confirmed(HIDE_ACTION, subject):
            return None
    except ConfirmationRefused as refused:
        return refused.page
    reason_label = _(HIDE_REASON_LABELS[reason])
    count = len(changing)
    page = view.render(
        "admin/ocen/confirm.html",
        title=_("Ukryć komentarze w raportach?"),
        warning=None,
        lead=[
            _(
                "Komentarze do ukrycia: %(count)s. Powód: %(reason)s.",
                count=count,
                reason=reason_label,
            )
        ],
        preview={
            "title": _("Co zostanie ukryte"),
            "facts": [
                (_("Liczba komentarzy"), str(count)),
                (_("Powód ukrycia"), reason_label),
            ],
            "quotes": [(local_time(a.submitted_at), _quote(a.text or "")) for a in changing],
        },
        consequences=[
            _(
                "Nie trafią do nowych raportów, eksportów ani wykresów; raporty już zarchiwizowane "
                "się nie zmieniają."
            ),
            _(
                "Pozostają zapisane (nigdy nie są usuwane) i widoczne w skrzynce uwag "
                "z oznaczeniem „ukryty”."
            ),
            _("Można je w każdej chwili znów pokazać w raportach („Pokaż w raportach”)."),
            _("Każde ukrycie zapisuje się w dzienniku zdarzeń."),
        ],
        action_url=action_url,
        token=confirm_token(HIDE_ACTION, subject),
        fields=fields,
        button=_("Tak, ukryj w raportach (%(count)s)", count=count),
        button_class="btn-danger",
        cancel_url=cancel_url,
    )
    return make_response(page)


def _quote(text: str) -> str:
    return text if len(text) <= QUOTE_MAX else text[: QUOTE_MAX - 1].rstrip() + "…"


class ThemeFilter(BaseSQLAFilter):
    """Comments that have a given theme."""

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        try:
            theme_id = int(value)
        except (TypeError, ValueError):
            return query.filter(sa.false())
        return query.filter(
            Answer.id.in_(
                sa.select(answer_theme.c.answer_id).where(answer_theme.c.theme_id == theme_id)
            )
        )

    def operation(self) -> str:
        return _("jest")


class ScoreFilter(BaseSQLAFilter):
    """Comments whose response gave the overall question this score."""

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        try:
            score = int(value)
        except (TypeError, ValueError):
            return query.filter(sa.false())
        overall = sa.orm.aliased(Answer)
        return query.filter(
            Answer.response_id.in_(
                sa.select(overall.response_id).where(
                    overall.question_key == OVERALL_KEY, overall.value == score
                )
            )
        )

    def operation(self) -> str:
        return _("równa")


def _department_names() -> dict[tuple[int, str], str]:
    names = g.get("inbox_departments")
    if names is None:
        names = {
            (office_id, key): name
            for office_id, key, name in db.session.execute(
                sa.select(Department.office_id, Department.key, Department.name)
            )
        }
        g.inbox_departments = names
    return names


def _format_department(view: Any, context: Any, model: Answer, name: str) -> str:
    key = model.department_key
    if key is None:
        return "—"
    if key == OTHER_DEPARTMENT["key"]:
        return OTHER_DEPARTMENT["texts"]["pl"]
    return _department_names().get((model.office_id, key), key)


def _format_score(view: Any, context: Any, model: Answer, name: str) -> str:
    score = g.get("inbox_scores", {}).get(model.response_id)
    return "—" if score is None else str(score)


def _format_text(view: Any, context: Any, model: Answer, name: str) -> Markup:
    text = escape(model.text or "")
    link = url_for("response.details_view", id=str(model.response_id))
    unread = model.status == CommentStatus.NEW and not model.hidden  # as the unread count
    body = Markup("<strong>%s</strong>") % text if unread else text
    return Markup('%s <a href="%s" class="small">%s</a>') % (
        body,
        link,
        _("odpowiedź"),
    )


def _format_status(view: Any, context: Any, model: Answer, name: str) -> str:
    return _(COMMENT_STATUS_LABELS.get(model.status, model.status))


def _format_themes(view: Any, context: Any, model: Answer, name: str) -> str:
    return ", ".join(t.name for t in model.themes) or "—"


def _format_hidden(view: Any, context: Any, model: Answer, name: str) -> str:
    if not model.hidden:
        return _("widoczny")
    reason = HIDE_REASON_LABELS.get(model.hidden_reason or "")
    return _("ukryty: %(reason)s", reason=_(reason)) if reason else _("ukryty")


def _format_date(view: Any, context: Any, model: Answer, name: str) -> str:
    return local_time(model.submitted_at)


class CommentInboxView(OfficeScopedView):
    """Every comment of the office: read, theme, status, hide from reports, turn into an action."""

    read_roles = ALL_ROLES
    write_roles = WRITER_ROLES
    allow_create = False
    allow_edit = False
    allow_delete = False
    can_view_details = False
    column_display_actions = False
    list_template = "admin/ocen/comment_inbox.html"
    # The comment first: on a phone it is what shows before the table scrolls sideways.
    column_list = ("text", "submitted_at", "department_key", "score", "themes", "status", "hidden")
    column_labels = {
        "submitted_at": _l("Data"),
        "department_key": _l("Wydział"),
        "score": _l("Ocena ogólna"),
        "text": _l("Komentarz"),
        "themes": _l("Tematy"),
        "status": _l("Stan"),
        "hidden": _l("W raportach"),
    }
    column_formatters = {
        "submitted_at": _format_date,
        "department_key": _format_department,
        "score": _format_score,
        "text": _format_text,
        "themes": _format_themes,
        "status": _format_status,
        "hidden": _format_hidden,
    }
    column_default_sort = [("submitted_at", True), ("id", True)]
    column_sortable_list = ("submitted_at", "status")
    column_searchable_list = ("text",)
    column_filters = (
        LocalDateTimeBetweenFilter(Answer.submitted_at, _l("Okres")),
        FilterEqual(Answer.department_key, _l("Wydział"), options=department_options),
        ThemeFilter(Answer.id, _l("Temat"), options=theme_options),
        FilterEqual(
            Answer.status,
            _l("Stan"),
            options=lambda: [(k, _(v)) for k, v in COMMENT_STATUS_LABELS.items()],
        ),
        ScoreFilter(Answer.id, _l("Ocena ogólna"), options=[(str(i), str(i)) for i in range(1, 6)]),
        FilterEqual(
            Answer.hidden,
            _l("W raportach"),
            options=lambda: [("0", _("widoczny")), ("1", _("ukryty"))],
        ),
    )

    def _get_filter_groups(self) -> Any:
        # Themes and departments are the user's office's: build them for this request.
        self._refresh_filters_cache()
        return super()._get_filter_groups()

    def get_query(self) -> Any:
        return super().get_query().filter(Answer.text.is_not(None))

    def get_count_query(self) -> Any:
        return super().get_count_query().filter(Answer.text.is_not(None))

    def get_list(self, *args: Any, **kwargs: Any) -> Any:
        count, rows = super().get_list(*args, **kwargs)
        ids = [row.response_id for row in rows]
        g.inbox_scores = (
            dict(
                db.session.execute(
                    sa.select(Answer.response_id, Answer.value).where(
                        Answer.response_id.in_(ids),
                        Answer.question_key == OVERALL_KEY,
                        Answer.value.is_not(None),
                    )
                ).all()
            )
            if ids
            else {}
        )
        return count, rows

    def render(self, template: str, **kwargs: Any) -> Any:
        if template == self.list_template:
            office_id = user_office_id()
            kwargs.update(
                inbox_themes=theme_options(),
                inbox_statuses=[(k, _(v)) for k, v in COMMENT_STATUS_LABELS.items()],
                inbox_reasons=[(k, _(v)) for k, v in HIDE_REASON_LABELS.items()],
                inbox_writer=self.is_writer(),
                inbox_unread=db.session.scalar(
                    sa.select(sa.func.count(Answer.id)).where(
                        ops.comment_condition(office_id),
                        Answer.status == CommentStatus.NEW,
                        # As the start page counts: a hidden comment waits for no reading.
                        Answer.hidden.is_(False),
                    )
                ),
            )
        return super().render(template, **kwargs)

    # -- bulk actions ---------------------------------------------------------------------------

    def _selected(self, ids: Any) -> list[Answer]:
        return ops.get_comments(user_office_id(), ids)

    def _done(self, message: str) -> Any:
        db.session.commit()
        flash(message, "success")
        return None  # back to the list, filters kept

    def _refused(self, error: DomainError) -> Any:
        db.session.rollback()
        return refusal_page(error)

    @action("mark_read", _l("Oznacz jako przeczytane"))
    def action_mark_read(self, ids: Any) -> Any:
        changed = ops.mark_read(self._selected(ids), get_actor())
        return self._done(_("Oznaczono jako przeczytane: %(count)s.", count=changed))

    @action("assign_theme", _l("Nadaj temat"))
    def action_assign_theme(self, ids: Any) -> Any:
        try:
            theme = ops.get_theme(user_office_id(), request.form.get("theme_id"))
            changed = ops.assign_theme(self._selected(ids), theme, get_actor())
        except DomainError as error:
            return self._refused(error)
        return self._done(
            _("Nadano temat „%(theme)s” komentarzom: %(count)s.", theme=theme.name, count=changed)
        )

    @action("remove_theme", _l("Usuń temat"))
    def action_remove_theme(self, ids: Any) -> Any:
        try:
            theme = ops.get_theme(user_office_id(), request.form.get("theme_id"))
            changed = ops.remove_theme(self._selected(ids), theme, get_actor())
        except DomainError as error:
            return self._refused(error)
        return self._done(
            _(
                "Usunięto temat „%(theme)s” z komentarzy: %(count)s.",
                theme=theme.name,
                count=changed,
            )
        )

    @action("set_status", _l("Ustaw stan"))
    def action_set_status(self, ids: Any) -> Any:
        try:
            changed = ops.set_status(
                self._selected(ids), request.form.get("status", ""), get_actor()
            )
        except DomainError as error:
            return self._refused(error)
        return self._done(_("Zmieniono stan komentarzy: %(count)s.", count=changed))

    @action("hide", _l("Ukryj w raportach"))
    def action_hide(self, ids: Any) -> Any:
        """Hide the selected comments, after the confirmation page (how many, why, kept)."""
        selected = self._selected(ids)
        reason = request.form.get("reason", "")
        answer = confirm_hide(
            self,
            selected,
            reason,
            action_url=self.get_url(".action_view"),
            fields=[
                ("action", "hide"),
                ("reason", reason),
                ("url", request.form.get("url", "")),
                *(("rowid", str(a.id)) for a in selected),
            ],
            cancel_url=get_redirect_target() or self.get_url(".index_view"),
        )
        if answer is not None:
            return answer
        try:
            changed = ops.hide(selected, reason, get_actor())
        except DomainError as error:
            return self._refused(error)
        return self._done(
            _("Ukryto w raportach (komentarze pozostają zapisane): %(count)s.", count=changed)
        )

    @action("show", _l("Pokaż w raportach"))
    def action_show(self, ids: Any) -> Any:
        changed = ops.show(self._selected(ids), get_actor())
        return self._done(_("Przywrócono w raportach: %(count)s.", count=changed))

    @action("create_action", _l("Utwórz działanie naprawcze"))
    def action_create_action(self, ids: Any) -> Any:
        try:
            created = ops.create_action_from_comments(
                request.form.get("action_title", ""), self._selected(ids), get_actor()
            )
        except DomainError as error:
            return self._refused(error)
        db.session.commit()
        flash(
            _(
                "Utworzono działanie naprawcze „%(title)s” z komentarzami: %(count)s. Uzupełnij odpowiedzialnego i termin.",
                title=created.title,
                count=len(created.answers),
            ),
            "success",
        )
        return redirect(url_for("corrective_action.details_view", id=created.id))


class CommentThemeView(OfficeScopedView):
    """The office's themes for comments: admins rename, reorder, add and retire them."""

    read_roles = ALL_ROLES
    write_roles = WRITER_ROLES
    allow_delete = False  # a theme in use is retired (active unticked), so past counts keep it
    column_list = ("name", "position", "active", "office")
    form_columns = ("office", "name", "position", "active")
    column_labels = {
        "name": _l("Temat"),
        "position": _l("Kolejność"),
        "active": _l("Aktywny"),
        "office": _l("Urząd"),
    }
    column_default_sort = [("position", False), ("id", False)]

    def get_query(self) -> Any:
        office_id = user_office_id()
        if office_id is not None:
            ops.get_themes(office_id)  # the default set, the first time
            db.session.commit()
        return super().get_query()

    def edit_form(self, obj: Any = None) -> Any:
        form = super().edit_form(obj)
        if hasattr(form, "office"):
            del form.office  # a theme stays with the office it was made for
        return form

    def validate_change(self, form: Any, model: CommentTheme, is_created: bool) -> None:
        # A superadmin's form sets the relationship; its id is written only at the flush.
        office_id = model.office_id or (model.office.id if model.office else None)
        try:
            model.name = ops.check_theme_name(office_id, model.name, model.id)
        except DomainError as error:
            raise ValidationError(error_text(error)) from None


def init_comment_views(panel: Any) -> None:
    """Add the comment inbox and the office's themes to the panel."""
    panel.add_view(
        CommentInboxView(Answer, db.session, name=_l("Skrzynka uwag"), endpoint="comment")
    )
    panel.add_view(
        CommentThemeView(
            CommentTheme,
            db.session,
            name=_l("Tematy uwag"),
            endpoint="comment_theme",
        )
    )


__all__ = ["CommentInboxView", "CommentThemeView", "init_comment_views"]
