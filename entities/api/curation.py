"""
The curation endpoints: propose entities and delistings, and decide proposals, over the API.

A client with the ``curate`` scope acts for one person (``ApiClient.user``): what it does is that person's,
with that person's roles, and four-eyes compares people, so the client of the analyst who made a proposal
cannot approve it, whatever client the analyst uses. The views declare and call ``entities.services``, which
check roles, four-eyes and states; their refusals come back as 403 (not allowed: a role, four-eyes) or 409
(the entity or the proposal is not in a state for it), with the service's message. A bad body is a 400
naming the field.
"""

from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.response import Response
from rest_framework.reverse import reverse

from apiclients.choices import Scope
from entities import services
from entities.api.filtersets import ProposalFilterSet
from entities.api.pagination import EntityCursorPagination
from entities.api.views import EntityViewSet, StrictQueryParamsMixin
from entities.audit import Actor
from entities.choices import EntityCategory, EntityKind, Tier
from entities.models import Entity, Proposal

REASON_MESSAGES = {
    "required": "Give a reason; it is kept in the entity's audit timeline.",
    "blank": "Give a reason; it is kept in the entity's audit timeline.",
}


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The entity or the proposal is not in a state for this."
    default_code = "conflict"


def curator(request) -> Actor:
    """The person the calling client acts for, as the services' actor; a 403 when it acts for no one."""
    client = request.auth
    if getattr(client, "user_id", None) is None:
        raise PermissionDenied("This API client acts for no person; curation needs a client created for a user.")
    return Actor.of_client(client)


def perform(service, **kwargs):
    """Call a curation service; its refusals become 403 (not allowed) or 409 (wrong state)."""
    try:
        return service(**kwargs)
    except services.NotAllowed as error:
        raise PermissionDenied(str(error)) from None
    except services.CurationError as error:
        raise Conflict(str(error)) from None


# --- Bodies ----------------------------------------------------------------------------------------------------

class StrictBodySerializer(serializers.Serializer):
    """A request body that refuses fields it does not know, so a typo is a 400 rather than silently ignored."""

    def validate(self, attrs):
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            message = f"Unknown field. Known: {', '.join(self.fields)}."
            raise serializers.ValidationError({name: [message] for name in unknown})
        return attrs


class ReasonSerializer(StrictBodySerializer):
    reason = serializers.CharField(max_length=5000, error_messages=REASON_MESSAGES,
                                   help_text="Why: kept in the audit timeline (internal clients only read it).")


class EntityCreateSerializer(StrictBodySerializer):
    kind = serializers.ChoiceField(choices=EntityKind.choices)
    caption = serializers.CharField(max_length=1000, help_text="The entity's name; it becomes its primary name.")
    category = serializers.ChoiceField(choices=EntityCategory.choices)
    tier = serializers.ChoiceField(choices=Tier.choices, required=False, allow_null=True, default=None)
    analyst_notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000,
                                          help_text="Internal: never shown outside the platform.")
    reason = serializers.CharField(max_length=5000, error_messages=REASON_MESSAGES,
                                   help_text="Why it should be designated: the proposal's reason.")


def valid(serializer_class, request) -> dict:
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return body.validated_data


# --- Answers ---------------------------------------------------------------------------------------------------

class ProposalEntitySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:entity-detail")

    class Meta:
        model = Entity
        fields = ["id", "url", "caption", "kind", "state"]


class ProposalSerializer(serializers.ModelSerializer):
    """
    A proposal in the review queue, and whether the calling person may decide it (``can_decide``; if not,
    ``why_not`` says why: a role, four-eyes, or a proposal decided already).
    """

    url = serializers.HyperlinkedIdentityField(view_name="api:proposal-detail")
    entity = ProposalEntitySerializer()
    can_decide = serializers.SerializerMethodField()
    why_not = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = ["id", "url", "kind", "state", "proposer_kind", "reason", "created_at", "review_started_at",
                  "decided_at", "decision_reason", "details", "entity", "can_decide", "why_not"]

    def decision(self, proposal) -> tuple[bool, str]:
        return services.can_decide(proposal, self.context["actor"].person)

    def get_can_decide(self, proposal) -> bool:
        return self.decision(proposal)[0]

    def get_why_not(self, proposal) -> str:
        return self.decision(proposal)[1]


class EntityCreatedSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="entity_id")
    url = serializers.SerializerMethodField()
    state = serializers.CharField(source="entity.state")
    proposal = serializers.IntegerField(source="pk")
    proposal_url = serializers.HyperlinkedIdentityField(view_name="api:proposal-detail")

    def get_url(self, proposal) -> str:
        return reverse("api:entity-detail", args=[proposal.entity_id], request=self.context["request"])


