#!/usr/bin/env python
"""
Benchmark: screening quality on the name-matching dev set, ours beside nomenklatura's logic-v2.

    python bench/screening_quality.py [--threshold T] [--sweep] [--report PATH] [--time-limit S]

The script drops, recreates and migrates a PostgreSQL database (by default ``registry_quality``), imports
the UN list of 2026-02-27 through ``importers.services.import_source`` and builds the screening index with
``screening.index.rebuild``. Then every row of ``../shared/data/matching/positives.csv`` and
``negatives.csv`` goes, one query at a time, through ``screening.service.screen`` -- the function the
``POST /api/v1/match/`` view calls -- and the script prints, per treatment and overall:

- recall: the expected entity (the one with a listing whose reference number is ``expected_reference``)
  is ranked first and its ``match`` is true;
- candidate recall: the expected entity is in the query's candidate set at all
  (``screening.service.find_candidates``, before scoring);
- the false-alert rate: negatives with any candidate whose ``match`` is true;
- beside the recall, for information only: the recall when a tie for first place counts (the expected entity
  has the top score, match true, but another entity with the same score is ranked before it);
- the time per query (mean, p50, p99), candidate generation, loading and scoring included.

The same queries are then scored by nomenklatura's ``logic-v2`` matcher on the same candidate sets (the
candidates' FollowTheMoney Person / Organization entities, from ``entities.api.ftm.ftm_entities``), ranked
by its score and judged at yente's default match threshold, 0.70 (nomenklatura itself has no threshold).
nomenklatura is not a dependency of the registry; install it into the virtualenv for this benchmark only:

    pip install nomenklatura

Without it the script says so and prints our figures alone. The whole run is bounded by --time-limit;
when logic-v2 runs out of time it reports the rows it scored (taken in a fixed random order, so they are
a fair sample) and our figures on the same rows.
"""

import argparse
import csv
import hashlib
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from benchdb import recreate_database

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
DEFAULT_FILE = SHARED / "un" / "un-sc-consolidated-2026-02-27.xml"
DEFAULT_POSITIVES = SHARED / "matching" / "positives.csv"
DEFAULT_NEGATIVES = SHARED / "matching" / "negatives.csv"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/registry_quality"
LIMIT = 50  # the API's largest `limit`: ranking and `match` do not depend on it; it shows where a miss ranked
LOGIC_V2_THRESHOLD = 0.70  # yente's SCORE_THRESHOLD, the threshold logic-v2 is used with by default
SWEEP = [round(0.70 + 0.02 * step, 2) for step in range(11)]
TARGETS = {"treatment recall": 0.99, "overall recall": 0.995, "false alerts": 0.005}
SLUG = "un-sc"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].strip())
    parser.add_argument("--database-url", default=os.environ.get("QUALITY_DATABASE_URL", DEFAULT_DATABASE_URL),
                        help=f"PostgreSQL database to DROP, recreate and use (default {DEFAULT_DATABASE_URL}).")
    parser.add_argument("--allow-drop", action="store_true",
                        help="Allow dropping a database whose name does not contain 'quality'.")
    parser.add_argument("--reuse", action="store_true",
                        help="Use the database as a previous run left it: no drop, import or index rebuild.")
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE, help="UN list to import (default 2026-02-27).")
    parser.add_argument("--positives", type=Path, default=DEFAULT_POSITIVES)
    parser.add_argument("--negatives", type=Path, default=DEFAULT_NEGATIVES)
    parser.add_argument("--threshold", type=float, default=None,
                        help="Match threshold passed to screen() (default: screening.service.DEFAULT_THRESHOLD).")
    parser.add_argument("--sweep", action="store_true",
                        help=f"Also print recall and false alerts for thresholds {SWEEP[0]:.2f}..{SWEEP[-1]:.2f}.")
    parser.add_argument("--no-logic-v2", action="store_true", help="Skip nomenklatura's logic-v2.")
    parser.add_argument("--half", type=int, choices=(1, 2), default=None,
                        help="Use only the positives of this half of the split (see --split), and all negatives.")
    parser.add_argument("--split", action="store_true",
                        help="Also print recall per treatment for each half of the positives, split by a hash "
                             "of the expected reference (so every query for one listing is in one half).")
    parser.add_argument("--sample", type=int, default=0, metavar="N",
                        help="Use only N rows of each file (a fixed random sample), for a quick look.")
    parser.add_argument("--report", type=Path, metavar="PATH",
                        help="Write every miss and false alert, ours and logic-v2's, as JSON lines to PATH.")
    parser.add_argument("--strict", action="store_true", help="Exit 1 when one of our targets is missed.")
    parser.add_argument("--time-limit", type=int, default=1200, help="Stop after this many seconds (default 1200).")
    args = parser.parse_args(argv)
    for path in (args.file, args.positives, args.negatives):
        if not path.is_file():
            parser.error(f"no such file: {path} (the shared data folder next to the repository)")
    if args.threshold is not None and not 0.0 <= args.threshold <= 1.0:
        parser.error("--threshold must be between 0 and 1")
    return args


