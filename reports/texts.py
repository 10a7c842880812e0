"""The report's own words (msgids of the staff catalog, see ``collector.catalog``), and numbers and dates
written the way each language writes them.

The texts are Polish msgids, translated for the report's language by the same catalog as the panel,
without Flask: a report is built in its own language whatever the panel's is. ``{name}``
placeholders are filled in by the caller with ``str.format``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from collector.catalog import get_translations
from collector.enums import Channel, QuestionType

REPORT_LANGUAGES = ("pl", "en")
LOCALES = {"pl": "pl_PL", "en": "en_GB"}


def translate(text: str, lang: str) -> str:
    """Return the Polish ``text`` in ``lang`` from the staff catalog (itself where it has no translation)."""
    return get_translations(lang).gettext(text)


class Text(Mapping[str, str]):
    """One text by report language: ``text["pl"]`` is the msgid, ``text["en"]`` its English from the catalog."""

    __slots__ = ("msgid",)

    def __init__(self, msgid: str) -> None:
        self.msgid = msgid

    def __getitem__(self, lang: str) -> str:
        if lang not in REPORT_LANGUAGES:
            raise KeyError(lang)
        return translate(self.msgid, lang)

    def __iter__(self) -> Iterator[str]:
        return iter(REPORT_LANGUAGES)

    def __len__(self) -> int:
        return len(REPORT_LANGUAGES)

    def __repr__(self) -> str:
        return f"Text({self.msgid!r})"


ACTION_STATUSES: dict[str, Mapping[str, str]] = {
    "planned": Text("zaplanowane"),
    "in_progress": Text("w realizacji"),
    "done": Text("zrealizowane"),
    "cancelled": Text("zaniechane"),
}
REASONS = {
    "periodic": Text("raport okresowy (roczny)"),
    "pre-change": Text("raport przed zmianą ankiety"),
    "ad-hoc": Text("raport doraźny"),
}
CHANNELS = {channel.value: Text(channel.msgid) for channel in Channel}
QUESTION_TYPES = {kind.value: Text(kind.msgid) for kind in QuestionType}

MESSAGES: dict[str, str] = {
    "title": "Raport z badania satysfakcji klientów",
    "period": "Okres",
    "versions": "Wersje ankiety",
    "version": "Wersja",
    "version_suffix": "(wersja {numbers})",
    "generated": "Wygenerowano",
    "generated_by": "Autor",
    "system_author": "system (wiersz poleceń)",
    "reason": "Rodzaj raportu",
    "report_id": "Identyfikator raportu",
    "data_sha": "SHA-256 danych",
    "page_of": "Strona {page} z {pages}",
    "timezone_note": "Daty według czasu polskiego.",
    "summary": "Podsumowanie",
    "responses": "Liczba odpowiedzi",
    "overall_mean": "Ogólne zadowolenie — średnia (1–5)",
    "overall_short": "Ogólne zadowolenie",
    "overall_satisfied": "Zadowoleni (4+5)",
    "overall_dissatisfied": "Niezadowoleni (1+2)",
    "index": "Średnia wszystkich ocen szczegółowych",
    "index_satisfied": "Oceny dobre i bardzo dobre (4+5)",
    "measure": "Wskaźnik",
    "this_period": "Ten okres",
    "previous_period": "Poprzedni okres",
    "change": "Zmiana",
    "previous_period_note": "Poprzedni okres: {start} – {end}.",
    "no_answers": "W tym okresie nie otrzymano żadnych odpowiedzi.",
    "by_version": "Odpowiedzi według wersji ankiety",
    "by_channel": "Odpowiedzi według kanału",
    "channel": "Kanał",
    "paper_missing": "w tym ankiety papierowe z brakującymi odpowiedziami",
    "count": "Liczba",
    "share": "Udział",
    "areas": "Oceny w obszarach",
    "area": "Obszar",
    "area_means": "Średnie w obszarach",
    "other_area": "Pozostałe pytania z oceną",
    "item": "Element",
    "mean": "Średnia",
    "n": "n",
    "sd": "Odch. std.",
    "satisfied": "4+5",
    "dissatisfied": "1+2",
    "na": "nie dotyczy",
    "na_short": "n/d",
    "distribution": "Rozkład odpowiedzi",
    "area_mean": "Średnia obszaru {mean} (n = {n})",
    "chart_note": "Procent ocen 1–5 (bez „nie dotyczy”); na końcu paska udział „nie dotyczy”.",
    "choices": "Pytania wyboru",
    "respondents": "Odpowiadających",
    "option": "Odpowiedź",
    "trend": "Trend miesięczny",
    "month": "Miesiąc",
    "departments": "Wyniki według wydziałów",
    "department": "Wydział",
    "no_department": "nie podano",
    "suppression_note": (
        "„< 5” — mniej niż 5 odpowiedzi; liczby nie są podawane, by chronić anonimowość (także "
        "drugiej najmniejszej komórki, gdy ukryta byłaby tylko jedna)."
    ),
    "small_departments": "Wydziały z małą liczbą odpowiedzi",
    "dept_means": "Średnia ogólnego zadowolenia według wydziałów",
    "importance": "Ważność a zadowolenie",
    "importance_note": (
        "Oś pozioma: odsetek wszystkich odpowiedzi (n = {n}), w których element wskazano jako jeden "
        "z najważniejszych; oś pionowa: średnia ocena. Linie: wartości średnie."
    ),
    "base_all": "procent wszystkich odpowiedzi",
    "importance_none": "Ankieta nie zawierała pytania o najważniejsze elementy.",
    "importance_share": "Ważność",
    "importance_method_stated": (
        "Metoda: ważność deklarowana — odsetek odpowiedzi wskazujących element jako jeden z "
        "najważniejszych."
    ),
    "importance_method_derived": (
        "Metoda: ważność wyprowadzona z odpowiedzi — ankieta nie pytała o najważniejsze elementy, "
        "więc ważność elementu to jego korelacja (współczynnik Pearsona r) z oceną ogólną."
    ),
    "importance_note_derived": (
        "Oś pozioma: współczynnik korelacji Pearsona (r) oceny elementu z oceną ogólną, liczony z "
        "odpowiedzi zawierających obie oceny (ich liczba n w tabeli; przy n < 5 nie podaje się r ani "
        "n); oś pionowa: średnia ocena. Linie: wartości średnie."
    ),
    "importance_r": "Ważność (r)",
    "pairs_n": "n (pary ocen)",
    "quadrant": "Ćwiartka",
    "quadrant_act": "działać w pierwszej kolejności",
    "quadrant_keep": "utrzymać",
    "quadrant_watch": "obserwować",
    "quadrant_surplus": "mniej ważne, dobrze oceniane",
    "needs_action": "Obszary wymagające działań",
    "needs_action_note": (
        "Elementy ze średnią poniżej {mean} lub z co najmniej {pct} ocen 1–2; od najniżej "
        "ocenianego."
    ),
    "needs_action_none": "Żaden element nie spadł poniżej progu; poniżej trzy najniżej ocenione.",
    "priority": "priorytet",
    "comments": "Uwagi klientów",
    "comments_note": (
        "Komentarze nieukryte: {shown} z {total}. Ukryte przez pracowników (np. z danymi "
        "osobowymi): {hidden}."
    ),
    "comments_limited": "Pokazano {shown} najnowszych; wszystkie są w eksporcie CSV/XLSX.",
    "comments_none": "Brak komentarzy w tym okresie.",
    "actions": "Działania naprawcze i doskonalące",
    "actions_note": (
        "Działania zapisane od początku poprzedniego okresu oraz wszystkie niezakończone; stan na "
        "dzień wygenerowania raportu."
    ),
    "actions_none": "Nie zapisano działań.",
    "action": "Działanie",
    "owner": "Odpowiedzialny",
    "deadline": "Termin",
    "status": "Stan",
    "linked_item": "Dotyczy",
    "themes": "Tematy uwag",
    "comments_list": "Komentarze",
    "themes_note": "Liczba nieukrytych komentarzy z danym tematem nadanym przez pracowników; komentarz może mieć kilka tematów.",
    "themes_none": "Komentarzom nie nadano jeszcze tematów.",
    "theme": "Temat",
    "theme_count": "Komentarzy",
    "you_said_title": "Powiedzieliście — zrobiliśmy",
    "you_said": "Powiedzieliście",
    "we_did": "Zrobiliśmy",
    "comments_count": "komentarzy: {n}",
    "annex": "Załącznik: kwestionariusz",
    "annex_version": "Wersja {number}: {title}",
    "published_on": "opublikowana {date}",
    "retired_on": "wycofana {date}",
    "required": "wymagane",
    "scale": "Skala",
    "max_picks": "najwyżej {n}",
    "comment_date": "Data",
    "comment": "Komentarz",
    "question": "Pytanie",
    "hidden_comment": "[komentarz ukryty]",
    "response_id": "Identyfikator odpowiedzi",
    "submitted_at": "Data i godzina (czas polski)",
    "lang": "Język",
    "entered_by_staff": "Wprowadzona przez pracownika",
    "yes": "tak",
    "no": "nie",
    # The accessible (HTML) form of the report.
    "contents": "Spis treści",
    "report_info": "Dane raportu",
    "html_note": (
        "Dostępna wersja raportu: te same części i liczby co w archiwalnym pliku PDF. Pod każdym "
        "wykresem jest tabela z jego danymi."
    ),
    "comments_not_published": (
        "Uwagi mieszkańców nie są publikowane: ta wersja raportu pomija ich treść i tematy."
    ),
    "chart_data": "Dane wykresu: {title}",
    "chart_region": "Wykres: {title}",
    "table_region": "Tabela: {title}",
}


def message(key: str, lang: str) -> str:
    """Return the report text ``key`` in ``lang`` (English for "en", else Polish)."""
    return translate(MESSAGES[key], lang)


def label(table: Mapping[str, Mapping[str, str]], key: str, lang: str) -> str:
    """Return a value's name from one of the tables above, or the key itself."""
    names = table.get(key)
    return (names.get(lang) or names["pl"]) if names else key


