"""`flask notify run` against a real SMTP server on loopback (aiosmtpd): the messages read back.

Digest, alerts (a dataset with a drop, one without, one with n < 10, a run of low ratings),
reminders (30 and 7 days before, overdue), unsubscribe, a double run, SMTP down and the panel.
The clock is frozen the way the start page's tests freeze it (``monkeypatch`` on ``utcnow``).
"""

from __future__ import annotations

import email
import email.policy
import logging
import re
import socket
import threading
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from collector.extensions import db
from collector.mail import MailSettings
from collector.models import (
    CommentTheme,
    Notification,
    Report,
    User,
    answer_theme,
)
from tests.admin.panel import login
from tests.admin.test_home import add_response as store_response
from tests.factories import create_office, create_user

from .dataset import local

NOW = datetime(2026, 6, 15, 10, 0)  # UTC: 15 June 2026, 12:00 in Poland
VISIBLE_COMMENT = "Kolejka była bardzo długa, zażółć gęślą jaźń."
HIDDEN_COMMENT = "Nazywam się Jan Tajny, PESEL 44051401359."


class Inbox:
    """What the SMTP server received, parsed."""

    def __init__(self) -> None:
        self.raw: list[bytes] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        with self.lock:
            self.raw.append(envelope.original_content or envelope.content)
        return "250 OK"

    def messages(self) -> list[email.message.EmailMessage]:
        with self.lock:
            return [email.message_from_bytes(r, policy=email.policy.default) for r in self.raw]

    def clear(self) -> None:
        with self.lock:
            self.raw.clear()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def app_config(smtp_server) -> dict:
    controller, _ = smtp_server
    return {"MAIL_URL": f"smtp://127.0.0.1:{controller.port}?from=ankieta@collector.test"}


@pytest.fixture
def inbox(smtp_server) -> Inbox:
    smtp_server[1].clear()
    return smtp_server[1]


@pytest.fixture
def frozen(monkeypatch):
    """Make the run believe it is NOW; ``frozen.set(moment)`` moves the clock."""
    import reports.cli

    class Clock:
        now = NOW

        def set(self, moment: datetime) -> None:
            self.now = moment

    clock = Clock()
    monkeypatch.setattr(reports.cli, "utcnow", lambda: clock.now)
    return clock


def run(app):
    """Run `flask notify run` and return the result (exit code, output)."""
    return app.test_cli_runner().invoke(args=["notify", "run"])


def add_response(
    office, at, *, department=None, overall=None, ratings=None, comment=None, hidden=False
):
    """Store one response at ``at`` (naive UTC); return its comment's answer row, if any."""
    response = store_response(
        office,
        at,
        department=department,
        overall=overall,
        ratings=ratings,
        comment=comment,
        hidden=hidden,
    )
    return next((a for a in response.answers if a.question_key == "comment"), None)


def make_office(created=datetime(2025, 1, 10), **fields):
    office = create_office(**fields)
    office.created_at = created
    db.session.commit()
    return office


def by_subject(messages, pattern: str):
    return [m for m in messages if re.search(pattern, m["Subject"])]


def body(message) -> str:
    return message.get_content().replace("\r\n", "\n")


def links(message) -> list[str]:
    return re.findall(r"https?://\S+", body(message))


def path_of(url: str) -> str:
    return re.sub(r"^http://collector\.test", "", url)


# ---------------------------------------------------------------------------------------------
# The monthly digest


@pytest.fixture
def digest_office(app, frozen):
    """May 2026: six responses (five in Wydział Komunikacji), a visible and a hidden comment."""
    office = make_office()
    theme = db.session.scalar(
        sa.select(CommentTheme).where(
            CommentTheme.office_id == office.id, CommentTheme.name == "czas oczekiwania"
        )
    )
    for day in range(1, 6):
        add_response(
            office,
            local(2026, 5, day),
            department="komunikacja",
            overall=4,
            ratings={"service_politeness": 5, "service_waiting": 2},
        )
    visible = add_response(office, local(2026, 5, 20), overall=3, comment=VISIBLE_COMMENT)
    add_response(office, local(2026, 5, 21), comment=HIDDEN_COMMENT, hidden=True)
    add_response(office, local(2026, 4, 10), overall=5)  # April: the month before
    db.session.flush()
    db.session.execute(answer_theme.insert().values(answer_id=visible.id, theme_id=theme.id))
    db.session.commit()
    create_user("kierownik@demo.test", office=office, notify_alerts=False, notify_reminders=False)
    return office


