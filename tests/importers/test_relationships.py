"""Candidate relationships derived at import from what a record's narrative cites of the source's other listings."""

import pytest
from django.db.models import F

from entities import services
from entities.audit import Actor
from entities.choices import Audience, AuditAction, RelationshipKind, RelationshipState
from entities.models import AuditEvent, Entity, Relationship
from entities.selectors import ENTITY_FIELDS, documents_for
from entities.services.relationships import relationship_candidates
from tests.helpers import actor

LIST = """<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00.000Z">
  <INDIVIDUALS>
    <INDIVIDUAL>
      <DATAID>100</DATAID><VERSIONNUM>1</VERSIONNUM>
      <FIRST_NAME>AMIR</FIRST_NAME><SECOND_NAME>EXAMPLE</SECOND_NAME>
      <UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE><REFERENCE_NUMBER>QDi.900</REFERENCE_NUMBER>
      <LISTED_ON>2010-01-01</LISTED_ON>
      <COMMENTS1>{narrative}</COMMENTS1>
      <LIST_TYPE><VALUE>UN List</VALUE></LIST_TYPE>
    </INDIVIDUAL>
  </INDIVIDUALS>
  <ENTITIES>
    <ENTITY>
      <DATAID>200</DATAID><VERSIONNUM>1</VERSIONNUM>
      <FIRST_NAME>EXAMPLE FRONT</FIRST_NAME>
      <UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE><REFERENCE_NUMBER>QDe.900</REFERENCE_NUMBER>
      <LISTED_ON>2010-01-01</LISTED_ON>
      <LIST_TYPE><VALUE>UN List</VALUE></LIST_TYPE>
    </ENTITY>
  </ENTITIES>
</CONSOLIDATED_LIST>
"""
LEADER = "Leader of Example Front (QDe.900) since 2009."


@pytest.fixture
def write_list(tmp_path):
    path = tmp_path / "list.xml"

    def write(narrative: str):
        path.write_text(LIST.format(narrative=narrative), encoding="utf-8")
        return path

    return write


def entity(reference: str) -> Entity:
    return Entity.objects.get(listings__reference_number=reference)


def document(entity, audience) -> dict:
    return documents_for(list(Entity.objects.filter(pk=entity.pk).values(*ENTITY_FIELDS)), audience=audience)[0]


def test_a_cited_listing_becomes_a_candidate_with_the_sentence_as_its_basis(db, import_un, write_list):
    import_un(write_list(LEADER))
    [candidate] = Relationship.objects.all()
    person, front = entity("QDi.900"), entity("QDe.900")
    assert (candidate.subject, candidate.kind, candidate.object, candidate.state) == (
        person, RelationshipKind.LEADER_OF, front, RelationshipState.CANDIDATE)
    assert candidate.source_record == person.source_records.get() and candidate.basis == LEADER
    created = AuditEvent.objects.get(entity=person, action=AuditAction.CREATED)
    [change] = [change for change in created.changes if change.get("item") == "relationship"]
    assert (change["op"], change["public"], change["after"]["kind"]) == ("added", False, "leader_of")
    # A candidate is for analysts: it is in no document until confirmed.
    assert document(person, Audience.PUBLIC)["relationships"] == []
    assert document(person, Audience.INTERNAL)["relationships"] == []


def test_a_confirmed_candidate_shows_from_both_ends(db, import_un, write_list, analyst):
    import_un(write_list(LEADER))
    candidate = Relationship.objects.get()
    services.relationship_confirm(relationship=candidate, actor=actor(analyst), reason="The listing says so")
    person, front = entity("QDi.900"), entity("QDe.900")
    [mine] = document(person, Audience.PUBLIC)["relationships"]
    [theirs] = document(front, Audience.PUBLIC)["relationships"]
    assert (mine["kind"], mine["role"], mine["other"]["id"], mine["origin"]) == ("leader_of", "subject", front.pk,
                                                                                 "source")
    assert (theirs["role"], theirs["other"]["caption"], theirs["basis"]) == ("object", "AMIR EXAMPLE", LEADER)
    for end in (person, front):
        event = AuditEvent.objects.filter(entity=end).latest("id")
        assert (event.actor_kind, event.reason, event.public) == ("analyst", "The listing says so", True)


def test_a_pair_is_suggested_once_and_a_dismissed_one_never_again(db, import_un, write_list, analyst):
    import_un(write_list(LEADER))
    assert Relationship.objects.count() == 1
    import_un(write_list(LEADER + " Reported killed."))  # the record changed: its citations are read again
    assert Relationship.objects.count() == 1
    services.relationship_dismiss(relationship=Relationship.objects.get(), actor=actor(analyst),
                                  reason="A namesake, not this front")
    import_un(write_list("Leader of Example Front (QDe.900). Still at large."))
    [dismissed] = Relationship.objects.all()
    assert dismissed.state == RelationshipState.DISMISSED


def test_affiliated_with_reads_both_ways(db, import_un, write_list):
    import_un(write_list("Associated with Example Front (QDe.900)."))
    person, front = entity("QDi.900"), entity("QDe.900")
    mirrored = Relationship(subject=front, kind=RelationshipKind.AFFILIATED_WITH, object=person,
                            state=RelationshipState.CANDIDATE)
    assert relationship_candidates([mirrored], actor=Actor.of_importer("un-sc"), reason="test") == []
    assert Relationship.objects.count() == 1


def test_a_citation_of_a_listing_not_on_the_list_is_left_out(db, import_un, write_list):
    import_un(write_list("Associated with Someone Gone (QDi.999) and Example Front (QDe.900)."))
    assert list(Relationship.objects.values_list("object__caption", flat=True)) == ["EXAMPLE FRONT"]


@pytest.mark.realdata
@pytest.mark.postgresql
def test_the_newest_un_list_gives_its_candidates(db, shared_data, import_un):
    newest = sorted((shared_data / "un").glob("un-sc-consolidated-*.xml"))[-1]
    import_un(newest)
    candidates = Relationship.objects.filter(state=RelationshipState.CANDIDATE)
    # 495 distinct (subject, kind, object) triples in the narratives (bench/narrative_relationships.py), fewer
    # once "affiliated with" counts once per pair and references to delisted listings are left out.
    assert 440 <= candidates.count() <= 495
    assert candidates.filter(kind=RelationshipKind.LEADER_OF).count() >= 60
    assert not candidates.filter(subject=F("object")).exists()
