"""GET /api/v1/sources/ and /api/v1/import-runs/: what was imported, when, and with what result."""

import pytest

from importers.base import ImportFailed
from importers.models import ImportRun
from tests.api.helpers import walk

pytestmark = pytest.mark.django_db
RUNS = "/api/v1/import-runs/"


@pytest.fixture
def runs(registry, import_un, api_file):
    """Four runs: v1 (created 7), a failed broken file, v2 (created, updated, delisted), v3 (relisted)."""
    with pytest.raises(ImportFailed):
        import_un(api_file("broken.xml"))
    import_un(api_file("v2.xml"))
    import_un(api_file("v3.xml"))
    return list(ImportRun.objects.order_by("started_at", "id"))


def test_sources_list_every_source_and_the_uns_last_import(api, registry):
    response = api.get("/api/v1/sources/")
    assert response.status_code == 200
    sources = {source["slug"]: source for source in response.json()}
    assert set(sources) == {"un-sc", "ofac-sdn", "uk-ofsi", "au-dfat", "ca-sema"}
    source = sources["un-sc"]
    assert source["name"] and source["url"].startswith("https://")
    assert source["enabled"] is True
    assert source["max_delist_share"] == 0.25
    assert source["last_imported_at"]
    assert source["programs"] == []
    assert set(source) == {"slug", "name", "url", "enabled", "programs", "max_delist_share", "last_imported_at"}
    assert sources["ofac-sdn"]["programs"] == ["SDGT", "SDT", "FTO", "NS-PLC", "HIFPAA"]
    assert sources["ofac-sdn"]["last_imported_at"] is None
    assert all(source["url"].startswith("https://") for source in sources.values())
    detail = api.get("/api/v1/sources/un-sc/")
    assert detail.status_code == 200 and detail.json() == source
    assert api.get("/api/v1/sources/no-such-source/").status_code == 404


def test_import_runs_say_what_each_import_did(api, runs):
    results, _ = walk(api, RUNS)
    assert [run["id"] for run in results] == [run.pk for run in reversed(runs)], "newest first"
    v3, v2, broken, v1 = results
    assert (v1["status"], v1["created"], v1["record_count"], v1["date_generated"]) == (
        "succeeded", 7, 7, "2025-01-10T00:00:00.000Z")
    assert broken["status"] == "failed"
    assert "REFERENCE_NUMBER" in broken["error"]
    assert broken["created"] == broken["updated"] == broken["delisted"] == 0
    assert (v2["status"], v2["created"], v2["updated"], v2["delisted"], v2["unchanged"]) == ("succeeded", 1, 1, 1, 5)
    assert (v3["status"], v3["relisted"], v3["created"]) == ("succeeded", 1, 0)
    for run in results:
        assert run["source"] == "un-sc"
        assert run["trigger"] == "command"
        assert run["started_at"] and run["finished_at"]
        assert len(run["file_sha256"]) == 64 and run["file_size"] > 0
    assert v1["file_sha256"] != v2["file_sha256"]
    detail = api.get(f"{RUNS}{v2['id']}/")
    assert detail.status_code == 200 and detail.json() == v2
    assert api.get(f"{RUNS}999999999/").status_code == 404


@pytest.mark.parametrize(
    ("query", "statuses"),
    [
        ("status=failed", ["failed"]),
        ("status=succeeded", ["succeeded"] * 3),
        ("status=running", []),
        ("source=un-sc", ["succeeded", "succeeded", "failed", "succeeded"]),
        ("source=un-sc&status=failed", ["failed"]),
        ("source=other", []),
    ],
)
def test_import_runs_filter_by_source_and_status(api, runs, query, statuses):
    results, _ = walk(api, f"{RUNS}?{query}")
    assert [run["status"] for run in results] == statuses


def test_import_runs_pages(api, runs):
    results, pages = walk(api, f"{RUNS}?page_size=1")
    assert len(pages) == 4
    assert [run["id"] for run in results] == [run.pk for run in reversed(runs)]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("status=broken", "status"), ("page_size=0", "page_size"), ("cursor=zzz", "cursor"), ("kind=person", "kind"),
     ("ordering=id", "ordering")],
)
def test_import_runs_bad_input_is_a_400(api, runs, query, parameter):
    response = api.get(f"{RUNS}?{query}")
    assert response.status_code == 400
    assert parameter in response.json()


def test_sources_refuse_unknown_parameters(api, registry):
    response = api.get("/api/v1/sources/?enabled=true")
    assert response.status_code == 400
    assert "enabled" in response.json()
