"""
Name analysis and comparison for screening: pure functions, no Django.

A name is analysed once, with OpenSanctions' rigour library, into tokens: each token's comparable form
(Unicode NFKC, case-folded, transliterated to Latin, punctuation and hyphens split), its metaphone, and
the name symbols rigour knows for it (Wikidata name ids and its own symbols, so that Mohammed, Muhammad
and Mohamed, or Abdul and Abd al, share a symbol). Person titles ("Colonel") and organisation types are
normalised away by rigour; particles (al-, bin, abu) and generic organisation words count for little.

Two analysed names are compared token by token, in any order: equal forms score 1, a shared symbol 0.95,
the same metaphone 0.85, a close spelling (edit distance within a length budget) a little less. The name
score is a weighted F-measure of how much of the query is explained by the candidate and how much of
the candidate is explained by the query, so a missing middle name costs a little and a shared first name
alone costs a lot. The middle words of a name (neither the first nor the last word) are the ones most often
left out, so when the query has the candidate's first and last words, an unexplained middle word costs less:
"Hans Weber" fits "Hans Peter Weber" better than "Hans Weber Schmidt".
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA
from rigour.names import NamePartTag, NameTypeTag, analyze_names

PARTICLES = frozenset({"al", "el", "ul", "ad", "ar", "as", "ash", "at", "az", "bin", "ben", "ibn", "bint", "abu",
                       "abou", "da", "de", "del", "der", "di", "du", "la", "le", "van", "von", "y", "and", "of",
                       "the", "e", "i"})
GENERIC_ORG_WORDS = frozenset({"group", "front", "brigade", "brigades", "movement", "organization", "organisation",
                               "army", "battalion", "battalions", "party", "network", "company", "committee",
                               "council", "union", "association", "society", "foundation", "institute", "corporation",
                               "inc", "llc", "ltd", "co",
                               # rigour's abbreviations of legal forms, which it tags as legal only at the end
                               "jv", "jsc", "plc", "gmbh"})
GENERIC_ONLY_CAP = 0.6
MIDDLE_NAME_FACTOR = 0.6  # how much a middle word counts, in the candidate, against a first or last word
GENERIC_WEIGHT = 0.3  # a generic organisation word or legal form
DISTINCTIVE = 0.5  # a word weighing this much or more says which name it is (not a particle, initial or legal form)
ROMANISED_SIMILARITY = 0.85  # as much as sounding alike
ROMANISED_LETTERS = str.maketrans({"k": "g", "t": "d", "p": "b", "l": "r"})
ABBREVIATION_SIMILARITY = 0.8  # a misspelt legal form against its abbreviation: as much as one typo
# rigour's symbols for words that say what kind of business an organisation is, not which one.
GENERIC_ORG_SYMBOLS = frozenset({"SYMBOL:TRADE", "SYMBOL:GENERAL", "SYMBOL:CO", "SYMBOL:INDUSTRY", "SYMBOL:HOLDING",
                                 "SYMBOL:GRP"})
SYMBOL_CATEGORIES = {"NAME", "SYMBOL", "DOMAIN", "LOCATION", "ORG_CLASS", "INITIAL", "NUMERIC"}
WORD = re.compile(r"[^\W_]+")
KINDS = {"person": NameTypeTag.PER, "organisation": NameTypeTag.ORG, None: NameTypeTag.ENT}


@dataclass(frozen=True)
class Token:
    form: str
    metaphone: str
    symbols: frozenset[str]
    weight: float

    def as_list(self) -> list:
        return [self.form, self.metaphone, sorted(self.symbols), self.weight]

    @classmethod
    def from_list(cls, data) -> "Token":
        form, metaphone, symbols, weight = data
        return cls(form, metaphone, frozenset(symbols), weight)


@dataclass(frozen=True)
class Analysed:
    text: str
    tokens: tuple[Token, ...]

    @property
    def normalized(self) -> str:
        return " ".join(token.form for token in self.tokens)

    def keys(self) -> set[str]:
        """
        The index keys of the name: its word forms and their metaphones (~). Symbols are left to scoring:
        a word can carry many, which doubled the index without finding more candidates on the dev set.
        """
        return {key for token in self.tokens for key in self.keys_of(token)}

    @staticmethod
    def keys_of(token: "Token") -> list[str]:
        if token.weight < DISTINCTIVE:
            return []  # particles and generic words would make every name a candidate
        keys = [token.form]
        if len(token.metaphone) >= 2:
            keys.append(f"~{token.metaphone}")
        return keys


def warm_up_analyser() -> None:
    """Load rigour's tables now rather than on the first name analysed."""
    analyse("Warm Up", None)


