"""Helpers the API tests share: an authenticated test client, and reading paginated endpoints to the end."""

from rest_framework.test import APIClient

from entities.models import Entity


def bearer(token: str) -> APIClient:
    """A test client that sends ``Authorization: Bearer <token>`` and returns 500s instead of raising them."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    client.raise_request_exception = False
    return client


def by_reference() -> dict[str, Entity]:
    """Every entity of the registry, by the reference number of its (single) listing."""
    return {entity.listings.get().reference_number: entity for entity in Entity.objects.prefetch_related("listings")}


def walk(client, url: str, *, link: str = "next", max_pages: int = 100) -> tuple[list[dict], list[dict]]:
    """Follow ``link`` from ``url`` to the end: (every result in order, every page body)."""
    results, pages = [], []
    while url:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:500])
        body = response.json()
        pages.append(body)
        results.extend(body["results"])
        url = body[link]
        assert len(pages) <= max_pages, f"more than {max_pages} pages: the {link} links loop"
    return results, pages
