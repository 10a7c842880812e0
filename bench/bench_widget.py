"""The widget's cost to a city's homepage: bundle size, page load time with and without it, requests,
and what a step costs the collector.

Run with ``make bench`` (or ``.venv/bin/python -m bench bench_widget``). Two local servers on two
ports stand for the city's site and the collector; Debian's Chromium loads the same page with and
without the tag, several times each, and the medians are compared in the same run. It also counts
the requests of a page view through the per-office script ``/o/<slug>.js`` with the office's
invitation off and on, and times a step's POST (an update of a stored response under its id)
against the first POST of a response, in-process with Flask's test client, alternating rounds.
"""

from __future__ import annotations

import gzip
import json
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path

import brotli
from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "widget" / "dist" / "widget.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TARGET_GZIP = 8 * 1024
AIM_GZIP = 6 * 1024
RUNS = 9
POST_ROUNDS = 7
POSTS_PER_ROUND = 60

PAGE = """<!doctype html><html lang="pl"><head><meta charset="utf-8"><title>Urząd Miasta</title>
<style>body{{font-family:sans-serif;max-width:50rem;margin:auto}}</style></head><body><main>
<h1>Urząd Miasta Demo</h1>{paragraphs}</main>{tag}</body></html>"""


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass


def serve(app) -> tuple[str, object]:
    """Serve a WSGI app on an ephemeral port of 127.0.0.1; return its URL and the server."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def create_collector(db_path: Path, host_origin: str) -> Flask:
    """Build the collector on a scratch SQLite database with the demo office."""
    from collector.extensions import db
    from collector.surveys import create_office
    from wsgi import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
            "SECRET_KEY": "bench-" + "x" * 32,
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
        create_office("demo", "Urząd Miasta Demo", origins=[host_origin])
        db.session.commit()
    return app


def create_host(collector_url: str) -> Flask:
    """Build the city's page, once bare and once with the widget's tag."""
    site = Flask(__name__)
    paragraphs = "".join(
        f"<p>Aktualność {n}: urząd informuje o zmianach w godzinach pracy.</p>" for n in range(40)
    )

    @site.get("/bare")
    def bare():
        return PAGE.format(paragraphs=paragraphs, tag="")

    @site.get("/with-widget")
    def with_widget():
        tag = f'<script src="{collector_url}/widget.js" data-office="demo" async></script>'
        return PAGE.format(paragraphs=paragraphs, tag=tag)

    @site.get("/office-script")
    def office_script():
        tag = f'<script src="{collector_url}/o/demo.js" async></script>'
        return PAGE.format(paragraphs=paragraphs, tag=tag)

    return site


def measure_load(browser, url: str, collector_url: str) -> tuple[float, int]:
    """Load the page in a fresh context; return the load event time (ms) and requests to the collector."""
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url, wait_until="load")
    if "with-widget" in url:
        page.wait_for_function("() => document.querySelector('ocen-urzad') !== null")
    page.wait_for_load_state("networkidle")
    timing = page.evaluate("""() => {
        const n = performance.getEntriesByType('navigation')[0]
        const s = performance.getEntriesByType('resource').find((r) => r.name.endsWith('/widget.js'))
        return [n.loadEventEnd - n.startTime, n.domContentLoadedEventEnd - n.startTime,
                s ? s.responseEnd - s.startTime : 0]
    }""")
    context.close()
    return timing, sum(1 for r in requests if r.startswith(collector_url))


def main() -> None:
    """Print the bundle's sizes, the page load times with and without it, and the requests it makes."""
    if not BUNDLE.exists():
        print(
            "widget/dist/widget.js is missing: run make install (or cd widget && npm ci && npm run build)"
        )
        return
    code = BUNDLE.read_bytes()
    gz = len(gzip.compress(code, compresslevel=9))
    br = len(brotli.compress(code, quality=11))
    print(f"{'bundle':<34}{'bytes':>10}")
    print(f"{'widget.js (minified)':<34}{len(code):>10}")
    print(
        f"{'gzip -9':<34}{gz:>10}   target <= {TARGET_GZIP}: {'OK' if gz <= TARGET_GZIP else 'OVER'}"
        f" (aim {AIM_GZIP}: {'OK' if gz <= AIM_GZIP else 'not yet'})"
    )
    print(f"{'brotli q11':<34}{br:>10}")

    if not Path(CHROMIUM).exists():
        print("Chromium is not installed at /usr/bin/chromium: page load not measured")
        return
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        holder: dict = {}
        collector_url, collector = serve(lambda environ, start: holder["app"](environ, start))
        host_url, host = serve(create_host(collector_url))
        holder["app"] = create_collector(Path(tmp) / "bench.db", host_url)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                measure_load(
                    browser, host_url + "/with-widget", collector_url
                )  # warm up both servers
                bare, widget, counts = [], [], []
                for _ in range(RUNS):  # interleaved, so drift on a shared machine hits both alike
                    bare.append(measure_load(browser, host_url + "/bare", collector_url)[0])
                    timing, requests = measure_load(
                        browser, host_url + "/with-widget", collector_url
                    )
                    widget.append(timing)
                    counts.append(requests)
                invite_counts = {}
                for invited in (False, True):
                    set_invitation(holder["app"], invited)
                    invite_counts[invited] = max(
                        count_invited_view(
                            browser, host_url + "/office-script", collector_url, invited
                        )
                        for _ in range(3)
                    )
                browser.close()
        finally:
            host.shutdown()
            collector.shutdown()

    def median(runs: list, i: int) -> float:
        return statistics.median(run[i] for run in runs)

    print(
        f"\n{'median of ' + str(RUNS) + ' cold loads, ms':<34}{'no widget':>10}{'+ widget':>10}{'ratio':>8}"
    )
    for i, name in ((1, "DOMContentLoaded (page shown)"), (0, "load event (async script run)")):
        print(
            f"{name:<34}{median(bare, i):>10.1f}{median(widget, i):>10.1f}{median(widget, i) / median(bare, i):>7.2f}x"
        )
    print(f"{'widget.js fetch (resource timing)':<34}{'':>10}{median(widget, 2):>10.1f}")
    print(f"{'requests to the collector on view':<34}{max(counts):>10}   (must be 1: the script)")
    print(f"\n{'page view via /o/demo.js':<34}{'invite off':>10}{'invite on':>10}")
    print(
        f"{'to the collector (must be 1)':<34}{invite_counts[False]:>10}{invite_counts[True]:>10}"
    )
    bench_update_vs_first()


