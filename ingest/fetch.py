"""Download public source files with timeouts, retries with backoff, and a local cache folder."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

import httpx
from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential

from ingest.delivery import Delivery, modified_day
from ingest.settings import Settings, secret

log = logging.getLogger(__name__)
_PLACEHOLDER = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)\}")


class SourceUnavailable(RuntimeError):
    """A URL could not be fetched after the retries; the message says which URL and why. `unreachable`: the
    host did not resolve or refused the connection (no retry helps: the machine may be offline)."""

    def __init__(self, message: str, unreachable: bool = False):
        super().__init__(message)
        self.unreachable = unreachable


_UNREACHABLE = (
    "name or service not known",
    "temporary failure in name resolution",
    "nodename nor servname",
    "no address associated with hostname",
    "getaddrinfo failed",
    "connection refused",
    "network is unreachable",
)


def is_unreachable(error: BaseException) -> bool:
    """A connection that cannot resolve or connect: it will not on the next attempt either."""
    return isinstance(error, httpx.ConnectError) and any(text in str(error).lower() for text in _UNREACHABLE)


def _retryable(error: BaseException) -> bool:
    if isinstance(error, httpx.HTTPStatusError):
        return error.response.status_code == 429 or error.response.status_code >= 500
    return isinstance(error, httpx.TransportError) and not is_unreachable(error)


def _with_retries(settings: Settings):
    """Retries with exponential backoff for timeouts, 429 and 5xx; none for a host that cannot be reached."""
    return retry(
        retry=retry_if_exception(_retryable),
        stop=stop_after_attempt(max(1, settings.http_retries)),
        wait=wait_exponential(multiplier=0.5, max=8),
        reraise=True,
    )


@contextmanager
def _session(client: httpx.Client | None) -> Iterator[httpx.Client]:
    """The caller's client, or one of our own, closed afterwards."""
    if client is not None:
        yield client
    else:
        with httpx.Client() as own:
            yield own


def _unavailable(error: Exception, url: str, shown: str, failed: str) -> SourceUnavailable:
    """The error as SourceUnavailable, the URL shown as `shown` (its `${NAME}` placeholders, never a key)."""
    reason = str(error).replace(url, shown)
    if is_unreachable(error):
        return SourceUnavailable(f"cannot reach {shown}: {reason}", unreachable=True)
    return SourceUnavailable(f"{failed}: {reason}")


def get_json_pages(
    url: str,
    settings: Settings,
    client: httpx.Client | None = None,
    next_key: str = "NextPageLink",
    max_pages: int = 500,
) -> list[dict]:
    """Every page of a JSON API that links its pages (`NextPageLink`), with the same retries as `fetch`."""

    @_with_retries(settings)
    def page(http: httpx.Client, link: str) -> dict:
        response = http.get(link, timeout=settings.http_timeout_s, follow_redirects=True)
        response.raise_for_status()
        return response.json()

    pages, link = [], url
    try:
        with _session(client) as http:
            while link and len(pages) < max_pages:
                pages.append(page(http, link))
                link = pages[-1].get(next_key)
    except (httpx.HTTPError, ValueError) as error:
        raise _unavailable(error, url, url, f"could not fetch page {len(pages) + 1} of {url}") from error
    if link:
        raise SourceUnavailable(f"{url}: more than {max_pages} pages, stopped")
    return pages


def cache_path_for(url: str, settings: Settings) -> Path:
    name = Path(urlparse(url).path).name or "index"
    return settings.cache_dir / hashlib.sha256(url.encode()).hexdigest()[:16] / name


def expand_secrets(template: str) -> str:
    """`${NAME}` placeholders filled from the environment, so keys live in the environment, never in files."""

    def value(match: re.Match) -> str:
        value = secret(match[1])
        if value is None:
            raise SourceUnavailable(f"{template}: environment variable {match[1]} is not set")
        return value

    return _PLACEHOLDER.sub(value, template)


def fetch(url: str, settings: Settings, client: httpx.Client | None = None) -> Path:
    """Fetch `url` into the cache and return the local path. Raises SourceUnavailable after the retries.

    `url` may hold `${NAME}` placeholders (API keys): they are filled from the environment for the request
    only; messages and logs show the placeholder, never the value.
    """
    shown, url = url, expand_secrets(url)
    target = cache_path_for(url, settings)
    target.parent.mkdir(parents=True, exist_ok=True)

    @_with_retries(settings)
    def download(http: httpx.Client) -> bytes:
        response = http.get(url, timeout=settings.http_timeout_s, follow_redirects=True)
        response.raise_for_status()
        if "text/html" in response.headers.get("content-type", "") and not url.endswith((".html", ".htm")):
            raise SourceUnavailable(f"{shown} returned an HTML page instead of data")
        return response.content

    try:
        with _session(client) as http:
            body = download(http)
    except httpx.HTTPError as error:
        raise _unavailable(
            error, url, shown, f"could not fetch {shown} after {settings.http_retries} attempts"
        ) from None
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(body)
    os.replace(tmp, target)
    log.info("fetched %s (%d bytes) into %s", shown, len(body), target)
    return target


def locate_file(
    source: str, mirror_path: str, url: str, settings: Settings, edition: str | None = None
) -> list[Delivery]:
    """One file: from the mirror when one is set (nothing if it lacks the file), else fetched from `url`.

    Without a fixed `edition`, the vintage is the day of retrieval (a mirror file's modification day, UTC).
    """
    if settings.mirror_dir:
        path = settings.mirror_dir / mirror_path
        if not path.is_file():
            return []
        return [Delivery.from_file(source, edition or modified_day(path), mirror_path, path, root=settings.mirror_dir)]
    now = datetime.now(UTC)
    path = fetch(url, settings)
    return [Delivery.from_file(source, edition or now.date().isoformat(), url, path, now)]
