"""Open data: the published aggregates as CSV and JSON, and ``GET /api/v1/offices/<slug>/results``."""

from __future__ import annotations
