"""
Screening: is this name a designated entity?

``screen`` takes a batch of queries and returns ranked, explained candidates for each. Candidates are found
in the database by the query's rarest index keys (token forms, metaphones, and combinations of them: on a
large registry single words are common, the names with two or three of the query's words are few) and, for a
word no name has, by the registry's words most like it (one edit away; on PostgreSQL also by trigrams), alone
and combined with the query's other words, so the work per query stays bounded whatever the registry's size;
only that bounded set is scored, in Python, by ``screening.scoring``.

On PostgreSQL each step is one hand-written statement (the ORM's query building cost more CPU than the
database's work on a million-entity registry): key frequencies, index rows, and every fact of every
candidate at once. SQLite, the embedded default, goes through the ORM.
"""

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, replace

from django.db import connection
from django.db.models import Q

from entities.choices import DesignationState, EntityKind
from entities.models import BirthDate, Entity, Name, Nationality
from entities.selectors import PUBLIC_FACTS
from screening.index import PAIR, combined_keys
from screening.models import KeyFrequency, NameKey, NameToken
from screening.names import DISTINCTIVE, analyse
from screening.scoring import Candidate, EntityFacts, Query, score_entity

DEFAULT_THRESHOLD = 0.8
CANDIDATES_PER_QUERY = 20
COMMON_KEY = 2000  # a key on more names than this ranks candidates but does not find them
FINDING_ROWS = 20_000  # the finding keys' index rows a query reads at most (the rarest keys' first)
TRIGRAM_CANDIDATES = 10
RESPELLED_WORDS = 3  # a misspelt word's closest registry words that stand in for it in triples and the four
QUERY_COMBINED_TOKENS = 6  # more than the index's COMBINED_TOKENS: a query may put a name's words in another order
WORD_SIMILARITY = 0.4
ONE_EDIT_SIMILARITY = 1.0  # ranks a word one edit away before the trigram search's words
ONE_EDIT_LONGEST = 24  # letters; a longer word (~54 strings a letter) is left to the trigram search
EDIT_LETTERS = "abcdefghijklmnopqrstuvwxyz"  # name forms are transliterated to Latin


@dataclass(frozen=True)
class Result:
    query: Query
    candidates: list[Candidate]


SCREENED = (DesignationState.DESIGNATED,)
WITH_PROPOSED = (DesignationState.DESIGNATED, DesignationState.PROPOSED, DesignationState.UNDER_REVIEW)


def screen(queries: list[Query], *, threshold: float = DEFAULT_THRESHOLD, limit: int = 5,
           states: tuple[str, ...] = SCREENED, internal_names: bool = False) -> list[Result]:
    """
    Candidates for each query, best first, ``match`` set where the score reaches ``threshold``. Only entities
    in ``states`` are candidates: designated ones by default (``WITH_PROPOSED`` adds those awaiting a decision,
    for analysts' tools). Names an analyst entered count only where marked public, unless ``internal_names``
    (the platform's own callers): an external caller must not learn them from a match.
    """
    results = []
    for query in queries:
        analysed = analyse(query.name, query.kind)
        if analysed is None:
            results.append(Result(query, []))
            continue
        entity_ids = find_candidates(analysed, kind=query.kind)
        facts = load_facts(entity_ids, states=states, internal_names=internal_names)
        scored = [score_entity(query, analysed, facts[entity_id], threshold=threshold) for entity_id in facts]
        scored = sorted((c for c in scored if c.score > 0), key=rank)
        results.append(Result(query, scored[:limit]))
    return results


def rank(candidate: Candidate) -> tuple:
    """
    Best score first; on equal scores, an entity matched by its primary name (the name it is designated under)
    before one matched by an alias, then by caption.
    """
    matched_by_alias = candidate.explanation.get("name", {}).get("type") != "primary"
    return -candidate.score, matched_by_alias, candidate.caption, str(candidate.entity_id)


def find_candidates(analysed, *, kind: str | None) -> list:
    groups = query_keys(analysed)
    frequencies = key_frequencies(list(groups))
    # A word that no name in the registry has is likely a misspelling: look for names with a word like it.
    unknown = [(index, token.form) for index, token in enumerate(analysed.tokens)
               if token.weight >= DISTINCTIVE and token.form not in frequencies]
    unknown = sorted(unknown, key=lambda pair: len(pair[1]), reverse=True)[:2]
    similar = {word: similar_words(word) for _, word in unknown}
    spelled = respelled_keys(analysed, unknown, similar)
    frequencies.update(key_frequencies([key for key in spelled if key not in groups]))
    groups = {**spelled, **groups}
    weights = finding_weights(frequencies, groups)
    best = best_by_keys(weights, kind)
    for _, word in unknown:
        best.extend(entity_id for entity_id in trigram_candidates(similar[word], kind) if entity_id not in best)
    return best


