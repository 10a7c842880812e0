"""A short survey of the default's shape (``../shared/domain.md``), for the hosted page's flow tests.

The flow tests publish this survey rather than use the seeded default, so that a change to the
default's wording or keys does not break them; its department is optional, so that each test
sends only what it is about. ``test_hosted_steps`` checks the seeded default's two steps on its own.
"""

from __future__ import annotations

from collector.models import Office
from tests.factories import create_office, create_version, published_version

SCALE = {
    "pl": ["bardzo słabo", "słabo", "dostatecznie", "dobrze", "bardzo dobrze"],
    "en": ["very poor", "poor", "fair", "good", "very good"],
    "uk": ["дуже погано", "погано", "задовільно", "добре", "дуже добре"],
}


def _texts(pl: str, en: str = "", uk: str = "") -> dict[str, str]:
    return {"pl": pl, "en": en or pl, "uk": uk or pl}


def _opt(key: str, pl: str) -> dict:
    return {"key": key, "texts": _texts(pl)}


DRIVERS = ("politeness", "competence", "clarity", "waiting", "deadline")
SHORT_QUESTIONS = [
    {
        "key": "overall",
        "type": "rating",
        "required": True,
        "allow_na": False,
        "scale": SCALE,
        "texts": _texts(
            "Jak ocenia Pan/Pani załatwienie sprawy w Urzędzie?", "How would you rate your visit?"
        ),
    },
    {
        "key": "department",
        "type": "department",
        "texts": _texts("W którym wydziale była załatwiana sprawa?"),
    },
    {
        "key": "resolved",
        "type": "single",
        "texts": _texts("Czy sprawa została załatwiona?"),
        "options": [_opt("tak", "Tak"), _opt("czesciowo", "Częściowo"), _opt("nie", "Nie")],
    },
    *[
        {
            "key": f"service_{driver}",
            "type": "rating",
            "group": "service",
            "group_texts": _texts("Jak ocenia Pan/Pani:"),
            "allow_na": True,
            "scale": SCALE,
            "texts": _texts(driver.capitalize()),
        }
        for driver in DRIVERS
    ],
    {
        "key": "what_wrong",
        "type": "multi",
        "texts": _texts("Co poszło nie tak?", "What went wrong?"),
        "options": [_opt("czekanie", "długie oczekiwanie"), _opt("inne", "inne")],
        "show_if": {"question": "overall", "min": 1, "max": 2},
    },
    {"key": "comment", "type": "text", "texts": _texts("Co powinniśmy poprawić?")},
]


def short_office(slug: str = "demo", **fields) -> Office:
    """Create an office whose published survey is the short one (overall rating first)."""
    office = create_office(slug, **fields)
    ensure_short_survey(office)
    return office


def ensure_short_survey(office: Office) -> None:
    """Publish this short survey as ``office``'s next version."""
    version = published_version(office)
    create_version(office, drop=tuple(q.key for q in version.questions), add=tuple(SHORT_QUESTIONS))
