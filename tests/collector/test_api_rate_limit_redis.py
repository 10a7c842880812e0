"""With Redis (as in production) the responses limit costs one round trip per POST and none per read.

The test starts its own Redis server on a free port (``redis-server`` from Debian's package).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest
import redis.connection

from tests.factories import create_office, post_response, valid_payload


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    binary = shutil.which("redis-server")
    assert binary, "redis-server is missing: apt-get install redis-server"
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def app_config(redis_url):
    return {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": redis_url,
        "RESPONSES_RATE_LIMIT": "3 per minute;50 per hour",
    }


@pytest.fixture
def round_trips(monkeypatch):
    """Count the commands sent to Redis (each one a round trip)."""
    sent = []
    real = redis.connection.AbstractConnection.send_packed_command

    def counting(self, command, *args, **kwargs):
        sent.append(command)
        return real(self, command, *args, **kwargs)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counting)
    return sent


def test_one_round_trip_per_post_none_per_read_and_a_429_past_the_limit(client, round_trips):
    office = create_office()
    first = post_response(client, payload=valid_payload(office))  # loads the script once
    round_trips.clear()

    second = post_response(client, payload=valid_payload(office))
    per_post = len(round_trips)
    round_trips.clear()
    reads = [client.get("/api/v1/offices/demo/survey").status_code for _ in range(5)]
    per_read = len(round_trips)
    third = post_response(client, payload=valid_payload(office))
    limited = post_response(client, payload=valid_payload(office))

    assert [first.status_code, second.status_code, third.status_code] == [201, 201, 201]
    assert per_post == 1  # both windows (minute and hour) counted in one script call
    assert reads == [200] * 5 and per_read == 0
    assert limited.status_code == 429
    assert limited.get_json()["error"] == "rate_limited"
    assert 0 < int(limited.headers["Retry-After"]) <= 60
    assert limited.headers["Access-Control-Allow-Origin"] == "http://demo.test"


def test_each_address_is_counted_on_its_own(client):
    office = create_office()
    one = [post_response(client, payload=valid_payload(office)).status_code for _ in range(4)]
    other = post_response(
        client, payload=valid_payload(office), environ_base={"REMOTE_ADDR": "192.0.2.44"}
    )
    assert one == [201, 201, 201, 429]
    assert other.status_code == 201
