"""The panel's languages: Polish by default, English selectable.

Flask-Babel picks the locale, so Flask-Admin's and WTForms' own catalogs (both ship Polish)
translate their texts. Our own texts are written in Polish in the code and translated to English
by the ``EN`` table below rather than by gettext catalogs: Polish is the source language, a
missing entry falls back to Polish (never to an English msgid), there is no compile step and no
binary ``.mo`` file to keep in step, and several people add entries at once with plain,
mergeable lines. ``tests/admin/test_i18n.py`` checks that every ``_("...")`` in admin/ has an
English entry.

Use ``_("Polski tekst")`` at request time and ``_l("Polski tekst")`` where the text is defined
before a request exists (form labels, class attributes). Placeholders use ``%(name)s``.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request, session
from flask_babel import Babel, LazyString
from flask_babel import get_locale as babel_get_locale

PANEL_LANGUAGES = ("pl", "en")
DEFAULT_LANGUAGE = "pl"
LANGUAGE_NAMES = {"pl": "Polski", "en": "English"}

EN: dict[str, str] = {
    # Navigation, layout
    "Oceń Urząd": "Oceń Urząd",
    "Panel": "Panel",
    "Przejdź do treści": "Skip to content",
    "Wyloguj się": "Sign out",
    "Moje konto": "My account",
    "Język": "Language",
    "Zalogowano jako %(email)s (%(role)s)": "Signed in as %(email)s (%(role)s)",
    "Urzędy": "Offices",
    "Urząd": "Office",
    "Dane urzędu": "Office data",
    "Wydziały": "Departments",
    "Użytkownicy": "Users",
    "Dziennik zdarzeń": "Audit log",
    "Strona główna": "Home",
    "Witaj w panelu Oceń Urząd": "Welcome to the Oceń Urząd panel",
    "Twoja rola: %(role)s.": "Your role: %(role)s.",
    "Urząd: %(office)s.": "Office: %(office)s.",
    "Ostatnie logowanie: %(when)s.": "Last sign-in: %(when)s.",
    "Wszystkie urzędy (superadministrator).": "All offices (superadministrator).",
    # Roles
    "administrator": "administrator",
    "recenzent (tylko odczyt)": "reviewer (read-only)",
    "superadministrator": "superadministrator",
    # Login
    "Logowanie": "Sign in",
    "Zaloguj się": "Sign in",
    "Adres e-mail": "E-mail address",
    "Hasło": "Password",
    "Podaj adres e-mail.": "Enter your e-mail address.",
    "Podaj hasło.": "Enter your password.",
    "Nieprawidłowy adres e-mail lub hasło.": "Wrong e-mail address or password.",
    "Zbyt wiele nieudanych prób logowania na to konto. Konto jest zablokowane do %(until)s "
    "(jeszcze około %(minutes)s min). Spróbuj później lub poproś administratora o pomoc.":
        "Too many failed sign-in attempts for this account. The account is locked until %(until)s "
        "(about %(minutes)s more min). Try later or ask your administrator for help.",
    "Zbyt wiele nieudanych prób logowania z tego adresu. Kolejne próby są wstrzymane na "
    "około %(minutes)s min. Spróbuj później.":
        "Too many failed sign-in attempts from this address. Further attempts are paused for "
        "about %(minutes)s min. Try later.",
    "Wylogowano.": "You have been signed out.",
    "Sesja wygasła po 30 minutach bezczynności. Zaloguj się ponownie.":
        "Your session expired after 30 minutes of inactivity. Please sign in again.",
    "Zaloguj się, aby otworzyć panel.": "Sign in to open the panel.",
    "Panel obsługi ankiety satysfakcji klienta. Dostęp mają tylko pracownicy urzędu.":
        "The customer-satisfaction survey panel. For office staff only.",
    # Password change
    "Zmiana hasła": "Change password",
    "Obecne hasło": "Current password",
    "Nowe hasło": "New password",
    "Powtórz nowe hasło": "Repeat the new password",
    "Zmień hasło": "Change password",
    "Podaj obecne hasło.": "Enter your current password.",
    "Obecne hasło jest nieprawidłowe.": "The current password is wrong.",
    "Nowe hasło musi mieć co najmniej %(min)s znaków.": "The new password must have at least %(min)s characters.",
    "Nowe hasło musi różnić się od obecnego.": "The new password must differ from the current one.",
    "Powtórzone hasło różni się od nowego.": "The repeated password does not match the new one.",
    "Hasło zostało zmienione.": "Your password has been changed.",
    "Hasło musi mieć co najmniej %(min)s znaków.": "The password must have at least %(min)s characters.",
    # Errors
    "Brak dostępu": "Access denied",
    "Nie masz uprawnień do tej strony lub tej operacji.": "You are not allowed to open this page or do this.",
    "Nie znaleziono": "Not found",
    "Nie ma takiego rekordu albo nie należy on do Twojego urzędu.":
        "There is no such record, or it does not belong to your office.",
    "Formularz wygasł": "The form has expired",
    "Formularz wygasł albo nie został wysłany z tej strony. Wróć, odśwież stronę i spróbuj ponownie.":
        "The form has expired or was not sent from this site. Go back, reload the page and try again.",
    "Wróć do panelu": "Back to the panel",
    "Zamknij komunikat": "Close the message",
    "Nie utworzono rekordu: popraw pola opisane poniżej.": "The record was not created: correct the fields described below.",
    "Nie zapisano zmian: popraw pola opisane poniżej.": "The changes were not saved: correct the fields described below.",
    "Nie zapisano: dane kolidują z innym rekordem (np. powtórzony identyfikator).":
        "Not saved: the data clashes with another record (e.g. a repeated identifier).",
    # Office form
    "Nazwa": "Name",
    "Identyfikator (slug)": "Identifier (slug)",
    "Adres": "Address",
    "E-mail kontaktowy": "Contact e-mail",
    "Telefon kontaktowy": "Contact phone",
    "Adres klauzuli informacyjnej (RODO)": "Information clause URL (GDPR)",
    "Dozwolone adresy stron (originy)": "Allowed website origins",
    "Jeden na wiersz, np. https://www.leszno.pl — sam protokół, host i ewentualnie port.":
        "One per line, e.g. https://www.leszno.pl — scheme, host and optional port only.",
    "Języki ankiety": "Survey languages",
    "Napis na przycisku": "Button label",
    "Kolor przycisku": "Button colour",
    "Format #rrggbb; napis jest biały, więc kolor musi być dość ciemny (kontrast co najmniej 4,5:1).":
        "Format #rrggbb; the label is white, so the colour must be dark enough (contrast at least 4.5:1).",
    "Położenie przycisku": "Button position",
    "prawy dolny róg": "bottom right",
    "lewy dolny róg": "bottom left",
    "Przechowywanie odpowiedzi (dni)": "Keep responses for (days)",
    "Puste: bez limitu. Co najmniej 365 dni, aby odpowiedzi objął raport roczny.":
        "Empty: no limit. At least 365 days, so that the yearly report covers the responses.",
    "polski": "Polish",
    "angielski": "English",
    "ukraiński": "Ukrainian",
    "To pole jest wymagane.": "This field is required.",
    "Najwyżej %(max)s znaków.": "At most %(max)s characters.",
    "Nieprawidłowy adres e-mail.": "Not a valid e-mail address.",
    "Identyfikator: 2–63 małe litery, cyfry lub łączniki, np. leszno.":
        "Identifier: 2–63 lowercase letters, digits or hyphens, e.g. leszno.",
    "Urząd o identyfikatorze %(slug)s już istnieje.": "An office with the identifier %(slug)s already exists.",
    "Język polski jest wymagany.": "Polish is required.",
    "Nieznany język: %(lang)s.": "Unknown language: %(lang)s.",
    "Kolor podaj w formacie #rrggbb, np. #0b5cab.": "Give the colour as #rrggbb, e.g. #0b5cab.",
    "Kolor %(color)s ma za mały kontrast z białym napisem (%(ratio)s:1, potrzeba co najmniej 4,5:1). "
    "Wybierz ciemniejszy kolor.":
        "The colour %(color)s has too little contrast with the white label (%(ratio)s:1, at least "
        "4.5:1 needed). Choose a darker colour.",
    "Podaj liczbę dni od %(min)s do %(max)s albo zostaw puste.":
        "Give a number of days from %(min)s to %(max)s, or leave it empty.",
    "Adres musi zaczynać się od https:// (http:// tylko dla localhost).":
        "The address must start with https:// (http:// only for localhost).",
    "Podaj pełny adres strony, np. https://www.leszno.pl/rodo.":
        "Give the page's full address, e.g. https://www.leszno.pl/rodo.",
    "Adres nie może zawierać spacji ani znaków sterujących.": "The address must not contain spaces or control characters.",
    "Adres nie może zawierać nazwy użytkownika ani hasła.": "The address must not contain a user name or password.",
    "„%(origin)s”: podaj sam adres strony, np. https://www.leszno.pl.":
        "“%(origin)s”: give the site's address only, e.g. https://www.leszno.pl.",
    "„%(origin)s”: dozwolony jest tylko https:// (http:// tylko dla localhost i 127.0.0.1).":
        "“%(origin)s”: only https:// is allowed (http:// only for localhost and 127.0.0.1).",
    "„%(origin)s”: bez ścieżki, parametrów i kotwicy — tylko protokół, host i port.":
        "“%(origin)s”: no path, query or fragment — scheme, host and port only.",
    "„%(origin)s”: symbole wieloznaczne (*) są niedozwolone; wpisz każdą stronę osobno.":
        "“%(origin)s”: wildcards (*) are not allowed; list each site separately.",
    "„%(origin)s”: bez nazwy użytkownika i hasła.": "“%(origin)s”: no user name or password.",
    "„%(origin)s”: nieprawidłowa nazwa hosta.": "“%(origin)s”: not a valid host name.",
    "„%(origin)s”: nieprawidłowy port.": "“%(origin)s”: not a valid port.",
    "Najwyżej %(max)s adresów.": "At most %(max)s addresses.",
    # Departments
    "Klucz": "Key",
    "Kolejność": "Order",
    "Aktywny": "Active",
    "Nazwa po angielsku": "Name in English",
    "Nazwa po ukraińsku": "Name in Ukrainian",
    "Tłumaczenia nazwy": "Translations of the name",
    "Klucz: małe litery, cyfry, _ lub -, np. komunikacja. Puste: utworzony z nazwy; potem się nie zmienia.":
        "Key: lowercase letters, digits, _ or -, e.g. komunikacja. Empty: made from the name; it never changes later.",
    "Klucz: 1–64 małe litery, cyfry, _ lub -, zaczynając od litery lub cyfry.":
        "Key: 1–64 lowercase letters, digits, _ or -, starting with a letter or digit.",
    "Wydział o kluczu %(key)s już istnieje w tym urzędzie.": "A department with the key %(key)s already exists in this office.",
    "Klucz „other” jest zarezerwowany dla odpowiedzi „Inny / nie wiem”.":
        "The key “other” is reserved for the answer “Other / don't know”.",
    "Nie można usunąć wydziału „%(name)s”: ma już odpowiedzi. Dezaktywuj go zamiast usuwać.":
        "The department “%(name)s” cannot be deleted: it already has responses. Deactivate it instead.",
    "Wybierz urząd.": "Choose an office.",
    # Users
    "Rola": "Role",
    "Imię i nazwisko": "Name",
    "Aktywne konto": "Active account",
    "Ostatnie logowanie": "Last sign-in",
    "Zablokowane do": "Locked until",
    "Hasło (puste: bez zmian)": "Password (empty: unchanged)",
    "Użytkownik %(email)s już istnieje.": "The user %(email)s already exists.",
    "Tylko superadministrator może nadać rolę superadministratora.": "Only a superadministrator can grant the superadministrator role.",
    "Administrator i recenzent muszą należeć do urzędu.": "An administrator and a reviewer must belong to an office.",
    "Superadministrator nie należy do żadnego urzędu.": "A superadministrator belongs to no office.",
    "Nie możesz dezaktywować własnego konta ani odebrać sobie roli.":
        "You cannot deactivate your own account or take away your own role.",
    "Podaj hasło dla nowego użytkownika.": "Give the new user a password.",
    # Audit log
    "Kiedy": "When",
    "Kto": "Who",
    "Zdarzenie": "Event",
    "Obiekt": "Object",
    "Identyfikator": "Identifier",
    "Przed": "Before",
    "Po": "After",
    "Adres IP pracownika": "Staff member's IP address",
    # Audit actions
    "logowanie": "sign-in",
    "nieudane logowanie": "failed sign-in",
    "blokada konta": "account locked",
    "blokada adresu": "address locked",
    "wylogowanie": "sign-out",
    "zmiana hasła": "password change",
    "ustawienie hasła": "password set",
    "utworzenie": "create",
    "zmiana": "update",
    "usunięcie": "delete",
    # domain operations
    "Siatkę ocen tworzą tylko pytania typu ocena 1–5.": "Only 1–5 rating questions make up a rating grid.",
    "Ankieta musi mieć co najmniej jedno pytanie.": "The survey must have at least one question.",
    "Klucz „%(key)s” powtarza się w %(count)s pytaniach; każde pytanie potrzebuje własnego klucza.":
        "The key “%(key)s” is used by %(count)s questions; each question needs its own key.",
    "Pytania siatki „%(group)s” muszą stać jedno pod drugim; przesuń je razem.":
        "The questions of the grid “%(group)s” must stand one below the other; move them together.",
    "Urząd nie ma jeszcze ankiety.": "The office has no survey yet.",
    "Wersja %(number)s nie jest wersją roboczą, więc nie można jej zmieniać.":
        "Version %(number)s is not a draft, so it cannot be changed.",
    "Nie opublikowano — popraw najpierw: %(problems)s": "Not published: first correct: %(problems)s",
    "Nie opublikowano: raport przed zmianą się nie powiódł. %(reason)s":
        "Not published: the pre-change report failed. %(reason)s",
    "Nie opublikowano: zapis w bazie danych się nie powiódł. Spróbuj ponownie.":
        "Not published: saving to the database failed. Try again.",
    "Nie zapisano: najpierw trzeba zarchiwizować raport z dotychczasowych wyników, a ten się nie powiódł. "
    "%(reason)s": "Not saved: a report of the results so far must be archived first, and it failed. %(reason)s",
    "Pytanie „%(question)s”: %(problem)s": "Question “%(question)s”: %(problem)s",
    "usunięcie starych odpowiedzi (retencja)": "deletion of old responses (retention)",
}


# Flask-Admin messages its Polish catalogue lacks, in our words.
ADMIN_MESSAGES = {
    "Failed to create record.": "Nie utworzono rekordu: popraw pola opisane poniżej.",
    "Failed to save record.": "Nie zapisano zmian: popraw pola opisane poniżej.",
}


def panel_message(message: str) -> str:
    """Return a flashed message in the panel's language (Flask-Admin's gaps filled in)."""
    return _(ADMIN_MESSAGES[message]) if message in ADMIN_MESSAGES else message


def _translate(text: str, **variables: Any) -> str:
    if get_language() == "en":
        text = EN.get(text, text)
    return text % variables if variables else text


def _(text: str, **variables: Any) -> str:
    """Return the text in the panel's current language, with ``%(name)s`` filled in."""
    return _translate(text, **variables)