def fmt_int(value: int, lang: str) -> str:
    """Write a whole number: "12 345" in Polish, "12,345" in English."""
    return format_decimal(value, format="#,##0", locale=LOCALES.get(lang, "pl_PL"))


def fmt_num(value: float | None, lang: str, places: int = 2) -> str:
    """Write a decimal with ``places`` digits: "4,63" in Polish, "4.63" in English; "—" for none."""
    if value is None:
        return "—"
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return format_decimal(value, format=pattern, locale=LOCALES.get(lang, "pl_PL"))


def fmt_pct(value: float | None, lang: str, places: int = 1) -> str:
    """Write a percentage: "87,5%"; "—" for none."""
    return "—" if value is None else fmt_num(value, lang, places) + "%"


def fmt_change(value: float | None, lang: str, places: int = 2, suffix: str = "") -> str:
    """Write a change with its sign: "+0,06", "-1,20"; "—" for none."""
    if value is None:
        return "—"
    pattern = "+#,##0." + "0" * places + ";-#,##0." + "0" * places if places else "+#,##0;-#,##0"
    return format_decimal(value, format=pattern, locale=LOCALES.get(lang, "pl_PL")) + suffix


def fmt_date(value: date | str | None, lang: str) -> str:
    """Write a date: "31.12.2024" in Polish, "31 Dec 2024" in English."""
    if value is None:
        return "—"
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return format_date(
        value, "dd.MM.yyyy" if lang != "en" else "d MMM yyyy", locale=LOCALES.get(lang, "pl_PL")
    )


def fmt_datetime(value: datetime, lang: str) -> str:
    """Write a local date and time: "31.12.2024, 14:05"."""
    pattern = "dd.MM.yyyy, HH:mm" if lang != "en" else "d MMM yyyy, HH:mm"
    return format_datetime(value, pattern, locale=LOCALES.get(lang, "pl_PL"))


def fmt_period(start: date | str, end: date | str, lang: str) -> str:
    """Write a period: "01.01.2024 – 31.12.2024"."""
    return f"{fmt_date(start, lang)} – {fmt_date(end, lang)}"


def fmt_month(month: str, lang: str, short: bool = False) -> str:
    """Write a "YYYY-MM" month: "styczeń 2024", or "01.2024" when short."""
    year, number = (int(part) for part in month.split("-"))
    if short:
        return f"{number:02d}.{year}" if lang != "en" else f"{number:02d}/{year}"
    return format_date(date(year, number, 1), "LLLL y", locale=LOCALES.get(lang, "pl_PL"))
