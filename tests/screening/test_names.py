"""
Name analysis and comparison (screening.names): pure functions, no database, table-driven.

Scores are asserted against the operating threshold (screening.service.DEFAULT_THRESHOLD) with a margin,
never as exact floats: what matters is which side of the threshold a pair falls, and by how much.
"""

import pytest

from screening.names import abbreviates, analyse, compare, spelling_similarity
from screening.service import DEFAULT_THRESHOLD

MARGIN = 0.05
HIGH = DEFAULT_THRESHOLD  # a pair that must match scores at least this
LOW = DEFAULT_THRESHOLD - MARGIN  # a pair that must not match scores below this


def score(query: str, candidate: str, kind: str | None = "person") -> float:
    analysed_query, analysed_candidate = analyse(query, kind), analyse(candidate, kind)
    assert analysed_query is not None and analysed_candidate is not None, (query, candidate)
    return compare(analysed_query, analysed_candidate).score


def forms(name: str, kind: str | None = "person") -> list[str]:
    return [token.form for token in analyse(name, kind).tokens]


# --- Normalisation -------------------------------------------------------------------------------

NORMALISED = [
    # (name, kind, the normalised text the analyser must give)
    ("Jérôme", "person", "jerome"),
    ("JEROME", "person", "jerome"),
    ("Søren KIERKEGAARD", "person", "soren kierkegaard"),
    ("François Lefèvre", "person", "francois lefevre"),
    ("Ｍｕｈａｍｍａｄ", "person", "muhammad"),  # fullwidth letters: NFKC
    ("ﬁfi", None, "fifi"),  # the fi ligature: NFKC
    ("al-Qaida", None, "al qaida"),
    ("Al Qaida", None, "al qaida"),
    ("Lashkar-e-Tayyiba", "organisation", "lashkar e tayyiba"),
    ("O'Brien", "person", "obrien"),
    ("  Abu   Bakr\tal-Baghdadi \n", "person", "abu bakr al baghdadi"),
    ("Сергей Иванов", "person", "sergei ivanov"),
    ("Олександр Шевченко", "person", "oleksandr shevchenko"),
    ("Γεώργιος Παπανδρέου", "person", "georgios papandreou"),
    ("Αλέξης Τσίπρας", "person", "alexis tsipras"),
]


@pytest.mark.parametrize(("name", "kind", "expected"), NORMALISED)
def test_normalisation(name, kind, expected):
    assert analyse(name, kind).normalized == expected


@pytest.mark.parametrize("name", ["", " ", "\t\n ", "!!!", "-- / --"])
def test_nothing_to_analyse_is_none(name):
    assert analyse(name, "person") is None


def test_a_person_title_is_not_part_of_the_name():
    assert forms("Colonel Muammar Gaddafi") == ["muammar", "gaddafi"]


def test_arabic_script_stays_comparable_in_its_own_script():
    """rigour does not latinise Arabic; the original script is compared as written."""
    analysed = analyse("محمد عبد الكريم الجزراوي", "person")
    assert [token.form for token in analysed.tokens] == ["محمد", "عبد", "الكريم", "الجزراوي"]


def test_particles_and_generic_words_weigh_less_than_names():
    person = {token.form: token.weight for token in analyse("Abu Bakr bin Ali al-Baghdadi", "person").tokens}
    assert person["abu"] < 0.5 and person["bin"] < 0.5 and person["al"] < 0.5
    assert person["bakr"] == person["ali"] == person["baghdadi"] == 1.0
    org = {token.form: token.weight for token in analyse("Probandi Brigade Movement Group", "organisation").tokens}
    assert org["probandi"] == 1.0
    assert max(org["brigade"], org["movement"], org["group"]) < 0.5


