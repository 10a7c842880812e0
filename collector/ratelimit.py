"""The responses endpoint's rate limit: every limit counted in one round trip to the counters.

``RESPONSES_RATE_LIMIT`` ("30 per minute;300 per hour") is a list of fixed windows per client
address. Flask-Limiter would count each limit with its own call to the storage (two Redis round
trips per POST with the default), inside a wrapper that runs on every request; here one Lua script
increments every window's counter at once (one round trip), and only for the POST itself: reading
the survey is never counted. The counters live where Flask-Limiter keeps its own
(``RATELIMIT_STORAGE_URI``: memory, or Redis shared by every worker); the address is a counter key
only, never logged (the log line names the limit) nor stored with a response. Flask-Limiter still
limits the hosted page's form, which is not hot.
"""

from __future__ import annotations

import logging
import time
from functools import lru_cache
from typing import Any

from flask import current_app, request
from limits import RateLimitItem, parse_many
from limits.storage import RedisStorage, Storage

from .extensions import limiter

log = logging.getLogger("flask-limiter")

# Fixed windows: INCR each counter, set its expiry when the window opens; return every count.
HIT_WINDOWS = """
local counts = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if count == 1 then redis.call('EXPIRE', key, ARGV[i]) end
  counts[i] = count
end
return counts
"""


@lru_cache(maxsize=16)
def parse_limits(value: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(value))


class Breach(Exception):
    """A limit was exceeded: which one, and the seconds until its window ends."""

    def __init__(self, item: RateLimitItem, retry_after: int) -> None:
        super().__init__(str(item))
        self.item = item
        self.retry_after = retry_after


def _script(storage: RedisStorage) -> Any:
    script = getattr(storage, "_ocen_hit_windows", None)
    if script is None:
        script = storage.get_connection().register_script(HIT_WINDOWS.encode())
        storage._ocen_hit_windows = script  # type: ignore[attr-defined]
    return script


def hit(storage: Storage, items: tuple[RateLimitItem, ...], address: str) -> list[int]:
    """Count one hit in every window for ``address``; return the counts (one round trip)."""
    keys = [item.key_for("responses", address) for item in items]
    if type(storage) is RedisStorage:  # one Redis, not a cluster: every key in one script
        counts = _script(storage)(
            keys=[storage.prefixed_key(key) for key in keys],
            args=[item.get_expiry() for item in items],
        )
        return [int(count) for count in counts]
    return [storage.incr(key, item.get_expiry()) for key, item in zip(keys, items, strict=True)]


def check_responses_limit() -> None:
    """Count this POST against ``RESPONSES_RATE_LIMIT`` for the client's address; raise Breach."""
    if not limiter.enabled:
        return
    items = parse_limits(current_app.config["RESPONSES_RATE_LIMIT"])
    address = request.remote_addr or "unknown"
    storage = limiter.storage
    counts = hit(storage, items, address)
    for item, count in zip(items, counts, strict=True):
        if count > item.amount:
            log.info("ratelimit %s exceeded at endpoint: %s", item, "api.submit_response")
            expiry = storage.get_expiry(item.key_for("responses", address))
            raise Breach(item, max(1, int(expiry - time.time())))
