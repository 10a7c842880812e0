"""Browser fixtures: Debian's Chromium through Playwright, and two real servers on two origins.

The host page (a city's website) and the collector listen on different ports of 127.0.0.1, so
every request the widget makes is cross-origin, as on a real office's site.

The browser tests run once per session, on SQLite only: what they check is the widget in a
browser; the collector's storage on PostgreSQL is covered by the API and hosted-page tests,
which run on both databases. Running the browser suite twice would double its time and add nothing.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask import Flask, Response, render_template, request
from werkzeug.serving import WSGIRequestHandler, make_server

from collector.extensions import db
from collector.messages import survey_texts
from tests import factories
from tests.conftest import IN_CI, clear_database, make_app

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MANIFEST = ROOT / "widget" / "dist" / "manifest.json"
BOOTSTRAP_CSS = (
    ROOT / "widget" / "node_modules" / "bootstrap" / "dist" / "css" / "bootstrap.min.css"
)
PAGES = Path(__file__).resolve().parent / "pages"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
OFFICE = "demo"
_saved: list[Path] = []


class OneShotHandler(WSGIRequestHandler):
    # HTTP/1.0 closes every connection after its response, so a stopped server is really gone
    # for the browser, not still answering on a kept-alive connection.
    protocol_version = "HTTP/1.0"

    def log_request(self, *args, **kwargs) -> None:
        pass


class LiveServer:
    """A WSGI app on 127.0.0.1 in a thread, which a test can stop and start again on the same port."""

    def __init__(self, app, port: int = 0) -> None:
        self.app = app
        self.port = port
        self.server = None
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.server = make_server(
            "127.0.0.1", self.port, self.app, threaded=True, request_handler=OneShotHandler
        )
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def fail_or_skip(reason: str) -> None:
    """Fail in CI, where a missing browser or bundle must not pass unnoticed; skip elsewhere."""
    if IN_CI:
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser(playwright):
    """Launch Debian's Chromium once for the whole session."""
    if not CHROMIUM.exists():
        fail_or_skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    if not MANIFEST.exists():
        fail_or_skip(
            "The widget bundle is not built: run make install (or cd widget && npm ci && npm run build)"
        )
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def create_host_site(collector_url: str) -> Flask:
    """Build the city's website: HTML fixtures in pages/ that embed the widget from the collector."""
    site = Flask(__name__, template_folder=str(PAGES))

    @site.get("/bootstrap.css")
    def bootstrap():
        return Response(BOOTSTRAP_CSS.read_bytes(), mimetype="text/css")

    @site.get("/draft.json")
    def draft():
        # What the admin panel serves for a draft: the survey document's shape, other texts.
        return {
            "office": {
                "slug": OFFICE,
                "name": "Urząd Miasta Demo",
                "privacy_url": "",
                "look": {"color": "#ffee00"},
            },
            "version": 2,
            "lang": "pl",
            "title": "Wersja robocza ankiety",
            "intro": "",
            "questions": [
                {
                    "key": "overall",
                    "type": "rating",
                    "text": "Ogólna ocena",
                    "required": True,
                    "allow_na": False,
                    "scale": ["bardzo słabo", "słabo", "dostatecznie", "dobrze", "bardzo dobrze"],
                }
            ],
            "texts": survey_texts("pl"),
        }

    @site.get("/<name>.html")
    def page(name: str):
        html = render_template(
            f"{name}.html", collector=collector_url, office=OFFICE, args=request.args
        )
        response = Response(html, mimetype="text/html")
        if name == "strict-csp":
            # Scripts only from the collector; no inline styles or scripts at all.
            response.headers["Content-Security-Policy"] = (
                f"default-src 'none'; script-src {collector_url}; connect-src {collector_url}; "
                "style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'"
            )
        return response

    return site


@pytest.fixture(scope="session")
def browser_db_url(tmp_path_factory) -> str:
    return "sqlite:///" + str(tmp_path_factory.mktemp("browser") / "browser.db")


@pytest.fixture(scope="session")
def servers(browser_db_url):
    """Start the host site and the collector, each on its own ephemeral port (two origins)."""
    holder: dict = {}
    collector_proxy = lambda environ, start_response: holder["app"](environ, start_response)  # noqa: E731
    collector = LiveServer(collector_proxy)
    host = LiveServer(create_host_site(collector.url))
    holder["app"] = make_app(
        browser_db_url,
        PUBLIC_URL=collector.url,
        # The fill-time check has its own API tests; here a script fills the form in faster than a person.
        MIN_FILL_SECONDS=0,
    )
    yield {"collector": collector, "host": host, "app": holder["app"]}
    host.stop()
    collector.stop()