def query_keys(analysed) -> dict[str, int]:
    """
    {key: group} for the query's keys: each token's keys are a group (numbered by the token), and each
    combination of tokens' keys another; a group counts once per entity in the ranking.
    """
    groups = {}
    for index, token in enumerate(analysed.tokens):
        for key in analysed.keys_of(token):
            groups.setdefault(key, index)
    for indexes, key in combined_keys(analysed.tokens, QUERY_COMBINED_TOKENS):
        groups.setdefault(key, combination_group(indexes, len(analysed.tokens)))
    return groups


def combination_group(indexes: tuple[int, ...], tokens: int) -> int:
    """A number for a combination of token indexes, after the tokens' own numbers (the indexes in base tokens + 1)."""
    return tokens + sum((index + 1) * (tokens + 1) ** place for place, index in enumerate(indexes))


def respelled_keys(analysed, unknown: list[tuple[int, str]],
                   similar: dict[str, list[tuple[str, float]]]) -> dict[str, int]:
    """
    The combined keys a misspelt word would have had with the query's other words, spelt as the registry's
    words most like it: "mohatmed ali" finds the names with "ali" and "mohammed", "mohatmed ali hassan" those
    with all three. Pairs with each of the similar words; triples and the four with the RESPELLED_WORDS most
    alike (on a large registry a pair of common words is on thousands of names, the triple on a few).
    """
    groups = {}
    tokens = analysed.tokens
    for i, word in unknown:
        for place, (like, _) in enumerate(similar[word]):
            respelled = (*tokens[:i], replace(tokens[i], form=like, metaphone=""), *tokens[i + 1:])
            for indexes, key in combined_keys(respelled, QUERY_COMBINED_TOKENS):
                if i in indexes and (len(indexes) == 2 or place < RESPELLED_WORDS):
                    groups.setdefault(key, combination_group(indexes, len(tokens)))
    return groups


def finding_weights(frequencies: dict[str, int], groups: dict[str, int]) -> dict[str, tuple[int, float]]:
    """
    {key: (group, weight)} for the keys that find candidates: the rarest, as long as their names add up to
    at most FINDING_ROWS (so that every row of every finding key is read), none on more than COMMON_KEY
    names, but at least the rarest key. Rarer keys weigh more. A key of the same group and on as many names
    as one taken already (a pair's metaphones beside its forms, mostly the same names) is left out: a group
    counts once per entity, so it would only spend rows.
    """
    ranked = sorted(frequencies, key=lambda key: (frequencies[key], key))
    finding, rows, taken = [], 0, set()
    for key in ranked:
        if frequencies[key] > COMMON_KEY or rows + frequencies[key] > FINDING_ROWS:
            break
        if (groups[key], frequencies[key]) in taken:
            continue
        taken.add((groups[key], frequencies[key]))
        finding.append(key)
        rows += frequencies[key]
    total = max(sum(frequencies.values()), 1)
    return {key: (groups[key], math.log(1 + total / frequencies[key])) for key in finding or ranked[:1]}


def best_by_keys(weights: dict[str, tuple[int, float]], kind: str | None) -> list:
    """
    The CANDIDATES_PER_QUERY entities whose names carry the most weight of these keys ({key: (token, weight)}):
    of the first COMMON_KEY * 4 index rows in entity order, each token counts once per entity, with the
    weight of its best key; ties go to the lower id.
    """
    if not weights:
        return []
    if connection.vendor != "postgresql":
        return best_by_keys_orm(weights, kind)
    if len(weights) == 1:
        return first_entities_with_key(next(iter(weights)), kind)
    return best_by_keys_postgresql(weights, kind)


def best_by_keys_orm(weights: dict[str, tuple[int, float]], kind: str | None) -> list:
    rows = NameToken.objects.filter(key__in=weights)
    if kind:
        rows = rows.filter(kind=kind)
    by_entity = defaultdict(dict)
    for entity_id, key in rows.order_by("entity_id").values_list("entity_id", "key")[: COMMON_KEY * 4]:
        token, weight = weights[key]
        by_entity[entity_id][token] = max(by_entity[entity_id].get(token, 0.0), weight)
    best = sorted(by_entity, key=lambda entity_id: (-sum(by_entity[entity_id].values()), str(entity_id)))
    return best[:CANDIDATES_PER_QUERY]


