"""The rules every submission meets, whatever way it came in: each field's error names its row and field."""

import pytest

from entities.audit import Actor
from entities.choices import DesignationState
from entities.models import Entity
from entities.services import entity_create
from partners.validation import SubmissionInvalid, csv_field, parse_csv, validate
from tests.partners.helpers import organisation, person

pytestmark = pytest.mark.django_db


def errors_of(rows) -> set[tuple[int, str]]:
    with pytest.raises(SubmissionInvalid) as refused:
        validate(rows)
    return {(error["row"], error["field"]) for error in refused.value.errors}


def message_of(rows) -> str:
    with pytest.raises(SubmissionInvalid) as refused:
        validate(rows)
    [error] = refused.value.errors
    return error["message"]


def test_valid_submissions_come_back_cleaned():
    [row] = validate(organisation(names=[{"name": "  Example   Front ", "type": "primary"}, {"name": "EF"}],
                                  nationalities=["kenya", "NG"]))
    assert [dict(name) for name in row["names"]] == [{"name": "Example Front", "type": "primary"},
                                                     {"name": "EF", "type": "alias"}]
    assert row["nationalities"] == ["KE", "NG"]
    assert row["request"] == "designation" and row["entity"] is None
    assert row["evidence"][0]["off_platform"] is True


@pytest.mark.parametrize(("change", "field"), [
    ({"kind": "group"}, "kind"),
    ({"kind": None}, "kind"),
    ({"names": []}, "names"),
    ({"names": [{"name": "A", "type": "alias"}]}, "names"),
    ({"names": [{"name": "A", "type": "primary"}, {"name": "B", "type": "primary"}]}, "names"),
    ({"names": [{"name": "", "type": "primary"}]}, "names[0].name"),
    ({"names": [{"name": "x" * 301, "type": "primary"}]}, "names[0].name"),
    ({"names": [{"name": "A", "type": "primary"}, {"name": "B", "type": "nickname"}]}, "names[1].type"),
    ({"names": [{"name": f"N{i}", "type": "alias"} for i in range(31)]}, "names"),
    ({"birth_dates": ["1970-13-01"]}, "birth_dates"),
    ({"birth_dates": ["70"]}, "birth_dates"),
    ({"birth_dates": ["2999"]}, "birth_dates"),
    ({"birth_dates": "1970"}, "birth_dates"),
    ({"nationalities": ["Atlantis"]}, "nationalities"),
    ({"rationale": ""}, "rationale"),
    ({"rationale": "x" * 5001}, "rationale"),
    ({"evidence": []}, "evidence"),
    ({"evidence": [{"url": "ftp://example.org/a", "summary": "s", "captured_at": "2026-01-01"}]}, "evidence[0].url"),
    ({"evidence": [{"url": "javascript:alert(1)", "summary": "s", "captured_at": "2026-01-01"}]}, "evidence[0].url"),
    ({"evidence": [{"url": "https://e.org/" + "a" * 2000, "summary": "s", "captured_at": "2026-01-01"}]},
     "evidence[0].url"),
    ({"evidence": [{"url": "https://e.org/a", "summary": "s" * 2001, "captured_at": "2026-01-01"}]},
     "evidence[0].summary"),
    ({"evidence": [{"url": "https://e.org/a", "summary": "s", "captured_at": "2999-01-01"}]},
     "evidence[0].captured_at"),
    ({"evidence": [{"url": "https://e.org/a", "summary": "s", "captured_at": "01/02/2026"}]},
     "evidence[0].captured_at"),
    ({"evidence": [{"url": "https://e.org/a", "summary": "s", "captured_at": "2026-01-01", "off_platform": "maybe"}]},
     "evidence[0].off_platform"),
    ({"entity": "not-an-id"}, "entity"),
    ({"entity": "00000000-0000-0000-0000-000000000000"}, "entity"),
    ({"request": "delisting"}, "entity"),
    ({"request": "everything"}, "request"),
])
def test_each_field_error_names_the_field(change, field):
    assert errors_of([person(), organisation(**change)]) == {(2, field)}


