"""
Combined keys: on a large registry every word of a name can be common, and the names that carry two or three
of the query's words are the ones to find. A registry where each word is "common" is made small here by lowering
COMMON_KEY and CANDIDATES_PER_QUERY: before combined keys, only the first entities (by id) with the rarest word
were candidates.
"""

import pytest

from entities.choices import NameType
from entities.models import Entity, Name
from screening import service
from screening.index import COMBINED_TOKENS, combined_keys, index_keys, rebuild
from screening.names import analyse
from screening.scoring import Query

OTHERS = ["Kellam", "Brisco", "Tandor", "Wexley"]


def keys_of(name: str, kind: str = "person") -> set[str]:
    return {key for _, key in combined_keys(analyse(name, kind).tokens, COMBINED_TOKENS)}


def test_combined_keys_do_not_depend_on_word_order():
    assert keys_of("Mohammed Ali Hassan") == keys_of("Hassan Mohammed Ali")
    assert {"ali+mohammed", "hassan+mohammed", "ali+hassan", "ali+hassan+mohammed", "~AL+MHMT"} <= index_keys(
        analyse("Mohammed Ali Hassan", "person")
    )
    assert analyse("Mohammed", "person").keys() == index_keys(analyse("Mohammed", "person"))


def test_a_repeated_word_makes_another_key():
    assert "ismail+jama+yasin+yasin" in keys_of("Yasin Yasin Ismail Jama")
    assert "ismail+jama+yasin+yasin" not in keys_of("Yasin Ismail Ismail Jama")


def test_combined_keys_leave_out_particles_keep_generic_words_and_are_bounded():
    assert not [key for key in keys_of("Abu Bakr al Baghdadi") if {"abu", "al"} & set(key.split("+"))]
    assert "front+islamic" in keys_of("Islamic Front of Quetta", "organisation")
    assert "front+group" not in keys_of("Islamic Front Group", "organisation")  # no distinctive word in the pair
    assert "front+group" in keys_of("Front Group", "organisation")  # ... but in the name: all its words
    forms = {key for key in keys_of("Anna Berta Clara Dora Erna Frieda Greta") if not key.startswith("~")}
    assert len(forms) == 11  # the pairs, triples and the four of the first four words


@pytest.fixture
def common_words(registry, monkeypatch):
    """'Zorander' and 'Quillfeather' each on 5 names (common here), together on one: the last entity's."""
    entities = list(Entity.objects.order_by("id"))
    target = entities[-1]
    for entity, other in zip(entities[:4], OTHERS, strict=True):
        Name.objects.create(entity=entity, name_type=NameType.ALIAS, full_name=f"Zorander {other}", public=True)
    for entity, other in zip(entities[4:8], OTHERS, strict=True):
        Name.objects.create(entity=entity, name_type=NameType.ALIAS, full_name=f"Quillfeather {other}", public=True)
    Name.objects.create(entity=target, name_type=NameType.ALIAS, full_name="Zorander Quillfeather", public=True)
    rebuild()
    monkeypatch.setattr(service, "COMMON_KEY", 3)
    monkeypatch.setattr(service, "CANDIDATES_PER_QUERY", 2)
    return target


@pytest.mark.parametrize("name", ["Zorander Quillfeather", "Quillfeather Zorander", "QUILLFEATHER, Zorander"])
def test_two_common_words_find_the_name_with_both(common_words, name):
    analysed = analyse(name, None)
    assert service.key_frequencies(["zorander", "quillfeather"]) == {"zorander": 5, "quillfeather": 5}
    assert common_words.pk in service.find_candidates(analysed, kind=None)
    [result] = service.screen([Query(name=name)])
    assert result.candidates[0].entity_id == common_words.pk


def test_a_misspelt_common_word_finds_the_name_by_its_pair(common_words):
    """'Zorandar' is no word of the registry: spelt as the registry's words like it, its pair finds the name."""
    analysed = analyse("Zorandar Quillfeather", None)
    assert "zorandar" not in service.key_frequencies(["zorandar"])
    assert common_words.pk in service.find_candidates(analysed, kind=None)
    [result] = service.screen([Query(name="Zorandar Quillfeather")])
    assert result.candidates[0].entity_id == common_words.pk


def test_a_misspelt_words_stand_ins_make_its_triples_too():
    """On a large registry 'ali+mohammed' is on thousands of names; 'ali+hassan+mohammed' on a few."""
    analysed = analyse("Mohatmed Ali Hassan", "person")
    assert [token.form for token in analysed.tokens] == ["mohatmed", "ali", "hassan"], "precondition"
    similar = {"mohatmed": [("mohammed", 1.0), ("mohamed", 0.6), ("ahmed", 0.5), ("mehmet", 0.45)]}
    keys = service.respelled_keys(analysed, [(0, "mohatmed")], similar)
    assert {"ali+mohammed", "hassan+mohammed", "ali+hassan+mohammed", "ali+hassan+mohamed"} <= set(keys)
    assert "ali+mehmet" in keys  # pairs with every similar word
    assert "ali+hassan+mehmet" not in keys  # triples with the RESPELLED_WORDS closest only
    assert not [key for key in keys if "mohatmed" in key or "ali+hassan" == key]  # only what the word is in
    assert keys["ali+hassan+mohammed"] == keys["ali+hassan+mohamed"]  # one combination, one group
