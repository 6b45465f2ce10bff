"""Filters of the entity list. Every bad value is a 400 naming the parameter, never a 500."""

import re

import django_filters
from django.db.models import Exists, OuterRef
from rest_framework.exceptions import ValidationError

from entities.api.audience import audience_of
from entities.choices import (
    Audience,
    DesignationState,
    EntityCategory,
    EntityKind,
    EntityStatus,
    ProposalKind,
    ProposalState,
)
from entities.models import Entity, Listing, Name, Nationality, Proposal, Source
from entities.selectors import PUBLIC_FACTS

# `status` takes the lifecycle's states, and `active`, the API's first value, as another word for designated.
STATUS_VALUES = {**{state: state for state in DesignationState.values},
                 EntityStatus.ACTIVE: DesignationState.DESIGNATED}
PUBLIC_STATES = {DesignationState.DESIGNATED, DesignationState.DELISTED}


class EntityFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=EntityKind.choices)
    status = django_filters.CharFilter(
        method="filter_status",
        help_text="A designation state: designated (or active), delisted; with the `internal` scope also proposed, "
                  "under_review, rejected.",
    )
    category = django_filters.ChoiceFilter(choices=EntityCategory.choices)
    regime = django_filters.CharFilter(method="filter_regime", help_text="Sanctions regime, e.g. Al-Qaida.")
    nationality = django_filters.CharFilter(method="filter_nationality", help_text="ISO 3166-1 alpha-2, e.g. AF.")
    source = django_filters.CharFilter(method="filter_source", help_text="Source slug, e.g. un-sc.")
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    listed_since = django_filters.DateFilter(field_name="first_listed", lookup_expr="gte")
    q = django_filters.CharFilter(method="filter_q", help_text="Any name, alias or reference number.")

    _form_class = None

    class Meta:
        model = Entity
        fields = []

    def get_form_class(self):
        # The form depends only on the declared filters: build it once, not on every request.
        if type(self)._form_class is None:
            type(self)._form_class = super().get_form_class()
        return type(self)._form_class

    @property
    def audience(self) -> str:
        return audience_of(self.request)

    def filter_status(self, queryset, name, value):
        public = self.audience == Audience.PUBLIC
        state = STATUS_VALUES.get(value)
        if state is None or (public and state not in PUBLIC_STATES):
            known = ["active", *sorted(PUBLIC_STATES)] if public else list(STATUS_VALUES)
            extra = " (proposals and rejected ones need the `internal` scope)" if public and state else ""
            raise ValidationError({"status": [f"Use one of: {', '.join(known)}{extra}."]})
        if public and state == DesignationState.DELISTED:
            # External clients see an entity designated once and no longer designated as delisted, whatever
            # analysts are doing with it now.
            return queryset.exclude(state=DesignationState.DESIGNATED)
        return queryset.filter(state=state)

    # Relation filters are EXISTS subqueries, not joins: a join needs DISTINCT, which sorts every matching
    # row on each page, where EXISTS lets the page walk the ordering's index.

    def filter_regime(self, queryset, name, value):
        return queryset.filter(Exists(Listing.objects.filter(entity=OuterRef("pk"), regime__iexact=value)))

    def filter_nationality(self, queryset, name, value):
        if not re.fullmatch(r"[A-Za-z]{2}", value):
            raise ValidationError({"nationality": ["Use an ISO 3166-1 alpha-2 code such as AF."]})
        nationalities = Nationality.objects.filter(entity=OuterRef("pk"), country_code=value.upper())
        if self.audience == Audience.PUBLIC:
            nationalities = nationalities.filter(PUBLIC_FACTS)
        return queryset.filter(Exists(nationalities))

    def filter_source(self, queryset, name, value):
        if not Source.objects.filter(slug=value).exists():
            known = ", ".join(Source.objects.order_by("slug").values_list("slug", flat=True))
            raise ValidationError({"source": [f"Unknown source {value[:50]!r}. Known: {known}."]})
        return queryset.filter(Exists(Listing.objects.filter(entity=OuterRef("pk"), source__slug=value)))

    def filter_q(self, queryset, name, value):
        value = " ".join(value.split())
        if not value:
            return queryset
        if len(value) > 200:
            raise ValidationError({"q": ["Search for at most 200 characters."]})
        # The matching entities' ids first (each side on its own index on PostgreSQL), then their rows:
        # EXISTS here would test every entity in the ordering's index against both conditions.
        names = Name.objects.filter(full_name__icontains=value)
        if self.audience == Audience.PUBLIC:
            names = names.filter(PUBLIC_FACTS)  # an analyst's name must not be found by an external client
        names = names.order_by().values("entity_id")
        listings = Listing.objects.filter(reference_number__iexact=value).order_by().values("entity_id")
        return queryset.filter(pk__in=names.union(listings))


class ProposalFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=ProposalState.choices,
                                        help_text="open: the review queue; or approved, rejected, withdrawn.")
    kind = django_filters.ChoiceFilter(choices=ProposalKind.choices)

    class Meta:
        model = Proposal
        fields = []
