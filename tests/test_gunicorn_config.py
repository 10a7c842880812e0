"""The production server configuration (deploy/gunicorn.conf.py): slow clients cannot freeze it.

gunicorn's threaded worker reads a request with no time limit, so as many half-sent requests as
a worker has threads froze it for as long as the clients liked. With the configuration's bounded
reads, the next resident is served once the stalled ones time out, and a stalled body is refused
with nothing of it stored.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from flask_migrate import upgrade

from collector.audit import CLI_ACTOR
from collector.extensions import db
from collector.operations.offices import create_office
from tests.test_make_run import free_port
from wsgi import create_app

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
READ_TIMEOUT = 2
ORIGIN = "http://127.0.0.1:5001"


def prepare_database(url: str) -> None:
    """Migrate a new SQLite database and add the office the requests below go to."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "s" * 32})
    with app.app_context():
        upgrade()
        create_office(
            "demo", "Urząd Testowy", origins=[ORIGIN], actor=CLI_ACTOR, strict_origins=False
        )
        db.session.commit()
        db.engine.dispose()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn with the repository's configuration: one worker with two threads, on SQLite."""
    tmp_path = tmp_path_factory.mktemp("gunicorn")
    port = free_port()
    env = {
        **os.environ,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "2",
        "GUNICORN_READ_TIMEOUT": str(READ_TIMEOUT),
        "DATABASE_URL": f"sqlite:///{tmp_path}/served.db",
        "SECRET_KEY": "s" * 32,
    }
    prepare_database(env["DATABASE_URL"])
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(  # noqa: S603 - our own gunicorn and config
        [str(GUNICORN), "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=2).read()  # noqa: S310 - local
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("gunicorn did not start: " + (tmp_path / "gunicorn.log").read_text())
    yield url, port, tmp_path / "gunicorn.log"
    process.terminate()
    process.wait(timeout=30)
    log.close()


def half_sent(port: int, what: bytes) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(what)
    return sock


HALF_HEADERS = b"POST /api/v1/offices/demo/responses HTTP/1.1\r\nHost: x\r\n"
HALF_BODY = (
    b"POST /api/v1/offices/demo/responses HTTP/1.1\r\nHost: x\r\n"
    b"Origin: " + ORIGIN.encode() + b"\r\n"
    b"Content-Type: application/json\r\nContent-Length: 500\r\n\r\n"
    b'{"id": "'
)


@pytest.mark.parametrize("stalled", [HALF_HEADERS, HALF_BODY], ids=["headers", "body"])
def test_stalled_clients_do_not_freeze_the_worker(server, stalled):
    url, port, _log = server
    stalled_clients = [half_sent(port, stalled) for _ in range(2)]  # as many as the threads
    try:
        started = time.monotonic()
        with urllib.request.urlopen(f"{url}/healthz", timeout=READ_TIMEOUT * 6) as answer:  # noqa: S310
            assert answer.status == 200
        # Served after the stalled reads gave up, not after the clients chose to go.
        assert time.monotonic() - started < READ_TIMEOUT * 5
    finally:
        for sock in stalled_clients:
            sock.close()


def test_a_stalled_body_is_refused_and_nothing_is_stored(server):
    _url, port, log = server
    database = log.with_name("served.db")
    sock = half_sent(port, HALF_BODY)
    sock.settimeout(READ_TIMEOUT * 6)
    try:
        answer = sock.recv(200)
    finally:
        sock.close()
    # Werkzeug reports the timed-out read as a client that went away: a 400 JSON answer.
    assert answer.startswith(b"HTTP/1.1 400")
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT count(*) FROM response").fetchone() == (0,)
    # No client address in the server's log lines (the server's own "Listening at" line aside).
    lines = [line for line in log.read_text().splitlines() if "Listening at" not in line]
    assert not [line for line in lines if "127.0.0.1" in line]
