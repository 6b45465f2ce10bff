#!/usr/bin/env python
"""
Seed a large synthetic registry into PostgreSQL, fast, for the API benchmark (bench/api_load.py).

    python bench/seed.py [--entities N] [--database-url URL] [--seed S] [--out DIR] [--keep]

The database is dropped, recreated and migrated, then N entities (default 100,000) are written with
PostgreSQL COPY, a chunk at a time, never through the ORM one by one. Each entity looks like what the UN
importer writes: persons and organisations named in several languages and scripts (about three names each,
with aliases, weak aliases and original-script names), one or two nationalities, dates of birth in every form
(exact, year only, approximately, between two years, not stated), places of birth, addresses, identity
documents, one listing under the synthetic source ``bench`` with a regime and a unique reference number, the
source record every fact came from (a few facts are analyst-entered, with no source record), and the change
feed: one ``created`` change per entity plus a ``delisted`` one for each delisted entity, numbered in time
order. History tables are left empty: the API never reads them.

The same --seed gives the same registry, ids included. At the end a service API client with the ``read``
scope is created through ``apiclients.services.api_client_create``; its token goes to OUT/token, the entity
ids to OUT/entity_ids.txt (for the load generator) and the figures to OUT/seed.json.
"""

import argparse
import hashlib
import json
import os
import random
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/registry_apibench"
DEFAULT_OUT = ROOT / "var" / "bench"
CHUNK = 10_000
SOURCE_SLUG = "bench"
CLIENT_NAME = "bench-load"
# Entities were "imported" over these years; the newest change is just before NOW.
NOW = datetime(2026, 11, 26, tzinfo=UTC)
FIRST_IMPORT = datetime(2019, 1, 1, tzinfo=UTC)

# --- Name parts ------------------------------------------------------------------------------------
# (Latin transliteration, original script or None). Each locale also names the countries it is drawn with.

