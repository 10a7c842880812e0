"""What the public API and the hosted page tell a resident, in Polish, English and Ukrainian.

Each message names the problem and how to fix it (WCAG 3.3.1), never just "Błąd!".
"""

from __future__ import annotations

# Problems with one answer, keyed by a short code; ``{max}`` and ``{max_length}`` come from the question.
FIELD_MESSAGES: dict[str, dict[str, str]] = {
    "required": {
        "pl": "To pytanie jest obowiązkowe — wybierz lub wpisz odpowiedź.",
        "en": "This question is required: choose or type an answer.",
        "uk": "Це обов'язкове питання — оберіть або введіть відповідь.",
    },
    "required_rating": {
        "pl": "To pytanie jest obowiązkowe — wybierz ocenę od 1 do 5.",
        "en": "This question is required: choose a rating from 1 to 5.",
        "uk": "Це обов'язкове питання — оберіть оцінку від 1 до 5.",
    },
    "required_choice": {
        "pl": "To pytanie jest obowiązkowe — wybierz jedną z odpowiedzi.",
        "en": "This question is required: choose one of the answers.",
        "uk": "Це обов'язкове питання — оберіть одну з відповідей.",
    },
    "required_multi": {
        "pl": "To pytanie jest obowiązkowe — zaznacz co najmniej jedną odpowiedź.",
        "en": "This question is required: tick at least one answer.",
        "uk": "Це обов'язкове питання — позначте принаймні одну відповідь.",
    },
    "required_department": {
        "pl": "Wybierz wydział, w którym załatwiano sprawę, albo „Inny / nie wiem”.",
        "en": "Choose the department that handled your matter, or “Other / I don't know”.",
        "uk": "Оберіть відділ, у якому вирішували справу, або «Інший / не знаю».",
    },
    "not_a_rating": {
        "pl": "Wybierz ocenę od 1 do 5 albo „Nie dotyczy”.",
        "en": "Choose a rating from 1 to 5, or “Not applicable”.",
        "uk": "Оберіть оцінку від 1 до 5 або «Не стосується».",
    },
    "out_of_range": {
        "pl": "Ocena musi być liczbą całkowitą od 1 do 5 — wybierz jedną z pięciu ocen.",
        "en": "The rating must be a whole number from 1 to 5: choose one of the five ratings.",
        "uk": "Оцінка має бути цілим числом від 1 до 5 — оберіть одну з п'яти оцінок.",
    },
    "na_not_allowed": {
        "pl": "W tym pytaniu nie można wybrać „Nie dotyczy” — wybierz ocenę od 1 do 5.",
        "en": "“Not applicable” is not offered for this question: choose a rating from 1 to 5.",
        "uk": "У цьому питанні не можна обрати «Не стосується» — оберіть оцінку від 1 до 5.",
    },
    "not_an_option": {
        "pl": "Wybierz jedną z podanych odpowiedzi.",
        "en": "Choose one of the answers offered.",
        "uk": "Оберіть одну із запропонованих відповідей.",
    },
    "unknown_option": {
        "pl": "Tej odpowiedzi nie ma na liście — wybierz jedną z podanych.",
        "en": "That answer is not in the list: choose one of those offered.",
        "uk": "Такої відповіді немає у списку — оберіть одну із запропонованих.",
    },
    "not_a_list": {
        "pl": "Zaznacz jedną lub kilka z podanych odpowiedzi.",
        "en": "Tick one or more of the answers offered.",
        "uk": "Позначте одну або кілька запропонованих відповідей.",
    },
    "duplicate_option": {
        "pl": "Ta sama odpowiedź została zaznaczona dwa razy — zaznacz każdą najwyżej raz.",
        "en": "The same answer was ticked twice: tick each at most once.",
        "uk": "Одну й ту саму відповідь позначено двічі — позначайте кожну не більше одного разу.",
    },
    "too_many": {
        "pl": "Zaznacz najwyżej {max} odpowiedzi.",
        "en": "Tick at most {max} answers.",
        "uk": "Позначте не більше {max} відповідей.",
    },
    "unknown_department": {
        "pl": "Tego wydziału nie ma na liście — wybierz jeden z podanych albo „Inny / nie wiem”.",
        "en": "That department is not in the list: choose one offered, or “Other / I don't know”.",
        "uk": "Такого відділу немає у списку — оберіть один із запропонованих або «Інший / не знаю».",
    },
    "not_text": {
        "pl": "Odpowiedź na to pytanie musi być tekstem.",
        "en": "The answer to this question must be text.",
        "uk": "Відповідь на це питання має бути текстом.",
    },
    "too_long": {
        "pl": "Tekst jest za długi — skróć go do {max_length} znaków.",
        "en": "The text is too long: shorten it to {max_length} characters.",
        "uk": "Текст задовгий — скоротіть його до {max_length} символів.",
    },
    "control_chars": {
        "pl": "Tekst zawiera niedozwolone znaki sterujące — usuń je i wyślij ponownie.",
        "en": "The text contains control characters that are not allowed: remove them and send again.",
        "uk": "Текст містить недозволені керівні символи — видаліть їх і надішліть знову.",
    },
    "unknown_question": {
        "pl": "Tego pytania nie ma w tej wersji ankiety — odśwież ankietę i odpowiedz ponownie.",
        "en": "This question is not in this version of the survey: reload the survey and answer again.",
        "uk": "Цього питання немає в цій версії опитування — оновіть опитування й дайте відповідь знову.",
    },
}

