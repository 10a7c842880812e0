"""Office data and departments in the panel."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import sqlalchemy as sa
from flask import g
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from collector.enums import Role
from collector.extensions import db
from collector.models import LANGUAGES, Answer, Department, Office, Response, utcnow
from collector.operations import DomainError
from collector.operations.offices import check_origins, check_slug, create_office

from .base import OfficeScopedView
from .forms import PanelForm, email_address
from .i18n import get_language
from .problems import error_text
from .validators import check_page_url, normalize_colour
from .workflows import before_office_change

MIN_RETENTION_DAYS = 365
MAX_RETENTION_DAYS = 3650
DEPARTMENT_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
RESERVED_DEPARTMENT_KEYS = frozenset({"other"})
LANGUAGE_LABELS = {"pl": "polski", "en": "angielski", "uk": "ukraiński"}
POSITIONS = (("bottom-right", "prawy dolny róg"), ("bottom-left", "lewy dolny róg"))
MAX_INVITE_DELAY_SECONDS = 600
MAX_INVITE_PATHS = 20
MAX_INVITE_PATH_LENGTH = 200
MAX_INFO_CLAUSE = 5000


# ---------------------------------------------------------------------------------------------
# Fields


class OriginsField(TextAreaField):
    """Allowed origins, one per line in the form, a list of exact origins in the model."""

    def _value(self) -> str:
        return "\n".join(self.data or [])

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist:
            self.data = [line.strip() for line in valuelist[0].splitlines() if line.strip()]

    def pre_validate(self, form: Any) -> None:
        try:
            self.data = check_origins(self.data or [])
        except DomainError as error:
            raise ValidationError(error_text(error)) from error


class LanguagesField(SelectMultipleField):
    """The survey's languages as checkboxes; Polish is required."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form: Any) -> None:
        for lang in self.data or []:
            if lang not in LANGUAGES:
                raise ValidationError(_("Nieznany język: %(lang)s.", lang=str(lang)[:10]))
        if "pl" not in (self.data or []):
            raise ValidationError(_("Język polski jest wymagany."))
        self.data = [lang for lang in LANGUAGES if lang in self.data]


class PathsField(TextAreaField):
    """Path prefixes of the office's site, one per line in the form, a list in the model."""

    def _value(self) -> str:
        return "\n".join(self.data or [])

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist:
            self.data = [line.strip() for line in valuelist[0].splitlines() if line.strip()]

    def pre_validate(self, form: Any) -> None:
        paths = list(dict.fromkeys(self.data or []))
        if len(paths) > MAX_INVITE_PATHS:
            raise ValidationError(_("Najwyżej %(max)s ścieżek.", max=MAX_INVITE_PATHS))
        for path in paths:
            shown = path[:60]
            if not path.startswith("/") or path.startswith("//"):
                raise ValidationError(
                    _(
                        "„%(path)s”: ścieżka musi zaczynać się od jednego ukośnika, np. /sprawy.",
                        path=shown,
                    )
                )
            if len(path) > MAX_INVITE_PATH_LENGTH:
                raise ValidationError(
                    _(
                        "„%(path)s”: najwyżej %(max)s znaków.",
                        path=shown,
                        max=MAX_INVITE_PATH_LENGTH,
                    )
                )
            if any(ch.isspace() or ord(ch) < 32 or ch in "?#" for ch in path):
                raise ValidationError(
                    _(
                        "„%(path)s”: sama ścieżka, bez spacji, parametrów (?) i kotwicy (#).",
                        path=shown,
                    )
                )
        self.data = paths


class CommaDecimalField(DecimalField):
    """A decimal written either way: "3,5" (Polish) or "3.5"; a text box, since a number box
    would refuse to show the Polish "3,5"."""

    widget = widgets.TextInput()

    def process_formdata(self, valuelist: list[str]) -> None:
        super().process_formdata([value.strip().replace(",", ".") for value in valuelist])

    def _value(self) -> str:
        text = super()._value()
        return text.replace(".", ",") if get_language() == "pl" else text


def validate_page_url(form: Any, field: Any) -> None:
    if field.data:
        field.data = check_page_url(field.data)


def validate_colour(form: Any, field: Any) -> None:
    field.data = normalize_colour(field.data or "")


