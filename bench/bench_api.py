"""POST /responses against two bare baselines, both under gunicorn, measured side by side.

The real app (limiter off, and on with Redis at 127.0.0.1:6379 as in production) is compared in
alternating rounds with a bare Flask endpoint that parses the same JSON and answers 201 (the bare
parse), and one that also writes the same response and answer rows by plain SQL in one durable
transaction, with no validation (the bare store). The code before this work (``BENCH_BEFORE_REF``,
default: main just before the lean write path was merged, 5d89893, checked out of git into a
temporary folder, limiter off) runs in the same rounds for CPU per POST and latency. GET /survey answered 304 (limiter on) against a bare 304. Load comes
from ``wrk`` (Debian package) in a second process on 127.0.0.1; each figure is the median of the
rounds, and the ratios are the medians of each round's ratio.

Environment: BENCH_PG_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/ocen_bench, created
if missing; never the CI database ``test``), BENCH_RUNS (5), BENCH_SECONDS (4), BENCH_WORKERS (2),
BENCH_THREADS (4), BENCH_CONNECTIONS (8), BENCH_REDIS (redis://127.0.0.1:6379),
BENCH_BEFORE_REF (5d89893; empty = skip), BENCH_ONLY (run only the parts whose name contains it:
"sqlite", "postgresql", "304").
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
from contextlib import ExitStack, contextmanager
from pathlib import Path

from flask import Flask, Response, request

ROOT = Path(__file__).resolve().parent.parent
DEMO_ORIGIN = "http://127.0.0.1:5001"
BARE_ETAG = '"0123456789abcdef0123456789abcdef"'
# (row, baseline) -> target ratio
TARGETS = {
    ("sqlite, limiter off", "store"): 0.85,
    ("postgresql, limiter off", "store"): 0.8,
    ("sqlite, limiter on", "store"): 0.75,
    ("postgresql, limiter on", "store"): 0.75,
    ("GET 304, limiter on", "bare"): 1.0,
}
# main just before the lean write path (issue 12) was merged: the "before" of CPU and latency.
BEFORE_REF = "5d89893b591d5e450c109e29d92713d3363a97be"
BENCH_LIMITS = "1000000 per minute;100000000 per hour"  # two windows, as the default; never hit

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
    """Build the real app for gunicorn: the rate limiter off, or on (BENCH_LIMITER=1) with Redis."""
    from wsgi import create_app

    config: dict = {"RATELIMIT_ENABLED": os.environ.get("BENCH_LIMITER") == "1"}
    if config["RATELIMIT_ENABLED"]:
        config["RATELIMIT_STORAGE_URI"] = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379")
        config["RESPONSES_RATE_LIMIT"] = BENCH_LIMITS
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

    @app.get("/healthz")
    def healthz():
        return "ok"

    return app


def bare_rows(data: dict, response_id: str) -> list[tuple]:
    """Return (question_key, value, option_key, text) for each answer row, with no checks."""
    rows = []
    for key, value in data["answers"].items():
        if isinstance(value, list):
            rows.extend((key, None, option, None) for option in value)
        elif isinstance(value, int):
            rows.append((key, value, None, None))
        elif key == "comment":
            rows.append((key, None, None, value))
        else:
            rows.append((key, None, value, None))
    return rows


def create_bare_store_app() -> Flask:
    """Build the bare store: parse, then write the response and its answer rows by plain SQL in one
    durable transaction on a connection kept per thread; no validation, no idempotency."""
    import datetime
    import hashlib
    import threading
    import uuid

    url = os.environ["DATABASE_URL"]
    local = threading.local()
    sqlite_lock = threading.Lock()
    postgres = url.startswith("postgresql")

    def connect():
        if postgres:
            import psycopg

            conn = psycopg.connect(url.replace("postgresql+psycopg", "postgresql"))
        else:
            import sqlite3

            conn = sqlite3.connect(url.removeprefix("sqlite:///"), check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=10000")
        row = conn.execute(
            "SELECT o.id, v.id FROM office o JOIN survey s ON s.office_id = o.id "
            "JOIN survey_version v ON v.survey_id = s.id WHERE o.slug = 'demo' AND v.number = 1"
        ).fetchone()
        conn.commit()
        return conn, row[0], row[1]

    app = create_bare_app()

    @app.post("/api/v1/offices/<slug>/store")
    def store_response(slug):
        data = json.loads(request.get_data())
        if not hasattr(local, "conn"):
            local.conn = connect()
        conn, office_id, version_id = local.conn
        now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
        content_hash = hashlib.sha256(request.get_data()).hexdigest()
        rid = uuid.UUID(data["id"])
        answers = bare_rows(data, data["id"])
        if postgres:
            with conn.transaction():
                conn.execute(
                    "INSERT INTO response (id, office_id, version_id, submitted_at, channel, lang, "
                    "department_key, content_hash, completed) "
                    "VALUES (%s, %s, %s, %s, 'widget', 'pl', %s, %s, true)",
                    (
                        rid,
                        office_id,
                        version_id,
                        now,
                        data["answers"].get("department"),
                        content_hash,
                    ),
                )
                conn.cursor().executemany(
                    "INSERT INTO answer (response_id, office_id, version_id, submitted_at, "
                    "department_key, question_key, value, option_key, text, hidden) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, false)",
                    [(rid, office_id, version_id, now, None, *row) for row in answers],
                )
        else:
            stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f")
            with sqlite_lock:
                conn.execute(
                    "INSERT INTO response (id, office_id, version_id, submitted_at, channel, lang, "
                    "department_key, content_hash, completed) VALUES (?, ?, ?, ?, 'widget', 'pl', ?, ?, 1)",
                    (
                        rid.hex,
                        office_id,
                        version_id,
                        stamp,
                        data["answers"].get("department"),
                        content_hash,
                    ),
                )
                conn.executemany(
                    "INSERT INTO answer (response_id, office_id, version_id, submitted_at, "
                    "department_key, question_key, value, option_key, text, hidden) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
                    [(rid.hex, office_id, version_id, stamp, None, *row) for row in answers],
                )
                conn.commit()
        return Response(
            json.dumps({"id": data["id"], "status": "created"}),
            status=201,
            mimetype="application/json",
        )

    return app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, timeout: float = 180) -> None:
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
def gunicorn(app_factory: str, env: dict[str, str], workers: int, threads: int, cwd: Path = ROOT):
    """Run gunicorn with the given app factory (from the tree at ``cwd``); yield a Server."""
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
    proc = subprocess.Popen(
        cmd, cwd=cwd, env={**os.environ, "PYTHONPATH": str(cwd), **env}, start_new_session=True
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz")
        yield Server(f"http://127.0.0.1:{port}", proc.pid)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


UNEXPECTED: dict[str, int] = {}  # url -> answers other than the expected status


def parse_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def run_wrk(
    url: str, script: str, headers: dict[str, str], seconds: int, connections: int
) -> tuple[float, int, float]:
    """Load ``url`` with wrk; return requests per second, requests and the mean latency in ms
    (fails on any unexpected answer)."""
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
    if errors:
        raise RuntimeError(f"socket errors from {url}:\n{out}")
    if bad:  # counted and printed with the row (a busy machine can time out a write)
        UNEXPECTED[url] = UNEXPECTED.get(url, 0) + bad
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = parse_ms(re.search(r"Latency\s+(\S+)", out).group(1))
    return rate, int(re.search(r"(\d+) requests in", out).group(1)), latency


def post_body(version: int = 1) -> str:
    """A complete response with the low-score follow-up: every question type, 11 answer rows."""
    return json.dumps(
        {
            "id": "BENCH_ID",
            "version": version,
            "lang": "pl",
            "channel": "widget",
            "elapsed_ms": 31000,
            "website": "",
            "answers": {
                "overall": 2,
                "department": "komunikacja",
                "resolved": "czesciowo",
                "service_politeness": 5,
                "service_competence": 4,
                "service_clarity": 4,
                "service_waiting": "na",
                "service_deadline": 3,
                "what_went_wrong": ["czas", "informacja"],
                "comment": "Długo czekałem, ale pani była bardzo miła. Zażółć gęślą jaźń.",
            },
        },
        ensure_ascii=False,
    )


def post_script() -> str:
    body = post_body()
    assert "]]" not in body
    return POST_LUA % body


def prepare_database(url: str, cwd: Path = ROOT) -> None:
    """Migrate ``url`` to the newest schema (of the tree at ``cwd``) and create the demo office."""
    env = {**os.environ, "DATABASE_URL": url, "DEMO_ORIGIN": DEMO_ORIGIN, "PYTHONPATH": str(cwd)}
    flask = str(Path(sys.executable).with_name("flask"))
    for command in ("init-db", "seed-demo"):
        subprocess.run(
            [flask, "--app", "wsgi", command], cwd=cwd, env=env, check=True, capture_output=True
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
    """Tell whether BENCH_ONLY (if set) asks for the part ``name``."""
    return os.environ.get("BENCH_ONLY", "") in name


def before_tree(ref: str, scratch: Path) -> tuple[Path, str] | None:
    """Check out ``ref`` into a scratch folder (with the built widget and the .mo); None if unknown."""
    found = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", ref], capture_output=True, text=True
    )
    if not ref or found.returncode:
        return None
    tree = scratch / "before"
    tree.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    for built in ("widget/dist", "collector/translations/en/LC_MESSAGES"):
        if (ROOT / built).exists():
            shutil.copytree(ROOT / built, tree / built, dirs_exist_ok=True)
    return tree, found.stdout.strip()


def rounds(entries: list[dict], settings: dict, seconds: int, connections: int) -> None:
    """Run ``settings['runs']`` rounds, each entry once per round in turn; keep rate, CPU, latency."""
    for entry in entries:  # warm up
        run_wrk(entry["url"], entry["script"], entry["headers"], 1, connections)
        entry.update(rates=[], cpu=[], latency=[])
    for _ in range(settings["runs"]):
        for entry in entries:
            before = entry["server"].cpu_seconds()
            rate, requests, latency = run_wrk(
                entry["url"], entry["script"], entry["headers"], seconds, connections
            )
            entry["rates"].append(rate)
            entry["cpu"].append((entry["server"].cpu_seconds() - before) * 1e6 / max(requests, 1))
            entry["latency"].append(latency)


def median_ratio(a: dict, b: dict) -> float:
    return statistics.median(x / y for x, y in zip(a["rates"], b["rates"], strict=True))


def bench_posts(
    database: str, url: str, settings: dict, before: tuple[Path, str] | None, before_url: str | None
) -> list[str]:
    """Measure POST on one database: the app (limiter off/on), the two bare baselines, the code
    before; return the table's lines."""
    workers, threads = settings["workers"], settings["threads"]
    env = {"DATABASE_URL": url, "DEMO_ORIGIN": DEMO_ORIGIN, "SECRET_KEY": "bench-" + "x" * 20}
    headers = {"Content-Type": "text/plain", "Origin": DEMO_ORIGIN}
    path = "/api/v1/offices/demo/responses"
    script = post_script()
    with ExitStack() as stack:

        def serve(name, factory, extra=None, cwd=ROOT, route=path):
            server = stack.enter_context(
                gunicorn(factory, {**env, **(extra or {})}, workers, threads, cwd)
            )
            return {
                "name": name,
                "server": server,
                "url": server.url + route,
                "script": script,
                "headers": headers,
            }

        parse = serve("bare parse", "bench.bench_api:create_bare_app()")
        store = serve(
            "bare store",
            "bench.bench_api:create_bare_store_app()",
            route="/api/v1/offices/demo/store",
        )
        off = serve(f"{database}, limiter off", "bench.bench_api:create_api_app()")
        on = serve(
            f"{database}, limiter on", "bench.bench_api:create_api_app()", {"BENCH_LIMITER": "1"}
        )
        entries = [parse, store, off, on]
        old = None
        if before is not None:
            old = serve(
                f"{database}, before ({before[1]}), limiter off",
                "bench.bench_api:create_api_app()",
                {"DATABASE_URL": before_url},
                cwd=before[0],
            )
            entries.append(old)
        rounds(entries, settings, settings["seconds"], settings["connections"])
        print(
            f"  {database}: "
            + "; ".join(f"{e['name']} {[round(x) for x in e['rates']]}" for e in entries),
            flush=True,
        )
        # One POST at a time: the latency a resident sees, without queueing.
        single = [off] + ([old] if old else [])
        lat_entries = [dict(e) for e in single]
        rounds(lat_entries, settings, max(2, settings["seconds"] // 2), 1)
    lines = []
    for entry in entries:
        row = entry["name"]
        target = TARGETS.get((row, "store"))
        verdict = (
            ""
            if target is None
            else f"{target:.2f} {'ok' if median_ratio(entry, store) >= target else 'MISSED'}"
        )
        bad = UNEXPECTED.get(entry["url"], 0)
        lines.append(
            f"{row:<38} {statistics.median(entry['rates']):>8.0f} {statistics.median(entry['cpu']):>9.0f} "
            f"{median_ratio(entry, parse):>8.2f} {median_ratio(entry, store):>8.2f}  {verdict}"
            + (f"  ({bad} answers not 201)" if bad else "")
        )
    for entry in lat_entries:
        lines.append(
            f"{'  one at a time: ' + entry['name']:<38} latency {statistics.median(entry['latency']):.2f} ms, {statistics.median(entry['rates']):.0f} POST/s"
        )
    return lines


def bench_304(url: str, settings: dict) -> list[str]:
    """The survey's 304 (limiter on, as in production) against a bare 304."""
    workers, threads = settings["workers"], settings["threads"]
    env = {
        "DATABASE_URL": url,
        "DEMO_ORIGIN": DEMO_ORIGIN,
        "SECRET_KEY": "bench-" + "x" * 20,
        "BENCH_LIMITER": "1",
    }
    path = "/api/v1/offices/demo/survey"
    with (
        gunicorn("bench.bench_api:create_api_app()", env, workers, threads) as api_server,
        gunicorn("bench.bench_api:create_bare_app()", {}, workers, threads) as bare_server,
    ):
        api = {
            "name": "GET 304, limiter on",
            "server": api_server,
            "url": api_server.url + path,
            "script": GET_LUA,
            "headers": {"If-None-Match": get_etag(api_server.url)},
        }
        bare = {
            "name": "bare 304",
            "server": bare_server,
            "url": bare_server.url + path,
            "script": GET_LUA,
            "headers": {"If-None-Match": BARE_ETAG},
        }
        rounds([bare, api], settings, settings["seconds"], settings["connections"])
    ratio = median_ratio(api, bare)
    return [
        f"{'bare 304':<38} {statistics.median(bare['rates']):>8.0f} {statistics.median(bare['cpu']):>9.0f}",
        f"{api['name']:<38} {statistics.median(api['rates']):>8.0f} {statistics.median(api['cpu']):>9.0f} "
        f"{ratio:>8.2f} {'':>8}  1.00 {'ok' if ratio >= 1.0 else 'MISSED'}",
    ]


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
        "gunicorn gthread, {workers} workers x {threads} threads per server; wrk -t2 -c{connections}, "
        "{seconds} s per run, {runs} alternating rounds, medians".format(**settings),
        flush=True,
    )
    lines: list[str] = []
    scratch = Path(tempfile.mkdtemp(prefix="ocen-bench-"))
    try:
        before = before_tree(os.environ.get("BENCH_BEFORE_REF", BEFORE_REF), scratch)
        sqlite_url = f"sqlite:///{scratch / 'bench.db'}"
        before_sqlite = f"sqlite:///{scratch / 'before.db'}"
        if is_wanted("sqlite") or is_wanted("304"):
            prepare_database(sqlite_url)
        if is_wanted("sqlite"):
            if before:
                prepare_database(before_sqlite, before[0])
            lines += bench_posts("sqlite", sqlite_url, settings, before, before_sqlite)
            print(f"  SQLite rows stored: {count_rows(sqlite_url)}", flush=True)
        pg_url = os.environ.get(
            "BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/ocen_bench"
        )
        before_pg = pg_url + "_before"
        problem = None if is_wanted("postgresql") else "not asked for (BENCH_ONLY)"
        problem = (
            problem or ensure_pg_database(pg_url) or (before and ensure_pg_database(before_pg))
        )
        if problem:
            print(f"  skipped PostgreSQL: {problem}")
        else:
            prepare_database(pg_url)
            if before:
                prepare_database(before_pg, before[0])
            lines += bench_posts("postgresql", pg_url, settings, before, before_pg)
            print(f"  PostgreSQL rows stored: {count_rows(pg_url)}", flush=True)
        if is_wanted("304"):
            lines += bench_304(sqlite_url, settings)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    print()
    print(
        f"{'POST /responses (or GET 304)':<38} {'req/s':>8} {'CPU µs':>9} {'×parse':>8} {'×store':>8}  target"
    )
    for line in lines:
        print(line)
    print(
        f"\nload average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (other work on the "
        "machine moves req/s; the CPU per request, from /proc, moves much less)"
    )
    print(
        "CPU µs: user+system time of the server's workers per request. ×parse, ×store: the median of "
        "each round's ratio to the bare parse and the bare store. SQLite runs in WAL mode with "
        "synchronous=NORMAL (a commit survives a crash of the collector, not a power loss); "
        "PostgreSQL commits are fsynced (synchronous_commit=on)."
    )


if __name__ == "__main__":
    main()
