"""A source's programs: what an import takes from a list, what it counts as skipped, and --all-programs."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from entities.audit import Actor
from entities.choices import ListingStatus
from entities.models import Entity, Listing
from importers.base import DelistGuardError, SourceFormatError
from importers.choices import ImportTrigger
from importers.records import CrossReference, EntityRecord, ListingData
from importers.services import import_source, in_scope, source_for, source_update

pytestmark = pytest.mark.django_db
# tests/fixtures/api/v1.xml: 7 records, 3 Al-Qaida, 2 Taliban, 1 DPRK, 1 DRC.


@pytest.fixture
def v1(fixture_path):
    return fixture_path("api/v1.xml")


def run_import(path, **options):
    return import_source(slug="un-sc", trigger=ImportTrigger.COMMAND, file=path, **options)


def scope(*programs):
    source_update(source=source_for("un-sc"), actor=Actor.of_system("test"), reason="Scope for the test",
                  programs=list(programs))


def test_a_source_with_programs_imports_only_those_and_counts_the_rest(v1):
    scope("al-qaida", "Taliban")  # case does not matter
    run = run_import(v1)
    assert run.record_count == 7
    assert (run.created, run.skipped_out_of_scope) == (5, 2)
    assert set(Listing.objects.values_list("regime", flat=True)) == {"Al-Qaida", "Taliban"}
    again = run_import(v1)
    assert (again.created, again.unchanged, again.skipped_out_of_scope) == (0, 5, 2)


def test_all_programs_imports_everything_and_the_scope_then_delists_what_is_outside_it(v1):
    scope("Al-Qaida", "Taliban")
    everything = run_import(v1, all_programs=True)
    assert (everything.created, everything.skipped_out_of_scope, everything.all_programs) == (7, 0, True)
    with pytest.raises(DelistGuardError):  # the source's own scope again: the two others leave it, too many at once
        run_import(v1)
    narrowed = run_import(v1, force=True)
    assert (narrowed.delisted, narrowed.skipped_out_of_scope) == (2, 2)
    assert set(Listing.objects.filter(status=ListingStatus.DELISTED).values_list("regime", flat=True)) == {
        "DPRK", "DRC"}


def test_no_programs_means_every_program(v1):
    assert source_for("un-sc").programs == []
    run = run_import(v1)
    assert (run.created, run.skipped_out_of_scope) == (7, 0)


def test_the_command_takes_all_programs_and_reports_the_skipped(v1):
    scope("DPRK")
    out = StringIO()
    call_command("import_source", "un-sc", "--file", str(v1), "--json", stdout=out)
    outcome = json.loads(out.getvalue())
    assert (outcome["created"], outcome["skipped_out_of_scope"]) == (1, 6)
    out = StringIO()
    call_command("import_source", "un-sc", "--file", str(v1), "--all-programs", "--json", stdout=out)
    assert (json.loads(out.getvalue())["created"], json.loads(out.getvalue())["skipped_out_of_scope"]) == (6, 0)


def test_a_source_published_as_one_file_refuses_several(v1):
    with pytest.raises(SourceFormatError, match="published as one file; 2 were given"):
        run_import([v1, v1])
    assert not Entity.objects.exists()


def listing(regime, *programs, references=()):
    return ListingData(regime=regime, reference_number="X.1", programs=programs, cross_references=references)


def record(*listings):
    return EntityRecord(key="X.1", kind="organisation", caption="X", category="other", listings=listings)


def test_a_record_is_in_scope_by_any_of_its_programs():
    source = source_for("un-sc")
    source.programs = ["SDGT", "FTO"]
    records = [record(listing("SDGT", "SDGT", "IRAN")), record(listing("IRAN")), record(listing("FTO"))]
    assert in_scope(records, source=source, all_programs=False) == [records[0], records[2]]
    assert in_scope(records, source=source, all_programs=True) == records


def test_new_listing_fields_leave_the_hash_of_records_without_them_alone():
    plain = record(ListingData(regime="Al-Qaida", reference_number="QDi.1"))
    assert "programs" not in plain.payload()["listings"][0]
    assert "cross_references" not in plain.payload()["listings"][0]
    cited = record(listing("SDGT", references=(CrossReference(source="un-sc", reference="QDi.1", text="UN QDi.1"),)))
    assert list(cited.payload()["listings"][0]["cross_references"]) == [
        {"source": "un-sc", "reference": "QDi.1", "text": "UN QDi.1"}]
    assert cited.content_hash() != record(listing("SDGT")).content_hash()
