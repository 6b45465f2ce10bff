"""
Scoring one entity against one query (screening.scoring): the best name, weak aliases, how birth date and
nationality move the score, the explanation, and the score's range. Pure functions, no database.
"""

import datetime

import pytest

from screening.names import analyse
from screening.scoring import EntityFacts, Query, parse_birth_date, score_entity
from screening.service import DEFAULT_THRESHOLD

FULL_NAME = "Muhammad Abd al-Karim al-Jizrawi"
PARTIAL_QUERY = "Muhammad al-Jizrawi"  # explains the query fully, half the name: a score well inside (0, 1)

EXACT_1971 = ("exact", datetime.date(1971, 5, 3), None, None, None)
EXACT_YEAR_1958 = ("exact", None, 1958, None, None)
ABOUT_1965 = ("approximately", None, 1965, None, None)
BETWEEN_1960_1964 = ("between", None, None, 1960, 1964)
UNKNOWN = ("unknown", None, None, None, None)


def entity(*names, birth_dates=(), nationalities=(), kind="person") -> EntityFacts:
    """EntityFacts as screening.service.load_facts builds them; names are (name type, text) pairs."""
    return EntityFacts(
        entity_id="entity-1",
        caption=names[0][1] if names else "",
        kind=kind,
        state="designated",
        names=[(name_type, text, [token.as_list() for token in analyse(text, kind).tokens])
               for name_type, text in names],
        birth_dates=list(birth_dates),
        nationalities=set(nationalities),
    )


def run(query: Query, facts: EntityFacts, threshold: float = DEFAULT_THRESHOLD):
    return score_entity(query, analyse(query.name, query.kind), facts, threshold=threshold)


def name_only_score(facts: EntityFacts, name: str = PARTIAL_QUERY) -> float:
    return run(Query(name=name), facts).score


# --- Birth date ---------------------------------------------------------------------------------

BIRTH_DATES = [
    # (the entity's birth dates, the query's birth date, fits)
    ([EXACT_1971], "1971-05-03", True),
    ([EXACT_1971], "1971-05-04", False),
    ([EXACT_1971], "1970-05-03", False),
    ([EXACT_1971], "1971", True),  # a year fits a full date in that year
    ([EXACT_1971], "1972", False),
    ([EXACT_YEAR_1958], "1958", True),
    ([EXACT_YEAR_1958], "1958-02-01", True),  # a full date fits a year
    ([EXACT_YEAR_1958], "1959", False),
    ([ABOUT_1965], "1965", True),
    ([ABOUT_1965], "1963", True),  # approximately: within two years either side
    ([ABOUT_1965], "1967", True),
    ([ABOUT_1965], "1966-07-01", True),
    ([ABOUT_1965], "1962", False),
    ([ABOUT_1965], "1968", False),
    ([BETWEEN_1960_1964], "1960", True),  # between: both ends included
    ([BETWEEN_1960_1964], "1964", True),
    ([BETWEEN_1960_1964], "1962-03-04", True),
    ([BETWEEN_1960_1964], "1959", False),
    ([BETWEEN_1960_1964], "1965", False),
    ([EXACT_1971, ABOUT_1965], "1966", True),  # any of several dates
    ([EXACT_1971, UNKNOWN], "1971", True),
]


@pytest.mark.parametrize(("dates", "wanted", "fits"), BIRTH_DATES)
def test_birth_date_raises_or_lowers_the_score(dates, wanted, fits):
    facts = entity(("primary", FULL_NAME), birth_dates=dates)
    candidate = run(Query(name=PARTIAL_QUERY, birth_date=wanted), facts)
    effect = candidate.explanation["birth_date"]
    assert effect["fits"] is fits
    assert effect["query"] == wanted
    if fits:
        assert effect["effect"] > 0
        assert candidate.score > name_only_score(facts)
    else:
        assert effect["effect"] < 0
        assert candidate.score < name_only_score(facts)
    assert candidate.score == pytest.approx(name_only_score(facts) + effect["effect"], abs=1e-3)


@pytest.mark.parametrize(
    ("dates", "wanted"),
    [
        ([], "1971"),  # the entity states no birth date
        ([UNKNOWN], "1971"),  # only a "not stated" one
        ([EXACT_1971], None),  # the query gives none
        ([EXACT_1971], ""),
    ],
)
def test_no_birth_date_on_either_side_has_no_effect(dates, wanted):
    facts = entity(("primary", FULL_NAME), birth_dates=dates)
    candidate = run(Query(name=PARTIAL_QUERY, birth_date=wanted), facts)
    assert "birth_date" not in candidate.explanation
    assert candidate.score == pytest.approx(name_only_score(facts))


