"""
Downloading a source list and importing it from a URL, against a real HTTP server on 127.0.0.1.

The server (``ListServer``) answers with whatever each test scripts: a list, an error, a slow or cut-off
answer. It honours ETag / Last-Modified like a real web server, so the conditional GET is tested end to end.
"""

import contextlib
import gzip
import hashlib
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from entities.models import Entity, Listing, Source
from importers.base import FetchError, ImportFailed, SourceFormatError, SourceUnreachable
from importers.choices import ImportRunStatus, ImportTrigger
from importers.models import ImportRun
from importers.services import import_source

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "un_fetch"
LIST_V1 = (FIXTURES / "consolidated.xml").read_bytes()
LIST_V2 = (FIXTURES / "consolidated-next.xml").read_bytes()
V1_HEADERS = {"ETag": '"un-v1"', "Last-Modified": "Tue, 15 Jan 2030 00:00:01 GMT"}
V2_HEADERS = {"ETag": '"un-v2"', "Last-Modified": "Wed, 20 Feb 2030 00:00:02 GMT"}


@dataclass
class Reply:
    """One scripted answer of the test server."""

    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering at all
    stall_after: int | None = None  # send this many body bytes, then go quiet for ``stall`` seconds
    stall: float = 0.0
    declared_length: int | None = None  # a Content-Length other than the body's (a cut-off transfer)


