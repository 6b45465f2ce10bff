"""
GET /api/v1/changes/: every creation, update, delisting and re-listing in order, a cursor per change, pages
read with `next` exactly once, a consumer that mirrors the registry from the feed alone, resuming from a
saved cursor, and change numbers handed out in commit order under concurrent writers.
"""

import base64
import threading
import time

import pytest
from django.db import connection, transaction

from entities.audit import Actor, event, record
from entities.choices import PUBLIC_REASONS, AuditAction, NameType
from entities.models import AuditEvent, Entity, Name
from entities.selectors import PUBLIC_FACTS
from entities.services import (
    entity_propose,
    entity_propose_delisting,
    entity_update_policy,
    name_save,
    proposal_approve,
)
from tests.api.helpers import bearer, by_reference
from tests.helpers import actor

pytestmark = pytest.mark.django_db
FEED = "/api/v1/changes/"


def walk_feed(api, url: str) -> tuple[list[dict], list[dict]]:
    """Follow `next` until a page says it has no more: (every change, every page)."""
    results, pages = [], []
    while True:
        response = api.get(url)
        assert response.status_code == 200, response.content[:300]
        page = response.json()
        pages.append(page)
        results.extend(page["results"])
        assert page["next"], "the feed always gives a next link to poll"
        if not page["has_more"]:
            return results, pages
        url = page["next"]
        assert len(pages) < 200


def feed(api, query="limit=1000") -> list[dict]:
    return walk_feed(api, f"{FEED}?{query}")[0]


def history(import_un, api_file, analyst, approver):
    """
    Imports and curation in a known order; returns, for each step, the (reference, action, public) triples it
    adds: public ones are what external clients read.
    """
    import_un(api_file("v1.xml"))
    steps = [[(ref, "created", True) for ref in ("QDi.801", "TAi.801", "QDi.802", "KPi.801", "QDe.801", "TAe.801",
                                                 "CDe.801")]]
    entities = by_reference()
    name_save(name=Name(entity=entities["QDi.802"], name_type=NameType.ALIAS, full_name="Analyst Alias"),
              actor=actor(analyst), reason="open source")
    steps.append([("QDi.802", "updated", False)])  # an internal name
    entity_update_policy(entity=entities["KPi.801"], actor=actor(analyst), reason="note", analyst_notes="seen")
    steps.append([("KPi.801", "updated", False)])  # notes are internal
    import_un(api_file("v2.xml"))
    steps.append([("QDi.801", "updated", True), ("QDi.803", "created", True), ("TAe.801", "delisted", True)])
    proposal = entity_propose_delisting(entity=entities["CDe.801"], actor=actor(analyst), reason="analyst's doubt")
    steps.append([("CDe.801", "delisting_proposed", False)])
    proposal_approve(proposal=proposal, actor=actor(approver), reason="court ruling")
    steps.append([("CDe.801", "delisted", True)])
    import_un(api_file("v3.xml"))
    steps.append([("TAe.801", "relisted", True)])
    proposal = entity_propose(entity=entities["CDe.801"], actor=actor(analyst), reason="back")
    steps.append([("CDe.801", "proposed", False)])
    proposal_approve(proposal=proposal, actor=actor(approver), reason="new evidence")
    steps.append([("CDe.801", "designated", True)])
    return steps


def as_pairs(changes: list[dict]) -> list[tuple[str, str]]:
    reference = {str(entity.pk): ref for ref, entity in by_reference().items()}
    return [(reference[item["entity"]], item["action"]) for item in changes]


def assert_in_step_order(changes, steps):
    pairs = as_pairs(changes)
    position = 0
    for step in steps:
        # Within one import the order of its entries is the importer's; across steps it is the order of the writes.
        assert sorted(pairs[position:position + len(step)]) == sorted(step)
        position += len(step)
    assert len(pairs) == position


def test_the_feed_lists_every_change_in_order(internal_api, import_un, api_file, analyst, approver):
    steps = history(import_un, api_file, analyst, approver)
    changes = feed(internal_api)
    assert_in_step_order(changes, [[(ref, action) for ref, action, _ in step] for step in steps])
    times = [item["occurred_at"] for item in changes]
    assert times == sorted(times)
    assert len({item["cursor"] for item in changes}) == len(changes)
    first = changes[0]
    assert set(first) == {"cursor", "entity", "entity_url", "action", "occurred_at", "actor", "reason", "public",
                          "changes", "details"}
    assert first["entity_url"] == f"http://testserver/api/v1/entities/{first['entity']}/"
    assert first["details"]["source_key"] == as_pairs(changes)[0][0]
    assert first["actor"] == "importer:un-sc"
    decision = next(item for item in changes if item["reason"] == "court ruling")
    assert (decision["action"], decision["actor"]) == ("delisted", "approver")
    assert [change["field"] for change in decision["changes"]] == ["state", "delisted_at"]


