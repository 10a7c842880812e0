"""SQLite allows one writer at a time: the response writers of every process queue on one lock.

Without it, two gunicorn workers that write at once meet in SQLite's busy handler, which sleeps
1, 2, 5… ms even when the other writer finished at once. The lock is a file beside the database,
taken with ``flock`` after the process's own thread lock, and released when the commit is done.
"""

from __future__ import annotations

import subprocess
import sys
from contextlib import nullcontext

from collector import storage
from collector.extensions import db

TRY_LOCK = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
except BlockingIOError:
    print("busy")
else:
    print("free")
"""


def other_process_finds(lock_path: str) -> str:
    """Ask another process to take the lock without waiting: "busy" or "free"."""
    return subprocess.run(
        [sys.executable, "-c", TRY_LOCK, lock_path], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_another_process_waits_while_a_response_is_written(app, database_url):
    if not database_url.startswith("sqlite"):
        with app.app_context():  # PostgreSQL takes row locks itself: nothing to queue on
            assert isinstance(storage.write_lock(), nullcontext)
        return
    with app.app_context():
        lock_path = db.engine.url.database + "-writer.lock"
        with storage.write_lock():
            assert other_process_finds(lock_path) == "busy"
        assert other_process_finds(lock_path) == "free"


def test_a_forked_process_opens_its_own_lock_file(app, database_url, monkeypatch):
    """A descriptor inherited through fork shares its lock with the parent, so a worker forked
    from a process that had opened the lock file must open it again."""
    if not database_url.startswith("sqlite"):
        with app.app_context():  # no lock file at all
            assert isinstance(storage.write_lock(), nullcontext)
        return
    with app.app_context():
        database = db.engine.url.database
        first = storage._lock_file(database)
        assert storage._lock_file(database) == first
        monkeypatch.setattr(storage.os, "getpid", lambda: -1)
        assert storage._lock_file(database) != first
