"""Password hashes: production cost by default, a cheaper one only when configured (the tests)."""

from __future__ import annotations

from flask import Flask

from collector.config import load_config
from collector.passwords import hash_password, verify_password


def test_an_app_without_overrides_hashes_at_the_production_cost(tmp_path):
    app = Flask(__name__, instance_path=str(tmp_path))
    load_config(app, environ={})
    with app.app_context():
        password_hash = hash_password("correct horse battery staple")

    assert password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_a_hash_made_at_another_cost_still_verifies(app):
    cheap = hash_password("correct horse battery staple")
    production = "$argon2id$v=19$m=65536,t=3,p=4$"

    assert cheap.startswith("$argon2id$v=19$m=8,t=1,p=1$")  # the test config's cost
    with Flask(__name__).app_context():  # no app config: production cost
        expensive = hash_password("correct horse battery staple")
    assert expensive.startswith(production)
    assert verify_password(expensive, "correct horse battery staple")
    assert not verify_password(expensive, "wrong horse battery staple")
    assert verify_password(cheap, "correct horse battery staple")
