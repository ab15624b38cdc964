"""Who may start an app process: the access token, the browser's session id, the origin.

Pure, so tested without a server. The token is the only secret: sent once in the URL, then
kept in an HttpOnly cookie. The session id is no secret from its own browser; it only keeps
one browser's saved consultations apart from another's.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
from pathlib import Path
from urllib.parse import urlsplit

TOKEN_COOKIE = "spine_assist_token"
SESSION_COOKIE = "spine_assist_session"
SESSION_ID_BYTES = 18  # 24 URL-safe characters
SESSION_MAX_AGE = 90 * 24 * 3600  # the browser keeps its consultations for 90 days unused


def is_loopback(host: str) -> bool:
    """Only this machine can reach it: no token needed."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_matches(given: str | None, token: str) -> bool:
    """Constant-time comparison; bytes, so a non-ASCII guess is a mismatch, not an error."""
    if not given:
        return False
    return hmac.compare_digest(given.encode("utf-8", "replace"), token.encode("utf-8"))


def new_session_id() -> str:
    return secrets.token_urlsafe(SESSION_ID_BYTES)


def valid_session_id(value: str | None) -> bool:
    """One this server could have made: 24 URL-safe characters, nothing else."""
    return value is not None and re.fullmatch(r"[A-Za-z0-9_-]{24}", value) is not None


def session_folder(root: Path, session_id: str) -> Path:
    """Named by a hash, so no cookie value reaches a path."""
    digest = hashlib.sha256(session_id.encode("ascii")).hexdigest()[:32]
    return root / digest


def same_origin(origin: str | None, host: str | None, public_url: str | None) -> bool:
    """Against cross-site websocket hijacking. A missing Origin is a non-browser client
    (browsers always send it), which still needs the token and the session cookie."""
    if origin is None:
        return True
    origin_host = urlsplit(origin).netloc.lower()
    allowed = {(host or "").lower()}
    if public_url:
        allowed.add(urlsplit(public_url).netloc.lower())
    return origin_host in allowed
