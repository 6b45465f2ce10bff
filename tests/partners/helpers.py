"""Valid submissions as partners send them, and an API test client of a partner."""

from apiclients.services import api_client_create
from tests.api.helpers import bearer


def partner_api(partner, name):
    """A test client holding the token of a new API client of ``partner`` (kind partner, scope submit)."""
    _, token = api_client_create(name=name, kind="partner", scopes=["submit"], partner=partner)
    return bearer(token)


def organisation(name="Example Liberation Front", **fields) -> dict:
    """A valid submission of a new organisation, as a partner sends it."""
    return {
        "kind": "organisation",
        "names": [{"name": name, "type": "primary"}, {"name": "ELF", "type": "alias"}],
        "nationalities": ["Kenya"],
        "rationale": "Claimed two attacks on civilians in 2026 in its own channels.",
        "evidence": [{"url": "https://example.org/report", "summary": "Claim of responsibility",
                      "off_platform": True, "captured_at": "2026-10-01"}],
        **fields,
    }


def person(name="Omar Samplezai", **fields) -> dict:
    return {
        "kind": "person",
        "names": [{"name": name, "type": "primary"}],
        "birth_dates": ["1970"],
        "rationale": "Recruits for the group in public videos.",
        "evidence": [{"url": "https://example.org/video", "summary": "Recruitment video", "off_platform": True,
                      "captured_at": "2026-09-15"}],
        **fields,
    }
