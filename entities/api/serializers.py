"""Serializers of the entity API: a compact summary for lists, the whole entity with provenance for detail."""

from rest_framework import serializers

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


class EntitySummarySerializer(serializers.ModelSerializer):
    """One row of the entity list. Documents the rows; ``entities.selectors.entity_summaries`` builds them."""

    url = serializers.HyperlinkedIdentityField(view_name="api:entity-detail")
    reference_numbers = serializers.ListField(child=serializers.CharField(), read_only=True)
    regimes = serializers.ListField(child=serializers.CharField(), read_only=True)
    nationalities = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Entity
        fields = ["id", "url", "kind", "caption", "status", "category", "first_listed", "delisted_at",
                  "reference_numbers", "regimes", "nationalities", "updated_at"]


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

    class Meta:
        model = Entity
        fields = ["id", "kind", "caption", "first_name", "second_name", "third_name", "fourth_name", "gender",
                  "titles", "positions", "narrative", "category", "status", "first_listed", "delisted_at",
                  "created_at", "updated_at", "names", "birth_dates", "birth_places", "nationalities", "addresses",
                  "documents", "listings", "source_records"]