def analyse_many(names: list[str], kind: str | None) -> dict[str, Analysed]:
    """Analyse a batch of names of one kind; returns {name: Analysed} for those that are names at all."""
    result = {}
    for name in set(names):
        analysed = analyse(name, kind)
        if analysed is not None:
            result[name] = analysed
    return result


@lru_cache(maxsize=65536)
def analyse(name: str, kind: str | None) -> Analysed | None:
    text = " ".join((name or "").split())[:500]
    if not text:
        return None
    names = analyze_names(KINDS.get(kind, NameTypeTag.ENT), [text], phonetics=True, numerics=False)
    if not names:
        return None
    parsed = min(names, key=lambda n: len(n.comparable))  # rigour may give variants; the plainest wins
    symbols: dict[int, set[str]] = {}
    for span in parsed.spans:
        category = str(span.symbol.category).rpartition(".")[2]
        if category not in SYMBOL_CATEGORIES:
            continue
        for part in span.parts:
            symbols.setdefault(part.index, set()).add(f"{category}:{span.symbol.id}")
    tokens = tuple(
        Token(
            form=part.comparable,
            metaphone=part.metaphone or "",
            symbols=frozenset(symbols.get(part.index, ())),
            weight=token_weight(part.comparable, part.tag, kind, symbols.get(part.index, set())),
        )
        for part in parsed.parts
        if part.comparable
    )
    return Analysed(text=text, tokens=tokens) if tokens else None


def token_weight(form: str, tag, kind, symbols: set[str]) -> float:
    if form in PARTICLES or tag == NamePartTag.STOP:
        return 0.2
    if kind != "person" and (form in GENERIC_ORG_WORDS or tag == NamePartTag.LEGAL):
        return 0.3
    if kind != "person" and any(s in GENERIC_ORG_SYMBOLS or s.startswith("ORG_CLASS:") for s in symbols):
        return 0.3
    if len(form) <= 1:
        return 0.3  # an initial
    return 1.0


def token_similarity(a: Token, b: Token) -> tuple[float, str]:
    """How alike two tokens are, in [0, 1], and why."""
    if a.form == b.form:
        return 1.0, "same"
    if a.symbols & b.symbols:
        return 0.95, "variant"
    similarity, why = spelling_similarity(a.form, b.form)
    # Metaphones ignore vowels (Hassan and Hussein are both HSN), so they only vouch for spellings at most
    # two edits apart (Kim and Keem, Laden and Ladin); in three-letter words only weakly.
    if a.metaphone and a.metaphone == b.metaphone and OSA.distance(a.form, b.form, score_cutoff=3) <= 2:
        alike = 0.85 if min(len(a.form), len(b.form)) >= 4 else 0.7
        if alike > similarity:
            return alike, "sounds alike"
    if similarity < ROMANISED_SIMILARITY and min(len(a.form), len(b.form)) >= 4 and romanised(a.form) == romanised(
            b.form):
        return ROMANISED_SIMILARITY, "romanisation"
    return similarity, why


