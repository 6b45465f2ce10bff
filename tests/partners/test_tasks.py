"""With a broker, a batch is answered 202 at once and a real worker screens it behind the answer."""

import json
import time

import pytest
from celery import signals
from celery.contrib.testing.worker import start_worker

from partners import tasks  # noqa: F401 - registers the partner tasks with every app, the worker's included
from partners.models import Submission
from tests.importers.test_tasks import close_worker_connections, worker_app  # noqa: F401 - a fixture
from tests.partners.helpers import organisation, person

WAIT = 60  # seconds the worker has to screen the batch


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_worker_on_the_real_broker_screens_a_batch(worker_app, committed_db, api_a, screened_registry):  # noqa: F811
    worker_app.set_current()  # the tasks' .delay() now sends to the real broker (the fixture restores the app)
    signals.task_postrun.connect(close_worker_connections, weak=False)
    try:
        with start_worker(worker_app, pool="solo", perform_ping_check=True, shutdown_timeout=30):
            response = api_a.post("/api/v1/submissions/", json.dumps([person("Omar Samplezai"), organisation()]),
                                  content_type="application/json")
            assert response.status_code == 202, response.content
            assert {item["status"] for item in response.json()["submissions"]} == {"received"}
            ids = [item["id"] for item in response.json()["submissions"]]
            deadline = time.monotonic() + WAIT
            while Submission.objects.filter(pk__in=ids, status="pending").count() < 2:
                assert time.monotonic() < deadline, "the worker did not screen the batch"
                time.sleep(0.2)
    finally:
        signals.task_postrun.disconnect(close_worker_connections)
    found, new = Submission.objects.filter(pk__in=ids).order_by("row")
    assert {match["caption"] for match in found.matches} == {"OMAR SAMPLEZAI"}
    assert new.matches == [] and new.screened_at is not None
    assert list(found.events.values_list("action", "actor_kind")) == [("submitted", "partner"),
                                                                      ("screened", "system:screening")]
