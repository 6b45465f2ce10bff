#!/usr/bin/env python
"""
Benchmark: import the newest full UN Security Council list into an empty PostgreSQL registry, then import
the same file again (a no-op), and compare the wall times with the targets (cold ≤ 3 s, no-op ≤ 1 s).

    python bench/import_un.py [--file PATH] [--database-url URL] [--repeat N] [--strict] [--profile DIR]

The benchmark database is dropped, recreated and migrated at the start, and the registry tables are
emptied before every repeat, so each cold import really starts from a freshly set-up registry. Imports go
through ``importers.services.import_source`` exactly as ``manage.py import_source un-sc --file`` calls it;
the script only wraps the importer's ``parse`` and the service's ``sync_records`` with a stopwatch and
counts the SQL statements and rows written. Every run's counts are checked, so a wrong import is an error,
not a fast result. An incremental import (2025-12-10, then 2026-02-27) and the management command run in
a fresh process are measured for information. The whole run is bounded by --time-limit.
"""

import argparse
import cProfile
import gc
import json
import os
import pstats
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from benchdb import recreate_database

ROOT = Path(__file__).resolve().parents[1]
UN_DATA = ROOT.parent / "shared" / "data" / "un"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/registry_bench"
TARGETS = {"cold": 3.0, "no-op": 1.0}
INCREMENTAL = ("un-sc-consolidated-2025-12-10.xml", "un-sc-consolidated-2026-02-27.xml")
INCREMENTAL_COUNTS = {"created": 4, "unchanged": 999}  # four new listings (../shared/data/README.md)
SLUG = "un-sc"
WRITE_SQL = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?', re.IGNORECASE)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].strip())
    parser.add_argument("--file", type=Path, help="UN-format XML to import (default: the newest file in "
                        f"{UN_DATA}).")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
                        help=f"PostgreSQL database to DROP, recreate and use (default {DEFAULT_DATABASE_URL}).")
    parser.add_argument("--repeat", type=int, default=3, help="Cold + no-op pairs to time (1-50, default 3).")
    parser.add_argument("--strict", action="store_true", help="Exit 1 when a target is missed.")
    parser.add_argument("--profile", type=Path, metavar="DIR",
                        help="Also run one cold and one no-op import under cProfile; write DIR/cold.prof and "
                        "DIR/noop.prof and print the top functions.")
    parser.add_argument("--verbose", "-v", action="store_true", help="Print rows written, and the SQL time, per table.")
    parser.add_argument("--time-limit", type=int, default=300, help="Abort after this many seconds (default 300).")
    parser.add_argument("--allow-drop", action="store_true",
                        help="Allow dropping a database whose name does not contain 'bench'.")
    args = parser.parse_args(argv)
    if not 1 <= args.repeat <= 50:
        parser.error("--repeat must be between 1 and 50")
    args.file = args.file or newest_un_file()
    if not args.file.is_file():
        parser.error(f"no such file: {args.file}")
    return args


def newest_un_file() -> Path:
    files = sorted(UN_DATA.glob("un-sc-consolidated-*.xml"))
    if not files:
        sys.exit(f"No UN list found: expected {UN_DATA}/un-sc-consolidated-YYYY-MM-DD.xml "
                 "(the shared data folder next to the repository). Pass one with --file PATH.")
    return files[-1]


# --- Database set-up ------------------------------------------------------------------------------

