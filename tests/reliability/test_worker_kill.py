"""kill -9 of a gunicorn worker under load loses no acknowledged response.

gunicorn runs with the production configuration (deploy/gunicorn.conf.py: gthread, 2 workers ×
4 threads); six client threads post distinct responses for a few seconds while one worker is
killed with SIGKILL. Every id answered 201 must be stored with all its answer rows; a request cut
by the kill is simply not acknowledged (the widget retries it with the same id). Bounded in time.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from tests.conftest import TEST_DATABASE_URL
from tests.factories import valid_answers

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DATABASES = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])
ANSWER_ROWS = len(valid_answers())  # one row per answer, no multi question among them


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(params=DATABASES)
def database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kill.db'}"
        return
    name = f"ocen_kill_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def workers_of(master: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.append(int(stat.parent.name))
    return pids


def test_a_killed_worker_loses_no_acknowledged_response(database, tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database,
        "DEMO_ORIGIN": "http://demo.test",
        "SECRET_KEY": "kill-test-" + "x" * 20,
        "RESPONSES_RATE_LIMIT": "100000 per minute",
        "RATELIMIT_STORAGE_URI": "memory://",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_THREADS": "4",
        "GUNICORN_LOGLEVEL": "warning",
    }
    env.pop("OCEN_ENV", None)
    for command in ("init-db", "seed-demo"):
        subprocess.run(
            [str(BIN / "flask"), "--app", "wsgi", command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stderr=log,
    )
    acknowledged: list[str] = []
    unexpected: list[str] = []
    cut = [0]
    try:
        deadline = time.monotonic() + 90  # both workers have loaded the app and answer
        ready = 0
        while ready < 4:
            assert time.monotonic() < deadline, (tmp_path / "gunicorn.log").read_text()[-2000:]
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                connection.request("GET", "/healthz")
                ready = ready + 1 if connection.getresponse().status == 200 else 0
                connection.close()
            except (OSError, http.client.HTTPException):
                time.sleep(0.3)
        stop = time.monotonic() + 8  # bounded load

        def post_until_stop() -> None:
            while time.monotonic() < stop:
                response_id = str(uuid.uuid4())
                body = json.dumps(
                    {
                        "id": response_id,
                        "version": 1,
                        "lang": "pl",
                        "channel": "widget",
                        "elapsed_ms": 5000,
                        "website": "",
                        "answers": valid_answers(),
                    }
                )
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
                try:
                    connection.request(
                        "POST",
                        "/api/v1/offices/demo/responses",
                        body=body.encode(),
                        headers={"Content-Type": "application/json", "Origin": "http://demo.test"},
                    )
                    answer = connection.getresponse()
                    answer.read()
                except (OSError, http.client.HTTPException):
                    cut[0] += 1  # cut by the kill: not acknowledged
                    continue
                finally:
                    connection.close()
                if answer.status == 201:
                    acknowledged.append(response_id)
                else:
                    unexpected.append(str(answer.status))

        threads = [threading.Thread(target=post_until_stop) for _ in range(6)]
        for thread in threads:
            thread.start()
        time.sleep(2.5)
        victims = workers_of(server.pid)
        assert len(victims) == 2
        before_kill = len(acknowledged)
        os.kill(victims[0], signal.SIGKILL)
        for thread in threads:
            thread.join(timeout=60)
        respawned = workers_of(server.pid)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        log.close()

    assert not unexpected, unexpected[:5]
    assert before_kill > 0 and len(acknowledged) > before_kill, "no load before or after the kill"
    assert victims[0] not in respawned and len(respawned) == 2, (
        "gunicorn did not replace the worker"
    )
    assert not unexpected, unexpected[:5]
    engine = sa.create_engine(database)
    with engine.connect() as conn:
        stored = dict(
            conn.execute(
                sa.text(
                    "SELECT r.id, count(a.id) FROM response r LEFT JOIN answer a ON a.response_id = r.id "
                    "GROUP BY r.id"
                )
            ).all()
        )
    engine.dispose()
    stored = {str(uuid.UUID(str(key))): rows for key, rows in stored.items()}
    missing = [rid for rid in acknowledged if rid not in stored]
    assert not missing, f"{len(missing)} acknowledged responses lost"
    assert {stored[rid] for rid in acknowledged} == {ANSWER_ROWS}
