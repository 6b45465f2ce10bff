"""The curation services: policy fields, analysts' names, roles, and what every write leaves in the audit log."""

import pytest

from entities import services
from entities.choices import AuditAction, EntityCategory, NameType, Tier
from entities.models import AuditEvent, Entity, Name
from tests.helpers import actor


def test_policy_change_is_saved_with_actor_and_reason(imported, analyst):
    entity = imported["organisation"]
    assert entity.category == EntityCategory.OTHER_DESIGNATED_ENTITY

    services.entity_update_policy(
        entity=entity, actor=actor(analyst), reason="Front for a VEO per partner report 12",
        category=EntityCategory.VIOLENT_EXTREMIST_ORGANISATION, tier=Tier.TIER_1,
    )

    entity.refresh_from_db()
    assert (entity.category, entity.tier) == (EntityCategory.VIOLENT_EXTREMIST_ORGANISATION, 1)
    latest = entity.history.latest()
    assert latest.history_user == analyst
    assert latest.history_change_reason == "Front for a VEO per partner report 12"
    assert latest.prev_record.category == EntityCategory.OTHER_DESIGNATED_ENTITY
    event = AuditEvent.objects.filter(entity=entity).latest("id")
    assert (event.action, event.actor_kind, event.actor_user, event.reason) == (
        AuditAction.UPDATED, "analyst", analyst, "Front for a VEO per partner report 12")
    assert {change["field"]: (change["before"], change["after"]) for change in event.changes} == {
        "category": ("other", "veo"), "tier": (None, 1)}


@pytest.mark.parametrize("field, value", [("category", EntityCategory.HATEFUL_ORGANISATION), ("tier", Tier.TIER_2)])
def test_category_and_tier_change_only_with_a_reason(imported, analyst, field, value):
    entity = imported["organisation"]
    events = AuditEvent.objects.count()
    with pytest.raises(services.CurationError, match="reason"):
        services.entity_update_policy(entity=entity, actor=actor(analyst), reason="  ", **{field: value})
    entity = Entity.objects.get(pk=entity.pk)
    assert getattr(entity, field) != value and AuditEvent.objects.count() == events


def test_notes_alone_need_no_reason_and_stay_internal(imported, analyst):
    entity = imported["person"]
    services.entity_update_policy(entity=entity, actor=actor(analyst), analyst_notes="Seen recruiting on platform")
    event = AuditEvent.objects.filter(entity=entity).latest("id")
    assert event.reason == "Analyst notes edited" and not event.public
    assert event.changes == [{"field": "analyst_notes", "before": "", "after": "Seen recruiting on platform",
                              "public": False}]


def test_source_fields_and_the_state_cannot_be_edited(imported, analyst):
    with pytest.raises(services.CurationError, match="caption cannot be edited"):
        services.entity_update_policy(entity=imported["person"], actor=actor(analyst), reason="typo",
                                      caption="Someone else")
    with pytest.raises(services.CurationError, match="state"):
        services.entity_update_policy(entity=imported["person"], actor=actor(analyst), reason="x", state="delisted")
    entity = Entity.objects.get(pk=imported["person"].pk)
    assert (entity.caption, entity.state) == ("AMIR EXAMPLE", "designated")


def test_a_viewer_can_change_nothing(imported, viewer):
    entity = imported["person"]
    before = AuditEvent.objects.count()
    with pytest.raises(services.NotAllowed, match="analyst role"):
        services.entity_update_policy(entity=entity, actor=actor(viewer), reason="x", analyst_notes="x")
    with pytest.raises(services.NotAllowed):
        services.name_save(name=Name(entity=entity, name_type=NameType.ALIAS, full_name="x"), actor=actor(viewer))
    with pytest.raises(services.NotAllowed):
        services.entity_propose_delisting(entity=entity, actor=actor(viewer), reason="x")
    assert AuditEvent.objects.count() == before and not Name.objects.filter(full_name="x").exists()


def test_an_inactive_user_keeps_no_role(imported, analyst):
    analyst.is_active = False
    analyst.save()
    with pytest.raises(services.NotAllowed):
        services.entity_update_policy(entity=imported["person"], actor=actor(analyst), analyst_notes="x")


def test_analyst_policy_and_names_survive_a_changed_import(imported, analyst, import_un):
    person = imported["person"]
    services.entity_update_policy(
        entity=person, actor=actor(analyst), reason="Reviewed", category=EntityCategory.OTHER_DESIGNATED_ENTITY,
        analyst_notes="Seen recruiting on platform",
    )
    handle = Name(entity=person, name_type=NameType.ALIAS, full_name="@amir_example")
    services.name_save(name=handle, actor=actor(analyst))

    path = imported["path"]
    path.write_text(path.read_text().replace("Abu Sample", "Abu Sampel"), encoding="utf-8")
    run = import_un(path)

    assert run.updated == 1
    person.refresh_from_db()
    assert person.category == EntityCategory.OTHER_DESIGNATED_ENTITY
    assert person.analyst_notes == "Seen recruiting on platform"
    names = {(name.full_name, name.source_record_id is None) for name in person.names.all()}
    assert names == {("AMIR EXAMPLE", False), ("Abu Sampel", False), ("@amir_example", True)}


def test_source_names_cannot_be_edited_or_removed(imported, analyst):
    name = imported["person"].names.get(full_name="Abu Sample")
    name.full_name = "changed"
    with pytest.raises(services.CurationError):
        services.name_save(name=name, actor=actor(analyst))
    with pytest.raises(services.CurationError):
        services.name_delete(name=name, actor=actor(analyst))
    assert Name.objects.filter(full_name="Abu Sample").exists()


def test_a_removed_name_stays_in_the_history_and_the_timeline(imported, analyst):
    entity = imported["person"]
    name = Name(entity=entity, name_type=NameType.ALIAS, full_name="@amir_example", note="seen 2026-11-02")
    services.name_save(name=name, actor=actor(analyst), reason="Handle seen on the platform")
    name_id = name.pk
    services.name_delete(name=name, actor=actor(analyst), reason="Handle belongs to someone else")

    assert not Name.objects.filter(pk=name_id).exists()
    removed = Name.history.filter(id=name_id).latest()
    assert (removed.history_type, removed.full_name, removed.history_user) == ("-", "@amir_example", analyst)
    added, gone = AuditEvent.objects.filter(entity=entity).order_by("-id")[:2][::-1]
    assert added.changes[0]["op"] == "added" and added.reason == "Handle seen on the platform"
    assert gone.changes == [{"item": "name", "id": name_id, "op": "removed", "after": None, "public": False,
                             "before": {"name_type": "alias", "full_name": "@amir_example",
                                        "note": "seen 2026-11-02", "public": False}}]
    assert gone.reason == "Handle belongs to someone else" and not gone.public


def test_an_entity_keeps_a_primary_name(analyst):
    proposal = services.entity_create(actor=actor(analyst), reason="seen", kind="organisation",
                                      caption="Proposed Front", category="veo")
    primary = proposal.entity.names.get()
    with pytest.raises(services.CurationError, match="only primary name"):
        services.name_delete(name=primary, actor=actor(analyst), reason="typo")
    renamed = Name(entity=proposal.entity, name_type=NameType.PRIMARY, full_name="Proposed Front (renamed)")
    services.name_save(name=renamed, actor=actor(analyst), reason="its own name")
    services.name_delete(name=primary, actor=actor(analyst), reason="superseded")
    assert list(proposal.entity.names.values_list("full_name", flat=True)) == ["Proposed Front (renamed)"]