# --- Set-up ---------------------------------------------------------------------------------------

def setup_django(url: str, data_dir: str):
    os.environ["DATABASE_URL"] = url
    os.environ["IMPORT_DATA_DIR"] = data_dir
    os.environ.pop("CELERY_BROKER_URL", None)  # re-indexing after the import runs in this process
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "registry.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def load_registry(path: Path):
    from django.core.management import call_command

    from importers.services import import_source
    from screening.index import rebuild

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.perf_counter()
    run = import_source(slug=SLUG, trigger="command", file=path)
    imported = time.perf_counter()
    names = rebuild()
    indexed = time.perf_counter()
    print(f"migrate {migrated - started:.1f} s; import {imported - migrated:.1f} s ({run.created:,} entities "
          f"created); index rebuild {indexed - imported:.1f} s ({names:,} names)", flush=True)


# --- The dev set ----------------------------------------------------------------------------------

@dataclass
class Row:
    positive: bool
    name: str
    kind: str | None
    birth_date: str | None
    nationality: str | None
    group: str  # the treatment of a positive, the kind of a negative
    expected: str | None = None  # reference number
    locale: str = ""

    @property
    def half(self) -> int | None:
        """1 or 2 for a positive: a fixed split by the expected reference, for checking that changes generalise."""
        if not self.positive:
            return None
        return 1 + hashlib.sha256(self.expected.encode()).digest()[0] % 2

    def query(self):
        from screening.scoring import Query

        return Query(self.name, self.kind, self.birth_date, self.nationality)


def read_rows(positives: Path, negatives: Path, sample: int, half: int | None = None) -> list[Row]:
    rows = []
    with positives.open(newline="", encoding="utf-8") as handle:
        found = [Row(True, line["query"], line["kind"] or None, line["birth_date"] or None,
                     line["nationality"] or None, line["treatment"], expected=line["expected_reference"])
                 for line in csv.DictReader(handle)]
        found = [row for row in found if half is None or row.half == half]
        rows.extend(random.Random(1).sample(found, min(sample, len(found))) if sample else found)
    with negatives.open(newline="", encoding="utf-8") as handle:
        found = [Row(False, line["query"], line["kind"] or None, line["birth_date"] or None, None,
                     line["kind"] or "any", locale=line["locale"])
                 for line in csv.DictReader(handle)]
        rows.extend(random.Random(2).sample(found, min(sample, len(found))) if sample else found)
    return rows


# --- Running the queries --------------------------------------------------------------------------

@dataclass
class Outcome:
    """One engine's answer to one query: (entity id, caption, score) best first, and how long it took."""

    ranked: list[tuple]
    seconds: float
    explanation: dict = field(default_factory=dict)  # of the first candidate (ours only)

    def top_score(self) -> float:
        return self.ranked[0][2] if self.ranked else 0.0

    def rank_of(self, entity_id) -> int | None:
        for rank, (candidate, _, _) in enumerate(self.ranked, 1):
            if candidate == entity_id:
                return rank
        return None

    def score_of(self, entity_id) -> float | None:
        for candidate, _, score in self.ranked:
            if candidate == entity_id:
                return score
        return None


class Deadline:
    def __init__(self, seconds: int):
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return self.end - time.monotonic()


