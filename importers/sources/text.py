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


def decode_legacy_text(data: bytes, *, what: str) -> str:
    """
    Decode a published text file: UTF-8 (a byte-order mark dropped) when the bytes are valid UTF-8, else
    Windows-1252, the encoding older government CSV exports use (the UK's 2016 ConList writes its apostrophe
    as byte 0x92). Both decodings are strict: bytes Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90,
    0x9D) and NUL or other control characters raise SourceFormatError naming ``what``.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise SourceFormatError(
                f"{what}: byte 0x{data[error.start]:02X} at offset {error.start:,} is neither UTF-8 nor Windows-1252."
            ) from None
    control = re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text)
    if control:
        raise SourceFormatError(
            f"{what}: control character U+{ord(control.group()):04X} at character {control.start():,}."
        )
    return text


def dmy_date(text: str, *, what: str) -> str:
    """An ISO 8601 date from a DD/MM/YYYY date; "" stays "". Anything else raises SourceFormatError."""
    iso, partial_year = dmy_date_or_year(text, what=what)
    if partial_year is not None:
        raise SourceFormatError(f"{what}: {clean(text)!r} is not a full date (expected DD/MM/YYYY).")
    return iso


def dmy_date_or_year(text: str, *, what: str) -> tuple[str, int | None]:
    """
    A DD/MM/YYYY date that may leave its day or month unknown as 00 ("00/00/1970", "00/08/1977"): gives
    (ISO date, None) for a full date, ("", year) for a partial one, ("", None) for "". Anything else raises
    SourceFormatError naming ``what``.
    """
    text = clean(text)
    if not text:
        return "", None
    match = re.fullmatch(r"(\d{2})/(\d{2})/(\d{4})", text)
    try:
        if not match or match[3] == "0000":
            raise ValueError
        day, month, year_ = int(match[1]), int(match[2]), int(match[3])
        if day == 0 or month == 0:
            if month > 12:
                raise ValueError
            return "", year_
        return date(year_, month, day).isoformat(), None
    except ValueError:
        raise SourceFormatError(f"{what}: {text!r} is not a date (expected DD/MM/YYYY).") from None


def numbered_values(text: str) -> list[str]:
    """
    The values of a field that numbers them, "(1) German (2) Moroccan" -> ["German", "Moroccan"]; a field
    without numbering is one value. White space is collapsed, empty values dropped.
    """
    text = clean(text)
    if not text.startswith("(1)"):
        return [text] if text else []
    return [clean(value) for value in re.split(r"\(\d+\)", text) if clean(value)]


LEGAL_FORMS = {
    "ag", "ao", "bv", "b.v.", "cjsc", "co", "co.", "corp", "corp.", "gmbh", "inc", "inc.", "jsc", "limited", "llc",
    "l.l.c.", "llp", "lp", "ltd", "ltd.", "oao", "ojsc", "ooo", "pao", "pjsc", "plc", "s.a.", "sa", "zao",
    "ао", "зао", "оао", "ооо", "пао",
}
BRACKETS = {"(": ")", "[": "]", "{": "}"}
QUOTES = {"“": "”", "«": "»", '"': '"'}


def split_names(text: str | None) -> list[str]:
    """
    Split a free-text list of names ("A, B; C or D") into the names, white space collapsed.

    Separators are semicolons, the word "or", and commas outside brackets and quotes, so that 'Bank "Rossiya,
    JSC"' and 'Company (North, South)' stay whole; line breaks are white space (lists wrap long names). A
    piece that is only a legal form ("Trinity, JSC") is not a name of its own: it stays with the name before
    it. A leading "or"/"and" left by "A, or B" is dropped, and so are empty pieces.
    """
    names = []
    for chunk in re.split(r";|\s+or\s+", text or "", flags=re.IGNORECASE):
        for piece in _split_commas(chunk):
            piece = re.sub(r"^(?:or|and)\s+", "", clean(piece), flags=re.IGNORECASE)
            if names and piece.lower() in LEGAL_FORMS:
                names[-1] = f"{names[-1]}, {piece}"
            elif piece:
                names.append(piece)
    return names


def _split_commas(text: str) -> list[str]:
    """
    Split at the commas outside brackets and quotes. Lists leave quotes unclosed now and then: the quotes are
    then ignored, and if the brackets are unbalanced too, every comma separates.
    """
    for pairs in ({**BRACKETS, **QUOTES}, BRACKETS):
        pieces, current, expected = [], [], []
        for char in text:
            if expected and char == expected[-1]:
                expected.pop()
            elif char in pairs:
                expected.append(pairs[char])
            if char == "," and not expected:
                pieces.append("".join(current))
                current = []
            else:
                current.append(char)
        if not expected:
            return [*pieces, "".join(current)]
    return text.split(",")


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


# Lists written as "a) first b) second; third": a lower-case letter and a bracket opens an item, and a
# semicolon or a line break ends one.
LIST_MARKER = re.compile(r"(?:^|(?<=\s)|(?<=;))[a-z]\)\s*")
LIST_SEPARATOR = re.compile(r"\s*(?:;|\n)\s*")
# Words lists put in a cell to say it has no value.
PLACEHOLDERS = {"", "na", "n/a", "n.a.", "none", "nil", "unknown", "not known", "-"}


def list_items(text: str | None) -> list[str]:
    """
    The items of a free-text cell that lists several values: "a) Syria b) Iraq", "Iraq; Lebanon", one per
    line. Placeholders ("NA", "None", "Unknown") and empty items are dropped; each item is cleaned.
    """
    items = []
    for chunk in LIST_SEPARATOR.split(text or ""):
        for item in LIST_MARKER.split(chunk):
            item = clean(item).strip(" ,;")
            if item.lower() not in PLACEHOLDERS:
                items.append(item)
    return items


_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
# The forms lists write a date in, most precise first: "11 Apr. 1963", "23-Apr-68", "March 16, 1972",
# "19/08/1974", "05.09.1990", "Nov. 1973", "03/1965", "1963".
TEXT_DATE = re.compile(
    rf"(?<![\w/.])(?P<d1>\d{{1,2}})\.?[\s-]*(?P<m1>{_MONTH})[\s-]*(?P<y1>\d{{4}}|\d{{2}})(?![\w/])"
    rf"|\b(?P<m2>{_MONTH})\s+(?P<d2>\d{{1,2}}),\s*(?P<y2>\d{{4}})\b"
    rf"|(?<![\w/.])(?P<d3>\d{{1,2}})[/.](?P<m3>\d{{1,2}})[/.]\s?(?P<y3>\d{{4}}|\d{{2}})(?![\w/])"
    rf"|\b(?P<m4>{_MONTH}),?\s+(?P<y4>\d{{4}})\b"
    rf"|(?<![\w/.])(?P<m5>\d{{1,2}})/(?P<y5>\d{{4}})(?![\w/])"
    rf"|(?<![\w.])(?<!\b\d/)(?<!\b\d\d/)(?P<y6>\d{{4}})(?!\w)",
    re.IGNORECASE,
)
APPROXIMATE = re.compile(r"\b(?:approximately|approx\.?|circa|c\.|about|around)\s*$", re.IGNORECASE)
BETWEEN = re.compile(r"\bbetween\s*$", re.IGNORECASE)
RANGE_JOINER = re.compile(r"\s*(?:-|–|to|/)\s*", re.IGNORECASE)
BETWEEN_JOINER = re.compile(r"\s*(?:and|-|–|to)\s*", re.IGNORECASE)
NOT_GREGORIAN = re.compile(r"\s*\(\s*hijri", re.IGNORECASE)
# What a cell of dates may hold besides its dates: list markers, separators, "or", "alt DOB".
DATE_FILLER = re.compile(
    r"\b[a-z]\)|\b(?:or|and|to|between|approximately|approx|circa|c|about|around|alt|dob|born)\b|[\s;,.:>/()–-]+",
    re.IGNORECASE,
)


def text_dates(text: str, *, what: str, earliest: int = 1850) -> list:
    """
    Every date a free-text cell gives, as BirthDateData, in the cell's order: full dates in the usual English
    forms, years, "Approximately 1960", "c. 1960", "Between 1963 and 1968", "1956-1957". A date in another
    calendar ("24/06/1402 (Hijri Calendar)") is skipped. When the cell says more than its dates ("(as Ali
    Thafir Abdallah)", "this aka only"), every date carries the whole cell as its note; a cell with words and
    no date gives one date of unknown type with the cell as its note.

    An impossible date (31/02/1960), a year before ``earliest`` or in the future, or a range that ends before
    it starts raises SourceFormatError naming ``what``.
    """
    from entities.choices import DateType
    from importers.records import BirthDateData

    text = clean(text)
    if text.lower() in PLACEHOLDERS:
        return []
    found = []  # [date type, ISO date or None, year, end year of a range]
    position, between = 0, False
    for match in TEXT_DATE.finditer(text):
        before, position = text[position:match.start()], match.end()
        if NOT_GREGORIAN.match(text, match.end()):
            continue
        iso, found_year = _text_date(match, what=what, earliest=earliest)
        joiner = BETWEEN_JOINER if between else RANGE_JOINER
        if found and found[-1][0] != DateType.BETWEEN and joiner.fullmatch(before):
            if found_year < found[-1][2]:
                raise SourceFormatError(f"{what}: a range from {found[-1][2]} to {found_year} ends before it starts.")
            found[-1] = [DateType.BETWEEN, None, found[-1][2], found_year]
        elif BETWEEN.search(before) or APPROXIMATE.search(before):
            found.append([DateType.APPROXIMATELY, iso, found_year, None])
        else:
            found.append([DateType.EXACT, iso, found_year, None])
        between = bool(BETWEEN.search(before))
    note = text if clean(DATE_FILLER.sub(" ", TEXT_DATE.sub(" ", text))) else ""
    dates = [
        BirthDateData(date_type=kind, from_year=start, to_year=end, note=note) if kind == DateType.BETWEEN
        else BirthDateData(date_type=kind, date=iso, note=note) if iso
        else BirthDateData(date_type=kind, year=start, note=note)
        for kind, iso, start, end in found
    ]
    if not dates and note:
        dates.append(BirthDateData(date_type=DateType.UNKNOWN, note=note))
    return dates


def _text_date(match, *, what: str, earliest: int) -> tuple[str | None, int]:
    """(ISO date or None when only the year is known, year) of one TEXT_DATE match."""
    groups = {name: value for name, value in match.groupdict().items() if value}
    year_text = next(groups[name] for name in ("y1", "y2", "y3", "y4", "y5", "y6") if name in groups)
    found_year = int(year_text)
    if len(year_text) == 2:  # "23-Apr-68": the last century unless that is still to come
        found_year += 2000 if found_year <= date.today().year % 100 else 1900
    if not earliest <= found_year <= date.today().year:
        raise SourceFormatError(f"{what}: {match.group(0)!r} is not a plausible date.")
    month_text = groups.get("m1") or groups.get("m2") or groups.get("m3")
    day_text = groups.get("d1") or groups.get("d2") or groups.get("d3")
    if not day_text:
        return None, found_year
    month = int(month_text) if month_text.isdigit() else MONTHS[month_text[:3].lower()]
    try:
        return date(found_year, month, int(day_text)).isoformat(), found_year
    except ValueError:
        raise SourceFormatError(f"{what}: {match.group(0)!r} is not a date.") from None


def first_full_date(text: str) -> str:
    """The ISO form of the first full date (day, month and year) in a free text, or "" when it gives none."""
    for match in TEXT_DATE.finditer(clean(text)):
        if match.group("d1") or match.group("d2") or match.group("d3"):
            try:
                iso, _ = _text_date(match, what="", earliest=1)
            except SourceFormatError:
                continue
            return iso
    return ""
