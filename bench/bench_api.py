"""Throughput of the public API against a bare Flask endpoint, both under gunicorn, measured side by side.

POST /responses (valid, distinct payloads, stored with durable commits) is compared with a bare
endpoint that parses the same JSON and answers 201 without storing; GET /survey answered 304 with
a bare endpoint answering 304. Load comes from ``wrk`` (Debian package) in a second process on
127.0.0.1; each figure is the median of several interleaved runs.

Environment: BENCH_PG_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/ocen_bench, created
if missing; never the CI database ``test``), BENCH_RUNS (5), BENCH_SECONDS (4), BENCH_WORKERS (2),
BENCH_THREADS (4), BENCH_CONNECTIONS (8), BENCH_SQLITE_FULL (1 = measure synchronous=FULL too),
BENCH_ONLY (run only the rows whose name contains it, e.g. "POST sqlite").
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, Response, request

ROOT = Path(__file__).resolve().parent.parent
DEMO_ORIGIN = "http://127.0.0.1:5001"
BARE_ETAG = '"0123456789abcdef0123456789abcdef"'
TARGETS = {"POST sqlite": 0.5, "POST sqlite FULL": 0.5, "POST postgresql": 0.4, "GET 304": 0.8}

# Unique ids: a random prefix per wrk thread, the thread's number and a counter.
POST_LUA = r"""
local counter = 0
local threads = {}
local prefix
local template = [[%s]]

function setup(thread)
  thread:set("number", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + number * 7919 + math.floor(os.clock() * 1000000))
  prefix = math.random(0, 0x7fffffff)
  bad = 0
end

function request()
  counter = counter + 1
  local id = string.format("%%08x-%%04x-4%%03x-a%%03x-%%012x", prefix, number, math.random(0, 4095),
                           math.random(0, 4095), counter)
  return wrk.format("POST", nil, nil, (template:gsub("BENCH_ID", id)))
end

function response(status, headers, body)
  if status ~= 201 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("bad") end
  io.write(string.format("BAD %%d\n", total))
end
"""

GET_LUA = r"""
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body)
  if status ~= 304 then bad = bad + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("bad") end
  io.write(string.format("BAD %d\n", total))
end
"""


def create_api_app():
    """Build the real app for gunicorn, with rate limiting off (it would cap the figures)."""
    from wsgi import create_app

    config = {"RATELIMIT_ENABLED": False}
    if os.environ.get("BENCH_SQLITE_SYNCHRONOUS"):
        config["SQLITE_SYNCHRONOUS"] = os.environ["BENCH_SQLITE_SYNCHRONOUS"]
    return create_app(config)


def create_bare_app() -> Flask:
    """Build the baseline: parse the same JSON and answer 201, or answer 304; nothing stored."""
    app = Flask("bare")

    @app.post("/api/v1/offices/<slug>/responses")
    def submit_response(slug):
        data = json.loads(request.get_data())
        return Response(
            json.dumps({"id": data["id"], "status": "created"}),
            status=201,
            mimetype="application/json",
        )

    @app.get("/api/v1/offices/<slug>/survey")
    def get_survey(slug):
        if request.headers.get("If-None-Match") == BARE_ETAG:
            return Response(status=304, headers={"ETag": BARE_ETAG})
        return Response("{}", mimetype="application/json", headers={"ETag": BARE_ETAG})

    return app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310
            return
        except OSError as exc:
            if getattr(exc, "code", None):  # an HTTP error means the server answers
                return
            time.sleep(0.1)
    raise RuntimeError(f"server at {url} did not start")


class Server:
    """A running gunicorn: its URL, and the CPU time its workers have used."""

    def __init__(self, url: str, master_pid: int) -> None:
        self.url = url
        self.master_pid = master_pid

    def cpu_seconds(self) -> float:
        """Return the user+system CPU seconds used so far by the master's worker processes."""
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.master_pid:  # ppid
                total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / os.sysconf("SC_CLK_TCK")