def first_entities_with_key(key: str, kind: str | None) -> list:
    """One key weighs the same for every entity: the best are the first entities carrying it, by id."""
    kinds = [kind] if kind else EntityKind.values
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT DISTINCT r.entity_id FROM unnest(%s::text[]) AS k(kind) CROSS JOIN LATERAL (
                SELECT DISTINCT t.entity_id FROM {NameToken._meta.db_table} t WHERE t.key = %s AND t.kind = k.kind
                ORDER BY t.entity_id LIMIT {CANDIDATES_PER_QUERY}
            ) r
            ORDER BY r.entity_id LIMIT {CANDIDATES_PER_QUERY}
        """, [kinds, key])
        return [entity_id for (entity_id,) in cursor.fetchall()]


def best_by_keys_postgresql(weights: dict[str, tuple[int, float]], kind: str | None) -> list:
    # finding_weights() chose keys whose rows add up to at most FINDING_ROWS: every row of each is read (the
    # LIMIT only guards against a frequency that lags behind the index), in any order, and each row carries
    # its key's token and weight, so that nothing is sorted or joined before the aggregates.
    keys = list(weights)
    kinds = [kind] if kind else EntityKind.values
    with connection.cursor() as cursor:
        cursor.execute(f"""
            WITH found AS (
                SELECT r.entity_id, w.token, w.weight
                FROM unnest(%s::text[], %s::int[], %s::float8[]) AS w(key, token, weight)
                CROSS JOIN unnest(%s::text[]) AS k(kind)
                CROSS JOIN LATERAL (
                    SELECT t.entity_id FROM {NameToken._meta.db_table} t WHERE t.key = w.key AND t.kind = k.kind
                    LIMIT {FINDING_ROWS}
                ) r
            ),
            tokens AS (SELECT entity_id, token, max(weight) AS weight FROM found GROUP BY entity_id, token)
            SELECT entity_id FROM tokens GROUP BY entity_id ORDER BY sum(weight) DESC, entity_id
            LIMIT {CANDIDATES_PER_QUERY}
        """, [keys, [weights[key][0] for key in keys], [weights[key][1] for key in keys], kinds])
        return [entity_id for (entity_id,) in cursor.fetchall()]


def key_frequencies(keys: list[str]) -> dict[str, int]:
    """{key: names} for the keys some name carries."""
    if not keys:
        return {}
    if connection.vendor != "postgresql":
        return dict(KeyFrequency.objects.filter(key__in=keys, names__gt=0).values_list("key", "names"))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, names FROM {KeyFrequency._meta.db_table} WHERE key = ANY(%s) AND names > 0",
                       [keys])
        return dict(cursor.fetchall())


def similar_words(word: str) -> list[tuple[str, float]]:
    """
    (word, similarity) for the registry's words most like ``word``, most alike first: those one edit away (a
    letter changed, dropped, added, or two neighbours swapped), then on PostgreSQL those with the most trigrams
    in common (pg_trgm), which also reach words two edits away. The words are looked up in the registry's
    vocabulary (KeyFrequency), not in whole names: a misspelt common word ("mohatmed") is like hundreds of
    thousands of names but like only a few words.
    """
    if len(word) < 4:
        return []
    close = one_edit_away(word) if len(word) <= ONE_EDIT_LONGEST else set()
    similar = dict.fromkeys(sorted(key_frequencies(list(close))), ONE_EDIT_SIMILARITY)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # pg_trgm's default (0.6) misses a long word with two typos; the index still does the work.
            cursor.execute("SET pg_trgm.word_similarity_threshold = %s", [WORD_SIMILARITY])
            cursor.execute(f"""
                SELECT key, word_similarity(%s, key) AS similarity FROM {KeyFrequency._meta.db_table}
                WHERE %s <%% key AND names > 0 AND key NOT LIKE '~%%' AND key NOT LIKE '%%{PAIR}%%'
                ORDER BY similarity DESC, key LIMIT {TRIGRAM_CANDIDATES}
            """, [word, word])
            for key, similarity in cursor.fetchall():
                similar.setdefault(key, similarity)
    return list(similar.items())[:TRIGRAM_CANDIDATES]


def one_edit_away(word: str) -> set[str]:
    """
    Every string one edit from ``word``: a letter deleted, two neighbours swapped, a letter replaced or
    inserted (Norvig's spelling corrector). About 54 per letter: looked up at once by primary key, that costs
    less than a trigram search, and it finds the swaps and short words that share few trigrams ("hjeazi",
    "hejazi").
    """
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = {left + right[1:] for left, right in splits if right}
    edits |= {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    edits |= {left + letter + right[1:] for left, right in splits if right for letter in EDIT_LETTERS}
    edits |= {left + letter + right for left, right in splits for letter in EDIT_LETTERS}
    edits.discard(word)
    return edits


def trigram_candidates(similar: list[tuple[str, float]], kind) -> list:
    """The first entities (by id) with these (word, similarity), the most alike words first: TRIGRAM_CANDIDATES."""
    if not similar:
        return []
    kinds = [kind] if kind else EntityKind.values
    if connection.vendor != "postgresql":
        found = []
        for word, _ in similar:
            rows = NameToken.objects.filter(key=word, kind__in=kinds).order_by("entity_id")
            found.extend(rows.values_list("entity_id", flat=True).distinct()[:TRIGRAM_CANDIDATES])
        return list(dict.fromkeys(found))[:TRIGRAM_CANDIDATES]
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT r.entity_id FROM unnest(%s::text[], %s::float8[]) AS w(key, similarity)
            CROSS JOIN unnest(%s::text[]) AS k(kind) CROSS JOIN LATERAL (
                SELECT t.entity_id FROM {NameToken._meta.db_table} t WHERE t.key = w.key AND t.kind = k.kind
                ORDER BY t.entity_id LIMIT {TRIGRAM_CANDIDATES}
            ) r
            ORDER BY w.similarity DESC, r.entity_id LIMIT {TRIGRAM_CANDIDATES}
        """, [[word for word, _ in similar], [similarity for _, similarity in similar], kinds])
        return list(dict.fromkeys(entity_id for (entity_id,) in cursor.fetchall()))


