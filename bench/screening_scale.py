#!/usr/bin/env python
"""
Benchmark: screening at scale. One million synthetic entities plus the UN list, the name index built whole,
and POST /api/v1/match/ loaded from a second process on loopback.

    python bench/screening_scale.py [--stages seed,index,load] [--entities N] [--duration S] ...

Stages (all four by default; each later one uses what the earlier left in the database):

- seed: drops and recreates the database (by default ``registry_scale``), writes N synthetic entities
  (default 1,000,000, about 3.3 names each in ten locales and scripts) with bench/seed.py's generator and
  COPY, imports the UN list of 2026-02-27 through ``importers.services.import_source`` and creates a service
  API client with the ``match`` scope (its token goes to OUT/match-token);
- index: times ``manage.py build_name_index`` in a fresh process (the analyser's start-up included);
- recall: the primary names of RECALL_ENTITIES seeded entities (drawn at random, kind given), exact, with
  their words reordered, with one word left out (names of three words or more) and with a typo in their
  longest word, screened in this process: how often the entity is a candidate
  (``screening.service.find_candidates``) and how often it is ranked first by ``screening.service.screen``.
  Many seeded entities share their whole primary name (bench/seed.py's vocabularies are small), and no name
  search can tell them apart: "first or tied" also counts a first candidate whose score equals the entity's;
- load: writes a query mix to OUT/match-queries.txt (one JSON body a line: names of seeded entities with
  perturbations, UN names, some perturbed, and names that are on no list), starts gunicorn (gthread, 2
  workers, DEBUG=0) on 127.0.0.1 with an access log whose last field is gunicorn's %(D)s (microseconds from
  the request read to the response written: the server-side time), warms every worker up, and runs wrk
  (bench/api_load.lua) for --duration seconds at full speed with --connections connections, then at
  an offered --rate queries per second. Each wrk run reports client-side p50/p99 and queries per second;
  the access log gives the server-side p50/p99 of the same requests.

Timed runs must not overlap other benchmarks on this shared machine: run the script under
``flock /tmp/bench.lock``. Figures go to OUT/screening-scale.json and are printed.
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import api_load
from api_load import Meter

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
UN_FILE = SHARED / "un" / "un-sc-consolidated-2026-02-27.xml"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/registry_scale"
DEFAULT_OUT = ROOT / "var" / "scale"
LUA = Path(__file__).with_name("api_load.lua")
STAGES = ("seed", "index", "recall", "load")
RECALL_ENTITIES = 300
RECALL_VARIANTS = ("exact", "reordered", "dropped", "typo")
QUERY_LINES = 30_000  # more distinct queries than a run sends, so the analyser's cache does not flatter it
# Names on no list: given and family names that bench/seed.py never uses, and whole names of that kind.
UNLISTED_GIVEN = ["Olivia", "Pedro", "Svetlana", "Kenji", "Aisha", "Lars", "Giulia", "Tomasz", "Ngozi", "Priya",
                  "Mateo", "Ingrid", "Farid", "Keiko", "Dmitriy", "Amara", "Hugo", "Zeynep", "Bogdan", "Leila"]
UNLISTED_FAMILY = ["Johansson", "Alvarez", "Kowalski", "Tanaka", "Okafor", "Sharma", "Rossi", "Novak", "Lindqvist",
                   "Haddadi", "Papadopoulos", "Fernandes", "Nakamura", "Eriksen", "Mbeki", "Castellano", "Horvath",
                   "Abernathy", "Delacroix", "Vasquez"]
UNLISTED_ORGS = ["Northern Lights Shipping", "Blue Harbour Logistics", "Alpine Dairy Cooperative",
                 "Sunrise Textile Mills", "Riverside Credit Union", "Golden Field Agritech", "Coastal Ferries Ltd",
                 "Crescent Moon Pharmacy", "Pacific Timber Holdings", "Green Valley Orphan Fund"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].strip(),
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--stages", default=",".join(STAGES), help="Comma-separated: seed, index, recall, load.")
    parser.add_argument("--database-url", default=os.environ.get("SCALE_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--allow-drop", action="store_true",
                        help="Allow the seed stage to drop a database whose name does not contain 'scale'.")
    parser.add_argument("--entities", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261126, help="bench/seed.py's random seed.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (gthread).")
    parser.add_argument("--threads", type=int, default=2, help="Threads per gunicorn worker.")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections at full speed.")
    parser.add_argument("--rate", type=int, default=100, help="Offered queries per second in the paced run.")
    parser.add_argument("--duration", type=int, default=30, help="Seconds per wrk run (5-120).")
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--quiet-wait", type=float, default=60,
                        help="Before each wrk run, wait up to this many seconds for the machine to be idle.")
    args = parser.parse_args(argv)
    args.stages = [stage.strip() for stage in args.stages.split(",") if stage.strip()]
    if set(args.stages) - set(STAGES):
        parser.error(f"unknown stages: {', '.join(sorted(set(args.stages) - set(STAGES)))}")
    if not 5 <= args.duration <= 120:
        parser.error("--duration must be 5 to 120 seconds")
    return args


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["IMPORT_DATA_DIR"] = str(UN_FILE.parent)
    os.environ.pop("CELERY_BROKER_URL", None)  # the import's reindex runs in this process
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "registry.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- Stages ----------------------------------------------------------------------------------------

def stage_seed(args) -> dict:
    """bench/seed.py's registry of synthetic entities, then the UN list through the importer, then a client."""
    import seed as synthetic
    from benchdb import recreate_database

    recreate_database(args.database_url, must_contain="scale", allow_drop=args.allow_drop)
    seeded = synthetic.seed(SimpleNamespace(entities=args.entities, database_url=args.database_url, seed=args.seed,
                                            out=args.out))
    return {"synthetic": seeded, **add_un_list_and_client(args)}


