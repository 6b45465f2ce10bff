"""
The curation endpoints over HTTP: a client with the `curate` scope acts for one person, with that person's
roles. The whole four-eyes flow (an analyst's client proposes, an approver's client decides), what each role's
client may not do (403 with the service's message), bodies (400 naming the field), states (409), the review
queue, the audit event each transition leaves (the person and the client), and access (401, 403, 429).
"""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from apiclients.models import ApiClient
from apiclients.services import ClientError, api_client_create
from entities.choices import AuditAction, DesignationState, ProposalKind, ProposalState
from entities.models import AuditEvent, Entity, Proposal
from tests.api.helpers import bearer, walk
from tests.api.test_access import start_of_window

pytestmark = pytest.mark.django_db

State = DesignationState
ENTITIES = "/api/v1/entities/"
PROPOSALS = "/api/v1/proposals/"
NEW = {"kind": "organisation", "caption": "Front of the Example Sea", "category": "veo", "tier": 2,
       "analyst_notes": "Seen recruiting in comments.", "reason": "Claims attacks in its channel."}


@pytest.fixture
def curator(make_client):
    """curator(user, scopes=("curate",)) -> (ApiClient, test client) acting for ``user``."""

    def make(user, scopes=("curate",)):
        client, token = make_client(scopes=scopes, user=user)
        return client, bearer(token)

    return make


@pytest.fixture
def desk(analyst, approver, curator):
    """An analyst's and an approver's curate clients: {"analyst": (ApiClient, api), "approver": (…)}."""
    return {"analyst": curator(analyst), "approver": curator(approver)}


def post(api, url, body=None):
    return api.post(url, body if body is not None else {}, format="json")


def create(api, **changes) -> dict:
    response = post(api, ENTITIES, {**NEW, **changes})
    assert response.status_code == 201, response.content
    return response.json()


def decide(api, proposal_id, verb, reason="Checked the evidence."):
    return post(api, f"{PROPOSALS}{proposal_id}/{verb}/", {"reason": reason})


def state_of(entity_id) -> str:
    return Entity.objects.values_list("state", flat=True).get(pk=entity_id)


def last_event(entity_id) -> AuditEvent:
    return AuditEvent.objects.filter(entity_id=entity_id).order_by("-id").first()


def assert_left_by(event, *, action, user, client, reason):
    assert (event.action, event.actor_user, event.actor_client, event.reason) == (action, user, client, reason)


# --- The four-eyes flow ---------------------------------------------------------------------------------------


def test_an_analyst_proposes_and_an_approver_designates_over_http(desk, analyst, approver, api):
    analyst_client, analyst_api = desk["analyst"]
    approver_client, approver_api = desk["approver"]

    created = create(analyst_api)
    entity_id, proposal_id = created["id"], created["proposal"]
    assert created["state"] == State.PROPOSED
    assert created["url"].endswith(f"/api/v1/entities/{entity_id}/")
    assert created["proposal_url"].endswith(f"/api/v1/proposals/{proposal_id}/")
    entity = Entity.objects.get(pk=entity_id)
    assert (entity.caption, entity.tier, entity.analyst_notes) == (NEW["caption"], 2, NEW["analyst_notes"])
    assert_left_by(last_event(entity_id), action=AuditAction.PROPOSED, user=analyst, client=analyst_client,
                   reason=NEW["reason"])
    assert api.get(f"{ENTITIES}{entity_id}/").status_code == 404  # external clients never see a proposal

    # The analyst's client sees the proposal but may not decide it; the approver's may.
    seen = analyst_api.get(f"{PROPOSALS}{proposal_id}/").json()
    assert (seen["can_decide"], seen["kind"], seen["state"], seen["proposer_kind"]) == (
        False, ProposalKind.DESIGNATE, ProposalState.OPEN, "analyst")
    assert "approver role" in seen["why_not"]
    seen = approver_api.get(f"{PROPOSALS}{proposal_id}/").json()
    assert (seen["can_decide"], seen["why_not"]) == (True, "")
    assert seen["entity"]["id"] == entity_id and seen["entity"]["state"] == State.PROPOSED

    response = decide(approver_api, proposal_id, "review", "Taking it.")
    assert response.status_code == 200, response.content
    assert response.json()["entity"]["state"] == State.UNDER_REVIEW
    assert_left_by(last_event(entity_id), action=AuditAction.REVIEW_STARTED, user=approver, client=approver_client,
                   reason="Taking it.")

    response = decide(approver_api, proposal_id, "approve", "The evidence holds.")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["state"], body["entity"]["state"], body["decision_reason"]) == (
        ProposalState.APPROVED, State.DESIGNATED, "The evidence holds.")
    assert body["decided_at"] and (body["can_decide"], body["why_not"]) == (False, "This proposal is approved already.")
    event = last_event(entity_id)
    assert_left_by(event, action=AuditAction.DESIGNATED, user=approver, client=approver_client,
                   reason="The evidence holds.")
    assert event.actor_kind == "approver"
    assert api.get(f"{ENTITIES}{entity_id}/").json()["state"] == State.DESIGNATED  # now public


