"""The composition root: ``create_app()`` builds the app and wires the packages together.

Used by ``flask --app wsgi ...``, ``gunicorn 'wsgi:create_app()'`` and the tests.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask

import admin
import collector
import reports
import results
import widget
from collector.config import load_config


class App(Flask):
    """Flask, with each hook's and view's sync check made once instead of on every request.

    Flask asks ``ensure_sync`` of every hook, view and error handler it calls (a dozen per POST of a
    response, each an ``inspect`` of the function); ours are plain functions, and the answer for a
    function never changes. Bounded: a caller passing fresh objects each time only refills it.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sync: dict[Callable, Callable] = {}

    def ensure_sync(self, func: Callable) -> Callable:
        try:
            known = self._sync.get(func)
        except TypeError:  # an unhashable callable: ask Flask each time
            return super().ensure_sync(func)
        if known is None:
            if len(self._sync) >= 4096:
                self._sync.clear()
            known = self._sync[func] = super().ensure_sync(func)
        return known


def create_app(config: dict | None = None) -> Flask:
    """Build the app: defaults, then the environment, then ``config`` (tests)."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    app = App(__name__, instance_relative_config=True)
    load_config(app, config)
    collector.init_app(app)
    widget.init_app(app)
    reports.init_app(app)
    results.init_app(app)
    admin.init_app(app)
    return app
