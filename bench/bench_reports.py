"""The yearly report's aggregation and its PDF at 10k, 100k and 1M responses, against a bare GROUP BY.

For each database (SQLite file, PostgreSQL scratch database) and size, the default survey's answers
for a year are generated in SQL (INSERT ... SELECT from a number sequence, about 20 answer rows a
response). Then, in a fresh process: the closed days are rolled up once (timed: "fill s"), and
``BENCH_ROUNDS`` alternating rounds each time one bare ``SELECT question_key, value, option_key,
count(*) ... GROUP BY`` over the same answers, the report's aggregation of both periods
(``build_report_data``) with every day read from the answers ("raw": the roll-up's marks set aside
in a savepoint) and with closed days read from the roll-up ("rolled"), and ``build_pdf`` of the
report data (its own cost: story, layout, charts, serialisation). Printed: the medians, and the
ratios to the bare scan as the median of each round's ratio; whether both aggregations gave the
same data (SHA-256); the measuring process's peak resident memory (the SQLite engine runs in
process; PostgreSQL's memory is the server's). The data set has no previous year, so the previous
period's reads find nothing.

    BENCH_SIZES=10000,100000,1000000   sizes (default all three; 1M takes long: generation and
                                       the raw rounds)
    BENCH_DATABASES=sqlite,postgresql  databases (default both)
    BENCH_ROUNDS=5                     alternating rounds
    BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_reports  (created if missing)
    BENCH_DIR=bench/results            where the SQLite files and the PDFs go
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import statistics
import time
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa

SIZES = [
    int(s) for s in os.environ.get("BENCH_SIZES", "10000,100000,1000000").split(",") if s.strip()
]
DATABASES = [
    d.strip()
    for d in os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
    if d.strip()
]
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bench_reports"
)
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
BENCH_DIR = Path(os.environ.get("BENCH_DIR", Path(__file__).resolve().parent / "results"))
PERIOD = (date(2024, 1, 1), date(2024, 12, 31))
SLUG = "bench"

RATINGS = [
    "service_politeness",
    "service_competence",
    "service_clarity",
    "service_waiting",
    "service_deadline",
    "conditions_signage",
    "conditions_hours",
    "conditions_premises",
    "conditions_accessibility",
    "conditions_forms",
    "overall",
]
SINGLES = {
    "resolved": ["tak", "czesciowo", "nie", "w_toku"],
    "trend": ["lepiej", "bez_zmian", "gorzej", "nie_wiem"],
    "frequency": ["pierwszy", "kilka_w_roku", "co_miesiac"],
    "age": ["do25", "26_40", "41_60", "61plus", "brak"],
    "client_type": ["prywatna", "przedsiebiorca", "instytucja"],
}
MULTIS = {
    "purpose": (["wniosek", "odbior", "uzupelnienie", "informacja", "skarga", "inny"], 25),
    "important": (RATINGS[:10], 25),
}
DEPARTMENTS = ["komunikacja", "usc", "podatki", "architektura", "spraw-obywatelskich", "other"]
CHANNELS = ["widget", "widget", "page", "qr", "paper"]


def database_url(kind: str, size: int) -> str:
    """Return the scratch database of one run."""
    if kind == "sqlite":
        return f"sqlite:///{BENCH_DIR / f'bench-{size}.db'}"
    return POSTGRES_URL


def make_app(url: str) -> Any:
    """Build the app on a scratch database."""
    from wsgi import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench-only-secret-0123456789abcdef",
            "RATELIMIT_ENABLED": False,
        }
    )


def ensure_postgres_database(url: str) -> bool:
    """Create the scratch PostgreSQL database if missing; return False when the server does not answer."""
    target = sa.make_url(url)
    try:
        engine = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            exists = connection.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": target.database},
            )
            if not exists:
                connection.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
        engine.dispose()
        return True
    except sa.exc.OperationalError as error:
        print(
            f"PostgreSQL at {target.render_as_string(hide_password=True)} does not answer: {error.orig}"
        )
        return False


def h(dialect: str, seq: str, salt: int) -> str:
    """Return SQL for a pseudo-random 0..99 from the sequence number and a salt (same on both databases)."""
    cast = f"CAST({seq} AS BIGINT)" if dialect == "postgresql" else seq
    return f"(((({cast} + {salt * 100003}) * 1103515245) / 65536) % 100)"


def sequence(dialect: str, n: int) -> str:
    """Return a FROM clause yielding i = 0 .. n-1."""
    if dialect == "postgresql":
        return f"generate_series(0, {n - 1}) AS s(i)"
    return f"(WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < {n - 1}) SELECT i FROM seq) s"


def generate(app: Any, size: int) -> float:
    """Create the office and ``size`` responses spread over the year, in SQL; return the seconds taken."""
    from collector.extensions import db
    from collector.surveys import create_office, get_published_version

    started = time.perf_counter()
    with app.app_context():
        db.drop_all()
        db.create_all()
        office = create_office(SLUG, "Urząd Miasta Bench — Śródmieście")
        version = get_published_version(office)
        db.session.commit()
        dialect = db.engine.dialect.name
        rid = (
            "CAST(lpad(to_hex(i), 32, '0') AS uuid)"
            if dialect == "postgresql"
            else "printf('%032x', i)"
        )
        seconds = 366 * 86400
        at = (
            f"(TIMESTAMP '2023-12-31 23:00:00' + (CAST(i AS BIGINT) * {seconds} / {size}) * INTERVAL '1 second')"
            if dialect == "postgresql"
            else f"(datetime('2023-12-31 23:00:00', '+' || (i * {seconds} / {size}) || ' seconds') || '.000000')"
        )
        department = (
            "CASE i % 6 "
            + " ".join(f"WHEN {k} THEN '{d}'" for k, d in enumerate(DEPARTMENTS))
            + " END"
        )
        channel = (
            "CASE i % 5 "
            + " ".join(f"WHEN {k} THEN '{c}'" for k, c in enumerate(CHANNELS))
            + " END"
        )
        false = "false" if dialect == "postgresql" else "0"
        common = f"{rid}, {office.id}, {version.id}, {at}, {department}"
        columns = (
            "response_id, office_id, version_id, submitted_at, department_key, question_key, value, option_key, "
            "text, hidden"
        )
        statements = [
            f"INSERT INTO response (id, office_id, version_id, submitted_at, channel, lang, department_key, "
            f"content_hash) SELECT {rid}, {office.id}, {version.id}, {at}, {channel}, 'pl', {department}, "
            f"'bench' FROM {sequence(dialect, size)}",
            f"INSERT INTO answer ({columns}) SELECT {common}, 'department', NULL, {department}, NULL, {false} "
            f"FROM {sequence(dialect, size)}",
        ]
        for salt, key in enumerate(RATINGS):
            r = h(dialect, "i", salt)
            value = (
                f"CASE WHEN {r} < 8 THEN NULL WHEN {r} < 12 THEN 1 WHEN {r} < 18 THEN 2 WHEN {r} < 35 THEN 3 "
                f"WHEN {r} < 65 THEN 4 ELSE 5 END"
            )
            option = f"CASE WHEN {r} < 8 THEN 'na' END" if key != "overall" else "NULL"
            if key == "overall":
                value = (
                    f"CASE WHEN {r} < 4 THEN 1 WHEN {r} < 10 THEN 2 WHEN {r} < 30 THEN 3 WHEN {r} < 62 THEN 4 "
                    f"ELSE 5 END"
                )
            statements.append(
                f"INSERT INTO answer ({columns}) SELECT {common}, '{key}', {value}, {option}, NULL, "
                f"{false} FROM {sequence(dialect, size)}"
            )
        for salt, (key, options) in enumerate(SINGLES.items(), start=20):
            r = h(dialect, "i", salt)
            pick = (
                "CASE "
                + " ".join(
                    f"WHEN {r} % {len(options)} = {k} THEN '{o}'" for k, o in enumerate(options)
                )
                + " END"
            )
            statements.append(
                f"INSERT INTO answer ({columns}) SELECT {common}, '{key}', NULL, {pick}, NULL, {false} "
                f"FROM {sequence(dialect, size)} WHERE {h(dialect, 'i', salt + 50)} < 85"
            )
        for base, (key, (options, percent)) in enumerate(MULTIS.items()):
            for k, option in enumerate(options):
                salt = 100 + base * 20 + k
                statements.append(
                    f"INSERT INTO answer ({columns}) SELECT {common}, '{key}', NULL, '{option}', NULL, "
                    f"{false} FROM {sequence(dialect, size)} WHERE {h(dialect, 'i', salt)} < {percent}"
                )
        hidden = "true" if dialect == "postgresql" else "1"
        statements.append(
            f"INSERT INTO answer ({columns}) SELECT {common}, 'comment', NULL, NULL, "
            f"'Komentarz nr ' || i || ': proszę o dłuższe godziny pracy w czwartki, zażółć gęślą jaźń.', "
            f"CASE WHEN i % 200 = 0 THEN {hidden} ELSE {false} END "
            f"FROM {sequence(dialect, size)} WHERE i % 20 = 0"
        )
        with db.engine.begin() as connection:
            for statement in statements:
                connection.execute(sa.text(statement))
        if dialect == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(sa.text("VACUUM ANALYZE response"))
                connection.execute(sa.text("VACUUM ANALYZE answer"))
        else:
            with db.engine.begin() as connection:
                connection.execute(sa.text("ANALYZE"))
        db.session.remove()
        db.engine.dispose()
    return time.perf_counter() - started


def bare_scan(session: Any, office_id: int) -> tuple[float, int]:
    """Time one bare GROUP BY over the period's answers; return (seconds, groups)."""
    from collector.models import Answer
    from reports.periods import Period

    period = Period(*PERIOD)
    query = (
        sa.select(Answer.question_key, Answer.value, Answer.option_key, sa.func.count())
        .where(
            Answer.office_id == office_id,
            Answer.submitted_at >= period.utc_start,
            Answer.submitted_at < period.utc_end,
        )
        .group_by(Answer.question_key, Answer.value, Answer.option_key)
    )
    started = time.perf_counter()
    groups = len(session.execute(query).all())
    session.rollback()
    return time.perf_counter() - started, groups


