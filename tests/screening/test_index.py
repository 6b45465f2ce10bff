"""
The screening index (NameKey, NameToken, KeyFrequency): built whole by rebuild() and build_name_index, kept in
step after imports and analysts' name edits by the reindex scheduled on commit (a Celery task, eager in tests).
"""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection

from entities.choices import NameType
from entities.models import Entity, Name
from entities.services import name_delete, name_save
from registry.celery import app as celery_app
from screening.index import index_keys, rebuild, reindex_entities
from screening.models import KeyFrequency, NameKey, NameToken
from screening.names import analyse
from screening.scoring import Query
from screening.service import screen
from screening.tasks import reindex_entities_task
from tests.helpers import actor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _eager_tasks(settings):
    """The reindex runs as a Celery task: in tests (no CELERY_BROKER_URL) it must run eagerly, in-process."""
    assert not settings.CELERY_BROKER_URL, "run the tests without CELERY_BROKER_URL (bin/test unsets it)"
    assert settings.CELERY_TASK_ALWAYS_EAGER
    assert celery_app.conf.task_always_eager and reindex_entities_task.app.conf.task_always_eager


def assert_frequencies_match_a_recount():
    """Every KeyFrequency equals the number of NameToken rows of its key; keys no name has are 0 or absent."""
    recount = Counter(NameToken.objects.values_list("key", flat=True))
    stored = dict(KeyFrequency.objects.values_list("key", "names"))
    assert {key: names for key, names in stored.items() if names} == dict(recount)


def frequency(key: str) -> int:
    return KeyFrequency.objects.filter(key=key).values_list("names", flat=True).first() or 0


def best(name: str, kind=None):
    """The best candidate for the platform's own callers, who also match analysts' internal names."""
    [result] = screen([Query(name=name, kind=kind)], internal_names=True)
    return result.candidates[0] if result.candidates else None