def test_birth_date_explanation_describes_the_entitys_dates():
    facts = entity(("primary", FULL_NAME), birth_dates=[EXACT_1971, ABOUT_1965, BETWEEN_1960_1964, UNKNOWN])
    effect = run(Query(name=PARTIAL_QUERY, birth_date="1971"), facts).explanation["birth_date"]
    assert effect["entity"] == ["1971-05-03", "approximately 1965", "between 1960 and 1964"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1971", (1971, None)),
        ("1971-05-03", (1971, datetime.date(1971, 5, 3))),
        (None, None),
        ("", None),
    ],
)
def test_parse_birth_date(text, expected):
    assert parse_birth_date(text) == expected


# --- Nationality --------------------------------------------------------------------------------

NATIONALITIES = [
    # (the query's nationality, fits an entity of Iraq and Syria)
    ("IQ", True),
    ("iq", True),
    ("SY", True),
    ("Iraq", True),
    ("IRAQ", True),
    ("  Iraq ", True),
    ("Syrian Arab Republic", True),
    ("Iraqi", True),  # a demonym
    ("JO", False),
    ("Jordan", False),
    ("Islamic Republic of Pakistan", False),
]


@pytest.mark.parametrize(("nationality", "fits"), NATIONALITIES)
def test_nationality_by_iso_code_or_country_name(nationality, fits):
    facts = entity(("primary", FULL_NAME), nationalities={"IQ", "SY"})
    candidate = run(Query(name=PARTIAL_QUERY, nationality=nationality), facts)
    effect = candidate.explanation["nationality"]
    assert effect["fits"] is fits
    assert effect["query"] == nationality
    assert effect["entity"] == ["IQ", "SY"]
    assert (effect["effect"] > 0) is fits
    assert candidate.score == pytest.approx(name_only_score(facts) + effect["effect"], abs=1e-3)


@pytest.mark.parametrize(
    ("nationality", "known"),
    [
        ("Atlantis", {"IQ"}),  # not a country: no evidence either way
        ("", {"IQ"}),
        (None, {"IQ"}),
        ("Iraq", set()),  # the entity states no nationality
    ],
)
def test_unknown_nationality_has_no_effect(nationality, known):
    facts = entity(("primary", FULL_NAME), nationalities=known)
    candidate = run(Query(name=PARTIAL_QUERY, nationality=nationality), facts)
    assert "nationality" not in candidate.explanation
    assert candidate.score == pytest.approx(name_only_score(facts))


# --- Names: the best one, weak aliases ----------------------------------------------------------


def test_the_best_of_the_entitys_names_is_used():
    facts = entity(("primary", FULL_NAME), ("alias", "Abu Karim al-Jizrawi"), ("original_script", "محمد الجزراوي"))
    candidate = run(Query(name="Abu Karim Jizrawi"), facts)
    assert candidate.explanation["name"]["matched"] == "Abu Karim al-Jizrawi"
    assert candidate.explanation["name"]["type"] == "alias"
    assert candidate.match


def test_a_weak_alias_counts_ten_percent_less():
    strong = run(Query(name="Abu Hafs al-Shimali"), entity(("alias", "Abu Hafs al-Shimali")))
    weak = run(Query(name="Abu Hafs al-Shimali"), entity(("weak_alias", "Abu Hafs al-Shimali")))
    assert strong.score == pytest.approx(1.0)
    assert weak.score == pytest.approx(0.9 * strong.score, abs=1e-3)
    assert weak.explanation["name"]["type"] == "weak_alias"
    assert weak.explanation["name"]["score"] == pytest.approx(weak.score, abs=1e-3)


def test_a_strong_name_wins_over_an_equal_weak_alias():
    facts = entity(("weak_alias", "Abu Hafs al-Shimali"), ("primary", "Abu Hafs al-Shimali"))
    candidate = run(Query(name="Abu Hafs al-Shimali"), facts)
    assert candidate.explanation["name"]["type"] == "primary"
    assert candidate.score == pytest.approx(1.0)


def test_a_left_out_middle_word_still_matches_for_people_and_organisations():
    person = run(Query(name="Hans Weber"), entity(("primary", "Hans Peter Weber")))
    organisation = run(Query(name="Weihai Freight"), entity(("primary", "Weihai World Freight"), kind="organisation"))
    assert person.match and organisation.match
    assert person.score < 1.0 and organisation.score < 1.0


def test_a_weak_alias_scores_below_the_same_strong_alias():
    query = Query(name="Mohammed Abdul Karim Jizrawi")
    assert run(query, entity(("alias", FULL_NAME))).match
    assert run(query, entity(("weak_alias", FULL_NAME))).score < run(query, entity(("alias", FULL_NAME))).score


