"""Signals the registry's data sends, so that other apps can follow it without the core knowing them."""

from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

# Sent once the writing transaction commits, with ``entity_ids``: these entities' names (or what decides which
# of them are screened) changed. Screening re-indexes them (connected in ScreeningConfig.ready()).
names_changed = Signal()


def send_names_changed(entity_ids: Iterable) -> None:
    """Tell receivers, after the current transaction commits, that these entities' names changed."""
    ids = sorted({str(entity_id) for entity_id in entity_ids})
    if ids:
        transaction.on_commit(lambda: names_changed.send(sender=None, entity_ids=ids))

# Sent inside the deciding transaction when a proposal closes (approved, rejected or withdrawn), with
# ``proposal`` and ``actor``: partners follow their submissions' proposals (connected in PartnersConfig.ready()).
proposal_decided = Signal()