def aggregate(session: Any, office: Any, rolled: bool) -> tuple[float, str]:
    """Time the report's aggregation (both periods); without the roll-up when ``rolled`` is false.

    Without it, the roll-up's marks are deleted in a savepoint and restored after: every day is
    then read from the answers, as before the roll-up existed.
    """
    from collector.models import rollup_day
    from reports.periods import Period
    from reports.sections import build_report_data, data_sha256

    nested = None
    if not rolled:
        nested = session.begin_nested()
        session.execute(sa.delete(rollup_day).where(rollup_day.c.office_id == office.id))
    started = time.perf_counter()
    data = build_report_data(session, office, Period(*PERIOD))
    seconds = time.perf_counter() - started
    if nested is not None:
        nested.rollback()
    session.rollback()
    return seconds, data_sha256(data)


def report_data_of(session: Any, office: Any) -> dict[str, Any]:
    """Return the report data as the archive wraps it (meta, data, data_sha256)."""
    from reports.periods import Period
    from reports.sections import build_report_data, data_sha256

    data = build_report_data(session, office, Period(*PERIOD))
    session.rollback()
    meta = {
        "report_id": "00000000-0000-0000-0000-000000000000",
        "generated_at": "2025-01-02T08:00:00",
        "author_name": "bench",
        "reason": "periodic",
        "lang": "pl",
    }
    return {"meta": meta, "data": data, "data_sha256": data_sha256(data)}