def test_a_legal_form_inside_the_name_weighs_as_little_as_one_at_the_end():
    """rigour tags a legal form as such only at the end; 'Joint Venture' before 'Company' becomes a bare 'jv'."""
    analysed = analyse("Baltic Timber Joint Venture Company", "organisation")
    weights = {token.form: token.weight for token in analysed.tokens}
    assert weights["jv"] < 0.5 and weights["company"] < 0.5
    assert "jv" not in analysed.keys()


def test_names_with_no_distinctive_word_are_compared_as_they_are():
    """The cap on names sharing only generic words does not apply when neither has anything else."""
    assert score("E. S. Co.", "e. s. co", "organisation") == pytest.approx(1.0)
    assert score("Trading Company", "Sunrise Trading Company", "organisation") < DEFAULT_THRESHOLD


def test_particles_and_generic_words_are_not_index_keys():
    """A key every third name carries would make every name a candidate."""
    keys = analyse("Abu Bakr al-Baghdadi", "person").keys()
    assert "abu" not in keys and "al" not in keys
    assert {"bakr", "baghdadi"} <= keys
    assert "group" not in analyse("Probandi Group", "organisation").keys()


def test_index_keys_are_word_forms_and_metaphones():
    keys = analyse("Muhammad", "person").keys()
    assert "muhammad" in keys
    assert any(key.startswith("~") for key in keys)
    # Spelling variants share a key, so one finds the other in the index.
    assert analyse("Mohammed", "person").keys() & keys


# --- Pairs that must match ----------------------------------------------------------------------

