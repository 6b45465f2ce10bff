"""An entity's audit timeline as analysts read it: newest first, each change a few readable lines."""

from entities.choices import AuditAction
from entities.models import AuditEvent

FIELD_LABELS = {"state": "state", "delisted_at": "delisted on", "first_designated_at": "first designated on",
                "analyst_notes": "notes", "category": "category", "tier": "tier", "first_listed": "first listed"}


def timeline(entity_id, *, limit: int = 50) -> list[dict]:
    """The entity's last ``limit`` events, newest first, as dicts for the admin's templates."""
    events = (AuditEvent.objects.filter(entity_id=entity_id).select_related("actor_user", "actor_client")
              .order_by("-id")[:limit])
    return [
        {
            "id": event.pk, "occurred_at": event.occurred_at, "action": AuditAction(event.action).label,
            "actor_kind": event.actor_kind, "actor": event.actor_user or event.actor_client or "",
            "reason": event.reason, "public": event.public, "lines": [describe(change) for change in event.changes],
        }
        for event in events
    ]


def describe(change: dict) -> str:
    """One change as a line: "category: other → veo", "name added: @handle (alias)", "evidence removed: …"."""
    if "field" in change:
        label = FIELD_LABELS.get(change["field"], change["field"].replace("_", " "))
        return f"{label}: {show(change['before'])} → {show(change['after'])}"
    item = change["item"].replace("identitydocument", "identity document").replace("birthdate", "birth date")
    item = item.replace("birthplace", "birth place")
    if change["op"] == "changed":
        before, after = change["before"] or {}, change["after"] or {}
        differences = [f"{key} {show(before.get(key))} → {show(value)}" for key, value in after.items()
                       if before.get(key) != value]
        return f"{item} changed: {'; '.join(differences) or 'no visible difference'}"
    values = change["after"] if change["op"] == "added" else change["before"]
    return f"{item} {change['op']}: {summary(values)}"


def summary(values) -> str:
    if not isinstance(values, dict):
        return show(values)
    if "text" in values:
        return values["text"]
    shown = [show(value) for key, value in values.items() if key != "public" and value not in ("", None)]
    text = ", ".join(shown)
    return f"{text} (public)" if values.get("public") else text


def show(value) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