class OfficeForm(PanelForm):
    slug = StringField(
        _l("Identyfikator (slug)"),
        validators=[DataRequired(_l("To pole jest wymagane.")), Length(max=63)],
    )
    name = StringField(
        _l("Nazwa"), validators=[DataRequired(_l("To pole jest wymagane.")), Length(max=200)]
    )
    address = StringField(_l("Adres"), validators=[Optional(), Length(max=300)])
    contact_email = StringField(
        _l("E-mail kontaktowy"), validators=[Optional(), Length(max=200), email_address]
    )
    contact_phone = StringField(_l("Telefon kontaktowy"), validators=[Optional(), Length(max=50)])
    privacy_url = StringField(
        _l("Adres klauzuli informacyjnej (RODO)"),
        validators=[Optional(), Length(max=500), validate_page_url],
    )
    accessibility_url = StringField(
        _l("Adres deklaracji dostępności"),
        description=_l(
            "Strona z deklaracją dostępności urzędu; link do niej jest w stopce strony ankiety."
        ),
        validators=[Optional(), Length(max=500), validate_page_url],
    )
    info_clause = TextAreaField(
        _l("Klauzula informacyjna (treść)"),
        description=_l(
            "Krótka treść klauzuli (RODO art. 13) pokazywana na stronie ankiety po rozwinięciu; "
            "pełna wersja może być pod adresem klauzuli informacyjnej."
        ),
        validators=[Optional(), Length(max=MAX_INFO_CLAUSE)],
    )
    allowed_origins = OriginsField(
        _l("Dozwolone adresy stron (originy)"),
        description=_l(
            "Jeden na wiersz, np. https://www.leszno.pl — sam protokół, host i ewentualnie port."
        ),
        validators=[Length(max=5000)],
    )
    languages = LanguagesField(
        _l("Języki ankiety"), choices=[(code, _l(LANGUAGE_LABELS[code])) for code in LANGUAGES]
    )
    look_label = StringField(
        _l("Napis na przycisku"),
        validators=[DataRequired(_l("To pole jest wymagane.")), Length(max=60)],
    )
    look_color = StringField(
        _l("Kolor przycisku"),
        description=_l(
            "Format #rrggbb; napis jest biały, więc kolor musi być dość ciemny "
            "(kontrast co najmniej 4,5:1)."
        ),
        validators=[validate_colour],
    )
    look_position = SelectField(
        _l("Położenie przycisku"), choices=[(k, _l(v)) for k, v in POSITIONS]
    )
    invite_enabled = BooleanField(
        _l("Zaproszenie do ankiety"),
        description=_l(
            "Włączone: widżet sam zaprasza części odwiedzających do ankiety; przycisk zostaje."
        ),
    )
    invite_delay_seconds = IntegerField(
        _l("Zaproszenie po (sekundach na stronie)"),
        description=_l("Od 0 do 600 sekund. Puste: od razu na wskazanych ścieżkach."),
        validators=[
            Optional(),
            NumberRange(
                0,
                MAX_INVITE_DELAY_SECONDS,
                message=_l("Podaj liczbę sekund od %(min)s do %(max)s albo zostaw puste."),
            ),
        ],
    )
    invite_paths = PathsField(
        _l("Zaproszenie na stronach (ścieżki)"),
        description=_l(
            "Początki ścieżek, jeden na wiersz, np. /sprawy. Puste: na każdej stronie z widżetem."
        ),
    )
    invite_sample_percent = IntegerField(
        _l("Odsetek zapraszanych odwiedzających (%)"),
        default=100,
        description=_l("Od 1 do 100 procent odwiedzających, losowo."),
        validators=[
            Optional(),
            NumberRange(1, 100, message=_l("Podaj liczbę od %(min)s do %(max)s.")),
        ],
    )
    invite_snooze_days = IntegerField(
        _l("Bez ponownego zaproszenia przez (dni)"),
        default=90,
        description=_l(
            "Od 1 do 365 dni po odpowiedzi lub zamknięciu zaproszenia (zapamiętuje to tylko "
            "przeglądarka odwiedzającego, bez identyfikatora)."
        ),
        validators=[
            Optional(),
            NumberRange(1, 365, message=_l("Podaj liczbę dni od %(min)s do %(max)s.")),
        ],
    )
    retention_days = IntegerField(
        _l("Przechowywanie odpowiedzi (dni)"),
        description=_l(
            "Puste: bez limitu. Co najmniej 365 dni, aby odpowiedzi objął raport roczny."
        ),
        validators=[
            Optional(),
            NumberRange(
                MIN_RETENTION_DAYS,
                MAX_RETENTION_DAYS,
                message=_l("Podaj liczbę dni od %(min)s do %(max)s albo zostaw puste."),
            ),
        ],
    )

    def populate_obj(self, obj: Any) -> None:
        """Set the office's values; a blank sample or snooze keeps the value it had (or the default)."""
        for name in ("invite_sample_percent", "invite_snooze_days", "alert_mean_below"):
            if getattr(self, name).data is None:
                getattr(self, name).data = getattr(obj, name, None) or getattr(self, name).default
        super().populate_obj(obj)
        obj.alert_mean_below = float(obj.alert_mean_below)

    alert_mean_below = CommaDecimalField(
        _l("Próg alertu e-mail: średnia poniżej"),
        default=3.5,
        render_kw={"inputmode": "decimal"},
        places=1,
        description=_l(
            "Od 1,0 do 5,0. Pracownicy urzędu dostają alert, gdy średnia wydziału lub elementu "
            "ankiety z ostatnich 30 dni (przy co najmniej 10 odpowiedziach) spadnie poniżej tej "
            "wartości. Domyślnie 3,5."
        ),
        validators=[
            Optional(),
            NumberRange(1, 5, message=_l("Podaj liczbę od %(min)s do %(max)s, np. 3,5.")),
        ],
    )

    require_two_factor = BooleanField(
        _l("Wymagaj logowania dwuetapowego"),
        description=_l(
            "Każde konto urzędu loguje się hasłem i kodem z aplikacji uwierzytelniającej; "
            "kto go jeszcze nie włączył, zostanie poproszony o to po zalogowaniu."
        ),
    )

    publish_results = BooleanField(
        _l("Publikuj wyniki"),
        description=_l(
            "Włączone: publiczna strona /wyniki/<identyfikator> pokazuje wyniki najnowszego raportu "
            "rocznego (bez uwag mieszkańców i bez liczb z mniej niż 5 odpowiedzi), działania "
            "naprawcze, dane otwarte oraz pliki PDF raportów rocznych zarchiwizowanych od chwili "
            "włączenia. Plik PDF zawiera nieukryte uwagi mieszkańców: przed archiwizacją raportu "
            "warto ukryć te z danymi osobowymi. Link do wklejenia w BIP jest na stronie "
            "„Osadzanie i kody QR”."
        ),
    )

    def validate_slug(self, field: Any) -> None:
        field.data = (field.data or "").strip().lower()
        try:
            check_slug(field.data)
        except DomainError as error:
            raise ValidationError(error_text(error)) from error


