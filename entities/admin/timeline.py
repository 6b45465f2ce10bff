"""
An entity's audit timeline as analysts read it: newest first, each change a readable line.

Audit events keep raw values (choice values, ids, ISO dates) so that the API can serve them as data; here
they become what a person reads: labels, names, dates without microseconds.
"""

from datetime import datetime

from django.utils import timezone

from entities.choices import (
    AuditAction,
    DesignationState,
    EntityCategory,
    EntityKind,
    Gender,
    ListingStatus,
    NameType,
    RelationshipKind,
    RelationshipState,
    Tier,
)
from entities.models import AuditEvent, Entity

LABELS = {"caption": "name", "delisted_at": "delisted on", "first_designated_at": "first designated on",
          "analyst_notes": "notes", "first_listed": "first listed", "name_type": "type", "full_name": "name",
          "on_platform": "on the platform", "captured_at": "captured", "start_date": "from", "end_date": "until"}
# The choices each field's values come from: of the entity, and of each kind of item.
CHOICES = {
    "entity": {"state": DesignationState, "category": EntityCategory, "tier": Tier, "kind": EntityKind,
               "gender": Gender},
    "name": {"name_type": NameType},
    "listing": {"status": ListingStatus},
    "relationship": {"kind": RelationshipKind, "state": RelationshipState},
}
ITEM_LABELS = {"identitydocument": "identity document", "birthdate": "birth date", "birthplace": "birth place"}


def timeline(entity_id, *, limit: int = 50) -> list[dict]:
    """The entity's last ``limit`` events, newest first, as dicts for the admin's templates."""
    events = list(AuditEvent.objects.filter(entity_id=entity_id).select_related("actor_user", "actor_client")
                  .order_by("-id")[:limit])
    related = {value for event in events for change in event.changes if change.get("item") == "relationship"
               for values in (change["before"], change["after"]) if values
               for value in (values.get("subject"), values.get("object"))}
    names = Entity.objects.filter(pk__in=related).values_list("pk", "caption")
    captions = {str(pk): caption for pk, caption in names}
    return [
        {
            "id": event.pk, "occurred_at": event.occurred_at, "action": AuditAction(event.action).label,
            "actor_kind": event.actor_kind, "actor": event.actor_user or event.actor_client or "",
            "reason": event.reason, "public": event.public,
            "lines": [describe(change, created=event.action == AuditAction.CREATED, captions=captions)
                      for change in event.changes],
        }
        for event in events
    ]


def describe(change: dict, *, created: bool = False, captions: dict | None = None) -> str:
    """
    One change as a line: "category: Other designated entity → Violent extremist organisation", "name added:
    @handle (Alias (strong))", "relationship changed: A leader of B: state Candidate → Confirmed". A created
    entity's fields read "kind: Person", not "kind: — → Person".
    """
    captions = captions or {}
    if "field" in change:
        field = change["field"]
        after = value_of("entity", field, change["after"])
        if created:
            return f"{label_of(field)}: {after}"
        return f"{label_of(field)}: {value_of('entity', field, change['before'])} → {after}"
    item = change["item"]
    label = ITEM_LABELS.get(item, item)
    if change["op"] == "changed":
        before, after = change["before"] or {}, change["after"] or {}
        differences = [f"{label_of(key)} {value_of(item, key, before.get(key))} → {value_of(item, key, value)}"
                       for key, value in after.items() if before.get(key) != value]
        which = f"{relationship(after, captions)}: " if item == "relationship" else ""
        return f"{label} changed: {which}{'; '.join(differences) or 'no visible difference'}"
    values = change["after"] if change["op"] == "added" else change["before"]
    return f"{label} {change['op']}: {summary(item, values, captions)}"


def label_of(field: str) -> str:
    return LABELS.get(field, field.replace("_", " "))


def value_of(item: str, field: str, value) -> str:
    """A field's value as text, by the label of its choice where it has choices."""
    return show(value, CHOICES.get(item, {}).get(field))


def summary(item: str, values, captions: dict) -> str:
    """An added or removed item in a few words."""
    if not isinstance(values, dict):
        return show(values)
    if "text" in values:  # a fact from a source, as the import wrote it
        return values["text"]
    public = ", public" if values.get("public") else ""
    if item == "name":
        note = f", note: {values['note']}" if values.get("note") else ""
        return f"{values.get('full_name')} ({show(values.get('name_type'), NameType)}{public}{note})"
    if item == "evidence":
        where = "on the platform" if values.get("on_platform") else "off the platform"
        captured = show(values.get("captured_at"))
        text = f"{values.get('title')} ({values.get('url')}), {where}, captured {captured}{public}"
        return f"{text}: {values['summary']}" if values.get("summary") else text
    if item == "relationship":
        dates = "".join(f", {LABELS[key]} {values[key]}" for key in ("start_date", "end_date") if values.get(key))
        return f"{relationship(values, captions)} ({show(values.get('state'), RelationshipState)}{dates})"
    shown = [show(value) for key, value in values.items() if key != "public" and value not in ("", None)]
    return ", ".join(shown) + public


def relationship(values: dict, captions: dict) -> str:
    """ "AMIR EXAMPLE leader of EXAMPLE FRONT": the entities by name, unknown ones by id."""
    subject, kind, object_ = (values.get(key) for key in ("subject", "kind", "object"))
    return f"{captions.get(subject, subject)} {show(kind, RelationshipKind)} {captions.get(object_, object_)}"


def show(value, choices=None) -> str:
    """A stored value as text: a choice's label, a list joined, a time to the minute, "—" for nothing."""
    if value in (None, "", []):
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(show(item) for item in value)
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    if isinstance(value, str) and len(value) > 10 and value[10:11] == "T":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        return f"{timezone.localtime(moment) if timezone.is_aware(moment) else moment:%Y-%m-%d %H:%M}"
    return str(value)
