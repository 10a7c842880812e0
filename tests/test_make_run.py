"""The README's promise, run as written: `make run` sets up the demo on SQLite and serves it.

The demo city page (one origin) embeds the widget from the collector (another origin); the
collector answers the survey in Polish and stores a response posted from the demo page's origin.
`make run` serves both through the top-level ``devserver.py``, which composes the app next to
``wsgi.py`` (no package imports the composition root).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(
    url: str, data: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310 - a local URL
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_for(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"make run exited with {process.returncode}:\n{process.stdout.read()}")
        try:
            fetch(url)
            return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"make run did not serve {url} within {timeout} s")


@pytest.fixture
def make_run(tmp_path):
    collector_port, demo_port = free_port(), free_port()
    collector, demo = f"http://127.0.0.1:{collector_port}", f"http://127.0.0.1:{demo_port}"
    database = tmp_path / "demo.db"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "COLLECTOR_PORT": str(collector_port),
        "DEMO_PORT": str(demo_port),
        "PUBLIC_URL": collector,
        "DEMO_ORIGIN": demo,
    }
    for name in ("TEST_DATABASE_URL", "MAKEFLAGS", "MAKELEVEL", "MFLAGS"):
        env.pop(name, None)
    process = subprocess.Popen(
        ["make", "--no-print-directory", "run"],
        cwd=ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for(collector + "/healthz", process)
        wait_for(demo + "/", process)
        yield {"collector": collector, "demo": demo, "database": database}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        process.stdout.close()


def test_make_run_serves_the_demo_and_stores_a_response_from_the_demo_page(make_run):
    collector, demo = make_run["collector"], make_run["demo"]

    status, page = fetch(demo + "/")
    assert status == 200
    assert f'src="{collector}/widget.js"' in page.decode() and 'data-office="demo"' in page.decode()
    status, script = fetch(collector + "/widget.js")
    assert status == 200 and b"OcenUrzad" in script

    status, body = fetch(collector + "/api/v1/offices/demo/survey")
    assert status == 200
    survey = json.loads(body)
    assert survey["lang"] == "pl"
    questions = {question["key"]: question for question in survey["questions"]}
    assert questions["overall"]["text"] == "Jak ogólnie ocenia Pan/Pani obsługę w Urzędzie?"

    response_id = str(uuid.uuid4())
    answers = {
        "department": questions["department"]["options"][0]["key"],
        "overall": 4,
        "comment": "Zażółć gęślą jaźń — działa.",
    }
    payload = {
        "id": response_id,
        "version": survey["version"],
        "lang": "pl",
        "channel": "widget",
        "elapsed_ms": 20000,
        "website": "",
        "answers": answers,
    }
    status, body = fetch(
        collector + "/api/v1/offices/demo/responses",
        json.dumps(payload).encode(),
        {"Content-Type": "text/plain;charset=UTF-8", "Origin": demo},
    )
    assert status == 201, body

    with sqlite3.connect(make_run["database"]) as connection:
        stored = connection.execute("SELECT count(*) FROM response").fetchone()[0]
        comment = connection.execute(
            "SELECT text FROM answer WHERE question_key = 'comment'"
        ).fetchone()[0]
    assert stored == 1
    assert comment == "Zażółć gęślą jaźń — działa."


def test_the_demo_page_embeds_the_widget_from_the_collector_and_links_its_privacy_notice():
    from devserver import create_demo_site

    demo = create_demo_site("http://collector.test", office="leszno").test_client()

    page = demo.get("/").get_data(as_text=True)
    assert 'src="http://collector.test/widget.js"' in page and 'data-office="leszno"' in page
    assert demo.get("/klauzula-informacyjna").status_code == 200