@lru_cache(maxsize=65536)
def romanised(form: str) -> str:
    """
    A word with the letters that romanisation systems write differently made the same: Korean romanised by
    McCune-Reischauer or by the Revised Romanization (Samchong and Samjong, Kwangsong and Gwangseong, Pak and
    Bak), Arabic's g and k, d and t (Gamal and Kamal). Metaphones already join some of these, but keep ch and j
    apart (Samchong SMXNK, Samjong SMJNK).
    """
    return form.translate(ROMANISED_LETTERS).replace("ch", "j").replace("eo", "o").replace("eu", "u")


def spelling_similarity(a: str, b: str) -> tuple[float, str]:
    """Typo tolerance: edits (a swap of neighbours counts as one) within a budget that grows with length."""
    short = min(len(a), len(b))
    if short < 2:
        return 0.0, ""
    distance = OSA.distance(a, b, score_cutoff=2)
    if short == 2:  # a letter dropped from a three-letter word (Yun written Yu); any other edit changes the word
        return (0.5, "spelling") if len(a) != len(b) and distance == 1 else (0.0, "")
    if short == 3:  # one edit in a three-letter word is weak evidence (Tom and Tim are different people)
        return (0.5, "spelling") if distance == 1 else (0.0, "")
    budget = 1 if short < 8 else 2
    if distance <= budget:
        return 0.9 - 0.1 * distance, "spelling"
    return 0.0, ""


@dataclass(frozen=True)
class NameComparison:
    score: float
    query_coverage: float
    candidate_coverage: float
    pairs: tuple[tuple[str, str, float, str], ...]


def compare(query: Analysed, candidate: Analysed) -> NameComparison:
    """
    Align the tokens of two names in any order and score how well each explains the other. The candidate's
    middle words count less (see ``forgiven_middle_names``).
    """
    alignment = Alignment(query, candidate)
    # First, words written as one on one side and as two or three on the other ("abd al karim" /
    # "abdulkarim"), which word-by-word pairing would otherwise split wrongly.
    alignment.merge(query, candidate, swap=False)
    alignment.merge(candidate, query, swap=True)
    scored = []
    for i, qt in enumerate(query.tokens):
        for j, ct in enumerate(candidate.tokens):
            if i in alignment.used_q or j in alignment.used_c:
                continue
            similarity, why = token_similarity(qt, ct)
            if similarity:
                scored.append((similarity * min(qt.weight, ct.weight), similarity, i, j, why))
    scored.sort(reverse=True)
    for _, similarity, i, j, why in scored:
        if i not in alignment.used_q and j not in alignment.used_c:
            alignment.pair([i], [j], similarity, why)
    alignment.pair_abbreviations()
    total_q = sum(token.weight for token in query.tokens) - alignment.generic_q
    total_c = sum(token.weight for token in candidate.tokens) - forgiven_middle_names(alignment)
    coverage_q = alignment.explained_q / total_q if total_q else 0.0
    coverage_c = alignment.explained_c / total_c if total_c else 0.0
    score = f_measure(coverage_q, coverage_c)
    if not alignment.content_matched and (has_content(query) or has_content(candidate)):
        # Only particles or generic words in common ("Trading Company" against "X Trading Company"); unless
        # neither name has anything else ("E. S. Co." against "E. S. Co.").
        score = min(score, GENERIC_ONLY_CAP)
    pairs = alignment.pairs
    joined = joined_similarity(query, candidate)
    if joined > score:  # "binladen" against "bin laden"
        score = joined
        pairs = [(query.normalized, candidate.normalized, round(joined, 3), "joined")]
    return NameComparison(score=score, query_coverage=coverage_q, candidate_coverage=coverage_c, pairs=tuple(pairs))


def has_content(name: Analysed) -> bool:
    """Whether the name has a distinctive word: not only particles, generic words, legal forms and initials."""
    return any(token.weight >= DISTINCTIVE for token in name.tokens)


