"""The report tests' survey: the long survey that was the default before the short one (issue 10).

It keeps what the report must handle and the short default lacks: two rating grids (areas), a
stated-importance question ("important", so importance is stated, not derived), a multi question
asked of everyone ("purpose") and profile questions. Frozen here as test data, so the report tests
stay meaningful whatever the default survey becomes.
"""

from __future__ import annotations

from typing import Any

from collector.default_survey import SATISFACTION_SCALE, SCALE


def _opt(key: str, pl: str, en: str, uk: str) -> dict[str, Any]:
    return {"key": key, "texts": {"pl": pl, "en": en, "uk": uk}}


SERVICE_ITEMS = [
    _opt(
        "service_politeness",
        "Uprzejmość i życzliwość",
        "Courtesy and friendliness",
        "Ввічливість і доброзичливість",
    ),
    _opt(
        "service_competence",
        "Wiedza merytoryczna (kompetencje)",
        "Expertise (competence)",
        "Фахові знання (компетентність)",
    ),
    _opt(
        "service_clarity",
        "Zrozumiałość i kompletność informacji",
        "Clear and complete information",
        "Зрозумілість і повнота інформації",
    ),
    _opt(
        "service_waiting",
        "Czas oczekiwania na obsługę",
        "Waiting time",
        "Час очікування на обслуговування",
    ),
    _opt(
        "service_deadline",
        "Dotrzymanie terminu załatwienia sprawy",
        "Keeping to the deadline",
        "Дотримання терміну розгляду справи",
    ),
]
CONDITIONS_ITEMS = [
    _opt(
        "conditions_signage",
        "Oznakowanie i łatwość trafienia do stanowiska",
        "Signage and finding the right desk",
        "Позначення та легкість знаходження потрібного місця",
    ),
    _opt(
        "conditions_hours", "Godziny pracy Urzędu", "Office opening hours", "Години роботи установи"
    ),
    _opt("conditions_premises", "Warunki lokalowe", "Premises", "Умови приміщення"),
    _opt(
        "conditions_accessibility",
        "Dostępność dla osób z niepełnosprawnościami",
        "Accessibility for people with disabilities",
        "Доступність для людей з інвалідністю",
    ),
    _opt(
        "conditions_forms",
        "Czytelność formularzy i strony internetowej",
        "Clarity of forms and the website",
        "Зрозумілість формулярів і вебсайту",
    ),
]


