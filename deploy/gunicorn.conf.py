"""gunicorn's configuration for production: `gunicorn -c deploy/gunicorn.conf.py`.

Threaded workers (gthread): the collector waits on the database, not on the CPU, so each worker
serves several requests at once. A slow or stalled client must not hold a thread for ever: every
read from a client's socket is bounded by ``READ_TIMEOUT`` seconds (gthread reads a request with no
timeout at all, so two half-sent requests froze a two-thread worker for as long as the client
liked). The reverse proxy in front (nginx, Caddy) buffers whole requests before passing them on,
which is the first defence (README, "Production"); this bound is the second.

Every setting can be changed by an environment variable named here, without editing the file.
"""

from __future__ import annotations

import os
import socket

from gunicorn.workers.gthread import ThreadWorker


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


wsgi_app = "wsgi:create_app()"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = _env_int("GUNICORN_WORKERS", 2 * (os.cpu_count() or 1))
threads = _env_int("GUNICORN_THREADS", 4)
# Seconds a read from a client may wait for its next bytes (request line, headers or body).
READ_TIMEOUT = _env_int("GUNICORN_READ_TIMEOUT", 10)
# A worker silent for this long is killed and replaced (a request stuck in the application).
timeout = _env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 30
keepalive = 5
# Small requests only: the API's bodies are at most 16 KB (the app answers 413 beyond that).
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190
# Recycle workers now and then, so a slow leak in a library cannot grow without bound.
max_requests = 20000
max_requests_jitter = 2000
# The reverse proxy on this host sets X-Forwarded-For/-Proto (the app reads them with PROXY_COUNT).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# No access log: its lines would carry residents' addresses (privacy promise, README). Errors only.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")


class _BoundedReadSocket(socket.socket):
    """A client socket whose blocking reads give up after ``READ_TIMEOUT`` seconds.

    gthread switches a connection to blocking mode (``setblocking(True)``, no timeout) before it
    reads a request; here blocking mode means "blocking, for at most READ_TIMEOUT seconds".
    """

    __slots__ = ()

    def setblocking(self, flag: bool) -> None:
        if flag:
            self.settimeout(READ_TIMEOUT)
        else:
            super().setblocking(False)


class BoundedReadThreadWorker(ThreadWorker):
    """gthread, with every read from a client bounded in time (see ``_BoundedReadSocket``)."""

    def enqueue_req(self, conn):  # noqa: ANN001, ANN201 - gunicorn's signature
        if type(conn.sock) is socket.socket:  # plain TCP (TLS ends at the reverse proxy)
            conn.sock.__class__ = _BoundedReadSocket
            conn.sock.setblocking(True)
        super().enqueue_req(conn)


worker_class = BoundedReadThreadWorker
