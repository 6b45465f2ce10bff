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


MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
)}


def day_month_year(text: str) -> str:
    """
    The ISO date of a date written with the month's name ("01 Jan 1970", "1 January 1970"), or "" when the
    text is not such a date (OFAC, the UK and others write dates of birth and of issue this way).
    """
    found = re.fullmatch(r"(\d{1,2})[ -]([A-Za-z]{3,9})\.?[ -](\d{4})", clean(text))
    month = MONTHS.get(found.group(2)[:3].lower()) if found else None
    if not month:
        return ""
    try:
        return date(int(found.group(3)), month, int(found.group(1))).isoformat()
    except ValueError:
        return ""


def month_day_year(text: str, *, what: str) -> str:
    """The ISO date of a US date "MM/DD/YYYY" (OFAC's publish date); "" for ""; SourceFormatError otherwise."""
    text = clean(text)
    if not text:
        return ""
    found = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    try:
        return date(int(found.group(3)), int(found.group(1)), int(found.group(2))).isoformat()
    except (AttributeError, ValueError):
        raise SourceFormatError(f"{what}: {text!r} is not a date (expected MM/DD/YYYY).") from None


def split_last_first(name: str) -> tuple[str, str]:
    """
    ("HANIYA", "Ismail Abdul Salah") from "HANIYA, Ismail Abdul Salah", the "LAST, First Middle" form lists
    give people's names in; a name without a comma is all last name.
    """
    last, _, first = clean(name).partition(",")
    return last.strip(), first.strip()


# A UN Security Council reference number: QDi.123 / QDe.045 (regime, i(ndividual) or e(ntity), number) and
# the older QI.A.12.01 / QE.A.146.14 form.
UN_REFERENCE = re.compile(r"\b(?:[A-Z]{2}[ie]\.\d{3}|Q[IE]\.[A-Z]\.\d{1,4}\.\d{2})\b")


def un_references(text: str) -> list[tuple[str, str]]:
    """
    Each UN Security Council reference number a text cites, with the phrase (between ";" or line breaks)
    that cites it: [("QE.A.146.14", "UN REF:QE.A.146.14")]. Each reference once, in order of first mention.
    """
    found: dict[str, str] = {}
    for phrase in re.split(r"[;\n]", text or ""):
        for reference in UN_REFERENCE.findall(phrase):
            found.setdefault(reference, clean(phrase).rstrip("."))
    return list(found.items())
