"""The survey editor: versions, the draft's questions, preview in the real widget, publishing.

A published or retired version is read-only. "Edytuj" makes a draft (a copy of the newest version
with the next number; one draft at a time), whose questions are added, removed, reordered with
up/down buttons (plain forms, so keyboard and screen-reader users reorder like everyone else),
retyped and re-worded. "Opublikuj" runs ``admin.versions.publish_draft``: the pre-change report,
the new version and the retirement of the old one in one transaction.
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

from collector.extensions import db
from collector.models import LANGUAGES, Question, Report, SurveyVersion
from collector.surveys import get_survey, survey_document

from .auditing import audit
from .base import ALL_ROLES, WRITER_ROLES, PanelView, error_page, expose, get_user
from .pages import get_chosen_office, get_scoped_or_404, render_office_choice
from .versions import (
    CHOICE_TYPES,
    KEY_RE,
    KEY_RULE,
    STATUS_LABELS,
    TYPE_LABELS,
    PublishError,
    check_version,
    get_draft,
    keys_of_earlier_versions,
    move_question,
    new_question_defaults,
    renumber,
    start_draft,
    suggest_key,
)

LANGUAGE_NAMES = {"pl": "polski", "en": "angielski", "uk": "ukraiński"}
EMPTY_OPTION_ROWS = 3
MAX_OPTIONS = 30
TEXT_MAX = 500


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
    key = StringField(_l("Klucz pytania"), validators=[Length(max=64)],
                      description=_l("Identyfikator w raportach i eksporcie: 1–64 znaki: małe litery bez "
                                     "polskich znaków, cyfry lub _. Nie zmienia się w kolejnych wersjach."))
    text_pl = TextAreaField(_l("Treść pytania po polsku"), validators=[Length(max=TEXT_MAX)])
    text_en = TextAreaField(_l("Treść pytania po angielsku"), validators=[Length(max=TEXT_MAX)])
    text_uk = TextAreaField(_l("Treść pytania po ukraińsku"), validators=[Length(max=TEXT_MAX)])
    hint_pl = StringField(_l("Podpowiedź po polsku"), validators=[Length(max=TEXT_MAX)])
    hint_en = StringField(_l("Podpowiedź po angielsku"), validators=[Length(max=TEXT_MAX)])
    hint_uk = StringField(_l("Podpowiedź po ukraińsku"), validators=[Length(max=TEXT_MAX)])
    required = BooleanField(_l("Odpowiedź wymagana"))
    allow_na = BooleanField(_l("Można odpowiedzieć „nie dotyczy”"))
    max_picks = IntegerField(_l("Najwięcej odpowiedzi do zaznaczenia"),
                             validators=[Optional(), NumberRange(1, MAX_OPTIONS, message=_l(
                                 "Podaj liczbę od 1 do %(max)s albo zostaw puste.", max=MAX_OPTIONS))],
                             description=_l("Puste: bez limitu."))
    max_length = IntegerField(_l("Najwięcej znaków odpowiedzi"),
                              validators=[Optional(), NumberRange(1, 2000, message=_l(
                                  "Podaj liczbę od 1 do 2000 albo zostaw puste."))])
    group = StringField(_l("Siatka ocen (klucz grupy)"), validators=[Length(max=64)],
                        description=_l("Pytania z tym samym kluczem grupy, stojące jedno pod drugim, tworzą "
                                       "siatkę ocen ze wspólnym tytułem. Puste: pytanie osobne."))
    group_text_pl = StringField(_l("Tytuł siatki po polsku"), validators=[Length(max=TEXT_MAX)])
    group_text_en = StringField(_l("Tytuł siatki po angielsku"), validators=[Length(max=TEXT_MAX)])
    group_text_uk = StringField(_l("Tytuł siatki po ukraińsku"), validators=[Length(max=TEXT_MAX)])
    options = FieldList(FormField(OptionForm), min_entries=0, max_entries=MAX_OPTIONS)
    options_problem = ""  # a problem with the answers as a whole, shown above their table
    failed = False  # set when a POST was refused: the page says so at the top

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
        self.max_length.data = question.max_length if question.type == "text" else None
        self.group.data = question.group or ""
        for option in question.options or []:
            self.options.append_entry({"key": option.get("key", ""),
                                       **{lang: (option.get("texts") or {}).get(lang, "") for lang in LANGUAGES}})

    def add_empty_rows(self) -> None:
        """Offer a few empty rows for new answers (more after saving)."""
        while len(self.options.entries) < MAX_OPTIONS and sum(
                entry.form.is_empty() for entry in self.options.entries) < EMPTY_OPTION_ROWS:
            self.options.append_entry()

    # -- checks -----------------------------------------------------------------------------

    def clean_options(self) -> list[dict[str, Any]]:
        """Return the filled option rows as stored options."""
        rows = []
        for entry in self.options.entries:
            if entry.form.is_empty():
                continue
            texts = {lang: (getattr(entry.form, lang).data or "").strip() for lang in LANGUAGES}
            rows.append({"key": (entry.form.key.data or "").strip(),
                         "texts": {lang: text for lang, text in texts.items() if text}})
        return rows

    def check(self, version: SurveyVersion, question: Question | None) -> bool:
        """Run the checks that need the version; put each message next to its field."""
        ok = True

        def fail(field: Any, message: str) -> None:
            nonlocal ok
            field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
            ok = False

        kind = self.type.data
        others = [q for q in version.questions if question is None or q.id != question.id]
        if question is None:
            key = (self.key.data or "").strip()
            self.key.data = key
            if not KEY_RE.match(key):
                fail(self.key, _("Klucz może mieć %(rule)s, np. czas_oczekiwania.", rule=_(KEY_RULE)))
            elif key in {q.key for q in others}:
                fail(self.key, _("Klucz „%(key)s” ma już inne pytanie tej wersji.", key=key))
            elif key in (earlier := keys_of_earlier_versions(version)):
                fail(self.key, _("Klucz „%(key)s” miało pytanie w wersji %(number)s. Nowe pytanie potrzebuje "
                                 "nowego klucza, żeby wyniki różnych pytań się nie pomieszały.",
                                 key=key, number=earlier[key]))
        if not (self.text_pl.data or "").strip():
            fail(self.text_pl, _("Podaj treść pytania po polsku."))
        if kind == "department" and any(q.type == "department" for q in others):
            fail(self.type, _("Ankieta ma już pytanie o wydział; może mieć tylko jedno."))
        if kind in CHOICE_TYPES:
            options = self.clean_options()
            keys = [o["key"] for o in options]
            for entry in self.options.entries:
                if entry.form.is_empty():
                    continue
                option_key = (entry.form.key.data or "").strip()
                if not KEY_RE.match(option_key):
                    fail(entry.form.key, _("Klucz odpowiedzi może mieć %(rule)s.", rule=_(KEY_RULE)))
                elif keys.count(option_key) > 1:
                    fail(entry.form.key, _("Klucz odpowiedzi „%(key)s” powtarza się.", key=option_key))
                if not (entry.form.pl.data or "").strip():
                    fail(entry.form.pl, _("Podaj treść odpowiedzi po polsku."))
            if len(options) < 2:
                self.options_problem = _("Pytanie wyboru potrzebuje co najmniej dwóch odpowiedzi do wyboru.")
                ok = False
            if kind == "multi" and self.max_picks.data and self.max_picks.data > len(options):
                fail(self.max_picks, _("Można zaznaczyć najwyżej %(picks)s, a odpowiedzi do wyboru jest tylko "
                                       "%(count)s.", picks=self.max_picks.data, count=len(options)))
        if kind == "rating" and (self.group.data or "").strip():
            group = self.group.data.strip()
            self.group.data = group
            if not KEY_RE.match(group):
                fail(self.group, _("Klucz grupy może mieć %(rule)s.", rule=_(KEY_RULE)))
            elif not (self.group_text_pl.data or "").strip():
                sibling = next((q for q in others if q.group == group and (q.group_texts or {}).get("pl")), None)
                if sibling is None:
                    fail(self.group_text_pl, _("Podaj tytuł siatki po polsku."))
                else:
                    for lang in LANGUAGES:
                        getattr(self, f"group_text_{lang}").data = (sibling.group_texts or {}).get(lang, "")
        return ok

    # -- saving -----------------------------------------------------------------------------

    def store(self, question: Question, version: SurveyVersion) -> None:
        """Write the form into the question; what does not belong to its type is cleared."""
        kind = self.type.data
        question.type = kind

        def texts(prefix: str) -> dict[str, str]:
            values = {lang: (getattr(self, f"{prefix}_{lang}").data or "").strip() for lang in LANGUAGES}
            return {lang: value for lang, value in values.items() if value}

        question.texts = texts("text")
        question.hint = texts("hint")
        question.required = bool(self.required.data)
        question.allow_na = bool(self.allow_na.data) if kind == "rating" else False
        question.options = self.clean_options() if kind in CHOICE_TYPES else []
        question.max_picks = self.max_picks.data if kind == "multi" else None
        question.max_length = self.max_length.data or 2000
        if kind == "rating":
            question.scale = question.scale or new_question_defaults("rating")["scale"]
        group = (self.group.data or "").strip() if kind == "rating" else ""
        question.group = group or None
        question.group_texts = texts("group_text") if group else {}
        if group:
            # A grid has one title: keep every row of the group in step.
            for other in version.questions:
                if other is not question and other.group == group:
                    other.group_texts = dict(question.group_texts)


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


def pre_change_reports(office: Any) -> dict[int, Report]:
    """Return version number -> the newest pre-change report archived for it."""
    found: dict[int, Report] = {}
    for report in db.session.scalars(sa.select(Report).where(Report.office_id == office.id,
                                                             Report.reason == "pre-change")
                                     .order_by(Report.created_at)):
        for number in report.versions or []:
            found[number] = report
    return found


def question_snapshot(question: Question) -> dict[str, Any]:
    """Return what the audit log keeps of a question."""
    return {"key": question.key, "type": question.type, "position": question.position,
            "required": question.required, "texts": dict(question.texts or {}),
            "options": [o.get("key") for o in question.options or []], "max_picks": question.max_picks,
            "allow_na": question.allow_na, "group": question.group}


class SurveyView(PanelView):
    """Survey versions and the draft editor; reviewers read, admins edit and publish."""

    read_roles = ALL_ROLES
    write_roles = WRITER_ROLES

    # -- lookups ----------------------------------------------------------------------------

    def get_version(self, version_id: int) -> SurveyVersion:
        return get_scoped_or_404(SurveyVersion, version_id)

    def get_draft_version(self, version_id: int) -> SurveyVersion | Any:
        """Return the version if it is a draft; a published or retired one is read-only."""
        version = self.get_version(version_id)
        if version.status != "draft":
            flash(_("Wersja %(number)s jest %(status)s i nie można jej zmieniać. Użyj „Edytuj”, aby utworzyć "
                    "wersję roboczą.", number=version.number, status=_(STATUS_LABELS[version.status])), "error")
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
        return self.render("admin/ocen/survey_index.html", office=office, versions=versions, draft=draft,
                           status_labels=STATUS_LABELS, can_write=self.is_writer(),
                           pre_change_reports=pre_change_reports(office))

    @expose("/edit", methods=("POST",))
    def edit_view(self) -> Any:
        office = get_chosen_office()
        if office is None:
            return error_page(404)
        try:
            draft, created = start_draft(office, get_user())
            db.session.commit()
        except PublishError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for(".index_view", office_id=office.id))
        except sa.exc.IntegrityError:
            db.session.rollback()  # someone else made the draft at the same moment: open theirs
            draft, created = start_draft(office, get_user())
        if created:
            flash(_("Utworzono wersję roboczą %(number)s — kopię poprzedniej wersji. Zmiany nie są widoczne dla "
                    "mieszkańców, dopóki jej nie opublikujesz.", number=draft.number), "success")
        else:
            flash(_("Wersja robocza %(number)s już istnieje — otwarto ją.", number=draft.number), "info")
        return redirect(self.version_url(draft))

    @expose("/version/<int:version_id>")
    def version_view(self, version_id: int) -> Any:
        version = self.get_version(version_id)
        office = version.survey.office
        questions = sorted(version.questions, key=lambda q: q.position)
        problems = check_version(version) if version.status == "draft" else []
        return self.render("admin/ocen/survey_version.html", office=office, version=version, questions=questions,
                           problems=problems, editable=version.status == "draft" and self.is_writer(),
                           can_write=self.is_writer(), status_labels=STATUS_LABELS, type_labels=TYPE_LABELS,
                           languages=[lang for lang in LANGUAGES if lang in (office.languages or ["pl"])])

    @expose("/version/<int:version_id>/details", methods=("GET", "POST"))
    def details_view(self, version_id: int) -> Any:
        version = self.get_draft_version(version_id)
        form = DetailsForm()
        if request.method == "GET":
            for lang in LANGUAGES:
                getattr(form, f"title_{lang}").data = (version.title or {}).get(lang, "")
                getattr(form, f"intro_{lang}").data = (version.intro or {}).get(lang, "")
        elif form.validate_on_submit():
            before = {"title": dict(version.title or {}), "intro": dict(version.intro or {})}
            version.title = {lang: getattr(form, f"title_{lang}").data.strip() for lang in LANGUAGES
                             if (getattr(form, f"title_{lang}").data or "").strip()}
            version.intro = {lang: getattr(form, f"intro_{lang}").data.strip() for lang in LANGUAGES
                             if (getattr(form, f"intro_{lang}").data or "").strip()}
            audit("survey.details", version, office_id=version.survey.office_id, before=before,
                  after={"title": version.title, "intro": version.intro})
            db.session.commit()
            flash(_("Zapisano tytuł i wstęp."), "success")
            return redirect(self.version_url(version))
        status = 400 if form.is_submitted() else 200
        return self.render("admin/ocen/survey_details.html", form=form, version=version,
                           office=version.survey.office), status

    @expose("/version/<int:version_id>/question/new", methods=("GET", "POST"))
    def new_question_view(self, version_id: int) -> Any:
        version = self.get_draft_version(version_id)
        form = QuestionForm()
        if request.method == "GET":
            kind = request.args.get("type", "single")
            form.type.data = kind if kind in TYPE_LABELS else "single"
            form.key.data = suggest_key(version, form.type.data)
            form.allow_na.data = form.type.data == "rating"
        return self.question_page(form, version, None)

    @expose("/question/<int:question_id>", methods=("GET", "POST"))
    def question_view(self, question_id: int) -> Any:
        question = self.get_question(question_id)
        form = QuestionForm()
        if request.method == "GET":
            form.load(question)
        return self.question_page(form, question.version, question)

    def question_page(self, form: QuestionForm, version: SurveyVersion, question: Question | None) -> Any:
        """Show the question form; on a valid POST store the question and go back to the version."""
        if form.is_submitted():
            valid = form.validate()
            form.failed = not (form.check(version, question) and valid)
            if not form.failed:
                created = question is None
                before = None if created else question_snapshot(question)
                if created:
                    question = Question(key=form.key.data, position=len(version.questions),
                                        **new_question_defaults(form.type.data))
                    version.questions.append(question)
                form.store(question, version)
                renumber(version)
                db.session.flush()
                audit("survey.question_add" if created else "survey.question_edit", question,
                      office_id=version.survey.office_id, before=before, after=question_snapshot(question))
                db.session.commit()
                flash(_("Zapisano pytanie „%(key)s”.", key=question.key), "success")
                if request.form.get("more_options") and question.type in CHOICE_TYPES:
                    return redirect(url_for(".question_view", question_id=question.id, _anchor="options"))
                return redirect(self.version_url(version, f"q-{question.id}"))
        form.add_empty_rows()
        status = 400 if form.is_submitted() else 200
        earlier = keys_of_earlier_versions(version)
        return self.render("admin/ocen/survey_question.html", form=form, version=version, question=question,
                           office=version.survey.office, languages=LANGUAGES, language_names=LANGUAGE_NAMES,
                           kept_key=question is not None and question.key in earlier), status

    @expose("/question/<int:question_id>/move", methods=("POST",))
    def move_view(self, question_id: int) -> Any:
        question = self.get_question(question_id)
        step = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
        if step is None:
            return error_page(400, _("Nieznany kierunek przesunięcia."))
        before = question.position
        if move_question(question, step):
            audit("survey.question_move", question, office_id=question.version.survey.office_id,
                  before={"position": before}, after={"position": question.position})
            db.session.commit()
            flash(_("Przesunięto pytanie „%(key)s” na miejsce %(n)s.", key=question.key, n=question.position + 1),
                  "success")
        return redirect(self.version_url(question.version, f"q-{question.id}"))

    @expose("/question/<int:question_id>/delete", methods=("POST",))
    def delete_question_view(self, question_id: int) -> Any:
        question = self.get_question(question_id)
        version = question.version
        audit("survey.question_delete", question, office_id=version.survey.office_id,
              before=question_snapshot(question))
        version.questions.remove(question)
        renumber(version)
        db.session.commit()
        flash(_("Usunięto pytanie „%(key)s” z wersji roboczej.", key=question.key), "success")
        return redirect(self.version_url(version))

    @expose("/version/<int:version_id>/discard", methods=("POST",))
    def discard_view(self, version_id: int) -> Any:
        version = self.get_draft_version(version_id)
        office = version.survey.office
        audit("survey.discard", version, office_id=office.id, before={"number": version.number,
                                                                        "questions": [q.key for q in version.questions]})
        db.session.delete(version)
        db.session.commit()
        flash(_("Usunięto wersję roboczą %(number)s.", number=version.number), "success")
        return redirect(url_for(".index_view", office_id=office.id))

    @expose("/version/<int:version_id>/publish", methods=("POST",))
    def publish_view(self, version_id: int) -> Any:
        from .versions import publish_draft

        version = self.get_draft_version(version_id)
        office = version.survey.office
        number = version.number
        try:
            report = publish_draft(office, version, get_user())
        except PublishError as error:
            flash(str(error), "error")
            return redirect(url_for(".version_view", version_id=version_id))
        if report is not None:
            flash(_("Opublikowano wersję %(number)s. Raport przed zmianą (wersja %(old)s, %(count)s odpowiedzi) "
                    "zapisano w archiwum raportów.", number=number, old=", ".join(map(str, report.versions)),
                    count=report.response_count), "success")
        else:
            flash(_("Opublikowano wersję %(number)s.", number=number), "success")
        return redirect(url_for(".index_view", office_id=office.id))

    # -- preview ----------------------------------------------------------------------------

    @expose("/version/<int:version_id>/preview")
    def preview_view(self, version_id: int) -> Any:
        version = self.get_version(version_id)
        office = version.survey.office
        lang = request.args.get("lang", "pl")
        if lang not in LANGUAGES:
            lang = "pl"
        return self.render("admin/ocen/survey_preview.html", office=office, version=version, lang=lang,
                           languages=[code for code in LANGUAGES if code in (office.languages or ["pl"])],
                           language_names=LANGUAGE_NAMES, status_labels=STATUS_LABELS,
                           document_url=url_for(".document_view", version_id=version.id, lang=lang))

    @expose("/version/<int:version_id>/survey.json")
    def document_view(self, version_id: int) -> Any:
        """Return any version (a draft too) as the public API's survey document, for the preview."""
        version = self.get_version(version_id)
        lang = request.args.get("lang", "pl")
        if lang not in LANGUAGES:
            return jsonify(error="invalid_lang", message=_("Nieznany język: %(lang)s.", lang=lang[:10])), 400
        response = jsonify(survey_document(version.survey.office, version, lang))
        response.headers["Cache-Control"] = "no-store"
        return response
