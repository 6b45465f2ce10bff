"""
What a partner may submit, and the one set of rules every way in goes through: the API's JSON (one object
or a batch), the portal's form and a CSV upload all become the same dicts and meet ``validate``.

Errors name the row (from 1, in the batch or after the CSV's header) and the field, e.g. row 2,
``names[0].name`` (JSON) or ``name`` (CSV); a batch with any invalid row is refused whole.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass

from django.conf import settings
from rest_framework import serializers

from entities.choices import EntityKind, NameType
from entities.countries import country_code
from entities.models import Entity
from partners.choices import SubmissionRequest

NAME_LENGTH = 300
RATIONALE_LENGTH = 5000
SUMMARY_LENGTH = 2000
URL_LENGTH = 2000
MESSAGE_LENGTH = 5000
NAMES_MAX = 30
EVIDENCE_MAX = 10
DATES_MAX = 5
NATIONALITIES_MAX = 5
SUBMITTABLE_NAME_TYPES = [NameType.PRIMARY, NameType.ALIAS, NameType.WEAK_ALIAS, NameType.FORMER,
                          NameType.ORIGINAL_SCRIPT]
BIRTH_DATE = re.compile(r"^\d{4}(-\d{2}-\d{2})?$")
# Entities a partner may name: those the registry has made public (designated, or designated once).
NAMEABLE = {"first_designated_at__isnull": False}


class SubmissionInvalid(ValueError):
    """A submission or batch that breaks the rules: ``errors`` is a list of {row, field, message}."""

    def __init__(self, errors: list[dict], *, status: int = 400):
        self.errors, self.status = errors, status
        super().__init__("; ".join(f"row {e['row']}, {e['field']}: {e['message']}" if e["row"] else e["message"]
                                   for e in errors))


def batch_max() -> int:
    return settings.PARTNER_BATCH_MAX


def upload_max_bytes() -> int:
    return settings.PARTNER_UPLOAD_MAX_BYTES


# --- The rules -------------------------------------------------------------------------------------------------

class HttpUrlField(serializers.URLField):
    default_error_messages = {"invalid": "Enter a valid http:// or https:// address."}

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not value.lower().startswith(("http://", "https://")):
            self.fail("invalid")
        return value


class NameInput(serializers.Serializer):
    name = serializers.CharField(max_length=NAME_LENGTH)
    type = serializers.ChoiceField(choices=[(value, NameType(value).label) for value in SUBMITTABLE_NAME_TYPES],
                                   default=NameType.ALIAS)

    def validate_name(self, value):
        return " ".join(value.split())


class EvidenceInput(serializers.Serializer):
    url = HttpUrlField(max_length=URL_LENGTH)
    summary = serializers.CharField(max_length=SUMMARY_LENGTH)
    off_platform = serializers.BooleanField(default=True)
    captured_at = serializers.DateField(input_formats=["%Y-%m-%d"])

    def validate_captured_at(self, value):
        if value > datetime.date.today():
            raise serializers.ValidationError("The capture date is in the future.")
        return value


class SubmissionInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EntityKind.choices)
    names = NameInput(many=True, allow_empty=False, max_length=NAMES_MAX)
    birth_dates = serializers.ListField(child=serializers.CharField(max_length=10), required=False, default=list,
                                        max_length=DATES_MAX)
    nationalities = serializers.ListField(child=serializers.CharField(max_length=100), required=False,
                                          default=list, max_length=NATIONALITIES_MAX)
    rationale = serializers.CharField(max_length=RATIONALE_LENGTH)
    evidence = EvidenceInput(many=True, required=False, default=list, max_length=EVIDENCE_MAX)
    entity = serializers.CharField(required=False, allow_blank=True, default="", max_length=36)
    request = serializers.ChoiceField(choices=SubmissionRequest.choices, required=False)

    def validate_names(self, names):
        primaries = [name for name in names if name["type"] == NameType.PRIMARY]
        if len(primaries) != 1:
            raise serializers.ValidationError(f"Give exactly one name of type 'primary' (found {len(primaries)}).")
        return names

    def validate_birth_dates(self, values):
        for value in values:
            if not BIRTH_DATE.match(value):
                raise serializers.ValidationError(f"'{value}' is not YYYY or YYYY-MM-DD.")
            year = int(value[:4])
            try:
                date = datetime.date.fromisoformat(value) if len(value) == 10 else datetime.date(year, 1, 1)
            except ValueError:
                raise serializers.ValidationError(f"'{value}' is not a date.") from None
            if not 1900 <= year or date > datetime.date.today():
                raise serializers.ValidationError(f"'{value}' is not a plausible date of birth.")
        return values

    def validate_nationalities(self, values):
        codes = []
        for value in values:
            code = country_code(value)
            if not code:
                raise serializers.ValidationError(f"'{value}' is not a country we know (use a name or ISO code).")
            codes.append(code)
        return codes

    def validate_entity(self, value):
        value = value.strip()
        if not value:
            return None
        entity = Entity.objects.filter(pk=value, **NAMEABLE).first() if is_uuid(value) else None
        if entity is None:
            raise serializers.ValidationError(f"No registry entity has the id '{value}'.")
        return entity

    def validate(self, data):
        request, entity = data.get("request"), data.get("entity")
        if request is None:
            request = SubmissionRequest.INFORMATION if entity else SubmissionRequest.DESIGNATION
        if request == SubmissionRequest.DESIGNATION and entity:
            raise serializers.ValidationError({"request": "A new designation names no entity; to add to an "
                                                          "existing one, use request 'information'."})
        if request != SubmissionRequest.DESIGNATION and not entity:
            raise serializers.ValidationError({"entity": f"Request '{request}' needs the registry id of the entity."})
        if request == SubmissionRequest.DESIGNATION and not data.get("evidence"):
            raise serializers.ValidationError({"evidence": "A new designation needs at least one piece of evidence."})
        if entity and entity.kind != data["kind"]:
            raise serializers.ValidationError({"kind": f"Entity {entity.pk} is a {entity.kind}."})
        data["request"] = request
        return data


def is_uuid(value: str) -> bool:
    return bool(re.fullmatch(r"[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}", value))


def validate(rows) -> list[dict]:
    """
    The validated submissions of ``rows`` (a list of dicts, or one dict), or SubmissionInvalid naming every
    row and field at fault; nothing partial.
    """
    if isinstance(rows, dict):
        rows = [rows]
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise SubmissionInvalid([error(0, "body", "Send one submission as a JSON object, or a batch as an array "
                                                  "of objects.")])
    if not rows:
        raise SubmissionInvalid([error(0, "body", "The batch is empty.")])
    if len(rows) > batch_max():
        raise SubmissionInvalid([error(0, "body", f"A batch holds at most {batch_max()} submissions; this one has "
                                                  f"{len(rows)}.")], status=413)
    errors, valid = [], []
    for number, row in enumerate(rows, start=1):
        serializer = SubmissionInput(data=row)
        if serializer.is_valid():
            valid.append(serializer.validated_data)
        else:
            errors.extend(error(number, field, message) for field, message in flatten(serializer.errors))
    if errors:
        raise SubmissionInvalid(errors)
    return valid


def error(row: int, field: str, message: str) -> dict:
    return {"row": row, "field": field, "message": str(message)}


def flatten(errors, prefix: str = ""):
    """DRF's nested errors as (field path, message) pairs: names[0].name, evidence[1].url, …"""
    if isinstance(errors, dict):
        for key, value in errors.items():
            if isinstance(key, int):  # a nested list's items, by index
                field = f"{prefix}[{key}]"
            elif key == "non_field_errors":
                field = prefix
            else:
                field = f"{prefix}.{key}" if prefix else str(key)
            yield from flatten(value, field or "body")
    elif isinstance(errors, list) and errors and all(isinstance(item, str) for item in errors):
        for message in errors:
            yield prefix, message
    elif isinstance(errors, list):
        for index, item in enumerate(errors):
            if item:
                yield from flatten(item, f"{prefix}[{index}]")
    else:
        yield prefix, str(errors)