def test_delisting_and_proposing_again_over_http(desk, analyst, approver):
    analyst_client, analyst_api = desk["analyst"]
    approver_client, approver_api = desk["approver"]
    created = create(analyst_api)
    entity_id = created["id"]
    assert decide(approver_api, created["proposal"], "approve").status_code == 200

    response = post(analyst_api, f"{ENTITIES}{entity_id}/propose-delisting/", {"reason": "Dissolved in 2026."})
    assert response.status_code == 201, response.content
    delisting = response.json()
    assert response.headers["Location"] == delisting["url"]
    assert (delisting["kind"], delisting["state"], delisting["entity"]["state"]) == (
        ProposalKind.DELIST, ProposalState.OPEN, State.DESIGNATED)
    assert_left_by(last_event(entity_id), action=AuditAction.DELISTING_PROPOSED, user=analyst,
                   client=analyst_client, reason="Dissolved in 2026.")
    assert decide(approver_api, delisting["id"], "approve", "Confirmed dissolved.").status_code == 200
    assert state_of(entity_id) == State.DELISTED
    assert_left_by(last_event(entity_id), action=AuditAction.DELISTED, user=approver, client=approver_client,
                   reason="Confirmed dissolved.")

    response = post(analyst_api, f"{ENTITIES}{entity_id}/propose/", {"reason": "Active again."})
    assert response.status_code == 201, response.content
    again = response.json()
    assert again["entity"]["state"] == State.PROPOSED
    assert_left_by(last_event(entity_id), action=AuditAction.PROPOSED, user=analyst, client=analyst_client,
                   reason="Active again.")
    response = decide(approver_api, again["id"], "reject", "Not enough.")
    assert response.status_code == 200
    assert (response.json()["state"], state_of(entity_id)) == (ProposalState.REJECTED, State.REJECTED)
    assert_left_by(last_event(entity_id), action=AuditAction.REJECTED, user=approver, client=approver_client,
                   reason="Not enough.")


def test_withdrawing_a_delisting_proposal(desk, analyst, approver, registry, viewer, curator):
    analyst_client, analyst_api = desk["analyst"]
    entity = registry["QDe.801"]
    proposal = post(analyst_api, f"{ENTITIES}{entity.pk}/propose-delisting/", {"reason": "Dissolved."}).json()
    _, viewer_api = curator(viewer)
    response = decide(viewer_api, proposal["id"], "withdraw", "Not mine.")
    assert response.status_code == 403
    assert response.json()["detail"] == "Only the proposer or an approver can withdraw this proposal."
    response = decide(analyst_api, proposal["id"], "withdraw", "Misread the report.")
    assert response.status_code == 200, response.content
    assert (response.json()["state"], state_of(entity.pk)) == (ProposalState.WITHDRAWN, State.DESIGNATED)
    assert_left_by(last_event(entity.pk), action=AuditAction.PROPOSAL_WITHDRAWN, user=analyst,
                   client=analyst_client, reason="Misread the report.")


# --- Who may do what ------------------------------------------------------------------------------------------


def test_the_proposers_own_clients_may_not_decide(make_user, curator):
    proposer = make_user("approver", "proposer")
    _, own_api = curator(proposer)
    _, other_own_api = curator(proposer)  # four-eyes compares people, not clients
    proposal_id = create(own_api)["proposal"]
    for api in (own_api, other_own_api):
        assert api.get(f"{PROPOSALS}{proposal_id}/").json()["can_decide"] is False
        for verb in ("review", "approve", "reject"):
            response = decide(api, proposal_id, verb)
            assert response.status_code == 403, (verb, response.content)
            assert response.json()["detail"].startswith("Four-eyes: you made this proposal"), verb
    assert Proposal.objects.get(pk=proposal_id).state == ProposalState.OPEN
    assert not AuditEvent.objects.filter(action__in=[AuditAction.REVIEW_STARTED, AuditAction.DESIGNATED,
                                                     AuditAction.REJECTED]).exists()


