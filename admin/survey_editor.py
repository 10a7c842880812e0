"""The survey editor: versions, the draft's questions, preview in the real widget, publishing.

A published or retired version is read-only. "Edytuj" makes a draft (a copy of the newest version
with the next number; one draft at a time), whose questions are added, removed, retyped and
re-worded, and reordered: by drag and drop, or with a "move to position N" select and button on each
row (a plain form, so keyboard and screen-reader users, and browsers without JavaScript, reorder like
everyone else). ``static/survey_editor.js`` enhances the pages: the move goes to a JSON endpoint
without a reload, the question form shows only its type's fields, and a preview follows the form. Every change is a ``collector.operations.versions`` operation; the rules
are ``collector.operations.problems``' codes, worded by ``admin.problems``. "Opublikuj" runs
``admin.workflows.publish_draft``: the pre-change report, the new version and the retirement of
the old one in one transaction.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from collector import default_survey, messages
from collector.enums import QUESTION_TYPE_LABELS, VERSION_STATUS_LABELS, QuestionType, VersionStatus
from collector.extensions import db
from collector.models import LANGUAGES, Department, Question, Report, SurveyVersion
from collector.operations import DomainError, Problem
from collector.operations.problems import CHOICE_TYPES, SCALE_POINTS, check_version, show_if_targets
from collector.operations.versions import (
    check_question_values,
    delete_question,
    discard_draft,
    edit_details,
    get_draft,
    keys_of_earlier_versions,
    move_question,
    move_question_to,
    save_question,
    start_draft,
    suggest_group_key,
    suggest_key,
)
from collector.surveys import get_survey, survey_document

from .auditing import get_actor
from .base import ALL_ROLES, WRITER_ROLES, PanelView, error_page, expose, scoped
from .confirm import ConfirmationRefused, confirm_token, is_confirmed
from .i18n import get_language
from .pages import get_chosen_office, get_scoped_or_404, render_office_choice
from .problems import describe, describe_all, error_text
from .workflows import publish_draft, publish_preview

TYPE_LABELS = QUESTION_TYPE_LABELS  # msgids, from the enum's table
STATUS_LABELS = VERSION_STATUS_LABELS

LANGUAGE_NAMES = {"pl": "polski", "en": "angielski", "uk": "ukraiński"}
EMPTY_OPTION_ROWS = 3
MAX_OPTIONS = 30
TEXT_MAX = 500
NEW_GROUP = "+new"  # the group select's "new grid" choice; never a key (keys have no "+")
POINTS = [str(n) for n in range(1, SCALE_POINTS + 1)]
# Which fieldsets of the question form each type uses (the template and the script both read it).
TYPE_SECTIONS = {
    QuestionType.RATING: ("rating", "condition"),
    QuestionType.SINGLE: ("options", "condition"),
    QuestionType.MULTI: ("options", "picks", "condition"),
    QuestionType.TEXT: ("text", "condition"),
    QuestionType.DEPARTMENT: (),
}


class OptionForm(Form):
    """One answer of a choice question: a key and its texts."""

    key = StringField(_l("Klucz odpowiedzi"), validators=[Length(max=64)])
    pl = StringField(_l("Treść po polsku"), validators=[Length(max=TEXT_MAX)])
    en = StringField(_l("Treść po angielsku"), validators=[Length(max=TEXT_MAX)])
    uk = StringField(_l("Treść po ukraińsku"), validators=[Length(max=TEXT_MAX)])

    def is_empty(self) -> bool:
        return not any((f.data or "").strip() for f in (self.key, self.pl, self.en, self.uk))


class QuestionForm(FlaskForm):
    """One question of a draft. Checks that need the version are in ``check``."""

    type = SelectField(_l("Rodzaj pytania"), choices=[(k, _l(v)) for k, v in TYPE_LABELS.items()])
    key = StringField(
        _l("Klucz pytania"),
        validators=[Length(max=64)],
        description=_l(
            "Identyfikator w raportach i eksporcie: 1–64 znaki: małe litery bez "
            "polskich znaków, cyfry lub _. Nie zmienia się w kolejnych wersjach."
        ),
    )
    text_pl = TextAreaField(_l("Treść pytania po polsku"), validators=[Length(max=TEXT_MAX)])
    text_en = TextAreaField(_l("Treść pytania po angielsku"), validators=[Length(max=TEXT_MAX)])
    text_uk = TextAreaField(_l("Treść pytania po ukraińsku"), validators=[Length(max=TEXT_MAX)])
    hint_pl = StringField(_l("Podpowiedź po polsku"), validators=[Length(max=TEXT_MAX)])
    hint_en = StringField(_l("Podpowiedź po angielsku"), validators=[Length(max=TEXT_MAX)])
    hint_uk = StringField(_l("Podpowiedź po ukraińsku"), validators=[Length(max=TEXT_MAX)])
    required = BooleanField(_l("Odpowiedź wymagana"))
    allow_na = BooleanField(_l("Można odpowiedzieć „nie dotyczy”"))
    max_picks = IntegerField(
        _l("Najwięcej odpowiedzi do zaznaczenia"),
        validators=[
            Optional(),
            NumberRange(
                1,
                MAX_OPTIONS,
                message=_l("Podaj liczbę od 1 do %(max)s albo zostaw puste.", max=MAX_OPTIONS),
            ),
        ],
        description=_l("Puste: bez limitu."),
    )
    max_length = IntegerField(
        _l("Najwięcej znaków odpowiedzi"),
        validators=[
            Optional(),
            NumberRange(1, 2000, message=_l("Podaj liczbę od 1 do 2000 albo zostaw puste.")),
        ],
    )
    group = SelectField(
        _l("Siatka ocen"),
        choices=[],
        validate_choice=False,  # checked in ``check``: the version's grids, none, or a new one
        default="",
        description=_l(
            "Pytania jednej siatki stoją jedno pod drugim pod wspólnym tytułem. Nowa siatka "
            "dostaje klucz utworzony z tytułu; zmiana tytułu zmienia go w całej siatce."
        ),
    )
    group_text_pl = StringField(_l("Tytuł siatki po polsku"), validators=[Length(max=TEXT_MAX)])
    group_text_en = StringField(_l("Tytuł siatki po angielsku"), validators=[Length(max=TEXT_MAX)])
    group_text_uk = StringField(_l("Tytuł siatki po ukraińsku"), validators=[Length(max=TEXT_MAX)])
    show_if_question = SelectField(
        _l("Pokaż tylko, gdy odpowiedź na pytanie"),
        choices=[],
        validate_choice=False,  # checked by the rule set (an earlier rating question)
        default="",
    )
    show_if_min = SelectField(
        _l("jest od"), choices=[(n, n) for n in POINTS], validate_choice=False, default="1"
    )
    show_if_max = SelectField(
        _l("do"), choices=[(n, n) for n in POINTS], validate_choice=False, default="2"
    )
    options = FieldList(FormField(OptionForm), min_entries=0, max_entries=MAX_OPTIONS)
    options_problem = ""  # a problem with the answers as a whole, shown above their table
    scale_problems: dict[str, str]  # language -> a problem with that language's scale labels
    failed = False  # set when a POST was refused: the page says so at the top
    group_key = ""  # the key of a new grid, made from its title by ``check``

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scale_problems = {}

    def scale_field(self, lang: str, point: int) -> Any:
        """Return the field of the label of ``point`` (1..5) in ``lang``."""
        return getattr(self, f"scale_{lang}_{point}")

    # -- loading ----------------------------------------------------------------------------

    def load(self, question: Question) -> None:
        """Fill the form from a stored question (a GET of the edit page)."""
        self.type.data = question.type
        self.key.data = question.key
        for lang in LANGUAGES:
            getattr(self, f"text_{lang}").data = (question.texts or {}).get(lang, "")
            getattr(self, f"hint_{lang}").data = (question.hint or {}).get(lang, "")
            getattr(self, f"group_text_{lang}").data = (question.group_texts or {}).get(lang, "")
        self.required.data = question.required
        self.allow_na.data = question.allow_na
        self.max_picks.data = question.max_picks
        self.max_length.data = question.max_length if question.type == QuestionType.TEXT else None
        self.group.data = question.group or ""
        self.load_scale(question.scale or default_survey.SCALE)
        if question.show_if:
            self.show_if_question.data = str(question.show_if.get("question", ""))
            self.show_if_min.data = str(question.show_if.get("min", ""))
            self.show_if_max.data = str(question.show_if.get("max", ""))
        for option in question.options or []:
            self.options.append_entry(
                {
                    "key": option.get("key", ""),
                    **{lang: (option.get("texts") or {}).get(lang, "") for lang in LANGUAGES},
                }
            )

    def load_scale(self, scale: dict[str, list[str]]) -> None:
        """Fill the scale labels (five per language)."""
        for lang in LANGUAGES:
            labels = list(scale.get(lang) or [])
            for point in range(1, SCALE_POINTS + 1):
                self.scale_field(lang, point).data = (
                    labels[point - 1] if point <= len(labels) else ""
                )

    def set_choices(self, version: SurveyVersion, question: Question | None) -> None:
        """Offer the version's grids and the earlier rating questions a condition may name."""
        grids: dict[str, str] = {}
        for q in sorted(version.questions, key=lambda q: q.position):
            if q.group and q.group not in grids:
                grids[q.group] = (q.group_texts or {}).get("pl") or q.group
        self.group.choices = [
            ("", _("bez siatki (pytanie osobne)")),
            *grids.items(),
            (NEW_GROUP, _("nowa siatka…")),
        ]
        ordered = sorted(version.questions, key=lambda q: q.position)
        choices = [("", _("zawsze (bez warunku)"))] + [
            (q.key, f"{ordered.index(q) + 1}. {truncate((q.texts or {}).get('pl') or q.key)}")
            for q in show_if_targets(question, ordered)
        ]
        chosen = self.show_if_question.data or ""
        if chosen and chosen not in dict(choices):
            choices.append((chosen, chosen))  # a broken condition stays visible with its problem
        self.show_if_question.choices = choices

    def add_empty_rows(self) -> None:
        """Offer a few empty rows for new answers (more after saving)."""
        while (
            len(self.options.entries) < MAX_OPTIONS
            and sum(entry.form.is_empty() for entry in self.options.entries) < EMPTY_OPTION_ROWS
        ):
            self.options.append_entry()

    # -- checks -----------------------------------------------------------------------------

    def clean_options(self) -> list[dict[str, Any]]:
        """Return the filled option rows as stored options."""
        rows = []
        for entry in self.options.entries:
            if entry.form.is_empty():
                continue
            texts = {lang: (getattr(entry.form, lang).data or "").strip() for lang in LANGUAGES}
            rows.append(
                {
                    "key": (entry.form.key.data or "").strip(),
                    "texts": {lang: text for lang, text in texts.items() if text},
                }
            )
        return rows

    def values(self) -> dict[str, Any]:
        """Return the form's question as the values ``collector.operations.versions`` takes."""

        def texts(prefix: str) -> dict[str, str]:
            values = {
                lang: (getattr(self, f"{prefix}_{lang}").data or "").strip() for lang in LANGUAGES
            }
            return {lang: value for lang, value in values.items() if value}

        return {
            "type": self.type.data,
            "key": (self.key.data or "").strip(),
            "texts": texts("text"),
            "hint": texts("hint"),
            "group_texts": texts("group_text"),
            "required": self.required.data,
            "allow_na": self.allow_na.data,
            "options": self.clean_options(),
            "max_picks": self.max_picks.data,
            "max_length": self.max_length.data,
            "group": self.group_key or (self.group.data or "").strip(),
            "scale": self.scale_values(),
            "show_if": self.show_if_value(),
        }

    def scale_values(self) -> dict[str, list[str]] | None:
        """Return the scale labels per language (a language left blank is left out; Polish
        defaults to the standard words); None when the form did not send them at all."""
        fields = [self.scale_field(lang, p) for lang in LANGUAGES for p in range(1, 6)]
        if not any(field.raw_data for field in fields):
            return None
        scale = {}
        for lang in LANGUAGES:
            labels = [
                (self.scale_field(lang, p).data or "").strip() for p in range(1, SCALE_POINTS + 1)
            ]
            if any(labels):
                scale[lang] = labels
        scale.setdefault("pl", list(default_survey.SCALE["pl"]))
        return scale

    def show_if_value(self) -> dict[str, Any] | None:
        """Return the condition as stored (``{"question", "min", "max"}``), or None for "always".

        A bound that is not a number is kept as sent, so the rule set names the problem.
        """
        key = (self.show_if_question.data or "").strip()
        if not key:
            return None

        def bound(field: Any) -> Any:
            value = (field.data or "").strip()
            return int(value) if value.isdigit() and len(value) < 4 else value

        return {"question": key, "min": bound(self.show_if_min), "max": bound(self.show_if_max)}

    def check(self, version: SurveyVersion, question: Question | None) -> bool:
        """Run the question rules (``collector.operations.problems``); put each problem next to its field."""
        self.key.data = (self.key.data or "").strip()
        group = (self.group.data or "").strip()
        self.group.data = group
        self.group_key = ""
        grids = {q.group for q in version.questions if q.group}
        if self.type.data == QuestionType.RATING and group == NEW_GROUP:
            title = (self.group_text_pl.data or "").strip()
            if not title:
                self.show(Problem("group_text_pl_missing", "group_text_pl"))
                return False
            self.group_key = suggest_group_key(version, title)
        elif self.type.data == QuestionType.RATING and group and group not in grids:
            self.show(Problem("group_unknown", "group", {"group": group[:64]}))
            return False
        elif (
            self.type.data == QuestionType.RATING
            and group
            and not (self.group_text_pl.data or "").strip()
        ):
            # A grid has one title: a new row of an existing grid takes it from its siblings.
            sibling = next(
                (
                    q
                    for q in version.questions
                    if q.group == group
                    and (q.group_texts or {}).get("pl")
                    and (question is None or q.id != question.id)
                ),
                None,
            )
            if sibling is not None:
                for lang in LANGUAGES:
                    getattr(self, f"group_text_{lang}").data = (sibling.group_texts or {}).get(
                        lang, ""
                    )
        problems = check_question_values(version, self.values(), question)
        for problem in problems:
            self.show(problem)
        return not problems

    def show(self, problem: Problem) -> None:
        """Put a problem's text next to the field it is about (``options-2-key``: the third filled answer)."""
        message = describe(problem)
        name = problem.field or ""
        if name == "options" or (name.startswith("options-") and not self.clean_options()):
            self.options_problem = message
            return
        if name.startswith("scale_"):
            self.scale_problems[name.removeprefix("scale_")] = message
            return
        if name.startswith("options-"):
            _prefix, index, part = name.split("-")
            filled = [entry.form for entry in self.options.entries if not entry.form.is_empty()]
            field = getattr(filled[int(index)], part)
        else:
            field = getattr(self, name, None)
            if field is None:
                field = self.type
        field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]