def test_the_digest_arrives_in_polish_with_figures_and_links_and_no_comment_text(
    app, client, digest_office, inbox
):
    result = run(app)
    assert result.exit_code == 0, result.output + result.stderr
    [message] = inbox.messages()
    assert message["To"] == "kierownik@demo.test"
    assert message["Subject"] == "Podsumowanie wyników: maj 2026 — Urząd Miasta Demo"
    # The subject travels RFC 2047-encoded: the raw headers are ASCII, the decoded subject Polish.
    headers = re.split(rb"\r?\n\r?\n", inbox.raw[0], maxsplit=1)[0]
    assert headers.isascii()
    assert re.search(rb"^Subject: .*=\?utf-8\?[bq]\?", headers, re.M | re.I)
    text = body(message)
    assert (
        "podsumowanie ankiety satysfakcji klientów urzędu „Urząd Miasta Demo” za maj 2026" in text
    )
    assert "Odpowiedzi: 7 (miesiąc wcześniej: 1)" in text
    assert "Średnia wszystkich ocen szczegółowych: 3,50 / 5 (n = 10;" in text
    # The lowest item, answered five times (the small-cell rule lets it through).
    assert "- Czas oczekiwania na obsługę: średnia 2,00 (n = 5), wśród najniżej ocenionych" in text
    assert "Komentarze w tym miesiącu (bez ukrytych): 1" in text
    assert "- czas oczekiwania: 1" in text
    assert VISIBLE_COMMENT not in text and HIDDEN_COMMENT not in text
    assert "Tajny" not in text and "44051401359" not in text
    assert not message.is_multipart()  # nothing attached
    # Links: the panel, the account page, and the signed unsubscribe link, also in the header.
    found = links(message)
    assert "http://collector.test/admin/" in found
    assert "http://collector.test/admin/account/" in found
    unsubscribe = [u for u in found if "/powiadomienia/wypisz/" in u]
    assert len(unsubscribe) == 1
    assert message["List-Unsubscribe"] == f"<{unsubscribe[0]}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Each panel link opens its page for the user once logged in.
    login(client, "kierownik@demo.test")
    for url in found:
        if "/powiadomienia/" not in url:
            assert client.get(path_of(url)).status_code == 200, url


def test_a_second_run_sends_nothing_twice(app, digest_office, inbox):
    assert run(app).exit_code == 0
    assert run(app).exit_code == 0
    assert len(inbox.messages()) == 1
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 1


def test_the_digest_is_in_english_for_a_user_who_chose_english(app, digest_office, inbox):
    user = db.session.scalar(sa.select(User))
    user.notify_lang = "en"
    db.session.commit()
    assert run(app).exit_code == 0
    [message] = inbox.messages()
    assert message["Subject"] == "Results summary: May 2026 — Urząd Miasta Demo"
    assert "Responses: 7 (the month before: 1)" in body(message)


def test_a_message_left_sending_by_a_crash_is_never_sent_again(app, digest_office, inbox, frozen):
    """A run that died after the server took the message, before marking it sent."""
    user = db.session.scalar(sa.select(User))
    db.session.add(
        Notification(
            user_id=user.id,
            office_id=digest_office.id,
            kind="digest",
            subject=digest_office.slug,
            period="2026-05",
            status="sending",
            attempts=1,
            created_at=NOW - timedelta(hours=3),
            attempted_at=NOW - timedelta(hours=3),
        )
    )
    db.session.commit()
    result = run(app)
    assert result.exit_code == 0
    assert inbox.messages() == []
    assert "Przerwane w trakcie wysyłki" in result.output
    assert db.session.scalar(sa.select(Notification.status)) == "unknown"


