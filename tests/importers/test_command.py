"""`manage.py import_source`: the JSON outcome, the human summary, and a non-zero exit on failure."""

import hashlib
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from entities.choices import DesignationState
from entities.models import Entity
from importers.choices import ImportRunStatus, ImportTrigger
from importers.models import ImportRun

pytestmark = pytest.mark.django_db

JSON_KEYS = {
    "run", "source", "status", "created", "updated", "unchanged", "delisted", "relisted", "skipped_out_of_scope",
    "records",
    "date_generated", "file_sha256", "error",
}


def import_json(path, *options):
    """Run the command with --json; returns (exit code, the one JSON object it printed)."""
    out = StringIO()
    code = 0
    try:
        call_command("import_source", "un-sc", "--file", str(path), "--json", *options, stdout=out)
    except SystemExit as exit_:
        code = exit_.code
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1, out.getvalue()
    return code, json.loads(lines[0])


def test_json_outcome_of_a_first_import(fixture_path):
    path = fixture_path("un/base.xml")

    code, outcome = import_json(path)

    run = ImportRun.objects.get()
    assert code == 0
    assert set(outcome) == JSON_KEYS
    assert outcome == {
        "run": run.pk, "source": "un-sc", "status": "succeeded",
        "created": 5, "updated": 0, "unchanged": 0, "delisted": 0, "relisted": 0, "skipped_out_of_scope": 0,
        "records": 5, "date_generated": "2024-03-01T00:00:01.234Z",
        "file_sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "error": "",
    }
    assert run.trigger == ImportTrigger.COMMAND
    assert Entity.objects.count() == 5


def test_json_outcome_of_a_reimport_and_of_a_newer_list(fixture_path):
    import_json(fixture_path("un/base.xml"))

    _, again = import_json(fixture_path("un/base.xml"))
    _, newer = import_json(fixture_path("un/next.xml"))

    assert (again["status"], again["created"], again["unchanged"]) == ("succeeded", 0, 5)
    assert {key: newer[key] for key in ("created", "updated", "unchanged", "delisted", "relisted")} == {
        "created": 1, "updated": 2, "unchanged": 2, "delisted": 1, "relisted": 0,
    }


def test_failing_file_with_json_exits_non_zero_and_says_why(fixture_path):
    code, outcome = import_json(fixture_path("un/external-entity.xml"))

    assert code == 1
    assert outcome["status"] == "failed"
    assert "DTD" in outcome["error"]
    assert outcome["created"] == outcome["updated"] == 0
    run = ImportRun.objects.get()
    assert (outcome["run"], run.status, run.error) == (run.pk, ImportRunStatus.FAILED, outcome["error"])
    assert Entity.objects.count() == 0


def test_failing_file_without_json_raises_command_error(fixture_path):
    out = StringIO()

    with pytest.raises(CommandError, match="Import of un-sc failed: The file is empty"):
        call_command("import_source", "un-sc", "--file", str(fixture_path("un/empty.xml")), stdout=out)

    assert ImportRun.objects.get().status == ImportRunStatus.FAILED


def test_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_source", "un-sc", "--file", str(tmp_path / "nowhere.xml"), stdout=StringIO())


def test_unknown_source_is_a_command_error_naming_the_known_ones(fixture_path):
    with pytest.raises(CommandError) as refused:
        call_command("import_source", "no-such-list", "--file", str(fixture_path("un/base.xml")), stdout=StringIO())

    assert "no-such-list" in str(refused.value)
    assert "un-sc" in str(refused.value)
    assert not ImportRun.objects.exists()


def test_delist_guard_refusal_and_force(fixture_path):
    import_json(fixture_path("un/base.xml"))

    code, refused = import_json(fixture_path("un/shrunk.xml"))
    forced_code, forced = import_json(fixture_path("un/shrunk.xml"), "--force")

    assert (code, refused["status"]) == (1, "failed")
    assert "--force" in refused["error"]
    assert (forced_code, forced["status"], forced["delisted"]) == (0, "succeeded", 3)
    assert ImportRun.objects.get(pk=forced["run"]).forced
    assert Entity.objects.filter(state=DesignationState.DELISTED).count() == 3


def test_human_summary_without_json(fixture_path):
    out = StringIO()

    call_command("import_source", "un-sc", "--file", str(fixture_path("un/base.xml")), stdout=out)

    summary = out.getvalue()
    run = ImportRun.objects.get()
    assert summary.startswith(f"Imported un-sc (run {run.pk}, list of 2024-03-01T00:00:01.234Z): 5 records")
    assert "5 created, 0 updated, 0 unchanged, 0 delisted, 0 relisted" in summary
    with pytest.raises(json.JSONDecodeError):
        json.loads(summary)


@pytest.mark.postgresql
def test_unexpected_failure_with_json_still_prints_the_outcome(fixture_path, tmp_path):
    broken = tmp_path / "overlong-city.xml"
    broken.write_text(
        fixture_path("un/base.xml")
        .read_text(encoding="utf-8")
        .replace("<CITY>Sampleville</CITY>", f"<CITY>{'S' * 300}</CITY>"),
        encoding="utf-8",
    )

    code, outcome = import_json(broken)

    assert (code, outcome["status"]) == (1, "failed")
    assert "DataError" in outcome["error"]
