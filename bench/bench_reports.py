"""Full yearly report (aggregation + PDF) for 10k, 100k and 1M responses, against a bare GROUP BY scan.

For each database (SQLite file, PostgreSQL scratch database) and size, the default survey's answers
for a year are generated in SQL (INSERT ... SELECT from a number sequence, about 20 answer rows a
response), then, in a fresh process each: one bare ``SELECT question_key, value, option_key,
count(*) ... GROUP BY`` over the same answers (after one warm-up run), then the whole report as
``archive_report`` builds it (SQL aggregation + PDF, nothing stored). Printed: seconds of each,
the ratio report / bare scan, and the report process's peak resident memory (getrusage
ru_maxrss: the whole process, interpreter and libraries included; the SQLite engine runs in
process too, PostgreSQL's memory is the server's and not counted).

    BENCH_SIZES=10000,100000,1000000   sizes (default all three)
    BENCH_DATABASES=sqlite,postgresql  databases (default both)
    BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_reports  (created if missing)
    BENCH_DIR=bench/results            where the SQLite files and the PDFs go
"""

from __future__ import annotations

import multiprocessing
import os
import resource
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
    return time.perf_counter() - started, groups


def measure(url: str, queue: Any) -> None:
    """In a fresh process: warm up, time the bare scan, then the full report; put the figures on the queue."""
    from collector.extensions import db
    from collector.models import Answer, Office
    from reports.archive import build_report
    from reports.periods import Period
    from reports.sections import build_report_data

    app = make_app(url)
    with app.app_context():
        office = db.session.scalar(sa.select(Office).where(Office.slug == SLUG))
        answers = db.session.scalar(sa.select(sa.func.count()).select_from(Answer))
        bare_scan(db.session, office.id)  # warm the cache for both
        bare, groups = bare_scan(db.session, office.id)
        db.session.rollback()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        report_data, pdf = build_report(
            db.session,
            office,
            period_start=PERIOD[0],
            period_end=PERIOD[1],
            reason="periodic",
            author=None,
        )
        total = time.perf_counter() - started
        db.session.rollback()
        started = time.perf_counter()
        build_report_data(db.session, office, Period(*PERIOD))
        aggregation = time.perf_counter() - started
        db.session.rollback()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        (
            BENCH_DIR
            / f"report-{db.engine.dialect.name}-{report_data['data']['responses']['total']}.pdf"
        ).write_bytes(pdf)
        queue.put(
            {
                "answers": answers,
                "groups": groups,
                "bare": bare,
                "report": total,
                "aggregation": aggregation,
                "pdf_bytes": len(pdf),
                "responses": report_data["data"]["responses"]["total"],
                "rss_mb": rss / 1024,
                "rss_before_mb": rss_before / 1024,
            }
        )
        db.session.remove()
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
        "Full report (SQL aggregation + PDF) vs one bare GROUP BY scan of the same answers, same DB, same run."
    )
    print(
        "peak RSS = getrusage(RUSAGE_SELF).ru_maxrss of the measuring process (interpreter included)."
    )
    print(
        "report s = build_report (SQL aggregation + roll-up + PDF); aggr s = the aggregation alone, timed again."
    )
    header = (
        f"{'db':<11}{'responses':>10}{'answers':>11}{'bare s':>9}{'report s':>10}{'aggr s':>9}"
        f"{'ratio':>7}{'peak RSS MB':>13}{'gen s':>8}"
    )
    print(header)
    for kind in DATABASES:
        for size in SIZES:
            result = run_case(kind, size)
            if result is None:
                print(f"{kind:<11}{size:>10}  skipped")
                continue
            ratio = result["report"] / result["bare"] if result["bare"] else float("nan")
            print(
                f"{kind:<11}{result['responses']:>10}{result['answers']:>11}{result['bare']:>9.2f}"
                f"{result['report']:>10.2f}{result['aggregation']:>9.2f}{ratio:>7.2f}{result['rss_mb']:>13.0f}"
                f"{result['generate']:>8.1f}",
                flush=True,
            )
    print(f"Targets: ratio <= 2.00; peak RSS < 500 MB at 1M. PDFs in {BENCH_DIR}.")


if __name__ == "__main__":
    main()