def test_external_clients_read_only_public_changes_with_fixed_reasons(api, import_un, api_file, analyst, approver):
    steps = history(import_un, api_file, analyst, approver)
    changes = feed(api)
    public_steps = [[(ref, action) for ref, action, public in step if public] for step in steps]
    assert_in_step_order(changes, [step for step in public_steps if step])
    assert set(changes[0]) == {"cursor", "entity", "entity_url", "action", "occurred_at", "actor", "reason",
                               "changes", "details"}
    for item in changes:
        assert item["reason"] == PUBLIC_REASONS[item["action"]]
        assert set(item["details"]) <= {"source_key"}
        assert all("public" not in change for change in item["changes"])
    decision = next(item for item in changes if item["action"] == "delisted" and not item["details"])
    assert decision["actor"] == "approver" and decision["reason"] == "Delisted."
    assert "court ruling" not in str(changes) and "analyst's doubt" not in str(changes)
    assert "proposed" not in str(changes)  # nor what analysts were doing with it in between


def test_limit_2_walk_sees_each_change_exactly_once(api, import_un, api_file, analyst, approver):
    history(import_un, api_file, analyst, approver)
    everything = feed(api)
    paged, pages = walk_feed(api, f"{FEED}?limit=2")
    assert [item["cursor"] for item in paged] == [item["cursor"] for item in everything]
    assert all(len(page["results"]) <= 2 for page in pages)
    assert [page["has_more"] for page in pages] == [True] * (len(pages) - 1) + [False]
    # Polling past the end is empty, and keeps the same place.
    last = pages[-1]
    tail = api.get(last["next"]).json()
    assert tail["results"] == [] and tail["has_more"] is False
    assert tail["next"] == last["next"]


def test_polling_the_end_of_an_empty_feed(api, db):
    body = api.get(FEED).json()
    assert body == {"results": [], "next": "http://testserver/api/v1/changes/?limit=100", "has_more": False}


def test_each_cursor_resumes_just_after_its_change(api, import_un, api_file, analyst, approver):
    history(import_un, api_file, analyst, approver)
    changes = feed(api)
    for index in (0, 3, len(changes) - 2):
        rest = feed(api, f"after={changes[index]['cursor']}&limit=5")
        assert [item["cursor"] for item in rest] == [item["cursor"] for item in changes[index + 1:]]


def test_resuming_from_a_saved_cursor_sees_only_the_new_changes(api, import_un, api_file, analyst):
    import_un(api_file("v1.xml"))
    _, pages = walk_feed(api, f"{FEED}?limit=3")
    saved = pages[-1]["next"]  # what a consumer stores before it stops
    assert len(feed(api)) == 7
    import_un(api_file("v2.xml"))
    entity_update_policy(entity=by_reference()["QDe.801"], actor=actor(analyst), reason="r", category="other")
    new, _ = walk_feed(api, saved)
    assert sorted(as_pairs(new)) == sorted([("QDi.801", "updated"), ("QDi.803", "created"), ("TAe.801", "delisted"),
                                            ("QDe.801", "updated")])
    assert as_pairs(new)[-1] == ("QDe.801", "updated")


@pytest.mark.parametrize(
    "after",
    ["garbage", "!!!", "%00", "%C3%A9", base64.urlsafe_b64encode(b"c1:abc").decode(),
     base64.urlsafe_b64encode(b"x1:5").decode(), base64.urlsafe_b64encode(b"c1:-5").decode(),
     base64.urlsafe_b64encode(b"c1:").decode(), base64.urlsafe_b64encode(b"\xff\xfe").decode(), "", "A" * 5000],
)
def test_a_malformed_after_is_a_400(api, db, after):
    response = api.get(f"{FEED}?after={after}")
    assert response.status_code == 400, response.content
    assert "after" in response.json()


def test_a_huge_cursor_number_is_not_a_500(api, db):
    after = base64.urlsafe_b64encode(b"c1:" + b"9" * 40).decode().rstrip("=")
    response = api.get(f"{FEED}?after={after}")
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("limit", ["0", "1001", "-1", "abc", "", "1.5", "99999999999999999999",
                                   pytest.param("%C2%B2")])
def test_limit_out_of_bounds_is_a_400(api, db, limit):
    response = api.get(f"{FEED}?limit={limit}")
    assert response.status_code == 400
    assert "1 to 1000" in response.json()["limit"][0]


def test_limit_bounds_are_accepted(api, registry):
    assert len(api.get(f"{FEED}?limit=1").json()["results"]) == 1
    assert len(api.get(f"{FEED}?limit=1000").json()["results"]) == 7
    assert len(api.get(FEED).json()["results"]) == 7


def test_unknown_parameters_are_refused(api, db):
    response = api.get(f"{FEED}?since=0")
    assert response.status_code == 400
    assert "since" in response.json()


def registry_state() -> dict[str, tuple]:
    return {
        str(entity.pk): (entity.caption, entity.status, entity.category,  # the public names only: see the mirror
                         frozenset(entity.names.filter(PUBLIC_FACTS).values_list("full_name", flat=True)))
        for entity in Entity.objects.all()
    }


