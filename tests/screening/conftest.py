"""
Fixtures of the screening tests: the name analyser warmed up once, a small registry imported from the
hand-written UN-format lists in tests/fixtures/screening/ and indexed, and API clients with tokens.

v1.xml holds 7 people and 3 organisations (every name and number invented, made of common name parts):
QDi.901 MUHAMMAD ABD AL-KARIM AL-JIZRAWI (Arabic original script, a strong and a weak alias, born 1971-05-03,
Iraq), QDi.902 SERGEI PETROVICH VOLKODAVOV (Cyrillic original script, born about 1965, Russia), QDi.903
NIKOLAOS KARAMBELIDIS (Greek original script, born between 1960 and 1964, Greece), TAi.901 HUSAYN ALI OSMANZAI
(born 1958), QDi.905 TARIQ MAHMUD ZAFARANI, QDi.906 MUHAMMAD RASHID QUDSI, QDi.907 USAMA ABDULLAH BIN FARHAT;
QDe.901 HARAKAT AL-FAJR AL-JADID (aliases New Dawn Movement, weak: Fajr Brigades), TAe.901 SUNRISE TRADING
COMPANY, QDe.902 AL-JIZRAWI CHARITABLE FOUNDATION. v2.xml renames TAi.901 (OSMANZAI -> OSMANKHEL) and drops
QDi.905 (delisted).
"""

import itertools

import pytest
from django.core.cache import cache

from apiclients.services import api_client_create
from screening.index import rebuild
from screening.names import analyse
from tests.api.helpers import bearer, by_reference

V1_REFERENCES = {"QDi.901", "QDi.902", "QDi.903", "TAi.901", "QDi.905", "QDi.906", "QDi.907", "QDe.901", "TAe.901",
                 "QDe.902"}


@pytest.fixture(scope="session", autouse=True)
def _warm_analyser():
    """rigour loads its name tagger on first use (several seconds): pay that once per session, up front."""
    analyse("Warm Up", "person")


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters must not leak from one test into another."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def screening_file(fixture_path):
    """screening_file("v1.xml") -> the path of one of tests/fixtures/screening/."""
    return lambda name: fixture_path(f"screening/{name}")


@pytest.fixture
def registry(db, import_un, screening_file):
    """The v1 list imported and the screening index rebuilt: {reference number: Entity}."""
    import_un(screening_file("v1.xml"))
    rebuild()
    found = by_reference()
    assert set(found) == V1_REFERENCES
    return found


@pytest.fixture
def make_client(db):
    """make_client(scopes=("match",), kind="service") -> the token of a new API client."""
    numbers = itertools.count(1)

    def make(scopes=("match",), kind="service"):
        _, token = api_client_create(name=f"screening-{next(numbers)}", kind=kind, scopes=list(scopes))
        return token

    return make


@pytest.fixture
def match_api(make_client):
    """A test client holding the token of a service client with the `match` scope."""
    return bearer(make_client(scopes=("match",)))


@pytest.fixture
def read_api(make_client):
    """A test client holding the token of a service client with the `read` scope only."""
    return bearer(make_client(scopes=("read",)))


SYLLABLES = ["ba", "do", "ki", "lu", "me", "no", "ra", "si", "tu", "ze"]
EXTRA_PERSON = """    <INDIVIDUAL>
      <DATAID>{dataid}</DATAID>
      <VERSIONNUM>1</VERSIONNUM>
      <FIRST_NAME>MUHAMMAD</FIRST_NAME>
      <SECOND_NAME>{surname}</SECOND_NAME>
      <UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE>
      <REFERENCE_NUMBER>QDi.{number}</REFERENCE_NUMBER>
      <LISTED_ON>2019-01-01</LISTED_ON>
      <NATIONALITY><VALUE>Iraq</VALUE></NATIONALITY>
      <LIST_TYPE><VALUE>UN List</VALUE></LIST_TYPE>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>1975-01-01</DATE></INDIVIDUAL_DATE_OF_BIRTH>
    </INDIVIDUAL>
"""


def invented_surname(number: int) -> str:
    """A distinct invented word per number: three syllables from a small set."""
    return "".join(SYLLABLES[int(digit)] for digit in f"{number:03d}").upper()


@pytest.fixture
def bigger_list(tmp_path, screening_file):
    """bigger_list(extra) -> a UN-format file: v1.xml plus `extra` people named MUHAMMAD <invented surname>."""

    def write(extra: int):
        text = screening_file("v1.xml").read_text(encoding="utf-8")
        people = "".join(
            EXTRA_PERSON.format(dataid=9300000 + number, surname=invented_surname(number), number=1000 + number)
            for number in range(extra)
        )
        path = tmp_path / f"v1-plus-{extra}.xml"
        path.write_text(text.replace("  </INDIVIDUALS>", people + "  </INDIVIDUALS>"), encoding="utf-8")
        return path

    return write