MATCHING = [
    # (query, candidate, kind) -- each pair is the same name written differently
    # case, diacritics, NFKC
    ("Jérôme Lefèvre", "JEROME LEFEVRE", "person"),
    ("Søren Kierkegaard", "Soren Kierkegaard", "person"),
    ("Ｍｕｈａｍｍａｄ Ｑｕｄｓｉ", "Muhammad Qudsi", "person"),
    ("Müller Hans", "Hans Mueller", "person"),
    # punctuation and hyphens
    ("al-Qaida", "Al Qaida", None),
    ("Lashkar-e-Tayyiba", "Lashkar e Tayyiba", "organisation"),
    ("Jean-Pierre Martin", "Jean Pierre Martin", "person"),
    ("O'Brien Patrick", "Patrick OBrien", "person"),
    # transliteration: Cyrillic and Greek are latinised
    ("Владимир Путин", "Vladimir Putin", "person"),
    ("Сергей Иванов", "Sergei Ivanov", "person"),
    ("Дмитрий Медведев", "Dmitrii Medvedev", "person"),
    ("Олександр Шевченко", "Oleksandr Shevchenko", "person"),
    ("Ахмед Закаев", "Akhmed Zakayev", "person"),
    ("Αλέξανδρος Παπαδόπουλος", "Alexandros Papadopoulos", "person"),
    ("Γεώργιος Παπανδρέου", "Georgios Papandreou", "person"),
    # the same original script on both sides
    ("محمد عبد الكريم الجزراوي", "محمد عبد الكريم الجزراوي", "person"),
    ("金正恩", "金正恩", "person"),
    ("김정은", "김정은", "person"),
    # Arabic-script given names share rigour's name symbols with their Latin forms
    ("أسامة", "Osama", "person"),
    ("محمد", "Muhammad", "person"),
    ("حسين", "Hussein", "person"),
    # spelling variants
    ("Mohammed Omar", "Muhammad Omar", "person"),
    ("Mohamed Omar", "Muhammad Omar", "person"),
    ("Mohammad Qudsi", "Muhammad Qudsi", "person"),
    ("Mohamad Qudsi", "Mohammed Qudsi", "person"),
    ("Abdul Rahman Yasin", "Abd al Rahman Yasin", "person"),
    ("Abd ar-Rahman Yasin", "Abdul Rahman Yasin", "person"),
    ("Saddam Hussein", "Saddam Husayn", "person"),
    ("Hussain Osmani", "Husayn Osmani", "person"),
    ("Osama bin Laden", "Usama bin Laden", "person"),
    ("Ousama Farhat", "Osama Farhat", "person"),
    ("Omar Samplezai", "Umar Samplezai", "person"),
    ("Tarik Zafarani", "Tariq Zafarani", "person"),
    ("Ahmed Qudsi", "Ahmad Qudsi", "person"),
    ("Christopher Montgomery", "Kristofer Montgomery", "person"),
    ("Alexandrov Vladimir", "Aleksandrov Vladimir", "person"),
    ("Rahimullah Haqqani", "Rahimulla Haqani", "person"),
    # particles count little: missing or different particles barely matter
    ("Ayman al-Zawahiri", "Ayman Zawahiri", "person"),
    ("Ayman al-Zawahiri", "Ayman el Zawahiri", "person"),
    ("Abu Bakr al-Baghdadi", "Bakr Baghdadi", "person"),
    ("Abu Mohammed al-Julani", "Mohammed Julani", "person"),
    ("Said bin Ali", "Said Ali", "person"),
    ("Harakat al-Shabaab al-Mujahideen", "Harakat Shabaab Mujahideen", "organisation"),
    # word order
    ("Zawahiri Ayman", "Ayman al-Zawahiri", "person"),
    ("Khalid Sheikh Mohammed", "Mohammed Khalid Sheikh", "person"),
    ("Belmokhtar Mokhtar", "Mokhtar Belmokhtar", "person"),
    ("Garcia Lopez Maria", "Maria Garcia Lopez", "person"),
    # typos in long tokens: a swap of neighbours, a deletion, a substitution, a doubled letter
    ("Mokhtar Belmkohtar", "Mokhtar Belmokhtar", "person"),
    ("Christohper Montgomery", "Christopher Montgomery", "person"),
    ("Mokhtar Belmoktar", "Mokhtar Belmokhtar", "person"),
    ("Christopher Montgmery", "Christopher Montgomery", "person"),
    ("Mokhtar Belmokhtax", "Mokhtar Belmokhtar", "person"),
    ("Christopher Montgomary", "Christopher Montgomery", "person"),
    ("Benedeto Albertinni", "Benedetto Albertini", "person"),
    ("Konstantinos Papadopolous", "Konstantinos Papadopoulos", "person"),
    # a token split or joined differently
    ("abd alkarim", "abdulkarim", "person"),
    ("Abd Alkarim Hussein", "Abdulkarim Hussein", "person"),
    ("Abdul Karim", "Abdulkarim", "person"),
    ("Abdel Aziz", "Abdelaziz", "person"),
    ("Abdelkader Benali", "Abdel Kader Benali", "person"),
    ("aljizrawi", "al-jizrawi", "person"),
    ("Ali aljizrawi", "Ali al-jizrawi", "person"),
    ("Osama binladen", "Osama bin Laden", "person"),
    ("Nasrallah", "Nasr Allah", "person"),
]


@pytest.mark.parametrize(("query", "candidate", "kind"), MATCHING)
def test_the_same_name_written_differently_matches(query, candidate, kind):
    assert score(query, candidate, kind) >= HIGH


@pytest.mark.parametrize(("query", "candidate", "kind"), MATCHING)
def test_matching_is_symmetric_enough(query, candidate, kind):
    """Swapping query and candidate must not turn a match into a miss."""
    assert score(candidate, query, kind) >= HIGH



SPLIT_BUGS = [
    ("Abd al-Karim", "Abdulkarim", "person"),
    ("Abd al-Rahman Yasin", "Abdulrahman Yasin", "person"),
    ("Abd al-Aziz", "Abdulaziz", "person"),
    ("Yusuf Abd al Aziz", "Yusuf Abdulaziz", "person"),
    ("Sirajuddin Haqqani", "Siraj al-Din Haqqani", "person"),
]


