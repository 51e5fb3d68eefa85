"""Letter files (PDF, Word) are patient data: they are stored encrypted with
the same keys as the encrypted database fields (derived from SECRET_KEY and
PATIENT_DATA_KEYS, so rotating those keys covers the files too)."""

from __future__ import annotations

from cryptography.fernet import Fernet, MultiFernet
from django.db.models.fields.files import FieldFile


def _fernet() -> Fernet | MultiFernet:
    from appeals.models import Letter

    return Letter._meta.get_field("html_snapshot").f


def encrypt(data: bytes) -> bytes:
    return _fernet().encrypt(data)


def decrypt(token: bytes) -> bytes:
    return _fernet().decrypt(token)


def read_decrypted(field_file: FieldFile) -> bytes:
    with field_file.open("rb") as handle:
        return decrypt(handle.read())
