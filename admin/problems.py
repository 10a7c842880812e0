"""The panel's words for the domain's codes: one Polish text per code (the staff catalog's msgid).

``collector.operations`` refuses with codes (``DomainError``) and reports rule breaks as
``Problem``s; this is the one place that words them, in the panel's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _

from collector.operations import DomainError, Problem

KEY_RULE = "1–64 znaki: małe litery bez polskich znaków, cyfry lub _"

# One text per code. %(name)s are the code's parameters.
TEXTS: dict[str, str] = {
    # questions (shown next to the field)
    "key_format": "Klucz może mieć %(rule)s, np. czas_oczekiwania.",
    "key_taken": "Klucz „%(key)s” ma już inne pytanie tej wersji.",
    "key_used_earlier": "Klucz „%(key)s” miało pytanie w wersji %(number)s. Nowe pytanie potrzebuje nowego klucza, "
    "żeby wyniki różnych pytań się nie pomieszały.",
    "text_pl_missing": "Podaj treść pytania po polsku.",
    "department_twice": "Ankieta ma już pytanie o wydział; może mieć tylko jedno.",
    "option_key_format": "Klucz odpowiedzi może mieć %(rule)s.",
    "option_key_repeated": "Klucz odpowiedzi „%(key)s” powtarza się.",
    "option_text_pl_missing": "Podaj treść odpowiedzi po polsku.",
    "options_too_few": "Pytanie wyboru potrzebuje co najmniej dwóch odpowiedzi do wyboru.",
    "max_picks_over_options": "Można zaznaczyć najwyżej %(picks)s, a odpowiedzi do wyboru jest tylko %(count)s.",
    "group_key_format": "Klucz grupy może mieć %(rule)s.",
    "group_text_pl_missing": "Podaj tytuł siatki po polsku.",
    "group_not_rating": "Siatkę ocen tworzą tylko pytania typu ocena 1–5.",
    "group_unknown": "Wybierz siatkę z listy albo „nowa siatka…” z tytułem.",
    "scale_incomplete": "Podaj wszystkie pięć opisów ocen w tym języku albo zostaw wszystkie puste.",
    "show_if_format": "Warunek wyświetlania jest nieprawidłowy; wybierz pytanie i zakres ocen z list.",
    "show_if_self": "Pytanie nie może zależeć od odpowiedzi na samo siebie.",
    "show_if_unknown": "W tej wersji nie ma pytania „%(key)s”, od którego zależy warunek.",
    "show_if_not_rating": "Warunek może dotyczyć tylko pytania typu ocena 1–5; „%(key)s” nim nie jest.",
    "show_if_not_earlier": "Pytanie „%(key)s”, od którego zależy warunek, musi stać wcześniej w ankiecie.",
    "show_if_range": "Zakres ocen: od 1 do %(points)s, a „od” nie może być większe niż „do”.",
    "type_has_dependants": "Nie można zmienić rodzaju: od oceny w tym pytaniu zależy wyświetlanie pytań: "
    "%(dependants)s. Najpierw zmień ich warunki.",
    # versions
    "title_pl_missing": "Podaj tytuł ankiety po polsku.",
    "no_questions": "Ankieta musi mieć co najmniej jedno pytanie.",
    "key_repeated": "Klucz „%(key)s” powtarza się w %(count)s pytaniach; każde pytanie potrzebuje własnego klucza.",
    "grid_split": "Pytania siatki „%(group)s” muszą stać jedno pod drugim; przesuń je razem.",
    "question_has_dependants": "Nie usunięto pytania „%(key)s”: od oceny w nim zależy wyświetlanie pytań: "
    "%(dependants)s. Najpierw zmień lub usuń ich warunki.",
    "position_out_of_range": "Nie ma miejsca %(position)s: pytań jest %(count)s.",
    "move_breaks_condition": "Nie przesunięto pytania „%(key)s”: pytanie, od którego zależy warunek, musi "
    "stać przed pytaniem z warunkiem (dotyczy: %(dependants)s).",
    "no_survey": "Urząd nie ma jeszcze ankiety.",
    "not_draft": "Wersja %(number)s nie jest wersją roboczą, więc nie można jej zmieniać.",
    "invalid_version": "Nie opublikowano — popraw najpierw: %(problems)s",
    "publish_report_failed": "Nie opublikowano: raport przed zmianą się nie powiódł. %(reason)s",
    "publish_database_error": "Nie opublikowano: zapis w bazie danych się nie powiódł. Spróbuj ponownie.",
    "change_report_failed": "Nie zapisano: najpierw trzeba zarchiwizować raport z dotychczasowych wyników, "
    "a ten się nie powiódł. %(reason)s",
    # offices and origins
    "origin_wildcard": "„%(origin)s”: symbole wieloznaczne (*) są niedozwolone; wpisz każdą stronę osobno.",
    "origin_not_address": "„%(origin)s”: podaj sam adres strony, np. https://www.leszno.pl.",
    "origin_port": "„%(origin)s”: nieprawidłowy port.",
    "origin_credentials": "„%(origin)s”: bez nazwy użytkownika i hasła.",
    "origin_path": "„%(origin)s”: bez ścieżki, parametrów i kotwicy — tylko protokół, host i port.",
    "origin_host": "„%(origin)s”: nieprawidłowa nazwa hosta.",
    "origin_not_https": "„%(origin)s”: dozwolony jest tylko https:// (http:// tylko dla localhost i 127.0.0.1).",
    "origins_too_many": "Najwyżej %(max)s adresów.",
    "slug_format": "Identyfikator: 2–63 małe litery, cyfry lub łączniki, np. leszno.",
    "slug_taken": "Urząd o identyfikatorze %(slug)s już istnieje.",
    # users
    "superadmin_only": "Tylko superadministrator może nadać rolę superadministratora.",
    "office_required": "Administrator i recenzent muszą należeć do urzędu.",
    "self_demotion": "Nie możesz dezaktywować własnego konta ani odebrać sobie roli.",
    "password_too_short": "Hasło musi mieć co najmniej %(min)s znaków.",
    "email_taken": "Użytkownik %(email)s już istnieje.",
    # comments and corrective actions
    "unknown_status": "Nieznany stan komentarza: „%(status)s”.",
    "unknown_theme": "Nie ma takiego tematu w tym urzędzie. Wybierz temat z listy.",
    "unknown_hide_reason": "Nieznany powód ukrycia: „%(reason)s”. Wybierz: obraźliwy, spam albo dane osobowe.",
    "action_title_missing": "Podaj nazwę działania naprawczego.",
    "action_title_too_long": "Nazwa działania może mieć najwyżej %(max)s znaków.",
    "no_comments_selected": "Zaznacz co najmniej jeden komentarz tego urzędu.",
    "comments_of_several_offices": "Działanie dotyczy jednego urzędu: zaznacz komentarze tylko jednego urzędu.",
    "theme_name_missing": "Podaj nazwę tematu.",
    "theme_name_too_long": "Nazwa tematu może mieć najwyżej %(max)s znaków.",
    "theme_name_taken": "Temat „%(name)s” już jest na liście.",
    # two-factor login
    "two_factor_already_on": "Logowanie dwuetapowe jest już włączone.",
    "two_factor_not_started": "Logowanie dwuetapowe nie jest włączone.",
    "two_factor_code_wrong": "Kod jest nieprawidłowy albo już wygasł. Wpisz bieżący kod z aplikacji.",
    "two_factor_required_by_office": "Urząd wymaga logowania dwuetapowego: nie można go wyłączyć.",
    "two_factor_secret_unreadable": (
        "Kodu z aplikacji nie można teraz sprawdzić: zmienił się klucz serwera. Proszę wpisać "
        "jeden z kodów odzyskiwania albo poprosić administratora o wyłączenie logowania "
        "dwuetapowego na tym koncie i włączyć je ponownie."
    ),
}
IN_QUESTION = "Pytanie „%(question)s”: %(problem)s"


def problem_text(code: str, params: dict[str, Any] | None = None) -> str:
    """Return the text for ``code`` in the panel's language, its parameters filled in."""
    params = dict(params or {})
    if "%(rule)s" in TEXTS.get(code, ""):
        params.setdefault("rule", _(KEY_RULE))
    text = _(TEXTS[code], **params) if code in TEXTS else code
    if params.get("question"):
        return _(IN_QUESTION, question=params["question"], problem=text)
    return text


def describe(problem: Problem) -> str:
    """Return one problem as a sentence in the panel's language."""
    return problem_text(problem.code, problem.params)


def describe_all(problems: Iterable[Problem]) -> list[str]:
    """Return each problem as a sentence."""
    return [describe(p) for p in problems]


def error_text(error: DomainError) -> str:
    """Return a refusal as a sentence; a refusal with problems lists them."""
    params = dict(error.params)
    if error.code == "invalid_version":
        params["problems"] = " ".join(describe_all(error.problems))
    elif error.problems:
        return " ".join(describe_all(error.problems))
    return problem_text(error.code, params)
