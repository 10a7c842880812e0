import pytest
from tests.widget.conftest import check_axe, save_screenshot

@pytest.mark.browser
def test_smoke(page, host_url):
    page.goto(host_url("blank"))
    banner = page.get_by_role("button", name="Oceń Urząd")
    banner.wait_for()
    save_screenshot(page, "smoke")
    check_axe(page, "banner")
