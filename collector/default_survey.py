"""The default survey seeded for a new office in Polish, English and Ukrainian.

Short on purpose (residents answer when it is quick): the overall rating first (one click counts),
then the department, whether the matter was resolved, five service drivers in one grid (each
optional, with "nie dotyczy"), a follow-up shown only for an overall rating of 1 or 2, and one
comment box. No profile questions (an office may add them). Importance in the report is derived
from the drivers' correlation with the overall rating (reports.statistics), so the survey asks no
"what matters most" question. ARCHITECTURE.md ("The default survey") describes it.
"""

from __future__ import annotations

from typing import Any

SCALE = {
    "pl": ["bardzo słabo", "słabo", "dostatecznie", "dobrze", "bardzo dobrze"],
    "en": ["very poor", "poor", "fair", "good", "very good"],
    "uk": ["дуже погано", "погано", "задовільно", "добре", "дуже добре"],
}
SATISFACTION_SCALE = {
    "pl": [
        "bardzo niezadowolony(a)",
        "raczej niezadowolony(a)",
        "ani zadowolony(a), ani niezadowolony(a)",
        "raczej zadowolony(a)",
        "bardzo zadowolony(a)",
    ],
    "en": [
        "very dissatisfied",
        "rather dissatisfied",
        "neither satisfied nor dissatisfied",
        "rather satisfied",
        "very satisfied",
    ],
    "uk": [
        "дуже незадоволений(а)",
        "радше незадоволений(а)",
        "ні задоволений(а), ні незадоволений(а)",
        "радше задоволений(а)",
        "дуже задоволений(а)",
    ],
}

TITLE = {
    "pl": "Badanie satysfakcji klienta",
    "en": "Customer satisfaction survey",
    "uk": "Опитування задоволеності клієнтів",
}
INTRO = {
    "pl": "Ankieta jest anonimowa i zajmuje mniej niż minutę. Dziękujemy za pomoc w poprawie obsługi.",
    "en": "The survey is anonymous and takes less than a minute. Thank you for helping us improve.",
    "uk": "Опитування анонімне й займає менше хвилини. Дякуємо, що допомагаєте нам покращити обслуговування.",
}

DEPARTMENTS = [
    (
        "komunikacja",
        "Wydział Komunikacji",
        "Transport and Vehicle Registration Department",
        "Відділ транспорту",
    ),
    ("usc", "Urząd Stanu Cywilnego", "Registry Office", "Відділ реєстрації актів цивільного стану"),
    (
        "podatki",
        "Wydział Podatków i Opłat",
        "Taxes and Fees Department",
        "Відділ податків і зборів",
    ),
    (
        "architektura",
        "Wydział Architektury i Budownictwa",
        "Architecture and Building Department",
        "Відділ архітектури та будівництва",
    ),
    (
        "spraw-obywatelskich",
        "Wydział Spraw Obywatelskich",
        "Civil Affairs Department",
        "Відділ у справах громадян",
    ),
]
OTHER_DEPARTMENT: dict[str, Any] = {
    "key": "other",
    "texts": {"pl": "Inny / nie wiem", "en": "Other / I don't know", "uk": "Інший / не знаю"},
}


OVERALL_KEY = "overall"  # reports find the overall rating by this key; keep it stable
LOW_SCORE = {"question": OVERALL_KEY, "min": 1, "max": 2}


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
WENT_WRONG_OPTIONS = [
    _opt("czas", "Długi czas oczekiwania", "A long wait", "Довге очікування"),
    _opt(
        "informacja",
        "Niejasne lub niepełne informacje",
        "Unclear or incomplete information",
        "Незрозуміла або неповна інформація",
    ),
    _opt(
        "uprzejmosc",
        "Sposób traktowania przez pracownika",
        "The way staff treated me",
        "Ставлення працівника",
    ),
    _opt(
        "niezalatwiona",
        "Sprawa nie została załatwiona",
        "The matter was not resolved",
        "Справу не вирішено",
    ),
    _opt(
        "formalnosci",
        "Zbyt wiele formalności lub dokumentów",
        "Too many formalities or documents",
        "Забагато формальностей або документів",
    ),
    _opt(
        "warunki",
        "Warunki w Urzędzie lub dostępność",
        "Conditions at the Office or accessibility",
        "Умови в установі або доступність",
    ),
    _opt("inne", "Inne", "Other", "Інше"),
]


def default_questions() -> list[dict[str, Any]]:
    """Return the default survey's questions as dicts of Question's columns."""
    questions: list[dict[str, Any]] = [
        {
            "key": OVERALL_KEY,
            "type": "rating",
            "required": True,
            "allow_na": False,
            "scale": SATISFACTION_SCALE,
            "texts": {
                "pl": "Jak ogólnie ocenia Pan/Pani obsługę w Urzędzie?",
                "en": "Overall, how satisfied are you with the service at the Office?",
                "uk": "Як загалом Ви оцінюєте обслуговування в установі?",
            },
        },
        {
            "key": "department",
            "type": "department",
            "required": True,
            "texts": {
                "pl": "W którym wydziale załatwiana była sprawa?",
                "en": "Which department handled the matter?",
                "uk": "У якому відділі вирішувалася справа?",
            },
        },
        {
            "key": "resolved",
            "type": "single",
            "texts": {
                "pl": "Czy sprawa została załatwiona?",
                "en": "Was the matter resolved?",
                "uk": "Чи вирішено справу?",
            },
            "options": [
                _opt("tak", "Tak", "Yes", "Так"),
                _opt("czesciowo", "Częściowo", "Partly", "Частково"),
                _opt("nie", "Nie", "No", "Ні"),
            ],
        },
    ]
    group_texts = {
        "pl": "Jak ocenia Pan/Pani poszczególne elementy obsługi?",
        "en": "How would you rate each part of the service?",
        "uk": "Як Ви оцінюєте окремі складові обслуговування?",
    }
    for item in SERVICE_ITEMS:
        questions.append(
            {
                "key": item["key"],
                "type": "rating",
                "group": "service",
                "group_texts": group_texts,
                "texts": item["texts"],
                "scale": SCALE,
                "allow_na": True,
            }
        )
    questions += [
        {
            "key": "what_went_wrong",
            "type": "multi",
            "show_if": dict(LOW_SCORE),
            "texts": {
                "pl": "Co poszło nie tak?",
                "en": "What went wrong?",
                "uk": "Що пішло не так?",
            },
            "options": [dict(option) for option in WENT_WRONG_OPTIONS],
        },
        {
            "key": "comment",
            "type": "text",
            "max_length": 2000,
            "texts": {
                "pl": "Co należałoby poprawić? Inne uwagi",
                "en": "What should be improved? Other remarks",
                "uk": "Що варто покращити? Інші зауваження",
            },
            "hint": {
                "pl": "Prosimy nie podawać danych osobowych.",
                "en": "Please do not include personal data.",
                "uk": "Просимо не вказувати персональних даних.",
            },
        },
    ]
    return questions
