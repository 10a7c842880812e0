"""A report data set: an office with two survey versions, departments, months, "nie dotyczy", hidden comments.

The rows are generated in Python and kept as plain dicts (``Dataset.responses``), stored the way the
collector stores a response, so that tests can compute every figure independently from the same rows.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from collector.extensions import db
from collector.models import Answer, Question, Response, SurveyVersion
from collector.surveys import create_office
from tests.reports.legacy_survey import legacy_questions

WARSAW = ZoneInfo("Europe/Warsaw")
OFFICE_NAME = "Urząd Miasta Łódź — Śródmieście"
DEPARTMENTS = [
    ("komunikacja", "Wydział Komunikacji", "Transport Department", "Відділ транспорту"),
    ("usc", "Urząd Stanu Cywilnego", "Registry Office", "РАЦС"),
    ("podatki", "Wydział Podatków i Opłat", "Taxes Department", "Податки"),
    (
        "architektura",
        "Wydział Architektury i Budownictwa",
        "Architecture Department",
        "Архітектура",
    ),
    ("zdrowie", "Wydział Zdrowia i Spraw Społecznych", "Health Department", "Здоров'я"),
]
# Responses per department in the report period (version 1 + version 2): "podatki" has 3.
PERIOD_SIZES = {
    "komunikacja": 60,
    "usc": 40,
    "podatki": 3,
    "architektura": 25,
    "zdrowie": 9,
    "other": 8,
}
COMMENTS = [
    "Długo czekałem w kolejce, ale obsługa była miła.",
    "Brak miejsc parkingowych przy urzędzie.",
    "Świetna pani w okienku nr 3 — dziękuję!",
    "Formularz na stronie jest nieczytelny.",
    "Zażółć gęślą jaźń — wszystko w porządku.",
    "Proszę o dłuższe godziny pracy w czwartki.",
]
PRIVATE_COMMENT = "Nazywam się Jan Kowalski, PESEL 80010112345, proszę oddzwonić."


def local(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """Return a Polish local time as the naive UTC the database stores."""
    return (
        datetime(year, month, day, hour, minute, tzinfo=WARSAW).astimezone(UTC).replace(tzinfo=None)
    )


@dataclass
class Dataset:
    office: Any
    v1: SurveyVersion
    v2: SurveyVersion
    responses: list[dict[str, Any]] = field(default_factory=list)


def add_response(
    office,
    version: SurveyVersion,
    submitted_at: datetime,
    answers: dict[str, Any],
    channel: str = "widget",
    lang: str = "pl",
    hidden: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Store one response as the collector does: a Response row and one Answer row per answer or pick."""
    rid = uuid.uuid4()
    department = answers.get("department")
    # Core inserts (the collector writes the same way): an ORM flush of a dataset's thousands of
    # Answer objects took most of the reports tests' time.
    db.session.execute(
        sa.insert(Response.__table__),
        [
            {
                "id": rid,
                "office_id": office.id,
                "version_id": version.id,
                "submitted_at": submitted_at,
                "channel": channel,
                "lang": lang,
                "department_key": department,
                "content_hash": "0" * 64,
            }
        ],
    )
    types = {q.key: q.type for q in version.questions}
    common = dict(
        response_id=rid,
        office_id=office.id,
        version_id=version.id,
        submitted_at=submitted_at,
        department_key=department,
        value=None,
        option_key=None,
        text=None,
        hidden=False,
    )
    rows: list[dict[str, Any]] = []
    for key, value in answers.items():
        kind = types[key]
        if kind == "rating":
            if value == "na":
                rows.append({**common, "question_key": key, "option_key": "na"})
            else:
                rows.append({**common, "question_key": key, "value": value})
        elif kind == "multi":
            rows.extend({**common, "question_key": key, "option_key": option} for option in value)
        elif kind == "text":
            rows.append({**common, "question_key": key, "text": value, "hidden": key in hidden})
        else:
            rows.append({**common, "question_key": key, "option_key": value})
    if rows:
        db.session.execute(sa.insert(Answer.__table__), rows)
    return {
        "id": rid,
        "version": version.number,
        "version_id": version.id,
        "submitted_at": submitted_at,
        "channel": channel,
        "lang": lang,
        "department": department,
        "answers": answers,
        "hidden": set(hidden),
    }


def make_version_2(version_1: SurveyVersion) -> SurveyVersion:
    """Return version 2: the waiting-time item reworded, the forms item dropped, a new item added."""
    v2 = SurveyVersion(
        survey_id=version_1.survey_id,
        number=2,
        status="published",
        published_at=local(2024, 4, 1, 0, 5),
        title=dict(version_1.title),
        intro=dict(version_1.intro),
    )
    for q in version_1.questions:
        if q.key == "conditions_forms":
            continue
        texts = dict(q.texts)
        if q.key == "service_waiting":
            texts["pl"] = "Czas oczekiwania w kolejce do stanowiska"
            texts["en"] = "Time spent queuing for the desk"
        options = [dict(o) for o in q.options or []]
        if q.key == "important":
            options = [o for o in options if o["key"] != "conditions_forms"]
        v2.questions.append(
            Question(
                key=q.key,
                type=q.type,
                position=q.position,
                required=q.required,
                texts=texts,
                group=q.group,
                group_texts=dict(q.group_texts or {}),
                hint=dict(q.hint or {}),
                options=options,
                scale=dict(q.scale or {}),
                allow_na=q.allow_na,
                max_picks=q.max_picks,
                max_length=q.max_length,
            )
        )
    forms = next(q for q in version_1.questions if q.key == "conditions_forms")
    v2.questions.append(
        Question(
            key="conditions_online",
            type="rating",
            position=forms.position,
            group="conditions",
            group_texts=dict(forms.group_texts),
            texts={
                "pl": "Możliwość załatwienia sprawy przez Internet",
                "en": "Handling matters online",
            },
            scale=dict(forms.scale),
            allow_na=True,
        )
    )
    version_1.status = "retired"
    version_1.retired_at = local(2024, 4, 1, 0, 5)
    db.session.add(v2)
    db.session.flush()
    return v2