def run_ours(rows: list[Row], threshold: float, deadline: Deadline) -> tuple[list[Outcome], list[list]]:
    """Every row through screen() (what MatchView calls); also each query's candidate set, for logic-v2."""
    from screening.names import analyse
    from screening.scoring import Query
    from screening.service import find_candidates, screen

    screen([Query("warm up the name analyser", None)], threshold=threshold)  # loads rigour's data: not timed
    outcomes, candidate_sets = [], []
    inconsistent = 0
    started = last = time.monotonic()
    for index, row in enumerate(rows):
        if deadline.left() <= 0:
            sys.exit(f"Out of time after {index} of {len(rows)} queries (ours); raise --time-limit.")
        query = row.query()
        begin = time.perf_counter()
        [result] = screen([query], threshold=threshold, limit=LIMIT)
        seconds = time.perf_counter() - begin
        ranked = [(c.entity_id, c.caption, c.score) for c in result.candidates]
        inconsistent += sum(c.match != (c.score >= threshold) for c in result.candidates)
        if result.candidates and result.candidates[0].match:
            first = result.candidates[0]
            matched = sum(c.match for c in result.candidates)
        else:
            first, matched = (result.candidates[0] if result.candidates else None), 0
        outcomes.append(Outcome(ranked, seconds, {"top": first.explanation if first else {}, "matches": matched}))
        analysed = analyse(query.name, query.kind)
        candidate_sets.append(find_candidates(analysed, kind=query.kind) if analysed else [])
        if time.monotonic() - last >= 10:
            last = time.monotonic()
            print(f"  ours: {index + 1:,}/{len(rows):,} queries, {last - started:.0f} s", flush=True)
    if inconsistent:
        print(f"WARNING: {inconsistent} candidates whose `match` is not (score >= threshold)")
    return outcomes, candidate_sets


def logic_v2_available() -> bool:
    try:
        import nomenklatura.matching  # noqa: F401
    except ImportError:
        return False
    return True


def run_logic_v2(rows: list[Row], candidate_sets: list[list], deadline: Deadline) -> dict[int, Outcome]:
    """logic-v2's score for every candidate of every query (rows in a fixed random order, until the deadline)."""
    from followthemoney import model
    from nomenklatura.matching import get_algorithm

    from entities.api.ftm import ftm_entities
    from entities.choices import Audience
    from entities.models import Entity
    from entities.selectors import entity_documents

    algorithm = get_algorithm("logic-v2")
    config = algorithm.default_config()
    # Our candidate sets, as screen() sees them: designated entities only (all of them, after one import).
    proxies = {document["id"]: model.get_proxy(ftm_entities(document)[0], cleaned=False)
               for document in entity_documents(Entity.objects.designated(), audience=Audience.PUBLIC)}
    captions = dict(Entity.objects.values_list("id", "caption"))
    if proxies:  # loads logic-v2's name data: not timed
        warm_up = model.make_entity("Person")
        warm_up.id = "warm-up"
        warm_up.add("name", "warm up the name matcher")
        algorithm.compare(warm_up, next(iter(proxies.values())), config)
    order = list(range(len(rows)))
    random.Random(3).shuffle(order)
    outcomes = {}
    started = last = time.monotonic()
    for done, index in enumerate(order):
        if deadline.left() <= 0:
            print(f"  logic-v2: out of time after {done:,} of {len(rows):,} queries; figures below are for "
                  "those rows (a random sample), ours beside them on the same rows", flush=True)
            break
        row = rows[index]
        query = ftm_query(model, row, index)
        begin = time.perf_counter()
        scored = []
        for entity_id in candidate_sets[index]:
            if entity_id in proxies:
                score = algorithm.compare(query, proxies[entity_id], config).score
                if score > 0:
                    scored.append((entity_id, captions[entity_id], round(score, 4)))
        scored.sort(key=lambda item: (-item[2], item[1]))
        outcomes[index] = Outcome(scored[:LIMIT], time.perf_counter() - begin)
        if time.monotonic() - last >= 10:
            last = time.monotonic()
            print(f"  logic-v2: {done + 1:,}/{len(rows):,} queries, {last - started:.0f} s", flush=True)
    return outcomes


