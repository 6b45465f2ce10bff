"""
Reading the audit log for a caller: an entity's timeline (newest first) and the change feed (oldest first).

What a caller reads depends on its audience. The platform's own services read every event with the reason
as written; external clients (researchers, partners) read only the events that change what they can see,
with a fixed reason per kind of event, only the fields and items they may see, and only the details that
came from sources. Nobody reads who the actor was through the API: only its kind.
"""

import base64
import binascii

from rest_framework.exceptions import ValidationError

from entities.choices import PUBLIC_REASONS, Audience, RelationshipState
from entities.models import AuditEvent
from entities.selectors import public_state

HISTORY_MAX = 500
PUBLIC_DETAILS = ("source_key",)
# What an item's snapshot may hold of an analyst's own words, even when the item is public: a name's note, the
# basis (reason) of a relationship.
INTERNAL_ITEM_KEYS = {"note", "basis"}
EVENT_FIELDS = ("id", "entity_id", "action", "occurred_at", "actor_kind", "reason", "public", "changes", "details")


def encode_cursor(event_id: int) -> str:
    return base64.urlsafe_b64encode(f"c1:{event_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *, parameter: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, number = text.partition(":")
        if prefix == "c1" and number.isdigit():
            return int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise ValidationError({parameter: ["The cursor is not valid: pass a `cursor` or `next` value exactly as given."]})


def visible_events(audience: str):
    events = AuditEvent.objects.all()
    return events.filter(public=True) if audience == Audience.PUBLIC else events


def present(row: dict, *, audience: str) -> dict:
    """One event (``values(*EVENT_FIELDS)``) as ``audience`` may read it."""
    if audience == Audience.PUBLIC:
        return {
            "action": row["action"], "occurred_at": row["occurred_at"], "actor": row["actor_kind"],
            "reason": PUBLIC_REASONS[row["action"]],
            "changes": public_changes(row["changes"]),
            "details": {key: row["details"][key] for key in PUBLIC_DETAILS if key in row["details"]},
        }
    return {
        "action": row["action"], "occurred_at": row["occurred_at"], "actor": row["actor_kind"],
        "reason": row["reason"], "public": row["public"], "changes": row["changes"], "details": row["details"],
    }


def timeline_page(entity_id, *, audience: str, before: str | None, limit: int) -> tuple[list[dict], str | None]:
    """An entity's events for ``audience``, newest first, up to ``limit`` before the cursor; and the next cursor."""
    events = visible_events(audience).filter(entity_id=entity_id)
    if before:
        events = events.filter(id__lt=decode_cursor(before, parameter="before"))
    rows = list(events.order_by("-id").values(*EVENT_FIELDS)[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    results = [{"cursor": encode_cursor(row["id"]), **present(row, audience=audience)} for row in rows]
    return results, encode_cursor(rows[-1]["id"]) if more else None


def public_changes(changes: list[dict]) -> list[dict]:
    """
    The changes an external client may read: public fields and items only, and the state as it sees it
    (designated, or delisted), with no state before an entity's first designation, when it could not see it.
    """
    first_designation = any(change.get("field") == "first_designated_at" and change["before"] is None
                            for change in changes)
    shown = []
    for change in changes:
        if not change.get("public"):
            continue
        change = {key: value for key, value in change.items() if key != "public"}
        if "item" in change:
            change = public_item_change(change)
        elif change.get("field") == "state":
            change["before"] = None if first_designation else public_state(change["before"])
            change["after"] = public_state(change["after"])
        shown.append(change)
    return shown


def public_item_change(change: dict) -> dict:
    """
    An item's change as an external client saw it: a version it could not see is none at all, so an item
    made public was *added*, one made internal again *removed*; and never what analysts keep to themselves.
    """
    before, after = (side if side_is_public(change["item"], side) else None
                     for side in (change["before"], change["after"]))

    def shown(side):
        if not isinstance(side, dict):
            return side
        return {key: value for key, value in side.items() if key not in INTERNAL_ITEM_KEYS}

    operation = "added" if before is None else "removed" if after is None else "changed"
    return {**change, "op": operation, "before": shown(before), "after": shown(after)}


def side_is_public(item: str, side) -> bool:
    """Whether one version of an item was public: marked so by an analyst, a confirmed relationship, a source's."""
    if side is None:
        return False
    if not isinstance(side, dict):
        return True  # a source's fact, written as text
    if item == "relationship":
        return side.get("state") == RelationshipState.CONFIRMED
    return side.get("public", True)  # items without the flag come from sources
