"""
Keeping the screening index (NameKey, NameToken, KeyFrequency) in step with the registry's names.

``reindex_entities`` re-analyses the names of some entities; the import sync and the curation services send
``entities.signals.names_changed`` when their transaction commits, and a Celery task re-indexes them
(``reindex_on_names_changed``), because the name analyser needs several seconds to load its dictionaries in
a fresh process. ``rebuild`` redoes the
whole index, for ``manage.py build_name_index``. On PostgreSQL it is built for a registry of millions of
names: the rows are written with COPY into tables stripped of their secondary indexes and foreign keys
(rebuilt once at the end, far faster than row by row), and a large registry's names are analysed in worker
processes while the main process reads names and writes rows.

Besides each word's keys, a name is indexed by combinations of its words ("ali+mohammed", the metaphones of
pairs "~AL+MHMT", "ali+hassan+mohammed"): on a large registry every single word can be common ("Mohammed",
"Ali"), while the names that carry two or three of a query's words are few, and those are the ones to find.
"""

import json
import multiprocessing
import os
from collections import Counter
from collections.abc import Iterable
from itertools import combinations

from django.db import connection, transaction

from entities.models import Name
from screening.models import KeyFrequency, NameKey, NameToken
from screening.names import DISTINCTIVE, Analysed, Token, analyse, warm_up_analyser

BATCH = 2000
PARALLEL_FROM = 50_000  # names; below this, forking workers costs more than it saves
PENDING = 4  # batches handed to the workers ahead of the one being written
NAME_KEY_COLUMNS = ("name_id", "entity_id", "kind", "name_type", "normalized", "tokens")
NAME_TOKEN_COLUMNS = ("key", "kind", "entity_id", "name_id")
COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
COMBINED_TOKENS = 4  # a name is indexed by the combinations of its first 4 words that count: 11 at most
PAIR = "+"  # joins the words of a combined key; no token form has it (rigour splits on punctuation)


def index_keys(analysed: Analysed) -> set[str]:
    """The keys a name is indexed by: its words' keys (``Analysed.keys``) and its combined keys."""
    return analysed.keys() | {key for _, key in combined_keys(analysed.tokens, COMBINED_TOKENS)}


def combined_keys(tokens: tuple[Token, ...], limit: int) -> list[tuple[tuple[int, ...], str]]:
    """
    (token indexes, key) for the combinations of two to four of the first ``limit`` words that count: their
    forms sorted (word order does not matter) and joined, and for pairs their metaphones too (~), for
    transliterations. Particles do not count; generic words and initials do ("Islamic Front" is not "Islamic
    Army"), with a distinctive word beside them, or all together in a name that has no distinctive word.
    """
    words = [(index, token) for index, token in enumerate(tokens) if token.weight >= 0.3][:limit]
    # A name of initials and legal forms alone ("E. S. Co.") is found by all of its words together.
    weak_name = all(token.weight < DISTINCTIVE for _, token in words)
    keys = []
    for size in range(2, min(len(words), 4) + 1):
        for combination in combinations(words, size):
            if all(token.weight < DISTINCTIVE for _, token in combination) and not (weak_name and size == len(words)):
                continue
            indexes = tuple(index for index, _ in combination)
            keys.append((indexes, PAIR.join(sorted(token.form for _, token in combination))))
            metaphones = sorted(token.metaphone for _, token in combination)
            if size == 2 and all(len(metaphone) >= 2 for metaphone in metaphones):
                keys.append((indexes, "~" + PAIR.join(metaphones)))
    return keys


def reindex_on_names_changed(sender, *, entity_ids: list[str], **kwargs) -> None:
    """Receiver of ``entities.signals.names_changed`` (sent after the commit): re-index in a Celery task."""
    from screening.tasks import reindex_entities_task

    reindex_entities_task.delay(list(entity_ids))


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
                      for key in index_keys(analysed))
    return keys, tokens


def adjust_frequencies(added: Counter, removed: Counter) -> None:
    changed = set(added) | set(removed)
    if not changed:
        return
    current = dict(KeyFrequency.objects.filter(key__in=changed).values_list("key", "names"))
    rows = [KeyFrequency(key=key, names=max(0, current.get(key, 0) + added[key] - removed[key])) for key in changed]
    KeyFrequency.objects.bulk_create(rows, update_conflicts=True, unique_fields=["key"], update_fields=["names"],
                                     batch_size=BATCH)


def rebuild(progress=lambda done: None, *, workers: int | None = None) -> int:
    """
    Rebuild the whole index from every name in the registry, a batch at a time. ``workers``: analyser
    processes on PostgreSQL (default: one per CPU when the registry has PARALLEL_FROM names or more).
    """
    if connection.vendor == "postgresql":
        return rebuild_postgresql(progress, workers)
    with transaction.atomic():
        NameToken.objects.all().delete()
        NameKey.objects.all().delete()
        KeyFrequency.objects.all().delete()
        done = 0
        for batch in name_batches():
            keys, tokens = index_rows(batch)
            NameKey.objects.bulk_create(keys, batch_size=BATCH)
            NameToken.objects.bulk_create(tokens, batch_size=BATCH)
            done += len(keys)
            progress(done)
        with connection.cursor() as cursor:
            count_key_frequencies(cursor)
    return done