def ftm_query(model, row: Row, index: int):
    """The query as yente's /match receives it: a Person, Organization or LegalEntity example."""
    schema = {"person": "Person", "organisation": "Organization"}.get(row.kind, "LegalEntity")
    proxy = model.make_entity(schema)
    # A new id for every query: logic-v2 caches a name's analysis by entity id (an lru_cache on the proxy,
    # whose hash is its id), so queries sharing an id would all be scored as the first one.
    proxy.id = f"query-{index}"
    proxy.add("name", row.name)
    if row.birth_date and schema == "Person":
        proxy.add("birthDate", row.birth_date)
    if row.nationality:
        proxy.add("nationality" if schema == "Person" else "country", row.nationality)
    return proxy


# --- Figures --------------------------------------------------------------------------------------

@dataclass
class Figures:
    recall: dict[str, tuple[int, int]]  # group -> (hits, rows); "overall" too
    tied_recall: dict[str, tuple[int, int]]  # the same, counting a tie for first place as a hit (information only)
    candidate_recall: dict[str, tuple[int, int]]
    false_alerts: dict[str, tuple[int, int]]  # negative group -> (alerts, rows); "overall" too
    seconds: list[float]
    negative_scores: list[float]  # the best candidate's score for each negative

    def rate(self, table: str, group: str = "overall") -> float:
        hits, total = getattr(self, table).get(group, (0, 0))
        return hits / total if total else 0.0

    def worst_treatment(self) -> float:
        return min((hits / total for group, (hits, total) in self.recall.items() if group != "overall" and total),
                   default=0.0)


def figures(rows, outcomes, candidate_sets, entity_of, threshold, indexes=None) -> Figures:
    recall, candidates, alerts = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0])
    tied = defaultdict(lambda: [0, 0])
    seconds, negative_scores = [], []
    for index in (indexes if indexes is not None else range(len(rows))):
        row, outcome = rows[index], outcomes[index]
        seconds.append(outcome.seconds)
        if row.positive:
            expected = entity_of.get(row.expected)
            hit = bool(outcome.ranked) and outcome.ranked[0][0] == expected and outcome.ranked[0][2] >= threshold
            tied_first = outcome.top_score() >= threshold and outcome.score_of(expected) == outcome.top_score()
            found = expected in candidate_sets[index]
            for group in (row.group, "overall"):
                recall[group][0] += hit
                recall[group][1] += 1
                tied[group][0] += tied_first
                tied[group][1] += 1
                candidates[group][0] += found
                candidates[group][1] += 1
        else:
            alert = outcome.top_score() >= threshold
            negative_scores.append(outcome.top_score())
            for group in (row.group, "overall"):
                alerts[group][0] += alert
                alerts[group][1] += 1
    freeze = lambda table: {group: tuple(counts) for group, counts in table.items()}  # noqa: E731
    return Figures(freeze(recall), freeze(tied), freeze(candidates), freeze(alerts), seconds, negative_scores)


def percent(hits: int, total: int) -> str:
    return f"{100 * hits / total:6.2f}% ({hits:,}/{total:,})" if total else "—"


def timing(seconds: list[float]) -> str:
    if not seconds:
        return "—"
    ordered = sorted(seconds)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    return (f"mean {1000 * statistics.fmean(ordered):.1f} ms, p50 {1000 * statistics.median(ordered):.1f} ms, "
            f"p99 {1000 * p99:.1f} ms")


