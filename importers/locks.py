"""
One import per source at a time.

On PostgreSQL the lock is a session-level advisory lock, so it holds across processes and Celery workers
for the whole run (download, parse and sync) and is released by the server if the process dies. The
embedded SQLite default runs in one process, where a per-source thread lock does the same.
"""

import threading
import zlib
from contextlib import contextmanager

from django.db import connection

from importers.base import ImportAlreadyRunning

_local_locks: dict[str, threading.Lock] = {}
_local_guard = threading.Lock()


@contextmanager
def source_lock(slug: str):
    if connection.vendor == "postgresql":
        key = zlib.crc32(f"registry-import:{slug}".encode())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            if not cursor.fetchone()[0]:
                raise ImportAlreadyRunning(f"Another import of {slug} is running; try again when it has finished.")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        return
    with _local_guard:
        lock = _local_locks.setdefault(slug, threading.Lock())
    if not lock.acquire(blocking=False):
        raise ImportAlreadyRunning(f"Another import of {slug} is running; try again when it has finished.")
    try:
        yield
    finally:
        lock.release()