def setup_django(url: str, data_dir: str):
    os.environ["DATABASE_URL"] = url
    os.environ["IMPORT_DATA_DIR"] = data_dir
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "registry.settings"
    # As in production, the screening index is refreshed by a worker after the import commits; an in-memory
    # broker queues that task here without running it, so the figures are the import's own.
    os.environ["CELERY_BROKER_URL"] = "memory://localhost/"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def reset_registry():
    """Empty every table the import writes, back to the state right after ``migrate``."""
    from django.apps import apps
    from django.db import connection

    from entities.models import Source

    keep = {Source._meta.db_table}
    tables = sorted(
        model._meta.db_table
        for app in ("entities", "importers")
        for model in apps.get_app_config(app).get_models()
        if model._meta.db_table not in keep and not model._meta.proxy
    )
    quoted = ", ".join(connection.ops.quote_name(table) for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
        cursor.execute(f"UPDATE {connection.ops.quote_name(Source._meta.db_table)} SET last_imported_at = NULL")


# --- Measuring ------------------------------------------------------------------------------------

class SqlMeter:
    """A connection.execute_wrapper counting statements, and rows written per (verb, table)."""

    def __init__(self):
        self.queries = 0
        self.seconds = 0.0  # inside cursor.execute: parameter adaptation, the round trip and the server's work
        self.rows: Counter[tuple[str, str]] = Counter()
        self.write_seconds: Counter[tuple[str, str]] = Counter()

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        result = execute(sql, params, many, context)
        seconds = time.perf_counter() - started
        self.seconds += seconds
        self.queries += 1
        match = WRITE_SQL.match(sql)
        if match:
            key = (match.group(1).split()[0].lower(), match.group(2))
            self.rows[key] += max(context["cursor"].rowcount, 0)
            self.write_seconds[key] += seconds
        return result


@dataclass
class Measure:
    seconds: float
    phases: dict[str, tuple[float, int]]  # phase -> (seconds, queries)
    queries: int
    sql_seconds: float
    rows: Counter
    write_seconds: Counter
    counts: dict[str, int]
    records: int
    status: str

    def phase(self, name: str) -> float:
        return self.phases.get(name, (0.0, 0))[0]

    @property
    def other(self) -> float:
        return self.seconds - self.phase("parse") - self.phase("sync")


@contextmanager
def stopwatch_phases(meter: SqlMeter):
    """Time the importer's parse and the service's sync_records in place, restoring both afterwards."""
    from importers import services
    from importers.base import get_importer

    phases: dict[str, tuple[float, int]] = {}
    importer = get_importer(SLUG)
    sync = services.sync_records

    def timed(name, function):
        def wrapper(*args, **kwargs):
            queries, started = meter.queries, time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                phases[name] = (time.perf_counter() - started, meter.queries - queries)

        return wrapper

    services.sync_records = timed("sync", sync)
    importer.parse = timed("parse", importer.parse)
    try:
        yield phases
    finally:
        services.sync_records = sync
        del importer.parse


def import_once(path: Path, *, profiler: cProfile.Profile | None = None) -> Measure:
    """One import of ``path`` through the import service, exactly as the management command runs it."""
    from django.db import connection

    from importers.choices import ImportTrigger
    from importers.services import import_source

    gc.collect()
    meter = SqlMeter()
    with connection.execute_wrapper(meter), stopwatch_phases(meter) as phases:
        if profiler:
            profiler.enable()
        started = time.perf_counter()
        run = import_source(slug=SLUG, trigger=ImportTrigger.COMMAND, file=path)
        seconds = time.perf_counter() - started
        if profiler:
            profiler.disable()
    return Measure(seconds=seconds, phases=dict(phases), queries=meter.queries, sql_seconds=meter.seconds,
                   rows=meter.rows, write_seconds=meter.write_seconds, counts=run.counts,
                   records=run.record_count or 0, status=run.status)


def check(label: str, measure: Measure, **expected: int):
    """A benchmark of a wrong import means nothing: stop with the difference."""
    wanted = {"created": 0, "updated": 0, "unchanged": 0, "delisted": 0, "relisted": 0, **expected}
    if measure.status != "succeeded" or measure.counts != wanted:
        sys.exit(f"{label}: the import did not do what it should (status {measure.status}); "
                 f"counts {measure.counts}, expected {wanted}.")


def check_no_op_writes(measure: Measure):
    """A no-op re-import may touch bookkeeping (its run, last seen, last imported), never data or history."""
    from entities.models import Source, SourceRecord
    from importers.models import ImportRun

    allowed = {
        ("insert", ImportRun._meta.db_table), ("update", ImportRun._meta.db_table),
        ("update", Source._meta.db_table), ("update", SourceRecord._meta.db_table),
    }
    written = {key: rows for key, rows in measure.rows.items() if rows and key not in allowed}
    if written:
        sys.exit(f"no-op re-import wrote registry rows: {written}")


def command_run(path: Path) -> tuple[float, dict]:
    """``manage.py import_source`` in a fresh process: what an operator waits for, start-up included."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "import_source", SLUG, "--file", str(path), "--json"],
        cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True, timeout=120, check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"manage.py import_source failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return seconds, json.loads(done.stdout.strip().splitlines()[-1])


# --- Report ---------------------------------------------------------------------------------------

def rows_summary(rows: Counter) -> str:
    totals = Counter()
    for (verb, _), count in rows.items():
        totals[verb] += count
    return "/".join(f"{totals[verb]:,}" for verb in ("insert", "update", "delete"))


def rows_by_table(measure: Measure) -> str:
    lines = [f"      {verb:<6} {table:<40} {count:>7,} rows {measure.write_seconds[verb, table]:>7.3f}s in SQL"
             for (verb, table), count in sorted(measure.rows.items()) if count]
    return "\n".join(lines) or "      (none)"


COLUMNS = ("", "median", "best", "rec/s", "parse", "sync", "other", "in SQL", "queries", "parse/sync q",
           "rows i/u/d", "")
WIDTHS = (34, 8, 8, 7, 8, 8, 8, 8, 8, 13, 17, 0)


def table_row(cells) -> str:
    return "".join(f"{cell:<{width}}" if index == 0 else f"{cell:>{width}}"
                   for index, (cell, width) in enumerate(zip(cells, WIDTHS, strict=True))).rstrip()


def table_line(label: str, runs: list[Measure], target: float | None = None) -> str:
    """Median and best wall time; the other columns are medians, or the median run's own figures."""
    median = statistics.median(run.seconds for run in runs)
    typical = min(runs, key=lambda run: abs(run.seconds - median))
    verdict = f"   target ≤ {target:.1f}s {'PASS' if median <= target else 'FAIL'}" if target is not None else ""
    return table_row((
        label, f"{median:.3f}s", f"{min(run.seconds for run in runs):.3f}s", f"{typical.records / median:,.0f}",
        *(f"{statistics.median(getter(run) for run in runs):.3f}s"
          for getter in (lambda run: run.phase("parse"), lambda run: run.phase("sync"), lambda run: run.other,
                         lambda run: run.sql_seconds)),
        f"{typical.queries:,}",
        f"{typical.phases.get('parse', (0, 0))[1]:,}/{typical.phases.get('sync', (0, 0))[1]:,}",
        rows_summary(typical.rows), verdict,
    ))


def environment() -> str:
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "unknown CPU")
    settings = connection.settings_dict
    return (f"PostgreSQL {server} at {settings['HOST']}:{settings['PORT']}/{settings['NAME']} · "
            f"Python {sys.version.split()[0]} · Django {django.get_version()} · {os.cpu_count()} × {cpu}")


