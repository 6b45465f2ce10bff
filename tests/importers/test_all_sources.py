"""
Every source's newest real list imported into one registry: each count matches its file, and importing one
source never changes another source's records, facts or listings.
"""

from collections import Counter

import pytest
from django.db.models import Count

from entities.models import Listing, Name, SourceRecord
from importers.base import get_importer
from importers.choices import ImportTrigger
from importers.services import import_source

pytestmark = [pytest.mark.realdata, pytest.mark.django_db]


def newest(shared_data):
    """slug: the newest real file of each source (OFAC: the newest sdn.csv of the series)."""
    canada = sorted(shared_data.glob("canada/*.xml"), key=lambda path: path.name.split("_")[-2])
    return {
        "un-sc": max(shared_data.glob("un/un-sc-consolidated-*.xml")),
        "ofac-sdn": max(shared_data.glob("ofac/sdn_csv_series/*sdn_*.csv")),
        "uk-ofsi": max(shared_data.glob("uk/*ConList*.csv")),
        "au-dfat": max(shared_data.glob("australia/*.xlsx")),
        "ca-sema": canada[-1],
    }


def state_of(slug: str) -> dict:
    """What the registry holds of one source: its records' hashes, names and listings."""
    records = SourceRecord.objects.filter(source__slug=slug)
    return {
        "records": dict(records.values_list("source_key", "content_hash")),
        "names": Counter(Name.objects.filter(source_record__source__slug=slug).values_list("full_name", "name_type")),
        "listings": dict(Listing.objects.filter(source__slug=slug).values_list("reference_number", "status")),
    }


def test_all_sources_in_one_registry(shared_data):
    files = newest(shared_data)
    runs = {}
    for slug, path in files.items():
        before = {other: state_of(other) for other in runs}
        expected = len(get_importer(slug).parse(path).records)
        run = import_source(slug=slug, trigger=ImportTrigger.COMMAND, file=path, all_programs=True)
        runs[slug] = run
        assert (run.status, run.record_count, run.created, run.skipped_out_of_scope) == (
            "succeeded", expected, expected, 0), (slug, run.counts)
        assert SourceRecord.objects.filter(source__slug=slug).count() == expected
        # The sources imported before are exactly as they were.
        assert {other: state_of(other) for other in before} == before, slug
    counts = dict(SourceRecord.objects.values_list("source__slug").annotate(n=Count("id")))
    assert counts == {slug: run.record_count for slug, run in runs.items()}
    # Importing each again changes nothing anywhere.
    everything = {slug: state_of(slug) for slug in files}
    for slug, path in files.items():
        again = import_source(slug=slug, trigger=ImportTrigger.COMMAND, file=path, all_programs=True)
        assert (again.created, again.updated, again.delisted, again.unchanged) == (
            0, 0, 0, runs[slug].record_count), (slug, again.counts)
    assert {slug: state_of(slug) for slug in files} == everything