def forgiven_middle_names(alignment: "Alignment") -> float:
    """
    How much of the candidate's weight its unexplained middle words do not count for: a person's middle names
    (the distinctive words between the first and the last) are the ones most often left out ("Hans Peter Weber"
    goes by "Hans Weber"), first and last names are not; an organisation's too ("Weihai Freight" for "Weihai
    World-Shipping Freight", "DCB Limited" for "DCB Finance Limited": a legal form or initial is a first or last
    word, a particle is not). Only when the query explains both the first and the last word, and only a middle
    word it leaves out entirely, and only in part; the query's own words always count in full. "Ahmed Hassan"
    against "Ahmed Mohamed Hassan Abdullah" leaves out the last name: nothing is forgiven.
    """
    tokens = alignment.candidate.tokens
    words = [index for index, token in enumerate(tokens) if token.weight >= GENERIC_WEIGHT]
    if len(words) < 3 or words[0] not in alignment.used_c or words[-1] not in alignment.used_c:
        return 0.0
    missing = [index for index in words[1:-1] if index not in alignment.used_c and tokens[index].weight >= DISTINCTIVE]
    return (1 - MIDDLE_NAME_FACTOR) * sum(tokens[index].weight for index in missing)


class Alignment:
    """Which words of the query are explained by which of the candidate, and how well."""

    def __init__(self, query: Analysed, candidate: Analysed):
        self.query, self.candidate = query, candidate
        self.used_q: set[int] = set()
        self.used_c: set[int] = set()
        self.explained_q = self.explained_c = 0.0
        self.generic_q = 0.0  # weight the query loses where a word of it turned out to be a legal form
        self.pairs: list[tuple[str, str, float, str]] = []
        self.content_matched = False

    def pair(self, query_indexes: list[int], candidate_indexes: list[int], similarity: float, why: str):
        query_tokens = [self.query.tokens[i] for i in query_indexes]
        candidate_tokens = [self.candidate.tokens[j] for j in candidate_indexes]
        self.used_q.update(query_indexes)
        self.used_c.update(candidate_indexes)
        self.explained_q += sum(token.weight for token in query_tokens) * similarity
        self.explained_c += sum(token.weight for token in candidate_tokens) * similarity
        if all(any(t.weight >= DISTINCTIVE for t in side) for side in (query_tokens, candidate_tokens)):
            self.content_matched = True
        self.pairs.append((" ".join(t.form for t in query_tokens), " ".join(t.form for t in candidate_tokens),
                           round(similarity, 3), why))

    def pair_abbreviations(self):
        """
        Pair query words left unexplained with a legal form of the candidate left unexplained when they are
        that legal form misspelt: rigour writes a recognised "Limited" as "ltd" and "Joint Venture" as "jv",
        but a misspelt "Lmited" or "Johnt Venture" stays words of their own, which no word of the candidate
        would explain. One word is the form when the form abbreviates it ("ltd" in "lmited"); several when
        the candidate's name wrote the form out in as many words and each query word is that word or a
        misspelling of it. The words then count as the legal form they are: at the generic weight, and
        explained like one typo.
        """
        forms = [(j, form) for j, form in enumerate(self.candidate.tokens)
                 if j not in self.used_c and form.weight == GENERIC_WEIGHT and len(form.form) >= 2]
        if not forms:
            return
        words = [i for i, word in enumerate(self.query.tokens) if i not in self.used_q and word.weight > GENERIC_WEIGHT]
        for j, form in forms:
            if len(form.form) >= 3:
                for i in words:
                    if i not in self.used_q and abbreviates(form.form, self.query.tokens[i].form):
                        self.explain_as_form([i], j)
                        break
            if j in self.used_c or len(form.form) > 4:
                continue
            for written in written_out(form.form, self.candidate.text):
                run = next((run for run in runs(words, len(written), self.used_q) if all(
                    misspells(self.query.tokens[i].form, word) for i, word in zip(run, written, strict=True))), None)
                if run:
                    self.explain_as_form(run, j)
                    break

    def explain_as_form(self, query_indexes: list[int], j: int):
        """The query's words at these indexes are the candidate's legal form j."""
        words = [self.query.tokens[i] for i in query_indexes]
        self.generic_q += sum(word.weight for word in words) - GENERIC_WEIGHT
        self.used_q.update(query_indexes)
        self.used_c.add(j)
        self.explained_q += GENERIC_WEIGHT * ABBREVIATION_SIMILARITY
        self.explained_c += GENERIC_WEIGHT * ABBREVIATION_SIMILARITY
        self.pairs.append((" ".join(word.form for word in words), self.candidate.tokens[j].form,
                           ABBREVIATION_SIMILARITY, "abbreviation"))

    def merge(self, many: Analysed, one: Analysed, *, swap: bool):
        """Pair runs of 2 or 3 neighbouring words of ``many`` that, joined, spell one long word of ``one``."""
        used_many, used_one = (self.used_c, self.used_q) if swap else (self.used_q, self.used_c)
        lengths = [len(token.form) for token in many.tokens]
        for j, token in enumerate(one.tokens):
            if j in used_one or len(token.form) < 6:
                continue
            for size in (3, 2):
                for i in range(len(many.tokens) - size + 1):
                    run = range(i, i + size)
                    # spelling_similarity allows two edits at most: a run far longer or shorter cannot spell it
                    if abs(sum(lengths[i:i + size]) - len(token.form)) > 2 or any(k in used_many for k in run):
                        continue
                    joined = "".join(many.tokens[k].form for k in run)
                    similarity = 1.0 if joined == token.form else spelling_similarity(joined, token.form)[0]
                    # Never when one word of the run is the word itself: a loose join must not take the
                    # place of an exact word ("lu abdurahmanov" is not a misspelt "abdurahmanov").
                    if not similarity or any(many.tokens[k].form == token.form for k in run):
                        continue
                    # Only where the run explains more than its best single word would ("al muhammad" /
                    # "muhammad" pairs word by word; "abd al karim" / "abdulkarim" joins).
                    run_weight = sum(many.tokens[k].weight for k in run)
                    alone = max(token_similarity(many.tokens[k], token)[0] * many.tokens[k].weight for k in run)
                    if similarity * run_weight > alone:
                        if swap:
                            self.pair([j], list(run), similarity, "split")
                        else:
                            self.pair(list(run), [j], similarity, "joined")
                        break
                if j in used_one:
                    break


