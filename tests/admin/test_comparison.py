"""The comparison page: three offices, one left out (n < 30), one that does not publish its results.

| office            | publishes | responses 2025 | overall             | service_politeness | overall 2024 |
|-------------------|-----------|----------------|---------------------|--------------------|--------------|
| Urząd Miasta Alfa | yes       | 40             | 20×5, 20×4 → 4,50   | 10×5, 10×3 → 4,00  | 10×4 → 4,00  |
| Urząd Gminy Beta  | no        | 35             | 35×3 → 3,00, 0 %    | 10×4 → 4,00        | —            |
| Urząd Miasta Celu | yes       | 20 (left out)  | 20×1 → 1,00         | 20×1               | —            |

By hand: the median of the compared offices (Alfa, Beta) on overall is (4,50 + 3,00) / 2 = 3,75,
with Celu it would be 3,00. An office's staff see the median of the other offices only when there
are at least three of them (with one, it would be Beta's own 3,00 shown to Alfa): here they see
their place (Alfa first of two, Beta second of two) and no median.
"""

from __future__ import annotations

import re
from html import unescape

import pytest

from collector.extensions import db
from tests.admin.panel import login, text
from tests.factories import create_office, create_user
from tests.reports.dataset import local
from tests.reports.test_comparison import add_ratings

URL = "/admin/comparison/"
YEAR = {"from": "2025-01-01", "to": "2025-12-31"}
ALFA, BETA, CELU = "Urząd Miasta Alfa", "Urząd Gminy Beta", "Urząd Miasta Celu"


def three_offices() -> dict:
    offices = {
        "alfa": create_office("alfa", ALFA, publish_results=True),
        "beta": create_office("beta", BETA),
        "celu": create_office("celu", CELU, publish_results=True),
    }
    when = local(2025, 5, 20)
    add_ratings(offices["alfa"], when, [5] * 20 + [4] * 20, service_politeness=[5] * 10 + [3] * 10)
    add_ratings(offices["alfa"], local(2024, 5, 20), [4] * 10)
    add_ratings(offices["beta"], when, [3] * 35, service_politeness=[4] * 10)
    add_ratings(offices["celu"], when, [1] * 20, service_politeness=[1] * 20)
    db.session.commit()
    create_user("super@ops.test", role="superadmin")
    create_user("admin@alfa.pl", office=offices["alfa"])
    create_user("admin@beta.pl", office=offices["beta"])
    create_user("recenzent@beta.pl", role="reviewer", office=offices["beta"])
    return offices


@pytest.fixture
def offices(app):
    return three_offices()


def table(html: str, table_id: str | None = None, item: str | None = None) -> list[list[str]]:
    """Return the rows (body and foot) of a table as the texts a reader sees."""
    marker = f'id="{table_id}"' if table_id else f'data-item="{item}"'
    body = html[html.index(marker) :]
    body = body[: body.index("</table>")]
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells])
    return rows[1:]  # without the header row


def test_the_superadmin_sees_every_compared_office_by_name_and_the_median(client, offices):
    login(client, "super@ops.test")

    response = client.get(URL, query_string=YEAR)

    assert response.status_code == 200
    html = text(response)
    overall = table(html, item="overall")
    assert overall == [
        [ALFA, "tak", "40", "4,50", "100,0%", "+0,50"],
        [BETA, "nie", "35", "3,00", "0,0%", "—"],
        ["Mediana", "", "", "3,75", "50,0%", ""],
    ]
    politeness = table(html, item="service_politeness")
    assert politeness[-1] == ["Mediana", "", "", "4,00", "75,0%", ""]  # (50 % + 100 %) / 2
    left_out = re.search(r'<ul id="left-out">(.*?)</ul>', html, re.S).group(1)
    assert CELU in left_out and "20 odpowiedzi" in left_out
    assert CELU not in html.replace(left_out, "")  # nowhere in the tables


def test_an_office_admin_sees_the_median_of_the_others_and_no_unpublished_name(client, offices):
    login(client, "admin@alfa.pl")

    html = text(client.get(URL, query_string=YEAR))

    assert table(html, "standing") == [
        [
            "Jak ogólnie ocenia Pan/Pani obsługę w Urzędzie?",
            "4,50",
            "—",
            "100,0%",
            "—",
            "1 z 2",
            "—",
            "+0,50",
        ],
        ["Uprzejmość i życzliwość", "4,00", "—", "50,0%", "—", "1 z 2", "—", "—"],
    ]
    # Beta does not publish: never named, and with one other office no median gives its value away.
    assert "co najmniej 3 innych urzędów" in html
    # Celu publishes but was left out.
    assert BETA not in html and "beta" not in html.lower().replace("alfabet", "")
    assert CELU not in html
    assert [row[0] for row in table(html, "named")] == [f"{ALFA} (ten urząd)"]


def test_the_office_that_does_not_publish_sees_the_one_that_does_by_name(client, offices):
    for email in ("admin@beta.pl", "recenzent@beta.pl"):
        login(client, email)

        html = text(client.get(URL, query_string=YEAR))

        standing = table(html, "standing")
        assert standing[0][1:7] == ["3,00", "—", "0,0%", "—", "2 z 2", "—"]
        assert [row[0] for row in table(html, "named")] == [f"{BETA} (ten urząd)", ALFA]
        assert CELU not in html


def test_an_office_left_out_is_told_why_and_sees_the_medians_only(client, offices):
    create_user("admin@celu.pl", office=offices["celu"])
    login(client, "admin@celu.pl")

    html = text(client.get(URL, query_string=YEAR))

    assert "urząd otrzymał 20 odpowiedzi; do porównania potrzeba co najmniej 30" in html
    # Two compared offices, Alfa published: their median (3,75) would give away Beta's 3,00.
    assert table(html, "standing")[0][1:3] == ["—", "—"]
    assert BETA not in html


def test_the_page_is_in_the_menu_and_in_english(client, offices):
    login(client, "admin@alfa.pl")

    assert 'href="/admin/comparison/"' in text(client.get("/admin/"))
    english = text(client.get(URL, query_string={**YEAR, "lang": "en"}))
    assert "Comparison with other offices" in english and "Median of other offices" in english


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ({"from": "0001-01-01", "to": "0001-01-31"}, "Okres musi mieścić się między 01.01.2000"),
        ({"from": "2024-01-01", "to": "9999-12-31"}, "najwyżej 10 lat"),
        ({"from": "9999-12-01", "to": "9999-12-31"}, "w przyszłości"),
        ({"from": "2024-06-01", "to": "2024-05-01"}, "wcześniejszy niż jego początek"),
        ({"from": "2024-02-30", "to": "2024-03-31"}, "nie jest datą"),
        ({"from": "<script>", "to": "2024-03-31"}, "nie jest datą"),
        ({"from": "2024-01-01", "to": "2024-01-01\x00"}, "nie jest datą"),
    ],
)
@pytest.mark.parametrize("email", ["super@ops.test", "admin@alfa.pl"])
def test_a_bad_period_gets_400_with_a_polish_message(client, offices, email, period, message):
    login(client, email)

    response = client.get(URL, query_string=period)

    assert response.status_code == 400
    assert message in text(response)
    assert "<script>" not in text(response)
