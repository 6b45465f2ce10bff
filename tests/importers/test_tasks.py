"""
The Celery import task: eagerly in-process (the default without a broker), on a real worker against
RabbitMQ, under the per-source lock, and the default schedule the setup creates.
"""

import json
import socket
import threading
import uuid

import pytest
from celery import Celery, signals
from celery.contrib.testing.worker import start_worker
from django.db import connection, connections
from django_celery_beat.models import PeriodicTask

from entities.models import Entity, Listing, Source
from importers.base import FetchError, ImportAlreadyRunning, ImportFailed
from importers.choices import ImportRunStatus, ImportTrigger
from importers.locks import source_lock
from importers.models import ImportRun
from importers.tasks import import_source_task
from registry.celery import app as registry_app
from tests.importers.test_fetch import LIST_V1, V1_HEADERS, ListServer, Reply

BROKER_URL = "amqp://guest:guest@127.0.0.1:5672//"
TASK_NAME = "importers.tasks.import_source_task"


@pytest.fixture
def eager(settings):
    """Tasks run in-process, as they do when CELERY_BROKER_URL is unset, whatever the environment says."""
    saved = {key: registry_app.conf[key] for key in ("task_always_eager", "task_eager_propagates")}
    registry_app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield registry_app
    registry_app.conf.update(saved)


@pytest.fixture
def list_server(settings, tmp_path):
    settings.IMPORT_DATA_DIR = tmp_path / "sources"
    settings.IMPORT_HTTP_TIMEOUT = 5
    settings.IMPORT_HTTP_RETRIES = 0
    settings.IMPORT_HTTP_BACKOFF = 0
    with ListServer() as server:
        server.serve(Reply(body=LIST_V1, headers=V1_HEADERS))
        yield server


def point_un_sc_at(url: str) -> Source:
    """Never let a test reach the real UN server: the source downloads from loopback."""
    source, _ = Source.objects.update_or_create(
        slug="un-sc", defaults={"name": "UN Security Council Consolidated List", "url": url}
    )
    return source


# --- (a) eager mode ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_task_imports_the_source_from_its_url(eager, list_server):
    point_un_sc_at(list_server.url)

    outcome = import_source_task.delay("un-sc").get()

    run = ImportRun.objects.get(pk=outcome["run"])
    assert outcome["status"] == run.status == ImportRunStatus.SUCCEEDED, run.error
    assert run.trigger == ImportTrigger.SCHEDULE
    assert run.triggered_by is None
    assert outcome["created"] == run.created == 4
    assert Entity.objects.count() == 4
    assert len(list_server.requests) == 1


@pytest.mark.django_db
def test_the_task_records_the_user_and_trigger_it_is_given(eager, list_server, django_user_model):
    point_un_sc_at(list_server.url)
    analyst = django_user_model.objects.create_user("analyst", password="x")

    outcome = import_source_task.delay("un-sc", trigger=ImportTrigger.ADMIN, user_id=analyst.pk).get()

    run = ImportRun.objects.get(pk=outcome["run"])
    assert (run.trigger, run.triggered_by) == (ImportTrigger.ADMIN, analyst)


@pytest.mark.django_db
def test_a_disabled_source_is_skipped_by_the_schedule_only(eager, list_server):
    source = point_un_sc_at(list_server.url)
    source.enabled = False
    source.save()

    outcome = import_source_task.delay("un-sc").get()

    assert outcome == {"status": "skipped", "reason": "source disabled"}
    assert not ImportRun.objects.exists() and not Entity.objects.exists()
    assert list_server.requests == []
    # An analyst's "run import now" still imports a disabled source.
    outcome = import_source_task.delay("un-sc", trigger=ImportTrigger.ADMIN).get()
    assert outcome["status"] == ImportRunStatus.SUCCEEDED
    assert Entity.objects.count() == 4


@pytest.mark.django_db
def test_a_download_that_keeps_failing_is_retried_by_the_task_then_fails(eager, list_server):
    # Eager apply() runs the retries in-process only when it does not propagate the first Retry at once.
    eager.conf.task_eager_propagates = False
    point_un_sc_at(list_server.url)
    list_server.serve(Reply(status=500))

    with pytest.raises(FetchError):
        import_source_task.delay("un-sc").get()

    attempts = 1 + import_source_task.max_retries
    assert len(list_server.requests) == attempts  # IMPORT_HTTP_RETRIES is 0: one request per task attempt
    runs = ImportRun.objects.all()
    assert runs.count() == attempts
    assert {run.status for run in runs} == {ImportRunStatus.FAILED}
    assert not Entity.objects.exists()


# --- (d) task options ----------------------------------------------------------------------------


def test_the_task_acks_late_and_retries_network_errors_only():
    assert import_source_task.name == TASK_NAME
    assert import_source_task.acks_late is True
    assert FetchError in import_source_task.autoretry_for
    assert not any(issubclass(ImportAlreadyRunning, kind) for kind in import_source_task.autoretry_for)
    assert not any(issubclass(ImportFailed, kind) for kind in import_source_task.autoretry_for)
    assert import_source_task.max_retries >= 1
    assert import_source_task.retry_backoff


# --- (e) the default schedule --------------------------------------------------------------------


@pytest.mark.django_db
def test_setup_creates_the_default_un_sc_schedule():
    task = PeriodicTask.objects.get(task=TASK_NAME, args=json.dumps(["un-sc"]))
    assert task.enabled
    assert task.crontab is not None
    assert json.loads(task.args) == ["un-sc"]
    assert TASK_NAME in registry_app.tasks
    source = Source.objects.get(slug="un-sc")
    assert source.url.startswith("https://")