def written_out(form: str, text: str) -> list[list[str]]:
    """The runs of words of ``text`` whose initials spell ``form``: "joint venture" for "jv"."""
    words = WORD.findall(text.casefold())
    size = len(form)
    return [words[k:k + size] for k in range(len(words) - size + 1)
            if "".join(word[0] for word in words[k:k + size]) == form]


def runs(indexes: list[int], size: int, used: set[int]) -> list[list[int]]:
    """The runs of ``size`` neighbouring indexes among ``indexes``, none of them used."""
    return [list(range(i, i + size)) for i in indexes
            if all(k in indexes and k not in used for k in range(i, i + size))]


def misspells(word: str, written: str) -> bool:
    return word == written or spelling_similarity(word, written)[0] > 0


def abbreviates(short: str, word: str) -> bool:
    """
    Whether ``short`` (three letters or more: "ltd", "inc", "llc", not "co") can abbreviate ``word``: the same
    first letter, its letters in order in a longer word ("ltd" in "limited" and in "lmited").
    """
    if len(short) < 3 or len(word) <= len(short) or short[0] != word[0]:
        return False
    letters = iter(word)
    return all(letter in letters for letter in short)


def f_measure(query_coverage: float, candidate_coverage: float, beta: float = 1.5) -> float:
    """Weighted harmonic mean; beta > 1 weighs explaining the query above explaining the whole candidate."""
    if not query_coverage or not candidate_coverage:
        return 0.0
    b2 = beta * beta
    return (1 + b2) * query_coverage * candidate_coverage / (b2 * candidate_coverage + query_coverage)


def joined_similarity(query: Analysed, candidate: Analysed) -> float:
    a = "".join(token.form for token in query.tokens)
    b = "".join(token.form for token in candidate.tokens)
    return 0.97 if len(a) >= 6 and a == b else 0.0
