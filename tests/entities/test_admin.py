"""
The entity pages of the admin, through Django's test client with real users in each role: search and filters,
the page itself, proposing an entity, the policy form, analysts' names and evidence, and the timeline.
"""

import pytest
from django.urls import reverse

from entities import services
from entities.choices import DesignationState, EntityCategory, ProposalKind, ProposalState
from entities.models import AuditEvent, Entity, Evidence, Name, Proposal
from importers.models import ImportRun
from tests.entities.admin_pages import (
    add_inline_row,
    entity_url,
    form_data,
    html,
    inline_prefix,
    messages_of,
    propose,
    text_of,
    texts,
)
from tests.helpers import actor


def changelist(client, **params):
    return client.get(reverse("admin:entities_entity_changelist"), params)


@pytest.fixture
def as_analyst(client, analyst):
    client.force_login(analyst)
    client.user = analyst
    return client


@pytest.mark.parametrize(
    ("query", "expected"),
    [("QDi.900", ["AMIR EXAMPLE"]), ("abu sample", ["AMIR EXAMPLE"]), ("front", ["EXAMPLE FRONT"]),
     ("example", ["AMIR EXAMPLE", "EXAMPLE FRONT"])],
)
def test_search_covers_names_aliases_and_reference_numbers(imported, as_analyst, query, expected):
    response = changelist(as_analyst, q=query)
    assert response.status_code == 200
    assert [entity.caption for entity in response.context["cl"].result_list] == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [({"kind__exact": "organisation"}, ["EXAMPLE FRONT"]), ({"regime": "Al-Qaida"}, ["AMIR EXAMPLE"]),
     ({"nationality": "AF"}, ["AMIR EXAMPLE"]), ({"category__exact": "vei"}, ["AMIR EXAMPLE"]),
     ({"state__exact": "delisted"}, []), ({"state__exact": "designated"}, ["AMIR EXAMPLE", "EXAMPLE FRONT"])],
)
def test_filters(imported, as_analyst, params, expected):
    response = changelist(as_analyst, **params)
    assert [entity.caption for entity in response.context["cl"].result_list] == expected


