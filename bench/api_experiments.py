"""
gunicorn config for bench/api_load.py --experiments: tries candidate speed fixes on the running server
WITHOUT changing the project's code, so each fix's gain can be measured before anyone writes it for real.

BENCH_EXPERIMENTS (comma-separated) picks the patches, applied in each worker after it loads the app:
  facts-sql        entities.selectors._by_entity runs one precompiled SQL statement per fact table instead of
                   building a Django queryset per table per request (the ORM's query compilation dominated).
  auth-cache       BearerTokenAuthentication keeps a token's client for 10 s in-process (a revocation then takes
                   up to 10 s to bite), sparing one query and its compilation per request.
  no-health-check  CONN_HEALTH_CHECKS off: no "SELECT 1" round trip at the start of each request.
  list-exists      the regime, nationality and source filters use EXISTS subqueries instead of a join plus
                   DISTINCT over every column (which sorted all matches, on disk, for each page).
  list-prefetch    the list prefetches listings and nationalities with Prefetch(to_attr=...) and only the
                   fields it shows, so Django does not clone a queryset per row, and builds each row's URL
                   from one reversed prefix.
The database index experiment (list-index) is done by api_load.py itself (CREATE INDEX before, DROP after).
"""

import json
import os
import time

EXPERIMENTS = {name.strip() for name in os.environ.get("BENCH_EXPERIMENTS", "").split(",") if name.strip()}


def post_worker_init(worker):
    for name in sorted(EXPERIMENTS & set(PATCHES)):  # list-index is the driver's, not a code patch
        PATCHES[name]()
    worker.log.info("bench experiments applied: %s", ", ".join(sorted(EXPERIMENTS)) or "none")


def facts_sql():
    from django.db import connection
    from django.db.models import JSONField

    from entities import selectors

    compiled = {}

    def statement(model, mapping):
        key = (model, tuple(mapping.values()))
        if key not in compiled:
            columns, loaders = [], []
            for path in mapping.values():
                if path == "source__slug":
                    columns.append('(SELECT s."slug" FROM "entities_source" s WHERE s."id" = t."source_id")')
                    loaders.append(None)
                    continue
                field = model._meta.get_field(path)
                columns.append(f't."{field.column}"')
                loaders.append(json.loads if isinstance(field, JSONField) else None)
            sql = (f'SELECT t."entity_id", {", ".join(columns)} FROM "{model._meta.db_table}" t '
                   f'WHERE t."entity_id" = ANY(%s) ORDER BY t."id"')
            compiled[key] = (sql, loaders)
        return compiled[key]

    def by_entity(model, mapping, ids):
        from collections import defaultdict

        sql, loaders = statement(model, mapping)
        names = list(mapping)
        grouped = defaultdict(list)
        with connection.cursor() as cursor:
            cursor.execute(sql, [list(ids)])
            for entity_id, *values in cursor.fetchall():
                values = [load(value) if load and isinstance(value, str) else value
                          for load, value in zip(loaders, values, strict=True)]
                grouped[entity_id].append(dict(zip(names, values, strict=True)))
        return grouped

    selectors._by_entity = by_entity


def auth_cache():
    from rest_framework import authentication, exceptions

    from apiclients import authentication as auth
    from apiclients.models import ApiClient, hash_token

    cache, ttl = {}, 10.0
    original = auth.BearerTokenAuthentication.authenticate

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if len(header) != 2 or header[0].decode("latin-1").lower() != "bearer":
            return original(self, request)
        token_hash = hash_token(header[1].decode("ascii", "replace"))
        hit = cache.get(token_hash)
        if hit is None or time.monotonic() - hit[1] > ttl:
            client = ApiClient.objects.filter(token_hash=token_hash).first()
            if client is None or not client.is_usable:
                return original(self, request)
            hit = cache[token_hash] = (client, time.monotonic())
        client = hit[0]
        if not client.is_usable:
            raise exceptions.AuthenticationFailed("The token is not valid.")
        return auth.ClientPrincipal(client), client

    auth.BearerTokenAuthentication.authenticate = authenticate


def no_health_check():
    from django.db import connections

    for connection in connections.all():
        connection.settings_dict["CONN_HEALTH_CHECKS"] = False


def list_exists():
    from django.db.models import Exists, OuterRef

    from entities.api.filtersets import EntityFilterSet
    from entities.models import Listing, Nationality

    filter_nationality = EntityFilterSet.filter_nationality

    def regime(self, queryset, name, value):
        return queryset.filter(Exists(Listing.objects.filter(entity=OuterRef("pk"), regime__iexact=value)))

    def nationality(self, queryset, name, value):
        filter_nationality(self, queryset, name, value)  # keeps its validation
        return queryset.filter(Exists(Nationality.objects.filter(entity=OuterRef("pk"),
                                                                 country_code=value.upper())))

    def source(self, queryset, name, value):
        return queryset.filter(Exists(Listing.objects.filter(entity=OuterRef("pk"), source__slug=value)))

    EntityFilterSet.filter_regime = regime
    EntityFilterSet.filter_nationality = nationality
    EntityFilterSet.filter_source = source


def list_prefetch():
    from django.db.models import Prefetch
    from django.urls import reverse
    from rest_framework import serializers

    from entities.api import serializers as api_serializers
    from entities.api.views import EntityViewSet
    from entities.models import Entity, Listing, Nationality

    summary = api_serializers.EntitySummarySerializer
    fields = [f for f in summary.Meta.fields if f not in ("url", "reference_numbers", "regimes", "nationalities")]
    EntityViewSet.queryset = Entity.objects.only(*fields).prefetch_related(
        Prefetch("listings", queryset=Listing.objects.only("entity_id", "regime", "reference_number"),
                 to_attr="listing_rows"),
        Prefetch("nationalities", queryset=Nationality.objects.only("entity_id", "country_code"),
                 to_attr="nationality_rows"),
    )

    class LeanSummary(summary):
        url = serializers.SerializerMethodField()

        def get_url(self, entity) -> str:
            base = self.context.get("_entity_base")
            if base is None:
                base = self.context["_entity_base"] = self.context["request"].build_absolute_uri(
                    reverse("api:entity-list"))
            return f"{base}{entity.pk}/"

        def get_reference_numbers(self, entity):
            return [listing.reference_number for listing in entity.listing_rows]

        def get_regimes(self, entity):
            return sorted({listing.regime for listing in entity.listing_rows})

        def get_nationalities(self, entity):
            return sorted({n.country_code for n in entity.nationality_rows if n.country_code})

    EntityViewSet.serializer_class = LeanSummary


PATCHES = {"facts-sql": facts_sql, "auth-cache": auth_cache, "no-health-check": no_health_check,
           "list-exists": list_exists, "list-prefetch": list_prefetch}