LOCALES = {
    "arabic": {
        "given": [("Abdullah", "عبد الله"), ("Mohammed", "محمد"), ("Ahmad", "أحمد"), ("Yusuf", "يوسف"),
                  ("Khalid", "خالد"), ("Omar", "عمر"), ("Ibrahim", "إبراهيم"), ("Hassan", "حسن"), ("Ali", "علي"),
                  ("Mustafa", "مصطفى"), ("Hamza", "حمزة"), ("Bilal", "بلال"), ("Tariq", "طارق"), ("Saad", "سعد")],
        "family": [("al-Masri", "المصري"), ("al-Tamimi", "التميمي"), ("al-Baghdadi", "البغدادي"),
                   ("al-Shami", "الشامي"), ("al-Yemeni", "اليمني"), ("al-Libi", "الليبي"), ("al-Harbi", "الحربي"),
                   ("al-Qahtani", "القحطاني"), ("al-Zahrani", "الزهراني"), ("al-Ansari", "الأنصاري"),
                   ("al-Dosari", "الدوسري"), ("al-Jaziri", "الجزيري")],
        "countries": [("Iraq", "IQ"), ("Syrian Arab Republic", "SY"), ("Yemen", "YE"), ("Libya", "LY"),
                      ("Egypt", "EG"), ("Saudi Arabia", "SA"), ("Tunisia", "TN"), ("Jordan", "JO")],
        "cities": ["Baghdad", "Mosul", "Raqqa", "Aden", "Sanaa", "Benghazi", "Cairo", "Tunis", "Zarqa", "Riyadh"],
        "kunya": True,
    },
    "russian": {
        "given": [("Aleksandr", "Александр"), ("Dmitri", "Дмитрий"), ("Ruslan", "Руслан"), ("Magomed", "Магомед"),
                  ("Islam", "Ислам"), ("Timur", "Тимур"), ("Zelimkhan", "Зелимхан"), ("Arslan", "Арслан"),
                  ("Shamil", "Шамиль"), ("Said", "Саид")],
        "family": [("Ivanov", "Иванов"), ("Petrov", "Петров"), ("Akhmedov", "Ахмедов"), ("Magomedov", "Магомедов"),
                   ("Aliev", "Алиев"), ("Gadzhiev", "Гаджиев"), ("Sokolov", "Соколов"), ("Khasanov", "Хасанов"),
                   ("Yusupov", "Юсупов"), ("Murtazaliev", "Муртазалиев")],
        "countries": [("Russian Federation", "RU"), ("Uzbekistan", "UZ"), ("Tajikistan", "TJ"),
                      ("Kazakhstan", "KZ"), ("Azerbaijan", "AZ")],
        "cities": ["Makhachkala", "Grozny", "Nalchik", "Tashkent", "Dushanbe", "Namangan", "Baku"],
    },
    "chinese": {
        "given": [("Wei", "伟"), ("Jun", "军"), ("Ming", "明"), ("Hui", "辉"), ("Lei", "磊"), ("Qiang", "强"),
                  ("Yong", "勇"), ("Jie", "杰")],
        "family": [("Wang", "王"), ("Li", "李"), ("Zhang", "张"), ("Liu", "刘"), ("Chen", "陈"), ("Ma", "马"),
                   ("Yang", "杨"), ("Zhou", "周")],
        "countries": [("China", "CN"), ("Malaysia", "MY"), ("Singapore", "SG")],
        "cities": ["Kashgar", "Urumqi", "Hotan", "Kuala Lumpur", "Johor Bahru"],
        "family_first": True,
    },
    "spanish": {
        "given": [("Juan", None), ("Carlos", None), ("José", None), ("María", None), ("Luis", None),
                  ("Miguel", None), ("Ana", None), ("Jesús", None)],
        "family": [("García", None), ("Rodríguez", None), ("López", None), ("Martínez", None),
                   ("Hernández", None), ("Núñez", None), ("Peña", None), ("Ibáñez", None)],
        "countries": [("Colombia", "CO"), ("Spain", "ES"), ("Mexico", "MX"), ("Peru", "PE")],
        "cities": ["Bogotá", "Medellín", "Ceuta", "Melilla", "Madrid", "Lima", "Culiacán"],
    },
    "french": {
        "given": [("Jean", None), ("Pierre", None), ("Rachid", None), ("Karim", None), ("Sébastien", None),
                  ("Amélie", None), ("Mehdi", None), ("Nadia", None)],
        "family": [("Dubois", None), ("Lefèvre", None), ("Benali", None), ("Moreau", None), ("Haddad", None),
                   ("Boucher", None), ("Mercier", None), ("Belkacem", None)],
        "countries": [("France", "FR"), ("Belgium", "BE"), ("Algeria", "DZ"), ("Morocco", "MA"), ("Mali", "ML")],
        "cities": ["Marseille", "Lyon", "Brussels", "Molenbeek", "Algiers", "Casablanca", "Bamako", "Gao"],
    },
    "somali": {
        "given": [("Abdirahman", None), ("Mohamed", None), ("Hassan", None), ("Abdikadir", None), ("Fatuma", None),
                  ("Ahmed", None), ("Yasin", None), ("Ismail", None)],
        "family": [("Warsame", None), ("Farah", None), ("Aden", None), ("Abdi", None), ("Hersi", None),
                   ("Osman", None), ("Jama", None), ("Mohamud", None)],
        "countries": [("Somalia", "SO"), ("Kenya", "KE"), ("Ethiopia", "ET"), ("Djibouti", "DJ")],
        "cities": ["Mogadishu", "Kismayo", "Baidoa", "Garissa", "Mombasa", "Jijiga"],
        "kunya": True,
    },
    "indonesian": {
        "given": [("Agus", None), ("Budi", None), ("Joko", None), ("Hendra", None), ("Dwi", None), ("Rizky", None),
                  ("Imam", None), ("Abu", None)],
        "family": [("Santoso", None), ("Wijaya", None), ("Saputra", None), ("Hidayat", None), ("Nugroho", None),
                   ("Setiawan", None), ("Kurniawan", None)],
        "countries": [("Indonesia", "ID"), ("Philippines", "PH"), ("Malaysia", "MY")],
        "cities": ["Jakarta", "Surabaya", "Poso", "Solo", "Marawi", "Jolo", "Zamboanga"],
    },
    "pashto": {
        "given": [("Gul", "گل"), ("Rahmatullah", "رحمت الله"), ("Zabihullah", "ذبیح الله"), ("Nasir", "ناصر"),
                  ("Wali", "ولی"), ("Abdul Basir", "عبد البصیر"), ("Habibullah", "حبیب الله"), ("Noor", "نور")],
        "family": [("Khan", "خان"), ("Yousafzai", "یوسفزی"), ("Afridi", "آفریدی"), ("Mohmand", "مومند"),
                   ("Zadran", "زدران"), ("Achakzai", "اڅکزی"), ("Noorzai", "نورزی")],
        "countries": [("Afghanistan", "AF"), ("Pakistan", "PK")],
        "cities": ["Kandahar", "Kabul", "Khost", "Jalalabad", "Peshawar", "Quetta", "Miranshah"],
        "kunya": True,
    },
    "turkish": {
        "given": [("Mehmet", None), ("Mustafa", None), ("Ahmet", None), ("Emre", None), ("Çağlar", None),
                  ("İbrahim", None), ("Gökhan", None)],
        "family": [("Yılmaz", None), ("Kaya", None), ("Demir", None), ("Şahin", None), ("Çelik", None),
                   ("Öztürk", None), ("Aydın", None)],
        "countries": [("Türkiye", "TR"), ("Germany", "DE")],
        "cities": ["Istanbul", "Gaziantep", "Adana", "Şanlıurfa", "Berlin", "Köln"],
    },
    "english": {
        "given": [("Thomas", None), ("Michael", None), ("Daniel", None), ("Sarah", None), ("Jack", None),
                  ("Lukas", None), ("Samuel", None)],
        "family": [("Smith", None), ("Taylor", None), ("Brown", None), ("Müller", None), ("Schmidt", None),
                   ("Wagner", None), ("O'Neill", None)],
        "countries": [("United Kingdom of Great Britain and Northern Ireland", "GB"), ("Germany", "DE"),
                      ("Australia", "AU"), ("United States of America", "US"), ("Canada", "CA")],
        "cities": ["London", "Birmingham", "Hamburg", "Sydney", "Minneapolis", "Toronto"],
    },
}
LOCALE_NAMES = list(LOCALES)
LOCALE_WEIGHTS = [22, 12, 4, 6, 10, 10, 8, 14, 6, 8]

