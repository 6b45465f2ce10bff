"""
/api/v1/submissions/: an expert partner's API client submits proposed entities (one JSON object, a JSON
array of up to PARTNER_BATCH_MAX, or a CSV file) and reads its own organisation's submissions, their status,
public outcome and the registry's questions, and answers them.

Only clients with the ``submit`` scope that belong to an active partner get in. Every query starts from the
calling partner's own submissions, so another partner's id is a 404, the same as an id that does not exist.
"""

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied, Throttled
from rest_framework.parsers import BaseParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from apiclients.choices import Scope
from entities.api.pagination import EntityCursorPagination
from entities.services import CurationError, NotAllowed
from partners import services
from partners.choices import SubmissionStatus
from partners.limits import submit_allowed
from partners.models import Submission, SubmissionMessage
from partners.validation import MESSAGE_LENGTH, SubmissionInvalid, parse_csv, parse_upload, validate


class CSVParser(BaseParser):
    """A CSV file sent as the request body (Content-Type: text/csv): handed on as bytes."""

    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read()


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The submission is not in a state for this."


# --- What a partner reads ----------------------------------------------------------------------------------------

class MessageSerializer(serializers.ModelSerializer):
    """A question from the registry or the partner's answer: never which analyst or which of the partner's people."""

    author = serializers.ChoiceField(choices=SubmissionMessage._meta.get_field("author").choices)

    class Meta:
        model = SubmissionMessage
        fields = ["author", "body", "created_at"]


class SubmissionSerializer(serializers.ModelSerializer):
    """
    A submission as its partner sees it: what it sent, its status and the public outcome. Never the likely
    matches, the internal reason, or who in the registry handled it.
    """

    url = serializers.HyperlinkedIdentityField(view_name="api:submission-detail")
    status_label = serializers.CharField(source="get_status_display")
    entity = serializers.SerializerMethodField(help_text="The registry entity it is about, once that is public.")
    messages = MessageSerializer(many=True)

    class Meta:
        model = Submission
        fields = ["id", "url", "status", "status_label", "public_outcome", "request", "kind", "names",
                  "birth_dates", "nationalities", "rationale", "evidence", "entity", "messages", "batch", "row",
                  "created_at", "updated_at"]

    def get_entity(self, submission) -> str | None:
        entity_id = submission.public_entity_id
        return str(entity_id) if entity_id is not None else None


class SubmittedSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:submission-detail")

    class Meta:
        model = Submission
        fields = ["id", "url", "row", "status"]


ERRORS = inline_serializer("SubmissionErrors", fields={
    "detail": serializers.CharField(),
    "errors": inline_serializer("SubmissionError", many=True, fields={
        "row": serializers.IntegerField(help_text="From 1 (0: the request as a whole)."),
        "field": serializers.CharField(), "message": serializers.CharField()}),
})
SUBMITTED = inline_serializer("SubmissionBatch", fields={
    "batch": serializers.UUIDField(), "submissions": SubmittedSerializer(many=True)})
EXAMPLE = {
    "kind": "organisation",
    "names": [{"name": "Example Liberation Front", "type": "primary"}, {"name": "ELF", "type": "alias"}],
    "birth_dates": [], "nationalities": ["Kenya"],
    "rationale": "Claimed two attacks on civilians in 2026 in its own channels.",
    "evidence": [{"url": "https://example.org/report", "summary": "Claim of responsibility", "off_platform": True,
                  "captured_at": "2026-10-01"}],
}


class AnswerSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=MESSAGE_LENGTH)


class SubmissionPagination(EntityCursorPagination):
    ordering = ("-created_at", "row", "id")


class SubmissionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    required_scope = Scope.SUBMIT
    serializer_class = SubmissionSerializer
    pagination_class = SubmissionPagination
    parser_classes = [JSONParser, MultiPartParser, CSVParser]
    lookup_value_regex = "[0-9a-fA-F-]{32,36}"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        try:
            self.actor = services.partner_actor(client=request.auth)
        except NotAllowed as error:
            raise PermissionDenied(str(error)) from None

    def get_queryset(self):
        return Submission.objects.of(self.actor.partner).select_related("entity").prefetch_related("messages")

    @extend_schema(
        summary="Submit proposed entities",
        description="One submission as a JSON object, a batch of up to 100 as a JSON array, or a CSV file "
                    "(multipart field `file`, or the body with Content-Type text/csv; columns in the README). "
                    "201 once screened, 202 when a worker screens them later. A batch with any invalid row is "
                    "refused whole: 400 naming each row and field, 413 over the size caps.",
        request={"application/json": OpenApiTypes.OBJECT, "text/csv": OpenApiTypes.STR,
                 "multipart/form-data": inline_serializer("Upload", fields={"file": serializers.FileField()})},
        examples=[OpenApiExample("One organisation", value=EXAMPLE, request_only=True)],
        responses={201: SUBMITTED, 202: SUBMITTED, 400: ERRORS, 403: OpenApiResponse(description="Not a partner."),
                   413: ERRORS, 429: OpenApiResponse(description="Over the partner's submission rate.")},
    )
    def create(self, request, *args, **kwargs):
        allowed, wait = submit_allowed(self.actor.partner)
        if not allowed:
            raise Throttled(wait, detail="Over this partner's submission rate "
                                         f"({settings.PARTNER_SUBMIT_RATE}); try again later.")
        try:
            self.check_size(request)
            rows = self.rows(request)
            made = services.submit(actor=self.actor, rows=rows)
        except SubmissionInvalid as invalid:
            return Response({"detail": "Nothing was stored: correct the errors and send the whole batch again.",
                             "errors": invalid.errors}, status=invalid.status)
        except NotAllowed as error:
            raise PermissionDenied(str(error)) from None
        made = list(Submission.objects.filter(pk__in=[submission.pk for submission in made]).order_by("row"))
        screened = all(submission.status != SubmissionStatus.RECEIVED for submission in made)
        body = {"batch": made[0].batch,
                "submissions": SubmittedSerializer(made, many=True, context={"request": request}).data}
        return Response(body, status=status.HTTP_201_CREATED if screened else status.HTTP_202_ACCEPTED)

    def rows(self, request):
        upload = request.FILES.get("file") if request.content_type.startswith("multipart/") else None
        if upload is not None:
            return parse_upload(upload)
        if request.content_type.startswith("multipart/"):
            raise SubmissionInvalid([{"row": 0, "field": "file", "message": "Attach the CSV file as field 'file'."}])
        if isinstance(request.data, bytes):
            return parse_csv(request.data)
        return validate(request.data)

    def check_size(self, request):
        """Refuse a request body over the cap before reading it."""
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        cap = settings.PARTNER_REQUEST_MAX_BYTES
        if length > cap:
            raise SubmissionInvalid([{"row": 0, "field": "body", "message": (
                f"The request is {length:,} bytes; the limit is {cap:,} bytes (and "
                f"{settings.PARTNER_BATCH_MAX} submissions a batch).")}], status=413)

    @extend_schema(
        summary="Answer the registry's question on a submission",
        request=AnswerSerializer,
        responses={201: MessageSerializer, 409: OpenApiResponse(description="No question waits for an answer.")},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        submission = self.get_object()
        allowed, wait = submit_allowed(self.actor.partner)
        if not allowed:
            raise Throttled(wait)
        answer = AnswerSerializer(data=request.data if isinstance(request.data, dict) else {})
        answer.is_valid(raise_exception=True)
        body = answer.validated_data["body"]
        try:
            message = services.answer(submission=submission, actor=self.actor, body=body)
        except NotAllowed as error:
            raise PermissionDenied(str(error)) from None
        except CurationError as error:
            raise Conflict(str(error)) from None
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)