@pytest.mark.parametrize(("query", "candidate", "kind"), SPLIT_BUGS)
def test_abd_al_joined_or_split_matches(query, candidate, kind):
    """The UN list writes 'Abd al-Karim'; a query writes 'Abdulkarim' (the issue's 'Abdul / Abd al')."""
    assert score(query, candidate, kind) >= HIGH


def test_a_missing_middle_name_costs_a_little():
    full = score("Muhammad Abd al-Karim al-Jizrawi", "Muhammad Abd al-Karim al-Jizrawi")
    missing = score("Muhammad al-Jizrawi", "Muhammad Abd al-Karim al-Jizrawi")
    assert full == pytest.approx(1.0)
    assert LOW - 0.1 < missing < full


def test_a_dropped_middle_name_costs_less_than_a_dropped_first_or_last_name():
    """Middle names are the ones people leave out; a query with the first and last name is the better fit."""
    middle_dropped = score("Hans Weber", "Hans Peter Weber")
    last_dropped = score("Hans Weber", "Hans Weber Schmidt")
    first_dropped = score("Hans Weber", "Karl Hans Weber")
    assert middle_dropped > last_dropped
    assert middle_dropped > first_dropped
    assert score("John Smith", "John Robert William Smith") >= HIGH  # two middle names left out


def test_middle_words_are_forgiven_only_between_a_first_and_last_word_that_match():
    assert score("Hans Peter", "Hans Peter Weber") < score("Hans Weber", "Hans Peter Weber")
    assert score("Peter Weber", "Hans Peter Weber") < score("Hans Weber", "Hans Peter Weber")
    # the middle names that are there count in full: nothing changes for a complete name
    assert score("Hans Peter Weber", "Hans Peter Weber") == pytest.approx(1.0)


def test_an_organisations_dropped_middle_word_is_forgiven_too():
    """'Weihai Freight' is how 'Weihai World-Shipping Freight' gets written; 'Weihai World' is not."""
    assert score("Weihai Freight", "Weihai World-Shipping Freight", "organisation") >= HIGH
    assert score("Weihai World", "Weihai World-Shipping Freight", "organisation") < DEFAULT_THRESHOLD
    # a legal form at the end is the last word: the word before it is a middle word, the first word is not
    middle = score("Korea Trading Corporation", "Korea Hyoksin Trading Corporation", "organisation")
    first = score("Hyoksin Trading Corporation", "Korea Hyoksin Trading Corporation", "organisation")
    assert middle >= HIGH
    assert first < middle


ROMANISATIONS = [
    # (query, candidate, kind): the same name romanised by two systems
    ("Korea Samchong Shipping", "Korea Samjong Shipping", "organisation"),
    ("Korea Yuchong Shipping Co Ltd", "Korea Yujong Shipping Co Ltd", "organisation"),
    ("Kumchon Mining Company", "Kumjon Mining Company", "organisation"),
]


@pytest.mark.parametrize(("query", "candidate", "kind"), ROMANISATIONS)
def test_romanisation_variants_match(query, candidate, kind):
    comparison = compare(analyse(query, kind), analyse(candidate, kind))
    assert HIGH <= comparison.score < 1.0
    assert "romanisation" in {why for _, _, _, why in comparison.pairs}


def test_romanisation_does_not_join_other_letters():
    """Only the letters romanisations write differently: Samsong is not Samjong romanised otherwise."""
    comparison = compare(analyse("Samsong", "organisation"), analyse("Samjong", "organisation"))
    assert "romanisation" not in {why for _, _, _, why in comparison.pairs}


LOOSE_JOINS = [
    # (query, candidate, kind) -- a short word beside a long one must not be joined to it as a misspelling
    ("Lu Abdurahmanov", "Abdurahmanov Lu", "person"),
    ("Bo Abdurahmanov Karim", "Abdurahmanov Karim Bo", "person"),
    ("Co. Zenith Industrial", "Zenith Industrial Co.", "organisation"),
]