ORG_FORMS = [("Front", "Jabhat", "جبهة"), ("Brigade", "Katibat", "كتيبة"), ("Movement", "Harakat", "حركة"),
             ("Army", "Jaysh", "جيش"), ("Group", "Jamaat", "جماعة"), ("Council", "Majlis", "مجلس"),
             ("Battalion", "Liwa", "لواء"), ("Foundation", "Muassasat", "مؤسسة"), ("Network", "Shabakat", "شبكة")]
ORG_QUALIFIERS = [("Islamic", "al-Islamiyya", "الإسلامية"), ("Revolutionary", "al-Thawriyya", "الثورية"),
                  ("Liberation", "al-Tahrir", "التحرير"), ("Popular", "al-Shaabiyya", "الشعبية"),
                  ("Eastern", "al-Sharqiyya", "الشرقية"), ("Northern", "al-Shamaliyya", "الشمالية"),
                  ("Victory", "al-Nasr", "النصر"), ("Martyrs", "al-Shuhada", "الشهداء"),
                  ("Unity", "al-Tawhid", "التوحيد"), ("Migrants", "al-Muhajirin", "المهاجرين")]
ORG_SUFFIXES = ["", " Relief Society", " Charitable Trust", " Media Wing", " Finance Committee", " Training Camp"]
REGIMES = [("Al-Qaida", "UN List", 35), ("ISIL (Da'esh)", "UN List", 30), ("Taliban", "UN List", 12),
           ("Al-Shabaab", "UN List", 8), ("Bench domestic list", "Domestic", 10), ("Bench partner list", "Partner", 5)]
TITLES = ["Mullah", "Maulavi", "Sheikh", "Haji", "Qari", "Dr.", "Emir"]
POSITIONS = ["Military commander", "Financier", "Propaganda chief", "Recruiter", "Deputy leader",
             "Head of logistics", "Spokesperson", "Provincial governor"]
DOCUMENT_TYPES = [("Passport", ""), ("National Identification Number", ""), ("Other", "Driving licence"),
                  ("Passport", "Diplomatic passport"), ("Other", "Seaman's book")]
STREETS = ["Al-Rashid Street", "Lenin Prospekt", "Calle Mayor", "Rue de la République", "Maka al Mukarama Road",
           "Jalan Sudirman", "Shahr-e Naw", "Atatürk Caddesi", "High Street", "Haifa Street"]
