"""Small helpers source modules share for cleaning the text and dates lists publish."""

import re
from datetime import date

from importers.base import SourceFormatError


def clean(text: str | None) -> str:
    """Collapse runs of white space, including the stray spaces and newlines lists put inside names."""
    return " ".join((text or "").split())


def clean_paragraphs(text: str | None) -> str:
    """
    Collapse the white space of a narrative but keep its paragraphs (blank-line separated). Lists re-wrap
    narratives between versions; a re-wrap is not a change.
    """
    paragraphs = re.split(r"\n\s*\n", (text or "").strip())
    return "\n\n".join(clean(paragraph) for paragraph in paragraphs if clean(paragraph))


def iso_date(text: str, *, what: str) -> str:
    """
    Return an ISO 8601 date from a source date, dropping a time-zone suffix ("2015-04-07-04:00").

    An empty value gives "". Anything else that is not a date raises SourceFormatError naming ``what``.
    """
    text = clean(text)
    if not text:
        return ""
    try:
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        raise SourceFormatError(f"{what}: {text!r} is not a date (expected YYYY-MM-DD).") from None


def year(text: str, *, what: str) -> int | None:
    text = clean(text)
    if not text:
        return None
    if not re.fullmatch(r"\d{4}", text):
        raise SourceFormatError(f"{what}: {text!r} is not a year.")
    return int(text)