def random_answers(
    rng: random.Random, version: SurveyVersion, department: str, bias: float
) -> dict[str, Any]:
    """Return a plausible set of answers to ``version``."""
    answers: dict[str, Any] = {"department": department}
    for q in version.questions:
        if q.type == "rating":
            if q.key == "overall" or rng.random() > 0.12:
                answers[q.key] = max(1, min(5, round(rng.gauss(3.9 + bias, 1.0))))
            elif q.allow_na:
                answers[q.key] = "na"
        elif q.type == "single" and rng.random() < 0.8:
            answers[q.key] = rng.choice(q.option_keys())
        elif q.type == "multi" and rng.random() < 0.7:
            answers[q.key] = rng.sample(q.option_keys(), rng.randint(1, min(3, q.max_picks or 3)))
        elif q.type == "text" and rng.random() < 0.3:
            answers[q.key] = rng.choice(COMMENTS)
    return answers


def build_dataset(seed: int = 20240101) -> Dataset:
    """Create the office and its responses: the previous year (v1), this year (v1 then v2), and the edges."""
    rng = random.Random(seed)
    office = create_office(
        "lodz-srodmiescie", OFFICE_NAME, origins=["https://uml.lodz.pl"], departments=DEPARTMENTS
    )
    office.address = "ul. Piotrkowska 104, 90-926 Łódź"
    v1 = office.surveys[0].versions[0]
    v1.questions.clear()
    db.session.flush()  # the short default's questions go before the long survey's come in
    v1.questions.extend(
        Question(position=position, **fields) for position, fields in enumerate(legacy_questions())
    )
    v1.published_at = local(2022, 12, 1)
    db.session.flush()
    v2 = make_version_2(v1)
    data = Dataset(office, v1, v2)
    channels = ["widget", "widget", "widget", "page", "qr", "paper"]

    def add(version, when, department, bias=0.0, **extra):
        answers = random_answers(rng, version, department, bias)
        answers.update(extra.pop("answers", {}))
        data.responses.append(
            add_response(
                office,
                version,
                when,
                answers,
                channel=rng.choice(channels),
                lang=rng.choice(["pl", "pl", "en", "uk"]),
                **extra,
            )
        )

    # The previous period, 2023: version 1 only, a little worse.
    for i in range(40):
        add(
            v1,
            local(2023, 1 + i % 12, 1 + i % 27, 9 + i % 8),
            rng.choice(["komunikacja", "usc", "architektura"]),
            bias=-0.4,
        )
    # This period, 2024: January-March on version 1, April-December on version 2.
    for department, size in PERIOD_SIZES.items():
        for i in range(size):
            month = 1 + (i * 7 + len(department)) % 12
            when = local(2024, month, 1 + (i * 5) % 28, 8 + i % 9, (i * 13) % 60)
            add(
                v1 if month <= 3 else v2, when, department, bias=0.3 if department == "usc" else 0.0
            )
    # Edges of the period, in Polish time: just inside at both ends, just outside after the end.
    add(
        v1, local(2024, 1, 1, 0, 30), "komunikacja", answers={"overall": 1}
    )  # 2023-12-31 23:30 UTC: inside
    add(v2, local(2024, 12, 31, 23, 50), "usc", answers={"overall": 5})  # inside
    add(
        v2, local(2025, 1, 1, 0, 30), "usc", answers={"overall": 1}
    )  # 2024-12-31 23:30 UTC: outside
    # Comments hidden by staff: one with personal data in "komunikacja", one in "podatki".
    add(
        v2,
        local(2024, 6, 3, 10),
        "komunikacja",
        answers={"comment": PRIVATE_COMMENT},
        hidden=frozenset({"comment"}),
    )
    add(
        v1,
        local(2024, 2, 3, 10),
        "usc",
        answers={"comment": PRIVATE_COMMENT + " (2)"},
        hidden=frozenset({"comment"}),
    )
    db.session.commit()
    return data


def rows_in(data: Dataset, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Return the responses submitted in [start, end) (naive UTC)."""
    return [r for r in data.responses if start <= r["submitted_at"] < end]


def utc_bounds(
    first_day: tuple[int, int, int], last_day: tuple[int, int, int]
) -> tuple[datetime, datetime]:
    """Return the UTC bounds of whole local days, computed independently of reports.periods."""
    start = datetime(*first_day, tzinfo=WARSAW).astimezone(UTC).replace(tzinfo=None)
    end = (
        (datetime(*last_day, tzinfo=WARSAW) + timedelta(days=1))
        .astimezone(UTC)
        .replace(tzinfo=None)
    )
    return start, end


def archive_year(office: Any, reason: str = "periodic") -> Any:
    """Archive the data set's year (2024) for the office, with no author; the caller commits."""
    from reports import archive_report

    return archive_report(
        db.session,
        office,
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        reason=reason,
        author=None,
    )