NARRATIVES = [
    "Listed for participating in the financing, planning, facilitating or perpetrating of acts or activities "
    "by, in conjunction with, under the name of, on behalf of, or in support of the listed group.",
    "Involved in recruiting fighters and moving funds across borders for the group.",
    "Provided weapons, training and logistical support; reportedly killed in {year}, unconfirmed.",
    "Operates under several names; controls cells in {city}.",
]


class EntityFactory:
    """Makes one synthetic entity at a time, with every fact row, from a seeded random generator."""

    def __init__(self, rng: random.Random, source_id: int):
        self.rng = rng
        self.source_id = source_id
        self.span = (NOW - FIRST_IMPORT - timedelta(days=1)).total_seconds()

    def make(self, number: int, ids: "IdCounter", total: int) -> dict:
        rng = self.rng
        locale_name = rng.choices(LOCALE_NAMES, LOCALE_WEIGHTS)[0]
        locale = LOCALES[locale_name]
        is_person = rng.random() < 0.7
        entity_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        # Entities are numbered in import order, so the change feed's order is also time order.
        created_at = FIRST_IMPORT + timedelta(seconds=self.span * number / total + rng.random())
        updated_at = min(created_at + timedelta(days=rng.choice([0, 0, 0, 3, 40, 400])), NOW - timedelta(hours=1))
        first_listed = (created_at - timedelta(days=rng.randint(0, 6000))).date()
        delisted = rng.random() < 0.05
        delisted_at = updated_at if delisted else None
        status = "delisted" if delisted else "active"  # the listing's
        state = "delisted" if delisted else "designated"  # the entity's: every seeded entity was designated
        regime, list_type = rng.choices([(r, t) for r, t, _ in REGIMES], [w for *_, w in REGIMES])[0]
        reference = f"B{'Qi' if is_person else 'Qe'}.{number + 1:06d}"
        record_id = ids.next("record")

        names = self.person_names(locale) if is_person else self.org_names(locale)
        caption = names[0][1]
        if is_person:
            parts = caption.split(" ", 3) + ["", "", ""]
            gender = rng.choices(["male", "female", "unknown"], [85, 8, 7])[0]
            titles = [rng.choice(TITLES)] if rng.random() < 0.2 else []
            positions = [rng.choice(POSITIONS)] if rng.random() < 0.3 else []
            category = rng.choices(["vei", "other"], [90, 10])[0]
        else:
            parts, gender, titles, positions = ["", "", "", ""], "", [], []
            category = rng.choices(["veo", "other"], [88, 12])[0]
        countries = rng.sample(locale["countries"], k=min(len(locale["countries"]), rng.choice([1, 1, 1, 2])))
        narrative = rng.choice(NARRATIVES).format(year=rng.randint(2010, 2024), city=rng.choice(locale["cities"]))
        entity = (entity_id, "person" if is_person else "organisation", caption, parts[0], parts[1], parts[2],
                  parts[3], gender, json.dumps(titles), json.dumps(positions), narrative, category, state,
                  created_at, first_listed, delisted_at, "", created_at, updated_at)

        rows = {"names": [], "birth_dates": [], "birth_places": [], "nationalities": [], "addresses": [],
                "documents": []}
        for name_type, full_name in names:
            rows["names"].append((ids.next("name"), entity_id, record_id, name_type, full_name,
                                  "good" if name_type == "alias" else ("low" if name_type == "weak_alias" else ""),
                                  "", "", "", ""))
        if rng.random() < 0.02:  # an analyst added an alias by hand: no source record
            rows["names"].append((ids.next("name"), entity_id, None, "alias", f"{caption} (analyst)", "", "Added "
                                  "from a partner report", "", "", ""))
        for country, code in countries:
            rows["nationalities"].append((ids.next("nationality"), entity_id, record_id, country, code))
        if is_person:
            for _ in range(rng.choice([1, 1, 1, 2])):
                rows["birth_dates"].append((ids.next("birth_date"), entity_id, record_id, *self.birth_date()))
            if rng.random() < 0.6:
                country, code = rng.choice(locale["countries"])
                rows["birth_places"].append((ids.next("birth_place"), entity_id, record_id, "",
                                             rng.choice(locale["cities"]), "", "", country, code, ""))
            for _ in range(rng.choice([0, 0, 1, 1, 2])):
                rows["documents"].append((ids.next("document"), entity_id, record_id, *self.document(locale)))
        for _ in range(rng.choice([0, 1, 1, 2] if is_person else [1, 1, 2])):
            country, code = rng.choice(locale["countries"])
            street = f"{rng.randint(1, 300)} {rng.choice(STREETS)}" if rng.random() < 0.4 else ""
            rows["addresses"].append((ids.next("address"), entity_id, record_id, street, rng.choice(locale["cities"]),
                                      "", "", country, code, ""))
        listed_on = first_listed
        last_updated = [(listed_on + timedelta(days=rng.randint(30, 2000))).isoformat()
                        for _ in range(rng.choice([0, 1, 2]))]
        external_id = str(6_900_000 + number)
        rows["listings"] = [(ids.next("listing"), entity_id, record_id, self.source_id, regime, list_type, reference,
                             listed_on, json.dumps(sorted(last_updated)), external_id, "1",
                             status, delisted_at)]
        payload = {"key": reference, "kind": entity[1], "names": [n for _, n in names], "regime": regime,
                   "nationalities": [c for c, _ in countries], "listed_on": listed_on.isoformat(),
                   "external_id": external_id}
        canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        rows["source_records"] = [(record_id, self.source_id, reference, external_id, entity_id, canonical,
                                   hashlib.sha256(canonical.encode()).hexdigest(), created_at, NOW - timedelta(hours=1),
                                   delisted_at)]
        rows["entities"] = [entity]
        changes = [(created_at, entity_id, "created", {"source_key": reference})]
        if delisted:
            changes.append((delisted_at, entity_id, "delisted", {"source_key": reference}))
        return {"rows": rows, "changes": changes, "id": entity_id}

    def person_names(self, locale) -> list[tuple[str, str]]:
        rng = self.rng
        given = rng.choice(locale["given"])
        father = rng.choice(locale["given"])
        family = rng.choice(locale["family"])
        parts = [family, given] if locale.get("family_first") else [given, father, family]
        if rng.random() < 0.3 and not locale.get("family_first"):
            parts.insert(2, rng.choice(locale["given"]))
        names = [("primary", " ".join(part[0] for part in parts))]
        if all(part[1] for part in parts):
            sep = "" if locale.get("family_first") else " "
            names.append(("original_script", sep.join(part[1] for part in parts)))
        if locale.get("kunya") and rng.random() < 0.6:
            names.append(("weak_alias", f"Abu {rng.choice(locale['given'])[0]} {rng.choice(locale['family'])[0]}"))
        if rng.random() < 0.7:
            alias = [rng.choice(locale["given"])[0], family[0]]
            names.append(("alias", " ".join(alias)))
        if rng.random() < 0.15:
            names.append(("former", f"{given[0]} {rng.choice(locale['family'])[0]}"))
        if len(names) < 3:
            names.append(("weak_alias", f"{given[0]} the {rng.choice(['Elder', 'Younger', 'Tall', 'Lame', 'Doctor'])}"))
        return names

    def org_names(self, locale) -> list[tuple[str, str]]:
        rng = self.rng
        form, form_latin, form_arabic = rng.choice(ORG_FORMS)
        qualifier, qualifier_latin, qualifier_arabic = rng.choice(ORG_QUALIFIERS)
        place = rng.choice(locale["cities"])
        english = f"{qualifier} {form} of {place}{rng.choice(ORG_SUFFIXES)}"
        names = [("primary", english), ("alias", f"{form_latin} {qualifier_latin} fi {place}")]
        if rng.random() < 0.5:
            names.append(("original_script", f"{form_arabic} {qualifier_arabic}"))
        acronym = "".join(word[0] for word in english.split() if word[0].isupper())
        names.append(("weak_alias", acronym))
        if rng.random() < 0.2:
            names.append(("former", f"{qualifier} {rng.choice(ORG_FORMS)[0]}"))
        return names

    def birth_date(self):
        """(date_type, date, year, from_year, to_year, note) in the forms the UN list uses."""
        rng = self.rng
        year = rng.randint(1950, 2002)
        form = rng.choices(["exact", "year", "approximately", "between", "unknown"], [50, 20, 15, 10, 5])[0]
        if form == "exact":
            return "exact", date(year, rng.randint(1, 12), rng.randint(1, 28)), None, None, None, ""
        if form == "year":
            return "exact", None, year, None, None, ""
        if form == "approximately":
            return "approximately", None, year, None, None, ""
        if form == "between":
            return "between", None, None, year, year + rng.randint(1, 5), ""
        return "unknown", None, None, None, None, "Date of birth not stated in the source"

    def document(self, locale):
        rng = self.rng
        doc_type, detail = rng.choice(DOCUMENT_TYPES)
        country, _ = rng.choice(locale["countries"])
        number = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(rng.randint(7, 10)))
        issued = date(rng.randint(1995, 2022), rng.randint(1, 12), rng.randint(1, 28)) if rng.random() < 0.4 else None
        city = rng.choice(locale["cities"]) if rng.random() < 0.3 else ""
        return doc_type, detail, number, country, country, city, issued, ""