def legacy_questions() -> list[dict[str, Any]]:
    """Return the long survey's questions as dicts of Question's columns."""
    questions: list[dict[str, Any]] = [
        {
            "key": "department",
            "type": "department",
            "required": True,
            "texts": {
                "pl": "W którym wydziale/referacie załatwiał(a) Pan/Pani sprawę?",
                "en": "Which department handled your matter?",
                "uk": "У якому відділі Ви вирішували свою справу?",
            },
        },
        {
            "key": "purpose",
            "type": "multi",
            "max_picks": 6,
            "texts": {
                "pl": "Jaki był cel wizyty?",
                "en": "What was the purpose of your visit?",
                "uk": "Яка була мета Вашого візиту?",
            },
            "options": [
                _opt("wniosek", "złożenie wniosku", "submitting an application", "подання заяви"),
                _opt("odbior", "odbiór dokumentu", "collecting a document", "отримання документа"),
                _opt(
                    "uzupelnienie",
                    "uzupełnienie dokumentów",
                    "completing documents",
                    "доповнення документів",
                ),
                _opt(
                    "informacja",
                    "uzyskanie informacji",
                    "getting information",
                    "отримання інформації",
                ),
                _opt("skarga", "skarga", "complaint", "скарга"),
                _opt("inny", "inny", "other", "інше"),
            ],
        },
        {
            "key": "resolved",
            "type": "single",
            "texts": {
                "pl": "Czy udało się załatwić sprawę?",
                "en": "Was your matter resolved?",
                "uk": "Чи вдалося вирішити справу?",
            },
            "options": [
                _opt("tak", "Tak", "Yes", "Так"),
                _opt("czesciowo", "Częściowo", "Partly", "Частково"),
                _opt("nie", "Nie", "No", "Ні"),
                _opt("w_toku", "Sprawa w toku", "Still in progress", "Справа ще розглядається"),
            ],
        },
    ]
    for group, group_texts, items in (
        (
            "service",
            {
                "pl": "Jak ocenia Pan/Pani obsługę?",
                "en": "How do you rate the service?",
                "uk": "Як Ви оцінюєте обслуговування?",
            },
            SERVICE_ITEMS,
        ),
        (
            "conditions",
            {
                "pl": "Jak ocenia Pan/Pani warunki obsługi?",
                "en": "How do you rate the conditions of service?",
                "uk": "Як Ви оцінюєте умови обслуговування?",
            },
            CONDITIONS_ITEMS,
        ),
    ):
        for item in items:
            questions.append(
                {
                    "key": item["key"],
                    "type": "rating",
                    "group": group,
                    "group_texts": group_texts,
                    "texts": item["texts"],
                    "scale": SCALE,
                    "allow_na": True,
                }
            )
    questions += [
        {
            "key": "overall",
            "type": "rating",
            "required": True,
            "allow_na": False,
            "scale": SATISFACTION_SCALE,
            "texts": {
                "pl": "Ogólnie: jak bardzo jest Pan/Pani zadowolony(a) z obsługi w Urzędzie?",
                "en": "Overall, how satisfied are you with the service at the Office?",
                "uk": "Загалом, наскільки Ви задоволені обслуговуванням в установі?",
            },
        },
        {
            "key": "trend",
            "type": "single",
            "texts": {
                "pl": "Czy w ostatnim roku jakość obsługi w Urzędzie…",
                "en": "Over the last year, the quality of service at the Office has…",
                "uk": "Чи за останній рік якість обслуговування в установі…",
            },
            "options": [
                _opt("lepiej", "poprawiła się", "improved", "покращилася"),
                _opt("bez_zmian", "bez zmian", "stayed the same", "не змінилася"),
                _opt("gorzej", "pogorszyła się", "got worse", "погіршилася"),
                _opt("nie_wiem", "nie wiem", "I don't know", "не знаю"),
            ],
        },
        {
            "key": "important",
            "type": "multi",
            "max_picks": 3,
            "texts": {
                "pl": "Które elementy są dla Pana/Pani najważniejsze? (najwyżej 3)",
                "en": "Which of these matter most to you? (up to 3)",
                "uk": "Що для Вас найважливіше? (не більше 3)",
            },
            "options": [dict(item) for item in SERVICE_ITEMS + CONDITIONS_ITEMS],
        },
        {
            "key": "comment",
            "type": "text",
            "max_length": 2000,
            "texts": {
                "pl": "Co powinniśmy poprawić? Inne uwagi.",
                "en": "What should we improve? Other remarks.",
                "uk": "Що нам варто покращити? Інші зауваження.",
            },
            "hint": {
                "pl": "Prosimy nie podawać danych osobowych.",
                "en": "Please do not include personal data.",
                "uk": "Будь ласка, не вказуйте персональних даних.",
            },
        },
        {
            "key": "frequency",
            "type": "single",
            "texts": {
                "pl": "Jak często załatwia Pan/Pani sprawy w Urzędzie?",
                "en": "How often do you deal with the Office?",
                "uk": "Як часто Ви звертаєтеся до установи?",
            },
            "options": [
                _opt("pierwszy", "pierwszy raz", "first time", "уперше"),
                _opt(
                    "kilka_w_roku", "kilka razy w roku", "a few times a year", "кілька разів на рік"
                ),
                _opt(
                    "co_miesiac",
                    "co miesiąc lub częściej",
                    "monthly or more often",
                    "щомісяця або частіше",
                ),
            ],
        },
        {
            "key": "age",
            "type": "single",
            "texts": {"pl": "Wiek", "en": "Age", "uk": "Вік"},
            "options": [
                _opt("do25", "do 25", "up to 25", "до 25"),
                _opt("26_40", "26–40", "26–40", "26–40"),
                _opt("41_60", "41–60", "41–60", "41–60"),
                _opt("61plus", "61 i więcej", "61 and over", "61 і більше"),
                _opt("brak", "wolę nie podawać", "prefer not to say", "не бажаю вказувати"),
            ],
        },
        {
            "key": "client_type",
            "type": "single",
            "texts": {
                "pl": "Sprawę załatwiałem(am) jako",
                "en": "I dealt with the Office as",
                "uk": "Я звертався(-лася) як",
            },
            "options": [
                _opt("prywatna", "osoba prywatna", "a private person", "приватна особа"),
                _opt("przedsiebiorca", "przedsiębiorca", "a business", "підприємець"),
                _opt("instytucja", "instytucja", "an institution", "установа"),
            ],
        },
    ]
    return questions
