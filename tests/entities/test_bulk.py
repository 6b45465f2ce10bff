"""entities.bulk.insert_with_history writes what bulk_create_with_history writes, faster (COPY on PostgreSQL)."""

import pytest
from django.db import DataError
from django.forms.models import model_to_dict
from simple_history.utils import bulk_create_with_history

from entities.bulk import insert_with_history
from entities.choices import NameType
from entities.models import Entity, Name

pytestmark = pytest.mark.django_db
IGNORED = {"id", "history_id", "history_date", "entity"}


def names(entity, *texts):
    return [Name(entity=entity, name_type=NameType.ALIAS, full_name=text, note="n\tote\\", public=True)
            for text in texts]


def rows(queryset) -> list[dict]:
    return [{key: value for key, value in model_to_dict(row).items() if key not in IGNORED}
            for row in queryset.order_by("full_name")]


@pytest.fixture
def two_entities(analyst):
    made = [Entity(kind="person", caption=caption, category="vei") for caption in ("A", "B")]
    insert_with_history(made, Entity, user=analyst, reason="Import run 1")
    return made


def test_it_writes_the_rows_and_history_bulk_create_with_history_writes(two_entities, analyst):
    ours, theirs = two_entities
    texts = ("Abu Example", "Ñandú 'quoted' \"text\"", "عمر", "line\nbreak")
    made = insert_with_history(names(ours, *texts), Name, user=analyst, reason="Import run 7")
    bulk_create_with_history(names(theirs, *texts), Name, default_user=analyst, default_change_reason="Import run 7")
    assert all(name.pk for name in made) and len({name.pk for name in made}) == 4
    assert rows(Name.objects.filter(entity=ours)) == rows(Name.objects.filter(entity=theirs))
    assert rows(Name.history.filter(entity=ours)) == rows(Name.history.filter(entity=theirs))
    [history] = Name.history.filter(entity=ours, full_name="Abu Example")
    assert (history.history_type, history.history_user, history.history_change_reason) == (
        "+", analyst, "Import run 7")
    assert history.id == Name.objects.get(entity=ours, full_name="Abu Example").pk
    # The ids came from the table's sequence: the next row gets a new one.
    later = Name.objects.create(entity=ours, name_type=NameType.ALIAS, full_name="Later")
    assert later.pk > max(name.pk for name in made)


def test_entities_keep_their_ids_and_get_their_history(two_entities, analyst):
    assert Entity.objects.filter(pk__in=[entity.pk for entity in two_entities]).count() == 2
    assert Entity.history.filter(id__in=[entity.pk for entity in two_entities], history_type="+").count() == 2


@pytest.mark.postgresql  # SQLite does not enforce a column's length
def test_a_value_the_column_cannot_hold_is_djangos_data_error(two_entities, analyst):
    [entity, _] = two_entities
    with pytest.raises(DataError):
        insert_with_history([Name(entity=entity, name_type="x" * 50, full_name="X")], Name, user=analyst,
                            reason="r")
