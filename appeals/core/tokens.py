"""Link tokens: the secret in a case link, a status link and a share link.

Each is 256 random bits shown once in a URL; the database keeps only its
digest (for the lookup, through a unique index) and, where its owner may copy
the link again, an encrypted copy.  One helper for the three, so they cannot
drift apart."""

from __future__ import annotations

import hashlib
import secrets
from typing import NamedTuple

# Longer than any token we hand out; anything longer is not looked up at all.
MAX_TOKEN_LENGTH = 100


class LinkToken(NamedTuple):
    token: str
    digest: str


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_link_token() -> LinkToken:
    token = secrets.token_urlsafe(32)
    return LinkToken(token, token_digest(token))


def lookup_digest(token: str) -> str | None:
    """The digest to look a token up by, or None for one that cannot be ours."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return token_digest(token)
