"""
The small interface every source module implements, and the registry of source modules.

A source module subclasses ``SourceImporter``, sets its ``slug``, ``name`` and ``default_url``, implements
``parse(path)`` and registers itself with ``@register``. Fetching is shared (an HTTP download with a
conditional GET); a source whose list is not one file at a URL overrides ``fetch``.
"""

from pathlib import Path

from entities.choices import SourcePolicy
from importers.records import ParsedList


class ImportFailed(Exception):
    """An import that could not complete. The message is shown to analysts and operators as it is."""

    run = None  # the ImportRun that recorded the failure, set by the import service


class SourceFormatError(ImportFailed):
    """The file is not a valid list of this source: malformed, hostile, truncated or of another shape."""


class FetchError(ImportFailed):
    """The download failed. Worth retrying later."""


class SourceUnreachable(FetchError):
    """The source's server could not be reached at all (offline): the import was not attempted, nor recorded."""


class DelistGuardError(ImportFailed):
    """The import would delist more of the registry at once than the source allows."""


class ImportAlreadyRunning(ImportFailed):
    """Another import of the same source holds the lock."""


class SourceImporter:
    slug: str = ""
    name: str = ""
    default_url: str = ""
    file_suffix: str = ""  # for the last good file kept on disk, e.g. ".xml"
    default_policy: str = SourcePolicy.PROPOSE  # what new listings do until an analyst sets the source's policy
    default_programs: tuple[str, ...] = ()  # the programs a new Source imports (its `programs`); empty: all

    def parse(self, path: Path) -> ParsedList:
        """Read a downloaded file into validated records, or raise SourceFormatError saying what is wrong."""
        raise NotImplementedError

    def parse_files(self, paths: list[Path]) -> ParsedList:
        """Read a list published as several files (OFAC's CSV set); most sources publish one, read by ``parse``."""
        if len(paths) != 1:
            raise SourceFormatError(f"{self.name} is published as one file; {len(paths)} were given.")
        return self.parse(paths[0])

    def citations(self, record) -> tuple:
        """
        Other listings of this source that ``record`` cites, each an ``importers.narratives.Citation`` (subject,
        kind, object as the source's keys, and the words that say so): candidate relationships for analysts.
        """
        return ()

    def fetch(self, *, url: str, validators: dict[str, str], destination: Path):
        """
        Download the list at ``url`` into ``destination``; returns an ``importers.fetch.FetchResult``.
        ``validators`` holds the ETag and Last-Modified of the last good download, for a conditional GET.
        """
        from importers.fetch import download

        return download(url=url, destination=destination, **validators)

    def unreachable(self, url: str) -> str:
        """Why the server of ``url`` cannot be reached at all, or "" when it answers; see ``importers.fetch``."""
        from importers.fetch import unreachable

        return unreachable(url)


_importers: dict[str, SourceImporter] = {}


def register(cls):
    """Class decorator: make a source module available by its slug."""
    if not cls.slug or cls.slug in _importers:
        raise ValueError(f"importer slug {cls.slug!r} is empty or taken")
    _importers[cls.slug] = cls()
    return cls


def get_importer(slug: str) -> SourceImporter:
    try:
        return _importers[slug]
    except KeyError:
        known = ", ".join(sorted(_importers)) or "none"
        raise ImportFailed(f"No importer is registered for source {slug!r}; known sources: {known}.") from None


def importer_slugs() -> list[str]:
    return sorted(_importers)
