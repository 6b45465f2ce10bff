"""
Reading and posting the admin's pages as a browser would, for the admin tests that use Django's test client.

``form_data`` collects what a browser sends for a form as rendered (every input, select and textarea with its
current value), so a test changes only the fields it is about and the inlines' management forms stay right.
"""

import lxml.html
from django.urls import reverse

from entities.services.lifecycle import entity_create
from tests.helpers import actor


def html(response):
    assert response.status_code == 200, (response.status_code, response.content[:300])
    return lxml.html.fromstring(response.content.decode())


def text_of(response, element_id: str) -> str:
    """The visible text of the element with ``element_id``, its white space collapsed ('' if there is none)."""
    found = html(response).xpath(f'//*[@id="{element_id}"]')
    return words(found[0]) if found else ""


def texts(response, xpath: str) -> list[str]:
    """The text of every element ``xpath`` finds, white space collapsed."""
    return [words(element) for element in html(response).xpath(xpath)]


def words(element) -> str:
    """An element's text as a person reads it: cells and lines apart, white space collapsed."""
    return " ".join(" ".join(element.itertext()).split())


def form_data(response, form_id: str) -> dict:
    """What submitting the form ``form_id`` as rendered would send: {name: value or [values]}."""
    [form] = html(response).xpath(f'//form[@id="{form_id}"]')
    data = {}
    for name, value in form.form_values():
        if "__prefix__" in name:  # the inlines' templates for new rows, filled in by JavaScript
            continue
        if name in data:
            data[name] = [*(data[name] if isinstance(data[name], list) else [data[name]]), value]
        else:
            data[name] = value
    return data


def inline_prefix(response, inline: str) -> str:
    """The formset prefix of the inline whose class is named ``inline`` on an admin change page."""
    for formset in response.context["inline_admin_formsets"]:
        if type(formset.opts).__name__ == inline:
            return formset.formset.prefix
    raise AssertionError(f"no {inline} on the page")


def add_inline_row(data: dict, prefix: str, **fields) -> None:
    """Add a new row to the inline ``prefix`` in ``data`` (as the admin's "Add another" does)."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data.update({f"{prefix}-{index}-{name}": value for name, value in fields.items()})


def entity_url(entity) -> str:
    return reverse("admin:entities_entity_change", args=[entity.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def propose(user, caption="New Front of Example", reason="Claims attacks on the platform", **fields):
    """A new entity proposed by ``user`` (an analyst or approver): returns the proposal."""
    fields = {"kind": "organisation", "category": "veo", **fields}
    return entity_create(actor=actor(user), caption=caption, reason=reason, **fields)
