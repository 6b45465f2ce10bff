"""
Keeping the screening index (NameKey, NameToken, KeyFrequency) in step with the registry's names.

``reindex_entities`` re-analyses the names of some entities; the import sync and the curation services
schedule it after their transaction commits (``schedule_reindex``), through a Celery task, because the
name analyser needs several seconds to load its dictionaries in a fresh process. ``rebuild`` redoes the
whole index, for ``manage.py build_name_index``.
"""

from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction

from entities.models import Name
from screening.models import KeyFrequency, NameKey, NameToken
from screening.names import analyse

BATCH = 2000


def schedule_reindex(entity_ids: Iterable) -> None:
    """Re-index these entities' names once the current transaction commits."""
    ids = sorted({str(entity_id) for entity_id in entity_ids})
    if not ids:
        return
    from screening.tasks import reindex_entities_task

    transaction.on_commit(lambda: reindex_entities_task.delay(ids))


@transaction.atomic
def reindex_entities(entity_ids: Iterable) -> int:
    """Replace the index rows of these entities' names; returns how many names were indexed."""
    ids = list({str(entity_id) for entity_id in entity_ids})
    old = Counter(NameToken.objects.filter(entity_id__in=ids).values_list("key", flat=True))
    NameToken.objects.filter(entity_id__in=ids).delete()
    NameKey.objects.filter(entity_id__in=ids).delete()
    rows = Name.objects.filter(entity_id__in=ids).values_list("id", "entity_id", "name_type", "full_name",
                                                             "entity__kind")
    keys, tokens = index_rows(rows)
    NameKey.objects.bulk_create(keys, batch_size=BATCH)
    NameToken.objects.bulk_create(tokens, batch_size=BATCH)
    adjust_frequencies(Counter(token.key for token in tokens) - old, old - Counter(token.key for token in tokens))
    return len(keys)


def index_rows(rows) -> tuple[list[NameKey], list[NameToken]]:
    """NameKey and NameToken rows (unsaved) for (name id, entity id, name type, full name, kind) tuples."""
    keys, tokens = [], []
    for name_id, entity_id, name_type, full_name, kind in rows:
        analysed = analyse(full_name, kind)
        if analysed is None:
            continue
        keys.append(NameKey(name_id=name_id, entity_id=entity_id, kind=kind, name_type=name_type,
                            normalized=analysed.normalized[:1000],
                            tokens=[token.as_list() for token in analysed.tokens]))
        tokens.extend(NameToken(key=key[:200], kind=kind, entity_id=entity_id, name_id=name_id)
                      for key in analysed.keys())
    return keys, tokens


def adjust_frequencies(added: Counter, removed: Counter) -> None:
    changed = set(added) | set(removed)
    if not changed:
        return
    current = dict(KeyFrequency.objects.filter(key__in=changed).values_list("key", "names"))
    rows = [KeyFrequency(key=key, names=max(0, current.get(key, 0) + added[key] - removed[key])) for key in changed]
    KeyFrequency.objects.bulk_create(rows, update_conflicts=True, unique_fields=["key"], update_fields=["names"],
                                     batch_size=BATCH)


def rebuild(progress=lambda done: None) -> int:
    """Rebuild the whole index from every name in the registry, a batch at a time."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses pending deferred checks
                cursor.execute(f"TRUNCATE {NameToken._meta.db_table}, {NameKey._meta.db_table}, "
                               f"{KeyFrequency._meta.db_table}")
        else:
            NameToken.objects.all().delete()
            NameKey.objects.all().delete()
            KeyFrequency.objects.all().delete()
        names = Name.objects.order_by("id").values_list("id", "entity_id", "name_type", "full_name", "entity__kind")
        done, last_id, frequencies = 0, 0, Counter()
        while True:
            batch = list(names.filter(id__gt=last_id)[:BATCH * 5])
            if not batch:
                break
            keys, tokens = index_rows(batch)
            NameKey.objects.bulk_create(keys, batch_size=BATCH)
            NameToken.objects.bulk_create(tokens, batch_size=BATCH)
            frequencies.update(token.key for token in tokens)
            last_id = batch[-1][0]
            done += len(keys)
            progress(done)
        KeyFrequency.objects.bulk_create(
            [KeyFrequency(key=key, names=count) for key, count in frequencies.items()], batch_size=BATCH
        )
    return done