def test_an_analysts_client_may_propose_but_not_decide(desk, make_user, curator):
    _, colleague_api = curator(make_user("analyst", "colleague"))
    _, analyst_api = desk["analyst"]
    proposal_id = create(colleague_api)["proposal"]
    for verb in ("review", "approve", "reject"):
        response = decide(analyst_api, proposal_id, verb)
        assert response.status_code == 403
        assert "Only a user with the approver role" in response.json()["detail"]


def test_a_viewers_client_may_write_nothing(viewer, curator, desk, registry):
    _, viewer_api = curator(viewer)
    _, analyst_api = desk["analyst"]
    proposal_id = create(analyst_api)["proposal"]
    designated = registry["QDi.801"].pk
    delisting = post(analyst_api, f"{ENTITIES}{designated}/propose-delisting/", {"reason": "r"}).json()["id"]
    writes = [
        (ENTITIES, NEW),
        (f"{ENTITIES}{designated}/propose/", {"reason": "r"}),
        (f"{ENTITIES}{designated}/propose-delisting/", {"reason": "r"}),
        *((f"{PROPOSALS}{proposal_id}/{verb}/", {"reason": "r"}) for verb in ("review", "approve", "reject")),
        (f"{PROPOSALS}{delisting}/withdraw/", {"reason": "r"}),
    ]
    events = AuditEvent.objects.count()
    for url, body in writes:
        response = post(viewer_api, url, body)
        assert response.status_code == 403, (url, response.content)
        assert "role" in response.json()["detail"] or "proposer or an approver" in response.json()["detail"], url
    assert AuditEvent.objects.count() == events
    # Reading the queue is allowed: it says why the viewer may not decide.
    [first, _] = viewer_api.get(f"{PROPOSALS}?state=open").json()["results"]
    assert first["can_decide"] is False and "approver role" in first["why_not"]


@pytest.mark.parametrize(("kind", "scopes"), [("service", ("read",)), ("service", ("read", "internal")),
                                             ("service", ("read", "match", "internal")),
                                             ("partner", ("read", "match", "submit"))])
def test_a_client_without_the_curate_scope_gets_403_everywhere(make_client, approver, kind, scopes, desk):
    proposal_id = create(desk["analyst"][1])["proposal"]
    _, token = make_client(kind=kind, scopes=scopes, user=approver)
    api = bearer(token)
    entity_id = Proposal.objects.get(pk=proposal_id).entity_id
    verbs = ("review", "approve", "reject", "withdraw")
    requests = [("get", PROPOSALS), ("get", f"{PROPOSALS}{proposal_id}/"), ("post", ENTITIES),
                ("post", f"{ENTITIES}{entity_id}/propose/"), ("post", f"{ENTITIES}{entity_id}/propose-delisting/"),
                *(("post", f"{PROPOSALS}{proposal_id}/{verb}/") for verb in verbs)]
    for method, url in requests:
        response = getattr(api, method)(url, {"reason": "r"} if method == "post" else None, format="json")
        assert response.status_code == 403, (url, response.content)
        assert "'curate' scope" in response.json()["detail"], url
    assert state_of(entity_id) == State.PROPOSED


def test_a_curate_client_is_always_created_for_a_person(db):
    with pytest.raises(ClientError, match="acts for a person"):
        api_client_create(name="tool", kind="service", scopes=["read", "curate"])
    with pytest.raises(CommandError, match="acts for a person"):
        call_command("create_api_client", "tool", "--scopes", "curate")
    assert not ApiClient.objects.exists()


def test_a_curate_client_that_acts_for_no_person_is_refused(curator, approver, desk):
    proposal_id = create(desk["analyst"][1])["proposal"]
    client, api = curator(approver)
    ApiClient.objects.filter(pk=client.pk).update(user=None)  # e.g. a row written around the service
    client.refresh_from_db()
    client.save()  # drops the cached client
    for response in (api.get(PROPOSALS), post(api, ENTITIES, NEW), decide(api, proposal_id, "approve")):
        assert response.status_code == 403
        assert "acts for no person" in response.json()["detail"]
    assert Proposal.objects.get(pk=proposal_id).state == ProposalState.OPEN