def _format_colour(view: Any, context: Any, model: Office, name: str) -> Markup:
    colour = escape(model.look_color or "")
    return Markup(
        f'<span class="colour-swatch" style="background:{colour}" aria-hidden="true"></span>{colour}'
    )


# Office settings that are not the survey's: changing them alone archives no pre-change report
# (two-factor login, the alert's threshold; publishing the results, which shows what is archived).
NON_SURVEY_SETTINGS = frozenset(
    {"require_two_factor", "alert_mean_below", "publish_results", "results_published_at"}
)


def changes_survey_data(form: Any, office: Office) -> bool:
    """Tell whether saving ``form`` changes more than the office's security settings."""
    if form is None:
        return True
    with db.session.no_autoflush:
        form.populate_obj(office)
        state = sa.inspect(office)
        changed = any(
            attr.history.has_changes()
            for attr in state.attrs
            if attr.key not in NON_SURVEY_SETTINGS
        )
    db.session.expire(office)
    return changed


def _format_list(view: Any, context: Any, model: Any, name: str) -> str:
    return ", ".join(getattr(model, name) or [])


class OfficeView(OfficeScopedView):
    """Office data: admins edit their office; the superadmin sees and creates every office."""

    form = OfficeForm
    office_field = ""
    allow_delete = False  # an office holds responses and reports: never deleted from the panel
    create_roles = (Role.SUPERADMIN,)
    column_list = ("name", "slug", "allowed_origins", "languages", "look_color")
    column_details_list = (
        "name",
        "slug",
        "address",
        "contact_email",
        "contact_phone",
        "privacy_url",
        "accessibility_url",
        "info_clause",
        "allowed_origins",
        "languages",
        "look_label",
        "look_color",
        "look_position",
        "invite_enabled",
        "invite_delay_seconds",
        "invite_paths",
        "invite_sample_percent",
        "invite_snooze_days",
        "retention_days",
        "require_two_factor",
        "alert_mean_below",
        "publish_results",
        "results_published_at",
        "created_at",
    )
    column_labels = {
        "name": _l("Nazwa"),
        "slug": _l("Identyfikator (slug)"),
        "address": _l("Adres"),
        "contact_email": _l("E-mail kontaktowy"),
        "contact_phone": _l("Telefon kontaktowy"),
        "privacy_url": _l("Adres klauzuli informacyjnej (RODO)"),
        "accessibility_url": _l("Adres deklaracji dostępności"),
        "info_clause": _l("Klauzula informacyjna (treść)"),
        "invite_enabled": _l("Zaproszenie do ankiety"),
        "invite_delay_seconds": _l("Zaproszenie po (sekundach na stronie)"),
        "invite_paths": _l("Zaproszenie na stronach (ścieżki)"),
        "invite_sample_percent": _l("Odsetek zapraszanych odwiedzających (%)"),
        "invite_snooze_days": _l("Bez ponownego zaproszenia przez (dni)"),
        "allowed_origins": _l("Dozwolone adresy stron (originy)"),
        "languages": _l("Języki ankiety"),
        "look_label": _l("Napis na przycisku"),
        "look_color": _l("Kolor przycisku"),
        "look_position": _l("Położenie przycisku"),
        "retention_days": _l("Przechowywanie odpowiedzi (dni)"),
        "require_two_factor": _l("Wymagaj logowania dwuetapowego"),
        "alert_mean_below": _l("Próg alertu e-mail: średnia poniżej"),
        "publish_results": _l("Publikuj wyniki"),
        "results_published_at": _l("Wyniki publikowane od"),
        "created_at": _l("Kiedy"),
    }
    column_formatters = {
        "look_color": _format_colour,
        "allowed_origins": _format_list,
        "invite_paths": _format_list,
        "languages": _format_list,
    }
    column_formatters_detail = column_formatters
    column_default_sort = "name"
    column_searchable_list = ("name", "slug")

    def edit_form(self, obj: Any = None) -> Any:
        form = super().edit_form(obj)
        del form.slug  # the slug is in every embed code: it never changes
        return form

    def update_model(self, form: Any, model: Any) -> bool:
        g.office_form = form
        return super().update_model(form, model)

    def validate_change(self, form: Any, model: Office, is_created: bool) -> None:
        # Switching publication on starts the public list of yearly reports: those archived from now.
        before = g.get("audit_before") or {}
        if model.publish_results and (is_created or not before.get("publish_results")):
            model.results_published_at = utcnow()

    def before_change(self, model: Office | None, is_created: bool) -> None:
        # Requiring two-factor login changes nothing residents see: no pre-change report for it.
        if model is not None and changes_survey_data(g.get("office_form"), model):
            before_office_change(model)

    def create_model(self, form: Any) -> Any:
        """Create the office through the domain operation, so its survey is published.

        The operation does not audit (``actor=None``): this view's ``on_model_change`` records the
        creation with every value the form set, like any other record's.
        """
        session = self.session
        try:
            office = create_office(
                form.slug.data,
                form.name.data,
                origins=form.allowed_origins.data,
                privacy_url=form.privacy_url.data or "",
                actor=None,
            )
            form.populate_obj(office)
            self._on_model_change(form, office, True)
            session.commit()
        except Exception as ex:
            if not self.handle_view_exception(ex):
                raise
            session.rollback()
            return False
        self.after_model_change(form, office, True)
        return office


