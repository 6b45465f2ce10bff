import pytest

from entities.models import Entity

MINIMAL_LIST = """<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00.000Z">
  <INDIVIDUALS>
    <INDIVIDUAL>
      <DATAID>100</DATAID><VERSIONNUM>1</VERSIONNUM>
      <FIRST_NAME>AMIR</FIRST_NAME><SECOND_NAME>EXAMPLE</SECOND_NAME>
      <UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE><REFERENCE_NUMBER>QDi.900</REFERENCE_NUMBER>
      <LISTED_ON>2010-01-01</LISTED_ON>
      <NATIONALITY><VALUE>Afghanistan</VALUE></NATIONALITY>
      <LIST_TYPE><VALUE>UN List</VALUE></LIST_TYPE>
      <INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Abu Sample</ALIAS_NAME></INDIVIDUAL_ALIAS>
    </INDIVIDUAL>
  </INDIVIDUALS>
  <ENTITIES>
    <ENTITY>
      <DATAID>200</DATAID><VERSIONNUM>1</VERSIONNUM>
      <FIRST_NAME>EXAMPLE FRONT</FIRST_NAME>
      <UN_LIST_TYPE>DPRK</UN_LIST_TYPE><REFERENCE_NUMBER>KPe.900</REFERENCE_NUMBER>
      <LISTED_ON>2016-03-02</LISTED_ON>
      <LIST_TYPE><VALUE>UN List</VALUE></LIST_TYPE>
    </ENTITY>
  </ENTITIES>
</CONSOLIDATED_LIST>
"""


@pytest.fixture
def imported(db, tmp_path, import_un):
    """A registry holding two imported entities: QDi.900 (a person) and KPe.900 (an organisation)."""
    path = tmp_path / "list.xml"
    path.write_text(MINIMAL_LIST, encoding="utf-8")
    import_un(path)
    return {
        "person": Entity.objects.get(listings__reference_number="QDi.900"),
        "organisation": Entity.objects.get(listings__reference_number="KPe.900"),
        "path": path,
    }
