"""
The analysts' admin: entities with their facts, evidence, relationships and timeline; the review queue; the
relationships to confirm. Every change goes through ``entities.services`` with the user as actor.
"""

from entities.admin import curation, entities  # noqa: F401  (registers the model admins)
