"""Letter files (PDF, Word) are patient data: they are stored encrypted with
the same keys as the encrypted database fields (derived from SECRET_KEY and
PATIENT_DATA_KEYS, so rotating those keys covers the files too).

The key ring is built here, from the settings, by the encrypted-fields
library's own derivation: no model is needed to find it, so the floors above
(letters, delivery) can encrypt and decrypt without this module looking up."""

from __future__ import annotations

import functools

from cryptography.fernet import Fernet, MultiFernet
from django.db.models.fields.files import FieldFile
from encrypted_fields.fields import EncryptedFieldMixin


class _PatientDataKeys(EncryptedFieldMixin):
    """The key derivation of every EncryptedTextField, without a field."""


@functools.cache
def _fernet() -> Fernet | MultiFernet:
    # Cached for the process, as each encrypted field caches its own: the
    # derivation runs PBKDF2 once per key.
    return _PatientDataKeys().f


def encrypt(data: bytes) -> bytes:
    return _fernet().encrypt(data)


def decrypt(token: bytes) -> bytes:
    return _fernet().decrypt(token)


def read_decrypted(field_file: FieldFile) -> bytes:
    with field_file.open("rb") as handle:
        return decrypt(handle.read())