class IdCounter:
    """Primary keys handed out in the script, so facts can point at their source record before it is written."""

    def __init__(self):
        self.last = {}

    def next(self, table: str) -> int:
        self.last[table] = self.last.get(table, 0) + 1
        return self.last[table]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].strip())
    parser.add_argument("--entities", type=int, default=100_000, help="How many entities (default 100,000).")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
                        help=f"PostgreSQL database to DROP, recreate and seed (default {DEFAULT_DATABASE_URL}).")
    parser.add_argument("--seed", type=int, default=20261126, help="Random seed (same seed, same registry).")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"Where to write the token and ids "
                        f"(default {DEFAULT_OUT}).")
    args = parser.parse_args(argv)
    if not 1 <= args.entities <= 10_000_000:
        parser.error("--entities must be from 1 to 10,000,000")
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("--database-url must be a PostgreSQL URL")
    return args


def recreate_database(database_url: str) -> None:
    import psycopg

    parsed = urlparse(database_url)
    name = parsed.path.lstrip("/")
    admin_url = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("SECRET_KEY", "bench-seed")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# table key -> (model name, field names in row order); fields are resolved to columns through the model.
TABLES = {
    "entities": ("Entity", ["id", "kind", "caption", "first_name", "second_name", "third_name", "fourth_name",
                            "gender", "titles", "positions", "narrative", "category", "state", "first_designated_at",
                            "first_listed", "delisted_at", "analyst_notes", "created_at", "updated_at"]),
    "source_records": ("SourceRecord", ["id", "source", "source_key", "external_id", "entity", "payload",
                                        "content_hash", "first_seen", "last_seen", "removed_at"]),
    "names": ("Name", ["id", "entity", "source_record", "name_type", "full_name", "quality", "note", "date_of_birth",
                       "city_of_birth", "country_of_birth"]),
    "birth_dates": ("BirthDate", ["id", "entity", "source_record", "date_type", "date", "year", "from_year",
                                  "to_year", "note"]),
    "birth_places": ("BirthPlace", ["id", "entity", "source_record", "street", "city", "state_province",
                                    "zip_code", "country", "country_code", "note"]),
    "nationalities": ("Nationality", ["id", "entity", "source_record", "country", "country_code"]),
    "addresses": ("Address", ["id", "entity", "source_record", "street", "city", "state_province", "zip_code",
                              "country", "country_code", "note"]),
    "documents": ("IdentityDocument", ["id", "entity", "source_record", "document_type", "document_type_detail",
                                       "number", "issuing_country", "country_of_issue", "city_of_issue",
                                       "date_of_issue", "note"]),
    "listings": ("Listing", ["id", "entity", "source_record", "source", "regime", "list_type", "reference_number",
                             "listed_on", "last_updated", "external_id", "version", "status", "delisted_at"]),
}


