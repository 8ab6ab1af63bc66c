"""Token hashing: only an HMAC-SHA256 of a token, keyed by the server secret, is stored."""

from __future__ import annotations

import hashlib
import hmac


def hash_token(token: str, secret: bytes) -> str:
    return hmac.new(secret, token.encode(), hashlib.sha256).hexdigest()


def hashes_match(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
