"""
Streaming XML parsing that is safe against hostile files.

Public lists are downloaded from the internet, so a file is treated as hostile until parsed: any DTD is
refused (which rules out entity-expansion bombs and external entities), entities are never resolved, the
parser never touches the network or the file system, and files over the configured size are refused
before parsing.
"""

from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from importers.base import SourceFormatError


def iter_records(path: Path, *, root_tag: str, record_tags: set[str], max_bytes: int) -> Iterator[etree._Element]:
    """
    Yield each record element (one of ``record_tags``) of the file, complete, then free it.

    Raises SourceFormatError for an empty, oversized, malformed or truncated file, a DTD, or a root
    element other than ``root_tag``. The caller must consume the whole iterator to see the errors at the
    end of the file.
    """
    size = path.stat().st_size
    if size == 0:
        raise SourceFormatError("The file is empty.")
    if size > max_bytes:
        raise SourceFormatError(f"The file is {size:,} bytes, over the limit of {max_bytes:,} (IMPORT_MAX_BYTES).")

    context = etree.iterparse(
        str(path),
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    depth = 0
    try:
        for event, element in context:
            if event == "start":
                depth += 1
                if depth == 1:
                    _check_root(element, root_tag)
                continue
            depth -= 1
            if element.tag in record_tags:
                yield element
                element.clear(keep_tail=False)
                # Drop the records already handled so memory stays flat on a large file.
                parent = element.getparent()
                while parent is not None and element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as error:
        # With entities unresolved, lxml's own message can hide the cause ("no element found"); the newest
        # entry of the error log (which also holds earlier parses' errors) is this one, with its place.
        last = error.error_log.last_error
        detail = f"{last.message} (line {last.line}, column {last.column})" if last else error.msg
        raise SourceFormatError(f"The file is not well-formed XML: {detail}.") from error


def _check_root(element, root_tag):
    docinfo = element.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise SourceFormatError(
            "The file declares a DTD (<!DOCTYPE ...>). DTDs are refused: they can expand entities or "
            "reach outside the file."
        )
    if element.tag != root_tag:
        raise SourceFormatError(f"The root element is <{element.tag}>, expected <{root_tag}>: this is not that list.")


def children_by_name(element, allowed: set[str], *, where: str, importer: str, namespace: str = "") -> dict:
    """
    Group an element's children by their local name, refusing any name the list has never used, or one in
    another namespace: a change in a source's format must be looked at, not guessed at. ``importer`` names
    the module to update, for the message.
    """
    grouped: dict[str, list] = {}
    for child in element:
        name = etree.QName(child) if isinstance(child.tag, str) else None
        if name is None or (name.namespace or "") != namespace or name.localname not in allowed:
            shown = name.localname if name is not None else "a comment or instruction"
            raise SourceFormatError(
                f"{where}: unexpected element <{shown}>. The list's format has changed; {importer} needs updating."
            )
        grouped.setdefault(name.localname, []).append(child)
    return grouped