class Mirror:
    """A consuming service: keeps a cursor, applies the feed by fetching each changed entity's detail."""

    def __init__(self, api):
        self.api = api
        self.next = f"{FEED}?limit=2"
        self.entities: dict[str, tuple] = {}
        self.applied = 0

    def sync(self):
        while True:
            body = self.api.get(self.next).json()
            for item in body["results"]:
                detail = self.api.get(item["entity_url"])
                assert detail.status_code == 200
                document = detail.json()
                self.entities[document["id"]] = (document["caption"], document["status"], document["category"],
                                                 frozenset(name["name"] for name in document["names"]))
                self.applied += 1
            self.next = body["next"]
            if not body["has_more"]:
                return


def test_a_mirror_built_from_the_feed_matches_the_registry_at_every_step(api, import_un, api_file, analyst,
                                                                         approver):
    mirror = Mirror(api)

    def check():
        mirror.sync()
        assert mirror.entities == registry_state()

    import_un(api_file("v1.xml"))
    check()
    entities = by_reference()
    name_save(name=Name(entity=entities["QDi.802"], name_type=NameType.ALIAS, full_name="New Alias", public=True),
              actor=actor(analyst))
    check()
    name_save(name=Name(entity=entities["QDi.802"], name_type=NameType.ALIAS, full_name="@internal_handle"),
              actor=actor(analyst))
    check()
    entity_update_policy(entity=entities["QDe.801"], actor=actor(analyst), reason="r", category="other")
    check()
    import_un(api_file("v2.xml"))
    check()
    proposal = entity_propose_delisting(entity=entities["CDe.801"], actor=actor(analyst), reason="r")
    proposal_approve(proposal=proposal, actor=actor(approver), reason="r")
    check()
    import_un(api_file("v3.xml"))
    check()
    import_un(api_file("v3.xml"))  # nothing changed: nothing new to apply
    applied = mirror.applied
    check()
    assert mirror.applied == applied
    # A restarted consumer with only its saved cursor carries on where it stopped.
    restarted = Mirror(api)
    restarted.next, restarted.entities = mirror.next, dict(mirror.entities)
    proposal = entity_propose_delisting(entity=entities["TAi.801"], actor=actor(analyst), reason="r")
    proposal_approve(proposal=proposal, actor=actor(approver), reason="r")
    restarted.sync()
    assert restarted.applied == 1  # the proposal was internal; the decision is the one public change
    assert restarted.entities == registry_state()


@pytest.mark.postgresql
def test_change_numbers_are_handed_out_in_commit_order(committed_db, import_un, api_file, make_client):
    """
    A writer that has recorded changes but not yet committed holds the feed's lock: a second writer waits, so
    its numbers are greater and a reader never sees a later number before an earlier one is committed.
    """
    import_un(api_file("v1.xml"))
    entities = by_reference()
    slow_entity, fast_entity = entities["QDi.801"].pk, entities["QDe.801"].pk
    _, token = make_client(scopes=("read", "internal"))
    start = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    recorded, events, errors = threading.Event(), {}, []
    system = Actor.of_system("test")

    def slow_writer():
        try:
            with transaction.atomic():
                record([event(slow_entity, AuditAction.UPDATED, actor=system, reason="slow") for _ in range(2)])
                recorded.set()
                time.sleep(1.0)
                events["slow_commit"] = time.monotonic()
        except Exception as error:  # surfaced by the main thread
            errors.append(error)
            recorded.set()
        finally:
            connection.close()

    def fast_writer():
        try:
            recorded.wait(5)
            events["fast_start"] = time.monotonic()
            with transaction.atomic():
                record([event(fast_entity, AuditAction.UPDATED, actor=system, reason="fast")])
            events["fast_commit"] = time.monotonic()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=slow_writer), threading.Thread(target=fast_writer)]
    for thread in threads:
        thread.start()
    recorded.wait(5)
    time.sleep(0.4)  # the fast writer is now waiting (or, without the lock, has committed)
    after = base64.urlsafe_b64encode(f"c1:{start}".encode()).decode().rstrip("=")
    seen_during_slow = bearer(token).get(f"{FEED}?after={after}").json()["results"]
    for thread in threads:
        thread.join(10)
    assert not errors, errors
    assert seen_during_slow == [], "a reader saw a change while an earlier-numbered one was uncommitted"
    assert events["fast_commit"] > events["slow_commit"]
    slow_ids = list(AuditEvent.objects.filter(reason="slow").values_list("id", flat=True))
    fast_ids = list(AuditEvent.objects.filter(reason="fast").values_list("id", flat=True))
    assert len(slow_ids) == 2 and len(fast_ids) == 1
    assert min(fast_ids) > max(slow_ids)
    changes = bearer(token).get(f"{FEED}?after={after}").json()["results"]
    assert [item["reason"] for item in changes] == ["slow", "slow", "fast"]
