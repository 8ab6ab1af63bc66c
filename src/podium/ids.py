"""Identifiers in the shapes the MaestroQA API uses."""

from __future__ import annotations

import secrets
import string
import zlib
from collections.abc import Sequence

# Meteor's Random.id() alphabet: no 0, 1, I, O, l, U, V, u, v (the reference's ids use it).
ID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz"
ID_LENGTH = 17
COMMENT_SUFFIX_ALPHABET = string.ascii_uppercase + string.digits
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase

TOKEN_PREFIX = "pdm_"
TOKEN_BODY_LENGTH = 43  # 43 base62 characters carry 256 bits
TOKEN_CHECKSUM_LENGTH = 6


def new_id() -> str:
    """A 17-character document id such as `js6LYgg4Ey3EqYhfi`."""
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH))


def new_account_id() -> str:
    """A 24-character hexadecimal account id such as `16906fb5ce9d57646fa38362`."""
    return secrets.token_hex(12)


# byte -> suffix character; a byte below 252 (7 x 36) picks each character equally often
COMMENT_SUFFIX_TABLE = bytes(ord(COMMENT_SUFFIX_ALPHABET[b % 36]) for b in range(256))
# dropped from random bytes so that every character stays equally likely
_SUFFIX_DROPPED = bytes(range(252, 256))
_SUFFIX_LENGTH = 10


def new_comment_ids(account_id: str, ticket_ids: Sequence[str]) -> list[str]:
    """`<accountId>_<ticket_id>_<10 random upper-case alphanumerics>` for each ticket_id, as in
    the reference. One draw from the OS's random source for the lot, mapped in C: a batch of
    500 comments takes about 0.15 ms instead of 1.5 ms drawing per id."""
    need = _SUFFIX_LENGTH * len(ticket_ids)
    chars = b""
    while len(chars) < need:
        # 4 byte values in 256 are dropped: ask for a little more than is missing
        missing = need - len(chars)
        chars += secrets.token_bytes(missing + missing // 16 + 8).translate(
            COMMENT_SUFFIX_TABLE, _SUFFIX_DROPPED
        )
    text = chars[:need].decode("ascii")
    return [
        f"{account_id}_{ticket_id}_{text[i * _SUFFIX_LENGTH:(i + 1) * _SUFFIX_LENGTH]}"
        for i, ticket_id in enumerate(ticket_ids)
    ]


def new_comment_id(account_id: str, ticket_id: str) -> str:
    """One comment id (see `new_comment_ids`)."""
    return new_comment_ids(account_id, [ticket_id])[0]


def _base62(number: int, width: int) -> str:
    chars = []
    for _ in range(width):
        number, rem = divmod(number, 62)
        chars.append(BASE62[rem])
    return "".join(reversed(chars))


def _checksum(body: str) -> str:
    return _base62(zlib.crc32(body.encode()), TOKEN_CHECKSUM_LENGTH)


def new_token() -> str:
    """A new API token: `pdm_`, 43 random base62 characters (256 bits), a 6-character CRC32."""
    body = _base62(secrets.randbits(256), TOKEN_BODY_LENGTH)
    return f"{TOKEN_PREFIX}{body}{_checksum(body)}"


def token_looks_valid(token: str) -> bool:
    """Check prefix, length, alphabet and checksum without touching the database."""
    expected = len(TOKEN_PREFIX) + TOKEN_BODY_LENGTH + TOKEN_CHECKSUM_LENGTH
    if len(token) != expected or not token.startswith(TOKEN_PREFIX):
        return False
    rest = token[len(TOKEN_PREFIX) :]
    if any(c not in BASE62 for c in rest):
        return False
    body, checksum = rest[:TOKEN_BODY_LENGTH], rest[TOKEN_BODY_LENGTH:]
    return secrets.compare_digest(_checksum(body), checksum)
