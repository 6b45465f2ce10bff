"""Full exports, streamed a batch at a time so memory stays flat whatever the registry's size."""

import csv
import io
from collections.abc import Iterator

from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.views import APIView

from apiclients.choices import Scope
from entities.api.audience import audience_of
from entities.api.ftm import ftm_entities
from entities.api.views import StrictQueryParamsMixin
from entities.documents import document_bodies, dumps
from entities.selectors import entity_documents
from registry.csv_safe import safe_row

CSV_COLUMNS = ["id", "kind", "caption", "status", "state", "category", "tier", "first_listed", "delisted_at",
               "reference_numbers", "regimes", "names", "aliases", "weak_aliases", "birth_dates", "nationalities",
               "updated_at"]


def jsonl_lines(audience: str) -> Iterator[str]:
    # Each line is the detail endpoint's body: the stored rendering where it is fresh.
    for body in document_bodies(audience=audience):
        yield body + "\n"


def ftm_lines(audience: str) -> Iterator[str]:
    for document in entity_documents(audience=audience):
        for entity in ftm_entities(document):
            yield dumps(entity) + "\n"


def csv_lines(audience: str) -> Iterator[str]:
    documents = entity_documents(audience=audience)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for document in documents:
        writer.writerow(csv_row(document))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def csv_row(document: dict) -> list:
    """One entity's CSV row; no cell is ever a formula (names come from sources and analysts)."""

    def names(kind):
        return "; ".join(name["name"] for name in document["names"] if name["type"] == kind)

    listings = document["listings"]
    return safe_row([
        document["id"], document["kind"], document["caption"], document["status"], document["state"],
        document["category"], document["tier"] or "",
        document["first_listed"] or "", document["delisted_at"] or "",
        "; ".join(listing["reference_number"] for listing in listings),
        "; ".join(sorted({listing["regime"] for listing in listings})),
        names("primary"), "; ".join(filter(None, [names("alias"), names("former"), names("original_script")])),
        names("weak_alias"),
        "; ".join(str(birth["date"] or birth["year"] or f"{birth['from_year']}-{birth['to_year']}")
                  for birth in document["birth_dates"] if birth["type"] != "unknown"),
        "; ".join(sorted({n["country_code"] for n in document["nationalities"] if n["country_code"]})),
        document["updated_at"].isoformat(),
    ])


FORMATS = {
    "jsonl": (jsonl_lines, "application/x-ndjson", "jsonl"),
    "csv": (csv_lines, "text/csv; charset=utf-8", "csv"),
    "ftm": (ftm_lines, "application/x-ndjson", "ftm.json"),
}


class ExportView(StrictQueryParamsMixin, APIView):
    """
    The whole registry in one download: JSON lines, CSV, or FollowTheMoney entities (one per line). Each holds
    what the caller may see: external clients, the entities designated at some point and what is public of them.
    """

    required_scope = Scope.READ

    def allowed_query_params(self):
        return {"format"}

    @extend_schema(
        parameters=[OpenApiParameter("format", OpenApiTypes.STR, enum=list(FORMATS), default="jsonl")],
        responses={(200, "application/x-ndjson"): OpenApiTypes.STR, (200, "text/csv"): OpenApiTypes.STR},
    )
    def get(self, request):
        name = request.query_params.get("format", "jsonl")
        if name not in FORMATS:
            raise ValidationError({"format": [f"Use one of: {', '.join(FORMATS)}."]})
        lines, content_type, extension = FORMATS[name]
        response = StreamingHttpResponse(lines(audience_of(request)), content_type=content_type)
        filename = f"registry-{timezone.now():%Y%m%dT%H%M%SZ}.{extension}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