def count_key_frequencies(cursor) -> None:
    """Fill the emptied KeyFrequency table from the index rows: a name carries each of its keys once."""
    cursor.execute(f"INSERT INTO {KeyFrequency._meta.db_table} (key, names) "
                   f"SELECT key, count(*) FROM {NameToken._meta.db_table} GROUP BY key")


def name_batches(size: int = BATCH * 5):
    """Every name as (id, entity id, name type, full name, entity kind), in batches in id order."""
    names = Name.objects.order_by("id").values_list("id", "entity_id", "name_type", "full_name", "entity__kind")
    last_id = 0
    while batch := list(names.filter(id__gt=last_id)[:size]):
        yield batch
        last_id = batch[-1][0]


@transaction.atomic
def rebuild_postgresql(progress, workers: int | None) -> int:
    tables = [NameToken._meta.db_table, NameKey._meta.db_table, KeyFrequency._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE and ALTER TABLE refuse pending deferred checks
        cursor.execute(f"TRUNCATE {', '.join(tables)}")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")  # for the index builds at the end
        recreate = drop_secondary_indexes_and_foreign_keys(cursor, tables)
        cursor.execute(f"SELECT count(*) FROM {Name._meta.db_table}")
        [names] = cursor.fetchone()
    if workers is None:
        workers = os.cpu_count() if names >= PARALLEL_FROM else 0
    warm_up_analyser()  # before forking, so that the workers inherit a loaded analyser
    done = 0
    raw = connection.connection  # the psycopg 3 connection: COPY needs its cursor, not Django's wrapper
    with raw.cursor() as cursor:
        for count, name_keys, name_tokens in analysed_batches(name_batches(), workers):
            copy_text(cursor, NameKey._meta.db_table, NAME_KEY_COLUMNS, name_keys)
            copy_text(cursor, NameToken._meta.db_table, NAME_TOKEN_COLUMNS, name_tokens)
            done += count
            progress(done)
        count_key_frequencies(cursor)
        for statement in recreate:
            cursor.execute(statement)
        for table in tables:
            cursor.execute(f"ANALYZE {table}")
    return done


def drop_secondary_indexes_and_foreign_keys(cursor, tables: list[str]) -> list[str]:
    """Drop the tables' foreign keys and non-unique indexes; returns the statements that recreate them."""
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY 1, 2", [tables])
    foreign_keys = cursor.fetchall()
    cursor.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
        "WHERE indrelid = ANY(%s::regclass[]) AND NOT indisunique ORDER BY 1", [tables])
    indexes = cursor.fetchall()
    for table, name, _ in foreign_keys:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    return [definition for _, definition in indexes] + [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for table, name, definition in foreign_keys
    ]


def analysed_batches(batches, workers: int):
    """analyse_batch() of each batch, in order: in this process, or ``workers`` processes ahead of the writer."""
    if workers < 2:
        yield from map(analyse_batch, batches)
        return
    # fork: the workers start with the analyser this process loaded; they touch no database connection.
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pending = []
        for batch in batches:
            pending.append(pool.apply_async(analyse_batch, (batch,)))
            if len(pending) > PENDING:
                yield pending.pop(0).get()
        for result in pending:
            yield result.get()


def analyse_batch(rows) -> tuple[int, str, str]:
    """How many names of a batch are names at all, and their NameKey and NameToken rows as COPY text."""
    name_keys, name_tokens = [], []
    for name_id, entity_id, name_type, full_name, kind in rows:
        analysed = analyse(full_name, kind)
        if analysed is None:
            continue
        tokens = json.dumps([token.as_list() for token in analysed.tokens])
        name_keys.append(f"{name_id}\t{entity_id}\t{copy_field(kind)}\t{copy_field(name_type)}\t"
                         f"{copy_field(analysed.normalized[:1000])}\t{copy_field(tokens)}\n")
        for key in index_keys(analysed):
            key = key[:200]
            name_tokens.append(f"{copy_field(key)}\t{copy_field(kind)}\t{entity_id}\t{name_id}\n")
    return len(name_keys), "".join(name_keys), "".join(name_tokens)


def copy_field(value: str) -> str:
    return value.translate(COPY_ESCAPES)


def copy_text(cursor, table: str, columns: tuple[str, ...], text: str) -> None:
    """
    COPY rows into a table truncated in this transaction. FREEZE writes them visible to all and marks their pages
    so in the visibility map: index-only scans of the key index work at once, with no VACUUM first.
    """
    if text:
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FREEZE)") as copy:
            copy.write(text)