def load_note(label: str) -> str:
    """Other work on the machine slows every figure here down; say so next to them."""
    one, five, _ = os.getloadavg()
    busy = one > 0.5 * (os.cpu_count() or 1)
    warning = " (BUSY: other processes compete for the CPUs, the figures are pessimistic)" if busy else ""
    return f"{label}: {one:.2f} (1 min), {five:.2f} (5 min){warning}"


def print_profile(profiler: cProfile.Profile, out: Path, label: str):
    profiler.dump_stats(out)
    print(f"\n{label}: cProfile written to {out} (top 15 by cumulative time, then by own time)")
    stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs()
    stats.sort_stats("cumulative").print_stats(15)
    stats.sort_stats("tottime").print_stats(15)


# --- Main -----------------------------------------------------------------------------------------

@dataclass
class Results:
    cold: list[Measure] = field(default_factory=list)
    no_op: list[Measure] = field(default_factory=list)


def main(argv=None) -> int:
    args = parse_args(argv)

    def out_of_time(signum, frame):
        raise SystemExit(f"Benchmark aborted: it ran longer than --time-limit {args.time_limit}s.")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(args.time_limit)

    started = time.perf_counter()
    recreate_database(args.database_url, must_contain="bench", allow_drop=args.allow_drop)
    with tempfile.TemporaryDirectory(prefix="registry-bench-") as data_dir:
        setup_django(args.database_url, data_dir)
        setup_seconds = time.perf_counter() - started
        from importers.base import get_importer

        records = len(get_importer(SLUG).parse(args.file).records)  # also warms the parser's imports
        print(f"UN SC import benchmark · {args.file.name} ({args.file.stat().st_size:,} bytes, {records:,} records)"
              f" · {args.repeat} repeat(s)")
        print(environment())
        print(load_note("load average at start"))
        print(f"database dropped, recreated and migrated in {setup_seconds:.1f}s\n")

        results = Results()
        for _ in range(args.repeat):
            reset_registry()
            cold = import_once(args.file)
            check("cold import", cold, created=records)
            no_op = import_once(args.file)
            check("no-op re-import", no_op, unchanged=records)
            check_no_op_writes(no_op)
            results.cold.append(cold)
            results.no_op.append(no_op)

        incremental = measure_incremental()
        command = measure_command(args.file)

        print(table_row(COLUMNS))
        lines = [
            table_line("cold import", results.cold, TARGETS["cold"]),
            table_line("no-op re-import", results.no_op, TARGETS["no-op"]),
        ]
        if incremental:
            lines.append(table_line("incremental 2025-12-10→2026-02-27", [incremental]))
        print("\n".join(lines))
        print(f"\ncold runs:  {', '.join(f'{run.seconds:.3f}s' for run in results.cold)}")
        print(f"no-op runs: {', '.join(f'{run.seconds:.3f}s' for run in results.no_op)}")
        if incremental:
            print(f"incremental counts: {incremental.counts}")
        else:
            print(f"incremental: skipped, {' and '.join(INCREMENTAL)} not both in {UN_DATA}")
        print(f"manage.py import_source in a fresh process (start-up included): cold {command[0]:.2f}s, "
              f"no-op {command[1]:.2f}s")
        print("\nparse = importer.parse; sync = sync_records (inside the transaction); other = the rest of "
              "import_source (run bookkeeping, file hash, lock, commit);"
              "\nin SQL = time inside cursor.execute over the whole run (psycopg parameter adaptation, round trips, "
              "the server's work).")
        print("rows = rows inserted/updated/deleted by the run's SQL, history and import-run rows included.")
        if args.verbose:
            for label, runs in (("cold import", results.cold), ("no-op re-import", results.no_op)):
                print(f"\n    rows written by the last {label}:\n{rows_by_table(runs[-1])}")
            if incremental:
                print(f"\n    rows written by the incremental import:\n{rows_by_table(incremental)}")

        if args.profile:
            args.profile.mkdir(parents=True, exist_ok=True)
            reset_registry()
            for label, name in (("cold import", "cold.prof"), ("no-op re-import", "noop.prof")):
                profiler = cProfile.Profile()
                import_once(args.file, profiler=profiler)
                print_profile(profiler, args.profile / name, label)

    signal.alarm(0)
    print(load_note("\nload average at end"))
    passed = (statistics.median(run.seconds for run in results.cold) <= TARGETS["cold"]
              and statistics.median(run.seconds for run in results.no_op) <= TARGETS["no-op"])
    print(f"\n{'PASS' if passed else 'FAIL'}: cold ≤ {TARGETS['cold']:g}s and no-op ≤ {TARGETS['no-op']:g}s "
          f"(medians) · total {time.perf_counter() - started:.0f}s")
    return 1 if args.strict and not passed else 0


def measure_incremental() -> Measure | None:
    older, newer = (UN_DATA / name for name in INCREMENTAL)
    if not (older.is_file() and newer.is_file()):
        return None
    reset_registry()
    import_once(older)
    measure = import_once(newer)
    check("incremental import", measure, **INCREMENTAL_COUNTS)
    return measure


def measure_command(path: Path) -> tuple[float, float]:
    reset_registry()
    cold_seconds, cold = command_run(path)
    no_op_seconds, no_op = command_run(path)
    if cold["status"] != "succeeded" or no_op["created"] or no_op["updated"] or no_op["delisted"]:
        sys.exit(f"manage.py import_source gave unexpected results: {cold} then {no_op}")
    return cold_seconds, no_op_seconds


if __name__ == "__main__":
    sys.exit(main())
