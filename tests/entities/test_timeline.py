"""What external clients read of an audit event's changes (entities.timeline.public_changes)."""

from entities.timeline import public_changes


def test_internal_fields_and_items_are_left_out():
    changes = [
        {"field": "analyst_notes", "before": "", "after": "watch", "public": False},
        {"field": "category", "before": "other", "after": "veo", "public": True},
        {"item": "name", "id": 3, "op": "added", "before": None, "after": {"full_name": "@x"}, "public": False},
    ]
    assert public_changes(changes) == [{"field": "category", "before": "other", "after": "veo"}]


def test_a_public_items_note_and_basis_stay_internal():
    name = {"item": "name", "id": 3, "op": "changed", "public": True,
            "before": {"full_name": "Abu X", "note": "seen on a channel", "public": False},
            "after": {"full_name": "Abu X", "note": "seen on a channel", "public": True}}
    relationship = {"item": "relationship", "id": 4, "op": "added", "before": None, "public": True,
                    "after": {"kind": "leader_of", "state": "confirmed", "basis": "an analyst's reason"}}
    shown = public_changes([name, relationship])
    assert shown[0]["after"] == {"full_name": "Abu X", "public": True}
    assert shown[1]["after"] == {"kind": "leader_of", "state": "confirmed"}
    assert "seen on a channel" not in str(shown) and "reason" not in str(shown)


def test_the_state_reads_as_external_clients_see_it():
    first = [{"field": "state", "before": "under_review", "after": "designated", "public": True},
             {"field": "first_designated_at", "before": None, "after": "2026-01-01T00:00:00Z", "public": False}]
    assert public_changes(first) == [{"field": "state", "before": None, "after": "designated"}]
    again = [{"field": "state", "before": "proposed", "after": "designated", "public": True}]
    assert public_changes(again) == [{"field": "state", "before": "delisted", "after": "designated"}]
