#!/usr/bin/env python
"""
Time a cold import and a no-op re-import of each source's newest real file into PostgreSQL.

    python bench/import_sources.py [--sources ofac-sdn,uk-ofsi,au-dfat,ca-sema,un-sc] [--repeat 3]

For each source: the registry is emptied (as bench/import_un.py does: every table of the `entities` and
`importers` apps but the sources), the newest real file of the source in ../shared/data/ is imported with
every program (`all_programs`: the issue's target is the whole file), then imported again. Each import goes
through `importers.services.import_source` as the command calls it. The counts are checked (cold: every
in-file record created; no-op: every record unchanged), so a wrong import stops the benchmark instead of
reporting a fast time. Targets: OFAC's newest sdn.csv cold ≤ 15 s and no-op ≤ 2 s; every other source's
newest file cold ≤ 5 s.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchdb import recreate_database
from import_un import reset_registry, setup_django

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/registry_sourcesbench"
# slug: (the newest real file(s), cold target s, no-op target s)
SOURCES = {
    "ofac-sdn": (lambda: [max((SHARED / "ofac" / "sdn_csv_series").glob("*sdn_*.csv"))], 15.0, 2.0),
    "uk-ofsi": (lambda: [max((SHARED / "uk").glob("*ConList*.csv"))], 5.0, None),
    "au-dfat": (lambda: [max((SHARED / "australia").glob("*.xlsx"))], 5.0, None),
    "ca-sema": (lambda: [max((SHARED / "canada").glob("*.xml"), key=lambda path: path.name.split("_")[-2])], 5.0,
                None),
    "un-sc": (lambda: [max((SHARED / "un").glob("un-sc-consolidated-*.xml"))], 3.0, 1.0),
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].strip())
    parser.add_argument("--sources", default=",".join(SOURCES))
    parser.add_argument("--repeat", type=int, default=3, choices=range(1, 21), metavar="1-20")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--allow-drop", action="store_true")
    return parser.parse_args()


def timed_import(slug: str, files: list[Path]):
    from importers.choices import ImportTrigger
    from importers.services import import_source

    started = time.perf_counter()
    run = import_source(slug=slug, trigger=ImportTrigger.COMMAND, file=files, all_programs=True)
    return time.perf_counter() - started, run


def verdict(seconds: float, target: float | None) -> str:
    return "" if target is None else f" (target {target:g} s: {'PASS' if seconds <= target else 'FAIL'})"


def main():
    args = parse_args()
    if not SHARED.is_dir():
        sys.exit(f"{SHARED} is not there: the benchmark reads the real lists.")
    recreate_database(args.database_url, must_contain="bench", allow_drop=args.allow_drop)
    setup_django(args.database_url, tempfile.mkdtemp(prefix="sources-bench-"))
    from django.db import connection

    print(f"load average {os.getloadavg()[0]:.2f}")
    for slug in args.sources.split(","):
        find, cold_target, noop_target = SOURCES[slug]
        files = find()
        colds, noops = [], []
        for _ in range(args.repeat):
            reset_registry()
            seconds, run = timed_import(slug, files)
            assert run.created == run.record_count and not run.skipped_out_of_scope, run.counts
            colds.append(seconds)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            seconds, again = timed_import(slug, files)
            assert again.unchanged == run.created and again.created == again.updated == 0, again.counts
            noops.append(seconds)
        cold, noop = statistics.median(colds), statistics.median(noops)
        print(f"{slug}: {', '.join(path.name for path in files)}: {run.record_count:,} records; cold median "
              f"{cold:.2f} s (best {min(colds):.2f}){verdict(cold, cold_target)}; no-op median {noop:.2f} s "
              f"(best {min(noops):.2f}){verdict(noop, noop_target)}")
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
