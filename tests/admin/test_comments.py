"""The comment inbox: comments with department, score and date; themes, status, hiding, bulk
actions within the office only, corrective actions made from comments, reviewers read only."""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa

from collector.extensions import db
from collector.models import Answer, AuditEvent, CommentTheme, CorrectiveAction
from tests.admin.flowtools import answer_survey, flashes, login, office_with_admin, post
from tests.admin.panel import text
from tests.factories import create_user

INBOX = "/admin/comment/"
ACTION = "/admin/comment/action/"


@pytest.fixture
def office(client, app):
    office, _user = office_with_admin()
    answer_survey(client, office, department="usc", overall=2, comment="Kolejka była za długa.")
    answer_survey(client, office, department="podatki", overall=5, comment="Pani była bardzo miła.")
    answer_survey(
        client, office, department="podatki", overall=4, comment="Brak informacji na stronie."
    )
    return office


@pytest.fixture
def other(client, app):
    other, _user = office_with_admin("inne", "Urząd Gminy Inne")
    answer_survey(client, other, department="usc", comment="Komentarz innego urzędu.")
    return other


def comment_ids(office_id: int) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(Answer.id)
            .where(Answer.office_id == office_id, Answer.text.is_not(None))
            .order_by(Answer.id)
        )
    )


def comment(answer_id: int) -> Answer:
    db.session.expire_all()
    return db.session.get(Answer, answer_id)


def theme_id(office_id: int, name: str) -> int:
    from collector.operations.comments import get_themes

    themes = {t.name: t.id for t in get_themes(office_id)}
    db.session.commit()
    return themes[name]


def bulk(client, action: str, ids, follow_redirects: bool = False, **fields):
    data = {"action": action, "rowid": [str(i) for i in ids], **fields}
    return post(client, ACTION, data, follow_redirects=follow_redirects)


def shown_comments(page) -> list[str]:
    return re.findall(
        r"(Kolejka była za długa\.|Pani była bardzo miła\.|Brak informacji na stronie\.|Komentarz innego urzędu\.)",
        text(page),
    )


def test_the_inbox_lists_the_offices_comments_with_department_name_score_and_date(
    client, office, other
):
    login(client, "admin@demo.test")
    page = client.get(INBOX)
    assert page.status_code == 200
    body = text(page)
    assert sorted(shown_comments(page)) == sorted(
        ["Kolejka była za długa.", "Pani była bardzo miła.", "Brak informacji na stronie."]
    )
    assert "Urząd Stanu Cywilnego" in body and ">usc<" not in body
    row = next(r for r in body.split("<tr") if "Kolejka była za długa." in r)
    assert re.search(r'col-score">\s*2\s*<', row)
    assert "Nieprzeczytane: 3." in body
    assert "nowy" in body


def test_default_themes_are_seeded_in_polish_per_office(client, office, other):
    login(client, "admin@demo.test")
    page = text(client.get("/admin/comment_theme/"))
    for name in ("obsługa", "czas oczekiwania", "strona internetowa", "pochwała", "inne"):
        assert name in page
    # Each office has its own set, made with the office.
    per_office = db.session.execute(
        sa.select(CommentTheme.office_id, sa.func.count()).group_by(CommentTheme.office_id)
    ).all()
    assert sorted(per_office) == sorted([(office.id, 9), (other.id, 9)])


def test_bulk_theme_status_read_and_hide_change_the_comments_and_are_audited(client, office):
    login(client, "admin@demo.test")
    first, second, third = comment_ids(office.id)
    waiting = theme_id(office.id, "czas oczekiwania")
    praise = theme_id(office.id, "pochwała")

    assert bulk(client, "assign_theme", [first, third], theme_id=waiting).status_code == 302
    assert bulk(client, "assign_theme", [first], theme_id=praise).status_code == 302
    assert sorted(t.name for t in comment(first).themes) == ["czas oczekiwania", "pochwała"]
    assert [t.name for t in comment(third).themes] == ["czas oczekiwania"]

    bulk(client, "mark_read", [first, second])
    assert (comment(first).status, comment(second).status, comment(third).status) == (
        "read",
        "read",
        "new",
    )
    bulk(client, "set_status", [third], status="needs_action")
    assert comment(third).status == "needs_action"

    page = bulk(client, "hide", [second], reason="offensive", follow_redirects=True)
    assert "Ukryto w raportach (komentarze pozostają zapisane): 1." in flashes(page)
    hidden = comment(second)
    assert (hidden.hidden, hidden.hidden_reason, hidden.text) == (
        True,
        "offensive",
        "Pani była bardzo miła.",
    )
    assert hidden.hidden_by_id is not None and hidden.hidden_at is not None
    assert "ukryty: obraźliwy" in text(client.get(INBOX))

    actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions.count("comment.theme") == 3
    assert actions.count("comment.status") == 3
    assert actions.count("response.comment_hide") == 1

    bulk(client, "show", [second])
    assert comment(second).hidden is False and comment(second).hidden_reason is None


