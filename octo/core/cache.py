"""Conditional requests: an opt-in ETag cache (`Octo(cache=True)`).

A GET whose answer carried an `ETag` is sent again with `If-None-Match`; on
`304 Not Modified` the stored body is served. The server is asked every time,
so a cached body is never stale, and GitHub does not count 304s against the
rate limit: https://docs.github.com/rest/using-the-rest-api/best-practices-for-using-the-rest-api#use-conditional-requests-if-appropriate

Entries are keyed by method, URL, `Accept`, API version and a hash of the
`Authorization` header, so one credential's answers are never served to
another, and no credential is stored.
"""

from __future__ import annotations

import hashlib
import sys
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple, Protocol

from requests.structures import CaseInsensitiveDict

from octo.core.pipeline import Answer, Request, Steps, StoreCall

if TYPE_CHECKING:
    from octo.stores.shared import Shared

_TRANSFER = frozenset({"content-length", "content-encoding", "transfer-encoding"})
# Headers of a 304 that describe the empty 304 itself, not the cached body.
_NOT_MERGED = _TRANSFER | {"content-type"}


class CachedAnswer(NamedTuple):
    """One stored answer (picklable, for stores that persist)."""

    etag: str
    headers: dict[str, str]
    content: bytes


class CacheStore(Protocol):
    """What `Octo(cache=...)` accepts besides `True`: a `dict` will do."""

    def get(self, key: str, /) -> CachedAnswer | None: ...

    def __setitem__(self, key: str, value: CachedAnswer, /) -> None: ...


# What the store's own bookkeeping costs per entry (its slot and link in the
# ordered dict), on top of the objects `entry_size` measures.
_ENTRY_OVERHEAD = 160


def entry_size(key: str, value: CachedAnswer) -> int:
    """The bytes one entry keeps alive: key, ETag, body and headers, with the
    objects that hold them. A small answer's headers weigh far more than its body."""
    headers = value.headers
    size = (_ENTRY_OVERHEAD + sys.getsizeof(key) + sys.getsizeof(value) + sys.getsizeof(value.etag)
            + sys.getsizeof(value.content) + sys.getsizeof(headers))
    for name, text in headers.items():
        size += sys.getsizeof(name) + sys.getsizeof(text)
    return size


class MemoryCache:
    """An in-memory store that forgets the least recently used entries once
    they add up to more than `max_bytes` (each counted with its headers and
    key, see `entry_size`). Safe to share between clients and threads."""

    def __init__(self, max_bytes: int = 64 << 20) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, tuple[CachedAnswer, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        # getattr: shown half built too, in a traceback's locals.
        return f"<MemoryCache {len(getattr(self, '_entries', ()))} entries, {getattr(self, '_size', 0)} bytes>"

    def get(self, key: str, /) -> CachedAnswer | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def __setitem__(self, key: str, value: CachedAnswer, /) -> None:
        size = entry_size(key, value)
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= old[1]
            if size > self.max_bytes:
                return
            self._entries[key] = (value, size)
            self._size += size
            while self._size > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._size -= dropped


def request_key(method: str, url: str, headers: Mapping[str, str]) -> str:
    """The key of one request's answer: method, URL, `Accept`, API version and
    a hash of the `Authorization` header (never the credential itself)."""
    credential = hashlib.sha256((headers.get("Authorization") or "").encode()).hexdigest()
    parts = (method, url, headers.get("Accept") or "", headers.get("X-GitHub-Api-Version") or "",
             credential)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


class ETagCache:
    """The client's side of conditional requests, around one store."""

    def __init__(self, store: CacheStore, *, shared: Shared | None = None) -> None:
        self.store = store
        # A store shared across processes holds the entries instead of `store`, asked
        # through the driver (StoreCall): the async driver must not wait on its network
        # inside the event loop.
        self._shared = shared

    @classmethod
    def of(cls, cache: bool | CacheStore | None) -> ETagCache | None:
        if cache is None or cache is False:
            return None
        if cache is True:
            return cls(MemoryCache())
        if not (hasattr(cache, "get") and hasattr(cache, "__setitem__")):
            raise TypeError("cache must be True, False, None or a store with get() and []=")
        return cls(cache)

    def prepare(self, request: Request) -> Steps:
        """The key of a cacheable request, and the stored entry, whose ETag
        is now in `If-None-Match` (None: not cacheable)."""
        headers = request.headers
        if request.method != "GET" or any(name.lower() == "if-none-match" for name in headers):
            return None
        key = request_key("GET", request.url, headers)
        shared = self._shared
        entry: CachedAnswer | None = (self.store.get(key) if shared is None else
                                      (yield StoreCall(shared, lambda s: s.cache_get(key))))
        if entry is not None:
            request.headers = {**headers, "If-None-Match": entry.etag}
        return key, entry

    def settle(self, pending: tuple[str, CachedAnswer | None], answer: Answer) -> Steps:
        """Store a fresh answer, or turn a 304 into the stored one."""
        key, entry = pending
        if answer.status == 304 and entry is not None:
            return _replay(entry, answer)
        etag = answer.headers.get("etag")
        if answer.status == 200 and etag and answer.content is not None:
            # `content` is already decoded, so its transfer headers no longer apply.
            kept = {k: v for k, v in answer.headers.items() if k.lower() not in _TRANSFER}
            fresh = CachedAnswer(etag, kept, answer.content)
            if self._shared is None:
                self.store[key] = fresh
            else:
                yield StoreCall(self._shared, lambda s: s.cache_set(key, fresh))
        return answer


def _replay(entry: CachedAnswer, answer: Answer) -> Answer:
    headers: CaseInsensitiveDict[str] = CaseInsensitiveDict(entry.headers)
    # The 304's own headers are fresher (rate limit, date), RFC 9111 §4.3.4.
    headers.update({k: v for k, v in answer.headers.items() if k.lower() not in _NOT_MERGED})
    return Answer(200, headers, answer.url, entry.content, None, answer.request)
