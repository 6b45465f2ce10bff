"""
Inserting many new rows and their history rows fast: what an import's new records cost.

On PostgreSQL the rows go in with ``COPY``, each value adapted by psycopg as a query parameter would be, and
each row's django-simple-history "created" row with it, exactly as ``bulk_create_with_history`` writes them.
Django 5.2's ``bulk_create`` sends each column as an array that psycopg quotes on the client, and
simple-history builds a model instance per history row; on a 15,000-record list those two were most of the
import (bench/README.md, "Every source's newest file"). Auto-increment ids are drawn from the table's
sequence first, so the objects have their ids afterwards, as with ``bulk_create``. Elsewhere (SQLite, the
embedded default) it is ``bulk_create_with_history`` itself.
"""

from django.db import connection
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

# The history row's own columns, and what a "created" row holds in each.
HISTORY_FIELDS = {"history_id", "history_date", "history_change_reason", "history_type", "history_user"}


def insert_with_history(objects: list, model, *, user, reason: str) -> list:
    """Insert ``objects`` (new, unsaved) of ``model`` and a "+" history row each naming ``user`` and ``reason``."""
    if connection.vendor != "postgresql":
        return bulk_create_with_history(objects, model, default_user=user, default_change_reason=reason)
    if not objects:
        return objects
    fields = model._meta.concrete_fields
    pk = model._meta.pk
    if pk.attname in {field.attname for field in fields} and getattr(objects[0], pk.attname) is None:
        for obj, value in zip(objects, next_ids(model, len(objects)), strict=True):
            setattr(obj, pk.attname, value)
    rows = []
    for obj in objects:
        rows.append([field.get_db_prep_save(field.pre_save(obj, add=True), connection) for field in fields])
        obj._state.adding, obj._state.db = False, connection.alias
    copy_rows(model._meta.db_table, [field.column for field in fields], rows)

    history = model.history.model
    when, user_id = timezone.now(), getattr(user, "pk", None)
    own = {"history_date": when, "history_change_reason": reason, "history_type": "+", "history_user": user_id}
    history_fields = [field for field in history._meta.concrete_fields if field.name != "history_id"]
    unknown = [field.name for field in history_fields
               if field.name not in HISTORY_FIELDS and not hasattr(objects[0], field.attname)]
    if unknown:
        raise ValueError(f"{history.__name__} has fields this writer does not know: {', '.join(unknown)}.")
    copy_rows(history._meta.db_table, [field.column for field in history_fields], [
        [field.get_db_prep_save(own[field.name] if field.name in own else getattr(obj, field.attname), connection)
         for field in history_fields]
        for obj in objects
    ])
    return objects


def next_ids(model, count: int) -> list[int]:
    """``count`` new values of ``model``'s id sequence, in order."""
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [table, column, count])
        return [value for (value,) in cursor.fetchall()]


def copy_rows(table: str, columns: list[str], rows: list[list]) -> None:
    quote = connection.ops.quote_name
    connection.ensure_connection()
    # The psycopg 3 connection: COPY needs its own cursor. Its errors become Django's (DataError, …) as a
    # query's would.
    with connection.wrap_database_errors, connection.connection.cursor() as cursor:
        with cursor.copy(f"COPY {quote(table)} ({', '.join(map(quote, columns))}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
