#!/usr/bin/env python
"""
Time a partner's batch of 100 submissions through the API, validation and screening included.

    python bench/partner_batch.py [--repeat 5] [--file UN.xml] [--database-url URL] [--batch 100]

The script drops, recreates and migrates a benchmark database, imports a UN list (the newest in
../shared/data/un/, or --file; the sample list the project ships when neither is there), analyses it, makes a
partner and its API client, then starts gunicorn (DEBUG=0, no broker: tasks run in-process, as on the
embedded default) on 127.0.0.1 and, from this second process, POSTs batches of --batch submissions. Each
batch is half names of listed entities (as the list writes them, reordered or lower-cased) and half invented
ones. A batch is timed from the request to the answer: parsing, validating every row, storing, and
screening every name against the registry, which the 201 waits for. After each batch the script checks that
every submission is pending and that the listed names found their entity. Target: under 3 s a batch.
"""

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_UN = ROOT.parent / "shared" / "data" / "un"
SAMPLE = ROOT / "importers" / "sources" / "samples" / "un-sc-sample.xml"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/registry_partnerbench"
TARGET_S = 3.0
INVENTED = ["Coastal", "Liberation", "Front", "Brigade", "Northern", "Martyrs", "Army", "Movement", "Shield",
            "Lions", "Valley", "Eastern", "Vanguard", "Council", "Youth", "Sword", "Dawn", "Revolutionary"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].strip())
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--file", type=Path, help="A UN-format list (default: the newest in ../shared/data/un/).")
    parser.add_argument("--repeat", type=int, default=5, choices=range(1, 51), metavar="1-50")
    parser.add_argument("--batch", type=int, default=100, choices=range(1, 101), metavar="1-100")
    parser.add_argument("--port", type=int, default=8793)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=10)
    return parser.parse_args()


def environment(database_url: str) -> dict:
    return {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench-only", "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1", "PARTNER_SUBMIT_RATE": "", "API_RATE_PARTNER": "",
            "CELERY_BROKER_URL": "", "LOG_LEVEL": "WARNING", "IMPORT_DATA_DIR": "/tmp/partner-bench-sources"}


def manage(env, *arguments) -> str:
    done = subprocess.run([sys.executable, str(ROOT / "manage.py"), *arguments], env=env, capture_output=True,
                          text=True, timeout=600)
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(arguments)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def recreate(database_url: str):
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    if "bench" not in name:
        raise SystemExit(f"Refusing to drop {name!r}: a benchmark database's name contains 'bench'.")
    with psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def setup(env, list_file: Path) -> tuple[str, list[str]]:
    """Migrate, import, analyse; a partner with a client. Returns its token and the listed primary names."""
    manage(env, "migrate", "-v", "0")
    manage(env, "import_source", "un-sc", "--file", str(list_file))
    script = (
        "from django.db import connection\n"
        "from partners.models import Partner\n"
        "from apiclients.services import api_client_create\n"
        "from entities.models import Name\n"
        "connection.cursor().execute('ANALYZE')\n"
        "partner = Partner.objects.create(name='Bench partner', contact_email='bench@example.org')\n"
        "_, token = api_client_create(name='bench-partner', kind='partner', scopes=['submit'], partner=partner)\n"
        "import json\n"
        "names = list(Name.objects.filter(name_type='primary').values_list('full_name', 'entity__kind'))\n"
        "print(json.dumps({'token': token, 'names': names}))\n"
    )
    out = json.loads(manage(env, "shell", "-c", script).strip().splitlines()[-1])
    return out["token"], out["names"]


def batch(rng: random.Random, listed: list, size: int) -> tuple[list[dict], list[str]]:
    rows, expected = [], []
    for number in range(size):
        if number % 2 == 0:
            name, kind = rng.choice(listed)
            words = name.split()
            shown = " ".join(reversed(words)) if len(words) > 1 and rng.random() < 0.5 else name.lower()
            expected.append(name)
        else:
            kind = rng.choice(["person", "organisation"])
            shown = " ".join(rng.sample(INVENTED, 3)) + f" {number}"
            expected.append("")
        rows.append({
            "kind": kind, "names": [{"name": shown, "type": "primary"}, {"name": f"{shown} alias", "type": "alias"}],
            "birth_dates": ["1975"] if kind == "person" else [], "nationalities": ["Somalia"],
            "rationale": "Benchmark submission: recruits for attacks in its public channels.",
            "evidence": [{"url": f"https://example.org/bench/{number}", "summary": "A call to violence",
                          "off_platform": True, "captured_at": "2026-10-01"}],
        })
    return rows, expected


def post(url: str, token: str, rows: list[dict]) -> tuple[float, int, dict]:
    body = json.dumps(rows).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        answer = json.loads(response.read())
        status = response.status
    return time.perf_counter() - started, status, answer


def check(env, answer: dict, expected: list[str]) -> tuple[int, int]:
    """(listed names found among their submission's likely matches, listed names sent), read from the database."""
    ids = [item["id"] for item in answer["submissions"]]
    script = (
        "import json\nfrom partners.models import Submission\n"
        f"ids = {ids!r}\n"
        "found = Submission.objects.filter(pk__in=ids)\n"
        "rows = {str(s.pk): (s.status, [m['caption'] for m in s.matches]) for s in found}\n"
        "print(json.dumps([rows[i] for i in ids]))\n"
    )
    rows = json.loads(manage(env, "shell", "-c", script).strip().splitlines()[-1])
    assert all(status == "pending" for status, _ in rows), "a submission was not screened"
    wanted = [(name, captions) for name, (_, captions) in zip(expected, rows, strict=True) if name]
    return sum(name in captions for name, captions in wanted), len(wanted)


def main():
    args = parse_args()
    list_file = args.file or max(SHARED_UN.glob("un-sc-consolidated-*.xml"), default=SAMPLE)
    env = environment(args.database_url)
    print(f"load average {os.getloadavg()[0]:.2f}; list {list_file.name}; database {args.database_url}")
    recreate(args.database_url)
    token, listed = setup(env, list_file)
    print(f"registry: {len(listed)} entities")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "registry.wsgi", "--bind", f"127.0.0.1:{args.port}", "--workers",
         str(args.workers), "--timeout", "120", "--preload"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{args.port}/api/v1/submissions/"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        rng = random.Random(args.seed)
        post(url, token, batch(rng, listed, 2)[0])  # warm-up: each worker's first request loads the name tagger
        post(url, token, batch(rng, listed, 2)[0])
        times, found, sent = [], 0, 0
        for number in range(1, args.repeat + 1):
            rows, expected = batch(rng, listed, args.batch)
            seconds, status, answer = post(url, token, rows)
            assert status == 201, (status, answer)
            hits, wanted = check(env, answer, expected)
            found, sent = found + hits, sent + wanted
            times.append(seconds)
            print(f"batch {number}: {len(rows)} submissions in {seconds:.3f} s (201; {hits}/{wanted} listed names "
                  f"found their entity)")
        median, worst = statistics.median(times), max(times)
        verdict = "PASS" if worst <= TARGET_S else "FAIL"
        print(f"\n{args.batch} submissions a batch, {args.repeat} batches: median {median:.3f} s, best "
              f"{min(times):.3f} s, worst {worst:.3f} s (target {TARGET_S} s: {verdict}); listed names found "
              f"{found}/{sent}; load average {os.getloadavg()[0]:.2f}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