def test_bulk_actions_never_touch_another_offices_comments(client, office, other):
    login(client, "admin@demo.test")
    theirs = comment_ids(other.id)
    mine = comment_ids(office.id)[:1]
    waiting = theme_id(office.id, "czas oczekiwania")
    for action, fields in (
        ("mark_read", {}),
        ("assign_theme", {"theme_id": waiting}),
        ("set_status", {"status": "needs_action"}),
        ("hide", {"reason": "spam"}),
    ):
        response = bulk(client, action, theirs + mine, follow_redirects=True, **fields)
        assert response.status_code == 200
    foreign = comment(theirs[0])
    assert (foreign.status, foreign.hidden, foreign.themes) == ("new", False, [])
    assert comment(mine[0]).hidden is True
    # A corrective action from the other office's comments alone is refused, none is made.
    response = bulk(client, "create_action", theirs, action_title="Cudze")
    assert response.status_code == 400
    assert "Zaznacz co najmniej jeden komentarz tego urzędu." in text(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CorrectiveAction)) == 0
    assert "Komentarz innego urzędu." not in text(client.get(INBOX))


def test_another_offices_theme_is_refused(client, office, other):
    login(client, "admin@demo.test")
    foreign_theme = theme_id(other.id, "obsługa")
    response = bulk(client, "assign_theme", comment_ids(office.id), theme_id=foreign_theme)
    assert response.status_code == 400
    assert "Nie ma takiego tematu w tym urzędzie." in text(response)
    assert all(comment(i).themes == [] for i in comment_ids(office.id))


