"""Request safety for the web app: CSRF tokens, same-origin checks, safe paths, headers.

Every POST must carry the session's CSRF token (form field ``csrf_token`` or header
``X-CSRF-Token``); a cross-site ``Origin`` is refused as well. Paths taken from a request are
only ever resolved through :func:`resolve_inside`, which refuses anything that would leave the
given base folder (``..``, absolute paths, symlinks pointing out, NUL bytes).
"""

from __future__ import annotations

import hmac
import re
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask import Response, abort, g, request, session

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
_SESSION_KEY = "_csrf"
STALE_FORM_ENDPOINTS = frozenset({"towns.save", "city.save"})
"""Form posts that, with a stale token, get their form back filled in instead of an error."""

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; frame-src 'self' blob: data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def state_dir() -> Path:
    """Where the web page keeps its own state (``$XDG_STATE_HOME/speechkit``)."""
    import os

    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "speechkit"


def persistent_secret(profiles_dir: Path) -> bytes:
    """Return the session secret of this profiles folder, created once and kept on disk.

    Kept outside the profiles folder (in :func:`state_dir`, one file per folder, mode 600), so
    a form opened before a restart of ``speechkit serve`` still saves afterwards. When the
    state folder cannot be written, a random secret is used for this run only.
    """
    import hashlib
    import os

    key = hashlib.sha256(str(Path(profiles_dir).resolve()).encode("utf-8")).hexdigest()[:32]
    path = state_dir() / "web" / f"{key}.secret"
    try:
        data = path.read_bytes()
        if len(data) >= 32:
            return data
    except OSError:
        pass
    secret = secrets.token_bytes(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(secret)
    except FileExistsError:  # another server wrote it first: use theirs
        try:
            data = path.read_bytes()
            return data if len(data) >= 32 else secret
        except OSError:
            return secret
    except OSError:
        return secret
    return secret


def csrf_token() -> str:
    """Return this session's CSRF token, creating it on first use."""
    token = session.get(_SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        session[_SESSION_KEY] = token
    return token


def host_name(host: str) -> str:
    """Return the lower-case host name of a ``Host`` header (no port, no IPv6 brackets)."""
    host = host.strip().lower()
    if host.startswith("["):
        end = host.find("]")
        return host[1:end] if end > 0 else host
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def host_allowed(host: str, trusted: list[str] | None) -> bool:
    """True when ``host`` (a ``Host`` header) names one of ``trusted`` (``None``: any)."""
    if trusted is None:
        return True
    return host_name(host) in trusted


def check_host():
    """Refuse a request whose ``Host`` is not a trusted name (DNS rebinding)."""
    from flask import current_app

    trusted = current_app.config.get("SPEECHKIT_TRUSTED_HOSTS")
    if not host_allowed(request.environ.get("HTTP_HOST", ""), trusted):
        text = "拒绝访问：请用 http://127.0.0.1 打开本页面（主机名不在允许范围内）。"
        return Response(text, 400, {"Content-Type": "text/plain; charset=utf-8"})
    return None


def check_csrf() -> None:
    """Abort with 400 unless a POST carries this session's token and comes from our origin."""
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    origin = request.headers.get("Origin")
    if origin and origin != "null" and urlsplit(origin).netloc.lower() != request.host.lower():
        abort(403, description="请求来自其他网站，已拒绝。")
    expected = session.get(_SESSION_KEY)
    sent = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD)
    if not expected or not sent or not hmac.compare_digest(str(expected), str(sent)):
        if request.endpoint in STALE_FORM_ENDPOINTS:
            g.csrf_stale = True  # the view shows the typed values again and saves nothing
            return
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


_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


def clean_upload_name(filename: str | None) -> str:
    """Return a harmless base name for an uploaded file (keeps Chinese; no folders)."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_NAME.sub("_", name).strip()
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    suffix = "." + ext.lower()[:10] if ext.strip() else ""
    stem = stem.strip(" .")[:80] or "文稿"
    return stem + suffix