def test_a_deactivated_persons_client_may_not_decide(desk, approver):
    proposal_id = create(desk["analyst"][1])["proposal"]
    approver.is_active = False
    approver.save()
    response = decide(desk["approver"][1], proposal_id, "approve")
    assert response.status_code == 403 and "approver role" in response.json()["detail"]


# --- Bodies and states ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_every_verb_needs_a_reason(desk, registry, reason):
    _, analyst_api = desk["analyst"]
    _, approver_api = desk["approver"]
    proposal_id = create(analyst_api)["proposal"]
    delisting = post(analyst_api, f"{ENTITIES}{registry['QDi.801'].pk}/propose-delisting/", {"reason": "r"}).json()
    body = {} if reason is None else {"reason": reason}
    requests = [
        (analyst_api, ENTITIES, {key: value for key, value in {**NEW, **body}.items() if key != "reason" or body}),
        (analyst_api, f"{ENTITIES}{registry['QDe.801'].pk}/propose-delisting/", body),
        (analyst_api, f"{ENTITIES}{registry['QDe.801'].pk}/propose/", body),
        *((approver_api, f"{PROPOSALS}{proposal_id}/{verb}/", body) for verb in ("review", "approve", "reject")),
        (approver_api, f"{PROPOSALS}{delisting['id']}/withdraw/", body),
    ]
    events = AuditEvent.objects.count()
    for api, url, data in requests:
        response = post(api, url, data)
        assert response.status_code == 400, (url, response.content)
        assert response.json() == {"reason": ["Give a reason; it is kept in the entity's audit timeline."]}, url
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"kind": "vessel"}, "kind", "is not a valid choice"),
        ({"caption": "   "}, "caption", "may not be blank"),
        ({"caption": None}, "caption", "may not be null"),
        ({"category": "bad"}, "category", "is not a valid choice"),
        ({"tier": 7}, "tier", "is not a valid choice"),
        ({"state": "designated"}, "state", "Unknown field. Known: kind, caption, category, tier"),
        ({"reasons": "typo"}, "reasons", "Unknown field."),
    ],
)
def test_a_bad_entity_body_is_a_400_naming_the_field(desk, changes, field, message):
    response = post(desk["analyst"][1], ENTITIES, {**NEW, **changes})
    assert response.status_code == 400, response.content
    assert message in response.json()[field][0]
    assert not Entity.objects.exists()


def test_a_body_that_is_not_an_object_is_a_400(desk):
    for body in (["reason"], "reason"):
        response = desk["analyst"][1].post(ENTITIES, body, format="json")
        assert response.status_code == 400
        assert "Expected a dictionary" in response.json()["non_field_errors"][0]
    response = desk["analyst"][1].post(ENTITIES, "{not json", content_type="application/json")
    assert response.status_code == 400 and "JSON parse error" in response.json()["detail"]


def test_the_wrong_state_is_a_409_with_the_services_message(desk, registry):
    _, analyst_api = desk["analyst"]
    _, approver_api = desk["approver"]
    created = create(analyst_api)
    entity_id, proposal_id = created["id"], created["proposal"]
    designated = registry["QDi.801"].pk
    conflicts = [
        (analyst_api, f"{ENTITIES}{entity_id}/propose-delisting/", "only a designated entity can be proposed"),
        (analyst_api, f"{ENTITIES}{entity_id}/propose/", "is proposed: it cannot become proposed"),
        (analyst_api, f"{ENTITIES}{designated}/propose/", "designated: it cannot become proposed"),
        (approver_api, f"{PROPOSALS}{proposal_id}/withdraw/", "Only an open delisting proposal can be withdrawn"),
    ]
    for api, url, message in conflicts:
        response = post(api, url, {"reason": "r"})
        assert response.status_code == 409, (url, response.content)
        assert message in response.json()["detail"], url
    assert decide(approver_api, proposal_id, "review").status_code == 200
    response = decide(approver_api, proposal_id, "review")
    assert response.status_code == 409 and "reviewing this proposal already" in response.json()["detail"]
    assert decide(approver_api, proposal_id, "approve").status_code == 200
    for verb in ("approve", "reject"):
        response = decide(approver_api, proposal_id, verb)
        assert response.status_code == 409
        assert response.json()["detail"] == "This proposal is approved already."
    assert state_of(entity_id) == State.DESIGNATED