LANGUAGE_LABELS = {"pl": _l("po polsku"), "en": _l("po angielsku"), "uk": _l("po ukraińsku")}
for _lang in LANGUAGES:
    for _point in range(1, SCALE_POINTS + 1):
        setattr(
            QuestionForm,
            f"scale_{_lang}_{_point}",
            StringField(
                _l(
                    "Opis oceny %(point)s %(language)s",
                    point=_point,
                    language=LANGUAGE_LABELS[_lang],
                ),
                validators=[Length(max=100)],
            ),
        )


def truncate(text: str, length: int = 60) -> str:
    """Return ``text`` cut to ``length`` characters with an ellipsis."""
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


class DetailsForm(FlaskForm):
    """The version's title and introduction, per language."""

    title_pl = StringField(_l("Tytuł po polsku"), validators=[Length(max=200)])
    title_en = StringField(_l("Tytuł po angielsku"), validators=[Length(max=200)])
    title_uk = StringField(_l("Tytuł po ukraińsku"), validators=[Length(max=200)])
    intro_pl = TextAreaField(_l("Wstęp po polsku"), validators=[Length(max=1000)])
    intro_en = TextAreaField(_l("Wstęp po angielsku"), validators=[Length(max=1000)])
    intro_uk = TextAreaField(_l("Wstęp po ukraińsku"), validators=[Length(max=1000)])

    def validate_title_pl(self, field: Any) -> None:
        if not (field.data or "").strip():
            raise ValidationError(_("Podaj tytuł ankiety po polsku."))