# Problems with the whole request, keyed by the ``error`` code of the JSON body.
ERROR_MESSAGES: dict[str, dict[str, str]] = {
    "invalid_json": {
        "pl": "Treść zgłoszenia nie jest poprawnym dokumentem JSON.",
        "en": "The request body is not valid JSON.",
        "uk": "Вміст запиту не є коректним документом JSON.",
    },
    "too_deep": {
        "pl": "Dokument JSON jest zagnieżdżony zbyt głęboko.",
        "en": "The JSON document is nested too deeply.",
        "uk": "Документ JSON має завелику вкладеність.",
    },
    "duplicate_key": {
        "pl": "Dokument JSON zawiera ten sam klucz dwa razy.",
        "en": "The JSON document contains the same key twice.",
        "uk": "Документ JSON містить один і той самий ключ двічі.",
    },
    "not_an_object": {
        "pl": "Treść zgłoszenia musi być obiektem JSON z polami id, version i answers.",
        "en": "The request body must be a JSON object with the fields id, version and answers.",
        "uk": "Вміст запиту має бути об'єктом JSON з полями id, version і answers.",
    },
    "invalid_id": {
        "pl": "Pole id musi zawierać identyfikator odpowiedzi w formacie UUID.",
        "en": "The field id must hold the response's identifier as a UUID.",
        "uk": "Поле id має містити ідентифікатор відповіді у форматі UUID.",
    },
    "invalid_version": {
        "pl": "Pole version musi zawierać numer wersji ankiety (liczbę całkowitą).",
        "en": "The field version must hold the survey's version number (a whole number).",
        "uk": "Поле version має містити номер версії опитування (ціле число).",
    },
    "invalid_lang": {
        "pl": "Pole lang musi mieć wartość pl, en albo uk.",
        "en": "The field lang must be pl, en or uk.",
        "uk": "Поле lang має бути pl, en або uk.",
    },
    "invalid_channel": {
        "pl": "Pole channel musi mieć wartość widget, page albo qr.",
        "en": "The field channel must be widget, page or qr.",
        "uk": "Поле channel має бути widget, page або qr.",
    },
    "invalid_elapsed": {
        "pl": "Pole elapsed_ms musi zawierać czas wypełniania w milisekundach (liczbę całkowitą).",
        "en": "The field elapsed_ms must hold the time spent filling in, in milliseconds (a whole number).",
        "uk": "Поле elapsed_ms має містити час заповнення в мілісекундах (ціле число).",
    },
    "invalid_answers": {
        "pl": "Pole answers musi być obiektem: klucz pytania → odpowiedź.",
        "en": "The field answers must be an object: question key → answer.",
        "uk": "Поле answers має бути об'єктом: ключ питання → відповідь.",
    },
    "invalid_website": {
        "pl": "Pole website musi być tekstem.",
        "en": "The field website must be text.",
        "uk": "Поле website має бути текстом.",
    },
    "unknown_field": {
        "pl": "Zgłoszenie zawiera nieznane pole.",
        "en": "The request contains an unknown field.",
        "uk": "Запит містить невідоме поле.",
    },
    "unknown_version": {
        "pl": "Ta wersja ankiety nie istnieje w tym urzędzie — odśwież ankietę i wypełnij ją ponownie.",
        "en": "This office has no such version of the survey: reload the survey and fill it in again.",
        "uk": "Такої версії опитування в цій установі немає — оновіть опитування й заповніть його знову.",
    },
    "version_retired": {
        "pl": "Ankieta została zmieniona — odśwież ją i wypełnij ponownie.",
        "en": "The survey has changed: reload it and fill it in again.",
        "uk": "Опитування змінилося — оновіть його й заповніть знову.",
    },
    "invalid_answers_content": {
        "pl": "Niektóre odpowiedzi wymagają poprawy — szczegóły przy pytaniach.",
        "en": "Some answers need correcting: see the details at each question.",
        "uk": "Деякі відповіді потребують виправлення — подробиці біля питань.",
    },
    "honeypot": {
        "pl": "Zgłoszenie wygląda na wysłane automatycznie i nie zostało przyjęte.",
        "en": "The response looks automated and was not accepted.",
        "uk": "Відповідь схожа на автоматично надіслану й не була прийнята.",
    },
    "too_fast": {
        "pl": "Ankietę wysłano zbyt szybko, by była wypełniona przez człowieka — spróbuj ponownie.",
        "en": "The survey was sent too quickly to have been filled in by a person: please try again.",
        "uk": "Опитування надіслано надто швидко, щоб його заповнила людина — спробуйте ще раз.",
    },
    "conflict": {
        "pl": "Odpowiedź o tym identyfikatorze została już zapisana z inną treścią.",
        "en": "A response with this id has already been stored with different content.",
        "uk": "Відповідь із цим ідентифікатором уже збережено з іншим вмістом.",
    },
    "unavailable": {
        "pl": "Nie udało się zapisać odpowiedzi. Spróbuj ponownie za chwilę.",
        "en": "The response could not be stored. Please try again shortly.",
        "uk": "Не вдалося зберегти відповідь. Спробуйте ще раз за хвилину.",
    },
    "origin_missing": {
        "pl": "Brak nagłówka Origin: odpowiedzi przyjmujemy tylko ze stron urzędu.",
        "en": "The Origin header is missing: responses are accepted only from the office's pages.",
        "uk": "Відсутній заголовок Origin: відповіді приймаються лише зі сторінок установи.",
    },
    "origin_not_allowed": {
        "pl": "Ta strona nie może wysyłać odpowiedzi do ankiety tego urzędu.",
        "en": "This website may not send responses to this office's survey.",
        "uk": "Цей сайт не може надсилати відповіді до опитування цієї установи.",
    },
    "office_not_found": {
        "pl": "Nie znaleziono urzędu o tym adresie.",
        "en": "No office has this address.",
        "uk": "Установу з такою адресою не знайдено.",
    },
    "survey_not_published": {
        "pl": "Ten urząd nie ma teraz opublikowanej ankiety.",
        "en": "This office has no published survey at the moment.",
        "uk": "Ця установа зараз не має опублікованого опитування.",
    },
    "not_found": {
        "pl": "Nie ma takiego adresu w interfejsie API.",
        "en": "There is no such address in the API.",
        "uk": "У API немає такої адреси.",
    },
    "method_not_allowed": {
        "pl": "Ta metoda HTTP nie jest obsługiwana pod tym adresem.",
        "en": "This HTTP method is not supported at this address.",
        "uk": "Цей метод HTTP не підтримується за цією адресою.",
    },
    "too_large": {
        "pl": "Zgłoszenie jest za duże (najwyżej 16 KB).",
        "en": "The request is too large (16 KB at most).",
        "uk": "Запит завеликий (не більше 16 КБ).",
    },
    "unsupported_media_type": {
        "pl": "Wyślij odpowiedź jako JSON (Content-Type: application/json albo text/plain).",
        "en": "Send the response as JSON (Content-Type: application/json or text/plain).",
        "uk": "Надішліть відповідь як JSON (Content-Type: application/json або text/plain).",
    },
    "rate_limited": {
        "pl": "Za dużo zgłoszeń z tego adresu. Spróbuj ponownie za kilka minut.",
        "en": "Too many requests from this address. Please try again in a few minutes.",
        "uk": "Забагато запитів з цієї адреси. Спробуйте ще раз за кілька хвилин.",
    },
    "bad_request": {
        "pl": "Nieprawidłowe zapytanie.",
        "en": "Bad request.",
        "uk": "Некоректний запит.",
    },
    "internal_error": {
        "pl": "Wystąpił błąd serwera. Spróbuj ponownie za chwilę.",
        "en": "A server error occurred. Please try again shortly.",
        "uk": "Сталася помилка сервера. Спробуйте ще раз за хвилину.",
    },
}


def field_message(code: str, lang: str = "pl", **params: object) -> str:
    """Return the message for a problem with one answer, in ``lang`` (Polish if unknown)."""
    texts = FIELD_MESSAGES.get(code) or FIELD_MESSAGES["not_an_option"]
    return (texts.get(lang) or texts["pl"]).format(**params)


def error_message(code: str, lang: str = "pl") -> str:
    """Return the message for a problem with the whole request, in ``lang`` (Polish if unknown)."""
    texts = ERROR_MESSAGES.get(code) or ERROR_MESSAGES["bad_request"]
    return texts.get(lang) or texts["pl"]
