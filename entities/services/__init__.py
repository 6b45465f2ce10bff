"""
Write services for curation: the admin, the API, Celery tasks, importers and the shell all call these, and
nothing else writes registry data. Each takes an ``entities.audit.Actor`` and a reason, checks the actor's
role, and records an audit event in the same transaction as the change.
"""

from entities.services.common import CurationError, NotAllowed
from entities.services.items import evidence_delete, evidence_save, name_delete, name_save
from entities.services.lifecycle import (
    can_decide,
    entity_create,
    entity_propose,
    entity_propose_delisting,
    proposal_approve,
    proposal_reject,
    proposal_start_review,
    proposal_withdraw,
)
from entities.services.policy import POLICY_FIELDS, entity_update_policy
from entities.services.relationships import relationship_add, relationship_confirm, relationship_dismiss

__all__ = [
    "POLICY_FIELDS",
    "CurationError",
    "NotAllowed",
    "can_decide",
    "entity_create",
    "entity_propose",
    "entity_propose_delisting",
    "entity_update_policy",
    "evidence_delete",
    "evidence_save",
    "name_delete",
    "name_save",
    "proposal_approve",
    "proposal_reject",
    "proposal_start_review",
    "proposal_withdraw",
    "relationship_add",
    "relationship_confirm",
    "relationship_dismiss",
]
