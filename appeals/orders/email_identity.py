"""What "the same email address" means for first-letter promo codes, and the
keyed digest the database keeps of it.

One mailbox has many spellings: ``Maria@Example.org``, ``maria+appeal@example.org``,
``m.aria@gmail.com`` and ``maria@googlemail.com``, a domain typed with a Cyrillic
``а`` or fullwidth letters.  ``canonical_email`` folds them to one form, and
``email_digest`` keeps only an HMAC of that form, keyed by ``EMAIL_DIGEST_KEY``,
so a copy of the database cannot be checked against a list of addresses.

Digests made before the keyed one were a plain SHA-256 of the address without
case or surrounding spaces (``legacy_email_digest``).  Orders whose address has
since been deleted keep that old digest (``Order.legacy_email_digest``), and the
first-letter rule compares a new address against it too: see docs/checkout.md.
"""

from __future__ import annotations

import hashlib
import unicodedata

from confusable_homoglyphs import confusables
from django.conf import settings
from django.utils.crypto import salted_hmac

GMAIL_DOMAINS = ("gmail.com", "googlemail.com")
# The salt is part of every stored digest: it keeps the module's first dotted path
# (appeals.email_identity), whatever the module is called now.
DIGEST_SALT = "appeals.email_identity.email_digest"


def _fold_lookalikes(text: str) -> str:
    """Each non-ASCII character that Unicode lists as confusable with a Latin
    one (Cyrillic ``а``, Greek ``ο`` …) replaced by that ASCII character."""
    table: dict[int, str] = {}
    for found in confusables.is_confusable(text, greedy=True, preferred_aliases=["latin"]) or []:
        character = found["character"]
        if character.isascii():
            continue
        for glyph in found["homoglyphs"]:
            if glyph["c"].isascii() and glyph["c"].isprintable():
                table[ord(character)] = glyph["c"]
                break
    return text.translate(table)


def _plain(text: str) -> str:
    """NFKC (fullwidth and compatibility forms), without invisible format
    characters (zero-width spaces and joiners, soft hyphens) or lone
    surrogates, look-alikes folded, case folded."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cf", "Cs"))
    return unicodedata.normalize("NFKC", _fold_lookalikes(text.casefold()).casefold()).strip()


def _ascii_domain(domain: str) -> str:
    """The domain as DNS spells it (IDNA/punycode), when it can be spelled so."""
    domain = "".join(domain.split()).strip(".")  # a domain has no spaces, nor a root dot that matters
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain


def canonical_email(email: str) -> str:
    """One spelling per mailbox: case, ``+tags``, Gmail's dots, googlemail.com
    and look-alike characters make no difference."""
    local, at, domain = email.strip().rpartition("@")
    if not at:
        return _plain(email.strip())
    local, domain = _plain(local), _ascii_domain(_plain(domain))
    local = local.split("+", 1)[0].strip()  # sub-addressing: the same mailbox
    if domain in GMAIL_DOMAINS:
        domain, local = "gmail.com", local.replace(".", "")
    return f"{local}@{domain}"


def email_digest(email: str) -> str:
    """HMAC-SHA256 of the canonical address, keyed by ``EMAIL_DIGEST_KEY``."""
    canonical = canonical_email(email).encode("utf-8", "surrogatepass")
    return salted_hmac(DIGEST_SALT, canonical, secret=settings.EMAIL_DIGEST_KEY, algorithm="sha256").hexdigest()


def legacy_email_digest(email: str) -> str:
    """The digest orders had before the keyed one: SHA-256 of the address
    without case or surrounding spaces."""
    return hashlib.sha256(email.strip().lower().encode("utf-8", "surrogatepass")).hexdigest()


def legacy_digests_of(email: str) -> list[str]:
    """The old digests an earlier order of this mailbox may carry: of the
    address as typed, without its ``+tag``, with look-alikes folded, at
    gmail.com or googlemail.com.  Gmail's dots are kept as typed: where the old
    address had them elsewhere, it cannot be found (docs/checkout.md)."""
    local, at, domain = email.strip().rpartition("@")
    if not at:
        return [legacy_email_digest(email)]
    domains = {domain, _ascii_domain(_plain(domain))}
    if domains & set(GMAIL_DOMAINS):
        domains |= set(GMAIL_DOMAINS)
    locals_ = {local, local.split("+", 1)[0], _plain(local), _plain(local).split("+", 1)[0]}
    spellings = {f"{name}@{host}" for name in locals_ for host in domains} | {canonical_email(email)}
    return sorted({legacy_email_digest(spelling) for spelling in spellings})
