"""The database stopped under load: the API answers 503 JSON, the hosted page its 503 Polish page,
and both recover once the database is back, without restarting the collector.

The test starts its own PostgreSQL cluster (initdb/pg_ctl from /usr/lib/postgresql/*/bin) in a
temporary folder on a free port, so stopping it disturbs nobody. Connections are not pinged before
use: the first request on a dead connection fails with 503 and renews the pool.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from collector.extensions import db
from tests.conftest import TEST_CONFIG
from tests.factories import RESPONSES_URL, create_office, valid_payload
from wsgi import create_app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    assert found, f"{name} not found under /usr/lib/postgresql/*/bin (apt-get install postgresql)"
    return found[-1]


class Cluster:
    """A private PostgreSQL cluster in a temporary folder, run as the postgres user when root."""

    def __init__(self) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="ocen-pg-"))
        self.data = self.dir / "data"
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            self.prefix = ["runuser", "-u", "postgres", "--"]
        else:
            self.prefix = []
        self.run(
            pg_bin("initdb"), "-D", str(self.data), "--auth=trust", "-U", "postgres", "-E", "UTF8"
        )

    def run(self, *args: str) -> None:
        subprocess.run([*self.prefix, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=on"
        self.run(
            pg_bin("pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.dir / "log"),
            "-w",
            "start",
        )

    def stop(self) -> None:
        self.run(pg_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/ocen"

    def remove(self) -> None:
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def cluster():
    cluster = Cluster()
    try:
        cluster.start()
        with psycopg.connect(
            f"postgresql://postgres@127.0.0.1:{cluster.port}/postgres", autocommit=True
        ) as conn:
            conn.execute("CREATE DATABASE ocen")
        yield cluster
    finally:
        cluster.remove()


def test_the_database_stopped_under_load_gives_503s_then_recovers_without_a_restart(cluster):
    app = create_app(
        {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": cluster.url, "API_CACHE_SECONDS": 5}
    )
    with app.app_context():
        db.create_all()
        office = create_office()
        office_id = office.id
        template = valid_payload(office)
    acknowledged: list[str] = []
    statuses: list[int] = []
    problems: list[str] = []
    stop = threading.Event()

    def post_continuously() -> None:
        client = app.test_client()
        deadline = time.monotonic() + 90  # bounded whatever happens
        while not stop.is_set() and time.monotonic() < deadline:
            payload = {**template, "id": str(uuid.uuid4())}
            answer = client.post(
                RESPONSES_URL.format(slug="demo"),
                json=payload,
                headers={"Origin": "http://demo.test"},
            )
            statuses.append(answer.status_code)
            if answer.status_code == 201:
                acknowledged.append(payload["id"])
            elif answer.status_code != 503:
                problems.append(f"{answer.status_code} {answer.data[:200]!r}")
            elif answer.mimetype != "application/json" or answer.headers.get("Retry-After") != "5":
                problems.append(f"503 without JSON or Retry-After: {answer.headers}")
            time.sleep(0.01)

    threads = [threading.Thread(target=post_continuously) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.5)
        stored_before_stop = len(acknowledged)
        cluster.stop()
        down_since = len(statuses)
        time.sleep(1.5)
        client = app.test_client()
        page_down = client.get("/s/demo")
        api_down = client.post(
            RESPONSES_URL.format(slug="demo"),
            json={**template, "id": str(uuid.uuid4())},
            headers={"Origin": "http://demo.test"},
        )
        cluster.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and statuses[-1:] != [201]:
            time.sleep(0.2)
        time.sleep(1.0)
        page_up = client.get("/s/demo")
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)

    assert stored_before_stop > 0
    assert not problems, problems[:5]
    assert 503 in statuses[down_since:], "no request saw the database down"
    assert api_down.status_code == 503 and api_down.get_json()["error"] == "unavailable"
    assert page_down.status_code == 503
    page_text = page_down.get_data(as_text=True)
    assert "Ankieta jest chwilowo niedostępna" in page_text and 'lang="pl"' in page_text
    assert statuses[-1] == 201, "the API did not recover"
    assert page_up.status_code == 200 and "<form" in page_up.get_data(as_text=True)
    # Nothing acknowledged was lost, and nothing refused was stored half.
    engine = sa.create_engine(cluster.url)
    with engine.connect() as conn:
        stored = {str(row[0]) for row in conn.execute(sa.text("SELECT id FROM response"))}
        orphans = conn.scalar(
            sa.text(
                "SELECT count(*) FROM answer a LEFT JOIN response r ON r.id = a.response_id WHERE r.id IS NULL"
            )
        )
        offices = conn.scalar(
            sa.text("SELECT count(*) FROM response WHERE office_id <> :id"), {"id": office_id}
        )
    engine.dispose()
    with app.app_context():
        db.engine.dispose()
    assert set(acknowledged) <= stored
    assert orphans == 0 and offices == 0