@pytest.mark.parametrize(
    ("action", "fields", "message"),
    [
        ("assign_theme", {"theme_id": "999999"}, "Nie ma takiego tematu w tym urzędzie."),
        ("assign_theme", {"theme_id": "czas"}, "Nie ma takiego tematu w tym urzędzie."),
        ("assign_theme", {}, "Nie ma takiego tematu w tym urzędzie."),
        ("remove_theme", {"theme_id": "-1"}, "Nie ma takiego tematu w tym urzędzie."),
        ("hide", {"reason": "nudny"}, "Nieznany powód ukrycia: „nudny”."),
        ("hide", {}, "Nieznany powód ukrycia"),
        ("set_status", {"status": "deleted"}, "Nieznany stan komentarza: „deleted”."),
        ("create_action", {"action_title": "  "}, "Podaj nazwę działania naprawczego."),
        ("create_action", {"action_title": "x" * 301}, "najwyżej 300 znaków"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(client, office, action, fields, message):
    login(client, "admin@demo.test")
    ids = comment_ids(office.id)
    response = bulk(client, action, ids, **fields)
    assert response.status_code == 400
    assert message in text(response)
    assert all(
        (comment(i).status, comment(i).hidden, comment(i).themes) == ("new", False, []) for i in ids
    )


def test_reviewer_reads_the_inbox_but_cannot_change_it(client, office):
    create_user("reviewer@demo.test", role="reviewer", office=office)
    login(client, "reviewer@demo.test")
    page = client.get(INBOX)
    assert page.status_code == 200 and "Kolejka była za długa." in text(page)
    assert 'value="hide"' not in text(page) and 'name="rowid"' not in text(page)
    ids = comment_ids(office.id)
    assert bulk(client, "hide", ids, reason="spam").status_code == 403
    assert bulk(client, "mark_read", ids).status_code == 403
    assert post(client, "/admin/comment_theme/new/", {"name": "Nowy"}).status_code == 403
    assert all((comment(i).status, comment(i).hidden) == ("new", False) for i in ids)


def test_filters_and_search(client, office):
    login(client, "admin@demo.test")
    first, second, _third = comment_ids(office.id)
    bulk(client, "assign_theme", [first], theme_id=theme_id(office.id, "czas oczekiwania"))
    bulk(client, "set_status", [second], status="needs_action")
    page = text(client.get(INBOX))
    groups = json.loads(re.search(r'id="filter-groups-data"[^>]*>(.*?)</div>', page).group(1))
    labels = list(groups)
    assert sorted(labels) == sorted(
        ["Okres", "Wydział", "Temat", "Stan", "Ocena ogólna", "W raportach"]
    )
    index = {}
    for label in labels:
        index[label] = groups[label][0]["index"]
    waiting = theme_id(office.id, "czas oczekiwania")
    assert shown_comments(client.get(f"{INBOX}?flt0_{index['Temat']}={waiting}")) == [
        "Kolejka była za długa."
    ]
    assert shown_comments(client.get(f"{INBOX}?flt0_{index['Stan']}=needs_action")) == [
        "Pani była bardzo miła."
    ]
    assert shown_comments(client.get(f"{INBOX}?flt0_{index['Ocena ogólna']}=4")) == [
        "Brak informacji na stronie."
    ]
    assert sorted(shown_comments(client.get(f"{INBOX}?flt0_{index['Wydział']}=podatki"))) == [
        "Brak informacji na stronie.",
        "Pani była bardzo miła.",
    ]
    assert shown_comments(client.get(f"{INBOX}?search=kolejka")) == ["Kolejka była za długa."]
    assert (
        shown_comments(
            client.get(f"{INBOX}?flt0_{index['Okres']}=2000-01-01+00:00:00+to+2000-12-31+23:59:59")
        )
        == []
    )


def test_comments_become_evidence_of_a_corrective_action(client, office):
    login(client, "admin@demo.test")
    first, second, third = comment_ids(office.id)
    bulk(client, "assign_theme", [first], theme_id=theme_id(office.id, "czas oczekiwania"))
    response = bulk(client, "create_action", [first, second], action_title="Drugie okienko w USC")
    assert response.status_code == 302
    action = db.session.scalar(sa.select(CorrectiveAction))
    assert response.location.endswith(f"/admin/corrective_action/details/?id={action.id}")
    assert sorted(a.id for a in action.answers) == [first, second]
    assert (comment(first).status, comment(second).status, comment(third).status) == (
        "needs_action",
        "needs_action",
        "new",
    )
    page = text(client.get(f"/admin/corrective_action/details/?id={action.id}"))
    assert "Kolejka była za długa." in page and "Pani była bardzo miła." in page
    assert "czas oczekiwania" in page and "Urząd Stanu Cywilnego" in page

    # Done: its comments are answered by it.
    response = post(
        client,
        f"/admin/corrective_action/edit/?id={action.id}",
        {"title": "Drugie okienko w USC", "status": "done", "question_keys": ["service_waiting"]},
    )
    assert response.status_code == 302, text(response)[:2000]
    assert (comment(first).status, comment(second).status) == ("answered", "answered")
    db.session.expire_all()
    assert db.session.get(CorrectiveAction, action.id).question_keys == ["service_waiting"]
    assert "odpowiedziano działaniem naprawczym" in text(client.get(INBOX))


def test_themes_are_edited_per_office(client, office, other):
    login(client, "admin@demo.test")
    response = post(
        client, "/admin/comment_theme/new/", {"name": "parking", "position": "9", "active": "y"}
    )
    assert response.status_code == 302
    response = post(
        client,
        "/admin/comment_theme/new/",
        {"name": "Obsługa", "position": "1"},
        follow_redirects=True,
    )
    assert "Temat „Obsługa” już jest na liście." in text(response)
    names = db.session.scalars(
        sa.select(CommentTheme.name).where(CommentTheme.office_id == office.id)
    ).all()
    assert "parking" in names and names.count("obsługa") == 1
    foreign = theme_id(other.id, "obsługa")
    assert client.get(f"/admin/comment_theme/edit/?id={foreign}").status_code == 404


def test_an_office_made_before_themes_existed_gets_the_default_set_on_first_sight(client, office):
    db.session.execute(sa.delete(CommentTheme))
    db.session.commit()
    login(client, "admin@demo.test")
    assert "czas oczekiwania" in text(client.get(INBOX))
    names = db.session.scalars(
        sa.select(CommentTheme.name).where(CommentTheme.office_id == office.id)
    ).all()
    assert len(names) == 9 and "pochwała" in names
