"""What the letter floor announces to the floors above it, which it may not
import: they connect their receivers in ``AppealsConfig.ready``."""

from django.dispatch import Signal

# Sent with ``letter_id`` once a letter's READY state is committed.
# delivery sends the "your letter is ready" email.
letter_ready = Signal()