class ListServer:
    """A threaded HTTP server on 127.0.0.1 that plays a script of replies; the last one repeats."""

    def __init__(self):
        self.script: list[Reply] = [Reply(status=404)]
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802 - the name http.server calls
                reply = server.next_reply(dict(self.headers))
                if reply.delay:
                    time.sleep(reply.delay)
                status = reply.status
                if status == 200 and server.matches_validators(reply, self.headers):
                    status = 304
                self.send_response(status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if status == 304:
                    self.end_headers()
                    return
                length = len(reply.body) if reply.declared_length is None else reply.declared_length
                self.send_header("Content-Length", str(length))
                self.send_header("Connection", "close")
                self.end_headers()
                body = reply.body
                if reply.stall_after is not None:
                    self.wfile.write(body[: reply.stall_after])
                    self.wfile.flush()
                    time.sleep(reply.stall)
                    body = body[reply.stall_after :]
                self.wfile.write(body)
                self.wfile.flush()
                self.close_connection = True

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, address: None  # a client that gave up is expected here
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/resources/xml/en/consolidated.xml"

    def serve(self, *replies: Reply):
        with self._lock:
            self.script = list(replies)
            self.requests = []

    def next_reply(self, headers: dict) -> Reply:
        with self._lock:
            self.requests.append(headers)
            return self.script.pop(0) if len(self.script) > 1 else self.script[0]

    @staticmethod
    def matches_validators(reply: Reply, headers) -> bool:
        etag, modified = reply.headers.get("ETag"), reply.headers.get("Last-Modified")
        if headers.get("If-None-Match"):
            return bool(etag) and headers["If-None-Match"] == etag
        return bool(modified) and headers.get("If-Modified-Since") == modified

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def list_server():
    with ListServer() as server:
        yield server


@pytest.fixture
def download_settings(settings, tmp_path):
    settings.IMPORT_DATA_DIR = tmp_path / "sources"
    settings.IMPORT_HTTP_TIMEOUT = 5
    settings.IMPORT_HTTP_RETRIES = 2
    settings.IMPORT_HTTP_BACKOFF = 0
    settings.IMPORT_MAX_BYTES = 10 * 1024 * 1024
    return settings


@pytest.fixture
def un_source(list_server, download_settings):
    """The un-sc source, downloading from the test server."""
    source = Source.objects.get(slug="un-sc")
    source.url = list_server.url
    source.save()
    return source


def import_un_now(**options):
    return import_source(slug="un-sc", trigger=ImportTrigger.ADMIN, **options)


def source_dir(settings) -> Path:
    return Path(settings.IMPORT_DATA_DIR) / "un-sc"


def last_good(settings) -> Path:
    return source_dir(settings) / "last-good.xml"


def leftover_downloads(settings) -> list[str]:
    folder = source_dir(settings)
    return sorted(path.name for path in folder.iterdir() if path.name != "last-good.xml") if folder.exists() else []


def registry_rows() -> dict[str, int]:
    """Row counts of every entity and history table."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_app_config("entities").get_models()}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def imported_v1(list_server, un_source, download_settings):
    """A registry that imported the first list by download; returns what a failure must leave untouched."""
    list_server.serve(Reply(body=LIST_V1, headers=V1_HEADERS))
    run = import_un_now()
    assert run.status == ImportRunStatus.SUCCEEDED, run.error
    path = last_good(download_settings)
    return {
        "rows": registry_rows(),
        "last_good": (path.read_bytes(), path.stat().st_mtime_ns),
        "source": Source.objects.values("etag", "last_modified", "last_good_file", "last_good_sha256").get(
            slug="un-sc"
        ),
    }


def assert_untouched(before, settings):
    path = last_good(settings)
    assert registry_rows() == before["rows"]
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before["last_good"]
    assert Source.objects.values(*before["source"]).get(slug="un-sc") == before["source"]
    assert leftover_downloads(settings) == []


# --- A good download -----------------------------------------------------------------------------


def test_a_download_imports_and_keeps_the_last_good_file(list_server, un_source, download_settings):
    list_server.serve(Reply(body=LIST_V1, headers=V1_HEADERS))

    run = import_un_now()

    assert run.status == ImportRunStatus.SUCCEEDED, run.error
    assert run.counts == {"created": 4, "updated": 0, "unchanged": 0, "delisted": 0, "relisted": 0,
        "skipped_out_of_scope": 0}
    assert run.location == list_server.url
    assert run.file_sha256 == hashlib.sha256(LIST_V1).hexdigest()
    assert run.date_generated == "2030-01-15T00:00:01.000Z"
    assert set(Listing.objects.values_list("reference_number", flat=True)) == {
        "QDi.901", "KPi.901", "QDe.901", "KPe.901"
    }
    assert last_good(download_settings).read_bytes() == LIST_V1
    assert leftover_downloads(download_settings) == []
    source = Source.objects.get(slug="un-sc")
    assert (source.etag, source.last_modified) == (V1_HEADERS["ETag"], V1_HEADERS["Last-Modified"])
    assert source.last_good_file == str(last_good(download_settings))
    assert source.last_good_sha256 == run.file_sha256
    assert source.last_imported_at is not None
    # The first download has nothing to be conditional on.
    assert len(list_server.requests) == 1
    assert "If-None-Match" not in list_server.requests[0] and "If-Modified-Since" not in list_server.requests[0]


def test_an_unchanged_list_is_not_downloaded_again(list_server, imported_v1, download_settings):
    run = import_un_now()  # the server still holds the same list

    assert run.status == ImportRunStatus.NOT_MODIFIED == "not_modified"
    assert run.counts == {"created": 0, "updated": 0, "unchanged": 0, "delisted": 0, "relisted": 0,
        "skipped_out_of_scope": 0}
    assert run.error == "" and run.finished_at is not None
    sent = list_server.requests[-1]
    assert sent.get("If-None-Match") == V1_HEADERS["ETag"]
    assert sent.get("If-Modified-Since") == V1_HEADERS["Last-Modified"]
    assert_untouched(imported_v1, download_settings)


def test_last_modified_alone_also_gives_not_modified(list_server, un_source, download_settings):
    headers = {"Last-Modified": V1_HEADERS["Last-Modified"]}
    list_server.serve(Reply(body=LIST_V1, headers=headers))
    import_un_now()
    assert Source.objects.get(slug="un-sc").etag == ""

    run = import_un_now()

    assert run.status == ImportRunStatus.NOT_MODIFIED
    assert "If-None-Match" not in list_server.requests[-1]
    assert list_server.requests[-1].get("If-Modified-Since") == headers["Last-Modified"]


def test_a_changed_list_is_imported_and_replaces_the_last_good_file(list_server, imported_v1, download_settings):
    list_server.serve(Reply(body=LIST_V2, headers=V2_HEADERS))

    run = import_un_now()

    assert list_server.requests[-1].get("If-None-Match") == V1_HEADERS["ETag"]
    assert run.status == ImportRunStatus.SUCCEEDED, run.error
    assert run.counts == {"created": 1, "updated": 1, "unchanged": 3, "delisted": 0, "relisted": 0,
        "skipped_out_of_scope": 0}
    assert last_good(download_settings).read_bytes() == LIST_V2
    source = Source.objects.get(slug="un-sc")
    assert (source.etag, source.last_modified) == (V2_HEADERS["ETag"], V2_HEADERS["Last-Modified"])
    assert source.last_good_sha256 == hashlib.sha256(LIST_V2).hexdigest()
    assert leftover_downloads(download_settings) == []


def test_another_url_is_not_sent_the_configured_urls_validators(list_server, imported_v1, download_settings):
    """An explicit --url is another file: the configured URL's ETag must not make it look unchanged."""
    run = import_un_now(url=list_server.url + "?mirror=1")

    assert "If-None-Match" not in list_server.requests[-1]
    assert "If-Modified-Since" not in list_server.requests[-1]
    assert run.status == ImportRunStatus.SUCCEEDED
    assert run.unchanged == 4


def test_the_command_imports_from_a_url(list_server, un_source, capsys):
    list_server.serve(Reply(body=LIST_V1, headers=V1_HEADERS))

    call_command("import_source", "un-sc", "--url", list_server.url, "--json")

    outcome = json.loads(capsys.readouterr().out)
    assert outcome["status"] == "succeeded" and outcome["created"] == 4 and outcome["error"] == ""
    assert ImportRun.objects.get(pk=outcome["run"]).trigger == ImportTrigger.COMMAND


def test_a_server_error_is_retried_and_the_retry_succeeds(list_server, un_source, download_settings):
    list_server.serve(Reply(status=500), Reply(status=503), Reply(body=LIST_V1, headers=V1_HEADERS))

    run = import_un_now()

    assert len(list_server.requests) == 3
    assert run.status == ImportRunStatus.SUCCEEDED, run.error
    assert Entity.objects.count() == 4
    assert last_good(download_settings).read_bytes() == LIST_V1


# --- Failed downloads leave everything as it was -------------------------------------------------


@pytest.mark.parametrize(
    ("case", "requests_made"),
    [("persistent 500", 3), ("404", 1), ("connection refused", 0)],
)
def test_a_failed_download_changes_nothing(case, requests_made, list_server, imported_v1, download_settings):
    list_server.serve(Reply(status=500 if case == "persistent 500" else 404))
    url = f"http://127.0.0.1:{free_port()}/consolidated.xml" if case == "connection refused" else list_server.url
    Source.objects.filter(slug="un-sc").update(url=url)
    list_server.requests.clear()

    with pytest.raises(FetchError) as failure:
        import_un_now()

    assert len(list_server.requests) == requests_made  # 500 is retried IMPORT_HTTP_RETRIES times, 404 is not
    run = ImportRun.objects.get(pk=failure.value.run.pk)
    assert run.status == ImportRunStatus.FAILED and run.finished_at is not None
    assert run.error.startswith(f"Downloading {url} failed"), run.error
    assert run.counts == {"created": 0, "updated": 0, "unchanged": 0, "delisted": 0, "relisted": 0,
        "skipped_out_of_scope": 0}
    if case == "404":
        assert "HTTP 404" in run.error
    assert_untouched(imported_v1, download_settings)


def test_a_server_slower_than_the_timeout_fails(list_server, imported_v1, download_settings):
    download_settings.IMPORT_HTTP_TIMEOUT = 0.5
    download_settings.IMPORT_HTTP_RETRIES = 1
    list_server.serve(Reply(body=LIST_V2, headers=V2_HEADERS, delay=3))
    started = time.monotonic()

    with pytest.raises(FetchError) as failure:
        import_un_now()

    assert time.monotonic() - started < 2.5
    assert "timed out" in str(failure.value).lower(), failure.value
    assert failure.value.run.status == ImportRunStatus.FAILED
    assert_untouched(imported_v1, download_settings)


def test_a_download_that_stalls_half_way_fails(list_server, imported_v1, download_settings):
    download_settings.IMPORT_HTTP_TIMEOUT = 0.5
    download_settings.IMPORT_HTTP_RETRIES = 0
    list_server.serve(Reply(body=LIST_V2, headers=V2_HEADERS, stall_after=len(LIST_V2) // 2, stall=3))
    started = time.monotonic()

    with pytest.raises(FetchError):
        import_un_now()

    assert time.monotonic() - started < 2.5
    assert_untouched(imported_v1, download_settings)


def test_a_body_over_the_size_limit_is_refused_and_removed(list_server, imported_v1, download_settings):
    download_settings.IMPORT_MAX_BYTES = 200_000
    list_server.serve(Reply(body=LIST_V2 + b"<!-- padding -->" * 200_000, headers=V2_HEADERS))

    with pytest.raises(FetchError) as failure:
        import_un_now()

    assert "limit of 200,000 bytes" in str(failure.value)
    assert failure.value.run.status == ImportRunStatus.FAILED
    assert_untouched(imported_v1, download_settings)


def test_a_compressed_download_is_stored_and_imported_decompressed(list_server, un_source, download_settings):
    list_server.serve(Reply(body=gzip.compress(LIST_V1), headers={**V1_HEADERS, "Content-Encoding": "gzip"}))

    run = import_un_now()

    assert run.status == ImportRunStatus.SUCCEEDED and run.created == 4
    assert last_good(download_settings).read_bytes() == LIST_V1


def test_a_compression_bomb_is_stopped_at_the_size_limit(list_server, imported_v1, download_settings):
    download_settings.IMPORT_MAX_BYTES = 1_000_000
    bomb = gzip.compress(LIST_V2[:200] + b" " * 100_000_000, compresslevel=9)
    assert len(bomb) < 200_000
    list_server.serve(Reply(body=bomb, headers={**V2_HEADERS, "Content-Encoding": "gzip"}))

    with pytest.raises(FetchError, match="limit of 1,000,000 bytes"):
        import_un_now()

    assert_untouched(imported_v1, download_settings)


def test_a_download_cut_off_before_its_content_length_fails(list_server, imported_v1, download_settings):
    list_server.serve(Reply(body=LIST_V2[:2000], headers=V2_HEADERS, declared_length=len(LIST_V2)))

    with pytest.raises(FetchError) as failure:
        import_un_now()

    assert failure.value.run.status == ImportRunStatus.FAILED
    assert_untouched(imported_v1, download_settings)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (LIST_V2[: LIST_V2.index(b"</INDIVIDUAL>") + len(b"</INDIVIDUAL>")], "not well-formed"),
        (LIST_V2[:3000], "not well-formed"),
        (b"", "empty"),
    ],
    ids=["cut after a record", "cut mid-record", "empty"],
)
def test_a_truncated_list_served_as_complete_is_refused(
    body, message, list_server, imported_v1, download_settings
):
    """The server says 200 with a matching Content-Length, but the list itself stops early."""
    list_server.serve(Reply(body=body, headers=V2_HEADERS))

    with pytest.raises(SourceFormatError) as failure:
        import_un_now()

    run = ImportRun.objects.get(pk=failure.value.run.pk)
    assert run.status == ImportRunStatus.FAILED
    assert message in run.error, run.error
    assert_untouched(imported_v1, download_settings)
    # The next good download still works and is still conditional on the last good one.
    list_server.serve(Reply(body=LIST_V1, headers=V1_HEADERS))
    assert import_un_now().status == ImportRunStatus.NOT_MODIFIED


def test_a_source_without_a_url_fails_clearly(download_settings):
    Source.objects.filter(slug="un-sc").update(url="")

    with pytest.raises(ImportFailed, match="no download URL"):
        import_un_now()


def test_a_long_retry_after_does_not_hold_the_import(list_server, un_source, download_settings):
    """A server asking for a long wait must not hang the worker: the import gives up or goes on within bounds."""
    download_settings.IMPORT_HTTP_TIMEOUT = 0.5
    download_settings.IMPORT_HTTP_RETRIES = 1
    list_server.serve(Reply(status=503, headers={"Retry-After": "3"}), Reply(body=LIST_V1, headers=V1_HEADERS))
    started = time.monotonic()

    with contextlib.suppress(FetchError):
        import_un_now()

    assert time.monotonic() - started < 2


# --- Offline: --only-if-reachable, as bin/run retries the official list on every start --------------------


def test_offline_restarts_record_no_import_runs(download_settings, capsys):
    """bin/run on a machine without network, started three times: the sample list once, and no failed runs."""
    offline = f"http://127.0.0.1:{free_port()}/consolidated.xml"
    sample = Path(__file__).resolve().parents[2] / "importers" / "sources" / "samples" / "un-sc-sample.xml"
    call_command("import_source", "un-sc", "--file", str(sample), stdout=StringIO())
    before = registry_rows()

    for _ in range(3):
        with pytest.raises(CommandError, match="Cannot reach") as refusal:
            call_command("import_source", "un-sc", "--url", offline, "--only-if-reachable", stdout=StringIO())
        assert refusal.value.returncode == 3

    assert list(ImportRun.objects.values_list("status", flat=True)) == [ImportRunStatus.SUCCEEDED]
    assert registry_rows() == before
    with pytest.raises(SystemExit) as exit_:
        call_command("import_source", "un-sc", "--url", offline, "--only-if-reachable", "--json")
    outcome = json.loads(capsys.readouterr().out)
    assert exit_.value.code == 3 and outcome["run"] is None and outcome["error"].startswith(f"Cannot reach {offline}")
    assert ImportRun.objects.count() == 1


def test_only_if_reachable_imports_when_the_server_answers(list_server, un_source, download_settings):
    list_server.serve(Reply(body=LIST_V1, headers=V1_HEADERS))

    run = import_un_now(only_if_reachable=True)

    assert run.status == ImportRunStatus.SUCCEEDED and run.created == 4
    assert last_good(download_settings).read_bytes() == LIST_V1


def test_only_if_reachable_still_records_a_server_that_answers_with_an_error(
    list_server, imported_v1, download_settings
):
    """Reachable but failing is a real failed import, worth its record; only "cannot connect" is skipped."""
    list_server.serve(Reply(status=404))

    with pytest.raises(FetchError) as failure:
        import_un_now(only_if_reachable=True)

    assert not isinstance(failure.value, SourceUnreachable)
    assert failure.value.run.status == ImportRunStatus.FAILED and "HTTP 404" in failure.value.run.error
    assert_untouched(imported_v1, download_settings)


def test_without_only_if_reachable_an_offline_attempt_is_recorded(imported_v1, download_settings):
    """The schedule, the admin and plain commands keep recording every failed download."""
    Source.objects.filter(slug="un-sc").update(url=f"http://127.0.0.1:{free_port()}/consolidated.xml")

    with pytest.raises(FetchError) as failure:
        import_un_now()

    assert not isinstance(failure.value, SourceUnreachable)
    assert failure.value.run.status == ImportRunStatus.FAILED
