"""Signals of the delivery floor, for floors above it to act on without this one
looking up."""

from __future__ import annotations

from django.dispatch import Signal

# Sent by ``appeals.delivery.retention.purge_case`` inside the purge's transaction, with
# ``case_id``: a floor above deletes what it keeps of the case (the tracking timeline).
case_purged = Signal()
