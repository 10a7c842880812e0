"""The clerk's day in Chromium, with CSRF on, at 1280 px and at 390 px.

One office with thirteen months of responses in three departments, many with comments. The clerk
logs in through the form, reads the start page's figures (each compared with a count in the
database), gives comments a theme, hides an offensive one through its confirmation page, links two
comments to a new corrective action, changes a question and publishes through the confirmation
that shows the pre-change report, generates the yearly report and reads its PDF: the action and
the theme counts are there, the hidden comment is not.

Every page is saved as test-artifacts/screenshots/clerks-day-<step>-<width>.png and must not
scroll sideways. Waits are for what the clerk would see, never for a time.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from collector.extensions import db
from collector.models import (
    Answer,
    CommentTheme,
    CorrectiveAction,
    Response,
    SurveyVersion,
    answer_theme,
)
from reports.periods import local_today
from reports.texts import ACTION_STATUSES, fmt_period
from tests.admin.flowtools import pdf_text
from tests.admin.test_flows_browser import (  # noqa: F401  (fixtures)
    app_config,
    browser,
    server,
)
from tests.admin.test_home import add_response
from tests.factories import DEFAULT_PASSWORD, create_office, create_user, published_version

pytestmark = pytest.mark.browser

WARSAW = ZoneInfo("Europe/Warsaw")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DEPARTMENTS = ("komunikacja", "usc", "podatki")
GRID = ("service_politeness", "service_competence", "service_clarity", "service_waiting")

# The comments the clerk works on: the newest, so they open the inbox.
WAITING_1 = "Czekałem ponad godzinę na rejestrację samochodu, działało tylko jedno okienko."
WAITING_2 = "Kolejka w wydziale komunikacji była bardzo długa, brakowało numerków."
WEBSITE = "Na stronie internetowej nie ma aktualnych godzin pracy kasy."
OFFENSIVE = "Urzędnicy to banda nierobów i leni, szkoda gadać."
ACTION_TITLE = "Drugie okienko rejestracji"
FILLER = (
    "Pani w okienku bardzo miła i pomocna.",
    "Sprawa załatwiona szybko i sprawnie.",
    "Za mało miejsc parkingowych przy urzędzie.",
    "Formularze są niejasne, trzeba było pytać kilka razy.",
    "Dziękuję za pomoc przy wypełnieniu wniosku.",
    "W poczekalni było bardzo gorąco.",
    "Brak informacji, do którego pokoju iść.",
    "Wszystko w porządku, polecam.",
)


def to_utc(day: date, hour: int, minute: int = 0) -> datetime:
    """Return a Polish local time as the naive UTC the database stores."""
    local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=WARSAW)
    return local.astimezone(UTC).replace(tzinfo=None)


def utc_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Return the UTC bounds of local days ``start`` to ``end`` (inclusive), for counting."""
    return to_utc(start, 0), to_utc(end + timedelta(days=1), 0)


def month_start(today: date, back: int) -> date:
    index = today.year * 12 + today.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def read(query):
    """Run a count in the test's own session and end its transaction (the server writes meanwhile)."""
    value = db.session.scalar(query)
    db.session.commit()
    return value