def count_invited_view(browser, page_url: str, collector_url: str, invited: bool) -> int:
    """Load the page through the office's script; when invited, wait for the invitation; count requests."""
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(page_url, wait_until="load")
    page.wait_for_function("() => document.querySelector('ocen-urzad') !== null")
    if invited:
        page.wait_for_function(
            "() => document.querySelector('ocen-urzad').shadowRoot.querySelector('.invite') !== null"
        )
    page.wait_for_load_state("networkidle")
    context.close()
    return sum(1 for r in requests if r.startswith(collector_url))


def set_invitation(app, enabled: bool) -> None:
    from collector.extensions import db
    from collector.models import Office

    with app.app_context():
        office = db.session.query(Office).filter_by(slug="demo").one()
        office.invite_enabled = enabled
        office.invite_delay_seconds = 0
        office.invite_sample_percent = 100
        db.session.commit()
        db.session.remove()


def bench_update_vs_first() -> None:
    """Time first POSTs (the one click) and update POSTs (the last step, same id) in alternating rounds."""
    from collector.extensions import db
    from collector.models import Response
    from collector.surveys import create_office
    from wsgi import create_app

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'posts.db'}",
                "SECRET_KEY": "bench-" + "x" * 32,
                "RATELIMIT_ENABLED": False,
            }
        )
        origin = "https://www.bench.example"
        with app.app_context():
            db.create_all()
            create_office("demo", "Urząd Miasta Demo", origins=[origin])
            db.session.commit()
        client = app.test_client()
        survey = client.get("/api/v1/offices/demo/survey").get_json()
        full = {}
        for q in survey["questions"]:
            if q.get("show_if"):
                continue
            if q["type"] == "rating":
                full[q["key"]] = 4
            elif q["type"] in ("single", "department"):
                full[q["key"]] = q["options"][0]["key"]
            elif q["type"] == "multi":
                full[q["key"]] = [q["options"][0]["key"]]
            elif q["type"] == "text":
                full[q["key"]] = "Sprawnie i uprzejmie."
        overall = survey["questions"][0]["key"]

        def post(response_id: str, answers: dict, completed: bool) -> int:
            body = {
                "id": response_id,
                "version": survey["version"],
                "lang": "pl",
                "channel": "widget",
                "elapsed_ms": 30000,
                "website": "",
                "completed": completed,
                "answers": answers,
            }
            return client.post(
                "/api/v1/offices/demo/responses",
                data=json.dumps(body),
                headers={"Origin": origin, "Content-Type": "text/plain"},
            ).status_code

        first_rates, update_rates = [], []
        for _ in range(POST_ROUNDS):  # alternating: drift on a shared machine hits both alike
            ids = [str(uuid.uuid4()) for _ in range(POSTS_PER_ROUND)]
            started = time.perf_counter()
            statuses = {post(i, {overall: full[overall]}, False) for i in ids}
            first_rates.append(POSTS_PER_ROUND / (time.perf_counter() - started))
            assert statuses == {201}, statuses
            started = time.perf_counter()
            statuses = {post(i, full, True) for i in ids}
            update_rates.append(POSTS_PER_ROUND / (time.perf_counter() - started))
            assert statuses == {200}, statuses
        with app.app_context():
            assert db.session.query(Response).filter_by(completed=True).count() == (
                POST_ROUNDS * POSTS_PER_ROUND
            )
    first, update = statistics.median(first_rates), statistics.median(update_rates)
    print(
        f"\n{'POST /responses, SQLite, in-process':<34}{'per s':>10}   (median of {POST_ROUNDS} rounds of {POSTS_PER_ROUND})"
    )
    print(f"{'first POST (the one click)':<34}{first:>10.0f}")
    print(f"{'update POST (last step, same id)':<34}{update:>10.0f}")
    print(f"{'update / first throughput':<34}{update / first:>10.2f}x")


if __name__ == "__main__":
    main()