def _l(text: str, **variables: Any) -> LazyString:
    """Return a lazy text, translated when it is rendered (for form labels and class attributes)."""
    return LazyString(_translate, text, **variables)


def get_language() -> str:
    """Return the panel's language for this request: the one chosen in the session, else Polish."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    chosen = session.get("lang")
    return chosen if chosen in PANEL_LANGUAGES else DEFAULT_LANGUAGE


def select_locale() -> str:
    """Tell Flask-Babel which locale to use: the panel's language, or ``?lang=`` outside the panel."""
    if has_request_context() and not request.path.startswith("/admin"):
        asked = request.args.get("lang", "")
        return asked if asked in ("pl", "en", "uk") else DEFAULT_LANGUAGE
    return get_language()


def remember_language() -> None:
    """Store a language picked with ``?lang=pl|en`` in the session, for the following pages."""
    asked = request.args.get("lang")
    if asked in PANEL_LANGUAGES:
        session["lang"] = asked


def init_app(app) -> None:
    """Bind Flask-Babel (once per app) with Polish as the default locale."""
    if "babel" not in app.extensions:
        Babel(app, locale_selector=select_locale, default_locale=DEFAULT_LANGUAGE)


def current_locale() -> str:
    """Return Flask-Babel's current locale as a string (``pl`` or ``en``)."""
    return str(babel_get_locale() or DEFAULT_LANGUAGE)


# Other parts of the panel keep their English texts in their own tables.
from .flows_en import FLOWS_EN  # noqa: E402

EN.update(FLOWS_EN)