# --- The explanation ----------------------------------------------------------------------------


def test_explanation_names_the_matched_name_its_type_and_token_pairs():
    facts = entity(("primary", FULL_NAME), birth_dates=[EXACT_1971], nationalities={"IQ"})
    candidate = run(Query(name="Mohammed al-Jizrawi", birth_date="1971-05-03", nationality="Iraq"), facts)
    name = candidate.explanation["name"]
    assert name["matched"] == FULL_NAME
    assert name["type"] == "primary"
    assert 0 < name["score"] < 1
    assert 0 < name["candidate_explained"] < name["query_explained"] <= 1
    pairs = {(pair["query"], pair["candidate"]): pair for pair in name["tokens"]}
    assert set(next(iter(pairs.values()))) == {"query", "candidate", "similarity", "why"}
    assert pairs[("mohammed", "muhammad")]["why"] == "variant"
    assert 0.8 < pairs[("mohammed", "muhammad")]["similarity"] < 1
    assert pairs[("jizrawi", "jizrawi")] == {"query": "jizrawi", "candidate": "jizrawi", "similarity": 1.0,
                                            "why": "same"}
    assert candidate.explanation["birth_date"] == {
        "query": "1971-05-03", "entity": ["1971-05-03"], "fits": True, "effect": pytest.approx(0.05, abs=0.05),
    }
    assert candidate.explanation["nationality"]["fits"] is True
    assert candidate.explanation["nationality"]["entity"] == ["IQ"]
    effects = name["score"] + candidate.explanation["birth_date"]["effect"] + candidate.explanation["nationality"][
        "effect"]
    assert candidate.score == pytest.approx(min(effects, 1.0), abs=1e-3)


def test_the_candidate_carries_the_entitys_identity():
    facts = entity(("primary", FULL_NAME))
    candidate = run(Query(name=FULL_NAME), facts)
    assert (candidate.entity_id, candidate.caption, candidate.kind, candidate.state) == (
        "entity-1", FULL_NAME, "person", "designated",
    )


def test_an_entity_without_names_scores_zero():
    candidate = run(Query(name=FULL_NAME), entity())
    assert candidate.score == 0.0
    assert candidate.match is False
    assert candidate.explanation == {}


# --- The score's range and the match flag ------------------------------------------------------


def test_score_is_clipped_at_one():
    facts = entity(("primary", FULL_NAME), birth_dates=[EXACT_1971], nationalities={"IQ"})
    candidate = run(Query(name=FULL_NAME, birth_date="1971-05-03", nationality="IQ"), facts)
    assert candidate.explanation["birth_date"]["effect"] > 0 and candidate.explanation["nationality"]["effect"] > 0
    assert candidate.score == 1.0
    assert candidate.match


def test_score_is_clipped_at_zero():
    facts = entity(("primary", "Abu Hamza"), birth_dates=[EXACT_1971], nationalities={"IQ"})
    candidate = run(Query(name="Abu Ali", birth_date="1990", nationality="Jordan"), facts)
    raw = (candidate.explanation["name"]["score"] + candidate.explanation["birth_date"]["effect"]
           + candidate.explanation["nationality"]["effect"])
    assert raw < 0
    assert candidate.score == 0.0
    assert candidate.match is False


@pytest.mark.parametrize("wanted", [None, "1971", "1990"])
@pytest.mark.parametrize("nationality", [None, "IQ", "JO"])
@pytest.mark.parametrize("name", [FULL_NAME, PARTIAL_QUERY, "Abu Ali", "Mohammed Abdul Karim Jizrawi"])
def test_score_is_always_within_zero_and_one(name, wanted, nationality):
    facts = entity(("primary", FULL_NAME), ("weak_alias", "Abu Ali"), birth_dates=[EXACT_1971],
                   nationalities={"IQ"})
    candidate = run(Query(name=name, birth_date=wanted, nationality=nationality), facts)
    assert 0.0 <= candidate.score <= 1.0
    assert candidate.match is (candidate.score >= DEFAULT_THRESHOLD)


def test_match_means_score_at_least_the_threshold():
    facts = entity(("primary", FULL_NAME))
    candidate = run(Query(name=PARTIAL_QUERY), facts)
    assert run(Query(name=PARTIAL_QUERY), facts, threshold=candidate.score).match is True
    assert run(Query(name=PARTIAL_QUERY), facts, threshold=candidate.score + 0.0001).match is False
    assert run(Query(name=PARTIAL_QUERY), facts, threshold=0.0).match is True
