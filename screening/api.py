"""The screening endpoints: a batch of queries for services, a search box for people."""

import re

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from apiclients.choices import Scope
from entities.api.audience import is_internal
from entities.api.pagination import whole_number
from entities.api.views import StrictQueryParamsMixin
from entities.choices import EntityKind
from entities.models.entities import api_status
from screening.scoring import Query
from screening.service import DEFAULT_THRESHOLD, SCREENED, WITH_PROPOSED, screen

MAX_QUERIES = 100
MAX_NAME_LENGTH = 300
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
BIRTH_DATE = re.compile(r"\A\d{4}(-\d{2}-\d{2})?\Z")


def validate_name(value: str) -> str:
    if CONTROL_CHARACTERS.search(value):
        raise serializers.ValidationError("The name contains control characters.")
    value = " ".join(value.split())
    if not value:
        raise serializers.ValidationError("The name is empty.")
    return value


class QuerySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=MAX_NAME_LENGTH, trim_whitespace=False)
    kind = serializers.ChoiceField(choices=EntityKind.values, required=False, allow_null=True)
    birth_date = serializers.RegexField(BIRTH_DATE, required=False, allow_null=True, allow_blank=True,
                                        error_messages={"invalid": "Use YYYY or YYYY-MM-DD."})
    nationality = serializers.CharField(max_length=100, required=False, allow_null=True, allow_blank=True)

    def validate_name(self, value):
        return validate_name(value)

    def validate_birth_date(self, value):
        if value and len(value) == 10:
            serializers.DateField().to_internal_value(value)  # a real calendar date
        return value or None


class MatchRequestSerializer(serializers.Serializer):
    queries = QuerySerializer(many=True, allow_empty=False, max_length=MAX_QUERIES)
    threshold = serializers.FloatField(min_value=0.0, max_value=1.0, default=DEFAULT_THRESHOLD)
    limit = serializers.IntegerField(min_value=1, max_value=50, default=5)
    include_proposed = serializers.BooleanField(
        default=False, help_text="Also entities awaiting a designation decision (needs the `internal` scope)."
    )

    def validate_include_proposed(self, value):
        if value and not is_internal(self.context["request"]):
            raise serializers.ValidationError("Only a client with the `internal` scope may include proposals.")
        return value


class CandidateSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="entity_id")
    url = serializers.SerializerMethodField()
    caption = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.SerializerMethodField(help_text="`active` while designated (the API's first status).")
    state = serializers.CharField(help_text="The designation state.")
    score = serializers.FloatField()
    match = serializers.BooleanField()
    explanation = serializers.DictField()

    def get_status(self, candidate) -> str:
        return api_status(candidate.state)

    def get_url(self, candidate) -> str:
        return reverse("api:entity-detail", args=[candidate.entity_id], request=self.context.get("request"))


class ResultSerializer(serializers.Serializer):
    candidates = CandidateSerializer(many=True)


class MatchView(APIView):
    """Is this name a designated entity? Up to 100 queries at once, each answered with explained candidates."""

    required_scope = Scope.MATCH

    @extend_schema(request=MatchRequestSerializer, responses={200: ResultSerializer(many=True)})
    def post(self, request):
        payload = MatchRequestSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        queries = [Query(**query) for query in data["queries"]]
        states = WITH_PROPOSED if data["include_proposed"] else SCREENED
        results = screen(queries, threshold=data["threshold"], limit=data["limit"], states=states,
                         internal_names=is_internal(request))
        context = {"request": request}
        return Response({
            "threshold": data["threshold"],
            "include_proposed": data["include_proposed"],
            "results": [
                {"query": vars(result.query), "candidates": CandidateSerializer(result.candidates, many=True,
                                                                                context=context).data}
                for result in results
            ],
        })


class SearchView(StrictQueryParamsMixin, APIView):
    """The same matching for a search box: ranked candidates for `q`, a page at a time."""

    required_scope = Scope.READ
    max_results = 100

    def allowed_query_params(self):
        return {"q", "kind", "page", "page_size", "threshold"}

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True), OpenApiParameter("kind", str, enum=EntityKind.values),
            OpenApiParameter("page", int), OpenApiParameter("page_size", int), OpenApiParameter("threshold", float),
        ],
        responses=inline_serializer("SearchPage", {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "results": CandidateSerializer(many=True),
        }),
    )
    def get(self, request):
        params = request.query_params
        try:
            name = validate_name(params.get("q", ""))
        except serializers.ValidationError as error:
            raise ValidationError({"q": error.detail}) from None
        if len(name) > MAX_NAME_LENGTH:
            raise ValidationError({"q": [f"Search for at most {MAX_NAME_LENGTH} characters."]})
        kind = params.get("kind") or None
        if kind and kind not in EntityKind.values:
            raise ValidationError({"kind": [f"Use one of: {', '.join(EntityKind.values)}."]})
        page = whole_number(params.get("page", "1"), parameter="page", low=1, high=self.max_results)
        size = whole_number(params.get("page_size", "20"), parameter="page_size", low=1, high=self.max_results)
        threshold = self.threshold(params.get("threshold"))
        [result] = screen([Query(name=name, kind=kind)], threshold=threshold, limit=self.max_results,
                          internal_names=is_internal(request))
        window = result.candidates[(page - 1) * size: page * size]
        more = len(result.candidates) > page * size
        next_url = None
        if more:
            next_url = request.build_absolute_uri(request.path) + "?" + _query(params, page=page + 1)
        return Response({
            "count": len(result.candidates),
            "next": next_url,
            "results": CandidateSerializer(window, many=True, context={"request": request}).data,
        })

    def threshold(self, raw):
        if raw is None:
            return DEFAULT_THRESHOLD
        try:
            value = float(raw)
        except ValueError:
            value = -1
        if not 0.0 <= value <= 1.0:
            raise ValidationError({"threshold": ["Use a number from 0 to 1."]})
        return value


def _query(params, **changes) -> str:
    merged = params.copy()
    for key, value in changes.items():
        merged[key] = str(value)
    return merged.urlencode()
