"""In Chromium, at 1280 px and 390 px: the comparison page of the superadmin and of an office admin,
read by axe (no serious or critical violation), without sideways scrolling of the page itself, and
saved as screenshots in test-artifacts/screenshots/panel-comparison-*.png (not committed).
"""

from __future__ import annotations

import pytest

from tests.admin.test_comparison import ALFA, BETA, CELU, three_offices
from tests.admin.test_flows_browser import (  # noqa: F401  (fixtures)
    app_config,
    browser,
    serious_violations,
    server,
)
from tests.admin.test_home_browser import shoot
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser


def log_in(page, server: str, email: str) -> None:  # noqa: F811
    page.goto(f"{server}/admin/login")
    page.get_by_label("Adres e-mail").fill(email)
    page.get_by_label("Hasło").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()
    page.wait_for_url(f"{server}/admin/**")


@pytest.mark.parametrize("width", (1280, 390))
@pytest.mark.parametrize(
    ("email", "name", "shown", "hidden"),
    [
        ("super@ops.test", "all", [ALFA, BETA, CELU], []),
        ("admin@alfa.pl", "office", [ALFA], [BETA, CELU]),
    ],
)
def test_the_comparison_reads_well_at_each_width(
    app,
    server,  # noqa: F811
    browser,  # noqa: F811
    width,
    email,
    name,
    shown,
    hidden,
):
    three_offices()
    context = browser.new_context(locale="pl-PL", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        log_in(page, server, email)
        # Through the menu's link (the 390 px menu is folded behind its toggle: go by the address).
        if width == 1280:
            page.get_by_role("link", name="Porównanie urzędów").click()
        else:
            page.goto(f"{server}/admin/comparison/")
        page.get_by_label("Okres od").fill("2025-01-01")
        page.get_by_label("do", exact=True).fill("2025-12-31")
        page.get_by_role("button", name="Pokaż").click()
        page.wait_for_url("**/admin/comparison/?from=2025-01-01&to=2025-12-31")
        body = page.locator("main").inner_text()
        assert all(office in body for office in shown)
        assert not [office for office in hidden if office in body]
        if name == "all":
            assert "3,75" in body  # the median of Alfa and Beta
        else:  # Alfa's own mean; Beta's (3,00), the only other office, is given away by no median
            assert "4,50" in body and "3,00" not in body
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if name == "office":  # the standing: a table on a wide screen, a card per item on a phone
            cards = page.locator("#standing-cards")
            assert cards.is_visible() == (width < 768)
            assert page.locator("#standing").is_visible() == (width >= 768)
            if width < 768:
                overall = cards.locator('[data-item="overall"]').inner_text()
                assert "Mediana innych urzędów\n—" in overall.replace("\t", "\n")
                assert "1 z 2" in overall
        assert serious_violations(page) == [], name
        shoot(page, f"comparison-{name}-{width}")
    finally:
        context.close()
