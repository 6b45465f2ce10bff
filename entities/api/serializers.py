"""Serializers of the entity API: a compact summary for lists, the whole entity with provenance for detail."""

from rest_framework import serializers

from entities.choices import API_STATUSES, AuditAction, RelationshipKind
from entities.models import Address, BirthDate, BirthPlace, Entity, IdentityDocument, Listing, Name, Nationality


class FactSerializer(serializers.ModelSerializer):
    """A fact names the source record it came from; null means an analyst entered it."""

    source_record = serializers.PrimaryKeyRelatedField(read_only=True)


class NameSerializer(FactSerializer):
    type = serializers.CharField(source="name_type")
    name = serializers.CharField(source="full_name")

    class Meta:
        model = Name
        fields = ["name", "type", "quality", "note", "date_of_birth", "city_of_birth", "country_of_birth",
                  "source_record"]


class BirthDateSerializer(FactSerializer):
    type = serializers.CharField(source="date_type")

    class Meta:
        model = BirthDate
        fields = ["type", "date", "year", "from_year", "to_year", "note", "source_record"]


class PlaceFields:
    fields = ["street", "city", "state_province", "zip_code", "country", "country_code", "note", "source_record"]


class BirthPlaceSerializer(FactSerializer):
    class Meta(PlaceFields):
        model = BirthPlace


class AddressSerializer(FactSerializer):
    class Meta(PlaceFields):
        model = Address


class NationalitySerializer(FactSerializer):
    class Meta:
        model = Nationality
        fields = ["country", "country_code", "source_record"]


class DocumentSerializer(FactSerializer):
    type = serializers.CharField(source="document_type")
    type_detail = serializers.CharField(source="document_type_detail")

    class Meta:
        model = IdentityDocument
        fields = ["type", "type_detail", "number", "issuing_country", "country_of_issue", "city_of_issue",
                  "date_of_issue", "note", "source_record"]


class ListingSerializer(FactSerializer):
    source = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Listing
        fields = ["source", "regime", "reference_number", "list_type", "listed_on", "last_updated", "external_id",
                  "version", "status", "delisted_at", "source_record"]


class SourceRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    source = serializers.CharField(source="source.slug")
    key = serializers.CharField(source="source_key")
    external_id = serializers.CharField()
    first_seen = serializers.DateTimeField()
    removed_at = serializers.DateTimeField()


class EvidenceSerializer(serializers.Serializer):
    """Evidence an analyst marked public (the platform's own services see all of it, with `public`)."""

    url = serializers.URLField()
    title = serializers.CharField()
    summary = serializers.CharField()
    on_platform = serializers.BooleanField(help_text="The behaviour was seen on the platform, not elsewhere.")
    captured_at = serializers.DateField()


class RelatedEntitySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    caption = serializers.CharField()


class RelationshipSerializer(serializers.Serializer):
    """A confirmed relationship, from this entity's end: `role` says whether it is the subject or the object."""

    kind = serializers.ChoiceField(choices=RelationshipKind.choices)
    role = serializers.ChoiceField(choices=["subject", "object"])
    other = RelatedEntitySerializer()
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    origin = serializers.ChoiceField(choices=["source", "analyst"])
    source_record = serializers.IntegerField(allow_null=True)
    basis = serializers.CharField(help_text="The source's words; an analyst's only for internal clients (else empty).")


class EntitySummarySerializer(serializers.ModelSerializer):
    """One row of the entity list. Documents the rows; ``entities.selectors.entity_summaries`` builds them."""

    url = serializers.HyperlinkedIdentityField(view_name="api:entity-detail")
    reference_numbers = serializers.ListField(child=serializers.CharField(), read_only=True)
    regimes = serializers.ListField(child=serializers.CharField(), read_only=True)
    nationalities = serializers.ListField(child=serializers.CharField(), read_only=True)
    status = serializers.ChoiceField(choices=API_STATUSES, read_only=True,
                                     help_text="`active` while designated, else the state (the API's first field).")

    class Meta:
        model = Entity
        fields = ["id", "url", "kind", "caption", "status", "state", "category", "tier", "first_listed",
                  "delisted_at", "reference_numbers", "regimes", "nationalities", "updated_at"]


class EntityDetailSerializer(serializers.ModelSerializer):
    """The whole entity: every fact with the source record it came from, and those source records."""

    names = NameSerializer(many=True)
    birth_dates = BirthDateSerializer(many=True)
    birth_places = BirthPlaceSerializer(many=True)
    nationalities = NationalitySerializer(many=True)
    addresses = AddressSerializer(many=True)
    documents = DocumentSerializer(many=True)
    listings = ListingSerializer(many=True)
    source_records = SourceRecordSerializer(many=True)
    evidence = EvidenceSerializer(many=True)
    relationships = RelationshipSerializer(many=True)
    status = serializers.ChoiceField(choices=API_STATUSES, read_only=True,
                                     help_text="`active` while designated, else the state (the API's first field).")

    class Meta:
        model = Entity
        fields = ["id", "kind", "caption", "first_name", "second_name", "third_name", "fourth_name", "gender",
                  "titles", "positions", "narrative", "category", "tier", "status", "state", "first_listed",
                  "delisted_at", "created_at", "updated_at", "names", "birth_dates", "birth_places", "nationalities",
                  "addresses", "documents", "listings", "source_records", "evidence", "relationships"]


class HistoryEventSerializer(serializers.Serializer):
    """One change in an entity's audit timeline, as the caller may see it."""

    cursor = serializers.CharField()
    action = serializers.ChoiceField(choices=AuditAction.choices)
    occurred_at = serializers.DateTimeField()
    actor = serializers.CharField(help_text="The kind of actor: analyst, approver, importer:<source>, partner, …")
    reason = serializers.CharField(help_text="As written for internal clients; a fixed reason per action for others.")
    changes = serializers.ListField(child=serializers.DictField())
    details = serializers.DictField()


class HistoryPageSerializer(serializers.Serializer):
    results = HistoryEventSerializer(many=True)
    next = serializers.URLField(allow_null=True)
