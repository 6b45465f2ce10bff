"""CSV exports, of partners' submissions (an admin action) and of entities (the API): no cell is ever a formula."""

import csv
import io

import pytest
from django.urls import reverse

from apiclients.services import api_client_create
from entities.choices import NameType
from entities.models import Name
from entities.services import name_save
from registry.csv_safe import safe_cell
from tests.api.helpers import bearer
from tests.helpers import actor

FORMULA = '=HYPERLINK("http://x")'


@pytest.mark.parametrize(("value", "cell"), [
    (FORMULA, "'" + FORMULA), ("+1+2", "'+1+2"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("\r=x", "'\r=x"), ("Front = Example", "Front = Example"), ("", ""), (-2, -2), (None, None),
])
def test_safe_cell(value, cell):
    assert safe_cell(value) == cell


def test_exporting_submissions_as_csv(client, analyst, admin_submit):
    submission = admin_submit(FORMULA, names=[{"name": FORMULA, "type": "primary"},
                                             {"name": "@SUM(1)", "type": "alias"}], rationale="-recruits")
    admin_submit("Not Selected")
    client.force_login(analyst)

    response = client.post(reverse("admin:partners_submission_changelist") + "?status=all",
                           {"action": "export_csv", "_selected_action": [str(submission.pk)]})

    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="submissions-')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["id", "partner", "status", "kind", "request", "primary_name", "other_names", "rationale", "created_at"],
        [str(submission.pk), "Partner A", "pending", "organisation", "designation", "'" + FORMULA, "'@SUM(1)",
         "'-recruits", submission.created_at.isoformat()],
    ]


def test_the_entity_export_never_writes_a_formula(client, analyst, admin_designated):
    entity = admin_designated("Front of Example")
    name_save(name=Name(entity=entity, name_type=NameType.ALIAS, full_name=FORMULA, public=True),
              actor=actor(analyst))
    _, token = api_client_create(name="reader", kind="service", scopes=["read"])

    response = bearer(token).get("/api/v1/export/?format=csv")

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    [row] = [row for row in rows if row["id"] == str(entity.pk)]
    assert row["aliases"] == "'" + FORMULA