def load_facts(entity_ids: list, *, states=SCREENED, internal_names: bool = False) -> dict:
    """What scoring needs of each candidate in ``states``: one query on PostgreSQL, four elsewhere, however many."""
    if not entity_ids:
        return {}
    if connection.vendor == "postgresql":
        return load_facts_postgresql(entity_ids, states=states, internal_names=internal_names)
    return load_facts_orm(entity_ids, states=states, internal_names=internal_names)


def load_facts_orm(entity_ids: list, *, states, internal_names: bool) -> dict:
    facts = {
        entity_id: EntityFacts(entity_id=entity_id, caption=caption, kind=kind, state=state)
        # Delisted entities are no longer designated: screening answers for the designated ones only.
        for entity_id, caption, kind, state in Entity.objects.filter(pk__in=entity_ids, state__in=states).values_list(
            "id", "caption", "kind", "state"
        )
    }
    names = NameKey.objects.filter(entity_id__in=facts)
    if not internal_names:
        names = names.filter(Q(name__source_record__isnull=False) | Q(name__public=True))
    for entity_id, name_type, text, tokens in names.values_list("entity_id", "name_type", "name__full_name", "tokens"):
        facts[entity_id].names.append((name_type, text, tokens))
    for entity_id, date_type, date, year, from_year, to_year in BirthDate.objects.filter(
        entity_id__in=facts
    ).filter(PUBLIC_FACTS if not internal_names else Q()).values_list(
        "entity_id", "date_type", "date", "year", "from_year", "to_year"
    ):
        facts[entity_id].birth_dates.append((date_type, date, year, from_year, to_year))
    for entity_id, code in Nationality.objects.filter(entity_id__in=facts).filter(
        PUBLIC_FACTS if not internal_names else Q()
    ).exclude(country_code="").values_list("entity_id", "country_code"):
        facts[entity_id].nationalities.add(code)
    return facts


def facts_sql(*, internal_names: bool) -> str:
    """Each candidate entity with its analysed names, birth dates and nationality codes, aggregated as JSON."""
    public = "" if internal_names else " AND ({alias}.source_record_id IS NOT NULL OR {alias}.public)"
    return f"""
        SELECT e.id, e.caption, e.kind, e.state,
            (SELECT json_agg(json_build_array(k.name_type, n.full_name, k.tokens) ORDER BY k.name_id)
             FROM {NameKey._meta.db_table} k JOIN {Name._meta.db_table} n ON n.id = k.name_id
             WHERE k.entity_id = e.id{public.format(alias="n")}),
            (SELECT json_agg(json_build_array(b.date_type, b.date, b.year, b.from_year, b.to_year) ORDER BY b.id)
             FROM {BirthDate._meta.db_table} b WHERE b.entity_id = e.id{public.format(alias="b")}),
            ARRAY(SELECT c.country_code FROM {Nationality._meta.db_table} c
                  WHERE c.entity_id = e.id AND c.country_code <> ''{public.format(alias="c")})
        FROM {Entity._meta.db_table} e
        WHERE e.id = ANY(%s) AND e.state = ANY(%s)
    """


def load_facts_postgresql(entity_ids: list, *, states, internal_names: bool) -> dict:
    facts = {}
    with connection.cursor() as cursor:
        cursor.execute(FACTS_SQL[internal_names], [list(entity_ids), [str(state) for state in states]])
        for entity_id, caption, kind, state, names, birth_dates, nationalities in cursor.fetchall():
            facts[entity_id] = EntityFacts(
                entity_id=entity_id, caption=caption, kind=kind, state=state,
                names=[tuple(name) for name in names or ()],
                birth_dates=[(date_type, date and datetime.date.fromisoformat(date), year, from_year, to_year)
                             for date_type, date, year, from_year, to_year in birth_dates or ()],
                nationalities=set(nationalities),
            )
    return facts


FACTS_SQL = {internal: facts_sql(internal_names=internal) for internal in (False, True)}  # built once
