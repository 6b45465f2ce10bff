import json
import sys

from django.core.management.base import BaseCommand, CommandError

from importers.base import ImportFailed, SourceUnreachable, importer_slugs
from importers.choices import ImportTrigger
from importers.models import ImportRun
from importers.services import import_source

EXIT_UNREACHABLE = 3  # tells "offline, nothing attempted" apart from a failed import (1)


class Command(BaseCommand):
    help = "Import a source list into the registry, e.g. `import_source un-sc --file consolidated.xml`."

    def add_arguments(self, parser):
        parser.add_argument("source", help=f"The source to import: one of {', '.join(importer_slugs())}.")
        where = parser.add_mutually_exclusive_group()
        where.add_argument("--file", action="append", help="Import this local file instead of downloading; give it "
                           "once per file for a list published as several (OFAC's sdn.csv, add.csv, alt.csv, …).")
        where.add_argument("--url", help="Download from this URL instead of the source's configured one.")
        parser.add_argument(
            "--force", action="store_true", help="Apply even if it would delist more than the source's limit at once."
        )
        parser.add_argument(
            "--all-programs", action="store_true",
            help="Import every program of the list, not only the source's (its `programs`, edited in the admin).",
        )
        parser.add_argument(
            "--only-if-reachable", action="store_true",
            help="When downloading: if the server cannot be reached at all (offline), import nothing, record no "
            f"import run and exit with status {EXIT_UNREACHABLE}.",
        )
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="Print one JSON object with the outcome."
        )

    def handle(self, *args, source, file, url, force, all_programs, only_if_reachable, as_json, **options):
        if source not in importer_slugs():
            raise CommandError(f"Unknown source {source!r}; known sources: {', '.join(importer_slugs())}.")
        show_progress = not as_json and sys.stderr.isatty()
        try:
            run = import_source(
                slug=source, trigger=ImportTrigger.COMMAND, file=file, url=url, force=force, all_programs=all_programs,
                only_if_reachable=only_if_reachable, progress=self.progress if show_progress else lambda message: None,
            )
        except SourceUnreachable as error:
            self.fail(source, None, str(error), as_json=as_json, exit_code=EXIT_UNREACHABLE)
        except ImportFailed as error:
            self.fail(source, error.run, str(error), as_json=as_json)
        except Exception as error:  # recorded on the run already; report it the same way
            run = ImportRun.objects.filter(source__slug=source).order_by("-pk").first()
            self.fail(source, run, f"Unexpected error ({type(error).__name__}): {error}", as_json=as_json)
        if as_json:
            self.print_json(run, "")
        else:
            self.print_summary(run)

    def fail(self, source, run, message, *, as_json, exit_code=1):
        if as_json:
            self.print_json(run, message)
            sys.exit(exit_code)
        raise CommandError(f"Import of {source} failed: {message}", returncode=exit_code)

    def progress(self, message):
        self.stderr.write(f"… {message}", style_func=self.style.HTTP_INFO)

    def print_summary(self, run):
        if run.status == "not_modified":
            self.stdout.write(self.style.SUCCESS(f"{run.source.slug}: not modified since the last download."))
            return
        counts = ", ".join(f"{value} {key}" for key, value in run.counts.items())
        seconds = run.duration.total_seconds()
        self.stdout.write(self.style.SUCCESS(
            f"Imported {run.source.slug} (run {run.pk}, list of {run.date_generated or 'unknown date'}): "
            f"{run.record_count} records in {seconds:.1f}s — {counts}."
        ))

    def print_json(self, run, error):
        outcome = {
            "run": run.pk if run else None,
            "source": run.source.slug if run else None,
            "status": run.status if run else "failed",
            **(run.counts if run else {}),
            "records": run.record_count if run else None,
            "date_generated": run.date_generated if run else "",
            "file_sha256": run.file_sha256 if run else "",
            "error": error,
        }
        self.stdout.write(json.dumps(outcome, ensure_ascii=False))