def print_side_by_side(ours: Figures, theirs: Figures | None, threshold: float):
    print()
    header = f"{'':<22}{f'ours (threshold {threshold:.2f})':<34}"
    if theirs:
        header += f"logic-v2 (threshold {LOGIC_V2_THRESHOLD:.2f})"
    print(header)
    groups = sorted(group for group in ours.recall if group != "overall") + ["overall"]
    print("recall (expected entity first, match true)")
    for group in groups:
        line = f"  {group:<20}{percent(*ours.recall[group]):<34}"
        if theirs:
            line += percent(*theirs.recall.get(group, (0, 0)))
        print(line)
    print("information only, not the target: recall counting a tie for first place (another entity with the same "
          "score ranked before the expected one)")
    for group in groups:
        print(f"  {group:<20}{percent(*ours.tied_recall[group]):<34}")
    print("candidate recall (expected entity in the candidate set; the same set for both)")
    for group in groups:
        print(f"  {group:<20}{percent(*ours.candidate_recall[group]):<34}")
    print("false alerts (negatives with any match)")
    for group in sorted(group for group in ours.false_alerts if group != "overall") + ["overall"]:
        line = f"  {group:<20}{percent(*ours.false_alerts[group]):<34}"
        if theirs:
            line += percent(*theirs.false_alerts.get(group, (0, 0)))
        print(line)
    print("best candidate's score for a negative (how far below the threshold the negatives stay)")
    for label, figures_ in (("ours", ours), ("logic-v2", theirs)):
        if figures_ and figures_.negative_scores:
            scores = sorted(figures_.negative_scores)
            print(f"  {label + ':':<10}p50 {statistics.median(scores):.3f}, "
                  f"p99 {scores[min(len(scores) - 1, int(0.99 * len(scores)))]:.3f}, max {scores[-1]:.3f}")
    print("time per query")
    print(f"  ours:     {timing(ours.seconds)} (screen(): candidates, facts and scoring)")
    if theirs:
        print(f"  logic-v2: {timing(theirs.seconds)} (scoring our candidate set only)")


def print_split(rows, ours, candidate_sets, entity_of, threshold):
    """Recall per treatment in each half of the positives (strict; the tie-aware figure in brackets)."""
    halves = [figures(rows, ours, candidate_sets, entity_of, threshold,
                      [index for index, row in enumerate(rows) if row.half == half]) for half in (1, 2)]
    print()
    print("split by sha256(expected_reference): recall per half (strict; tie-aware in brackets, information only)")
    print(f"  {'':<20}{'half 1':<44}{'half 2':<44}")
    groups = sorted({group for half in halves for group in half.recall if group != "overall"}) + ["overall"]
    for group in groups:
        cells = []
        for half in halves:
            hits, total = half.recall.get(group, (0, 0))
            tied_hits, _ = half.tied_recall.get(group, (0, 0))
            cells.append(f"{percent(hits, total)} [{100 * tied_hits / total:.2f}%]" if total else "—")
        print(f"  {group:<20}{cells[0]:<44}{cells[1]:<44}")


def print_targets(ours: Figures) -> bool:
    checks = [
        ("recall, every treatment", ours.worst_treatment(), TARGETS["treatment recall"], True),
        ("recall, overall", ours.rate("recall"), TARGETS["overall recall"], True),
        ("false alerts", ours.rate("false_alerts"), TARGETS["false alerts"], False),
    ]
    print()
    passed = True
    for label, value, target, at_least in checks:
        ok = value >= target if at_least else value <= target
        passed &= ok
        sign = "≥" if at_least else "≤"
        print(f"  {label:<26}{100 * value:6.2f}%   target {sign} {100 * target:.1f}%   {'PASS' if ok else 'FAIL'}")
    return passed


def ceiling(rows) -> dict[str, tuple[int, int]]:
    """
    {treatment: (rows some engine could get right, rows)}: rows with the same input (query, kind, birth date,
    nationality) but different expected entities cannot all be right, whatever the engine: one answer per
    input, so at most the rows of one of those entities count (the one with the most rows, for the bound).
    """
    by_input = defaultdict(list)
    for row in rows:
        if row.positive:
            by_input[(row.name, row.kind, row.birth_date, row.nationality)].append(row)
    lost = Counter()
    for same in by_input.values():
        expected = Counter(row.expected for row in same)
        if len(expected) > 1:
            kept = expected.most_common(1)[0][0]
            lost.update(row.group for row in same if row.expected != kept)
    totals = Counter(row.group for row in rows if row.positive)
    return {group: (totals[group] - lost[group], totals[group]) for group in sorted(totals)}


def print_ceiling(rows):
    bound = ceiling(rows)
    print("\nthe most any engine can reach (the same input expects different entities in some rows):")
    for group, (possible, total) in bound.items():
        print(f"  {group:<20}{percent(possible, total)}")
    possible, total = sum(p for p, _ in bound.values()), sum(t for _, t in bound.values())
    print(f"  {'overall':<20}{percent(possible, total)}")


