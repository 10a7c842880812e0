"""The start page: its figures read against a data set of known counts, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime

import pytest

from collector.extensions import db
from collector.models import Answer, RefusedOrigin, Response, User
from tests.admin.panel import form_login, login, text
from tests.factories import create_office, create_user, published_version

from ..reports.dataset import local

TODAY = date(2026, 6, 15)
NOW = datetime(2026, 6, 15, 10, 0)  # UTC


@pytest.fixture
def frozen(monkeypatch):
    """Make the start page believe it is 15 June 2026, 12:00 in Poland."""
    import admin.home
    import collector.operations.origins

    monkeypatch.setattr(admin.home, "local_today", lambda: TODAY)
    monkeypatch.setattr(collector.operations.origins, "utcnow", lambda: NOW)


def add_response(
    office,
    at,
    *,
    channel="widget",
    department=None,
    overall=None,
    comment=None,
    hidden=False,
    ratings=None,
):
    """Store one response at ``at`` (naive UTC) the way the collector stores it."""
    version = published_version(office)
    response = Response(
        id=uuid.uuid4(),
        office_id=office.id,
        version_id=version.id,
        submitted_at=at,
        channel=channel,
        department_key=department,
        content_hash="x" * 64,
    )
    db.session.add(response)
    common = dict(
        response=response,
        office_id=office.id,
        version_id=version.id,
        submitted_at=at,
        department_key=department,
    )
    if department:
        db.session.add(Answer(question_key="department", option_key=department, **common))
    if overall is not None:
        db.session.add(Answer(question_key="overall", value=overall, **common))
    for key, value in (ratings or {}).items():
        db.session.add(Answer(question_key=key, value=value, **common))
    if comment is not None:
        db.session.add(Answer(question_key="comment", text=comment, hidden=hidden, **common))
    return response


# (local time, channel, comment, hidden): the data set whose counts the page must show.
ROWS = [
    (local(2026, 6, 1, 0, 30), "widget", None, False),  # this month, first half hour
    (local(2026, 6, 10), "widget", "Za długa kolejka.", False),  # comment within 30 days
    (local(2026, 6, 15, 10), "widget", "ukryty", True),  # hidden comment: not counted
    (local(2026, 2, 3), "paper", None, False),  # earlier this year
    (local(2026, 5, 20), "qr", "Brak ławek.", False),  # comment 26 days ago
    (local(2026, 5, 10), "widget", "Stary komentarz.", False),  # comment 36 days ago: not counted
    (local(2025, 6, 2), "widget", None, False),  # same month last year
    (local(2025, 6, 2, 15), "widget", None, False),
    (local(2025, 6, 15, 23, 30), "widget", None, False),  # last day of last year's period
    (local(2025, 6, 16, 0, 30), "widget", None, False),  # after it: in neither period
    (local(2025, 1, 1, 0, 30), "widget", None, False),  # first half hour of last year
    (local(2024, 12, 31, 23, 30), "widget", None, False),  # the year before: in neither
]


def expected_counts() -> dict[str, int]:
    """Count the data set's rows in Python, per the page's four periods (Polish dates)."""
    from reports.periods import to_local

    days = [to_local(at).date() for at, *_ in ROWS]
    return {
        "month": sum(date(2026, 6, 1) <= d <= TODAY for d in days),
        "year": sum(date(2026, 1, 1) <= d <= TODAY for d in days),
        "month_last_year": sum(date(2025, 6, 1) <= d <= date(2025, 6, 15) for d in days),
        "year_last_year": sum(date(2025, 1, 1) <= d <= date(2025, 6, 15) for d in days),
    }


def figure(html: str, name: str) -> tuple[int, int]:
    row = re.search(rf'<tr data-figure="{name}">(.*?)</tr>', html, re.S).group(1)
    now, last_year = re.findall(r'data-value="(\d+)"', row)
    return int(now), int(last_year)


@pytest.fixture
def office_with_data(app, frozen):
    office = create_office()
    office.created_at = datetime(2025, 1, 10)
    for at, channel, comment, hidden in ROWS:
        add_response(office, at, channel=channel, comment=comment, hidden=hidden, overall=4)
    for day, origin, count in (
        (date(2026, 6, 14), "https://kopia.example.pl", 3),
        (date(2026, 6, 9), "https://kopia.example.pl", 2),  # the seventh day back: counted
        (date(2026, 6, 8), "https://stara.example.pl", 5),  # the eighth: not
        (date(2026, 6, 12), "http://localhost:8080", 1),
    ):
        db.session.add(RefusedOrigin(office_id=office.id, day=day, origin=origin, count=count))
    db.session.commit()
    create_user("admin@demo.test", office=office)
    return office


def test_the_start_page_shows_the_counts_of_the_data_set(client, office_with_data):
    login(client, "admin@demo.test")
    html = text(client.get("/admin/"))
    expected = expected_counts()
    assert expected == {"month": 3, "year": 6, "month_last_year": 3, "year_last_year": 4}
    assert figure(html, "month") == (expected["month"], expected["month_last_year"])
    assert figure(html, "year") == (expected["year"], expected["year_last_year"])
    # Comments unread in the inbox, hidden ones left out: 10 June, 20 May and 10 May.
    assert re.search(r'id="comments-count">3<', html)
    # Refused origins of the last seven days, most first; the eighth day back is gone.
    table = re.search(r'id="refused-origins">(.*?)</table>', html, re.S).group(1)
    assert re.findall(r"<code>(.*?)</code></td><td[^>]*>(\d+)<", table) == [
        ("https://kopia.example.pl", "5"),
        ("http://localhost:8080", "1"),
    ]
    # The last response per channel, in Polish time.
    assert re.search(r'data-channel="widget">.*?15\.06\.2026 10:00', html, re.S)
    assert re.search(r'data-channel="qr">.*?20\.05\.2026 12:00', html, re.S)
    assert re.search(r'data-channel="paper">.*?03\.02\.2026 12:00', html, re.S)
    assert re.search(r'data-channel="kiosk">.*?jeszcze żadnej', html, re.S)
    # Set up on 10 January 2025 with no periodic report: overdue since 10 January 2026.
    assert 'id="report-overdue"' in html and "10.01.2026" in html


def test_a_comment_read_in_the_inbox_no_longer_waits(client, office_with_data):
    from collector.models import Answer

    read = db.session.scalar(db.select(Answer).where(Answer.text == "Brak ławek."))
    read.status = "read"
    db.session.commit()
    login(client, "admin@demo.test")
    assert re.search(r'id="comments-count">2<', text(client.get("/admin/")))


def test_each_figure_links_to_where_the_clerk_acts(client, office_with_data):
    login(client, "admin@demo.test")
    html = text(client.get("/admin/"))
    month_link = re.search(r'<tr data-figure="month">.*?href="([^"]+)"', html, re.S).group(1)
    listing = text(client.get(month_link.replace("&amp;", "&")))
    assert listing.count("/admin/response/details/?id=") == expected_counts()["month"]
    comments_link = re.search(
        r'id="comments-link" href="([^"]+)"|href="([^"]+)" id="comments-link"', html
    )
    url = next(g for g in comments_link.groups() if g).replace("&amp;", "&")
    inbox = text(client.get(url))
    # The comment inbox, with the unread comments the figure counted (hidden ones are there too:
    # the inbox is where one hides or shows them).
    assert url.startswith("/admin/comment/")
    for comment in ("Za długa kolejka.", "Brak ławek.", "Stary komentarz.", "ukryty"):
        assert comment in inbox, comment
    assert "/admin/office/edit/?id=" in html  # refused origins -> the office's allowed origins
    assert "/admin/reports/" in html


def test_the_last_login_shown_is_the_previous_one(client, app, frozen):
    office = create_office()
    before = datetime(2026, 5, 4, 7, 30)
    create_user("admin@demo.test", office=office, last_login_at=before)
    assert form_login(client, "admin@demo.test").status_code == 302
    user = db.session.scalar(db.select(User))
    assert user.previous_login_at == before and user.last_login_at > before
    html = text(client.get("/admin/"))
    assert "Ostatnie logowanie: 2026-05-04 09:30." in html


def test_the_first_login_shows_no_last_login(client, app, frozen):
    office = create_office()
    create_user("admin@demo.test", office=office)
    form_login(client, "admin@demo.test")
    assert "Ostatnie logowanie" not in text(client.get("/admin/"))


def test_attention_names_the_lowest_items_but_never_a_cell_under_five(client, app, frozen):
    office = create_office()
    create_user("admin@demo.test", office=office)
    at = local(2026, 6, 2)
    for _ in range(6):  # waiting: mean 2 from six answers; politeness: mean 1 from four (hidden)
        add_response(
            office,
            at,
            department="komunikacja",
            overall=4,
            ratings={"service_waiting": 2, "service_competence": 4},
        )
    for _ in range(4):
        add_response(office, at, department="usc", overall=1, ratings={"service_politeness": 1})
    db.session.commit()
    login(client, "admin@demo.test")
    html = text(client.get("/admin/"))
    listed = re.findall(r'<li class="mb-2" data-key="([^"]+)" data-kind="([^"]+)"', html)
    assert listed[0] == ("service_waiting", "item")
    assert ("service_politeness", "item") not in listed  # four answers: under the "< 5" rule
    assert ("usc", "department") not in listed  # four responses
    # komunikacja alone would reveal usc by subtraction: the rule hides it too.
    assert ("komunikacja", "department") not in listed


def test_a_superadmin_chooses_the_office_first(client, app, frozen):
    office = create_office()
    create_user("root@ops.test", role="superadmin")
    login(client, "root@ops.test")
    html = text(client.get("/admin/"))
    assert f"/admin/?office_id={office.id}" in html
    chosen = text(client.get(f"/admin/?office_id={office.id}"))
    assert 'id="responses-figures"' in chosen


@pytest.mark.parametrize("office_id", ["abc", "999999", "1;DROP"])
def test_a_wrong_office_id_answers_404(client, app, frozen, office_id):
    create_office()
    create_user("root@ops.test", role="superadmin")
    login(client, "root@ops.test")
    response = client.get(f"/admin/?office_id={office_id}")
    assert response.status_code == 404
    assert "Nie znaleziono" in text(response)


def test_the_index_chart_has_labels_of_at_least_12_px_in_sans_serif(client, office_with_data):
    login(client, "admin@demo.test")
    html = text(client.get("/admin/"))
    svg = re.search(r'<svg[^>]*class="home-chart".*?</svg>', html, re.S).group(0)
    sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)"', svg)]
    assert sizes and min(sizes) >= 12
    assert "sans-serif" in re.search(r'font-family="([^"]+)"', svg).group(1)
    assert 'id="index-months"' in html  # the table alternative
