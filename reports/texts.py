"""The report's own words in Polish and English, and numbers and dates written the way each language writes them."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

REPORT_LANGUAGES = ("pl", "en")
LOCALES = {"pl": "pl_PL", "en": "en_GB"}

ACTION_STATUSES = {
    "planned": {"pl": "zaplanowane", "en": "planned"},
    "in_progress": {"pl": "w realizacji", "en": "in progress"},
    "done": {"pl": "zrealizowane", "en": "done"},
    "cancelled": {"pl": "zaniechane", "en": "cancelled"},
}
REASONS = {
    "periodic": {"pl": "raport okresowy (roczny)", "en": "periodic (yearly) report"},
    "pre-change": {"pl": "raport przed zmianą ankiety", "en": "report before a survey change"},
    "ad-hoc": {"pl": "raport doraźny", "en": "ad-hoc report"},
}
CHANNELS = {
    "widget": {"pl": "widżet na stronie urzędu", "en": "widget on the office's website"},
    "page": {"pl": "strona ankiety", "en": "survey page"},
    "qr": {"pl": "kod QR w urzędzie", "en": "QR code at the office"},
    "paper": {"pl": "ankieta papierowa", "en": "paper questionnaire"},
}
QUESTION_TYPES = {
    "rating": {"pl": "ocena 1–5", "en": "rating 1–5"},
    "single": {"pl": "jednokrotny wybór", "en": "single choice"},
    "multi": {"pl": "wielokrotny wybór", "en": "multiple choice"},
    "text": {"pl": "odpowiedź otwarta", "en": "open answer"},
    "department": {"pl": "wybór wydziału", "en": "department"},
}

MESSAGES: dict[str, tuple[str, str]] = {
    "title": ("Raport z badania satysfakcji klientów", "Customer satisfaction survey report"),
    "period": ("Okres", "Period"),
    "versions": ("Wersje ankiety", "Survey versions"),
    "version": ("Wersja", "Version"),
    "version_suffix": ("(wersja {numbers})", "(version {numbers})"),
    "generated": ("Wygenerowano", "Generated"),
    "generated_by": ("Autor", "Author"),
    "system_author": ("system (wiersz poleceń)", "system (command line)"),
    "reason": ("Rodzaj raportu", "Kind of report"),
    "report_id": ("Identyfikator raportu", "Report id"),
    "data_sha": ("SHA-256 danych", "Data SHA-256"),
    "page_of": ("Strona {page} z {pages}", "Page {page} of {pages}"),
    "timezone_note": ("Daty według czasu polskiego.", "Dates in Polish time."),
    "summary": ("Podsumowanie", "Summary"),
    "responses": ("Liczba odpowiedzi", "Responses"),
    "overall_mean": ("Ogólne zadowolenie — średnia (1–5)", "Overall satisfaction — mean (1–5)"),
    "overall_short": ("Ogólne zadowolenie", "Overall satisfaction"),
    "overall_satisfied": ("Zadowoleni (4+5)", "Satisfied (4+5)"),
    "overall_dissatisfied": ("Niezadowoleni (1+2)", "Dissatisfied (1+2)"),
    "index": ("Średnia wszystkich ocen szczegółowych", "Mean of all detailed ratings"),
    "index_satisfied": ("Oceny dobre i bardzo dobre (4+5)", "Good and very good ratings (4+5)"),
    "measure": ("Wskaźnik", "Measure"),
    "this_period": ("Ten okres", "This period"),
    "previous_period": ("Poprzedni okres", "Previous period"),
    "change": ("Zmiana", "Change"),
    "previous_period_note": ("Poprzedni okres: {start} – {end}.", "Previous period: {start} – {end}."),
    "no_answers": ("W tym okresie nie otrzymano żadnych odpowiedzi.", "No answers were received in this period."),
    "by_version": ("Odpowiedzi według wersji ankiety", "Responses by survey version"),
    "by_channel": ("Odpowiedzi według kanału", "Responses by channel"),
    "channel": ("Kanał", "Channel"),
    "count": ("Liczba", "Count"),
    "share": ("Udział", "Share"),
    "areas": ("Oceny w obszarach", "Ratings by area"),
    "area": ("Obszar", "Area"),
    "area_means": ("Średnie w obszarach", "Means by area"),
    "other_area": ("Pozostałe pytania z oceną", "Other rated questions"),
    "item": ("Element", "Item"),
    "mean": ("Średnia", "Mean"),
    "n": ("n", "n"),
    "sd": ("Odch. std.", "Std. dev."),
    "satisfied": ("4+5", "4+5"),
    "dissatisfied": ("1+2", "1+2"),
    "na": ("nie dotyczy", "not applicable"),
    "na_short": ("n/d", "n/a"),
    "distribution": ("Rozkład odpowiedzi", "Distribution of answers"),
    "area_mean": ("Średnia obszaru {mean} (n = {n})", "Area mean {mean} (n = {n})"),
    "chart_note": ("Procent ocen 1–5 (bez „nie dotyczy”); na końcu paska udział „nie dotyczy”.",
                   "Percent of ratings 1–5 (without \"not applicable\"); the share of \"not applicable\" "
                   "follows each bar."),
    "choices": ("Pytania wyboru", "Choice questions"),
    "respondents": ("Odpowiadających", "Respondents"),
    "option": ("Odpowiedź", "Answer"),
    "trend": ("Trend miesięczny", "Monthly trend"),
    "month": ("Miesiąc", "Month"),
    "departments": ("Wyniki według wydziałów", "Results by department"),
    "department": ("Wydział", "Department"),
    "no_department": ("nie podano", "not given"),
    "suppression_note": ("„< 5” — mniej niż 5 odpowiedzi; liczby nie są podawane, by chronić anonimowość "
                         "(także drugiej najmniejszej komórki, gdy ukryta byłaby tylko jedna).",
                         "\"< 5\" — fewer than 5 answers; numbers are withheld to protect anonymity "
                         "(also the next smallest cell when only one would be hidden)."),
    "small_departments": ("Wydziały z małą liczbą odpowiedzi", "Departments with few responses"),
    "dept_means": ("Średnia ogólnego zadowolenia według wydziałów", "Mean overall satisfaction by department"),
    "importance": ("Ważność a zadowolenie", "Importance and satisfaction"),
    "importance_note": ("Oś pozioma: odsetek wszystkich odpowiedzi (n = {n}), w których element wskazano jako "
                        "jeden z najważniejszych; oś pionowa: średnia ocena. Linie: wartości średnie.",
                        "Horizontal axis: share of all responses (n = {n}) naming the item among the most important; "
                        "vertical axis: mean rating. Lines: the averages."),
    "base_all": ("procent wszystkich odpowiedzi", "percent of all responses"),
    "importance_none": ("Ankieta nie zawierała pytania o najważniejsze elementy.",
                        "The survey had no question about what matters most."),
    "importance_share": ("Ważność", "Importance"),
    "quadrant": ("Ćwiartka", "Quadrant"),
    "quadrant_act": ("działać w pierwszej kolejności", "act first"),
    "quadrant_keep": ("utrzymać", "keep up"),
    "quadrant_watch": ("obserwować", "watch"),
    "quadrant_surplus": ("mniej ważne, dobrze oceniane", "less important, rated well"),
    "needs_action": ("Obszary wymagające działań", "Areas needing action"),
    "needs_action_note": ("Elementy ze średnią poniżej {mean} lub z co najmniej {pct} ocen 1–2; "
                          "od najniżej ocenianego.",
                          "Items with a mean below {mean} or at least {pct} ratings of 1–2; lowest first."),
    "needs_action_none": ("Żaden element nie spadł poniżej progu; poniżej trzy najniżej ocenione.",
                          "No item fell below the threshold; the three lowest rated follow."),
    "priority": ("priorytet", "priority"),
    "comments": ("Uwagi klientów", "Customers' comments"),
    "comments_note": ("Komentarze nieukryte: {shown} z {total}. Ukryte przez pracowników (np. z danymi "
                      "osobowymi): {hidden}.",
                      "Comments not hidden: {shown} of {total}. Hidden by staff (e.g. personal data): {hidden}."),
    "comments_limited": ("Pokazano {shown} najnowszych; wszystkie są w eksporcie CSV/XLSX.",
                         "The {shown} newest are shown; the CSV/XLSX export has all of them."),
    "comments_none": ("Brak komentarzy w tym okresie.", "No comments in this period."),
    "actions": ("Działania naprawcze i doskonalące", "Corrective and improvement actions"),
    "actions_note": ("Działania zapisane od początku poprzedniego okresu oraz wszystkie niezakończone; stan na "
                     "dzień wygenerowania raportu.",
                     "Actions recorded since the previous period began and every one still open; status as of "
                     "the report's generation."),
    "actions_none": ("Nie zapisano działań.", "No actions recorded."),
    "action": ("Działanie", "Action"),
    "owner": ("Odpowiedzialny", "Owner"),
    "deadline": ("Termin", "Deadline"),
    "status": ("Stan", "Status"),
    "linked_item": ("Dotyczy", "Concerns"),
    "annex": ("Załącznik: kwestionariusz", "Annex: the questionnaire"),
    "annex_version": ("Wersja {number}: {title}", "Version {number}: {title}"),
    "published": ("opublikowana {date}", "published {date}"),
    "retired": ("wycofana {date}", "retired {date}"),
    "required": ("wymagane", "required"),
    "scale": ("Skala", "Scale"),
    "max_picks": ("najwyżej {n}", "at most {n}"),
    "comment_date": ("Data", "Date"),
    "comment": ("Komentarz", "Comment"),
    "question": ("Pytanie", "Question"),
    "hidden_comment": ("[komentarz ukryty]", "[comment hidden]"),
    "response_id": ("Identyfikator odpowiedzi", "Response id"),
    "submitted_at": ("Data i godzina (czas polski)", "Date and time (Polish time)"),
    "lang": ("Język", "Language"),
    "entered_by_staff": ("Wprowadzona przez pracownika", "Entered by staff"),
    "yes": ("tak", "yes"),
    "no": ("nie", "no"),
}


def message(key: str, lang: str) -> str:
    """Return the report text ``key`` in ``lang`` (English for "en", else Polish)."""
    pl, en = MESSAGES[key]
    return en if lang == "en" else pl


def label(table: dict[str, dict[str, str]], key: str, lang: str) -> str:
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
    return format_date(value, "dd.MM.yyyy" if lang != "en" else "d MMM yyyy", locale=LOCALES.get(lang, "pl_PL"))


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