@contextmanager
def gunicorn(app_factory: str, env: dict[str, str], workers: int, threads: int):
    """Run gunicorn with the given app factory; yield a Server."""
    port = free_port()
    cmd = [
        str(Path(sys.executable).with_name("gunicorn")),
        "-w",
        str(workers),
        "-k",
        "gthread",
        "--threads",
        str(threads),
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        app_factory,
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env}, start_new_session=True)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz")
        yield Server(f"http://127.0.0.1:{port}", proc.pid)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def run_wrk(
    url: str, script: str, headers: dict[str, str], seconds: int, connections: int
) -> tuple[float, int]:
    """Load ``url`` with wrk; return requests per second and requests (fails on any unexpected answer)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        cmd = [
            "wrk",
            "-t",
            str(min(2, connections)),
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "-s",
            handle.name,
        ]
        for name, value in headers.items():
            cmd += ["-H", f"{name}: {value}"]
        out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(handle.name)
    bad = int(re.search(r"BAD (\d+)", out).group(1))
    errors = re.search(r"Socket errors: (.*)", out)
    if bad or errors:
        raise RuntimeError(f"unexpected answers from {url}:\n{out}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return rate, int(re.search(r"(\d+) requests in", out).group(1))


def measure(
    server: Server, path: str, script: str, headers: dict[str, str], seconds: int, connections: int
) -> tuple[float, float]:
    """Return requests per second and the server's CPU milliseconds per request for one run."""
    before = server.cpu_seconds()
    rate, requests = run_wrk(server.url + path, script, headers, seconds, connections)
    return rate, (server.cpu_seconds() - before) * 1000 / max(requests, 1)


def post_script(version: int) -> str:
    body = json.dumps(
        {
            "id": "BENCH_ID",
            "version": version,
            "lang": "pl",
            "channel": "widget",
            "elapsed_ms": 31000,
            "website": "",
            "answers": {
                "department": "komunikacja",
                "purpose": ["wniosek", "odbior"],
                "resolved": "tak",
                "service_politeness": 5,
                "service_competence": 4,
                "service_clarity": 4,
                "service_waiting": "na",
                "service_deadline": 3,
                "conditions_signage": 5,
                "conditions_hours": 4,
                "overall": 4,
                "important": ["service_politeness", "conditions_hours"],
                "frequency": "kilka_w_roku",
                "comment": "Długo czekałem, ale pani była bardzo miła. Zażółć gęślą jaźń.",
            },
        },
        ensure_ascii=False,
    )
    assert "]]" not in body
    return POST_LUA % body


def prepare_database(url: str) -> None:
    """Migrate ``url`` to the newest schema and create the demo office."""
    env = {**os.environ, "DATABASE_URL": url, "DEMO_ORIGIN": DEMO_ORIGIN}
    flask = str(Path(sys.executable).with_name("flask"))
    for command in ("init-db", "seed-demo"):
        subprocess.run(
            [flask, "--app", "wsgi", command], cwd=ROOT, env=env, check=True, capture_output=True
        )


