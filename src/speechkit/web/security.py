"""Request safety for the web app: CSRF tokens, same-origin checks, safe paths, headers.

Every POST must carry the session's CSRF token (form field ``csrf_token`` or header
``X-CSRF-Token``); a cross-site ``Origin`` is refused as well. Paths taken from a request are
only ever resolved through :func:`resolve_inside`, which refuses anything that would leave the
given base folder (``..``, absolute paths, symlinks pointing out, NUL bytes).
"""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask import Response, abort, request, session

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
_SESSION_KEY = "_csrf"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; frame-src 'self' blob: data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def csrf_token() -> str:
    """Return this session's CSRF token, creating it on first use."""
    token = session.get(_SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        session[_SESSION_KEY] = token
    return token


def check_csrf() -> None:
    """Abort with 400 unless a POST carries this session's token and comes from our origin."""
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    origin = request.headers.get("Origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.host:
        abort(403, description="请求来自其他网站，已拒绝。")
    expected = session.get(_SESSION_KEY)
    sent = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD)
    if not expected or not sent or not hmac.compare_digest(str(expected), str(sent)):
        abort(400, description="表单已过期或不是从本页面提交的（缺少安全令牌）。请刷新页面后重试。")


def add_security_headers(response: Response) -> Response:
    """Set headers that keep the pages offline-only and out of other sites' frames."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def resolve_inside(base: Path, relative: str) -> Path:
    """Return ``base/relative`` resolved, or raise 404 when it would lie outside ``base``.

    Refuses absolute paths, drive letters, backslashes, NUL bytes and anything that resolves
    (after following symlinks) outside ``base``.
    """
    root = Path(base).resolve()
    if not relative or "\x00" in relative or "\\" in relative or ":" in relative:
        abort(404)
    if relative.startswith("/"):
        abort(404)
    target = (root / relative).resolve()
    if target != root and not target.is_relative_to(root):
        abort(404)
    return target
