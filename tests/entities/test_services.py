import pytest

from entities import services
from entities.choices import EntityCategory, EntityStatus, NameType
from entities.models import Entity, Name


@pytest.fixture
def analyst(django_user_model):
    return django_user_model.objects.create_user("analyst", password="not-used")


def test_policy_change_is_saved_with_actor_and_reason(imported, analyst):
    entity = imported["organisation"]
    assert entity.category == EntityCategory.OTHER_DESIGNATED_ENTITY

    services.entity_update_policy(
        entity=entity, actor=analyst, reason="Front for a VEO per partner report 12",
        category=EntityCategory.VIOLENT_EXTREMIST_ORGANISATION,
    )

    entity.refresh_from_db()
    assert entity.category == EntityCategory.VIOLENT_EXTREMIST_ORGANISATION
    latest = entity.history.latest()
    assert latest.history_user == analyst
    assert latest.history_change_reason == "Front for a VEO per partner report 12"
    assert latest.prev_record.category == EntityCategory.OTHER_DESIGNATED_ENTITY


def test_policy_change_needs_a_reason(imported, analyst):
    with pytest.raises(services.CurationError, match="reason"):
        services.entity_update_policy(entity=imported["person"], actor=analyst, reason="  ", analyst_notes="x")


def test_source_fields_cannot_be_edited(imported, analyst):
    with pytest.raises(services.CurationError, match="caption cannot be edited"):
        services.entity_update_policy(entity=imported["person"], actor=analyst, reason="typo", caption="Someone else")
    assert Entity.objects.get(pk=imported["person"].pk).caption == "AMIR EXAMPLE"


def test_manual_delisting_sets_and_clears_the_date(imported, analyst):
    entity = imported["person"]
    services.entity_update_policy(entity=entity, actor=analyst, reason="Court ruling", status=EntityStatus.DELISTED)
    assert entity.delisted_at is not None
    services.entity_update_policy(entity=entity, actor=analyst, reason="Ruling overturned", status=EntityStatus.ACTIVE)
    entity.refresh_from_db()
    assert entity.status == EntityStatus.ACTIVE and entity.delisted_at is None


def test_analyst_policy_and_names_survive_a_changed_import(imported, analyst, import_un):
    person = imported["person"]
    services.entity_update_policy(
        entity=person, actor=analyst, reason="Reviewed", category=EntityCategory.OTHER_DESIGNATED_ENTITY,
        analyst_notes="Seen recruiting on platform",
    )
    services.name_save(name=Name(entity=person, name_type=NameType.ALIAS, full_name="@amir_example"), actor=analyst)

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
        services.name_save(name=name, actor=analyst)
    with pytest.raises(services.CurationError):
        services.name_delete(name=name, actor=analyst)
    assert Name.objects.filter(full_name="Abu Sample").exists()