# What a curation verb may answer besides its success, for the schema.
REFUSALS = {
    400: OpenApiResponse(description="A bad body: the answer names the field."),
    403: OpenApiResponse(description="No `curate` scope, a client acting for no person, the person's role, or "
                                     "four-eyes: the answer says which."),
    404: OpenApiResponse(description="No such entity or proposal."),
    409: OpenApiResponse(description="The entity or the proposal is not in a state for this: the answer says why."),
}


# --- Views -----------------------------------------------------------------------------------------------------

CURATION_ACTIONS = {"create", "propose", "propose_delisting"}


class EntityCurationViewSet(EntityViewSet):
    """
    The entity endpoints (``EntityViewSet``) with the curation verbs: propose a new entity (POST to the
    list), propose designating a delisted or rejected one again, propose delisting a designated one. The
    verbs need the ``curate`` scope; reading needs ``read``.
    """

    @property
    def required_scope(self):
        return Scope.CURATE if self.action in CURATION_ACTIONS else Scope.READ

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action in CURATION_ACTIONS:
            self.actor = curator(request)

    @extend_schema(request=EntityCreateSerializer, responses={201: EntityCreatedSerializer, **REFUSALS})
    def create(self, request):
        """Propose an entity no source lists: it starts as a proposal in the review queue."""
        proposal = perform(services.entity_create, actor=self.actor, **valid(EntityCreateSerializer, request))
        body = EntityCreatedSerializer(proposal, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": body["url"]})

    @extend_schema(request=ReasonSerializer, responses={201: ProposalSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        """Propose designating a delisted or rejected entity again."""
        return self.proposed(request, services.entity_propose)

    @extend_schema(request=ReasonSerializer, responses={201: ProposalSerializer, **REFUSALS})
    @action(detail=True, methods=["post"], url_path="propose-delisting")
    def propose_delisting(self, request, pk=None):
        """Propose delisting a designated entity; an approver other than the proposer decides."""
        return self.proposed(request, services.entity_propose_delisting)

    def proposed(self, request, service):
        reason = valid(ReasonSerializer, request)["reason"]
        entity = Entity.objects.filter(pk=self.kwargs["pk"]).first()
        if entity is None:
            raise Http404("No entity has this id.")
        proposal = perform(service, entity=entity, actor=self.actor, reason=reason)
        body = ProposalSerializer(proposal, context={"request": request, "actor": self.actor}).data
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": body["url"]})


class ProposalPagination(EntityCursorPagination):
    ordering = ("created_at", "id")


class ProposalViewSet(StrictQueryParamsMixin, viewsets.ReadOnlyModelViewSet):
    """
    Proposals, oldest first: with ``state=open``, the review queue. Each says whether the calling person may
    decide it. Starting a review, approving, rejecting and withdrawing go through the services, as the person
    the client acts for. Scope ``curate``.
    """

    required_scope = Scope.CURATE
    queryset = Proposal.objects.select_related("entity")
    serializer_class = ProposalSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ProposalFilterSet
    pagination_class = ProposalPagination
    lookup_value_regex = "[0-9]+"

    def allowed_query_params(self):
        if self.action == "list":
            return {*ProposalFilterSet.base_filters, "cursor", "page_size", "format"}
        return super().allowed_query_params()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.actor = curator(request)  # every answer here is for a person: can they decide it?

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "actor": getattr(self, "actor", None)}

    @extend_schema(request=ReasonSerializer, responses={200: ProposalSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Take an open proposal under review (optional before deciding; it tells other approvers)."""
        return self.decide(request, services.proposal_start_review)

    @extend_schema(request=ReasonSerializer, responses={200: ProposalSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Designate (a designation proposal) or delist (a delisting proposal). Never one's own proposal."""
        return self.decide(request, services.proposal_approve)

    @extend_schema(request=ReasonSerializer, responses={200: ProposalSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject a proposal: a proposed entity becomes rejected; a designated one stays designated."""
        return self.decide(request, services.proposal_reject)

    @extend_schema(request=ReasonSerializer, responses={200: ProposalSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw an open delisting proposal: its proposer or an approver."""
        return self.decide(request, services.proposal_withdraw)

    def decide(self, request, service):
        reason = valid(ReasonSerializer, request)["reason"]
        proposal = self.get_object()
        perform(service, proposal=proposal, actor=self.actor, reason=reason)
        return Response(self.get_serializer(self.get_queryset().get(pk=proposal.pk)).data)
