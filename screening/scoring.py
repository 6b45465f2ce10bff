"""
Scoring one candidate entity against one query, with an explanation of every part of the score.

The name score is the best of the entity's names against the query name (weak aliases count 10% less).
Then what else the query says moves it: a birth date that fits one of the entity's raises it a little, one
that fits none lowers it; the same for nationality. Pure functions: the caller loads the facts.
"""

import datetime
from dataclasses import dataclass, field

from entities.countries import country_code
from screening.names import Analysed, Token, compare

NAME_TYPE_FACTORS = {"weak_alias": 0.9}
BIRTH_DATE_FIT, BIRTH_DATE_MISFIT = 0.05, -0.15
NATIONALITY_FIT, NATIONALITY_MISFIT = 0.03, -0.10


@dataclass(frozen=True)
class Query:
    name: str
    kind: str | None = None
    birth_date: str | None = None  # YYYY or YYYY-MM-DD
    nationality: str | None = None  # ISO code or country name


@dataclass
class EntityFacts:
    entity_id: object
    caption: str
    kind: str
    state: str
    names: list = field(default_factory=list)  # (name_type, full name, tokens)
    birth_dates: list = field(default_factory=list)  # (date_type, date, year, from_year, to_year)
    nationalities: set = field(default_factory=set)


@dataclass(frozen=True)
class Candidate:
    entity_id: object
    caption: str
    kind: str
    state: str
    score: float
    match: bool
    explanation: dict


def score_entity(query: Query, analysed: Analysed, facts: EntityFacts, *, threshold: float) -> Candidate:
    best = None
    for name_type, text, tokens in facts.names:
        candidate_name = Analysed(text=text, tokens=tuple(Token.from_list(token) for token in tokens))
        comparison = compare(analysed, candidate_name)
        score = comparison.score * NAME_TYPE_FACTORS.get(name_type, 1.0)
        if best is None or score > best[0]:
            best = (score, name_type, text, comparison)
            if score >= 1.0:
                break  # no other name can do better
    if best is None:
        return Candidate(facts.entity_id, facts.caption, facts.kind, facts.state, 0.0, False, {})
    name_score, name_type, text, comparison = best
    explanation = {
        "name": {
            "matched": text,
            "type": name_type,
            "score": round(name_score, 4),
            "query_explained": round(comparison.query_coverage, 4),
            "candidate_explained": round(comparison.candidate_coverage, 4),
            "tokens": [{"query": q, "candidate": c, "similarity": s, "why": why} for q, c, s, why in comparison.pairs],
        }
    }
    score = name_score
    for feature, effect in (
        ("birth_date", birth_date_effect(query, facts)),
        ("nationality", nationality_effect(query, facts)),
    ):
        if effect is not None:
            explanation[feature] = effect
            score += effect["effect"]
    score = round(min(max(score, 0.0), 1.0), 4)
    return Candidate(facts.entity_id, facts.caption, facts.kind, facts.state, score, score >= threshold, explanation)


def birth_date_effect(query: Query, facts: EntityFacts) -> dict | None:
    wanted = parse_birth_date(query.birth_date)
    known = [dates for dates in facts.birth_dates if dates[0] != "unknown"]
    if wanted is None or not known:
        return None
    fits = any(birth_date_fits(wanted, *dates) for dates in known)
    return {
        "query": query.birth_date,
        "entity": [describe_birth_date(*dates) for dates in known],
        "fits": fits,
        "effect": BIRTH_DATE_FIT if fits else BIRTH_DATE_MISFIT,
    }


def parse_birth_date(text: str | None) -> tuple[int, datetime.date | None] | None:
    """(year, full date or None) from "1971" or "1971-05-03"; None when not given."""
    if not text:
        return None
    if len(text) == 4:
        return int(text), None
    day = datetime.date.fromisoformat(text)
    return day.year, day


def birth_date_fits(wanted, date_type, date, year, from_year, to_year) -> bool:
    wanted_year, wanted_day = wanted
    if date_type == "between" and from_year and to_year:
        return from_year <= wanted_year <= to_year
    known_year = date.year if date else year
    if known_year is None:
        return False
    if date_type == "approximately":
        return abs(known_year - wanted_year) <= 2
    if wanted_day and date:
        return wanted_day == date
    return known_year == wanted_year


def describe_birth_date(date_type, date, year, from_year, to_year) -> str:
    if date_type == "between":
        return f"between {from_year} and {to_year}"
    text = (date.isoformat() if date else str(year))
    return f"approximately {text}" if date_type == "approximately" else text


def nationality_effect(query: Query, facts: EntityFacts) -> dict | None:
    if not query.nationality or not facts.nationalities:
        return None
    code = query_country(query.nationality)
    if not code:
        return None
    fits = code in facts.nationalities
    return {
        "query": query.nationality,
        "entity": sorted(facts.nationalities),
        "fits": fits,
        "effect": NATIONALITY_FIT if fits else NATIONALITY_MISFIT,
    }


def query_country(text: str) -> str:
    text = text.strip()
    if len(text) == 2 and text.isalpha():
        return text.upper()
    return country_code(text)
