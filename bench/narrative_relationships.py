#!/usr/bin/env python
"""
Candidate relationships from the UN narratives: what ``importers.narratives.find_citations`` reads in a real list.

    python bench/narrative_relationships.py [--file PATH] [--samples N] [--review N] [--seed S] [--versions]

Parses the newest ``../shared/data/un/un-sc-consolidated-*.xml`` (or --file) with the project's own parser
(``importers.sources.un_sc``), runs every record's narrative through ``find_citations`` and prints: how many
narratives cite another listing, how many candidate relationships (distinct subject, kind, object) that
gives, how many of each kind, how many cite a reference the list does not have (delisted, or an old-style
reference), and a few samples of each kind so an analyst can judge the precision. ``--review N`` prints N
candidates drawn at random (seeded) for a hand check; ``--versions`` prints one line per list version.

Not a timing benchmark: it needs no database and runs in a few seconds.
"""

import argparse
import collections
import os
import random
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UN_DIR = ROOT.parent / "shared" / "data" / "un"
OLD_STYLE = {"QI", "QE", "TI", "TE"}


def parse(path: Path):
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from importers.base import get_importer

    return get_importer("un-sc").parse(path)


def candidates(parsed) -> tuple[list, dict]:
    """(every citation with the record it came from, the records by reference number)."""
    from importers.narratives import find_citations

    records = {record.key: record for record in parsed.records}
    found = [
        (record, citation)
        for record in parsed.records
        for citation in find_citations(record.narrative, own_reference=record.key)
    ]
    return found, records


def summary(parsed) -> dict:
    found, records = candidates(parsed)
    absent = [(record, citation) for record, citation in found if citation.reference not in records]
    triples = {(c.subject, c.kind.value, c.object) for _, c in found}
    return {
        "records": len(records),
        "narratives": sum(1 for record in parsed.records if record.narrative),
        "citing": len({record.key for record, _ in found}),
        "citations": len(found),
        "relationships": len(triples),
        "pairs": len({frozenset((subject, obj)) for subject, _, obj in triples}),
        "kinds": collections.Counter(kind for _, kind, _ in triples),
        "reversed": sum(1 for record, citation in found if citation.subject != record.key),
        "absent": absent,
        "old_style": [(record, citation) for record, citation in found if citation.written_as[:2] in OLD_STYLE],
        "found": found,
    }


def show(citation, record, width=110) -> str:
    head = f"{citation.subject} --{citation.kind.value}--> {citation.object}"
    cue = f" [{citation.cue}]" if citation.cue else ""
    body = textwrap.fill(citation.evidence, width, initial_indent="      ", subsequent_indent="      ")
    return f"  {head}{cue}  ({record.key} {record.caption[:40]})\n{body}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, help="a UN-format list (default: the newest in ../shared/data/un/)")
    parser.add_argument("--samples", type=int, default=3, help="samples printed per kind (default 3)")
    parser.add_argument("--review", type=int, default=0, help="print N random candidates for a hand check")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the random samples (default 2026)")
    parser.add_argument("--versions", action="store_true", help="one line per list in ../shared/data/un/")
    args = parser.parse_args(argv)

    files = sorted(UN_DIR.glob("un-sc-consolidated-*.xml")) if UN_DIR.is_dir() else []
    path = args.file or (files[-1] if files else None)
    if path is None or not path.is_file():
        print("No UN list: pass one with --file PATH (../shared/data/un/ is not there).", file=sys.stderr)
        return 2

    if args.versions:
        print(f"{'list':<36} {'records':>7} {'citing':>6} {'cand.':>5}  by kind (leader/member/financier/successor/"
              "affiliated)  absent refs")
        for version in files:
            figures = summary(parse(version))
            kinds = figures["kinds"]
            by_kind = "/".join(str(kinds[k]) for k in ("leader_of", "member_of", "financier_of", "successor_of",
                                                         "affiliated_with"))
            absent_refs = len({citation.reference for _, citation in figures["absent"]})
            print(f"{version.name:<36} {figures['records']:>7} {figures['citing']:>6} {figures['relationships']:>5}  "
                  f"{by_kind:<46} {absent_refs}")
        return 0

    parsed = parse(path)
    figures = summary(parsed)
    found = figures["found"]
    print(f"UN list {path.name} (dateGenerated {parsed.generated_at}): {figures['records']:,} records, "
          f"{figures['narratives']:,} with a narrative")
    print(f"narratives citing another listing:          {figures['citing']:,}")
    print(f"citations (one per narrative and relationship): {figures['citations']:,}, of which the cited listing "
          f"is the subject in {figures['reversed']}")
    print(f"candidate relationships (distinct subject, kind, object): {figures['relationships']:,}, "
          f"between {figures['pairs']:,} distinct pairs of listings")
    for kind, count in sorted(figures["kinds"].items(), key=lambda item: -item[1]):
        print(f"  {kind:<16} {count:>4}")
    absent = figures["absent"]
    absent_refs = collections.Counter(citation.reference for _, citation in absent)
    print(f"citations of a reference absent from the list: {len(absent)}, of {len(absent_refs)} references, "
          f"in {len({record.key for record, _ in absent})} narratives")
    for reference in sorted(absent_refs):
        citers = sorted({record.key for record, citation in absent if citation.reference == reference})
        print(f"  {reference} cited by {', '.join(citers)}")
    old = figures["old_style"]
    print(f"old-style references read as today's:        {len(old)}"
          + "".join(f"\n  {c.written_as} -> {c.reference} in {r.key}" for r, c in old))

    rng = random.Random(args.seed)
    by_kind = collections.defaultdict(list)
    for record, citation in found:
        by_kind[citation.kind.value].append((record, citation))
    for kind in ("leader_of", "member_of", "financier_of", "successor_of", "affiliated_with"):
        picked = rng.sample(by_kind[kind], min(args.samples, len(by_kind[kind])))
        print(f"\n{kind}: {len(by_kind[kind])} citations, {len(picked)} at random")
        for record, citation in picked:
            print(show(citation, record))
    if args.review:
        print(f"\n{args.review} candidates at random (seed {args.seed}), for a hand check of the precision:")
        for number, (record, citation) in enumerate(rng.sample(found, min(args.review, len(found))), 1):
            print(f"{number:>3}." + show(citation, record)[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