def copy_sql(model, fields) -> str:
    columns = ", ".join(f'"{model._meta.get_field(field).column}"' for field in fields)
    return f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN'


def copy_rows(cursor, sql: str, rows) -> None:
    with cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def seed(args) -> dict:
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection

    timings = {}
    started = time.perf_counter()
    recreate_database(args.database_url)
    call_command("migrate", verbosity=0)
    timings["create_and_migrate_s"] = time.perf_counter() - started

    from apiclients.services import api_client_create
    from entities.documents import render_all
    from entities.models import AuditEvent, EntityDocument, Source

    source = Source.objects.create(slug=SOURCE_SLUG, name="Synthetic benchmark list", enabled=False)
    models = {key: apps.get_model("entities", name) for key, (name, _) in TABLES.items()}
    sqls = {key: copy_sql(models[key], fields) for key, (_, fields) in TABLES.items()}
    change_sql = copy_sql(AuditEvent, ["id", "entity", "action", "occurred_at", "actor_kind", "reason", "public",
                                       "changes", "details"])

    rng = random.Random(args.seed)
    factory = EntityFactory(rng, source.pk)
    ids = IdCounter()
    counts = dict.fromkeys([*TABLES, "changes"], 0)
    changes = []
    entity_ids = []
    seed_started = time.perf_counter()
    connection.ensure_connection()
    raw = connection.connection  # the psycopg 3 connection: COPY needs its cursor, not Django's wrapper
    with raw.transaction(), raw.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        for chunk_start in range(0, args.entities, CHUNK):
            chunk = {key: [] for key in TABLES}
            for number in range(chunk_start, min(chunk_start + CHUNK, args.entities)):
                made = factory.make(number, ids, args.entities)
                for key, rows in made["rows"].items():
                    chunk[key].extend(rows)
                changes.extend(made["changes"])
                entity_ids.append(made["id"])
            # Parents first: entities, then source records, then the facts that point at both.
            for key in TABLES:
                copy_rows(cursor, sqls[key], chunk[key])
                counts[key] += len(chunk[key])
        # Changes are numbered in the order they happened, as entities.audit.record() numbers them.
        changes.sort(key=lambda change: change[0])
        copy_rows(cursor, change_sql, ((number, entity_id, action, occurred_at, "importer:bench",
                                        "Synthetic benchmark seed", True, "[]", json.dumps(details))
                                       for number, (occurred_at, entity_id, action, details) in enumerate(changes, 1)))
        counts["changes"] = len(changes)
        for model in [*models.values(), AuditEvent]:
            if model._meta.pk.get_internal_type() == "BigAutoField":
                table = model._meta.db_table
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                               f"COALESCE((SELECT max(id) FROM \"{table}\"), 1))")
    timings["copy_s"] = time.perf_counter() - seed_started
    analyze_started = time.perf_counter()
    with raw.cursor() as cursor:  # Django keeps the connection in autocommit mode, as VACUUM needs
        cursor.execute("VACUUM ANALYZE")
    timings["vacuum_analyze_s"] = time.perf_counter() - analyze_started
    # The API serves stored renderings of entity documents; render them now, as an import's first readers
    # (or manage.py render_entity_documents) would, so the benchmark measures the steady state.
    render_started = time.perf_counter()
    counts["documents"] = render_all()
    with raw.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {EntityDocument._meta.db_table}")
    timings["render_documents_s"] = time.perf_counter() - render_started

    _, token = api_client_create(name=CLIENT_NAME, kind="service", scopes=["read"], contact="bench/seed.py")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "token").write_text(token + "\n")
    (args.out / "token").chmod(0o600)
    (args.out / "entity_ids.txt").write_text("".join(f"{entity_id}\n" for entity_id in entity_ids))
    timings["total_s"] = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        database_bytes = cursor.fetchone()[0]
    result = {"entities": args.entities, "seed": args.seed, "rows": counts, "rows_total": sum(counts.values()),
              "database_mb": round(database_bytes / 2**20), **{k: round(v, 2) for k, v in timings.items()}}
    (args.out / "seed.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


def main(argv=None) -> int:
    args = parse_args(argv)
    setup_django(args.database_url)
    result = seed(args)
    rows = ", ".join(f"{key} {count:,}" for key, count in result["rows"].items())
    print(f"seeded {result['entities']:,} entities into {args.database_url} in {result['total_s']:.1f} s "
          f"(create+migrate {result['create_and_migrate_s']:.1f} s, COPY {result['copy_s']:.1f} s, "
          f"VACUUM ANALYZE {result['vacuum_analyze_s']:.1f} s, rendering the documents "
          f"{result['render_documents_s']:.1f} s); {result['rows_total']:,} rows: {rows}; "
          f"database {result['database_mb']} MB")
    print(f"token: {args.out / 'token'}; entity ids: {args.out / 'entity_ids.txt'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