def test_of_two_overlapping_runs_only_one_claims_a_message(app, digest_office, inbox, frozen):
    """The second run planned the digest too, but the first recorded it in between: no send."""
    from reports.notify import NotifyContext, ReportCache, claim, plan_office

    ctx = NotifyContext("http://collector.test", app.config["SECRET_KEY"], "a@collector.test", NOW)
    users = list(db.session.scalars(sa.select(User)))
    [planned] = plan_office(ctx, ReportCache(db.session), digest_office, users)
    assert run(app).exit_code == 0  # the other run, sending it
    assert claim(db.session, planned, NOW) is None
    assert len(inbox.messages()) == 1


# ---------------------------------------------------------------------------------------------
# Unsubscribe


def test_the_unsubscribe_link_works_without_login_and_stops_that_kind(
    app, digest_office, inbox, frozen
):
    assert run(app).exit_code == 0
    [message] = inbox.messages()
    url = path_of(next(u for u in links(message) if "/powiadomienia/wypisz/" in u))
    anonymous = app.test_client()
    page = anonymous.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Rezygnacja z powiadomień e-mail" in html
    assert "miesięczne podsumowanie wyników" in html
    assert "Set-Cookie" not in page.headers
    # Opening the link (as a mail scanner would) changes nothing; the button does.
    assert db.session.scalar(sa.select(User.notify_digest)) is True
    done = anonymous.post(url)
    assert done.status_code == 200
    assert "nie będą już wysyłane" in done.get_data(as_text=True)
    db.session.expire_all()
    user = db.session.scalar(sa.select(User))
    assert (user.notify_digest, user.notify_alerts, user.notify_reminders) == (False, False, False)
    # June's digest is not sent on 1 July.
    add_response(digest_office, local(2026, 6, 20), overall=4)
    db.session.commit()
    inbox.clear()
    frozen.set(datetime(2026, 7, 1, 6, 0))
    assert run(app).exit_code == 0
    assert inbox.messages() == []


def test_the_one_click_post_of_a_mail_program_unsubscribes(app, digest_office, inbox):
    assert run(app).exit_code == 0
    [message] = inbox.messages()
    url = path_of(message["List-Unsubscribe"].strip("<>"))
    response = app.test_client().post(url, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.scalar(sa.select(User.notify_digest)) is False


# ---------------------------------------------------------------------------------------------
# Alerts


def alert_office(overall_values, *, first_days_ago=20, department="komunikacja"):
    """An office with one overall rating a day, from ``first_days_ago`` days before NOW."""
    office = make_office()
    for i, value in enumerate(overall_values):
        add_response(
            office,
            NOW - timedelta(days=first_days_ago - i, hours=1),
            department=department,
            overall=value,
        )
    db.session.commit()
    create_user("kierownik@demo.test", office=office, notify_digest=False, notify_reminders=False)
    return office


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # Twelve ratings averaging 2.5 in Wydział Komunikacji, under the default 3.5: a drop.
        ([2, 3] * 6, {"department:komunikacja", "item:overall"}),
        # Twelve good ratings: no drop.
        ([4, 5] * 6, set()),
        # As low, but only eight ratings (n < 10): no alert.
        ([2, 3] * 4, set()),
    ],
    ids=["drop", "no-drop", "n-below-10"],
)
def test_an_alert_comes_for_a_drop_only(app, frozen, inbox, values, expected):
    alert_office(values)
    assert run(app).exit_code == 0
    rows = db.session.scalars(sa.select(Notification).where(Notification.kind == "alert")).all()
    assert {r.subject for r in rows} == expected
    messages = inbox.messages()
    assert len(messages) == len(expected)
    if expected:
        [department] = by_subject(messages, "Wydział Komunikacji")
        assert (
            department["Subject"] == "Alert: spadek ocen — Wydział Komunikacji — Urząd Miasta Demo"
        )
        text = body(department)
        assert "spadła poniżej progu 3,5" in text
        assert "- Wydział Komunikacji (wydział): średnia 2,50, n = 12" in text
        assert "/powiadomienia/wypisz/" in text


