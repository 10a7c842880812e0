"""The composition root: ``create_app()`` builds the app and wires the packages together.

Used by ``flask --app wsgi ...``, ``gunicorn 'wsgi:create_app()'`` and the tests.
"""

from __future__ import annotations

import logging

from flask import Flask

import admin
import collector
import reports
import results
import widget
from collector.config import load_config


def create_app(config: dict | None = None) -> Flask:
    """Build the app: defaults, then the environment, then ``config`` (tests)."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    app = Flask(__name__, instance_relative_config=True)
    load_config(app, config)
    collector.init_app(app)
    widget.init_app(app)
    reports.init_app(app)
    results.init_app(app)
    admin.init_app(app)
    return app