# ---------------------------------------------------------------------------------------------
# Departments


def make_department_key(name: str, office_id: int) -> str:
    """Return a free key made from the department's name (no diacritics, hyphens for spaces)."""
    ascii_name = unicodedata.normalize("NFKD", name.replace("ł", "l").replace("Ł", "L"))
    ascii_name = ascii_name.encode("ascii", "ignore").decode().lower()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")[:56] or "wydzial"
    key, n = base, 2
    while key in RESERVED_DEPARTMENT_KEYS or db.session.scalar(
        sa.select(Department.id).where(Department.office_id == office_id, Department.key == key)
    ):
        key, n = f"{base}-{n}", n + 1
    return key


def has_responses(department: Department) -> bool:
    """Tell whether any response or answer names this department."""
    for model in (Response, Answer):
        if db.session.scalar(
            sa.select(model.id)
            .where(model.office_id == department.office_id, model.department_key == department.key)
            .limit(1)
        ):
            return True
    return False


class DepartmentForm(PanelForm):
    name = StringField(
        _l("Nazwa"), validators=[DataRequired(_l("To pole jest wymagane.")), Length(max=200)]
    )
    name_en = StringField(_l("Nazwa po angielsku"), validators=[Optional(), Length(max=200)])
    name_uk = StringField(_l("Nazwa po ukraińsku"), validators=[Optional(), Length(max=200)])
    key = StringField(
        _l("Klucz"),
        validators=[Optional(), Length(max=64)],
        description=_l(
            "Klucz: małe litery, cyfry, _ lub -, np. komunikacja. Puste: utworzony z nazwy; potem się nie zmienia."
        ),
    )
    position = IntegerField(
        _l("Kolejność"), default=0, validators=[Optional(), NumberRange(0, 10000)]
    )
    active = BooleanField(_l("Aktywny"), default=True)

    def validate_key(self, field: Any) -> None:
        field.data = (field.data or "").strip().lower()
        if field.data and not DEPARTMENT_KEY_RE.match(field.data):
            raise ValidationError(
                _("Klucz: 1–64 małe litery, cyfry, _ lub -, zaczynając od litery lub cyfry.")
            )
        if field.data in RESERVED_DEPARTMENT_KEYS:
            raise ValidationError(
                _("Klucz „other” jest zarezerwowany dla odpowiedzi „Inny / nie wiem”.")
            )

    def populate_obj(self, obj: Department) -> None:
        obj.name = self.name.data.strip()
        names = {
            lang: getattr(self, f"name_{lang}").data.strip()
            for lang in ("en", "uk")
            if (getattr(self, f"name_{lang}").data or "").strip()
        }
        obj.names = names
        obj.position = self.position.data or 0
        obj.active = bool(self.active.data)
        if getattr(self, "key", None) is not None and obj.id is None:
            obj.key = self.key.data or ""
        if getattr(self, "office", None) is not None:
            obj.office = self.office.data

    def process(
        self, formdata: Any = None, obj: Any = None, data: Any = None, **kwargs: Any
    ) -> None:
        super().process(formdata, obj, data, **kwargs)
        if obj is not None and formdata is None:
            self.name_en.data = (obj.names or {}).get("en", "")
            self.name_uk.data = (obj.names or {}).get("uk", "")