@pytest.mark.parametrize(("query", "candidate", "kind"), LOOSE_JOINS)
def test_a_loose_join_never_replaces_an_exact_word(query, candidate, kind):
    """'lu abdurahmanov' is two edits from 'abdurahmanov', but 'abdurahmanov' is there, spelt right."""
    assert score(query, candidate, kind) == pytest.approx(1.0)


def test_a_letter_dropped_from_a_three_letter_word_still_counts_for_something():
    assert LOW < score("Yu Kwang Ho", "Yun Kwang Ho") < 1.0
    assert score("Wang Li", "Wang Liu") < DEFAULT_THRESHOLD  # weak evidence: alone it does not make a match


MISSPELT_LEGAL_FORMS = [
    # (query, candidate): rigour abbreviates a legal form it recognises, not a misspelt one
    ("Nordwind Shipping Lmited", "Nordwind Shipping Limited"),
    ("Nordwind Shipping Limitde", "Nordwind Shipping Limited"),
    ("Zenith Plastics Incorporatde", "Zenith Plastics Incorporated"),
    # a form of several words: the candidate wrote it out, the query misspelt one of them
    ("Ryonha Machinery Johnt Venture", "Ryonha Machinery Joint Venture"),
    ("Ryonha Machinery Joint Ventrue", "Ryonha Machinery Joint Venture"),
]


@pytest.mark.parametrize(("query", "candidate"), MISSPELT_LEGAL_FORMS)
def test_a_misspelt_legal_form_pairs_with_its_abbreviation(query, candidate):
    comparison = compare(analyse(query, "organisation"), analyse(candidate, "organisation"))
    assert comparison.score >= HIGH
    assert "abbreviation" in {why for _, _, _, why in comparison.pairs}


def test_words_are_a_legal_form_only_where_the_candidate_wrote_that_form_out():
    """'Central Oil' has the initials of 'co', but the candidate's 'Co' was never written 'Central Oil'."""
    assert score("Zenith Central Oil", "Zenith Co", "organisation") < LOW
    assert score("Ryonha Machinery Jolly Vendors", "Ryonha Machinery Joint Venture", "organisation") < LOW


def test_a_legal_form_alone_does_not_make_a_match():
    assert score("Sunrise Lighted", "Nordwind Ltd", "organisation") < LOW


ABBREVIATIONS = [
    # (abbreviation, word, whether it can abbreviate the word)
    ("ltd", "limited", True),
    ("ltd", "lmited", True),
    ("inc", "incorporatde", True),
    ("llc", "limited", False),  # letters out of order or missing
    ("ltd", "total", False),  # another first letter
    ("ltd", "ltd", False),  # not longer: the same word
    ("co", "company", False),  # two letters fit too many words
]


@pytest.mark.parametrize(("short", "word", "expected"), ABBREVIATIONS)
def test_abbreviates(short, word, expected):
    assert abbreviates(short, word) is expected


# --- Pairs that must not match ------------------------------------------------------------------

NOT_MATCHING = [
    # (query, candidate, kind) -- different names
    # different people sharing only a common first name
    ("John Smith", "John Brown", "person"),
    ("Maria Garcia", "Maria Fernandez", "person"),
    ("Jean Dupont", "Jean Martin", "person"),
    ("Abdullah Ahmed", "Abdullah Saleh", "person"),
    ("Muhammad Yusuf", "Muhammad Rashid Qudsi", "person"),
    ("Mohammed Ali", "Mohammed Khalil Ibrahim", "person"),
    ("Ahmed Hassan", "Ahmed Khalil Ibrahim Mansour", "person"),
    # only a family name (nisba) in common
    ("Hamid al-Masri", "Yusuf al-Masri", "person"),
    # only particles in common
    ("Abu Ali", "Abu Hamza", "person"),
    ("Ali bin Said", "Hamid bin Khalid", "person"),
    ("Al-Qaida", "al-Shabaab", None),
    # one edit in a three-letter word, alone, is weak evidence
    ("Wei", "Wen", "person"),
    ("ABC", "ABD", "organisation"),
    # organisations that share only generic words
    ("Global Trading Company", "Sunrise Trading Company", "organisation"),
    ("National Liberation Army", "Popular Liberation Army", "organisation"),
    # two typos in a long single word are too many
    ("Montgomery", "Mongtomary", "person"),
]


