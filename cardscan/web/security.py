"""What keeps the workspace safe to leave running on a laptop.

- Every POST must carry the app's CSRF token (a random secret made when the
  app starts, written into every form); a POST without it, or with another,
  is refused before any view runs.
- Requests must name this machine in their Host header when the server
  listens on loopback only: a web page elsewhere that rebinds its own DNS
  name to 127.0.0.1 gets nothing (DNS rebinding).
- Every response carries a Content-Security-Policy that allows scripts,
  styles and images from this server only, and no framing.  Card text is
  escaped by Jinja's autoescape; the policy is a second wall behind it.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from collections.abc import Collection
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from werkzeug.wrappers import Response

R = TypeVar("R", bound="Response")

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]", "::1")


def with_headers(resp: R) -> R:
    """`resp` with every SECURITY_HEADERS entry it does not set itself (every app's
    after-request hook)."""
    for key, value in SECURITY_HEADERS.items():
        resp.headers.setdefault(key, value)
    return resp


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_ok(expected: str, given: str | None) -> bool:
    """Constant-time comparison; a missing token is never valid."""
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and 'localhost'."""
    if host.strip("[]") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(bind_host: str) -> Collection[str] | None:
    """Host-header names accepted (without port); None: any (the user chose
    to listen beyond this machine with --host)."""
    if not is_loopback(bind_host):
        return None
    return {bind_host.strip("[]"), *(n.strip("[]") for n in LOOPBACK_NAMES)}


def host_ok(header: str | None, allowed: Collection[str] | None) -> bool:
    """The Host header names an allowed host (any port)."""
    if allowed is None:
        return True
    if not header:
        return False
    host = header.strip()
    if host.startswith("["):
        name = host[1 : host.find("]")] if "]" in host else host
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return name.lower() in allowed