class DepartmentView(OfficeScopedView):
    """Departments: add, rename, reorder, deactivate; never deleted once they have responses."""

    form = DepartmentForm
    column_list = ("position", "name", "key", "active", "office")
    column_details_list = ("name", "key", "names", "position", "active", "office")
    column_labels = {
        "position": _l("Kolejność"),
        "name": _l("Nazwa"),
        "key": _l("Klucz"),
        "active": _l("Aktywny"),
        "office": _l("Urząd"),
        "names": _l("Tłumaczenia nazwy"),
    }
    column_default_sort = [("office_id", False), ("position", False), ("id", False)]
    column_searchable_list = ("name", "key")
    column_filters = ("active",)

    def get_form(self) -> Any:
        return self._with_office_field(DepartmentForm)

    def _with_office_field(self, form_class: type) -> type:
        from flask_admin.contrib.sqla.fields import QuerySelectField

        class Form(form_class):
            office = QuerySelectField(
                _l("Urząd"),
                query_factory=lambda: db.session.query(Office).order_by(Office.name),
                validators=[DataRequired(_l("Wybierz urząd."))],
            )

        return Form

    def edit_form(self, obj: Any = None) -> Any:
        form = super().edit_form(obj)
        del form.key  # responses point at the key: it never changes
        if getattr(form, "office", None) is not None:
            del form.office  # a department never moves to another office
        return form

    def before_change(self, model: Department | None, is_created: bool) -> None:
        # A new department's office is known only once the form is read: see validate_change.
        if model is not None:
            before_office_change(model.office)

    def validate_change(self, form: Any, model: Department, is_created: bool) -> None:
        if is_created:
            if model.office_id is None and model.office is not None:
                model.office_id = model.office.id
            before_office_change(db.session.get(Office, model.office_id))
            if not model.key:
                model.key = make_department_key(model.name, model.office_id)
            elif db.session.scalar(
                sa.select(Department.id).where(
                    Department.office_id == model.office_id,
                    Department.key == model.key,
                    Department.id != model.id,
                )
            ):
                raise ValidationError(
                    _("Wydział o kluczu %(key)s już istnieje w tym urzędzie.", key=model.key)
                )

    def validate_delete(self, model: Department) -> None:
        if has_responses(model):
            raise ValidationError(
                _(
                    "Nie można usunąć wydziału „%(name)s”: ma już odpowiedzi. Dezaktywuj go zamiast "
                    "usuwać.",
                    name=model.name,
                )
            )