def json_error(status: int, code: str, message: str) -> Any:
    """Answer the editor's script: ``{"error": code, "message": text}`` with ``status``."""
    return jsonify(error=code, message=message), status


def position_message(count: int) -> str:
    return _("Podaj miejsce od 1 do %(count)s.", count=count)


def moved_message(question: Question) -> str:
    return _(
        "Przesunięto pytanie „%(key)s” na miejsce %(n)s.",
        key=question.key,
        n=question.position + 1,
    )


def question_notes(
    question: Question, numbers: dict[str, int], by_key: dict[str, Question]
) -> list[str]:
    """Return the list's notes on a question: its grid by title, the condition it is shown on."""
    notes = []
    if question.group:
        title = (question.group_texts or {}).get("pl") or question.group
        notes.append(_("siatka „%(title)s”", title=truncate(title, 50)))
    condition = question.show_if or {}
    if condition:
        target = by_key.get(str(condition.get("question")))
        name = (
            truncate((target.texts or {}).get("pl") or target.key, 40)
            if target
            else str(condition.get("question"))
        )
        notes.append(
            _(
                "widoczne, gdy ocena w pytaniu %(n)s („%(question)s”) to %(min)s–%(max)s",
                n=numbers.get(str(condition.get("question")), "?"),
                question=name,
                min=condition.get("min"),
                max=condition.get("max"),
            )
        )
    return notes