def print_sweep(rows, ours, theirs, candidate_sets, entity_of, indexes):
    print()
    print("threshold sweep (from the same runs: `match` is score >= threshold, ranking does not depend on it)")
    head = f"  {'threshold':<10}{'ours recall':>12}{'worst treat.':>14}{'false alerts':>14}"
    if theirs:
        head += f"{'logic-v2 recall':>17}{'worst treat.':>14}{'false alerts':>14}"
    print(head)
    for threshold in SWEEP:
        mine = figures(rows, ours, candidate_sets, entity_of, threshold)
        line = (f"  {threshold:<10.2f}{100 * mine.rate('recall'):>11.2f}%{100 * mine.worst_treatment():>13.2f}%"
                f"{100 * mine.rate('false_alerts'):>13.2f}%")
        if theirs:
            other = figures(rows, theirs, candidate_sets, entity_of, threshold, indexes)
            line += (f"{100 * other.rate('recall'):>16.2f}%{100 * other.worst_treatment():>13.2f}%"
                     f"{100 * other.rate('false_alerts'):>13.2f}%")
        print(line)


# --- Misses ---------------------------------------------------------------------------------------

def why_missed(outcome: Outcome, expected, candidate_set, threshold) -> str:
    """A mechanical first sort of a miss; the causes behind it are read from the report by hand."""
    if expected is None:
        return "expected reference not in the registry"
    if expected not in candidate_set:
        return "not in the candidate set"
    rank, score = outcome.rank_of(expected), outcome.score_of(expected)
    if rank is None:
        return "in the candidate set, scored 0"
    if rank == 1:
        return "ranked first, below the threshold"
    if score == outcome.ranked[0][2]:
        return "tied with another entity, ranked after it"
    return "another entity scored higher"


def misses(rows, outcomes, candidate_sets, entity_of, threshold, captions, indexes=None) -> list[dict]:
    found = []
    for index in (indexes if indexes is not None else range(len(rows))):
        row, outcome = rows[index], outcomes[index]
        first = outcome.ranked[0] if outcome.ranked else None
        if row.positive:
            expected = entity_of.get(row.expected)
            if first and first[0] == expected and first[2] >= threshold:
                continue
            cause = why_missed(outcome, expected, candidate_sets[index], threshold)
            entry = {"type": "miss", "cause": cause, "treatment": row.group, "expected": row.expected,
                     "expected_caption": captions.get(expected), "expected_rank": outcome.rank_of(expected),
                     "expected_score": outcome.score_of(expected)}
        elif outcome.top_score() >= threshold:
            entry = {"type": "false alert", "locale": row.locale, "kind": row.group,
                     "alerts": sum(score >= threshold for _, _, score in outcome.ranked)}
        else:
            continue
        entry.update({"query": row.name, "kind": row.kind, "birth_date": row.birth_date,
                      "nationality": row.nationality, "first": first and {"caption": first[1], "score": first[2]}})
        if outcome.explanation.get("top"):
            entry["first_explanation"] = outcome.explanation["top"]
        found.append(entry)
    return found


def print_misses(found: list[dict], label: str):
    causes = Counter(entry["cause"] for entry in found if entry["type"] == "miss")
    alerts = Counter(entry["kind"] for entry in found if entry["type"] == "false alert")
    print(f"{label}: {sum(causes.values())} misses, {sum(alerts.values())} false alerts")
    for cause, count in causes.most_common():
        treatments = Counter(entry["treatment"] for entry in found if entry.get("cause") == cause)
        print(f"  {count:>4}  {cause}  ({', '.join(f'{t} {n}' for t, n in treatments.most_common())})")
    if alerts:
        locales = Counter(entry["locale"] for entry in found if entry["type"] == "false alert")
        print(f"  false alerts by locale: {', '.join(f'{loc} {n}' for loc, n in locales.most_common())}")


# --- Main -----------------------------------------------------------------------------------------

