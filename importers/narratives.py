"""
Candidate relationships from the narratives of the UN Security Council list.

A narrative (COMMENTS1) cites other listings by reference number: "Leader of Al-Qaida (QDe.004)", "Founded
by Jalaluddin Haqqani (TAi.040)". ``find_citations`` finds every cited listing and reads, from the words
around it, what the narrative says the relationship is, for an analyst to confirm or dismiss. It is a pure
function of the text, and it prefers a plain ``affiliated_with`` to a specific kind it is not sure of: a
wrong specific kind costs an analyst more than a vague one. The rules are in ``importers/narrative_rules.py``.

Kinds run subject --kind--> object: a person is ``leader_of``, ``member_of`` or ``financier_of`` an
organisation; ``successor_of`` runs from a newer group to the older one it came out of (a splinter group,
the product of a merger, the group that absorbed another or took its new name); ``affiliated_with`` is
anything else, family ties and owners included. The subject is usually the record whose narrative it is;
when the text points the other way ("Headed by Abdelmalek Droukdel (QDi.232)" in an organisation's
narrative) the cited listing is the subject.

Old-style references (QI.A.86.03, TE.H.12.12) are read as today's (QDi.086, TAe.012): ``modern_reference``.
Iran's narratives end with the record's own former reference ("[Old Reference # I.47.C.1]"), which is no
citation: ``own_old_reference`` reads it.
"""

import re
from dataclasses import dataclass

from importers.narrative_rules import DEFAULT_RULE, KIND_TYPES, RULES, SELF_ALIAS, Kind, Party, Rule, names_only

__all__ = ["Citation", "Kind", "find_citations", "modern_reference", "own_old_reference", "party"]

# Today's references: the regime's two letters, i(ndividual) or e(ntity), a dot, three digits. The list has
# once written "Qde.014" and once "QDi322": a lower-case second letter is read for the regimes the list
# has, a missing dot after two capitals.
REGIMES = {"CD", "CF", "GB", "HT", "IQ", "IR", "KP", "LY", "ML", "QD", "SD", "SO", "SS", "TA", "YE"}
REFERENCE = re.compile(r"\b(?P<regime>[A-Z][A-Za-z])(?P<type>[ie])(?P<dot>\.?)(?P<number>\d{3})\b")
# The Al-Qaida and Taliban references of old (the UK's list of 2016 still has them; the UN's from 2017 do not):
# Q/T, I/E, the name's initial, the number, the year listed.
OLD_REFERENCE = re.compile(r"\b(?P<list>[QT])(?P<type>[IE])\.[A-Z]\.(?P<number>\d{1,3})\.\d{2}\b")
OLD_LISTS = {"QI": "QDi", "QE": "QDe", "TI": "TAi", "TE": "TAe"}
OWN_OLD_REFERENCE = re.compile(r"\[\s*Old Reference\s*#?\s*(?P<reference>[^\]]*?)\s*\]", re.IGNORECASE)

# A sentence ends at . ! or ? (and any closing quote or bracket) before a capital: after a space, or straight
# after a word, a number or a bracket ("(QDe.118).In custody", "in November 2014.Associated with").
SENTENCE_END = re.compile(r"[.!?][\"”’)\]]*(?=\s+[\"“‘(]?[A-Z]|(?<=[a-z0-9)][.!?])[A-Z][a-z])")
ABBREVIATIONS = {
    "a.k.a", "f.k.a", "no", "nos", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "dr", "mr", "mrs", "ms", "st", "co", "ltd", "inc", "corp", "jr", "sr", "e.g", "i.e", "u.s", "u.k",
    "u.n", "approx", "ca", "vs", "gen", "col", "lt", "capt", "maj", "brig", "sgt", "prof", "eng", "mt", "tel", "para",
}
EVIDENCE_MAX = 320
# The rules read this many characters around a reference at most: a rule's words and the name after them
# are far shorter, and a bound keeps a long run-on narrative from costing time in the square of its length.
WINDOW = 600
CUE_WORDS = 8
# What may come before a name whose role follows it: "Senior Al-Qaida (QDe.004) leader".
ADJECTIVES = re.compile(r"^\s*(?:(?:a|an|the|was|is|senior|former|acting|deputy|overall|key|top|prominent|[\w-]+-based"
                        r"|part of)\s+)*", re.IGNORECASE)