def ensure_pg_database(url: str) -> str | None:
    """Create the scratch PostgreSQL database if missing; return why it cannot be used, or None."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.database in ("test", "postgres"):
        return f"refusing to benchmark in the database {parsed.database!r}; set BENCH_PG_URL"
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,)
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{parsed.database}"')
            settings = conn.execute(
                "SELECT current_setting('fsync'), current_setting('synchronous_commit')"
            ).fetchone()
    except psycopg.Error as exc:
        return f"PostgreSQL not reachable ({exc.__class__.__name__})"
    print(f"PostgreSQL: fsync={settings[0]}, synchronous_commit={settings[1]}")
    return None


def get_etag(base: str) -> str:
    with urllib.request.urlopen(f"{base}/api/v1/offices/demo/survey") as answer:  # noqa: S310
        return answer.headers["ETag"]


def is_wanted(name: str) -> bool:
    """Tell whether BENCH_ONLY (if set) asks for the row ``name``."""
    return os.environ.get("BENCH_ONLY", "") in name


def measure_pair(name: str, api_env: dict[str, str], kind: str, settings: dict) -> dict | None:
    """Interleave runs against the real app and the bare one; return the medians and the ratio."""
    if not is_wanted(name):
        return None
    workers, threads = settings["workers"], settings["threads"]
    seconds, connections, runs = settings["seconds"], settings["connections"], settings["runs"]
    with (
        gunicorn("bench.bench_api:create_api_app()", api_env, workers, threads) as api_server,
        gunicorn("bench.bench_api:create_bare_app()", {}, workers, threads) as bare_server,
    ):
        wait_until_up(f"{bare_server.url}/api/v1/offices/demo/survey")
        if kind == "post":
            script = post_script(version=1)
            headers = {"Content-Type": "text/plain", "Origin": DEMO_ORIGIN}
            path = "/api/v1/offices/demo/responses"
            api_headers = bare_headers = headers
        else:
            script = GET_LUA
            path = "/api/v1/offices/demo/survey"
            api_headers = {"If-None-Match": get_etag(api_server.url)}
            bare_headers = {"If-None-Match": BARE_ETAG}
        for server, hdrs in ((api_server, api_headers), (bare_server, bare_headers)):  # warm up
            run_wrk(server.url + path, script, hdrs, 1, connections)
        api, bare, ratios, api_cpu, bare_cpu = [], [], [], [], []
        for _ in range(runs):
            rate, cpu = measure(bare_server, path, script, bare_headers, seconds, connections)
            bare.append(rate)
            bare_cpu.append(cpu)
            rate, cpu = measure(api_server, path, script, api_headers, seconds, connections)
            api.append(rate)
            api_cpu.append(cpu)
            ratios.append(api[-1] / bare[-1])
    result = {
        "name": name,
        "api": statistics.median(api),
        "bare": statistics.median(bare),
        "ratio": statistics.median(ratios),
        "runs": runs,
        "api_cpu": statistics.median(api_cpu),
        "bare_cpu": statistics.median(bare_cpu),
    }
    print(
        f"  {name}: api {[round(x) for x in api]}  bare {[round(x) for x in bare]}  req/s",
        flush=True,
    )
    return result


def count_rows(url: str) -> int:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT count(*) FROM response")).scalar_one()
    engine.dispose()
    return rows


def main() -> None:
    """Measure and print the table."""
    if shutil.which("wrk") is None:
        print(
            "wrk is not installed: `apt-get install -y wrk` (Debian package), then `make bench` again."
        )
        return
    settings = {
        "runs": int(os.environ.get("BENCH_RUNS", "5")),
        "seconds": int(os.environ.get("BENCH_SECONDS", "4")),
        "workers": int(os.environ.get("BENCH_WORKERS", "2")),
        "threads": int(os.environ.get("BENCH_THREADS", "4")),
        "connections": int(os.environ.get("BENCH_CONNECTIONS", "8")),
    }
    print(f"load average at the start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(
        "gunicorn gthread, {workers} workers x {threads} threads each side; wrk -t2 -c{connections}, "
        "{seconds} s per run, median of {runs} interleaved runs".format(**settings),
        flush=True,
    )
    results = []
    scratch = Path(tempfile.mkdtemp(prefix="ocen-bench-"))
    try:
        sqlite_url = f"sqlite:///{scratch / 'bench.db'}"
        prepare_database(sqlite_url)
        base_env = {
            "DATABASE_URL": sqlite_url,
            "DEMO_ORIGIN": DEMO_ORIGIN,
            "SECRET_KEY": "bench-" + "x" * 20,
        }
        results.append(measure_pair("POST sqlite", base_env, "post", settings))
        if os.environ.get("BENCH_SQLITE_FULL", "1") == "1":
            results.append(
                measure_pair(
                    "POST sqlite FULL",
                    {**base_env, "BENCH_SQLITE_SYNCHRONOUS": "FULL"},
                    "post",
                    settings,
                )
            )
        if is_wanted("POST sqlite"):
            print(f"  SQLite rows stored: {count_rows(sqlite_url)}")
        results.append(measure_pair("GET 304", base_env, "get", settings))

        pg_url = os.environ.get(
            "BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/ocen_bench"
        )
        problem = None if is_wanted("POST postgresql") else "not asked for (BENCH_ONLY)"
        problem = problem or ensure_pg_database(pg_url)
        if problem:
            print(f"  skipped PostgreSQL: {problem}")
        else:
            prepare_database(pg_url)
            results.append(
                measure_pair(
                    "POST postgresql", {**base_env, "DATABASE_URL": pg_url}, "post", settings
                )
            )
            print(f"  PostgreSQL rows stored: {count_rows(pg_url)}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    print()
    print(
        f"{'endpoint':<18} {'api req/s':>10} {'bare req/s':>11} {'ratio':>6} {'target':>7}         "
        f"{'CPU ms/req api':>15} {'bare':>6} {'CPU ratio':>10}"
    )
    for r in filter(None, results):
        target = TARGETS[r["name"]]
        verdict = "ok" if r["ratio"] >= target else "MISSED"
        print(
            f"{r['name']:<18} {r['api']:>10.0f} {r['bare']:>11.0f} {r['ratio']:>6.2f} {target:>7.2f}  "
            f"{verdict:<6} {r['api_cpu']:>15.3f} {r['bare_cpu']:>6.3f} {r['bare_cpu'] / r['api_cpu']:>10.2f}"
        )
    print(
        f"\nload average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (other work on the "
        "machine moves req/s; the collector's own CPU per request, from /proc, moves much less)"
    )
    print(
        "\nSQLite runs in WAL mode with synchronous=NORMAL (what we ship): a commit survives a crash of the "
        "collector, but the last commits may be lost on power loss or an OS crash; 'FULL' fsyncs every "
        "commit. PostgreSQL commits are fsynced (synchronous_commit=on)."
    )


if __name__ == "__main__":
    main()
