"""
Downloading a source's list: timeout, retries with back-off, conditional GET, size cap.

Retries are urllib3's (``Retry`` on the session's adapter) rather than a loop of our own. The body is
streamed to a file next to the last good one, never held in memory, and the download is abandoned as soon
as it passes IMPORT_MAX_BYTES.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from importers.base import FetchError

USER_AGENT = "dangerous-entities-registry/0.1 (+https://github.com/; list importer)"


@dataclass(frozen=True)
class FetchResult:
    path: Path | None  # None when the server answered 304 Not Modified
    etag: str = ""
    last_modified: str = ""

    @property
    def not_modified(self) -> bool:
        return self.path is None


def session() -> requests.Session:
    retry = Retry(
        total=settings.IMPORT_HTTP_RETRIES,
        backoff_factor=settings.IMPORT_HTTP_BACKOFF,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=("GET",),
        # A server's Retry-After could hold the worker and the source's lock for hours; longer waits are the
        # Celery task's business (it retries with back-off), so the download's own retries ignore it.
        respect_retry_after_header=False,
    )
    http = requests.Session()
    http.mount("http://", HTTPAdapter(max_retries=retry))
    http.mount("https://", HTTPAdapter(max_retries=retry))
    http.headers["User-Agent"] = USER_AGENT
    return http


def download(*, url: str, destination: Path, etag: str = "", last_modified: str = "") -> FetchResult:
    """
    Download ``url`` into ``destination``. Sends the last good download's ETag and Last-Modified so an
    unchanged list costs one small request. Raises FetchError on any network failure, HTTP error or oversized body.
    """
    if not url:
        raise FetchError("The source has no download URL; set one in the admin, or pass --url or --file.")
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    limit = settings.IMPORT_MAX_BYTES
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        with session().get(url, headers=headers, stream=True, timeout=settings.IMPORT_HTTP_TIMEOUT) as response:
            if response.status_code == 304:
                return FetchResult(path=None, etag=etag, last_modified=last_modified)
            if response.status_code != 200:
                raise FetchError(f"Downloading {url} failed: HTTP {response.status_code} {response.reason}.")
            size = 0
            with destination.open("wb") as out:
                for chunk in response.iter_content(chunk_size=1 << 16):
                    size += len(chunk)
                    if size > limit:
                        raise FetchError(f"Downloading {url} stopped: the file passed the limit of {limit:,} bytes.")
                    out.write(chunk)
            return FetchResult(
                path=destination,
                etag=response.headers.get("ETag", ""),
                last_modified=response.headers.get("Last-Modified", ""),
            )
    except requests.RequestException as error:
        destination.unlink(missing_ok=True)
        raise FetchError(f"Downloading {url} failed: {error}") from error
    except FetchError:
        destination.unlink(missing_ok=True)
        raise


def unreachable(url: str) -> str:
    """
    Why the server of ``url`` cannot be reached at all (no network, unknown host, connection refused or timed
    out), or "" when it answers anything, even an error: that is the download's to judge and to record. One
    try, no retries, the body left unread.
    """
    if not url:
        return ""  # the download itself says that a URL is missing
    try:
        with requests.get(url, stream=True, timeout=settings.IMPORT_HTTP_TIMEOUT, headers={"User-Agent": USER_AGENT}):
            return ""
    except requests.exceptions.SSLError:
        return ""  # the server answered; a broken certificate is a failure worth recording
    except requests.ConnectionError as error:
        return f"Cannot reach {url}, so nothing was attempted: {error}"
    except requests.RequestException:
        return ""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
