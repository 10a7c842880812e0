"""Security headers of the pages people open in a browser: the hosted survey and the panel.

One function sets them all; each surface passes its own Content-Security-Policy. Both policies
forbid framing (``frame-ancestors 'none'`` and ``X-Frame-Options: DENY`` for older browsers),
inline scripts and scripts from elsewhere.
"""

from __future__ import annotations

from flask import Response

# The hosted survey page: nothing from elsewhere, its one script is the counter.
HOSTED_PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


def panel_policy(nonce: str | None) -> str:
    """Return the panel's policy; Flask-Admin's few inline scripts run with the page's nonce.

    Styles may be inline: the dashboard's SVG charts and Flask-Admin's widgets carry style
    attributes, and a style cannot run code.
    """
    scripts = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
    return (
        f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )


def set_security_headers(response: Response, policy: str, *, cache: bool = False) -> Response:
    """Keep the response out of frames, other sites' referrers, MIME sniffing and (unless
    ``cache``) every cache."""
    response.headers["Content-Security-Policy"] = policy
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    if not cache:
        response.headers["Cache-Control"] = "no-store"
    return response