def environment() -> str:
    from importlib.metadata import PackageNotFoundError, version

    parts = [f"{os.cpu_count()} CPUs", f"load {os.getloadavg()[0]:.1f}", f"Python {sys.version.split()[0]}"]
    for package in ("Django", "rigour", "rapidfuzz", "followthemoney", "nomenklatura"):
        try:
            parts.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            parts.append(f"{package} not installed")
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                                timeout=5).stdout.strip()
        parts.append(f"commit {commit}")
    except (OSError, subprocess.SubprocessError):
        pass
    return ", ".join(parts)


def main(argv=None) -> int:
    args = parse_args(argv)
    deadline = Deadline(args.time_limit)

    def out_of_time(signum, frame):
        raise SystemExit(f"Benchmark aborted: it ran longer than --time-limit {args.time_limit}s (+60 s grace).")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(args.time_limit + 60)  # the loops stop themselves at the limit; this catches a stuck step

    if not args.reuse:
        recreate_database(args.database_url, must_contain="quality", allow_drop=args.allow_drop)
    with tempfile.TemporaryDirectory(prefix="screening-quality-") as data_dir:
        setup_django(args.database_url, data_dir)
        print(environment(), flush=True)
        if not args.reuse:
            load_registry(args.file)
        return measure(args, deadline)


def measure(args, deadline: Deadline) -> int:
    from entities.models import Entity, Listing
    from screening.service import DEFAULT_THRESHOLD

    threshold = DEFAULT_THRESHOLD if args.threshold is None else args.threshold
    rows = read_rows(args.positives, args.negatives, args.sample, args.half)
    entity_of = dict(Listing.objects.values_list("reference_number", "entity_id"))
    captions = dict(Entity.objects.values_list("id", "caption"))
    unknown = sorted({row.expected for row in rows if row.positive and row.expected not in entity_of})
    if unknown:
        print(f"WARNING: {len(unknown)} expected references are not in the registry: {', '.join(unknown[:10])}")
    positives = sum(row.positive for row in rows)
    print(f"{positives:,} positives, {len(rows) - positives:,} negatives; our threshold {threshold:.2f} "
          f"(DEFAULT_THRESHOLD {DEFAULT_THRESHOLD:.2f})", flush=True)

    ours, candidate_sets = run_ours(rows, threshold, deadline)
    ours_figures = figures(rows, ours, candidate_sets, entity_of, threshold)

    theirs, indexes = None, None
    if args.no_logic_v2:
        print("logic-v2: skipped (--no-logic-v2)")
    elif not logic_v2_available():
        print("logic-v2: skipped, nomenklatura is not installed (for this benchmark only: pip install nomenklatura)")
    else:
        theirs = run_logic_v2(rows, candidate_sets, deadline)
        indexes = sorted(theirs)
    theirs_figures = figures(rows, theirs, candidate_sets, entity_of, LOGIC_V2_THRESHOLD, indexes) if theirs else None

    print_side_by_side(ours_figures, theirs_figures, threshold)
    if theirs and len(indexes) < len(rows):
        print(f"\nlogic-v2 scored {len(indexes):,} of {len(rows):,} rows; ours on those same rows:")
        print_side_by_side(figures(rows, ours, candidate_sets, entity_of, threshold, indexes), None, threshold)
    if args.split:
        print_split(rows, ours, candidate_sets, entity_of, threshold)
    passed = print_targets(ours_figures)
    print_ceiling(rows)
    if args.sweep:
        print_sweep(rows, ours, theirs, candidate_sets, entity_of, indexes)

    print()
    our_misses = misses(rows, ours, candidate_sets, entity_of, threshold, captions)
    print_misses(our_misses, "ours")
    their_misses = []
    if theirs:
        their_misses = misses(rows, theirs, candidate_sets, entity_of, LOGIC_V2_THRESHOLD, captions, indexes)
        print_misses(their_misses, "logic-v2")
    if args.report:
        with args.report.open("w", encoding="utf-8") as handle:
            for engine, found in (("ours", our_misses), ("logic-v2", their_misses)):
                for entry in found:
                    handle.write(json.dumps({"engine": engine, **entry}, ensure_ascii=False, default=str) + "\n")
        print(f"misses and false alerts written to {args.report}")
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}; {args.time_limit - deadline.left():.0f} s in all")
    return 1 if args.strict and not passed else 0


if __name__ == "__main__":
    sys.exit(main())
