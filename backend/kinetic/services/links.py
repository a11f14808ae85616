"""Absolute links to this server: always from PUBLIC_URL, never from a request's
Host header (which the client chooses, and a proxy may rewrite)."""

from flask import current_app


def public_url(path: str = "") -> str:
    """`path` (empty, or starting with /) under the address people open."""
    return current_app.config["PUBLIC_URL"] + path
