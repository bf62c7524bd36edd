"""Connection settings read once per origin rather than on every call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

# Hosts a hostile server names (in a Location or a Link) could grow it without end.
MAX_ORIGINS = 64


class PerOrigin(Generic[T]):
    """`read(url)` for the first URL of each origin (scheme, host and port),
    kept for later URLs of that origin: what the environment says of a host
    (its proxy, its CA bundle) does not change between calls."""

    def __init__(self, read: Callable[[str], T]) -> None:
        self._read = read
        self._known: dict[str, T] = {}
        # The origin of the last call (with its "/") and what it read: most calls go where the
        # last one went. One tuple, read and replaced whole: threads share a client.
        self._last: tuple[str, T | None] = (" ", None)  # no URL starts with " "

    def __call__(self, url: str) -> T:
        prefix, last = self._last
        if url.startswith(prefix):
            return last  # type: ignore[return-value]
        end = url.find("/", url.find("//") + 2)
        origin = url if end < 0 else url[:end]
        known = self._known.get(origin)
        if known is None:
            if len(self._known) >= MAX_ORIGINS:
                self._known.clear()
            known = self._known[origin] = self._read(url)
        if end >= 0:
            self._last = (url[:end + 1], known)
        return known