@pytest.fixture
def collector_app(servers):
    """The collector's app, with an empty database and the demo office allowing the host's origin."""
    app = servers["app"]
    clear_database(app)
    with app.app_context():
        factories.create_office(
            OFFICE,
            origins=(servers["host"].url,),
            privacy_url=servers["host"].url + "/privacy.html",
        )
        db.session.remove()
    return app


@pytest.fixture
def context(browser):
    """A fresh browser context per test: its own sessionStorage, as a new visitor."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="pl-PL")
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def host_url(servers, collector_app):
    """Return the URL of a host page fixture by name, e.g. host_url('blank')."""
    return lambda name, **query: (
        servers["host"].url + f"/{name}.html" + ("?" + urlencode(query) if query else "")
    )


# document.getAnimations() leaves out animations inside shadow roots (Chromium), and the widget
# lives in one: wait on every root's animations. getAnimations() brings style up to date first, so
# a dialog opened a moment ago already has its animation. (No requestAnimationFrame here: in a
# page with JavaScript disabled it never fires.)
SETTLE_ANIMATIONS_JS = """async () => {
  const roots = [document];
  for (const el of document.querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
  await Promise.all(roots.flatMap((root) => root.getAnimations()).map((a) => a.finished.catch(() => null)));
}"""


def settle_animations(page) -> None:
    """Wait until the page's animations, shadow roots included, have finished."""
    page.evaluate(SETTLE_ANIMATIONS_JS)


def save_screenshot(page, name: str) -> Path:
    """Save a screenshot for a reviewer into test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    settle_animations(page)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    _saved.append(path)
    return path


def check_axe(page, state: str) -> None:
    """Run axe-core (every rule, WCAG 2.1 AA and best practices) and fail naming each violation."""
    from axe_playwright_python.sync_playwright import Axe

    # Contrast is judged on the settled page, not halfway through the dialog's fade-in.
    settle_animations(page)
    results = Axe().run(page)
    violations = results.response["violations"]
    assert not violations, f"axe found violations in state {state!r}:\n" + json.dumps(
        [
            {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in violations
        ],
        indent=1,
        ensure_ascii=False,
    )


def pytest_terminal_summary(terminalreporter) -> None:
    if _saved:
        terminalreporter.write_line(f"Widget screenshots ({len(_saved)}) saved in: {SCREENSHOTS}")


def deep_active(page) -> dict | None:
    """Describe the focused element, looking inside shadow roots."""
    return page.evaluate("""() => {
        let el = document.activeElement
        while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement
        return el && {tag: el.tagName.toLowerCase(), name: el.getAttribute('name'), value: el.value,
                      cls: el.className, text: (el.textContent || '').trim().slice(0, 80)}
    }""")


def tab_to(page, name: str, limit: int = 60) -> None:
    """Press Tab until the focused control is the one named ``name`` (a question key or a button class)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        active = deep_active(page) or {}
        if name in (active.get("name"), active.get("cls")):
            return
    raise AssertionError(f"Tab never reached {name!r}; focus is on {deep_active(page)}")


def stored(app) -> list[dict]:
    """Return the stored responses with their answers, as plain dicts."""
    import sqlalchemy as sa

    from collector.models import Answer, Response

    with app.app_context():
        result = []
        for response in db.session.scalars(sa.select(Response)):
            answers: dict = {}
            for a in db.session.scalars(sa.select(Answer).where(Answer.response_id == response.id)):
                value = (
                    a.value
                    if a.value is not None
                    else a.option_key
                    if a.option_key is not None
                    else a.text
                )
                if a.question_key in answers:
                    answers[a.question_key] = (
                        sorted([*answers[a.question_key], value])
                        if isinstance(answers[a.question_key], list)
                        else sorted([answers[a.question_key], value])
                    )
                else:
                    answers[a.question_key] = value
            result.append(
                {
                    "id": str(response.id),
                    "channel": response.channel,
                    "lang": response.lang,
                    "department": response.department_key,
                    "completed": response.completed,
                    "answers": answers,
                }
            )
        db.session.remove()
        return result
