"""The floors of docs/architecture.md: the file key needs no model, and it is the fields' key."""

from appeals.core import crypto
from appeals.letters.models import Letter


def test_letter_files_use_the_encrypted_fields_key_without_asking_a_model():
    field_keys = Letter._meta.get_field("html_snapshot").f
    assert field_keys.decrypt(crypto.encrypt(b"patient data")) == b"patient data"
    assert crypto.decrypt(field_keys.encrypt(b"patient data")) == b"patient data"


def test_stored_email_digests_survive_the_move_of_their_module(settings):
    # The digest's salt once named the module's first path; every stored digest
    # depends on it, so a move must not change it.  (Value from that first module.)
    from appeals.orders.email_identity import email_digest

    settings.EMAIL_DIGEST_KEY = "a fixed test key"
    assert email_digest("Maria.Lopez@Example.org") == "42d7a7ac4b444e31e611f973af7cfa33ac5bf8ac36c99fd44452bea19ad59c7a"
