"""Password hashing with Argon2id (argon2-cffi); the cost comes from the app's config."""

from __future__ import annotations

import secrets
from functools import lru_cache

from argon2 import DEFAULT_MEMORY_COST, DEFAULT_PARALLELISM, DEFAULT_TIME_COST, PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

MIN_PASSWORD_LENGTH = 12

# argon2-cffi's defaults (RFC 9106, low memory): what production uses unless configured otherwise.
DEFAULT_COST = {
    "PASSWORD_HASH_TIME_COST": DEFAULT_TIME_COST,
    "PASSWORD_HASH_MEMORY_COST": DEFAULT_MEMORY_COST,  # KiB
    "PASSWORD_HASH_PARALLELISM": DEFAULT_PARALLELISM,
}


@lru_cache(maxsize=8)
def get_hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def current_hasher() -> PasswordHasher:
    """Return the hasher for the current app's PASSWORD_HASH_* settings (the defaults outside an app)."""
    config = current_app.config if has_app_context() else {}
    cost = {name: int(config.get(name, default)) for name, default in DEFAULT_COST.items()}
    return get_hasher(
        cost["PASSWORD_HASH_TIME_COST"],
        cost["PASSWORD_HASH_MEMORY_COST"],
        cost["PASSWORD_HASH_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    """Return an Argon2id hash of the password."""
    return current_hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Tell whether the password matches the hash (whatever cost it was made with: the hash says)."""
    try:
        return current_hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=8)
def get_dummy_hash(hasher: PasswordHasher) -> str:
    """Return a hash, made at the hasher's cost, that no typed password matches."""
    return hasher.hash(secrets.token_urlsafe(32))


def verify_dummy_password(password: str) -> bool:
    """Spend the time of a real check where there is no account, so that the answer's timing
    does not tell whether the account exists; always False."""
    hasher = current_hasher()
    try:
        hasher.verify(get_dummy_hash(hasher), password)
    except (VerificationError, InvalidHashError):
        pass
    return False
