"""
What makes screening hold up on a registry of a million entities: the index rebuilt with COPY (in worker
processes when asked), into tables whose indexes and foreign keys are dropped and recreated around it, and
/match's database work done in a fixed number of statements whatever the number of candidates.
"""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from entities.models import Entity
from screening.index import rebuild, reindex_entities
from screening.models import KeyFrequency, NameKey, NameToken
from screening.names import analyse
from screening.service import (
    SCREENED,
    best_by_keys_orm,
    best_by_keys_postgresql,
    find_candidates,
    first_entities_with_key,
    load_facts,
    load_facts_orm,
    load_facts_postgresql,
)

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]  # COPY, worker processes, the SQL ranking


def index_snapshot() -> dict:
    """Every row of the three index tables, ids of NameToken left out (they only number the rows)."""
    return {
        "keys": sorted(NameKey.objects.values_list("name_id", "entity_id", "kind", "name_type", "normalized",
                                                   "tokens")),
        "tokens": sorted(NameToken.objects.values_list("key", "kind", "entity_id", "name_id")),
        "frequencies": dict(KeyFrequency.objects.filter(names__gt=0).values_list("key", "names")),
    }


def schema_of_index_tables() -> set:
    tables = [NameToken._meta.db_table, NameKey._meta.db_table, KeyFrequency._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = ANY(%s::regclass[])",
                       [tables])
        indexes = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                       "WHERE conrelid = ANY(%s::regclass[])", [tables])
        return indexes | set(cursor.fetchall())


def fire_deferred_checks():
    """The fixture's import left deferred FK checks pending in the test's transaction; rebuild fires them too."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_the_copy_rebuild_writes_exactly_the_rows_of_a_reindex(registry):
    rebuilt = index_snapshot()
    assert rebuilt["keys"] and rebuilt["tokens"]
    fire_deferred_checks()
    reindex_entities(Entity.objects.values_list("id", flat=True))
    assert index_snapshot() == rebuilt


def test_the_rebuild_in_worker_processes_writes_the_same_rows(registry):
    in_process = index_snapshot()
    fire_deferred_checks()
    assert rebuild(workers=2) == len(in_process["keys"])
    assert index_snapshot() == in_process


def test_the_rebuild_puts_back_every_index_and_foreign_key(registry):
    before = schema_of_index_tables()
    assert any("gin_trgm_ops" in str(item) for item in before)  # the trigram index is among them
    assert any("FOREIGN KEY" in str(item) for item in before)
    fire_deferred_checks()
    rebuild()
    assert schema_of_index_tables() == before


def test_the_recreated_foreign_keys_still_hold(registry):
    """A NameKey row pointing at no entity is refused after the rebuild, as before it."""
    fire_deferred_checks()
    rebuild()
    row = NameKey.objects.first()
    with pytest.raises(Exception, match="foreign key"), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"UPDATE {NameKey._meta.db_table} SET entity_id = gen_random_uuid() WHERE name_id = %s",
                       [row.name_id])


def test_load_facts_is_one_statement_whatever_the_number_of_candidates(registry, django_assert_num_queries):
    everyone = list(Entity.objects.values_list("id", flat=True))
    for ids in (everyone[:1], everyone):
        with django_assert_num_queries(1):
            facts = load_facts(ids)
        assert set(facts) == set(Entity.objects.designated().filter(id__in=ids).values_list("id", flat=True))


def test_load_facts_in_one_statement_equals_the_orm_path(registry):
    ids = list(Entity.objects.values_list("id", flat=True))
    one = load_facts_postgresql(ids, states=SCREENED, internal_names=False)
    orm = load_facts_orm(ids, states=SCREENED, internal_names=False)
    assert set(one) == set(orm) and len(one) >= 9
    for entity_id, facts in one.items():
        expected = orm[entity_id]
        assert (facts.caption, facts.kind, facts.state) == (expected.caption, expected.kind, expected.state)
        assert sorted(facts.names) == sorted(tuple(name) for name in expected.names)
        assert sorted(facts.birth_dates, key=repr) == sorted(expected.birth_dates, key=repr)
        assert facts.nationalities == expected.nationalities
    assert any(facts.birth_dates for facts in one.values())
    assert any(facts.nationalities for facts in one.values())


@pytest.mark.parametrize("name", ["Muhammad", "Muhammad Abd al-Karim al-Jizrawi", "Sunrise"])
def test_find_candidates_is_two_statements_whatever_the_number_of_candidates(registry, name,
                                                                             django_assert_num_queries):
    """Key frequencies, then index rows: a query whose words are all in the index never needs more."""
    analysed = analyse(name, None)
    with django_assert_num_queries(2):
        found = find_candidates(analysed, kind=None)
    assert found


@pytest.mark.parametrize("name", ["Muhammad", "Muhammad Abd al-Karim al-Jizrawi", "Sunrise Trading", "Ali"])
@pytest.mark.parametrize("kind", [None, "person"])
def test_candidates_ranked_in_sql_equal_the_python_ranking(registry, name, kind):
    analysed = analyse(name, kind)
    keys = sorted(analysed.keys())
    weights = {key: (index % 3, 1.0 + index / 7) for index, key in enumerate(keys)}
    if kind is None:
        assert best_by_keys_orm(weights, kind), "precondition: the name is in the registry"
    assert best_by_keys_postgresql(weights, kind) == best_by_keys_orm(weights, kind)
    for key in keys:  # one key: the first entities that carry it
        expected = best_by_keys_orm({key: (0, 1.0)}, kind)
        assert first_entities_with_key(key, kind) == expected == best_by_keys_postgresql({key: (0, 1.0)}, kind)


def test_build_name_index_with_worker_processes(registry):
    in_process = index_snapshot()
    fire_deferred_checks()
    out = io.StringIO()
    call_command("build_name_index", workers=2, stdout=out, stderr=io.StringIO())
    assert f"Indexed {len(in_process['keys']):,} names" in out.getvalue()
    assert index_snapshot() == in_process