def measure(url: str, queue: Any) -> None:
    """In a fresh process: roll up once, then alternate the bare scan, the two aggregations and the PDF."""
    from collector.extensions import db
    from collector.models import Answer, Office, answer_daily
    from reports.pdf import build_pdf
    from reports.periods import Period
    from reports.sections import build_report_data

    app = make_app(url)
    with app.app_context():
        session = db.session
        office = session.scalar(sa.select(Office).where(Office.slug == SLUG))
        answers = session.scalar(sa.select(sa.func.count()).select_from(Answer))
        bare_scan(session, office.id)  # warm the cache
        started = time.perf_counter()
        build_report_data(session, office, Period(*PERIOD), roll=True)
        session.commit()
        fill = time.perf_counter() - started
        rolled_rows = session.scalar(sa.select(sa.func.count()).select_from(answer_daily))
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(sa.text("VACUUM ANALYZE answer_daily"))
                connection.execute(sa.text("VACUUM ANALYZE pair_daily"))
        report_data = report_data_of(session, office)
        build_pdf(report_data)  # fonts and caches, once
        figures: dict[str, list[float]] = {"bare": [], "raw": [], "rolled": [], "pdf": []}
        hashes = set()
        for _ in range(ROUNDS):
            figures["bare"].append(bare_scan(session, office.id)[0])
            seconds, sha = aggregate(session, office, rolled=False)
            figures["raw"].append(seconds)
            hashes.add(sha)
            seconds, sha = aggregate(session, office, rolled=True)
            figures["rolled"].append(seconds)
            hashes.add(sha)
            started = time.perf_counter()
            pdf = build_pdf(report_data)
            figures["pdf"].append(time.perf_counter() - started)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        data = report_data["data"]
        (
            BENCH_DIR / f"report-{db.engine.dialect.name}-{data['responses']['total']}.pdf"
        ).write_bytes(pdf)
        queue.put(
            {
                "answers": answers,
                "responses": data["responses"]["total"],
                "comments": data["comments"]["shown"],
                "rolled_rows": rolled_rows,
                "fill": fill,
                "same_data": len(hashes) == 1,
                "bare": statistics.median(figures["bare"]),
                "raw": statistics.median(figures["raw"]),
                "rolled": statistics.median(figures["rolled"]),
                "pdf": statistics.median(figures["pdf"]),
                "raw_ratio": statistics.median(
                    a / b for a, b in zip(figures["raw"], figures["bare"], strict=True)
                ),
                "rolled_ratio": statistics.median(
                    a / b for a, b in zip(figures["rolled"], figures["bare"], strict=True)
                ),
                "rss_mb": rss / 1024,
            }
        )
        session.remove()
        db.engine.dispose()