def add_un_list_and_client(args) -> dict:
    from apiclients.services import api_client_create
    from importers.services import import_source

    started = time.perf_counter()
    run = import_source(slug="un-sc", trigger="command", file=UN_FILE)
    imported = time.perf_counter() - started
    _, token = api_client_create(name="bench-match", kind="service", scopes=["match"],
                                 contact="bench/screening_scale.py")
    (args.out / "match-token").write_text(token + "\n")
    (args.out / "match-token").chmod(0o600)
    print(f"UN list imported in {imported:.0f} s ({run.created:,} entities)", flush=True)
    return {"un_import_s": round(imported, 1), "un_entities": run.created}


def stage_index(args) -> dict:
    """build_name_index in a fresh process, timed from outside."""
    env = {**os.environ, "DATABASE_URL": args.database_url, "LOG_LEVEL": "WARNING"}
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, "manage.py", "build_name_index"], cwd=ROOT, env=env,
                               capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if completed.returncode:
        raise SystemExit(f"build_name_index failed: {completed.stderr[-2000:]}")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT (SELECT count(*) FROM screening_namekey), (SELECT count(*) FROM screening_nametoken),"
                       " (SELECT count(*) FROM screening_keyfrequency), pg_total_relation_size('screening_namekey')"
                       " + pg_total_relation_size('screening_nametoken') + pg_total_relation_size("
                       "'screening_keyfrequency')")
        names, tokens, keys, size = cursor.fetchone()
    result = {"wall_s": round(wall, 1), "names": names, "name_tokens": tokens, "keys": keys,
              "index_tables_mb": round(size / 2**20), "output": completed.stdout.strip()}
    print(f"build_name_index: {wall:.1f} s for {names:,} names ({tokens:,} index keys, {keys:,} distinct, "
          f"{result['index_tables_mb']} MB)", flush=True)
    return result


def stage_load(args) -> dict:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    token = (args.out / "match-token").read_text().strip()
    queries = args.out / "match-queries.txt"
    mix = write_queries(queries, random.Random(args.seed))
    server = Server(args)
    server.start()
    try:
        warm_up(server, token, queries)
        runs = {}
        for name, connections, rate in [
            ("full-speed", args.connections, 0),
            # Requests at the offered rate on a clock (Poisson arrivals), whatever the response times.
            (f"rate-{args.rate}", max(args.connections, 16), args.rate),
        ]:
            print(f"... {name}", file=sys.stderr, flush=True)
            runs[name] = run_wrk(server, args, token, queries, connections=connections, rate=rate)
    finally:
        server.stop()
    return {"query_mix": mix, "server": server.description(), "runs": runs}


