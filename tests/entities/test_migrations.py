"""The curation migrations carry an existing registry over: states, first designations, actor kinds, the UN policy."""

import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("entities", "0005_search_indexes")]


@pytest.fixture
def migrator(transactional_db):
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()

    def migrate(targets):
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    yield migrate
    migrate(latest)


def test_an_existing_registry_is_carried_over(migrator):
    old = migrator(BEFORE)
    Entity, Source, EntityChange = (old.get_model("entities", name) for name in ("Entity", "Source", "EntityChange"))
    # A data migration made it; an earlier transactional test may have flushed the tables since.
    Source.objects.get_or_create(slug="un-sc", defaults={"name": "UN Security Council Consolidated List"})
    now = timezone.now()
    active = Entity.objects.create(id=uuid.uuid4(), kind="person", caption="ACTIVE ONE", category="vei",
                                   status="active")
    gone = Entity.objects.create(id=uuid.uuid4(), kind="person", caption="GONE ONE", category="vei",
                                 status="delisted", delisted_at=now)
    EntityChange.objects.create(entity=active, action="created", occurred_at=now, reason="Import run 1 of un-sc")
    EntityChange.objects.create(entity=gone, action="delisted", occurred_at=now, reason="Court ruling")

    new = migrator([("entities", "0009_history_reasons_as_text")])
    Entity, Source, AuditEvent = (new.get_model("entities", name) for name in ("Entity", "Source", "AuditEvent"))
    states = dict(Entity.objects.values_list("caption", "state"))
    assert states == {"ACTIVE ONE": "designated", "GONE ONE": "delisted"}
    assert not Entity.objects.filter(first_designated_at__isnull=True).exists()  # both were designated once
    assert Source.objects.get(slug="un-sc").policy == "auto_designate"
    kinds = dict(AuditEvent.objects.values_list("reason", "actor_kind"))
    assert kinds == {"Import run 1 of un-sc": "importer:un-sc", "Court ruling": "analyst"}
    Group = new.get_model("auth", "Group")
    assert set(Group.objects.values_list("name", flat=True)) >= {"viewer", "analyst", "approver"}
