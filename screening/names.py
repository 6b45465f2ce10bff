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
alone costs a lot.
"""

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
                               "inc", "llc", "ltd", "co"})
SYMBOL_CATEGORIES = {"NAME", "SYMBOL", "DOMAIN", "LOCATION", "ORG_CLASS", "INITIAL", "NUMERIC"}
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
        if token.weight < 0.5:
            return []  # particles and generic words would make every name a candidate
        keys = [token.form]
        if len(token.metaphone) >= 2:
            keys.append(f"~{token.metaphone}")
        return keys


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
            weight=token_weight(part.comparable, part.tag, kind),
        )
        for part in parsed.parts
        if part.comparable
    )
    return Analysed(text=text, tokens=tokens) if tokens else None


def token_weight(form: str, tag, kind) -> float:
    if form in PARTICLES or tag == NamePartTag.STOP:
        return 0.2
    if kind != "person" and (form in GENERIC_ORG_WORDS or tag == NamePartTag.LEGAL):
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
    short = min(len(a.form), len(b.form))
    if short >= 3 and a.metaphone and a.metaphone == b.metaphone:
        return 0.85, "sounds alike"
    return spelling_similarity(a.form, b.form)


def spelling_similarity(a: str, b: str) -> tuple[float, str]:
    """Typo tolerance: edits (a swap of neighbours counts as one) within a budget that grows with length."""
    short = min(len(a), len(b))
    if short < 3:
        return 0.0, ""
    distance = OSA.distance(a, b, score_cutoff=2)
    if short == 3:  # one edit in a three-letter word is weak evidence
        return (0.7, "spelling") if distance == 1 else (0.0, "")
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
    """Align the tokens of two names in any order and score how well each explains the other."""
    scored = []
    for i, qt in enumerate(query.tokens):
        for j, ct in enumerate(candidate.tokens):
            similarity, why = token_similarity(qt, ct)
            if similarity:
                scored.append((similarity * min(qt.weight, ct.weight), similarity, i, j, why))
    scored.sort(reverse=True)
    used_q, used_c, pairs = set(), set(), []
    explained_q = explained_c = 0.0
    for _, similarity, i, j, why in scored:
        if i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        explained_q += query.tokens[i].weight * similarity
        explained_c += candidate.tokens[j].weight * similarity
        pairs.append((query.tokens[i].form, candidate.tokens[j].form, round(similarity, 3), why))
    # A name written as one word on one side and two on the other ("abd alkarim" / "abdulkarim").
    for many, one, swap in ((query, candidate, False), (candidate, query, True)):
        used_many, used_one = (used_c, used_q) if swap else (used_q, used_c)
        for i, j, similarity in merges(many.tokens, one.tokens, used_many, used_one):
            used_many.update((i, i + 1))
            used_one.add(j)
            joined_weight = many.tokens[i].weight + many.tokens[i + 1].weight
            merged = f"{many.tokens[i].form} {many.tokens[i + 1].form}"
            if swap:
                explained_q += one.tokens[j].weight * similarity
                explained_c += joined_weight * similarity
                pairs.append((one.tokens[j].form, merged, round(similarity, 3), "split"))
            else:
                explained_q += joined_weight * similarity
                explained_c += one.tokens[j].weight * similarity
                pairs.append((merged, one.tokens[j].form, round(similarity, 3), "joined"))
    total_q = sum(token.weight for token in query.tokens)
    total_c = sum(token.weight for token in candidate.tokens)
    coverage_q = explained_q / total_q if total_q else 0.0
    coverage_c = explained_c / total_c if total_c else 0.0
    score = f_measure(coverage_q, coverage_c)
    joined = joined_similarity(query, candidate)
    if joined > score:  # "binladen" against "bin laden", or tokens split differently
        score = joined
        pairs = [(query.normalized, candidate.normalized, round(joined, 3), "joined")]
    return NameComparison(score=score, query_coverage=coverage_q, candidate_coverage=coverage_c, pairs=tuple(pairs))


def merges(many: tuple[Token, ...], one: tuple[Token, ...], used_many: set, used_one: set):
    """Pairs of neighbouring unmatched tokens on one side that, joined, spell an unmatched token of the other."""
    for i in range(len(many) - 1):
        if i in used_many or i + 1 in used_many:
            continue
        joined = many[i].form + many[i + 1].form
        for j, token in enumerate(one):
            if j in used_one or len(token.form) < 6:
                continue
            similarity = 1.0 if joined == token.form else spelling_similarity(joined, token.form)[0]
            if similarity:
                yield i, j, similarity
                used_many.update((i, i + 1))
                used_one.add(j)
                break


def f_measure(query_coverage: float, candidate_coverage: float, beta: float = 1.5) -> float:
    """Weighted harmonic mean; beta > 1 weighs explaining the query above explaining the whole candidate."""
    if not query_coverage or not candidate_coverage:
        return 0.0
    b2 = beta * beta
    return (1 + b2) * query_coverage * candidate_coverage / (b2 * candidate_coverage + query_coverage)


def joined_similarity(query: Analysed, candidate: Analysed) -> float:
    a = "".join(token.form for token in query.tokens if token.weight >= 0.5)
    b = "".join(token.form for token in candidate.tokens if token.weight >= 0.5)
    return 0.97 if len(a) >= 6 and a == b else 0.0