def run_case(kind: str, size: int) -> dict[str, Any] | None:
    """Generate one data set, then measure it in a fresh process."""
    url = database_url(kind, size)
    if kind == "postgresql" and not ensure_postgres_database(url):
        return None
    if kind == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(BENCH_DIR / f"bench-{size}.db") + suffix).unlink(missing_ok=True)
    app = make_app(url)
    generated = generate(app, size)
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=measure, args=(url, queue))
    process.start()
    result = queue.get()
    process.join()
    result["generate"] = generated
    if kind == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(BENCH_DIR / f"bench-{size}.db") + suffix).unlink(missing_ok=True)
    return result


def main() -> None:
    """Run every selected database and size and print one line each."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    print(
        "The yearly report's aggregation (both periods) and the PDF's own cost, against one bare GROUP BY"
    )
    print(
        f"of the same answers, same database, same process: medians of {ROUNDS} alternating rounds; a ratio is"
    )
    print(
        "the median of each round's ratio. raw = every day read from the answers; rolled = closed days from"
    )
    print(
        "the daily roll-up (filled once before the rounds: 'fill s'). pdf s = build_pdf alone (story, layout,"
    )
    print(
        "charts, serialisation). Targets: rolled ratio <= 2.00 (PostgreSQL), <= 3.00 (SQLite); pdf < 0.40 s."
    )
    header = (
        f"{'db':<11}{'responses':>10}{'answers':>10}{'bare s':>8}{'raw s':>8}{'ratio':>7}"
        f"{'rolled s':>9}{'ratio':>7}{'target':>8}{'pdf s':>7}{'comments':>9}{'fill s':>8}"
        f"{'roll-up rows':>13}{'same':>6}{'RSS MB':>8}{'gen s':>7}"
    )
    print(header)
    for kind in DATABASES:
        for size in SIZES:
            result = run_case(kind, size)
            if result is None:
                print(f"{kind:<11}{size:>10}  skipped")
                continue
            target = 2.0 if kind == "postgresql" else 3.0
            verdict = "ok" if result["rolled_ratio"] <= target else "MISSED"
            print(
                f"{kind:<11}{result['responses']:>10}{result['answers']:>10}{result['bare']:>8.2f}"
                f"{result['raw']:>8.2f}{result['raw_ratio']:>7.2f}{result['rolled']:>9.2f}"
                f"{result['rolled_ratio']:>7.2f}{verdict:>8}{result['pdf']:>7.2f}{result['comments']:>9}"
                f"{result['fill']:>8.1f}{result['rolled_rows']:>13}{'yes' if result['same_data'] else 'NO':>6}"
                f"{result['rss_mb']:>8.0f}{result['generate']:>7.1f}",
                flush=True,
            )
    print(f"PDFs in {BENCH_DIR}.")


if __name__ == "__main__":
    main()
