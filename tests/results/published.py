"""An office that publishes its results: a year of responses to the default survey, corrective
actions and a yearly report archived after publication was switched on."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from collector.extensions import db
from collector.models import CorrectiveAction, Office, Report, utcnow
from reports.archive import archive_report
from tests.admin.test_home import add_response
from tests.factories import create_office
from tests.reports.dataset import local

SLUG = "gmina-wyniki"
SECRET_COMMENT = "Pani Anna z pokoju 12 była niemiła — komentarz nie do publikacji"
# Responses per department in 2025: "podatki" has 3, under the small-cell rule.
SIZES = {"komunikacja": 40, "usc": 24, "podatki": 3}
DRIVERS = (
    "service_politeness",
    "service_competence",
    "service_clarity",
    "service_waiting",
    "service_deadline",
)


@dataclass
class Published:
    office: Office
    report: Report


def add_year(office: Office, year: int = 2025, seed: int = 11) -> None:
    """Store a year of responses: three departments, the five drivers rated, a few comments."""
    rng = random.Random(seed)
    for department, size in SIZES.items():
        for i in range(size):
            month = 1 + (i * 5 + len(department)) % 12
            add_response(
                office,
                local(year, month, 1 + i % 27, 9 + i % 7),
                department=department,
                overall=rng.choice((2, 3, 4, 4, 5, 5)),
                ratings={key: rng.choice((2, 3, 4, 5, 5)) for key in DRIVERS},
                comment=SECRET_COMMENT if i == 0 else None,
                channel=("widget", "qr", "page")[i % 3],
            )
    # The previous year, for the comparison.
    for i in range(12):
        add_response(office, local(year - 1, 1 + i, 10), department="usc", overall=3)
    db.session.flush()


def add_actions(office: Office) -> None:
    """Record two corrective actions, one done, one in progress."""
    db.session.add_all(
        [
            CorrectiveAction(
                office_id=office.id,
                title="Dodatkowe stanowisko w Wydziale Komunikacji",
                owner="Naczelnik Wydziału",
                deadline=date(2025, 9, 30),
                status="done",
                question_keys=["service_waiting"],
                question_key="service_waiting",
            ),
            CorrectiveAction(
                office_id=office.id,
                title="Nowe formularze na stronie",
                owner="Sekretarz",
                status="in_progress",
                question_keys=["service_clarity"],
                question_key="service_clarity",
            ),
        ]
    )
    db.session.flush()


def publishing_office(*, publish: bool = True, **fields) -> Office:
    """Create the office with its year of responses and actions; publication on since a minute ago."""
    office = create_office(
        SLUG,
        "Urząd Gminy Wyniki",
        origins=("https://wyniki.example.pl",),
        address="ul. Rynek 1, 00-001 Wyniki",
        contact_email="sekretariat@wyniki.example.pl",
        contact_phone="+48 22 123 45 67",
        accessibility_url="https://wyniki.example.pl/deklaracja-dostepnosci",
        **fields,
    )
    add_year(office)
    add_actions(office)
    if publish:
        office.publish_results = True
        office.results_published_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    return office


def archive_year(office: Office, reason: str = "periodic", year: int = 2025) -> Report:
    """Archive the office's report for a whole year and commit it."""
    report = archive_report(
        db.session,
        office,
        period_start=date(year, 1, 1),
        period_end=date(year, 12, 31),
        reason=reason,
        author=None,
    )
    db.session.commit()
    return report


def published_office() -> Published:
    """Return an office that publishes, with its yearly report archived after switching on."""
    office = publishing_office()
    return Published(office, archive_year(office))


def before(moment: datetime, minutes: int = 5) -> datetime:
    return moment - timedelta(minutes=minutes)