@pytest.mark.parametrize(("query", "candidate", "kind"), NOT_MATCHING)
def test_different_names_do_not_match(query, candidate, kind):
    assert score(query, candidate, kind) < LOW


def test_a_two_part_name_inside_a_four_part_name_stays_below_the_threshold():
    """'Ahmed Hassan' is in 'Ahmed Mohamed Hassan Abdullah' but explains only half of it."""
    assert score("Ahmed Hassan", "Ahmed Mohamed Hassan Abdullah") < DEFAULT_THRESHOLD



KNOWN_LIMIT = pytest.mark.xfail(
    strict=True,
    reason="known limit: three-letter words that differ only in a vowel keep their metaphone (Kim/Keem is a "
    "real transliteration pair in the UN list, so it scores 0.7), and one identical word beside it makes a 0.85 "
    "match; a generic-plus-distinctive organisation name inside a longer one reads like a dropped word",
)
NOT_MATCHING_BUGS = [
    pytest.param("Tom Fox", "Tim Fox", "person", marks=KNOWN_LIMIT),
    ("Bob Lee", "Rob Lee", "person"),
    ("Li Wei", "Li Wen", "person"),
    pytest.param("Kim Jin", "Kim Jun", "person", marks=KNOWN_LIMIT),
    ("Trading Company", "Sunrise Trading Company", "organisation"),
    pytest.param("Liberation Front", "Oromo Liberation Front", "organisation", marks=KNOWN_LIMIT),
    ("Ahmed Hassan", "Ahmed Hussein", "person"),
]


@pytest.mark.parametrize(("query", "candidate", "kind"), NOT_MATCHING_BUGS)
def test_weak_evidence_does_not_make_a_match(query, candidate, kind):
    assert score(query, candidate, kind) < DEFAULT_THRESHOLD


# --- Token-level rules --------------------------------------------------------------------------

SPELLING = [
    # (a, b, how alike: 0 = not at all)
    ("montgomery", "montgomary", 0.8),
    ("montgomery", "mongtomary", 0.7),  # two edits, allowed from 8 letters
    ("omar", "amar", 0.8),  # one edit from 4 letters
    ("omar", "amir", 0.0),  # two edits in a short word
    ("wei", "wen", 0.5),  # one edit in a three-letter word is weak
    ("wei", "xyz", 0.0),
    ("li", "lu", 0.0),  # two letters: no substitution
    ("li", "il", 0.0),  # nor a swap
    ("li", "liu", 0.5),  # only a letter more, and weakly
    ("yun", "yu", 0.5),
    ("li", "lium", 0.0),
]


@pytest.mark.parametrize(("a", "b", "expected"), SPELLING)
def test_spelling_similarity_budget_grows_with_length(a, b, expected):
    assert spelling_similarity(a, b)[0] == pytest.approx(expected)


def test_explained_pairs_say_why():
    comparison = compare(analyse("Mohammed Jizrawi", "person"), analyse("Muhammad al-Jizrawi", "person"))
    pairs = {(query, candidate): why for query, candidate, _, why in comparison.pairs}
    assert pairs[("mohammed", "muhammad")] == "variant"
    assert pairs[("jizrawi", "jizrawi")] == "same"
    assert 0.0 < comparison.score <= 1.0
    assert comparison.query_coverage == pytest.approx(0.975, abs=0.01)


def test_scores_are_within_zero_and_one():
    for query, candidate, kind in [*MATCHING, *NOT_MATCHING]:
        assert 0.0 <= score(query, candidate, kind) <= 1.0
