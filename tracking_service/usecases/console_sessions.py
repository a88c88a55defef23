"""Console sign-in sessions: the browser holds a random token, never the API key it signed in with.

Each console request looks the session up by the token's hash and checks, in one query, that the session is
neither expired nor logged out and that its key is neither revoked nor expired, so revoking a key ends its
sessions at once (no cache in between)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from tracking_service.auth import Principal, find_principal, note_use, principal_of
from tracking_service.db import console_sessions as sql
from tracking_service.services import Services

SESSION_LIFETIME = timedelta(hours=12)


def hash_token(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


async def sign_in(svc: Services, key: str) -> str | None:
    """A new session token for a valid ``key`` (None for another), good for SESSION_LIFETIME."""
    now = svc.clock.now()
    principal = await find_principal(svc.keys, svc.db, key, now)
    if principal is None:
        return None
    token = secrets.token_urlsafe(32)  # 32 random bytes
    await sql.insert_session(svc.db, hash_token(token), principal.key_id, now, now + SESSION_LIFETIME)
    return token


async def session_principal(svc: Services, token: str) -> Principal | None:
    """Who an open session acts as; None when it is unknown, expired or logged out, or its key no longer valid."""
    now = svc.clock.now()
    row = await sql.session_key(svc.db, hash_token(token), now)
    if row is None:
        return None
    await note_use(svc.db, row["id"], row["last_used_at"], now)
    return principal_of(row)


async def sign_out(svc: Services, token: str) -> None:
    """End the session: its token is refused from now on."""
    await sql.revoke_session(svc.db, hash_token(token), svc.clock.now())