def test_an_entity_is_named_by_public_id_only(import_un, fixture_path, analyst):
    import_un(fixture_path("api/v1.xml"))
    designated = Entity.objects.get(listings__reference_number="QDe.801")
    assert designated.state == DesignationState.DESIGNATED
    proposed = entity_create(actor=Actor.of_user(analyst), reason="seen", kind="organisation",
                             caption="Hidden Front", category="veo").entity
    [row] = validate(organisation(entity=str(designated.pk)))
    assert row["entity"] == designated and row["request"] == "information"
    [row] = validate(organisation(entity=str(designated.pk), request="delisting"))
    assert row["request"] == "delisting"
    # An entity the registry has not made public is answered like one that does not exist.
    assert message_of(organisation(entity=str(proposed.pk))) == f"No registry entity has the id '{proposed.pk}'."
    assert errors_of(organisation(entity=str(designated.pk), request="designation")) == {(1, "request")}
    assert errors_of(person(entity=str(designated.pk))) == {(1, "kind")}


@pytest.mark.parametrize("body", [None, "text", 7, [7], []])
def test_a_body_that_is_not_submissions_is_refused(body):
    assert errors_of(body) == {(0, "body")}


def test_a_batch_over_the_cap_names_the_cap(settings):
    settings.PARTNER_BATCH_MAX = 2
    with pytest.raises(SubmissionInvalid) as refused:
        validate([person()] * 3)
    assert refused.value.status == 413
    assert "at most 2 submissions; this one has 3" in str(refused.value)


# --- CSV ---------------------------------------------------------------------------------------------------------

HEADER = "kind,name,aliases,original_script_names,birth_dates,nationalities,rationale,evidence_url,evidence_summary,"\
         "evidence_off_platform,evidence_captured_at,entity,request\n"


def test_a_csv_row_becomes_the_same_submission_as_json():
    text = HEADER + ("person,Omar Samplezai,Abu Omar; O. Samplezai,عمر,1970;1971-02-03,Kenya,Recruits,"
                     "https://example.org/v,Video,no,2026-09-15,,\n")
    [row] = parse_csv(("\ufeff" + text).encode())  # a BOM, as spreadsheets write it
    assert [dict(name) for name in row["names"]] == [
        {"name": "Omar Samplezai", "type": "primary"}, {"name": "Abu Omar", "type": "alias"},
        {"name": "O. Samplezai", "type": "alias"}, {"name": "عمر", "type": "original_script"}]
    assert row["birth_dates"] == ["1970", "1971-02-03"] and row["nationalities"] == ["KE"]
    assert row["evidence"][0]["off_platform"] is False
    assert str(row["evidence"][0]["captured_at"]) == "2026-09-15"


def csv_errors(text: bytes | str):
    with pytest.raises(SubmissionInvalid) as refused:
        parse_csv(text.encode() if isinstance(text, str) else text)
    return refused.value


def test_csv_errors_name_the_row_and_the_column():
    text = HEADER + ("person,Omar,,,1970,,Recruits,https://example.org/v,Video,,2026-09-15,,\n"
                     "group,,,,19xx,Atlantis,,ftp://x,,perhaps,2026-99-99,,\n")
    refused = csv_errors(text)
    assert {(error["row"], error["field"]) for error in refused.errors} == {
        (2, "kind"), (2, "name"), (2, "birth_dates"), (2, "nationalities"), (2, "rationale"),
        (2, "evidence_url"), (2, "evidence_summary"), (2, "evidence_off_platform"), (2, "evidence_captured_at")}


@pytest.mark.parametrize(("text", "message"), [
    ("name,rationale\nA,B\n", "missing column(s): kind"),
    ("kind,name,rationale,colour\nperson,A,B,red\n", "unknown column(s): colour"),
    ("kind,name,rationale\n", "no rows"),
    (b"kind,name,rationale\nperson,\xe9,x\n", "not UTF-8"),
])
def test_a_csv_file_that_is_not_ours_is_refused_saying_why(text, message):
    refused = csv_errors(text)
    assert message in str(refused)
    assert refused.status == 400


def test_a_csv_file_over_the_caps_is_413(settings):
    settings.PARTNER_UPLOAD_MAX_BYTES = 50
    assert csv_errors(HEADER).status == 413
    settings.PARTNER_UPLOAD_MAX_BYTES = 100_000
    settings.PARTNER_BATCH_MAX = 2
    row = "person,Omar,,,,,Recruits,https://example.org/v,Video,,2026-09-15,,\n"
    refused = csv_errors(HEADER + row * 3)
    assert refused.status == 413 and "at most 2 rows" in str(refused)


@pytest.mark.parametrize(("field", "column"), [
    ("names[0].name", "name"), ("names[3].name", "aliases or original_script_names"),
    ("evidence[0].captured_at", "evidence_captured_at"), ("rationale", "rationale"),
])
def test_json_fields_map_to_csv_columns(field, column):
    assert csv_field(field) == column
