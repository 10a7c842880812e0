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
from tests.admin.panel import confirm_token_of, text
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


def confirmed_bulk(client, action: str, ids, follow_redirects: bool = False, **fields):
    """Post a bulk action, check that its confirmation page answers, and confirm it."""
    asked = bulk(client, action, ids, **fields)
    assert asked.status_code == 200, asked.status_code
    token = confirm_token_of(asked)
    return bulk(client, action, ids, follow_redirects, confirm_token=token, **fields)


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

    page = confirmed_bulk(client, "hide", [second], reason="offensive", follow_redirects=True)
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
    ):
        response = bulk(client, action, theirs + mine, follow_redirects=True, **fields)
        assert response.status_code == 200
    # Hiding asks about this office's comment alone, and hides only it.
    asked = bulk(client, "hide", theirs + mine, reason="spam")
    assert "Komentarze do ukrycia: 1. Powód: spam." in text(asked)
    assert "Komentarz innego urzędu." not in text(asked)
    response = confirmed_bulk(client, "hide", theirs + mine, follow_redirects=True, reason="spam")
    assert response.status_code == 200
    # Another office's comments alone: nothing to hide, no question, a message.
    response = bulk(client, "hide", theirs, follow_redirects=True, reason="spam")
    assert "Zaznacz co najmniej jeden komentarz tego urzędu." in flashes(response)
    assert 'name="confirm_token"' not in text(response)
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
    assert bulk(client, "hide", ids, reason="spam", confirm_token="x.y.z").status_code == 403
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


def test_hiding_asks_first_how_many_why_and_that_they_stay_stored(client, office):
    login(client, "admin@demo.test")
    first, second, _third = comment_ids(office.id)
    asked = bulk(client, "hide", [first, second], reason="offensive")
    assert asked.status_code == 200
    page = text(asked)
    assert "Ukryć komentarze w raportach?" in page
    assert "Komentarze do ukrycia: 2. Powód: obraźliwy." in page
    assert "Kolejka była za długa." in page and "Pani była bardzo miła." in page
    assert "Brak informacji na stronie." not in page
    assert "Pozostają zapisane (nigdy nie są usuwane)" in page
    assert "znów pokazać w raportach" in page
    assert "Tak, ukryj w raportach (2)" in page
    # Nothing changed yet, nothing audited.
    assert (comment(first).hidden, comment(second).hidden) == (False, False)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0

    done = bulk(
        client, "hide", [first, second], reason="offensive", confirm_token=confirm_token_of(asked)
    )
    assert done.status_code == 302
    assert [(comment(i).hidden, comment(i).hidden_reason) for i in (first, second)] == [
        (True, "offensive"),
        (True, "offensive"),
    ]
    # The same hide again changes nothing: no question, a message.
    again = bulk(client, "hide", [first], reason="offensive", follow_redirects=True)
    assert "Zaznaczone komentarze są już ukryte z tym powodem. Nic nie zmieniono." in flashes(again)


def expired(monkeypatch, token: str) -> str:
    monkeypatch.setattr("admin.confirm.MAX_AGE_SECONDS", -1)
    return token


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("forged", "Nieprawidłowe potwierdzenie"),
        ("empty_signature", "Nieprawidłowe potwierdzenie"),
        ("other_reason", "Nieprawidłowe potwierdzenie"),
        ("other_comments", "Nieprawidłowe potwierdzenie"),
        ("expired", "Potwierdzenie wygasło (ważne 30 minut)"),
    ],
)
def test_a_forged_expired_or_foreign_confirmation_is_refused_and_hides_nothing(
    client, office, monkeypatch, change, message
):
    login(client, "admin@demo.test")
    first, second, third = comment_ids(office.id)
    token = confirm_token_of(bulk(client, "hide", [first], reason="spam"))
    ids, reason = [first], "spam"
    if change == "forged":
        payload, signature = token.rsplit(".", 1)  # the first letter: the last may be padding bits
        token = f"{payload}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"
    elif change == "empty_signature":
        token = token.rsplit(".", 1)[0] + "."
    elif change == "other_reason":
        reason = "personal_data"
    elif change == "other_comments":
        ids = [first, second, third]
    elif change == "expired":
        token = expired(monkeypatch, token)
    response = bulk(client, "hide", ids, reason=reason, confirm_token=token)
    assert response.status_code == 400
    assert message in text(response) and "Wróć i wykonaj operację jeszcze raz." in text(response)
    assert not any(comment(i).hidden for i in (first, second, third))


def test_a_token_of_another_user_is_refused(client, office):
    create_user("admin2@demo.test", role="admin", office=office)
    login(client, "admin@demo.test")
    first = comment_ids(office.id)[0]
    token = confirm_token_of(bulk(client, "hide", [first], reason="spam"))
    other = client.application.test_client()
    login(other, "admin2@demo.test")
    response = bulk(other, "hide", [first], reason="spam", confirm_token=token)
    assert response.status_code == 400
    assert comment(first).hidden is False


def test_hiding_works_without_javascript_the_confirmation_is_a_plain_form(client, office):
    login(client, "admin@demo.test")
    first = comment_ids(office.id)[0]
    page = text(bulk(client, "hide", [first], reason="personal_data"))
    form = re.search(r'<form method="post" action="([^"]+)" class="mt-3">(.*?)</form>', page, re.S)
    assert form.group(1) == ACTION
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(2)))
    assert fields["confirm_token"] and fields["csrf_token"] is not None
    assert (fields["action"], fields["reason"], fields["rowid"]) == (
        "hide",
        "personal_data",
        str(first),
    )
    assert "<script>" not in form.group(2) and " onclick" not in page