@pytest.fixture
def clerks_office(app):
    """An office whose survey has run for 14 months: responses over the last 13, comments, themes."""
    office = create_office()
    today = local_today()
    version = published_version(office)
    version.published_at = to_utc(month_start(today, 14), 9)
    office.created_at = version.published_at
    rng = random.Random(13)
    for back in range(12, -1, -1):
        first = month_start(today, back)
        last_day = today.day if back == 0 else 28
        for i in range(rng.randint(7, 11)):
            day = first.replace(day=1 + (i * 3) % last_day)
            waiting = 2 if back < 4 else 4
            add_response(
                office,
                to_utc(day, 8 + i % 7, 5 * i % 60),
                department=DEPARTMENTS[i % 3],
                overall=rng.choice((2, 3, 4, 4, 5, 5)),
                ratings={
                    "service_politeness": rng.choice((4, 5)),
                    "service_competence": rng.choice((3, 4, 5)),
                    "service_clarity": rng.choice((2, 3, 4)),
                    "service_waiting": rng.choice((waiting, waiting + 1)),
                },
                comment=FILLER[(back + i) % len(FILLER)] if i % 2 == 0 else None,
                channel=("widget", "qr", "page", "kiosk")[i % 4],
            )
    # The clerk's comments: today, the newest first in the inbox.
    for minute, (department, overall, comment) in enumerate(
        (
            ("komunikacja", 2, WAITING_1),
            ("komunikacja", 2, WAITING_2),
            ("podatki", 3, WEBSITE),
            ("usc", 1, OFFENSIVE),
        )
    ):
        add_response(
            office,
            to_utc(today, 7, 10 + minute),
            department=department,
            overall=overall,
            ratings={key: 3 for key in GRID},
            comment=comment,
        )
    db.session.commit()
    create_user("sekretarz@demo.test", office=office)
    return office


class Clerk:
    """The browser page with the checks the clerk's eyes make on every page."""

    def __init__(self, page, base: str, width: int) -> None:
        self.page, self.base, self.width = page, base, width

    def goto(self, path: str) -> None:
        response = self.page.goto(f"{self.base}{path}")
        assert response.status == 200, (path, response.status)

    def look(self, step: str) -> None:
        """Check that the page does not scroll sideways; save its screenshot."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(
            path=str(SCREENSHOTS / f"clerks-day-{step}-{self.width}.png"), full_page=True
        )
        scroll = self.page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= self.width, (step, scroll, self.wide_elements())

    def wide_elements(self) -> list[str]:
        """Name the elements that reach past the window's right edge (for a failure message)."""
        return self.page.evaluate(
            """w => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > w + 1)
                .filter(e => {
                    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
                        if (getComputedStyle(p).overflowX !== 'visible') return false;
                    }
                    return true;
                })
                .slice(0, 8)
                .map(e => `${e.tagName}#${e.id}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)""",
            self.width,
        )

    def flash(self, text: str) -> None:
        self.page.locator(".alert").filter(has_text=text).first.wait_for()

    def row(self, comment: str):
        return self.page.locator("tr").filter(has_text=comment)

    def tick(self, *comments: str) -> None:
        for comment in comments:
            self.row(comment).locator("input[name=rowid]").check()

    def unread_in_inbox(self) -> int:
        text = self.page.get_by_text(re.compile(r"^Nieprzeczytane: \d+\.")).inner_text()
        return int(re.search(r"\d+", text).group(0))


def number(text: str) -> float:
    """Read a figure as printed in Polish ("1 234", "4,25")."""
    return float(re.sub(r"\s", "", text).replace(",", "."))