def preview_texts(office: Any) -> dict[str, Any]:
    """Return the residents' words the preview shows (Polish, from the resident catalog)."""
    departments = db.session.scalars(
        sa.select(Department)
        .where(Department.office_id == office.id, Department.active.is_(True))
        .order_by(Department.position, Department.id)
        .limit(4)
    )
    return {
        "required": messages.text("form.required_mark", "pl"),
        "na": messages.text("form.not_applicable", "pl"),
        "up_to": messages.get_section("form", "pl")["up_to"],
        "max_length": messages.get_section("form", "pl")["max_length"],
        "personal": messages.text("form.personal", "pl"),
        "departments": [d.name for d in departments],
        "empty": _("(treść pytania)"),
        "option": _("(odpowiedź)"),
        "condition": _("Pytanie pojawi się tylko po ocenie od %(min)s do %(max)s w pytaniu %(n)s."),
    }


def preview_of(form: QuestionForm, version: SurveyVersion, kind: str) -> dict[str, Any]:
    """Return the question as the preview draws it, from the form's values (in Polish)."""
    group = (form.group.data or "").strip()
    group_title = (form.group_text_pl.data or "").strip()
    if not group_title and group and group != NEW_GROUP:
        group_title = next(
            ((q.group_texts or {}).get("pl", "") for q in version.questions if q.group == group),
            "",
        )
    condition = form.show_if_value()
    ordered = sorted(version.questions, key=lambda q: q.position)
    number = next(
        (n for n, q in enumerate(ordered, 1) if condition and q.key == condition["question"]), "?"
    )
    return {
        "type": kind,
        "text": (form.text_pl.data or "").strip(),
        "hint": (form.hint_pl.data or "").strip(),
        "required": bool(form.required.data),
        "allow_na": bool(form.allow_na.data),
        "group_title": group_title if kind == QuestionType.RATING and group else "",
        "scale": [(form.scale_field("pl", p).data or "").strip() for p in (1, SCALE_POINTS)],
        "options": [
            (entry.form.pl.data or "").strip()
            for entry in form.options.entries
            if not entry.form.is_empty()
        ],
        "max_picks": form.max_picks.data,
        "max_length": form.max_length.data or 2000,
        "condition": {**condition, "n": number} if condition else None,
    }


