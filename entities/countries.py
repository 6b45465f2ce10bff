"""
Country names as sources write them, mapped to ISO 3166-1 alpha-2 codes.

pycountry knows the official and common names; the table below adds the forms sources use that it does
not know (UN short names, demonyms, historical states). A value that names no single country today
("Sudan/South Sudan", "former Soviet Union") gets no code: the text is kept as written either way.
"""

import re
from functools import lru_cache

import pycountry

EXTRA_NAMES = {
    "democratic republic of the congo": "CD",
    "iran (islamic republic of)": "IR",
    "turkey": "TR",
    "state of palestine": "PS",
    "palestinian territories": "PS",
    "palestinian": "PS",
    "occupied palestinian territory": "PS",
    "rpdc": "KP",
    "dprk": "KP",
    "north korea": "KP",
    "south korea": "KR",
    "libyan arab jamahiriya": "LY",
    "the netherlands": "NL",
    "hong kong special administrative region": "HK",
    "china, hong kong special administrative region": "HK",
    "kosovo": "XK",
    "syria": "SY",
    "russia": "RU",
    "vietnam": "VN",
    "laos": "LA",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "moldova": "MD",
    "brunei": "BN",
    "cape verde": "CV",
    "ivory coast": "CI",
    "swaziland": "SZ",
    "macedonia": "MK",
    "burma": "MM",
    "east timor": "TL",
    "great britain": "GB",
    "england": "GB",
    "united states of america": "US",
    "usa": "US",
    "uae": "AE",
}

DEMONYMS = {
    "afghan": "AF", "algerian": "DZ", "bahraini": "BH", "british": "GB", "egyptian": "EG", "eritrean": "ER",
    "ethiopian": "ET", "french": "FR", "german": "DE", "indonesian": "ID", "iranian": "IR", "iraqi": "IQ",
    "jordanian": "JO", "kenyan": "KE", "kuwaiti": "KW", "lebanese": "LB", "libyan": "LY", "malaysian": "MY",
    "malian": "ML", "mauritanian": "MR", "moroccan": "MA", "nigerian": "NG", "omani": "OM", "pakistani": "PK",
    "philippine": "PH", "filipino": "PH", "qatari": "QA", "russian": "RU", "saudi": "SA", "saudi arabian": "SA",
    "somali": "SO", "sudanese": "SD", "syrian": "SY", "tunisian": "TN", "turkish": "TR", "yemeni": "YE",
}

# "na" in a list means "not available", not Namibia.
NOT_A_COUNTRY = {"na", "n.a", "n/a", "unknown", "none", "stateless"}

# Qualifiers around a country name that do not change which country it is.
QUALIFIERS = re.compile(
    r"\s*\((as at|in custody|citizenship|until|since)[^)]*\)\s*$|^possibly\s+|\s+(passport|by birth)$"
)


@lru_cache(maxsize=4096)
def country_code(name: str) -> str:
    """Return the ISO 3166-1 alpha-2 code for a country as a source wrote it, or "" when none applies."""
    text = " ".join((name or "").split()).strip(" .,;").lower()
    if not text or "/" in text or " or " in text or text in NOT_A_COUNTRY:
        return ""
    text = QUALIFIERS.sub("", text).strip()
    if text in EXTRA_NAMES:
        return EXTRA_NAMES[text]
    if text in DEMONYMS:
        return DEMONYMS[text]
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        return ""


def country_name(code: str) -> str:
    """The common name of the country with ISO 3166-1 alpha-2 ``code`` (the code itself if pycountry lacks it)."""
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return code.upper()
    return getattr(country, "common_name", None) or country.name
