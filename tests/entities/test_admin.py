import pytest
from django.urls import reverse

from entities.choices import EntityCategory
from entities.models import Name


@pytest.fixture
def analyst_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("analyst", "analyst@example.org", "pw")
    client.force_login(user)
    client.user = user
    return client


def changelist(client, **params):
    return client.get(reverse("admin:entities_entity_changelist"), params)


@pytest.mark.parametrize(
    ("query", "expected"),
    [("QDi.900", ["AMIR EXAMPLE"]), ("abu sample", ["AMIR EXAMPLE"]), ("front", ["EXAMPLE FRONT"]),
     ("example", ["AMIR EXAMPLE", "EXAMPLE FRONT"])],
)
def test_search_covers_names_aliases_and_reference_numbers(imported, analyst_client, query, expected):
    response = changelist(analyst_client, q=query)
    assert response.status_code == 200
    assert [entity.caption for entity in response.context["cl"].result_list] == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [({"kind__exact": "organisation"}, ["EXAMPLE FRONT"]), ({"regime": "Al-Qaida"}, ["AMIR EXAMPLE"]),
     ({"nationality": "AF"}, ["AMIR EXAMPLE"]), ({"category__exact": "vei"}, ["AMIR EXAMPLE"]),
     ({"state__exact": "delisted"}, []), ({"state__exact": "designated"}, ["AMIR EXAMPLE", "EXAMPLE FRONT"])],
)
def test_filters(imported, analyst_client, params, expected):
    response = changelist(analyst_client, **params)
    assert [entity.caption for entity in response.context["cl"].result_list] == expected


def test_changelist_queries_do_not_grow_with_rows(imported, analyst_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert changelist(analyst_client).status_code == 200


def test_entity_page_shows_source_facts_read_only(imported, analyst_client):
    entity = imported["person"]
    response = analyst_client.get(reverse("admin:entities_entity_change", args=[entity.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert set(form.fields) == {"category", "tier", "first_listed", "analyst_notes", "change_reason"}
    assert b"Abu Sample" in response.content and b"QDi.900" in response.content


def test_policy_change_in_admin_requires_a_reason_and_is_audited(imported, analyst_client):
    entity = imported["person"]
    url = reverse("admin:entities_entity_change", args=[entity.pk])
    data = {
        "category": EntityCategory.OTHER_DESIGNATED_ENTITY, "tier": "", "first_listed": "2010-01-01",
        "analyst_notes": "", "change_reason": "",
        **inline_management_data(response=analyst_client.get(url)),
    }
    refused = analyst_client.post(url, data)
    assert refused.status_code == 200 and "change_reason" in refused.context["adminform"].form.errors
    entity.refresh_from_db()
    assert entity.category == EntityCategory.VIOLENT_EXTREMIST_INDIVIDUAL

    data["change_reason"] = "Not an extremist: financial facilitator only"
    assert analyst_client.post(url, data).status_code == 302
    entity.refresh_from_db()
    assert entity.category == EntityCategory.OTHER_DESIGNATED_ENTITY
    latest = entity.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (analyst_client.user, data["change_reason"])


def test_analyst_can_add_a_name_in_the_admin(imported, analyst_client):
    entity = imported["person"]
    url = reverse("admin:entities_entity_change", args=[entity.pk])
    data = {
        "category": entity.category, "tier": "", "first_listed": "2010-01-01", "analyst_notes": "",
        "change_reason": "", **inline_management_data(response=analyst_client.get(url)),
    }
    prefix = analyst_name_prefix(analyst_client.get(url))
    data.update({f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-0-name_type": "alias",
                 f"{prefix}-0-full_name": "@amir_example", f"{prefix}-0-note": "handle seen on platform"})
    assert analyst_client.post(url, data).status_code == 302
    name = Name.objects.get(full_name="@amir_example")
    assert name.entity == entity and name.source_record is None
    assert name.history.latest().history_user == analyst_client.user


def test_import_runs_and_sources_are_listed(imported, analyst_client):
    runs = analyst_client.get(reverse("admin:importers_importrun_changelist"))
    assert runs.status_code == 200 and len(runs.context["cl"].result_list) == 1
    sources = analyst_client.get(reverse("admin:entities_source_changelist"))
    assert sources.status_code == 200 and b"un-sc" in sources.content


def inline_management_data(*, response):
    """The management-form fields of every inline formset on an admin change page, as they were rendered."""
    data = {}
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name, field in management.fields.items():
            data[f"{management.prefix}-{name}"] = management.initial.get(name, field.initial)
        for index, form in enumerate(formset.formset.forms):
            for name in ("id", "entity"):
                if name in form.fields:
                    value = form.initial.get(name, form.instance.pk if name == "id" else form.instance.entity_id)
                    data[f"{formset.formset.prefix}-{index}-{name}"] = value
            for name in form.fields:
                key = f"{formset.formset.prefix}-{index}-{name}"
                if key not in data and name not in ("DELETE",):
                    value = form.initial.get(name)
                    data[key] = "" if value is None else value
    return data


def analyst_name_prefix(response):
    for formset in response.context["inline_admin_formsets"]:
        if formset.opts.__class__.__name__ == "AnalystNameInline":
            return formset.formset.prefix
    raise AssertionError("no analyst name inline on the page")