# --- CSV -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    name: str
    help: str
    required: bool = False


SEPARATOR = ";"
COLUMNS = [
    Column("kind", "person or organisation", required=True),
    Column("name", "the primary name", required=True),
    Column("aliases", f"other names, separated by '{SEPARATOR}'"),
    Column("original_script_names", f"names in their original script, separated by '{SEPARATOR}'"),
    Column("birth_dates", f"YYYY or YYYY-MM-DD, separated by '{SEPARATOR}'"),
    Column("nationalities", f"country names or ISO codes, separated by '{SEPARATOR}'"),
    Column("rationale", "why the registry should act", required=True),
    Column("evidence_url", "an http(s) address of the evidence"),
    Column("evidence_summary", "what it shows"),
    Column("evidence_off_platform", "yes or no (default yes)"),
    Column("evidence_captured_at", "YYYY-MM-DD"),
    Column("entity", "the registry id of an existing entity (to add information or ask for a delisting)"),
    Column("request", "designation, information or delisting (default: designation, or information with entity)"),
]
COLUMN_NAMES = [column.name for column in COLUMNS]
# Where a JSON field's error shows in the CSV: the column that gave it.
CSV_FIELD = {"names": "name", "evidence": "evidence_url", "evidence.url": "evidence_url",
             "evidence.summary": "evidence_summary", "evidence.off_platform": "evidence_off_platform",
             "evidence.captured_at": "evidence_captured_at"}