# --- (c) the lock --------------------------------------------------------------------------------


class HeldLock:
    """
    Holds source_lock(slug) from another thread: on PostgreSQL an advisory lock on that thread's own database
    connection, as another worker would; on SQLite the in-process lock.
    """

    def __init__(self, slug: str):
        self.slug = slug
        self.held = threading.Event()
        self.release = threading.Event()
        self.error = None
        self.thread = threading.Thread(target=self._hold, daemon=True)

    def _hold(self):
        try:
            with source_lock(self.slug):
                self.held.set()
                self.release.wait(30)
        except Exception as error:  # noqa: BLE001 - reported to the test below
            self.error = error
            self.held.set()
        finally:
            connection.close()

    def __enter__(self):
        self.thread.start()
        assert self.held.wait(10), "the other thread never took the lock"
        assert self.error is None, self.error
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join(10)


def other_sessions_advisory_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid() "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_an_import_while_another_holds_the_lock_is_refused_and_recorded(import_un, fixture_path, list_server):
    point_un_sc_at(list_server.url)
    path = fixture_path("un_fetch/consolidated.xml")

    with HeldLock("un-sc"):
        if connection.vendor == "postgresql":
            # Held in the database by another session, so it holds across processes and machines too.
            assert other_sessions_advisory_locks() == 1
        with pytest.raises(ImportAlreadyRunning) as failure:
            import_un(path)
        # The lock is per source: another slug is not blocked by it.
        with source_lock("some-other-source"):
            pass

    run = ImportRun.objects.get(pk=failure.value.run.pk)
    assert run.status == ImportRunStatus.FAILED and run.finished_at is not None
    assert run.error == "Another import of un-sc is running; try again when it has finished."
    assert not Entity.objects.exists()
    assert list_server.requests == []
    # Released, the next import goes ahead.
    assert import_un(path).status == ImportRunStatus.SUCCEEDED
    assert Entity.objects.count() == 4


@pytest.mark.django_db
def test_the_task_skips_while_another_import_runs(eager, list_server):
    point_un_sc_at(list_server.url)

    with HeldLock("un-sc"):
        outcome = import_source_task.delay("un-sc").get()

    assert outcome["status"] == "skipped"
    assert "Another import of un-sc is running" in outcome["reason"]
    run = ImportRun.objects.get(pk=outcome["run"])
    assert run.status == ImportRunStatus.FAILED and run.trigger == ImportTrigger.SCHEDULE
    assert list_server.requests == [] and not Entity.objects.exists()


@pytest.mark.django_db
def test_a_failed_import_releases_the_lock(import_un, fixture_path, tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_bytes(LIST_V1[:1500])
    with pytest.raises(ImportFailed):
        import_un(broken)

    assert import_un(fixture_path("un_fetch/consolidated.xml")).status == ImportRunStatus.SUCCEEDED


# --- (b) a real worker on the real broker ---------------------------------------------------------


def broker_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5672), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def worker_app():
    """
    A Celery app configured like the project's but with a real broker, and its own queue so that no
    other worker on this broker can take the test's tasks. Restores the project's app as the current one.
    """
    if not broker_reachable():
        pytest.skip(f"RabbitMQ is not reachable at {BROKER_URL}")
    queue = f"registry-test-{uuid.uuid4().hex}"
    app = Celery("registry-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=BROKER_URL,
        result_backend="cache+memory://",
        task_always_eager=False,
        task_default_queue=queue,
        worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=False,
        # The in-thread worker's event loop sleeps up to 10 s between timers; a short heartbeat keeps it
        # turning, so it picks up the next message and notices the shutdown at once.
        broker_heartbeat=1,
    )
    import celery.contrib.testing.tasks  # noqa: F401 - registers celery.ping for start_worker's check

    try:
        yield app
    finally:
        with app.connection_for_write() as broker:
            broker.default_channel.queue_delete(queue)
        registry_app.set_current()
        registry_app.set_default()


def close_worker_connections(**kwargs):
    # The worker thread has its own database connection; close it so the test database can be dropped.
    connections.close_all()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_worker_on_the_real_broker_runs_the_import(worker_app, list_server):
    point_un_sc_at(list_server.url)
    signals.task_postrun.connect(close_worker_connections, weak=False)
    try:
        with start_worker(worker_app, pool="solo", perform_ping_check=True, shutdown_timeout=30):
            result = worker_app.send_task(TASK_NAME, args=["un-sc"])
            outcome = result.get(timeout=60)
    finally:
        signals.task_postrun.disconnect(close_worker_connections)

    assert outcome["status"] == ImportRunStatus.SUCCEEDED
    run = ImportRun.objects.get(pk=outcome["run"])
    assert run.status == ImportRunStatus.SUCCEEDED and run.trigger == ImportTrigger.SCHEDULE
    assert run.created == Entity.objects.count() == 4
    assert set(Listing.objects.values_list("reference_number", flat=True)) == {
        "QDi.901", "KPi.901", "QDe.901", "KPe.901"
    }
    assert len(list_server.requests) == 1
    # Acknowledged once done (acks_late): nothing is left on the queue to run again.
    with worker_app.connection_for_write() as broker:
        queue = broker.default_channel.queue_declare(worker_app.conf.task_default_queue, passive=True)
    assert queue.message_count == 0