def test_unknown_entities_and_proposals_are_404(desk):
    _, approver_api = desk["approver"]
    assert post(approver_api, f"{ENTITIES}00000000-0000-0000-0000-000000000000/propose/",
                {"reason": "r"}).status_code == 404
    assert approver_api.get(f"{PROPOSALS}999999/").status_code == 404
    assert decide(approver_api, 999999, "approve").status_code == 404
    assert approver_api.get(f"{PROPOSALS}abc/").status_code == 404


# --- The review queue -----------------------------------------------------------------------------------------


def test_the_queue_lists_proposals_oldest_first_with_filters(desk, registry):
    _, analyst_api = desk["analyst"]
    _, approver_api = desk["approver"]
    first = create(analyst_api, caption="First Front")["proposal"]
    second = create(analyst_api, caption="Second Front")["proposal"]
    delisting = post(analyst_api, f"{ENTITIES}{registry['QDi.801'].pk}/propose-delisting/",
                     {"reason": "Died in 2025."}).json()["id"]
    decide(approver_api, first, "reject", "Satire.")

    def ids(query=""):
        return [row["id"] for row in approver_api.get(f"{PROPOSALS}?{query}").json()["results"]]

    assert ids() == [first, second, delisting]
    assert ids("state=open") == [second, delisting]
    assert ids("state=rejected") == [first]
    assert ids("state=approved") == ids("state=withdrawn") == []
    assert ids("kind=delist") == [delisting]
    assert ids("state=open&kind=designate") == [second]
    results, pages = walk(approver_api, f"{PROPOSALS}?page_size=1")
    assert [row["id"] for row in results] == [first, second, delisting] and len(pages) == 3

    [row] = approver_api.get(f"{PROPOSALS}?kind=delist").json()["results"]
    assert row["reason"] == "Died in 2025." and row["proposer_kind"] == "analyst"
    assert row["entity"]["caption"] == registry["QDi.801"].caption
    assert row["entity"]["state"] == State.DESIGNATED and row["decided_at"] is None
    assert row["can_decide"] is True


@pytest.mark.parametrize(
    ("query", "field"),
    [("state=closed", "state"), ("kind=merge", "kind"), ("page_size=0", "page_size"), ("cursor=nonsense", "cursor"),
     ("status=open", "status"), ("ordering=-created_at", "ordering")],
)
def test_bad_queue_parameters_are_400_naming_them(desk, query, field):
    response = desk["approver"][1].get(f"{PROPOSALS}?{query}")
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_query_parameters_of_a_verb_are_refused(desk):
    response = desk["analyst"][1].post(f"{ENTITIES}?dry_run=1", NEW, format="json")
    assert response.status_code == 400 and "dry_run" in response.json()
    assert not Entity.objects.exists()


def test_the_queue_costs_the_same_queries_for_one_proposal_or_many(desk):
    _, analyst_api = desk["analyst"]
    _, approver_api = desk["approver"]
    create(analyst_api, caption="Front 0")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert approver_api.get(PROPOSALS).status_code == 200
        return len(captured)

    approver_api.get(PROPOSALS)  # the client's first request reads it and stamps last_used_at
    one = queries()
    for number in range(1, 6):
        create(analyst_api, caption=f"Front {number}")
    assert queries() == one


# --- Access ---------------------------------------------------------------------------------------------------


def test_no_token_or_a_bad_one_is_401(desk):
    proposal_id = create(desk["analyst"][1])["proposal"]
    for client in (APIClient(), bearer("der_not-a-token")):
        client.raise_request_exception = False
        for response in (client.get(PROPOSALS), client.post(ENTITIES, NEW, format="json"),
                         client.post(f"{PROPOSALS}{proposal_id}/approve/", {"reason": "r"}, format="json")):
            assert response.status_code == 401
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert Proposal.objects.get(pk=proposal_id).state == ProposalState.OPEN


def test_curation_counts_against_the_clients_rate_limit(settings, make_client, analyst):
    settings.API_RATE_LIMITS = {"service": "3/hour"}
    start_of_window(3600)
    _, token = make_client(scopes=("curate",), user=analyst)
    api = bearer(token)
    assert api.get(PROPOSALS).status_code == 200
    assert post(api, ENTITIES, NEW).status_code == 201
    assert api.get(PROPOSALS).status_code == 200
    response = post(api, ENTITIES, {**NEW, "caption": "Another"})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) >= 1
    assert Entity.objects.count() == 1