# The next name of a list: "…(QDe.128), Abu Sayyaf Group (", "…(QDe.004) and Al-Qaida in Iraq (".
LIST_ITEM = re.compile(r"^[\s).\]]*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|as\s+well\s+as\s+|&\s*|/\s*)(?P<name>.*)$")
NEGATION = re.compile(r"\b(?:not|no longer|never)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)


@dataclass(frozen=True)
class Citation:
    """One listing a narrative cites: the relationship the text suggests, and the sentence that says so."""

    reference: str  # the cited listing as the list names it today ("QDe.004")
    kind: Kind
    subject: str  # the relationship's subject: the narrative's own reference, or the cited one when reversed
    object: str
    evidence: str  # the sentence that cites it, white space collapsed (cut around the reference when long)
    cue: str = ""  # the words that decided the kind; "" when nothing specific was said
    written_as: str = ""  # the reference as the text writes it, when that differs ("TE.H.12.12", "Qde.014")


@dataclass(frozen=True)
class Mention:
    reference: str
    written_as: str
    start: int
    end: int


def find_citations(narrative: str, *, own_reference: str = "") -> tuple[Citation, ...]:
    """
    Every listing the narrative cites, each with the relationship the text around it suggests.

    ``own_reference`` is the reference number of the record the narrative belongs to: citations of it (and
    of the record's own earlier listing, "he was also listed under number TAi.048") are ignored, and whether
    it lists a person or an organisation decides how some words read ("established X" makes a person X's
    leader). One citation per (subject, kind, object), with the first sentence that says it as evidence; a
    plain ``affiliated_with`` is left out when the narrative gives the same pair a specific kind.
    """
    own = own_reference.strip()
    found: dict[tuple, Citation] = {}
    for paragraph in re.split(r"\n\s*\n", narrative or ""):
        text = " ".join(paragraph.split())
        mentions = find_mentions(text)
        if not mentions:
            continue  # most paragraphs cite nothing: no need to split them into sentences
        for start, end in sentence_spans(text):
            inside = [mention for mention in mentions if start <= mention.start < end]
            own_alias = bool(inside) and bool(SELF_ALIAS.search(text, start, end))
            previous = None
            for index, mention in enumerate(inside):
                clause_start = inside[index - 1].end if index else start
                following = inside[index + 1].start if index + 1 < len(inside) else end
                rule, cue = read(
                    before=text[max(start, mention.start - WINDOW):mention.start],
                    clause=text[max(clause_start, mention.start - WINDOW):mention.start],
                    after=text[mention.end:min(following, mention.end + WINDOW)],
                    own=party(own), cited=party(mention.reference), previous=previous,
                )
                previous = rule
                if mention.reference == own or own_alias:
                    continue
                citation = make_citation(text[start:end], mention, rule, cue, own, start)
                found.setdefault((citation.subject, citation.kind, citation.object), citation)
    specific = {frozenset((c.subject, c.object)) for c in found.values() if c.kind != Kind.AFFILIATED_WITH}
    return tuple(
        citation for citation in found.values()
        if citation.kind != Kind.AFFILIATED_WITH or frozenset((citation.subject, citation.object)) not in specific
    )


def modern_reference(old: str) -> str | None:
    """
    Today's reference for an old-style Al-Qaida or Taliban reference: QI.A.86.03 -> QDi.086, QE.J.115.04 ->
    QDe.115, TI.H.144.07 -> TAi.144, TE.H.12.12 -> TAe.012; None for anything else.

    The number stayed; only its wrapping changed (the letter is the name's initial, the last two digits the
    year first listed). Checked on the public lists in ../shared/data: in the UK's list of 2016, 389 of the 390
    records whose own "UN Ref" can be matched to a UN record by name agree (the other is the UK's slip: Shafi
    al-Ajmi given Al-Nusrah Front's QE.A.137.14); in Australia's list of 2024, 114 of 115 narrative sentences
    that cite an old reference where the UN's text of the same sentence cites today's agree (the other is a
    typo there, TE.H.1.12 for TE.H.10.12, TAe.010). Iran's old references (I.47.C.1) follow no such rule.
    """
    match = OLD_REFERENCE.fullmatch(old.strip().rstrip("."))
    if not match:
        return None
    return f"{OLD_LISTS[match['list'] + match['type']]}.{int(match['number']):03d}"


def own_old_reference(narrative: str) -> str:
    """The record's own former reference, as Iran's narratives end: "… [Old Reference # I.47.C.1]" -> "I.47.C.1"."""
    match = OWN_OLD_REFERENCE.search(narrative or "")
    return " ".join(match["reference"].split()) if match else ""


def party(reference: str) -> Party | None:
    """Whether a UN reference lists a person (QDi.001) or an organisation (QDe.001); None for anything else."""
    if match := REFERENCE.fullmatch(reference):
        return Party.PERSON if match["type"] == "i" else Party.ORGANISATION
    return None


def find_mentions(text: str) -> list[Mention]:
    """Every reference in the text, today's and old-style, normalised, in order."""
    mentions = []
    for match in REFERENCE.finditer(text):
        regime = match["regime"].upper()
        if (not match["dot"] or regime != match["regime"]) and regime not in REGIMES:
            continue  # "Qde.014" and "QDi322" only for a regime the list has
        if regime != match["regime"] and not match["dot"]:
            continue
        reference = f"{regime}{match['type']}.{match['number']}"
        mentions.append(Mention(reference, match[0], match.start(), match.end()))
    for match in OLD_REFERENCE.finditer(text):
        mentions.append(Mention(modern_reference(match[0]), match[0], match.start(), match.end()))
    return sorted(mentions, key=lambda mention: mention.start)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; "a.k.a.", "Jan. 2010", "Dr. …" and initials ("M. Ali") end none."""
    spans, start = [], 0
    for match in SENTENCE_END.finditer(text):
        word = text[text.rfind(" ", 0, match.start()) + 1:match.start()].lstrip("(\"“‘'")
        if word.lower() in ABBREVIATIONS or (len(word) == 1 and word.isupper()):
            continue
        spans.append((start, match.end()))
        start = match.end() + (1 if text[match.end():match.end() + 1] == " " else 0)
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def read(*, before: str, clause: str, after: str, own, cited, previous: Rule | None) -> tuple[Rule, str]:
    """
    The rule that says what one reference is, and its words. ``before`` is the sentence up to the reference,
    ``clause`` the part of it since the previous reference, ``after`` the words up to the next reference.
    A role right after the reference wins; then the nearest rule before it; then, for a name that only
    continues a list ("Member of A (QDe.128), B (QDe.001) and C (QDe.092)"), the previous reference's rule.
    """
    for rule in RULES:
        if rule.after and (match := rule.pattern.match(after)) and (not rule.bare or is_bare(clause)):
            if fits(rule, own, cited):
                return rule, cue_of(match[0])
    nearest = nearest_matches(before, len(before) - len(clause))
    for start, _, rule, words in nearest:
        if NEGATION.search(before[:start]):
            break  # "no longer a member of …" says nothing specific
        if fits(rule, own, cited):
            return rule, cue_of(words)
    if not nearest and previous and not previous.after and continues_list(clause) and fits(previous, own, cited):
        return previous, ""
    return DEFAULT_RULE, ""


def nearest_matches(before: str, clause_at: int) -> list[tuple[int, int, Rule, str]]:
    """
    The matches of the before-rules that end nearest to the reference, in this clause, with only a name
    between them and the reference: (start, rule order, rule, words), the longest first.
    """
    nearest, found = -1, []
    for order, rule in enumerate(RULES):
        if rule.after:
            continue
        for match in rule.pattern.finditer(before):
            if match.end() <= clause_at or match.end() < nearest or not names_only(before[match.end():]):
                continue
            if match.end() > nearest:
                nearest, found = match.end(), []
            found.append((match.start(), order, rule, match[0]))
    return sorted(found, key=lambda item: item[:2])


def cue_of(matched: str) -> str:
    """The words a rule matched, a long match cut to its ends: "merged with … and established"."""
    words = matched.strip(" .),").split()
    return " ".join(words) if len(words) <= CUE_WORDS else " ".join([*words[:3], "…", *words[-3:]])


def fits(rule: Rule, own: Party | None, cited: Party | None) -> bool:
    """Whether the rule's kind can hold between these two: a person is not led, a person is not a successor."""
    subject, obj = (cited, own) if rule.reverse else (own, cited)
    wanted_subject, wanted_object = KIND_TYPES[rule.kind]
    return (wanted_subject in (None, subject) or subject is None) and (wanted_object in (None, obj) or obj is None)


def is_bare(clause: str) -> bool:
    """Whether the clause is only a name, perhaps with an adjective: "Senior Al-Qaida (" of "… (QDe.004) leader"."""
    return names_only(ADJECTIVES.sub("", clause))


def continues_list(clause: str) -> bool:
    """Whether the clause only adds a name to the previous reference's list: "…(QDe.128), Abu Sayyaf Group ("."""
    match = LIST_ITEM.match(clause)
    return bool(match) and names_only(match["name"])


def make_citation(sentence: str, mention: Mention, rule: Rule, cue: str, own: str, offset: int) -> Citation:
    subject, obj = (mention.reference, own) if rule.reverse else (own, mention.reference)
    return Citation(
        reference=mention.reference,
        kind=rule.kind,
        subject=subject,
        object=obj,
        evidence=shorten(sentence, mention.start - offset, mention.end - offset),
        cue=cue,
        written_as=mention.written_as if mention.written_as != mention.reference else "",
    )


def shorten(sentence: str, start: int, end: int) -> str:
    """The sentence, or when it is long the words around the reference (start:end) with "…" where cut."""
    sentence = sentence.rstrip()
    if len(sentence) <= EVIDENCE_MAX:
        return sentence.lstrip(" :;,")
    left = max(0, start - 200)
    right = min(len(sentence), left + EVIDENCE_MAX)
    if left:
        left = sentence.index(" ", left) + 1 if " " in sentence[left:start] else left
    if right < len(sentence):
        right = max(sentence.rfind(" ", end, right), end)
    return ("…" if left else "") + sentence[left:right].strip() + ("…" if right < len(sentence) else "")
