"""
The portal's forms. They only carry what the partner typed: the rules are ``partners.validation``'s, the same
as the API's and the CSV upload's. ``SubmissionForm`` turns its fields into the dict the API takes, and puts
each error ``validate`` names (``names[2].name``, ``evidence[0].url``) back on the field it came from.
"""

import re

from django import forms

from entities.choices import EntityKind, NameType
from partners.choices import SubmissionRequest
from partners.validation import MESSAGE_LENGTH

EVIDENCE_ROWS = 3
EVIDENCE_FIELDS = ("url", "summary", "off_platform", "captured_at")
# Where an error on a whole list shows: the field a partner can change to fix it.
LIST_FIELDS = {"names": "aliases", "evidence": "evidence_0_url"}
ERROR_PATH = re.compile(r"(?P<list>\w+)(?:\[(?P<index>\d+)\])?(?:\.(?P<key>\w+))?")


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def items(text: str, separators: str = ",") -> list[str]:
    return [item.strip() for item in re.split(f"[{separators}]", text) if item.strip()]


class SubmissionForm(forms.Form):
    """One submission, with up to ``EVIDENCE_ROWS`` pieces of evidence (fields evidence_<row>_<key>)."""

    kind = forms.CharField(widget=forms.Select(choices=EntityKind.choices), required=False)
    name = forms.CharField(label="Primary name", required=False)
    aliases = forms.CharField(label="Other names", widget=forms.Textarea(attrs={"rows": 3}), required=False,
                              help_text="One per line.")
    original_script_names = forms.CharField(label="Names in original script", required=False,
                                            widget=forms.Textarea(attrs={"rows": 2}), help_text="One per line.")
    birth_dates = forms.CharField(label="Dates of birth", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text="YYYY or YYYY-MM-DD, separated by commas or new lines.")
    nationalities = forms.CharField(required=False, help_text="Country names or ISO codes, separated by commas.")
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False,
                                help_text="Why the registry should act.")
    entity = forms.CharField(label="Registry entity id", required=False,
                             help_text="Only to add information to, or ask for the delisting of, a listed entity.")
    request = forms.CharField(required=False, widget=forms.Select(choices=[
        ("", "Designate a new entity (or add information, with an entity id)"), *SubmissionRequest.choices]))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for row in range(EVIDENCE_ROWS):
            self.fields[f"evidence_{row}_url"] = forms.CharField(label="Address (URL)", required=False)
            self.fields[f"evidence_{row}_summary"] = forms.CharField(
                label="What it shows", required=False, widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"evidence_{row}_off_platform"] = forms.BooleanField(
                label="Found off the platform", required=False, initial=True)
            self.fields[f"evidence_{row}_captured_at"] = forms.CharField(
                label="Captured on", required=False, widget=forms.DateInput(attrs={"type": "date"}))
        self.name_fields: list[tuple[str, int]] = []  # names[i] -> (form field, line), once submission() ran
        self.evidence_rows: list[int] = []  # evidence[i] -> form row, once submission() ran

    @property
    def evidence(self) -> list[dict]:
        """The evidence rows' bound fields, for the template: [{"url": …, "summary": …, …}, …]."""
        return [{key: self[f"evidence_{row}_{key}"] for key in EVIDENCE_FIELDS} for row in range(EVIDENCE_ROWS)]

    def submission(self) -> dict:
        """What the partner typed, as the dict ``partners.validation.validate`` takes (call after is_valid)."""
        data = self.cleaned_data
        names = [("name", 1, data["name"], NameType.PRIMARY)]
        names += [("aliases", line, name, NameType.ALIAS) for line, name in enumerate(lines(data["aliases"]), 1)]
        names += [("original_script_names", line, name, NameType.ORIGINAL_SCRIPT)
                  for line, name in enumerate(lines(data["original_script_names"]), 1)]
        self.name_fields = [(field, line) for field, line, _, _ in names]
        submission = {
            "kind": data["kind"], "names": [{"name": name, "type": kind} for _, _, name, kind in names],
            "birth_dates": items(data["birth_dates"], ",\n"), "nationalities": items(data["nationalities"]),
            "rationale": data["rationale"], "entity": data["entity"], "evidence": self._evidence(),
        }
        if data["request"]:
            submission["request"] = data["request"]
        return submission

    def _evidence(self) -> list[dict]:
        """The rows with anything typed in them (the off-platform box alone, ticked by default, is nothing)."""
        evidence, self.evidence_rows = [], []
        for row in range(EVIDENCE_ROWS):
            item = {key: self.cleaned_data[f"evidence_{row}_{key}"] for key in EVIDENCE_FIELDS}
            if item["url"] or item["summary"] or item["captured_at"]:
                evidence.append(item)
                self.evidence_rows.append(row)
        return evidence

    def show_errors(self, errors: list[dict]) -> None:
        """Put each of ``validate``'s errors on the field it names; one no field stands for goes on top."""
        for error in errors:
            field, message = self._field_of(error["field"], error["message"])
            self.add_error(field if field in self.fields else None, message)

    def _field_of(self, path: str, message: str) -> tuple[str | None, str]:
        match = ERROR_PATH.fullmatch(path)
        if match is None:
            return None, message
        name, index, key = match["list"], match["index"], match["key"]
        if index is None:
            return LIST_FIELDS.get(name, name), message
        index = int(index)
        if name == "names" and index < len(self.name_fields):
            field, line = self.name_fields[index]
            return field, message if field == "name" else f"Line {line}: {message}"
        if name == "evidence" and index < len(self.evidence_rows):
            return f"evidence_{self.evidence_rows[index]}_{key or 'url'}", message
        return name, message  # an item of a plain list (birth_dates[1]): the list's field


class UploadForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="UTF-8, with the header row of the template.")


class AnswerForm(forms.Form):
    body = forms.CharField(label="Your answer", widget=forms.Textarea(attrs={"rows": 5}), max_length=MESSAGE_LENGTH)
