from pathlib import PurePath

from rest_framework import serializers

from entities.models import Source
from importers.models import ImportRun


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["slug", "name", "url", "enabled", "programs", "max_delist_share", "last_imported_at"]


class ImportRunSerializer(serializers.ModelSerializer):
    source = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    location = serializers.SerializerMethodField(help_text="The URL imported, or the name of the file.")

    class Meta:
        model = ImportRun
        fields = ["id", "source", "trigger", "status", "forced", "started_at", "finished_at", "location",
                  "file_sha256", "file_size", "date_generated", "record_count", "created", "updated", "unchanged",
                  "delisted", "relisted", "skipped_out_of_scope", "all_programs", "error"]

    def get_location(self, run) -> str:
        # A server-side path says nothing useful to an API client and something about the server.
        return run.location if "://" in run.location else PurePath(run.location).name
