"""
The words that say what a narrative's citation of another listing is: one table, one comment per rule.

Each rule is a regular expression read either in the words *before* the cited reference (the rule's match
must be followed by nothing but the cited listing's name: "Leader of | Al-Qaida in the Arabian Peninsula
(QDe.129)") or right *after* it ("Senior Jemaah Islamiyah (QDe.092) | leader"). When several rules match
before a reference, the one nearest to it decides: "Head of security | wing of | Ansar al-Shari'a" makes a
member of the wing's group, not its head. The examples in the comments are real UN narratives.

A rule's kind must fit who is who (``KIND_TYPES``): "Commander of Ezatullah Haqqani (TAi.064)" cites a
person, who cannot be led like an organisation, so that citation stays ``affiliated_with``.
"""

import re
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """The relationship a narrative suggests, read subject --kind--> object."""

    LEADER_OF = "leader_of"
    MEMBER_OF = "member_of"
    FINANCIER_OF = "financier_of"
    SUCCESSOR_OF = "successor_of"  # the newer group -> the older one it came out of
    AFFILIATED_WITH = "affiliated_with"  # the default: associated, linked, family, owner, anything else


class Party(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"


# (subject, object) each kind needs; None: either.
KIND_TYPES = {
    Kind.LEADER_OF: (Party.PERSON, Party.ORGANISATION),
    Kind.MEMBER_OF: (None, Party.ORGANISATION),
    Kind.FINANCIER_OF: (None, None),
    Kind.SUCCESSOR_OF: (Party.ORGANISATION, Party.ORGANISATION),
    Kind.AFFILIATED_WITH: (None, None),
}


@dataclass(frozen=True)
class Rule:
    kind: Kind
    pattern: re.Pattern
    after: bool = False  # read in the words right after the reference, not before it
    reverse: bool = False  # the cited listing is the subject: "Founded by X (TAi.040)" -> X leader_of the record
    bare: bool = False  # (after rules) only when the clause before the reference is nothing but its name


def _rule(kind: Kind, pattern: str, **options) -> Rule:
    return Rule(kind, re.compile(pattern, re.IGNORECASE), **options)


LEADER, MEMBER, FINANCIER, SUCCESSOR, AFFILIATED = (
    Kind.LEADER_OF, Kind.MEMBER_OF, Kind.FINANCIER_OF, Kind.SUCCESSOR_OF, Kind.AFFILIATED_WITH
)
QUOTE = r"[\"“”‘’']?"
DATE = r"(?:\d{1,2}\s+)?(?:[a-z]{3,9}\.?\s+)?(?:\d{1,2},\s+)?\d{4}"
# Other roles listed with it: "member and recruiter of", "financier, recruiter and facilitator for",
# "Operative and principal bomb maker of".
ALSO = r"(?:,\s*[\w-]+)*(?:,?\s+and\s+(?!(?:a|an|the)\b)(?:[\w-]+\s+){0,2}[\w-]+)?"
TAIL = r"^[\s.)\]]*,?\s*"  # the end of the reference's parentheses: "(QDe.092.) leader", "(QDe.115), official"

RULES = (
    # --- leader_of: a person leads an organisation -------------------------------------------------------
    # "Leader of Al-Qaida (QDe.004)", "Acting emir of JAT (QDe.133)", "Operational commander of AQAP
    # (QDe.129)", "Key commander in the Haqqani Network (TAe.012)", "Head of The Organization of Al-Qaida in
    # the Islamic Maghreb (QDe.014)", "Director of Al-Kawthar Money Exchange (QDe.157)", "Founder of
    # Jaish-i-Mohammed (QDe.019)", "executive of the Organization of Al-Qaida in the Islamic Maghreb".
    _rule(LEADER, rf"\b(?:leader|head|chief|emir|amir|commander|director|executive|founder|co-founder){QUOTE}"
                  r"\s+(?:of|for|in)\b"),
    # "Chief of operations of Lashkar-e-Tayyiba", "Chief of suicide operations for the Haqqani Network".
    _rule(LEADER, r"\b(?:chief|head)\s+of\s+(?:[\w-]+\s+)?operations\s+(?:of|for|in)\b"),
    # "one of the leaders of the Army of Emigrants and Supporters (QDe.148)"; plain "leaders of" is not:
    # "ties to leaders of X" says nothing of the subject.
    _rule(LEADER, r"\bone of the (?:\w+\s+)?(?:leaders|founders|commanders) of\b"),
    # "Belongs to the leadership of the Organization of Al-Qaida in the Islamic Maghreb"; "has held
    # leadership positions in Hilal Ahmar Society Indonesia (HASI) (QDe.147)". Not "linked to the
    # leadership of": that is an affiliation.
    _rule(LEADER, r"\b(?:(?:belongs?|belonged|belonging) to|part of|member of) the leadership of\b"
                  r"|\bleadership (?:positions?|roles?) in\b"),
    # A verb with the group's name right after it: "Heading the Haqqani Network (TAe.012)", "Formed Jemmah
    # Anshorut Tauhid (JAT) (QDe.133)", "established Muhammad Jamal Network (MJN) (QDe.136)". Only for a
    # person's narrative (KIND_TYPES); "Founded by …" never matches, as "by" is not a name.
    _rule(LEADER, r"\b(?:leads|led|heads|headed|heading|commands|commanded|founded|co-founded|formed|established"
                  r"|created)\b"),
    # An organisation's narrative naming its leader: "Founded by Jalaluddin Haqqani (TAi.040)", "Co-founded
    # by Aiman Muhammed Rabi al-Zawahiri (QDi.006)", "Founded and headed by Hilarion Del Rosario Santos III
    # (QDi.244)", "Formed in March 2015 by Abubakar Shekau (QDi.322)", "led by Mokhtar Belmokhtar
    # (QDi.136)", "currently headed by his son Sirajuddin Jallaloudine Haqqani (TAi.144)". Not "Formed in
    # November 2014 upon announcement by Abu Bakr Al-Baghdadi": announcing a group is not leading it.
    _rule(LEADER, rf"\b(?:co-)?(?:founded|formed|established|created|led|headed|run)(?:\s+and\s+(?:led|headed|run))?"
                  rf"(?:\s+(?:in|on)\s+{DATE})?\s+by(?:\s+(?:his|her)\s+(?:son|brother|father|nephew|cousin))?",
          reverse=True),
    # "Leadership included Hassan Dahir Aweys (QDi.042)", "Its directors included Mahmood Sultan
    # Bashir-Ud-Din (QDi.055), Majeed Abdul Chaudhry (QDi.054) and Mohammed Tufail (QDi.056)".
    _rule(LEADER, r"\b(?:leadership|directors?|founders?|leaders?) (?:included|includes|include|comprised)\b",
          reverse=True),
    # "The leader is Joseph Kony (CFi.009)", "Current leader is Radulan Sahiron (QDi.208)", "its leader is
    # Maulana Fazlullah (QDi.352)", "Leader of AQAP is Qasim Mohamed Mahdi Al-Rimi (QDi.282)", "The founder is
    # Najmuddin Faraj Ahmad (QDi.226)". Not "its leader Ibrahim …": there "its" is another group's.
    _rule(LEADER, r"\b(?:leader|founder|head|emir|amir)(?:\s+of\s+[^,;()]{1,40}?)?\s+(?:is|was)\b", reverse=True),
    # After the person's name: "Luckson Elan (HTi.007) is the leader of the Gran Grif gang", "Hafiz Muhammad
    # Saeed (QDi.263) who is the leader of Lashkar-e-Tayyiba", "Aiman Muhammed Rabi al-Zawahiri (QDi.006),
    # who was also its military leader", "Abu Mohammed Al-Jawlani (QDi.317), the leader of Al-Nusrah Front".
    _rule(LEADER, TAIL + r"(?:who\s+)?(?:is|was|has\s+been)?\s*(?:also\s+)?(?:the|its)\s+(?:[\w-]+\s+){0,2}?"
                         r"(?:leader|founder|head|emir|amir)\b", after=True, reverse=True),
    # After the group's name, in a clause that is only that name: "Senior Jemaah Islamiyah (QDe.092.)
    # leader", "Haqqani Network (HQN) (TAe.012) leader in command of over 100 militants", "Part of the
    # Al-Itihaad Al-Islamiya (AIAI) (QDe.002) leadership". Not "Has ties to numerous senior Al-Qaida
    # (QDe.004) leaders", nor "a representative of AQI to Al-Qaida (QDe.004) senior leadership".
    _rule(LEADER, TAIL + r"(?:senior\s+)?(?:leader|leadership|commander|emir|amir|chief)\b", after=True, bare=True),

    # --- member_of: a person (or a group) belongs to an organisation ---------------------------------------
    # "Member of Al-Qaida (QDe.004)", "Senior member of Jemaah Islamiyah (QDe.092)", "member and recruiter of
    # Islamic State in Iraq and the Levant", "Operative and principal bomb maker of Al-Qaida in the Arabian
    # Peninsula (AQAP) (QDe.129)", "Key operative in Al-Qaida (QDe.004)", "lead oil and gas
    # division official of …", "Official spokesman of …", "foreign terrorist fighter for …". Singular only:
    # "Registered by members of Jaish-i-Mohammed (QDe.019)" is about others.
    _rule(MEMBER, rf"\b(?:member|operative|official|spokes(?:man|person|woman)|fighter){ALSO}\s+(?:of|for|in|with)\b"),
    # "Joined Jabhat al-Nusrah, listed as Al-Nusrah Front for the People of the Levant (QDe.137)", "Joined the
    # Islamic State in Iraq and the Levant (ISIL) … (QDe.115)". Not "to join": the fighters he sent joined.
    _rule(MEMBER, r"\bjoined\b"),
    # "Believed to be fighting with Al-Nusrah Front for the People of the Levant (QDe.137)".
    _rule(MEMBER, r"\b(?:fighting|fought|fights)\s+(?:for|with)\b"),
    # A part of the group: "Member of the Council of the Organization of Al-Qaida in the Islamic Maghreb",
    # "Head of security wing of Ansar al-Shari'a in Tunisia (AAS-T) (QDe.143)", "Deputy head of the media
    # committee of Al-Qaida (QDe.004)", "Commands a suicide battalion of RSRSBCM (QDe.100)", "Wafa was a
    # component of Al-Qaida (QDe.004)", "Ostensibly humanitarian wing of Jemaah Islamiyah (QDe.092)",
    # "Founder of the Katiba Macina of Jama'a Nusrat ul-Islam wa al-Muslimin (JNIM) (QDe.159)".
    # Lower case only: "Sabotage Battalion of Chechen Martyrs (QDe.100)" is a name, not a part of a group.
    _rule(MEMBER, r"(?-i:\b(?:wing|committee|council|shura|department|division|unit|cell|brigade|battalion"
                  r"|component|section)\s+of\b)|\bkatibat?\b[^,;()]{0,40}?\s+of\b"),
    # "a terrorist group that forms part of the Islamic State in Iraq and the Levant", "a terrorist group that
    # is part of the Al-Nusrah Front", "operating under the umbrella of … Al-Nusrah Front (QDe.137)".
    _rule(MEMBER, r"\bpart of\b|\bunder the umbrella of\b"),
    # "Other listed members include Nasiruddin Haqqani (TAi.146), Sangeen Zadran Sher Mohammad (TAi.152), …".
    _rule(MEMBER, r"\bmembers\s+(?:include|included|includes|are|were)\b", reverse=True),
    # After the group's name: "Senior Haqqani Network (HQN) (TAe.012) member", "Senior Islamic State in Iraq
    # and the Levant (ISIL), listed as Al-Qaida in Iraq (AQI) (QDe.115), official".
    _rule(MEMBER, TAIL + r"(?:senior\s+)?(?:member|operative|official|fighter)\b", after=True, bare=True),

    # --- financier_of: money to the object -----------------------------------------------------------------
    # "Financier of Lashkar-e-Tayyiba", "financier for Al-Nusrah Front …", "Financier and facilitator for
    # Al-Qaida (QDe.004)", "A Kuwait-based financier, recruiter and facilitator for Islamic State …",
    # "Financial facilitator for Islamic State …", "a financial supporter of Al-Qaida in the Arabian Peninsula
    # (AQAP) (QDe.129)".
    _rule(FINANCIER, rf"\bfinanc(?:ier|ial\s+(?:supporter|backer|facilitator|officer|official|manager|chief|head"
                     rf"|emir|amir)){QUOTE}{ALSO}\s+(?:of|for|to)\b"),
    # A post that runs the money: "Finance chief of the Afghan Support Committee (ASC) (QDe.069)", "Finance
    # “emir” for Islamic State …", "Chief of finance of Lashkar-e-Tayyiba (QDe.118)", "head of finance for
    # the Islamic Movement of Uzbekistan (QDe.010)", "Responsible for the finances of Al-Qa’ida (QDe.004)".
    _rule(FINANCIER, rf"\bfinance\s+{QUOTE}(?:chief|head|official|officer|emir|amir|director){QUOTE}\s+(?:of|for)\b"
                     r"|\b(?:head|chief|director)\s+of\s+finances?\s+(?:of|for)\b"
                     r"|\bresponsible\s+for\s+the\s+finances?\s+of\b"),
    # "provides financial, material, and technological support for Al-Qaida (QDe.004)", "Has provided
    # facilitation and financial services to Al-Qaida (QDe.004)", "provides financial services to, or in
    # support of, Al-Qaida (QDe.004)", "has provided financial support to, and acted on behalf of, the
    # senior leadership of Al-Qaida (QDe.004)", "Provided financial services to Ghul Agha Ishakzai (TAi.147)".
    _rule(FINANCIER, r"\bfinancial\b[\w\s,]{0,60}?\b(?:support|services|assistance|backing)\b(?:\s+and\s+other\s+"
                     r"services)?\s+(?:to|for)\b(?:\s*,?\s*(?:or|and)\s+(?:in\s+support\s+of|(?:acted\s+)?on\s+"
                     r"behalf\s+of|financial\s+services\s+to(?:\s+and\s+in\s+support\s+of)?)\s*,?)?"
                     r"(?:\s+the\s+(?:senior\s+)?leadership\s+of)?"),
    # "Fundraiser for Al-Nusrah Front …", "involved in recruitment and fundraising for Jemmah Anshorut Tauhid
    # (JAT) (QDe.133)", "Has travelled abroad to raise funds on behalf of Sirajuddin Jallaloudine Haqqani".
    _rule(FINANCIER, r"\b(?:fundrais(?:er|ers|ing)|rais(?:e|es|ed|ing)\s+(?:funds|money)|collect(?:s|ed|ing)?\s+"
                     r"(?:funds|money|donations))\s+(?:for|on\s+behalf\s+of|to)\b"),
    # Money exchanges: "facilitating the movement of funds on behalf of Islamic State … (QDe.115)".
    _rule(FINANCIER, r"\bmovement\s+of\s+funds\s+(?:on\s+behalf\s+of|for)\b"),
    # "Received money from Ansar al-Islam (QDe.098)", "AIAI has received funds through the Al-Haramain
    # Islamic Foundation (Somalia) (QDe.072)", "funded by …": the cited listing pays.
    _rule(FINANCIER, r"\breceiv(?:ed|es|ing)\s+(?:money|funds|funding|financing|financial\s+support|donations)\s+"
                     r"(?:from|through|via)\b|\b(?:funded|financed|bankrolled)(?:\s+and\s+\w+)?\s+by\b", reverse=True),
    # "Abu Bakr al-Jaziri (QDi.058) served as finance chief of ASC" in the ASC's narrative.
    _rule(FINANCIER, TAIL + r"(?:who\s+)?(?:served|serves|has\s+served|is|was)\s+as\s+(?:the\s+)?financ\w*\s+"
                            r"(?:chief|head|official|officer|emir|amir)\b", after=True, reverse=True),

    # --- successor_of: a newer group -> the older group it came out of --------------------------------------
    # Splinter groups carry on part of the older group: "Splinter group of the Tehrik-e Taliban Pakistan
    # (QDe.132)", "Founded in 2012 as a splinter group of the Organization of Al-Qaida in the Islamic Maghreb
    # (QDe.014)".
    _rule(SUCCESSOR, r"\b(?:splinter(?:\s+group|\s+faction)?|offshoot|breakaway\s+(?:group|faction))\s+(?:of|from)\b"
                     r"|\b(?:split|broke\s+away|splintered)\s+(?:off\s+)?from\b"),
    # A group's earlier name listed on its own: "formerly known as …" (no real narrative cites a reference so).
    _rule(SUCCESSOR, r"\b(?:formerly|previously)\s+(?:known\s+as|called|named)\b|\bf\.k\.a\.?"),
    # "Founded on 20 Aug. 2013 as result of a merger between Al Moulathamoun (QDe.140) and the Mouvement pour
    # l'Unification et le Jihad en Afrique de l'Ouest (MUJAO) (QDe.134)": the new group succeeds both.
    _rule(SUCCESSOR, r"\b(?:result\s+of|through|by|after|following)\s+(?:a|the)\s+merger\s+(?:of|between)\b"),
    _rule(SUCCESSOR, r"\bsuccessor\s+(?:organi[sz]ation\s+|group\s+|entity\s+)?(?:of|to)\b"),
    # The other way round, in the older group's narrative: "Absorbed into Al-Qaida (QDe.004)" (Makhtab
    # al-Khidamat), "Changed name as Ministry of Atomic Energy Industry (KPe.027) in 2013" (GBAE), "Al
    # Moulathamoun merged with MUJAO (QDe.134) and established Al Mourabitoun (QDe.141)".
    _rule(SUCCESSOR, r"\babsorbed\s+(?:into|by)\b|\bchanged\s+(?:its\s+)?name\s+(?:to|as|into)\b"
                     r"|\brenamed(?:\s+(?:as|to))?\b|\bmerged\s+with\b.*\band\s+(?:established|formed|founded|created)\b",
          reverse=True),

    # --- affiliated_with, said in so many words: nearer than a specific rule, they win ----------------------
    # "Associated with Al-Qaida (QDe.004)", "affiliated with …", "Linked to the Organization of Al-Qaida in
    # the Islamic Maghreb (QDe.014)", "with links to …", "Known associate of Qasim Yahya Mahdi al-Rimi
    # (QDi.282)", "AQAP is a regional affiliate of Al-Qaida (QDe.004)".
    _rule(AFFILIATED, r"\b(?:associated|affiliated|allied|aligned)\s+(?:also\s+)?with\b|\b(?:linked|links|ties)\s+"
                      r"(?:to|with)\b|\b(?:close\s+|known\s+)?associate\s+of\b|\baffiliate\s+of\b"),
    # Peers merging: "Harakat-ul Jihad Islami merged with Harakat ul-Mujahidin (QDe.008) to form Harakat
    # ul-Ansar"; "Members in Afghanistan merged with Al-Qaida (QDe.004)": neither succeeds the other.
    _rule(AFFILIATED, r"\bmerged\s+with\b"),
    # "pledged loyalty to Aiman al-Zawahiri (QDi.006)", "swore an oath of allegiance to …".
    _rule(AFFILIATED, r"\b(?:pledged|swore|sworn)\s+(?:an\s+oath\s+of\s+)?(?:allegiance|loyalty)\s+to\b"),
    # Family: "the son of LRA leader Joseph Kony (CFi.009)" (the "leader" there is Kony's, not the subject's).
    _rule(AFFILIATED, r"\b(?:son|daughter|brother|sister|father|mother|cousin|uncle|nephew|niece|wife|husband)"
                      r"(?:-in-law)?\s+of\b"),
    # Ownership is none of the kinds: "Owned by Ahmed Shah Noorzai Obaidullah (TAi.166)", "Co-owner of Haji
    # Khairullah Haji Sattar Money Exchange (TAe.010)", "Owns and operates the Roshan Money Exchange".
    _rule(AFFILIATED, r"\b(?:owned|controlled|operated)\s+by\b|\b(?:co-)?owner\s+of\b|\bowns\b"),
    # Working for a person: "deputy to SULTANI MAKENGA (CDi.008)", "advisor to Mullah Mohammed Omar (TAi.004)",
    # "Under the direction of Aiman al-Zawahiri (QDi.006)", "acted on behalf of …", "in support of …".
    _rule(AFFILIATED, r"\b(?:deputy|adviser|advisor|secretary|assistant|aide|bodyguard|representative)\s+(?:to|of)\b"
                      r"|\bunder\s+the\s+(?:direction|command|orders?)\s+of\b|\bon\s+behalf\s+of\b|\bin\s+support\s+of\b"
                      r"|\bjoint\s+(?:attacks|operations)\s+with\b|\bcooperat(?:es|ed|ing)\s+with\b"),
)

DEFAULT_RULE = Rule(AFFILIATED, re.compile(r"(?!)"))

# A sentence naming the record's own earlier listing, not another listing: "Until 7 Sep. 2007 he was also
# listed under number TAi.048", "this entity appeared also as "Aid Organization of the Ulema, Pakistan"
# (QDe.073)", "The two entries … were consolidated into this entity".
SELF_ALIAS = re.compile(r"\balso listed under (?:number|reference)|\bappeared also as\b|\bconsolidated into this\b",
                        re.IGNORECASE)

# What may stand between a rule's words and the reference: a name, perhaps with its acronym and "listed as
# …". Names are capitalised; the only lower-case words they have are these (and ones with a hyphen or an
# apostrophe: "al-Nusrah", "ul-Islam", "l’Ouest"). Any other ("an armed group linked to", "Taliban Supreme
# Council and advisor to", "a Syria-based group listed in May 2014") is a clause, not a name.
NAME_MAX = 120
NAME_WORDS = {
    "of", "the", "in", "and", "for", "or", "al", "el", "ul", "wa", "wal", "bin", "ibn", "ben", "bint", "ag", "ould",
    "abu", "abd", "de", "du", "des", "la", "le", "les", "et", "en", "pour", "di", "da", "do", "dos", "fi", "e", "i",
    "y", "van", "von", "listed", "as", "also", "known", "aka", "a.k.a", "a.k.a.",
}
NAME_START = re.compile(r"^(?:(?:the|a|an|its|his|her|their)\s+)?(?:[^\w\s]*[A-Z0-9]|(?:al|el|ad|an|ar|as|ash|at|az"
                        r"|ud|ul|bin|ibn)\b)")


def names_only(text: str) -> bool:
    """Whether the words up to a reference are only a name: "the Islamic State in Iraq and the Levant, listed as"."""
    text = re.sub(r"\([^()]*\)", " ", before_open_parenthesis(text)).strip(" ,")
    if not text:
        return True
    if len(text) > NAME_MAX or not NAME_START.match(text) or re.search(r"[;:]", text):
        return False
    words = re.findall(r"[^\s,/]+", re.sub(r"^(?:the|a|an|its|his|her|their)\s+", "", text))
    return all(not word[0].islower() or word.lower() in NAME_WORDS or re.search(r"[-‑'’]", word) for word in words)


def before_open_parenthesis(text: str) -> str:
    """The text without the parenthesis the reference sits in: "Lashkar-e-Tayyiba (listed under … number "."""
    open_at = []
    for index, char in enumerate(text):
        if char == "(":
            open_at.append(index)
        elif char == ")" and open_at:
            open_at.pop()
    return text[:open_at[0]] if open_at else text