def rebuild_again(**kwargs):
    """A second rebuild in the test's transaction: the first one's deferred FK checks are fired first (see below)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    return rebuild(**kwargs)


# --- rebuild and build_name_index ---------------------------------------------------------------


def test_rebuild_indexes_every_name(registry):
    names = Name.objects.count()
    assert NameKey.objects.count() == names
    assert set(NameKey.objects.values_list("name_id", flat=True)) == set(Name.objects.values_list("id", flat=True))
    assert_frequencies_match_a_recount()
    for key in NameKey.objects.select_related("name", "entity"):
        analysed = analyse(key.name.full_name, key.entity.kind)
        assert key.normalized == analysed.normalized
        assert key.kind == key.entity.kind
        assert key.name_type == key.name.name_type
        tokens = set(NameToken.objects.filter(name_id=key.name_id).values_list("key", flat=True))
        assert tokens == index_keys(analysed)
        assert set(NameToken.objects.filter(name_id=key.name_id).values_list("entity_id", flat=True)) == {
            key.entity_id
        }


def test_rebuild_counts_and_reports_progress(registry):
    progress = []
    count = rebuild_again(progress=progress.append)
    assert count == Name.objects.count()
    assert progress and progress[-1] == count


def test_rebuild_forgets_what_is_no_longer_a_name(registry):
    """Rows for names that are gone do not survive a rebuild."""
    KeyFrequency.objects.create(key="stale-key", names=7)
    rebuild_again()
    assert not KeyFrequency.objects.filter(key="stale-key").exists()
    assert_frequencies_match_a_recount()


def test_rebuild_twice_in_one_transaction(registry):
    assert rebuild() == Name.objects.count()


def test_build_name_index_command(import_un, screening_file):
    import_un(screening_file("v1.xml"))
    assert not NameKey.objects.exists()  # the import's reindex waits for a commit that never comes in a test
    out, err = io.StringIO(), io.StringIO()
    call_command("build_name_index", stdout=out, stderr=err)
    names = Name.objects.count()
    assert f"Indexed {names:,} names in " in out.getvalue()
    assert out.getvalue().strip().endswith("s.")
    assert f"{names:,} names" in err.getvalue()
    assert NameKey.objects.count() == names
    assert_frequencies_match_a_recount()
    assert best("Abu Hafs al-Shimali").caption == "MUHAMMAD ABD AL-KARIM AL-JIZRAWI"


def test_build_name_index_on_an_empty_registry(db):
    out = io.StringIO()
    call_command("build_name_index", stdout=out, stderr=io.StringIO())
    assert "Indexed 0 names" in out.getvalue()
    assert not NameKey.objects.exists() and not KeyFrequency.objects.exists()


# --- reindex after an import --------------------------------------------------------------------



def test_import_schedules_a_reindex_on_commit(registry, import_un, screening_file, django_capture_on_commit_callbacks):
    """The reindex waits for the import's commit: until then the renamed name is not in the index."""
    husayn = registry["TAi.901"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        import_un(screening_file("v2.xml"))
    assert not NameKey.objects.filter(normalized__contains="osmankhel").exists()
    assert callbacks, "the import scheduled nothing"
    for callback in callbacks:
        callback()
    assert NameKey.objects.filter(entity=husayn, normalized="husayn ali osmankhel").exists()


def test_reindex_after_an_import_that_changes_a_name(registry, import_un, screening_file,
                                                     django_capture_on_commit_callbacks):
    husayn = registry["TAi.901"]
    assert best("Husayn Ali Osmanzai").entity_id == husayn.pk
    rows_before = NameKey.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        import_un(screening_file("v2.xml"))
    [key] = NameKey.objects.filter(entity=husayn, name_type=NameType.PRIMARY)
    assert key.normalized == "husayn ali osmankhel"
    assert not NameToken.objects.filter(key="osmanzai").exists()
    assert NameToken.objects.filter(key="osmankhel", entity=husayn).count() == 1
    assert NameKey.objects.count() == rows_before  # the renamed name replaced its row; the delisted kept theirs
    renamed = best("Husayn Ali Osmankhel")
    assert renamed.entity_id == husayn.pk and renamed.match
    old = best("Husayn Ali Osmanzai")
    assert old.entity_id == husayn.pk and old.score < renamed.score


def test_frequencies_after_an_import_that_changes_a_name_equal_a_recount(registry, import_un, screening_file,
                                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        import_un(screening_file("v2.xml"))
    assert frequency("osmanzai") == 0
    assert frequency("osmankhel") == 1
    assert frequency("husayn") == 1  # the words the new name shares with the old are not counted twice
    assert_frequencies_match_a_recount()


def test_an_unchanged_reimport_changes_nothing_in_the_index(registry, import_un, screening_file,
                                                           django_capture_on_commit_callbacks):
    before = dict(KeyFrequency.objects.values_list("key", "names"))
    with django_capture_on_commit_callbacks(execute=True):
        import_un(screening_file("v1.xml"))
    assert {k: v for k, v in KeyFrequency.objects.values_list("key", "names") if v} == {
        k: v for k, v in before.items() if v
    }


def test_reindex_is_idempotent(registry):
    before = dict(KeyFrequency.objects.values_list("key", "names"))
    ids = list(Entity.objects.values_list("pk", flat=True))
    assert reindex_entities(ids) == Name.objects.count()
    assert reindex_entities(ids[:3]) == Name.objects.filter(entity_id__in=ids[:3]).count()
    assert dict(KeyFrequency.objects.values_list("key", "names")) == before
    assert_frequencies_match_a_recount()


def test_reindex_task_runs_eagerly(registry):
    entity = registry["QDi.901"]
    NameKey.objects.filter(entity=entity).delete()
    assert best("Abu Hafs al-Shimali") is None
    indexed = reindex_entities_task.delay([str(entity.pk)]).get()
    assert indexed == entity.names.count()
    assert best("Abu Hafs al-Shimali").entity_id == entity.pk


# --- analysts' names -----------------------------------------------------------------------------




def test_an_analyst_name_becomes_searchable_and_then_not(registry, analyst, django_capture_on_commit_callbacks):
    entity = registry["QDi.906"]
    assert best("Zubayr Fiktivi") is None
    name = Name(entity=entity, name_type=NameType.ALIAS, full_name="Abu Zubayr al-Fiktivi")
    with django_capture_on_commit_callbacks(execute=True):
        name_save(name=name, actor=actor(analyst), reason="seen in a report")
    found = best("Abu Zubayr al-Fiktivi")
    assert found.entity_id == entity.pk and found.match
    assert found.explanation["name"]["matched"] == "Abu Zubayr al-Fiktivi"
    assert found.explanation["name"]["type"] == "alias"
    assert frequency("zubayr") == 1
    assert_frequencies_match_a_recount()

    name.full_name = "Abu Zubair al-Fiktivi"
    with django_capture_on_commit_callbacks(execute=True):
        name_save(name=name, actor=actor(analyst), reason="spelling")
    assert NameKey.objects.get(name_id=name.pk).normalized == "abu zubair al fiktivi"
    assert frequency("zubayr") == 0 and frequency("zubair") == 1
    assert_frequencies_match_a_recount()
    assert best("Abu Zubair al-Fiktivi").explanation["name"]["matched"] == "Abu Zubair al-Fiktivi"

    with django_capture_on_commit_callbacks(execute=True):
        name_delete(name=name, actor=actor(analyst), reason="wrong person")
    assert not NameKey.objects.filter(name_id=name.pk).exists()
    assert not NameToken.objects.filter(key__in=["zubair", "fiktivi"]).exists()
    gone = best("Abu Zubair al-Fiktivi")
    assert gone is None or gone.entity_id != entity.pk or not gone.match
    # the entity's own names are still indexed
    assert best("Muhammad Rashid Qudsi").entity_id == entity.pk


def test_frequencies_after_an_analyst_name_is_deleted_equal_a_recount(registry, analyst,
                                                                      django_capture_on_commit_callbacks):
    name = Name(entity=registry["QDi.906"], name_type=NameType.ALIAS, full_name="Abu Zubayr al-Fiktivi")
    with django_capture_on_commit_callbacks(execute=True):
        name_save(name=name, actor=actor(analyst), reason="seen in a report")
    with django_capture_on_commit_callbacks(execute=True):
        name_delete(name=name, actor=actor(analyst), reason="wrong person")
    assert frequency("zubayr") == 0 and frequency("fiktivi") == 0
    assert_frequencies_match_a_recount()