def test_changelist_queries_do_not_grow_with_rows(imported, as_analyst, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert changelist(as_analyst).status_code == 200


def test_entity_page_shows_source_facts_read_only(imported, as_analyst):
    response = as_analyst.get(entity_url(imported["person"]))
    form = response.context["adminform"].form
    assert set(form.fields) == {"category", "tier", "first_listed", "analyst_notes", "change_reason"}
    assert b"Abu Sample" in response.content and b"QDi.900" in response.content


def test_lists_and_dates_from_sources_read_as_text_not_json(as_analyst, import_un, fixture_path):
    import_un(fixture_path("api/v1.xml"))
    entity = Entity.objects.get(listings__reference_number="QDi.801")

    response = as_analyst.get(entity_url(entity))

    assert texts(response, '//*[contains(@class, "field-titles_shown")]//*[@class="readonly"]') == ["Sheikh"]
    assert texts(response, '//*[contains(@class, "field-positions_shown")]//*[@class="readonly"]') == [
        "Emir of the Probandi Brigade"]
    assert texts(response, '//td[contains(@class, "field-last_updated_shown")]') == ["3 Feb 2015"]
    assert '["' not in text_of(response, "content")


# --- Proposing a new entity ----------------------------------------------------------------------------------


def test_an_analyst_proposes_a_new_entity_from_add(imported, as_analyst):
    url = reverse("admin:entities_entity_add")
    page = as_analyst.get(url)
    assert "Propose an entity" in text_of(page, "content")
    data = {"caption": "  New   Front of Example ", "kind": "organisation", "category": "veo", "tier": "",
            "analyst_notes": "Seen in three channels", "reason": "Claims attacks on the platform"}

    response = as_analyst.post(url, data, follow=True)

    entity = Entity.objects.get(caption="New Front of Example")
    assert response.redirect_chain == [(entity_url(entity), 302)]
    assert (entity.state, entity.category, entity.analyst_notes) == (
        DesignationState.PROPOSED, "veo", "Seen in three channels")
    proposal = entity.proposals.get()
    assert (proposal.kind, proposal.proposed_by, proposal.reason) == (
        ProposalKind.DESIGNATE, as_analyst.user, "Claims attacks on the platform")
    assert "waits in the review queue" in messages_of(response)[0]
    assert [row["action"] for row in response.context["timeline"]] == ["Designation proposed", "Created"]


def test_proposing_a_new_entity_needs_a_reason(imported, as_analyst):
    data = {"caption": "New Front of Example", "kind": "organisation", "category": "veo", "reason": "  "}

    response = as_analyst.post(reverse("admin:entities_entity_add"), data)

    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert not Entity.objects.filter(caption="New Front of Example").exists()


def test_a_viewer_cannot_propose_a_new_entity(imported, client, viewer):
    client.force_login(viewer)
    url = reverse("admin:entities_entity_add")
    assert client.get(url).status_code == 403
    data = {"caption": "New Front of Example", "kind": "organisation", "category": "veo", "reason": "No"}
    assert client.post(url, data).status_code == 403
    assert not Entity.objects.filter(caption="New Front of Example").exists()
    assert "Add entity" not in changelist(client).content.decode()


# --- The designation panel -----------------------------------------------------------------------------------


def test_an_analyst_proposes_delisting_from_the_entity_page(imported, as_analyst):
    entity = imported["person"]
    assert "Propose delisting it" in text_of(as_analyst.get(entity_url(entity)), "designation")

    url = reverse("admin:entities_entity_propose", args=[entity.pk])
    response = as_analyst.post(url, {"kind": ProposalKind.DELIST, "reason": "Died in 2020"}, follow=True)

    proposal = entity.proposals.get()
    assert (proposal.kind, proposal.state, proposal.reason) == (ProposalKind.DELIST, ProposalState.OPEN,
                                                               "Died in 2020")
    panel = text_of(response, "designation")
    assert "Open delisting proposal by analyst (analyst)" in panel and "Died in 2020" in panel
    assert "Only a user with the approver role can decide this proposal" in panel


def test_an_approver_gets_a_link_to_decide_anothers_proposal(imported, client, analyst, approver):
    proposal = services.entity_propose_delisting(entity=imported["person"], actor=actor(analyst), reason="Died")
    client.force_login(approver)

    page = client.get(entity_url(imported["person"]))

    assert html(page).xpath('//*[@id="designation"]//a[text()="Decide it in the review queue"]/@href') == [
        f"{reverse('admin:entities_proposal_changelist')}?proposal={proposal.pk}"]


def test_proposing_from_the_entity_page_needs_a_reason(imported, as_analyst):
    url = reverse("admin:entities_entity_propose", args=[imported["person"].pk])
    response = as_analyst.post(url, {"kind": ProposalKind.DELIST, "reason": ""}, follow=True)
    assert messages_of(response) == ["Give a reason for the proposal."]
    assert not Proposal.objects.exists()


# --- What a viewer may not do -----------------------------------------------------------------------------------


def test_a_viewer_sees_the_entity_page_without_anything_to_change(imported, client, viewer):
    client.force_login(viewer)
    page = client.get(entity_url(imported["person"]))
    assert page.status_code == 200
    assert html(page).xpath('//form[@id="entity_form"]//select | //form[@id="entity_form"]//textarea') == []
    assert html(page).xpath('//*[@id="designation"]//form') == []
    assert "Propose delisting it: Proposing needs the analyst role." in text_of(page, "designation")


@pytest.mark.parametrize("change", ["policy", "name", "evidence"])
def test_a_viewer_cannot_change_the_entity_by_posting(imported, as_analyst, client, viewer, change):
    entity = imported["person"]
    page = as_analyst.get(entity_url(entity))
    data = form_data(page, "entity_form")
    if change == "policy":
        data.update(category=EntityCategory.OTHER_DESIGNATED_ENTITY, change_reason="I should not")
    elif change == "name":
        add_inline_row(data, inline_prefix(page, "AnalystNameInline"), name_type="alias", full_name="@viewer")
    else:
        add_inline_row(data, inline_prefix(page, "EvidenceInline"), **EVIDENCE)
    before = (Entity.objects.get(pk=entity.pk).category, Name.objects.count(), Evidence.objects.count(),
              AuditEvent.objects.count())
    client.force_login(viewer)

    assert client.post(entity_url(entity), data).status_code == 403

    assert (Entity.objects.get(pk=entity.pk).category, Name.objects.count(), Evidence.objects.count(),
            AuditEvent.objects.count()) == before


@pytest.mark.parametrize("kind", [ProposalKind.DELIST, ProposalKind.DESIGNATE])
def test_a_viewer_cannot_propose_by_posting(imported, client, viewer, kind):
    client.force_login(viewer)
    url = reverse("admin:entities_entity_propose", args=[imported["person"].pk])

    response = client.post(url, {"kind": kind, "reason": "I should not"})

    assert response.status_code == 403
    assert not Proposal.objects.exists()


# --- The policy form, names and evidence ------------------------------------------------------------------------


def test_policy_change_in_admin_requires_a_reason_and_is_audited(imported, as_analyst):
    entity = imported["person"]
    url = entity_url(entity)
    data = form_data(as_analyst.get(url), "entity_form")
    data.update(category=EntityCategory.OTHER_DESIGNATED_ENTITY, change_reason="")

    refused = as_analyst.post(url, data)
    assert refused.status_code == 200 and "change_reason" in refused.context["adminform"].form.errors
    entity.refresh_from_db()
    assert entity.category == EntityCategory.VIOLENT_EXTREMIST_INDIVIDUAL

    data["change_reason"] = "Not an extremist: financial facilitator only"
    assert as_analyst.post(url, data).status_code == 302
    entity.refresh_from_db()
    assert entity.category == EntityCategory.OTHER_DESIGNATED_ENTITY
    latest = entity.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (as_analyst.user, data["change_reason"])


def test_analyst_can_add_a_name_in_the_admin(imported, as_analyst):
    entity = imported["person"]
    page = as_analyst.get(entity_url(entity))
    data = form_data(page, "entity_form")
    add_inline_row(data, inline_prefix(page, "AnalystNameInline"), name_type="alias", full_name="@amir_example",
                   note="handle seen on platform")

    assert as_analyst.post(entity_url(entity), data).status_code == 302

    name = Name.objects.get(full_name="@amir_example")
    assert name.entity == entity and name.source_record is None
    assert name.history.latest().history_user == as_analyst.user


EVIDENCE = {"title": "Recruitment video", "captured_at": "2026-11-01", "url": "https://example.org/video",
            "summary": "Calls to violence", "on_platform": "on"}


def test_evidence_added_in_the_inline_records_who_added_it_and_shows_in_the_timeline(imported, as_analyst):
    entity = imported["person"]
    page = as_analyst.get(entity_url(entity))
    data = form_data(page, "entity_form")
    add_inline_row(data, inline_prefix(page, "EvidenceInline"), **EVIDENCE)

    assert as_analyst.post(entity_url(entity), data).status_code == 302

    evidence = Evidence.objects.get()
    assert (evidence.entity, evidence.added_by) == (entity, as_analyst.user)
    page = as_analyst.get(entity_url(entity))
    assert f"{evidence.added_at:%Y-%m-%d %H:%M} by analyst" in text_of(page, "evidence-0")
    assert timeline_rows(page)[0] == [
        "Updated internal", "analyst analyst", "Evidence saved",
        "evidence added: Recruitment video (https://example.org/video), on the platform, captured 2026-11-01: "
        "Calls to violence"]


def test_the_timeline_shows_newest_first_with_readable_changes(imported, client, analyst, approver):
    entity = imported["organisation"]
    services.entity_update_policy(entity=entity, actor=actor(analyst), reason="Front for a VEO",
                                  category=EntityCategory.VIOLENT_EXTREMIST_ORGANISATION, tier=1)
    proposal = services.entity_propose_delisting(entity=entity, actor=actor(analyst), reason="Dissolved in 2024")
    services.proposal_approve(proposal=proposal, actor=actor(approver), reason="Dissolution confirmed")
    client.force_login(analyst)

    rows = timeline_rows(client.get(entity_url(entity)))

    assert [row[:3] for row in rows] == [
        ["Delisted", "approver approver", "Dissolution confirmed"],
        ["Delisting proposed internal", "analyst analyst", "Dissolved in 2024"],
        ["Updated", "analyst analyst", "Front for a VEO"],
        ["Created", "importer:un-sc", f"Import run {ImportRun.objects.get().pk} of un-sc"],
    ]
    assert rows[0][3].startswith("state: Designated → Delisted; delisted on: — → ")
    assert rows[2][3] == ("category: Other designated entity → Violent extremist organisation; "
                          "tier: — → Tier 1: organises or commits serious offline violence")


def test_a_new_entitys_timeline_reads_as_sentences(client, analyst):
    proposal = propose(analyst, reason="Claims attacks on the platform")
    client.force_login(analyst)

    rows = timeline_rows(client.get(entity_url(proposal.entity)))

    assert rows[-1] == [
        "Created internal", "analyst analyst", "Claims attacks on the platform",
        "kind: Organisation; name: New Front of Example; category: Violent extremist organisation; "
        "state: Proposed; name added: New Front of Example (Primary name, public)"]


def test_deleting_an_analyst_name_or_evidence_keeps_it_in_the_timeline_and_history(imported, as_analyst):
    entity = imported["person"]
    name = services.name_save(name=Name(entity=entity, name_type="alias", full_name="@amir_example"),
                              actor=actor(as_analyst.user))
    evidence = services.evidence_save(
        evidence=Evidence(entity=entity, **{**EVIDENCE, "on_platform": True}), actor=actor(as_analyst.user))
    page = as_analyst.get(entity_url(entity))
    data = form_data(page, "entity_form")
    data[f"{inline_prefix(page, 'AnalystNameInline')}-0-DELETE"] = "on"
    data[f"{inline_prefix(page, 'EvidenceInline')}-0-DELETE"] = "on"
    data["change_reason"] = "Wrong account; video taken down"

    assert as_analyst.post(entity_url(entity), data).status_code == 302

    assert not Name.objects.filter(pk=name.pk).exists() and not Evidence.objects.filter(pk=evidence.pk).exists()
    assert Name.history.filter(id=name.pk, history_type="-").get().history_user == as_analyst.user
    assert Evidence.history.filter(id=evidence.pk, history_type="-").get().history_change_reason == (
        "Wrong account; video taken down")
    changes = [row[3] for row in timeline_rows(as_analyst.get(entity_url(entity)))[:2]]
    assert sorted(changes) == [
        "evidence removed: Recruitment video (https://example.org/video), on the platform, captured 2026-11-01: "
        "Calls to violence",
        "name removed: @amir_example (Alias (strong))",
    ]


def test_source_names_cannot_be_edited_or_deleted(imported, as_analyst):
    page = as_analyst.get(entity_url(imported["person"]))
    data = form_data(page, "entity_form")
    source_names = inline_prefix(page, "SourceNameInline")
    assert not any(key.startswith(f"{source_names}-0-") and key.endswith(("full_name", "DELETE")) for key in data)


def test_the_import_runs_and_sources_are_listed(imported, as_analyst):
    runs = as_analyst.get(reverse("admin:importers_importrun_changelist"))
    assert runs.status_code == 200 and len(runs.context["cl"].result_list) == 1
    sources = as_analyst.get(reverse("admin:entities_source_changelist"))
    assert sources.status_code == 200 and b"un-sc" in sources.content


def timeline_rows(response) -> list[list[str]]:
    """The timeline's rows: [what, who, why, changes (joined with '; ')], newest first."""
    rows = []
    for row in html(response).xpath('//*[@id="timeline"]//tbody/tr'):
        cells = row.xpath("./td")
        changes = "; ".join(" ".join(item.text_content().split()) for item in cells[4].xpath(".//li"))
        rows.append([" ".join(" ".join(cell.itertext()).split()) for cell in cells[1:4]] + [changes])
    return rows


def test_a_relationship_reads_by_the_entities_names_in_both_timelines(imported, client, analyst):
    person, organisation = imported["person"], imported["organisation"]
    relationship = services.relationship_add(subject=person, kind="leader_of", object=organisation,
                                             actor=actor(analyst), reason="Named as its leader in court papers")
    services.relationship_dismiss(relationship=relationship, actor=actor(analyst), reason="Wrong person")
    client.force_login(analyst)

    for entity in (person, organisation):
        changes = [row[3] for row in timeline_rows(client.get(entity_url(entity)))[:2]]
        assert changes == [
            "relationship changed: AMIR EXAMPLE leader of EXAMPLE FRONT: state Confirmed → Dismissed",
            "relationship added: AMIR EXAMPLE leader of EXAMPLE FRONT (Confirmed)",
        ]
