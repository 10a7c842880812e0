"""The public results page of an office: ``/wyniki/<slug>``."""

from __future__ import annotations
