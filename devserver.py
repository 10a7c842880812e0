"""Serve the local demo (``make run``): the collector on :5000 and a city homepage embedding the widget on :5001.

Two ports make two origins, so the embed really is cross-origin, as on a real office's site. It
sits next to ``wsgi.py``, above the packages, because it composes the whole app.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from flask import Flask, render_template
from werkzeug.serving import run_simple

from wsgi import create_app

DEMO_TEMPLATES = Path(__file__).resolve().parent / "collector" / "templates" / "demo"
COLLECTOR_PORT = int(os.environ.get("COLLECTOR_PORT", "5000"))
DEMO_PORT = int(os.environ.get("DEMO_PORT", "5001"))


def create_demo_site(collector_url: str, office: str = "demo") -> Flask:
    """Build the demo city homepage, which embeds the widget from ``collector_url``."""
    site = Flask(__name__, template_folder=str(DEMO_TEMPLATES))

    @site.get("/")
    def home():
        return render_template("home.html", collector_url=collector_url, office=office)

    @site.get("/klauzula-informacyjna")
    def privacy():
        return render_template("privacy.html")

    return site


def main() -> None:
    """Run both servers until interrupted."""
    app = create_app()
    collector_url = f"http://127.0.0.1:{COLLECTOR_PORT}"
    demo = create_demo_site(collector_url)
    threading.Thread(
        target=run_simple,
        args=("127.0.0.1", DEMO_PORT, demo),
        kwargs={"threaded": True},
        daemon=True,
    ).start()
    print(f"\n  Strona demonstracyjna urzędu:  http://127.0.0.1:{DEMO_PORT}/")
    print(f"  Panel administracyjny:          {collector_url}/admin\n")
    run_simple("127.0.0.1", COLLECTOR_PORT, app, threaded=True)


if __name__ == "__main__":
    main()