TRUE, FALSE = {"yes", "y", "true", "1", ""}, {"no", "n", "false", "0"}


def parse_csv(data: bytes) -> list[dict]:
    """The rows of an uploaded CSV file as submission dicts, validated; SubmissionInvalid names row and column."""
    if len(data) > upload_max_bytes():
        raise SubmissionInvalid([error(0, "file", f"The file is {len(data):,} bytes; the limit is "
                                                  f"{upload_max_bytes():,} bytes.")], status=413)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SubmissionInvalid([error(0, "file", "The file is not UTF-8 text; save the CSV as UTF-8.")]) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [column.name for column in COLUMNS if column.required and column.name not in header]
    unknown = [name for name in header if name not in COLUMN_NAMES]
    if missing or unknown:
        problems = ([f"missing column(s): {', '.join(missing)}"] if missing else []) + (
            [f"unknown column(s): {', '.join(unknown)}"] if unknown else [])
        raise SubmissionInvalid([error(0, "header", "; ".join(problems) + f". The columns are: "
                                                    f"{', '.join(COLUMN_NAMES)}.")])
    reader.fieldnames = header
    try:
        rows = [{key: (value or "").strip() for key, value in row.items() if key is not None} for row in reader]
    except csv.Error as problem:
        raise SubmissionInvalid([error(0, "file", f"Not a readable CSV file: {problem}.")]) from None
    if not rows:
        raise SubmissionInvalid([error(0, "file", "The file has a header but no rows.")])
    if len(rows) > batch_max():
        raise SubmissionInvalid([error(0, "file", f"A file holds at most {batch_max()} rows; this one has "
                                                  f"{len(rows)}.")], status=413)
    errors, submissions = [], []
    for number, row in enumerate(rows, start=1):
        submission, problems = from_csv_row(row)
        submissions.append(submission)
        errors.extend(error(number, field, message) for field, message in problems)
    valid = []
    try:
        valid = validate(submissions)
    except SubmissionInvalid as invalid:
        errors.extend({**e, "field": csv_field(e["field"])} for e in invalid.errors)
    if errors:
        raise SubmissionInvalid(sorted(errors, key=lambda e: e["row"]))
    return valid


def parse_upload(upload) -> list[dict]:
    """An uploaded CSV file's validated rows (the portal's form, the API's multipart field); one over the size cap
    is refused before it is read."""
    cap = upload_max_bytes()
    if upload.size > cap:
        raise SubmissionInvalid([error(0, "file", f"The file is {upload.size:,} bytes; the limit is {cap:,} bytes. "
                                                  "Split it into smaller files.")], status=413)
    return parse_csv(upload.read())


def from_csv_row(row: dict) -> tuple[dict, list]:
    """One CSV row as a submission dict, and the problems only the CSV form can have."""
    problems = []

    def split(column):
        return [part.strip() for part in row.get(column, "").split(SEPARATOR) if part.strip()]

    names = [{"name": row.get("name", ""), "type": NameType.PRIMARY}]
    names += [{"name": alias, "type": NameType.ALIAS} for alias in split("aliases")]
    names += [{"name": name, "type": NameType.ORIGINAL_SCRIPT} for name in split("original_script_names")]
    submission = {"kind": row.get("kind", "").lower(), "names": names, "birth_dates": split("birth_dates"),
                  "nationalities": split("nationalities"), "rationale": row.get("rationale", ""),
                  "entity": row.get("entity", "")}
    if row.get("request"):
        submission["request"] = row["request"].lower()
    evidence = {key: row.get(f"evidence_{key}", "") for key in ("url", "summary", "captured_at")}
    if any(evidence.values()):
        off_platform = row.get("evidence_off_platform", "").lower()
        if off_platform not in TRUE | FALSE:
            problems.append(("evidence_off_platform", "Write yes or no."))
        submission["evidence"] = [{**evidence, "off_platform": off_platform not in FALSE}]
    return submission, problems


def csv_field(field: str) -> str:
    """The CSV column of a JSON field path: names[0].name -> name, names[2].name -> aliases, …"""
    match = re.fullmatch(r"names\[(\d+)\]\.name", field)
    if match:
        return "name" if match.group(1) == "0" else "aliases or original_script_names"
    bare = re.sub(r"\[\d+\]", "", field)
    return CSV_FIELD.get(bare, bare)