def test_the_office_threshold_decides(app, frozen, inbox):
    office = alert_office([4, 4, 3] * 4)  # mean 3.67
    assert run(app).exit_code == 0
    assert inbox.messages() == []
    office.alert_mean_below = 4.0
    db.session.commit()
    assert run(app).exit_code == 0
    rows = db.session.scalars(sa.select(Notification)).all()
    assert {r.subject for r in rows} == {"department:komunikacja", "item:overall"}
    assert "spadła poniżej progu 4,0" in body(inbox.messages()[0])


def test_a_run_of_low_overall_ratings_makes_an_alert(app, frozen, inbox):
    # The mean of the thirteen is 3.69 (no drop under 3.5), but the last five are 1 or 2.
    alert_office([5] * 8 + [2, 1, 2, 2, 1], first_days_ago=12, department=None)
    assert run(app).exit_code == 0
    [run_alert] = inbox.messages()
    assert run_alert["Subject"] == "Alert: seria niskich ocen — Urząd Miasta Demo"
    assert "ostatnie 5 ocen ogólnych z rzędu to 1 lub 2" in body(run_alert)


def test_at_most_one_alert_per_subject_per_week(app, frozen, inbox):
    alert_office([2, 3] * 6)
    assert run(app).exit_code == 0
    first = len(inbox.messages())
    assert first == 2
    frozen.set(NOW + timedelta(days=6))  # another ISO week, but within seven days
    assert run(app).exit_code == 0
    assert len(inbox.messages()) == first
    frozen.set(NOW + timedelta(days=7, hours=1))  # still low (ratings within 30 days): again
    assert run(app).exit_code == 0
    assert len(inbox.messages()) == first + 2


# ---------------------------------------------------------------------------------------------
# Reminders of the yearly report


@pytest.mark.parametrize(
    ("created", "subject"),
    [
        (datetime(2025, 7, 10), "Przypomnienie: raport roczny za 30 dni — Urząd Miasta Demo"),
        (datetime(2025, 6, 20), "Przypomnienie: raport roczny za 7 dni — Urząd Miasta Demo"),
        (datetime(2025, 6, 1), "Raport roczny jest zaległy — Urząd Miasta Demo"),
        (datetime(2025, 8, 1), None),  # due in 47 days: nothing yet
    ],
    ids=["30-days", "7-days", "overdue", "not-yet"],
)
def test_reminders_come_30_and_7_days_before_and_when_overdue(app, frozen, inbox, created, subject):
    office = make_office(created=created)
    create_user("kierownik@demo.test", office=office, notify_digest=False, notify_alerts=False)
    assert run(app).exit_code == 0
    messages = inbox.messages()
    assert [m["Subject"] for m in messages] == ([subject] if subject else [])
    if subject:
        text = body(messages[0])
        assert "http://collector.test/admin/reports/#generate" in text
        assert "Urząd nie ma jeszcze raportu okresowego." in text
        assert run(app).exit_code == 0
        assert len(inbox.messages()) == 1


def test_the_seven_day_reminder_follows_the_thirty_day_one_and_links_the_last_report(
    app, frozen, inbox
):
    office = make_office(created=datetime(2024, 3, 1))
    report = Report(
        office_id=office.id,
        period_start=datetime(2024, 7, 1).date(),
        period_end=datetime(2025, 6, 30).date(),
        reason="periodic",
        pdf=b"%PDF-1.4",
        sha256="0" * 64,
        created_at=datetime(2025, 7, 10, 8, 0),
    )
    db.session.add(report)
    db.session.commit()
    create_user("kierownik@demo.test", office=office, notify_digest=False, notify_alerts=False)
    assert run(app).exit_code == 0  # due 10 July 2026: 25 days ahead
    frozen.set(datetime(2026, 7, 4, 6, 0))  # 6 days ahead
    assert run(app).exit_code == 0
    frozen.set(datetime(2026, 7, 5, 6, 0))
    assert run(app).exit_code == 0
    subjects = [m["Subject"] for m in inbox.messages()]
    assert subjects == [
        "Przypomnienie: raport roczny za 30 dni — Urząd Miasta Demo",
        "Przypomnienie: raport roczny za 7 dni — Urząd Miasta Demo",
    ]
    text = body(inbox.messages()[1])
    assert f"http://collector.test/admin/reports/archive/{report.id}.pdf" in text
    assert "Ostatni raport okresowy: 10.07.2025" in text