def stage_recall(args) -> dict:
    """Candidate and first-rank recall of seeded entities' primary names, exact and lightly perturbed."""
    from django.db import connection

    from screening.service import CANDIDATES_PER_QUERY

    with connection.cursor() as cursor:
        cursor.execute("SELECT e.id, e.kind, n.full_name FROM entities_entity e JOIN entities_name n ON "
                       "n.entity_id = e.id AND n.name_type = 'primary' JOIN entities_listing l ON l.entity_id = "
                       "e.id JOIN entities_source s ON s.id = l.source_id WHERE s.slug = 'bench' AND e.state = "
                       "'designated' AND n.id % 97 = 0 ORDER BY n.id")
        pool = cursor.fetchall()
        rng = random.Random(args.seed)
        sample = rng.sample(pool, min(RECALL_ENTITIES, len(pool)))
        cursor.execute("SELECT full_name, count(DISTINCT entity_id) FROM entities_name WHERE full_name = ANY(%s) "
                       "GROUP BY full_name", [[name for _, _, name in sample]])
        namesakes = dict(cursor.fetchall())
    # A name that more entities carry than there are candidates cannot find each of them: "distinct" names
    # are carried by at most half as many entities as a query has candidates.
    distinct = {name for name, entities in namesakes.items() if entities <= CANDIDATES_PER_QUERY // 2}
    groups = {"all": sample, "distinct": [row for row in sample if row[2] in distinct]}
    result = {"entities": len(sample), "namesakes": {
        "median": statistics.median(namesakes[name] for _, _, name in sample),
        "ceiling": round(statistics.fmean(min(1, CANDIDATES_PER_QUERY / namesakes[name]) for _, _, name in sample), 4),
        "distinct_names": len(groups["distinct"]),
    }, "groups": {}}
    print(f"recall: {len(sample)} entities; their primary name is carried by {result['namesakes']['median']} "
          f"entities (median); {len(groups['distinct'])} by at most {CANDIDATES_PER_QUERY // 2}; candidate "
          f"ceiling for exact names {result['namesakes']['ceiling']:.1%}", flush=True)
    judged = {}
    for entity_id, kind, name in sample:
        for variant in RECALL_VARIANTS:
            query = recall_variant(name, variant, rng)
            judged[entity_id, variant] = None if query is None else judge_recall(entity_id, query, kind)
    for group, rows in groups.items():
        result["groups"][group] = {}
        for variant in RECALL_VARIANTS:
            outcomes = [judged[row[0], variant] for row in rows if judged[row[0], variant] is not None]
            total = max(len(outcomes), 1)
            rates = {outcome: round(sum(outcome in found for found in outcomes) / total, 4)
                     for outcome in ("candidate", "first", "first_or_tied")}
            result["groups"][group][variant] = {"queries": len(outcomes), **rates}
            print(f"recall {group} {variant}: {len(outcomes)} queries; candidate {rates['candidate']:.1%}, first "
                  f"{rates['first']:.1%}, first or tied {rates['first_or_tied']:.1%}", flush=True)
    return result


def recall_variant(name: str, variant: str, rng: random.Random) -> str | None:
    """The name as the recall check asks it; None where the variant does not apply (one word, no long word)."""
    words = name.split()
    if variant == "exact":
        return name
    if variant == "reordered":
        return " ".join(reversed(words)) if len(words) > 1 else None
    if variant == "dropped":
        if len(words) < 3:
            return None
        words.pop(rng.randrange(len(words)))
        return " ".join(words)
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    if len(word) < 5:
        return None
    i = rng.randrange(1, len(word) - 1)
    words[longest] = word[:i] + rng.choice([c for c in "aeiouhnrst" if c != word[i]]) + word[i + 1:]
    return " ".join(words)


def judge_recall(entity_id, name: str, kind: str) -> list[str]:
    from screening.names import analyse
    from screening.scoring import Query, score_entity
    from screening.service import find_candidates, load_facts, rank

    analysed = analyse(name, kind)
    candidates = find_candidates(analysed, kind=kind) if analysed else []
    if entity_id not in candidates:
        return []
    query = Query(name=name, kind=kind)
    scored = [score_entity(query, analysed, facts, threshold=0.8) for facts in load_facts(candidates).values()]
    scored.sort(key=rank)
    outcomes = ["candidate"]
    if scored[0].entity_id == entity_id:
        outcomes.append("first")
    own = next(c.score for c in scored if c.entity_id == entity_id)
    if scored[0].score <= own:
        outcomes.append("first_or_tied")
    return outcomes


# --- The query mix ---------------------------------------------------------------------------------

def write_queries(path: Path, rng: random.Random) -> dict:
    """
    One JSON request body a line: 50% seeded names (most perturbed), 25% UN names, 25% on no list. UN names
    longer than the API takes (a few run-on alias lists) are left out: they would only measure the 400.
    """
    from django.db import connection

    from screening.api import MAX_NAME_LENGTH

    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM entities_name")
        [last] = cursor.fetchone()
        picks = sorted(rng.sample(range(1, last + 1), QUERY_LINES))
        cursor.execute("SELECT n.full_name, e.kind, s.slug FROM entities_name n JOIN entities_entity e ON "
                       "e.id = n.entity_id JOIN entities_listing l ON l.entity_id = e.id JOIN entities_source s "
                       "ON s.id = l.source_id WHERE n.id = ANY(%s)", [picks])
        seeded = [(name, kind) for name, kind, slug in cursor.fetchall() if slug == "bench"]
        cursor.execute("SELECT n.full_name, e.kind FROM entities_name n JOIN entities_entity e ON e.id = "
                       "n.entity_id JOIN entities_listing l ON l.entity_id = e.id JOIN entities_source s ON "
                       "s.id = l.source_id WHERE s.slug = 'un-sc' ORDER BY n.id")
        listed = [(name, kind) for name, kind in cursor.fetchall() if len(name) <= MAX_NAME_LENGTH]
    counts = {"seeded": 0, "seeded_perturbed": 0, "un": 0, "un_perturbed": 0, "unlisted": 0}
    lines = []
    for _ in range(QUERY_LINES):
        draw = rng.random()
        if draw < 0.5:
            name, kind = rng.choice(seeded)
            group = "seeded"
        elif draw < 0.75:
            name, kind = rng.choice(listed)
            group = "un"
        else:
            name, kind = unlisted_name(rng)
            group = "unlisted"
        if group != "unlisted" and rng.random() < (0.7 if group == "seeded" else 0.4):
            name = perturb(name, rng)
            group += "_perturbed"
        counts[group] += 1
        query = {"name": name}
        if rng.random() < 0.6:
            query["kind"] = kind
        lines.append(json.dumps({"queries": [query]}, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return counts


def unlisted_name(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.2:
        return rng.choice(UNLISTED_ORGS), "organisation"
    parts = [rng.choice(UNLISTED_GIVEN), rng.choice(UNLISTED_FAMILY)]
    if rng.random() < 0.3:
        parts.insert(1, rng.choice(UNLISTED_GIVEN))
    return " ".join(parts), "person"


def perturb(name: str, rng: random.Random) -> str:
    """A misspelling, a swap of two letters, words in another order, a word left out, or another case."""
    words = name.split()
    how = rng.choice(["typo", "swap", "order", "drop", "case"])
    if how == "order" and len(words) > 1:
        rng.shuffle(words)
        return " ".join(words)
    if how == "drop" and len(words) > 2:
        words.pop(rng.randrange(len(words)))
        return " ".join(words)
    if how == "case":
        return name.upper() if rng.random() < 0.5 else name.lower()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    if len(word) < 4:
        return name.upper()
    i = rng.randrange(1, len(word) - 1)
    if how == "swap":
        word = word[:i] + word[i + 1] + word[i] + word[i + 2:]
    else:
        word = word[:i] + rng.choice("aeiouyhnrst") + word[i + 1:]
    words[longest] = word
    return " ".join(words)


# --- The server and the load -----------------------------------------------------------------------

class Server(api_load.Server):
    """gunicorn (gthread) on loopback with an access log of path, status and %(D)s per request."""

    ready_seconds = 60

    def __init__(self, args):
        super().__init__(args, args.out / "gunicorn-error.log")
        self.access_log = args.out / "gunicorn-access.log"

    def env(self) -> dict:
        return self.base_env()

    def command(self) -> list[str]:
        args = self.args
        return [str(Path(sys.executable).with_name("gunicorn")), "registry.wsgi:application",
                "--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers), "--worker-class", "gthread",
                "--threads", str(args.threads), "--timeout", "120", "--backlog", "2048",
                "--access-logfile", str(self.access_log), "--access-logformat", "%(m)s %(U)s %(s)s %(D)s",
                "--error-logfile", str(self.log_path), "--log-level", "warning"]

    def description(self) -> dict:
        return {"command": self.command(), "workers": self.args.workers, "threads": self.args.threads}

    def start(self) -> "Server":
        self.access_log.unlink(missing_ok=True)
        return super().start()

    def access_times_ms(self, skip: int) -> tuple[list[float], int]:
        """Server-side times (ms) of the /match requests logged after the first ``skip`` lines; lines read."""
        lines = self.access_log.read_text().splitlines()
        times = [int(line.rsplit(" ", 1)[1]) / 1000 for line in lines[skip:] if " /api/v1/match/ 200 " in line]
        return times, len(lines)


def post_match(server: Server, token: str, body: bytes) -> None:
    request = urllib.request.Request(f"{server.base}/api/v1/match/", data=body, method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        response.read()


def warm_up(server: Server, token: str, queries: Path) -> None:
    """Until every worker has answered: the first query in a process loads the analyser (several seconds)."""
    import concurrent.futures

    bodies = queries.read_bytes().splitlines()[:40]
    with concurrent.futures.ThreadPoolExecutor(max_workers=2 * server.args.workers) as pool:
        list(pool.map(lambda body: post_match(server, token, body), bodies))


def run_wrk(server: Server, args, token: str, queries: Path, *, connections: int, rate: float) -> dict:
    """One wrk run: as fast as ``connections`` allow (rate 0), or ``rate`` queries/s offered on a clock."""
    _, skip = server.access_times_ms(0)
    threads = min(2, connections)
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{args.duration}s",
               "--timeout", "10s", "-s", str(LUA), server.base]
    env = {**os.environ, "BENCH_TOKEN": token, "BENCH_MODE": "post", "BENCH_PATH": "/api/v1/match/",
           "BENCH_BODIES": str(queries), "BENCH_RATE": f"{rate / threads:.3f}"}
    with Meter(server) as meter:  # waits for a quiet machine first, then counts CPU by process group
        completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise SystemExit(f"wrk failed ({completed.returncode}): {completed.stderr}")
    line = next(line for line in completed.stdout.splitlines() if line.startswith("BENCH_RESULT "))
    raw = json.loads(line.removeprefix("BENCH_RESULT "))
    time.sleep(0.5)  # the access log is written after the response
    server_ms, _ = server.access_times_ms(skip)
    seconds = raw["duration_us"] / 1e6
    errors = sum(value for key, value in raw.items() if key.startswith("errors_"))
    cpu = meter.result
    return {
        "connections": connections, "offered_qps": rate or None, "requests": raw["requests"], "errors": errors,
        "qps": round(raw["requests"] / seconds, 1),
        "client_ms": {p: round(raw[p] / 1000, 1) for p in ("p50", "p90", "p99", "p99.9")},
        "server_ms": percentiles(server_ms), "server_requests_logged": len(server_ms),
        "machine_busy_percent": round(100 * cpu["machine_busy_s"] / max(cpu["machine_capacity_s"], 1e-9)),
        "cpu_ms_per_query": {part: round(1000 * cpu[f"{part}_cpu_s"] / max(1, raw["requests"]), 2)
                             for part in ("server", "postgres", "loadgen", "other")},
        "cpu": cpu,
    }


def percentiles(values: list[float]) -> dict:
    if len(values) < 2:
        return {}
    cuts = statistics.quantiles(values, n=1000, method="inclusive")
    return {"p50": round(statistics.median(values), 1), "p90": round(cuts[899], 1), "p99": round(cuts[989], 1),
            "p99.9": round(cuts[998], 1), "max": round(max(values), 1), "mean": round(statistics.fmean(values), 1)}


# --- Main ------------------------------------------------------------------------------------------

def machine_state() -> dict:
    load = Path("/proc/loadavg").read_text().split()[:3]
    return {"cpus": os.cpu_count(), "loadavg": " ".join(load), "python": sys.version.split()[0]}


def main(argv=None) -> int:
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    setup_django(args.database_url)
    path = args.out / "screening-scale.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    results.setdefault("stages", {})
    for stage in args.stages:
        print(f"== {stage} ({datetime.now(UTC).isoformat(timespec='seconds')}, load {machine_state()['loadavg']})",
              flush=True)
        state = machine_state()
        result = {"seed": stage_seed, "index": stage_index, "recall": stage_recall, "load": stage_load}[stage](args)
        results["stages"][stage] = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "machine_before": state,
                                    **result}
        path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    for name, run in results["stages"].get("load", {}).get("runs", {}).items():
        print(f"{name}: {run['qps']} q/s, {run['errors']} errors; client p50 {run['client_ms']['p50']} ms, "
              f"p99 {run['client_ms']['p99']} ms; server p50 {run['server_ms'].get('p50')} ms, "
              f"p99 {run['server_ms'].get('p99')} ms ({run['connections']} connections, machine "
              f"{run['machine_busy_percent']}% busy; CPU ms per query {run['cpu_ms_per_query']})")
    print(f"results: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
