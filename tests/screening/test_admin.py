"""The admin's screening page (Name screening → Screen a name) on the registry of tests/fixtures/screening/."""

import pytest
from django.urls import reverse

from screening.service import DEFAULT_THRESHOLD

pytestmark = pytest.mark.django_db

PAGE = reverse("admin:screening_screeningsearch_changelist")


@pytest.fixture
def analyst_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("analyst", password="pw", is_staff=True))
    return client


def test_the_empty_page_offers_the_default_threshold(analyst_client):
    response = analyst_client.get(PAGE)
    assert response.status_code == 200
    assert response.context["form"]["threshold"].value() == DEFAULT_THRESHOLD
    assert response.context["candidates"] is None


@pytest.mark.parametrize("params", [{"name": "Muhammad al-Jizrawi"}, {"name": "Muhammad al-Jizrawi", "threshold": " "}])
def test_a_link_without_a_threshold_screens_at_the_default(registry, analyst_client, params):
    response = analyst_client.get(PAGE, params)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {}
    assert form.cleaned_data["threshold"] == DEFAULT_THRESHOLD
    assert form["threshold"].value() == str(DEFAULT_THRESHOLD)  # the form shows the threshold it used
    [top, *_] = response.context["candidates"]
    assert top.caption == "MUHAMMAD ABD AL-KARIM AL-JIZRAWI"
    assert top.match == (top.score >= DEFAULT_THRESHOLD)


def test_a_threshold_given_is_used(registry, analyst_client):
    response = analyst_client.get(PAGE, {"name": "Muhammad al-Jizrawi", "threshold": "1"})
    assert response.context["form"].cleaned_data["threshold"] == 1.0
    assert not any(candidate.match for candidate in response.context["candidates"] if candidate.score < 1)


def test_a_threshold_outside_0_to_1_is_refused(registry, analyst_client):
    response = analyst_client.get(PAGE, {"name": "Muhammad al-Jizrawi", "threshold": "2"})
    assert response.status_code == 200
    assert "threshold" in response.context["form"].errors
    assert response.context["candidates"] is None
