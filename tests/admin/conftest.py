"""Panel tests: each request runs in its own app context, as it does when the app is served.

The shared ``app`` fixture keeps one app context open for the whole test, and Flask reuses an open
app context for requests, so ``flask.g`` — where Flask-Login caches the logged-in user and
Flask-WTF the CSRF token — would leak from one request into the next. The test's own database
session is ended around each request so that it reads what the request committed.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from collector.extensions import db


class PanelClient(FlaskClient):
    """A test client whose every request gets a fresh app context and a fresh view of the database."""

    def open(self, *args, **kwargs):
        db.session.commit()
        try:
            with self.application.app_context():
                return super().open(*args, **kwargs)
        finally:
            db.session.rollback()


@pytest.fixture
def client(app):
    app.test_client_class = PanelClient
    return app.test_client()
