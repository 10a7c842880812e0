"""English texts of the survey editor, embed, responses and paper pages (merged into ``admin.i18n.EN``).

Kept in their own table so that this part of the panel adds its lines without touching the others'.
"""

from __future__ import annotations

FLOWS_EN: dict[str, str] = {
    # Menu and shared
    "Ankieta": "Survey",
    "Odpowiedzi": "Responses",
    "Ankiety papierowe": "Paper questionnaires",
    "Osadzanie i kody QR": "Embedding and QR codes",
    "Wybierz urząd:": "Choose an office:",
    "Nie ma jeszcze żadnego urzędu.": "There is no office yet.",
    "Zamknij komunikat": "Close the message",
    "Zapisz": "Save",
    "Anuluj": "Cancel",
    "Nr": "No.",
    "tak": "yes",
    "nie": "no",
    "wymagane": "required",
    "nie dotyczy": "not applicable",
    "brak odpowiedzi": "no answer",
    "bez odpowiedzi": "no answer",
    "Urząd nie ma opublikowanej ankiety.": "The office has no published survey.",
    # Versions, types, channels
    "wersja robocza": "draft",
    "opublikowana": "published",
    "wycofana": "retired",
    "ocena 1–5": "rating 1–5",
    "jednokrotny wybór": "single choice",
    "wielokrotny wybór": "multiple choice",
    "tekst": "text",
    "wydział": "department",
    "widżet na stronie": "widget on the website",
    "strona ankiety": "survey page",
    "kod QR": "QR code",
    "ankieta papierowa": "paper questionnaire",
    "1–64 znaki: małe litery bez polskich znaków, cyfry lub _":
        "1–64 characters: lowercase letters without Polish letters, digits or _",
    # Versions list
    "Opublikowana wersja jest zamrożona: odpowiedzi zawsze znaczą to, o co pytała. Zmiany robi się w wersji "
    "roboczej, a jej opublikowanie najpierw archiwizuje raport z wyników dotychczasowej wersji.":
        "A published version is frozen: its answers always mean what it asked. Changes are made in a draft, and "
        "publishing the draft first archives the report of the current version's results.",
    "Edytuj wersję roboczą %(number)s": "Edit draft %(number)s",
    "Edytuj": "Edit",
    "Wersje ankiety": "Survey versions",
    "Wersja": "Version",
    "Stan": "Status",
    "Opublikowana": "Published",
    "Wycofana": "Retired",
    "Pytań": "Questions",
    "Raport przed zmianą": "Pre-change report",
    "Wersja %(number)s": "Version %(number)s",
    "Pobierz raport (PDF) — wersja %(number)s": "Download the report (PDF) — version %(number)s",
    # Version page
    "Wersja %(number)s ankiety": "Survey version %(number)s",
    "Wszystkie wersje": "All versions",
    "Podgląd": "Preview",
    "Tytuł i wstęp": "Title and introduction",
    "Ta wersja jest tylko do odczytu. Aby zmienić ankietę, utwórz wersję roboczą przyciskiem „Edytuj” na liście "
    "wersji.": "This version is read-only. To change the survey, make a draft with “Edit” on the list of versions.",
    "Pytania wersji %(number)s": "Questions of version %(number)s",
    "Rodzaj": "Type",
    "Treść": "Text",
    "Wymagane": "Required",
    "Działania": "Actions",
    "siatka %(group)s": "grid %(group)s",
    "Zmień pytanie %(n)s: %(label)s": "Change question %(n)s: %(label)s",
    "Zmień": "Change",
    "Przesuń pytanie %(n)s w górę: %(label)s": "Move question %(n)s up: %(label)s",
    "W górę": "Up",
    "Przesuń pytanie %(n)s w dół: %(label)s": "Move question %(n)s down: %(label)s",
    "W dół": "Down",
    "Usuń pytanie %(n)s: %(label)s": "Remove question %(n)s: %(label)s",
    "Usuń": "Remove",
    "Nowe pytanie, rodzaj:": "New question, type:",
    "Dodaj pytanie": "Add a question",
    "Publikacja": "Publishing",
    "Przed publikacją trzeba poprawić:": "Before publishing, correct:",
    "Opublikowanie najpierw generuje i archiwizuje raport z wyników obecnej wersji (raport przed zmianą), potem "
    "publikuje tę wersję i wycofuje obecną. Wycofana wersja przyjmuje jeszcze odpowiedzi przez 24 godziny. Jeśli "
    "raportu nie da się wygenerować, nic się nie zmienia.":
        "Publishing first generates and archives the report of the current version's results (the pre-change "
        "report), then publishes this version and retires the current one. The retired version still takes "
        "responses for 24 hours. If the report cannot be generated, nothing changes.",
    "Opublikuj wersję %(number)s": "Publish version %(number)s",
    "Usuń wersję roboczą": "Discard the draft",
    # Question form
    "Pytanie „%(key)s” — wersja robocza %(number)s": "Question “%(key)s” — draft %(number)s",
    "Nowe pytanie — wersja robocza %(number)s": "New question — draft %(number)s",
    "Nie zapisano — popraw pola oznaczone poniżej.": "Not saved — correct the fields marked below.",
    "Klucz pochodzi z poprzedniej wersji i się nie zmienia, żeby wyniki tego pytania dało się porównać między "
    "wersjami.": "The key comes from the previous version and does not change, so that this question's results "
                 "can be compared across versions.",
    "Klucz nadany przy dodaniu pytania; się nie zmienia.": "The key was given when the question was added; it does "
                                                           "not change.",
    "Dla pytania „ocena 1–5”": "For a “rating 1–5” question",
    "Dla pytań wyboru: odpowiedzi do wyboru": "For choice questions: the answers to choose from",
    "Każda odpowiedź ma klucz (1–64 znaki: małe litery bez polskich znaków, cyfry lub _) i treść po polsku; "
    "treści po angielsku i ukraińsku są opcjonalne. Puste wiersze są pomijane; by dodać więcej odpowiedzi, użyj "
    "„Zapisz i dodaj odpowiedzi”. Pytanie o wydział bierze odpowiedzi z listy wydziałów.":
        "Each answer has a key (1–64 characters: lowercase letters without Polish letters, digits or _) and a "
        "Polish text; English and Ukrainian texts are optional. Empty rows are skipped; to add more answers, use "
        "“Save and add answers”. The department question takes its answers from the list of departments.",
    "Odpowiedzi do wyboru": "Answers to choose from",
    "Dla pytania „tekst”": "For a “text” question",
    "Zapisz i dodaj odpowiedzi": "Save and add answers",
    "Klucz odpowiedzi": "Answer key",
    "Treść po polsku": "Text in Polish",
    "Treść po angielsku": "Text in English",
    "Treść po ukraińsku": "Text in Ukrainian",
    "Rodzaj pytania": "Question type",
    "Klucz pytania": "Question key",
    "Identyfikator w raportach i eksporcie: 1–64 znaki: małe litery bez polskich znaków, cyfry lub _. Nie "
    "zmienia się w kolejnych wersjach.":
        "The identifier in reports and exports: 1–64 characters: lowercase letters without Polish letters, digits "
        "or _. It does not change in later versions.",
    "Treść pytania po polsku": "Question text in Polish",
    "Treść pytania po angielsku": "Question text in English",
    "Treść pytania po ukraińsku": "Question text in Ukrainian",
    "Podpowiedź po polsku": "Hint in Polish",
    "Podpowiedź po angielsku": "Hint in English",
    "Podpowiedź po ukraińsku": "Hint in Ukrainian",
    "Odpowiedź wymagana": "Answer required",
    "Można odpowiedzieć „nie dotyczy”": "“Not applicable” may be answered",
    "Najwięcej odpowiedzi do zaznaczenia": "Most answers to tick",
    "Podaj liczbę od 1 do %(max)s albo zostaw puste.": "Give a number from 1 to %(max)s or leave it empty.",
    "Puste: bez limitu.": "Empty: no limit.",
    "Najwięcej znaków odpowiedzi": "Most characters in the answer",
    "Podaj liczbę od 1 do 2000 albo zostaw puste.": "Give a number from 1 to 2000 or leave it empty.",
    "Siatka ocen (klucz grupy)": "Rating grid (group key)",
    "Pytania z tym samym kluczem grupy, stojące jedno pod drugim, tworzą siatkę ocen ze wspólnym tytułem. Puste: "
    "pytanie osobne.": "Questions with the same group key, one below the other, make a rating grid with a shared "
                       "title. Empty: a question on its own.",
    "Tytuł siatki po polsku": "Grid title in Polish",
    "Tytuł siatki po angielsku": "Grid title in English",
    "Tytuł siatki po ukraińsku": "Grid title in Ukrainian",
    "Klucz może mieć %(rule)s, np. czas_oczekiwania.": "The key may have %(rule)s, e.g. waiting_time.",
    "Klucz „%(key)s” ma już inne pytanie tej wersji.": "Another question of this version already has the key "
                                                       "“%(key)s”.",
    "Klucz „%(key)s” miało pytanie w wersji %(number)s. Nowe pytanie potrzebuje nowego klucza, żeby wyniki "
    "różnych pytań się nie pomieszały.":
        "A question of version %(number)s had the key “%(key)s”. A new question needs a new key, so that the "
        "results of different questions do not mix.",
    "Podaj treść pytania po polsku.": "Give the question's text in Polish.",
    "Ankieta ma już pytanie o wydział; może mieć tylko jedno.": "The survey already has a department question; it "
                                                                "may have only one.",
    "Klucz odpowiedzi może mieć %(rule)s.": "The answer key may have %(rule)s.",
    "Klucz odpowiedzi „%(key)s” powtarza się.": "The answer key “%(key)s” is repeated.",
    "Podaj treść odpowiedzi po polsku.": "Give the answer's text in Polish.",
    "Pytanie wyboru potrzebuje co najmniej dwóch odpowiedzi do wyboru.":
        "A choice question needs at least two answers to choose from.",
    "Można zaznaczyć najwyżej %(picks)s, a odpowiedzi do wyboru jest tylko %(count)s.":
        "At most %(picks)s may be ticked, but there are only %(count)s answers to choose from.",
    "Klucz grupy może mieć %(rule)s.": "The group key may have %(rule)s.",
    "Podaj tytuł siatki po polsku.": "Give the grid's title in Polish.",
    # Title and introduction
    "Tytuł i wstęp — wersja robocza %(number)s": "Title and introduction — draft %(number)s",
    "Tytuł po polsku": "Title in Polish",
    "Tytuł po angielsku": "Title in English",
    "Tytuł po ukraińsku": "Title in Ukrainian",
    "Wstęp po polsku": "Introduction in Polish",
    "Wstęp po angielsku": "Introduction in English",
    "Wstęp po ukraińsku": "Introduction in Ukrainian",
    "Podaj tytuł ankiety po polsku.": "Give the survey's title in Polish.",
    # Flash messages of the editor
    "Wersja %(number)s jest %(status)s i nie można jej zmieniać. Użyj „Edytuj”, aby utworzyć wersję roboczą.":
        "Version %(number)s is %(status)s and cannot be changed. Use “Edit” to make a draft.",
    "Utworzono wersję roboczą %(number)s — kopię poprzedniej wersji. Zmiany nie są widoczne dla mieszkańców, "
    "dopóki jej nie opublikujesz.": "Draft %(number)s was made — a copy of the previous version. Residents do not "
                                    "see the changes until you publish it.",
    "Wersja robocza %(number)s już istnieje — otwarto ją.": "Draft %(number)s already exists — it has been opened.",
    "Zapisano tytuł i wstęp.": "The title and introduction were saved.",
    "Zapisano pytanie „%(key)s”.": "The question “%(key)s” was saved.",
    "Nieznany kierunek przesunięcia.": "Unknown direction of the move.",
    "Przesunięto pytanie „%(key)s” na miejsce %(n)s.": "The question “%(key)s” was moved to place %(n)s.",
    "Usunięto pytanie „%(key)s” z wersji roboczej.": "The question “%(key)s” was removed from the draft.",
    "Usunięto wersję roboczą %(number)s.": "Draft %(number)s was discarded.",
    "Opublikowano wersję %(number)s. Raport przed zmianą (wersja %(old)s, %(count)s odpowiedzi) zapisano w "
    "archiwum raportów.": "Version %(number)s was published. The pre-change report (version %(old)s, %(count)s "
                          "responses) was saved in the report archive.",
    "Opublikowano wersję %(number)s.": "Version %(number)s was published.",
    # Preview
    "Podgląd wersji %(number)s (%(status)s)": "Preview of version %(number)s (%(status)s)",
    "Tak zobaczy ankietę mieszkaniec — to ten sam widżet, który działa na stronie urzędu. W podglądzie odpowiedzi "
    "nie są wysyłane ani zapisywane.": "This is how a resident sees the survey — the same widget that runs on the "
                                      "office's website. In the preview, answers are neither sent nor saved.",
    "Język podglądu": "Preview language",
    "Wróć do wersji %(number)s": "Back to version %(number)s",
    # Responses
    "wersja %(number)s": "version %(number)s",
    "Wersja ankiety": "Survey version",
    "Kanał": "Channel",
    "Wydział": "Department",
    "Ukryć można tylko odpowiedź tekstową.": "Only a text answer can be hidden.",
    "Komentarz ukryto w raportach (pozostaje zapisany).": "The comment is hidden from reports (it stays stored).",
    "Komentarz znów jest widoczny w raportach.": "The comment is shown in reports again.",
    "Odpowiedź": "Answer",
    "Odpowiedzi na pytania wersji %(number)s": "Answers to the questions of version %(number)s",
    "Odpowiedzi na pytania": "Answers to the questions",
    "Pytanie": "Question",
    "ukryty w raportach": "hidden from reports",
    "Pokaż w raportach": "Show in reports",
    "Ukryj w raportach": "Hide from reports",
    # Paper
    "Nie zapisano — popraw odpowiedzi oznaczone poniżej.": "Not saved — correct the answers marked below.",
    "Zapisano ankietę papierową (wersja %(number)s).": "The paper questionnaire was saved (version %(number)s).",
    "Ta ankieta papierowa była już zapisana — nie zapisano jej drugi raz.":
        "This paper questionnaire was already saved — it was not saved a second time.",
    "Pobierz ankietę papierową do wydruku (PDF, wersja %(number)s)":
        "Download the paper questionnaire to print (PDF, version %(number)s)",
    "Wprowadź wypełnioną ankietę papierową (wersja %(number)s)": "Enter a filled-in paper questionnaire (version "
                                                                 "%(number)s)",
    "Przepisz odpowiedzi dokładnie tak, jak je zaznaczono; pytania bez odpowiedzi zostaw z „brak odpowiedzi”. "
    "Ankieta zostanie zapisana jako papierowa, z Twoim nazwiskiem jako osoby wprowadzającej.":
        "Copy the answers exactly as they were ticked; leave unanswered questions at “no answer”. The "
        "questionnaire is saved as a paper one, with you as the person who entered it.",
    "Najwyżej %(max)s.": "At most %(max)s.",
    "Zapisz ankietę papierową": "Save the paper questionnaire",
    # Embed
    "Kod QR ankiety: %(url)s": "The survey's QR code: %(url)s",
    "Kod do wklejenia na stronę urzędu": "The code to paste into the office's website",
    "Znacznik <script> — wklej go raz, np. przed </body>; pokaże przycisk „%(label)s”.":
        "The <script> tag — paste it once, e.g. before </body>; it shows the “%(label)s” button.",
    "Skopiowano kod do schowka.": "The code was copied to the clipboard.",
    "Nie udało się użyć schowka — kod jest zaznaczony, skopiuj go klawiszami Ctrl+C.":
        "The clipboard could not be used — the code is selected, copy it with Ctrl+C.",
    "Kopiuj": "Copy",
    "Opcjonalnie: data-lang=\"en\" lub \"uk\" (język), data-department=\"klucz\" (wydział), "
    "data-target=\"#element\" (ankieta w treści strony zamiast przycisku).":
        "Optional: data-lang=\"en\" or \"uk\" (language), data-department=\"key\" (department), "
        "data-target=\"#element\" (the survey inside the page instead of a button).",
    "Wygląd przycisku (etykieta, kolor, położenie) z danych urzędu jest w znaczniku — po jego zmianie "
    "wklej znacznik na stronę ponownie.":
        "The button's look (label, colour, position) from the office data is in the tag — after changing it, "
        "paste the tag into the website again.",
    "Dozwolone adresy stron": "Allowed website addresses",
    "Odpowiedzi przyjmowane są tylko ze stron pod tymi adresami:": "Responses are accepted only from these sites:",
    "Brak — dodaj adres strony urzędu w danych urzędu, inaczej ankieta na stronie nie zapisze odpowiedzi.":
        "None — add the office's website address in the office data, or the survey on the website will not save "
        "responses.",
    "Ankieta pod własnym adresem": "The survey at its own address",
    "Działa bez JavaScriptu — do linków w e-mailach i na plakatach:": "Works without JavaScript — for links in "
                                                                      "e-mails and on posters:",
    "Kody QR i plakaty dla wydziałów": "QR codes and posters for the departments",
    "Każdy kod prowadzi do ankiety z wybranym już wydziałem. Plakat A4 do wydruku zawiera kod, nazwę urzędu i "
    "wydziału oraz adres.": "Each code leads to the survey with the department already chosen. The printable A4 "
                            "poster has the code, the office's and department's names and the address.",
    "Kody QR wydziałów": "The departments' QR codes",
    "Adres w kodzie": "Address in the code",
    "Pliki": "Files",
    "Kod QR PNG: %(name)s": "QR code PNG: %(name)s",
    "Kod QR SVG: %(name)s": "QR code SVG: %(name)s",
    "Plakat PDF: %(name)s": "Poster PDF: %(name)s",
    "plakat PDF": "PDF poster",
    "Urząd nie ma aktywnych wydziałów.": "The office has no active departments.",
    # Audit actions
    "utworzenie wersji roboczej ankiety": "survey draft made",
    "zmiana tytułu lub wstępu ankiety": "survey title or introduction changed",
    "dodanie pytania": "question added",
    "zmiana pytania": "question changed",
    "przesunięcie pytania": "question moved",
    "usunięcie pytania": "question removed",
    "usunięcie wersji roboczej ankiety": "survey draft discarded",
    "publikacja ankiety": "survey published",
    "ukrycie komentarza w raportach": "comment hidden from reports",
    "przywrócenie komentarza w raportach": "comment shown in reports again",
    "wprowadzenie ankiety papierowej": "paper questionnaire entered",
}