def pre_change_reports(office: Any) -> dict[int, Report]:
    """Return version number -> the newest pre-change report archived for it."""
    found: dict[int, Report] = {}
    for report in db.session.scalars(
        sa.select(Report)
        .where(Report.office_id == office.id, Report.reason == "pre-change")
        .order_by(Report.created_at)
    ):
        for number in report.versions or []:
            found[number] = report
    return found


class SurveyView(PanelView):
    """Survey versions and the draft editor; reviewers read, admins edit and publish."""

    read_roles = ALL_ROLES
    write_roles = WRITER_ROLES

    @property
    def extra_js(self) -> list[str]:  # type: ignore[override]
        return [url_for("admin_ui.static", filename="survey_editor.js")]

    @property
    def extra_css(self) -> list[str]:  # type: ignore[override]
        return [url_for("admin_ui.static", filename="survey_editor.css")]

    # -- lookups ----------------------------------------------------------------------------

    def get_version(self, version_id: int) -> SurveyVersion:
        return get_scoped_or_404(SurveyVersion, version_id)

    def get_draft_version(self, version_id: int) -> SurveyVersion | Any:
        """Return the version if it is a draft; a published or retired one is read-only."""
        version = self.get_version(version_id)
        if version.status != VersionStatus.DRAFT:
            flash(
                _(
                    "Wersja %(number)s jest %(status)s i nie można jej zmieniać. Użyj „Edytuj”, aby utworzyć "
                    "wersję roboczą.",
                    number=version.number,
                    status=_(STATUS_LABELS[version.status]),
                ),
                "error",
            )
            abort(redirect(url_for(".version_view", version_id=version.id)))
        return version

    def get_question(self, question_id: int) -> Question:
        question = get_scoped_or_404(Question, question_id)
        self.get_draft_version(question.version_id)
        return question

    def version_url(self, version: SurveyVersion, anchor: str | None = None) -> str:
        return url_for(".version_view", version_id=version.id, _anchor=anchor)

    # -- pages ------------------------------------------------------------------------------

    @expose("/")
    def index_view(self) -> Any:
        office = get_chosen_office()
        if office is None:
            return render_office_choice(self, ".index_view")
        survey = get_survey(office)
        versions = list(reversed(survey.versions)) if survey else []
        draft = get_draft(survey) if survey else None
        return self.render(
            "admin/ocen/survey_index.html",
            office=office,
            versions=versions,
            draft=draft,
            status_labels=STATUS_LABELS,
            can_write=self.is_writer(),
            pre_change_reports=pre_change_reports(office),
        )

    @expose("/edit", methods=("POST",))
    def edit_view(self) -> Any:
        office = get_chosen_office()
        if office is None:
            return error_page(404)
        try:
            draft, created = start_draft(office, get_actor())
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            flash(error_text(error), "error")
            return redirect(url_for(".index_view", office_id=office.id))
        except sa.exc.IntegrityError:
            db.session.rollback()  # someone else made the draft at the same moment: open theirs
            draft, created = start_draft(office, get_actor())
        if created:
            flash(
                _(
                    "Utworzono wersję roboczą %(number)s — kopię poprzedniej wersji. Zmiany nie są widoczne dla "
                    "mieszkańców, dopóki jej nie opublikujesz.",
                    number=draft.number,
                ),
                "success",
            )
        else:
            flash(
                _("Wersja robocza %(number)s już istnieje — otwarto ją.", number=draft.number),
                "info",
            )
        return redirect(self.version_url(draft))

    @expose("/version/<int:version_id>")
    def version_view(self, version_id: int) -> Any:
        version = self.get_version(version_id)
        office = version.survey.office
        questions = sorted(version.questions, key=lambda q: q.position)
        numbers = {q.key: n for n, q in enumerate(questions, start=1)}
        by_key = {q.key: q for q in questions}
        notes = {q.id: question_notes(q, numbers, by_key) for q in questions}
        problems = (
            describe_all(check_version(version)) if version.status == VersionStatus.DRAFT else []
        )
        return self.render(
            "admin/ocen/survey_version.html",
            office=office,
            version=version,
            questions=questions,
            notes=notes,
            problems=problems,
            editable=version.status == VersionStatus.DRAFT and self.is_writer(),
            can_write=self.is_writer(),
            status_labels=STATUS_LABELS,
            type_labels=TYPE_LABELS,
            languages=[lang for lang in LANGUAGES if lang in (office.languages or ["pl"])],
        )

    @expose("/version/<int:version_id>/details", methods=("GET", "POST"))
    def details_view(self, version_id: int) -> Any:
        version = self.get_draft_version(version_id)
        form = DetailsForm()
        if request.method == "GET":
            for lang in LANGUAGES:
                getattr(form, f"title_{lang}").data = (version.title or {}).get(lang, "")
                getattr(form, f"intro_{lang}").data = (version.intro or {}).get(lang, "")
        elif form.validate_on_submit():
            edit_details(
                version,
                {lang: getattr(form, f"title_{lang}").data or "" for lang in LANGUAGES},
                {lang: getattr(form, f"intro_{lang}").data or "" for lang in LANGUAGES},
                get_actor(),
            )
            db.session.commit()
            flash(_("Zapisano tytuł i wstęp."), "success")
            return redirect(self.version_url(version))
        status = 400 if form.is_submitted() else 200
        return self.render(
            "admin/ocen/survey_details.html",
            form=form,
            version=version,
            office=version.survey.office,
        ), status

    @expose("/version/<int:version_id>/question/new", methods=("GET", "POST"))
    def new_question_view(self, version_id: int) -> Any:
        version = self.get_draft_version(version_id)
        form = QuestionForm()
        if request.method == "GET":
            kind = request.args.get("type", QuestionType.SINGLE)
            form.type.data = kind if kind in TYPE_LABELS else QuestionType.SINGLE
            form.key.data = suggest_key(version, form.type.data)
            form.allow_na.data = form.type.data == QuestionType.RATING
            form.load_scale(default_survey.SCALE)
        return self.question_page(form, version, None)

    @expose("/question/<int:question_id>", methods=("GET", "POST"))
    def question_view(self, question_id: int) -> Any:
        question = self.get_question(question_id)
        form = QuestionForm()
        if request.method == "GET":
            form.load(question)
        return self.question_page(form, question.version, question)

    def question_page(
        self, form: QuestionForm, version: SurveyVersion, question: Question | None
    ) -> Any:
        """Show the question form; on a valid POST store the question and go back to the version.

        "Pokaż pola tego rodzaju" (``change_type``, for browsers without JavaScript) only redraws
        the form with the fields of the chosen type; nothing is checked or stored.
        """
        if form.is_submitted() and request.form.get("change_type"):
            if form.type.data not in TYPE_LABELS:
                form.type.data = QuestionType.SINGLE
            return self.render_question_page(form, version, question, status=200)
        if form.is_submitted():
            valid = form.validate()
            form.failed = not (form.check(version, question) and valid)
            if not form.failed:
                try:
                    question = save_question(version, form.values(), get_actor(), question)
                except DomainError as error:  # e.g. another tab took the key a moment ago
                    db.session.rollback()
                    form.failed = True
                    for problem in error.problems:
                        form.show(problem)
                    if not error.problems:
                        flash(error_text(error), "error")
                    return self.render_question_page(form, version, question)
                db.session.commit()
                flash(_("Zapisano pytanie „%(key)s”.", key=question.key), "success")
                if request.form.get("more_options") and question.type in CHOICE_TYPES:
                    return redirect(
                        url_for(".question_view", question_id=question.id, _anchor="options")
                    )
                return redirect(self.version_url(version, f"q-{question.id}"))
        return self.render_question_page(form, version, question)

    def render_question_page(
        self,
        form: QuestionForm,
        version: SurveyVersion,
        question: Question | None,
        status: int | None = None,
    ) -> Any:
        form.add_empty_rows()
        form.set_choices(version, question)
        if status is None:
            status = 400 if form.is_submitted() else 200
        earlier = keys_of_earlier_versions(version)
        kind = form.type.data if form.type.data in TYPE_LABELS else QuestionType.SINGLE
        office = version.survey.office
        grid_titles = {
            q.group: {lang: (q.group_texts or {}).get(lang, "") for lang in LANGUAGES}
            for q in version.questions
            if q.group
        }
        return self.render(
            "admin/ocen/survey_question.html",
            form=form,
            version=version,
            question=question,
            office=office,
            languages=LANGUAGES,
            language_names=LANGUAGE_NAMES,
            kept_key=question is not None and question.key in earlier,
            kind=kind,
            sections=TYPE_SECTIONS,
            shown=set(TYPE_SECTIONS[QuestionType(kind)]),
            grid_titles=grid_titles,
            new_group=NEW_GROUP,
            points=POINTS,
            preview=preview_of(form, version, kind),
            preview_texts=preview_texts(office),
        ), status

    @expose("/question/<int:question_id>/move", methods=("POST",))
    def move_view(self, question_id: int) -> Any:
        """Move a question to the chosen place (``position``, 1 = first) or one step (``direction``)."""
        question = self.get_question(question_id)
        position = request.form.get("position", "")
        step = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
        count = len(question.version.questions)
        if position:
            if not position.isdigit() or not 1 <= int(position) <= count:
                return error_page(400, position_message(count))
        elif step is None:
            return error_page(400, _("Nieznany kierunek przesunięcia."))
        try:
            if position:
                moved = move_question_to(question, int(position) - 1, get_actor())
            else:
                moved = move_question(question, step or 0, get_actor())
        except DomainError as error:
            db.session.rollback()
            flash(error_text(error), "error")
            return redirect(self.version_url(question.version, f"q-{question.id}"))
        if moved:
            db.session.commit()
            flash(moved_message(question), "success")
        return redirect(self.version_url(question.version, f"q-{question.id}"))

    @expose("/question/<int:question_id>/position", methods=("POST",))
    def position_view(self, question_id: int) -> Any:
        """Move a question to ``{"position": N}`` (1 = first) for the page's script; answer JSON.

        404 for a question of another office, 409 for a version that is not a draft, 400 for a
        position that is not a whole number within the list or a move that breaks a condition.
        """
        found = db.session.scalar(
            scoped(sa.select(Question).where(Question.id == question_id), Question)
        )
        if found is None:
            return json_error(
                404,
                "not_found",
                _("Nie ma takiego pytania albo nie należy ono do Twojego urzędu."),
            )
        question: Question = found
        version = question.version
        if version.status != VersionStatus.DRAFT:
            return json_error(
                409,
                "not_draft",
                _(
                    "Wersja %(number)s jest %(status)s i nie można jej zmieniać.",
                    number=version.number,
                    status=_(STATUS_LABELS[version.status]),
                ),
            )
        body = request.get_json(silent=True)
        position = body.get("position") if isinstance(body, dict) else None
        count = len(version.questions)
        if (
            not isinstance(position, int)
            or isinstance(position, bool)
            or not 1 <= position <= count
        ):
            return json_error(400, "invalid_position", position_message(count))
        try:
            moved = move_question_to(question, position - 1, get_actor())
        except DomainError as error:
            db.session.rollback()
            return json_error(400, error.code, error_text(error))
        db.session.commit()
        ordered = sorted(version.questions, key=lambda q: q.position)
        return jsonify(
            moved=moved,
            message=moved_message(question),
            order=[q.id for q in ordered],
        )

    @expose("/question/<int:question_id>/delete", methods=("POST",))
    def delete_question_view(self, question_id: int) -> Any:
        question = self.get_question(question_id)
        version = question.version
        try:
            delete_question(question, get_actor())
        except DomainError as error:
            db.session.rollback()
            flash(error_text(error), "error")
            return redirect(self.version_url(version, f"q-{question.id}"))
        db.session.commit()
        flash(_("Usunięto pytanie „%(key)s” z wersji roboczej.", key=question.key), "success")
        return redirect(self.version_url(version))

    @expose("/version/<int:version_id>/discard", methods=("POST",))
    def discard_view(self, version_id: int) -> Any:
        """Delete a draft with its questions, after a confirmation page (it cannot be undone)."""
        version = self.get_draft_version(version_id)
        office = version.survey.office
        try:
            confirmed = is_confirmed("survey.discard", version.id)
        except ConfirmationRefused as refused:
            return refused.page
        if not confirmed:
            return self.render(
                "admin/ocen/confirm.html",
                title=_("Usunąć wersję roboczą %(number)s?", number=version.number),
                warning=None,
                lead=[
                    _(
                        "Wersja robocza %(number)s i jej pytania (%(count)s) zostaną usunięte; "
                        "tego nie można cofnąć. Opublikowana wersja ankiety i odpowiedzi się nie zmieniają.",
                        number=version.number,
                        count=len(version.questions),
                    )
                ],
                preview=None,
                consequences=[],
                action_url=url_for(".discard_view", version_id=version.id),
                token=confirm_token("survey.discard", version.id),
                fields=[],
                button=_("Tak, usuń wersję roboczą %(number)s", number=version.number),
                button_class="btn-danger",
                cancel_url=self.version_url(version),
            )
        discard_draft(version, get_actor())
        db.session.commit()
        flash(_("Usunięto wersję roboczą %(number)s.", number=version.number), "success")
        return redirect(url_for(".index_view", office_id=office.id))

    @expose("/version/<int:version_id>/publish", methods=("POST",))
    def publish_view(self, version_id: int) -> Any:
        """Publish a draft: first a confirmation page with the pre-change report's preview, then publish."""
        version = self.get_version(version_id)
        if version.status != VersionStatus.DRAFT:
            return error_page(
                409,
                _(
                    "Wersja %(number)s jest %(status)s — publikować można tylko wersję roboczą. "
                    "Nic nie zostało zmienione.",
                    number=version.number,
                    status=_(STATUS_LABELS[version.status]),
                ),
            )
        office = version.survey.office
        number = version.number
        try:
            confirmed = is_confirmed("publish", version.id)
        except ConfirmationRefused as refused:
            return refused.page
        if not confirmed:
            return self.render_publish_confirmation(office, version)
        try:
            report = publish_draft(office, version, get_actor())
        except DomainError as error:
            flash(error_text(error), "error")
            return redirect(url_for(".version_view", version_id=version_id))
        if report is not None:
            flash(
                _(
                    "Opublikowano wersję %(number)s. Raport przed zmianą (wersja %(old)s, %(count)s odpowiedzi) "
                    "zapisano w archiwum raportów.",
                    number=number,
                    old=", ".join(map(str, report.versions)),
                    count=report.response_count,
                ),
                "success",
            )
        else:
            flash(_("Opublikowano wersję %(number)s.", number=number), "success")
        return redirect(url_for(".index_view", office_id=office.id))

    def render_publish_confirmation(self, office: Any, version: SurveyVersion) -> Any:
        """Answer the confirmation page: the pre-change report's period, responses and headline figures."""
        from reports import tables as report_tables
        from reports.texts import fmt_int, fmt_period

        lang = "en" if get_language() == "en" else "pl"
        preview = publish_preview(office)
        consequences = []
        shown = None
        if preview is not None:
            current = preview["version"]
            data = preview["data"]
            shown = {
                "title": _("Raport przed zmianą, który zostanie zarchiwizowany"),
                "facts": [
                    (_("Wersja ankiety"), str(current.number)),
                    (
                        _("Okres"),
                        fmt_period(preview["period"].start, preview["period"].end, lang),
                    ),
                    (_("Liczba odpowiedzi"), fmt_int(data["responses"]["total"], lang)),
                ],
                "table": report_tables.headline(data, lang),
            }
            consequences = [
                _(
                    "Raport z wynikami wersji %(old)s zostanie wygenerowany i zapisany w archiwum na stałe.",
                    old=current.number,
                ),
                _(
                    "Wersja %(old)s zostanie wycofana (odpowiedzi przyjmuje jeszcze przez 24 godziny).",
                    old=current.number,
                ),
            ]
        consequences.append(
            _(
                "Wersja %(number)s zostanie opublikowana; po publikacji nie można jej zmieniać.",
                number=version.number,
            )
        )
        return self.render(
            "admin/ocen/confirm.html",
            title=_("Opublikować wersję %(number)s ankiety?", number=version.number),
            lead=[_("Sprawdź, co zostanie zapisane, zanim potwierdzisz.")],
            warning=None,
            preview=shown,
            consequences=consequences,
            action_url=url_for(".publish_view", version_id=version.id),
            token=confirm_token("publish", version.id),
            fields=[],
            button=_("Tak, opublikuj wersję %(number)s", number=version.number),
            button_class="btn-success",
            cancel_url=self.version_url(version),
        )

    # -- preview ----------------------------------------------------------------------------

    @expose("/version/<int:version_id>/preview")
    def preview_view(self, version_id: int) -> Any:
        version = self.get_version(version_id)
        office = version.survey.office
        lang = request.args.get("lang", "pl")
        if lang not in LANGUAGES:
            lang = "pl"
        return self.render(
            "admin/ocen/survey_preview.html",
            office=office,
            version=version,
            lang=lang,
            languages=[code for code in LANGUAGES if code in (office.languages or ["pl"])],
            language_names=LANGUAGE_NAMES,
            status_labels=STATUS_LABELS,
            document_url=url_for(".document_view", version_id=version.id, lang=lang),
        )

    @expose("/version/<int:version_id>/survey.json")
    def document_view(self, version_id: int) -> Any:
        """Return any version (a draft too) as the public API's survey document, for the preview."""
        version = self.get_version(version_id)
        lang = request.args.get("lang", "pl")
        if lang not in LANGUAGES:
            return jsonify(
                error="invalid_lang", message=_("Nieznany język: %(lang)s.", lang=lang[:10])
            ), 400
        response = jsonify(survey_document(version.survey.office, version, lang))
        response.headers["Cache-Control"] = "no-store"
        return response
