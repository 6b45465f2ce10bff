"""
Importing a source: the service the command line, the admin and the Celery task all call.

``import_source`` records an ImportRun, takes the source's lock, gets the file (a local path or a
download), parses it completely, and only then syncs it into the registry in one transaction. Whatever
fails, the registry is left exactly as it was and the run records why.
"""

import hashlib
import logging
import shutil
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from entities.audit import Actor, save
from entities.models import Source
from importers.base import ImportFailed, SourceUnreachable, get_importer
from importers.choices import ImportRunStatus
from importers.fetch import sha256_of
from importers.locks import source_lock
from importers.models import ImportRun
from importers.sync import sync_records

logger = logging.getLogger(__name__)


def source_for(slug: str) -> Source:
    """The Source row of a registered importer, created on first use."""
    importer = get_importer(slug)
    source, _ = Source.objects.get_or_create(slug=slug, defaults={
        "name": importer.name, "url": importer.default_url, "policy": importer.default_policy,
        "programs": list(importer.default_programs),
    })
    return source


SOURCE_SETTINGS = ("name", "url", "enabled", "policy", "programs", "max_delist_share")


@transaction.atomic
def source_update(*, source: Source, actor: Actor, reason: str, **changes) -> Source:
    """Change a source's settings (URL, enabled, policy, programs, delisting limit), with a reason in its history."""
    unknown = set(changes) - set(SOURCE_SETTINGS)
    if unknown:
        raise ValueError(f"{', '.join(sorted(unknown))} cannot be set; settings: {', '.join(SOURCE_SETTINGS)}.")
    if not reason.strip():
        raise ValueError("Give a reason for changing the source's settings.")
    for field, value in changes.items():
        setattr(source, field, value)
    save(source, actor=actor, reason=reason.strip())
    return source


def import_source(
    *,
    slug: str,
    trigger: str,
    user=None,
    file: str | Path | list | None = None,
    url: str | None = None,
    force: bool = False,
    all_programs: bool = False,
    only_if_reachable: bool = False,
    progress: Callable[[str], None] = lambda message: None,
) -> ImportRun:
    """
    Import source ``slug`` from ``file`` (a path, or a list of paths for a list published as several files), from
    ``url``, or from the source's configured URL. Only the records under the source's programs are imported
    (all of them with ``all_programs``, or when the source names none); the others are counted as skipped.

    Returns the finished ImportRun. Raises ImportFailed (with ``.run`` set) when the import is refused
    or fails; the run then records the reason and nothing in the registry has changed.

    With ``only_if_reachable``, a download whose server cannot be reached at all is not attempted: it raises
    SourceUnreachable (``.run`` None) and records no run. bin/run asks for this when it retries the official
    list on every start, so that a machine that stays offline does not pile up failed runs.
    """
    source = source_for(slug)
    if only_if_reachable and not file:
        reason = get_importer(slug).unreachable(url or source.url)
        if reason:
            raise SourceUnreachable(reason)
    files = [Path(path) for path in (file if isinstance(file, list | tuple) else [file] if file else [])]
    run = ImportRun.objects.create(
        source=source, trigger=trigger, triggered_by=user, forced=force, all_programs=all_programs,
        location=" ".join(map(str, files)) or url or source.url,
    )
    try:
        with source_lock(slug):
            _import(run, source, files=files, url=url, force=force, progress=progress)
    except ImportFailed as error:
        _finish(run, ImportRunStatus.FAILED, error=str(error))
        error.run = run
        raise
    except Exception as error:
        logger.exception("Import run %s of %s failed unexpectedly", run.pk, slug)
        _finish(run, ImportRunStatus.FAILED, error=f"Unexpected error ({type(error).__name__}): {error}")
        raise
    return run


def _import(run: ImportRun, source: Source, *, files, url, force, progress):
    importer = get_importer(source.slug)
    downloaded = None
    if files:
        for path in files:
            if not path.is_file():
                raise ImportFailed(f"No such file: {path}")
    else:
        url = url or source.url
        same_url = url == source.url
        progress(f"Downloading {url}")
        result = importer.fetch(
            url=url,
            validators={"etag": source.etag, "last_modified": source.last_modified} if same_url else {},
            destination=source_dir(source) / f"download-{run.pk}.part",
        )
        if result.not_modified:
            _finish(run, ImportRunStatus.NOT_MODIFIED, error="")
            return
        downloaded = result.path
        files = [downloaded]
    try:
        run.file_sha256 = files_sha256(files)
        run.file_size = sum(path.stat().st_size for path in files)
        progress(f"Parsing {', '.join(path.name for path in files)} ({run.file_size:,} bytes)")
        parsed = importer.parse_files(files)
        records = in_scope(parsed.records, source=source, all_programs=run.all_programs)
        run.date_generated = parsed.generated_at
        run.record_count = len(parsed.records)
        run.skipped_out_of_scope = len(parsed.records) - len(records)
        run.save(update_fields=["file_sha256", "file_size", "date_generated", "record_count", "skipped_out_of_scope"])
        progress(f"Parsed {run.record_count:,} records ({run.skipped_out_of_scope:,} out of scope); applying changes")

        actor = Actor.of_importer(source.slug, user=run.triggered_by)
        reason = f"Import run {run.pk} of {source.slug}"
        with transaction.atomic():
            counts = sync_records(source=source, records=records, actor=actor, reason=reason, force=force)
        for field, value in vars(counts).items():
            setattr(run, field, value)
        if downloaded:
            _keep_last_good(source, downloaded, run=run, result=result)
    finally:
        if downloaded:
            downloaded.unlink(missing_ok=True)
    # Bookkeeping, not a change to the source's settings: no history row.
    Source.objects.filter(pk=source.pk).update(last_imported_at=timezone.now())
    _finish(run, ImportRunStatus.SUCCEEDED, error="")


def in_scope(records: list, *, source: Source, all_programs: bool) -> list:
    """
    The records under at least one of the source's programs (compared without regard to case); all of them
    with ``all_programs`` or when the source names none. A record that leaves the scope leaves the registry's
    view of the source like one the source dropped: it is delisted (and the delisting guard counts it).
    """
    wanted = {program.casefold() for program in source.programs}
    if all_programs or not wanted:
        return list(records)
    return [record for record in records if {program.casefold() for program in record.programs} & wanted]


def files_sha256(files: list[Path]) -> str:
    """The SHA-256 of one file; of several, the SHA-256 of their hashes in the order given."""
    if len(files) == 1:
        return sha256_of(files[0])
    return hashlib.sha256("".join(sha256_of(path) for path in files).encode()).hexdigest()


def _keep_last_good(source: Source, downloaded: Path, *, run: ImportRun, result):
    """Keep the download that just imported cleanly, and the validators for the next conditional GET."""
    last_good = source_dir(source) / f"last-good{get_importer(source.slug).file_suffix}"
    shutil.copyfile(downloaded, last_good)
    Source.objects.filter(pk=source.pk).update(
        last_good_file=str(last_good), last_good_sha256=run.file_sha256, etag=result.etag,
        last_modified=result.last_modified,
    )


def source_dir(source: Source) -> Path:
    path = Path(settings.IMPORT_DATA_DIR) / source.slug
    path.mkdir(parents=True, exist_ok=True)
    return path


def _finish(run: ImportRun, status: str, *, error: str):
    run.status = status
    run.error = error
    run.finished_at = timezone.now()
    run.save()