@pytest.mark.parametrize("width", (1280, 390))
def test_the_clerks_day(clerks_office, server, browser, tmp_path, width):  # noqa: F811
    office = clerks_office
    today = local_today()
    first_version = published_version(office).id
    db.session.commit()
    context = browser.new_context(
        locale="pl-PL", viewport={"width": width, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    clerk = Clerk(page, server, width)
    try:
        # -- log in through the form -------------------------------------------------------
        clerk.goto("/admin/login")
        page.get_by_label("Adres e-mail").fill("sekretarz@demo.test")
        page.get_by_label("Hasło").fill(DEFAULT_PASSWORD)
        clerk.look("login")
        page.get_by_role("button", name="Zaloguj się").click()
        page.wait_for_url(f"{server}/admin/")

        # -- the start page's figures against the database ---------------------------------
        page.locator("#responses-figures").wait_for()
        clerk.look("home")

        def responses_between(start: date, end: date) -> int:
            low, high = utc_bounds(start, end)
            return read(
                sa.select(sa.func.count(Response.id)).where(
                    Response.office_id == office.id,
                    Response.submitted_at >= low,
                    Response.submitted_at < high,
                )
            )

        def unread() -> int:
            return read(
                sa.select(sa.func.count(Answer.id)).where(
                    Answer.office_id == office.id,
                    Answer.text.is_not(None),
                    Answer.status == "new",
                    Answer.hidden.is_(False),
                )
            )

        month = page.locator("tr[data-figure=month] td.home-figure").inner_text()
        year = page.locator("tr[data-figure=year] td.home-figure").inner_text()
        assert number(month) == responses_between(today.replace(day=1), today) > 0
        assert number(year) == responses_between(date(today.year, 1, 1), today) > 0
        assert number(page.locator("#comments-count").inner_text()) == unread() > 4
        low, high = utc_bounds(month_start(today, 11), today)
        index = read(
            sa.select(sa.func.avg(Answer.value)).where(
                Answer.office_id == office.id,
                Answer.question_key.in_(GRID + ("service_deadline",)),
                Answer.value.is_not(None),
                Answer.submitted_at >= low,
                Answer.submitted_at < high,
            )
        )
        shown_index = number(page.locator("#index-value").inner_text())
        assert abs(shown_index - float(index)) <= 0.005, (shown_index, index)

        # -- the inbox: themes --------------------------------------------------------------
        page.locator("#comments-link").click()
        page.locator("#inbox_form").wait_for()
        clerk.look("inbox")
        before = clerk.unread_in_inbox()
        assert before == unread()
        clerk.tick(WAITING_1, WAITING_2)
        page.locator("#inbox-theme").select_option(label="czas oczekiwania")
        page.get_by_role("button", name="Nadaj temat").click()
        clerk.flash("Nadano temat „czas oczekiwania” komentarzom: 2.")
        clerk.tick(WEBSITE)
        page.locator("#inbox-theme").select_option(label="strona internetowa")
        page.get_by_role("button", name="Nadaj temat").click()
        clerk.flash("Nadano temat „strona internetowa” komentarzom: 1.")
        assert "czas oczekiwania" in clerk.row(WAITING_1).inner_text()
        assert "strona internetowa" in clerk.row(WEBSITE).inner_text()

        # -- hide the offensive comment, through the confirmation --------------------------
        clerk.tick(OFFENSIVE)
        page.locator("#inbox-reason").select_option(label="obraźliwy")
        page.get_by_role("button", name="Ukryj w raportach").click()
        page.get_by_role("heading", name="Ukryć komentarze w raportach?").wait_for()
        body = page.locator("main, body").first.inner_text()
        assert "Komentarze do ukrycia: 1. Powód: obraźliwy." in body
        assert OFFENSIVE in body and "nigdy nie są usuwane" in body
        assert "znów pokazać w raportach" in body
        clerk.look("confirm-hide")
        page.get_by_role("button", name="Tak, ukryj w raportach (1)").click()
        clerk.flash("Ukryto w raportach (komentarze pozostają zapisane): 1.")
        assert "ukryty: obraźliwy" in clerk.row(OFFENSIVE).inner_text()  # still there, kept
        assert clerk.unread_in_inbox() == before - 1 == unread()
        clerk.look("inbox-after-hide")

        # -- two comments become the evidence of a new corrective action --------------------
        clerk.tick(WAITING_1, WAITING_2)
        page.get_by_label("Nazwa działania naprawczego").fill(ACTION_TITLE)
        page.get_by_role("button", name="Utwórz działanie naprawcze").click()
        clerk.flash(f"Utworzono działanie naprawcze „{ACTION_TITLE}” z komentarzami: 2.")
        page.get_by_role("heading", name="Co skłoniło do działania: komentarze (2)").wait_for()
        evidence = page.locator("#evidence").inner_text()
        assert WAITING_1 in evidence and WAITING_2 in evidence
        assert "czas oczekiwania" in evidence
        clerk.look("action")
        clerk.goto("/admin/corrective_action/")
        assert ACTION_TITLE in page.locator("table.model-list").inner_text()
        clerk.look("actions")

        # -- change the survey and publish it through the confirmation ----------------------
        clerk.goto("/admin/survey/")
        page.get_by_role("button", name="Edytuj").click()
        page.get_by_text("Utworzono wersję roboczą 2").wait_for()
        page.get_by_role("link", name=re.compile(r"^Zmień pytanie \d+: Czy sprawa")).click()
        page.get_by_label("Treść pytania po polsku").fill("Czy sprawę załatwiono do końca?")
        page.get_by_role("button", name="Zapisz", exact=True).click()
        page.get_by_text("Zapisano pytanie „resolved”").wait_for()
        clerk.look("draft")
        page.get_by_role("button", name="Opublikuj wersję 2").click()
        page.get_by_role("heading", name="Opublikować wersję 2 ankiety?").wait_for()
        published_at = read(
            sa.select(SurveyVersion.published_at).where(SurveyVersion.id == first_version)
        )
        start = published_at.replace(tzinfo=UTC).astimezone(WARSAW).date()
        facts = page.locator("#confirm-preview")
        assert facts.locator('[data-fact="2"]').inner_text() == fmt_period(start, today, "pl")
        low, high = utc_bounds(start, today)
        version_responses = read(
            sa.select(sa.func.count(Response.id)).where(
                Response.office_id == office.id,
                Response.version_id == first_version,
                Response.submitted_at >= low,
                Response.submitted_at < high,
            )
        )
        assert number(facts.locator('[data-fact="3"]').inner_text()) == version_responses > 90
        clerk.look("confirm-publish")
        page.get_by_role("button", name="Tak, opublikuj wersję 2").click()
        page.get_by_text("Opublikowano wersję 2").wait_for()
        clerk.look("published")

        # -- the yearly report: generated in the panel, read as a PDF ------------------------
        clerk.goto("/admin/reports/")
        page.get_by_role("heading", name=re.compile("Wygeneruj")).first.wait_for()
        clerk.look("dashboard")
        page.get_by_role("button", name="Wygeneruj i zarchiwizuj").click()
        # The build's page answers at once and refreshes itself until the report is archived.
        page.get_by_role("heading", name="Generowanie raportu").wait_for()
        page.get_by_text("Raport został wygenerowany i zarchiwizowany.").wait_for(timeout=60_000)
        clerk.look("build-done")
        page.get_by_role("link", name="Przejdź do archiwum raportów").click()
        page.locator("#archive").wait_for()
        clerk.look("archive")
        periodic = page.locator("#archive tbody tr").filter(has_text="raport okresowy")
        with page.expect_download() as download:
            periodic.get_by_role("link", name="Pobierz PDF").click()
        path = tmp_path / "raport.pdf"
        download.value.save_as(path)
        body = path.read_bytes()
        assert body.startswith(b"%PDF")
        text = pdf_text(body)

        action = db.session.scalar(sa.select(CorrectiveAction))
        status = ACTION_STATUSES[action.status]["pl"]
        db.session.commit()
        assert ACTION_TITLE in text
        assert re.search(rf"{ACTION_TITLE}\s+{status}", text), status
        low, high = utc_bounds(month_start(today, 11), today)
        themes = db.session.execute(
            sa.select(CommentTheme.name, sa.func.count(Answer.id))
            .join(answer_theme, answer_theme.c.theme_id == CommentTheme.id)
            .join(Answer, Answer.id == answer_theme.c.answer_id)
            .where(
                Answer.office_id == office.id,
                Answer.hidden.is_(False),
                Answer.submitted_at >= low,
                Answer.submitted_at < high,
            )
            .group_by(CommentTheme.name)
        ).all()
        db.session.commit()
        assert sorted(themes) == [("czas oczekiwania", 2), ("strona internetowa", 1)]
        for name, count in themes:
            assert re.search(rf"{name} {count}\b", text), (name, count)
        assert WAITING_1[:40] in text  # comments are printed ...
        assert OFFENSIVE[:20] not in text and "nierobów" not in text  # ... but not the hidden one

        # -- back home: the unread count is the database's ---------------------------------
        clerk.goto("/admin/")
        assert number(page.locator("#comments-count").inner_text()) == unread()
    finally:
        context.close()