# ---------------------------------------------------------------------------------------------
# SMTP down


def test_smtp_down_fails_cleanly_is_shown_in_the_panel_and_retried_next_run(
    app, client, digest_office, inbox, caplog
):
    working = app.config["MAIL"]
    app.config["MAIL"] = MailSettings(
        host="127.0.0.1",
        port=free_port(),
        security="none",
        sender="ankieta@collector.test",
        timeout=5,
    )
    create_user(
        "szef@demo.test",
        office=digest_office,
        notify_digest=False,
        notify_alerts=False,
        notify_reminders=False,
    )
    with caplog.at_level(logging.ERROR, logger="reports.notify"):
        result = run(app)
    assert result.exit_code == 1
    assert any(
        "not sent (serwer SMTP odmówił połączenia); they are retried on the next run"
        in r.getMessage()
        for r in caplog.records
    )
    assert (
        "Nie wysłano: 1 (serwer SMTP odmówił połączenia). Ponowimy przy następnym uruchomieniu."
        in result.stderr
    )
    assert inbox.messages() == []
    # The office's admin sees it on the start page and on the account page.
    login(client, "szef@demo.test")
    for url in ("/admin/", "/admin/account/"):
        html = client.get(url).get_data(as_text=True)
        assert 'id="mail-failed"' in html, url
        assert "Ostatnia wysyłka e-maili nie powiodła się: serwer SMTP odmówił połączenia" in html
        assert "Ponowimy przy następnym uruchomieniu." in html
    # The next run, with the server back, sends that message once.
    app.config["MAIL"] = working
    assert run(app).exit_code == 0
    [message] = inbox.messages()
    assert message["Subject"] == "Podsumowanie wyników: maj 2026 — Urząd Miasta Demo"
    assert db.session.scalar(sa.select(Notification.attempts)) == 2
    assert 'id="mail-failed"' not in client.get("/admin/").get_data(as_text=True)
    assert run(app).exit_code == 0
    assert len(inbox.messages()) == 1


def test_a_reviewer_does_not_see_the_failure(app, client, digest_office, inbox):
    app.config["MAIL"] = MailSettings(
        host="127.0.0.1",
        port=free_port(),
        security="none",
        sender="ankieta@collector.test",
        timeout=5,
    )
    assert run(app).exit_code == 1
    create_user("recenzent@demo.test", role="reviewer", office=digest_office)
    login(client, "recenzent@demo.test")
    assert 'id="mail-failed"' not in client.get("/admin/").get_data(as_text=True)


def test_without_mail_url_the_run_sends_nothing_and_says_so(app, digest_office, inbox):
    app.config["MAIL"] = None
    result = run(app)
    assert result.exit_code == 0
    assert "Poczta jest wyłączona (brak MAIL_URL)" in result.output
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 0


def down(app) -> None:
    app.config["MAIL"] = MailSettings(
        host="127.0.0.1",
        port=free_port(),
        security="none",
        sender="ankieta@collector.test",
        timeout=5,
    )


def test_a_failed_message_is_not_retried_once_its_kind_is_switched_off(app, digest_office, inbox):
    working = app.config["MAIL"]
    down(app)
    assert run(app).exit_code == 1
    db.session.execute(sa.update(User).values(notify_digest=False))
    db.session.commit()
    app.config["MAIL"] = working
    assert run(app).exit_code == 0
    assert inbox.messages() == []
    assert db.session.scalar(sa.select(Notification.status)) == "cancelled"


def test_a_message_failing_for_a_week_is_given_up_and_says_so(app, digest_office, inbox, frozen):
    working = app.config["MAIL"]
    down(app)
    assert run(app).exit_code == 1
    app.config["MAIL"] = working
    frozen.set(NOW + timedelta(days=8))
    result = run(app)
    assert result.exit_code == 0
    assert "Porzucone po 7 dniach nieudanych prób: 1." in result.output
    assert inbox.messages() == []
    assert db.session.scalar(sa.select(Notification.status)) == "cancelled"
