"""What many octo processes share: rate-limit windows, the pause after a
secondary limit, pacing, installation tokens and ETag answers.

    gh = octo.Octo(token, store=octo.RedisStore("redis://localhost:6379/0", namespace="my-app"))

A `Store` holds the shared state and does nothing else: it never sleeps and
never decides. The decisions (is a bucket used up, how long to wait, which
of two answers is newer, is a token fresh) are the I/O-free functions here,
and `Shared` is how a client uses a store: every operation bounded by the
store's timeout, and on a fault the process's own `MemoryStore` answers
instead, with one WARNING per outage on the `octo` logger.

Every key is scoped by `scope()`: a hash of the host and the credential, so
two credentials or two GitHub hosts never share anything, and no key holds
a credential.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple, Protocol, TypeVar

from octo.core.buckets import answered_after
from octo.core.pipeline import Sleep, Steps, StoreCall

if TYPE_CHECKING:
    from octo.core.cache import CachedAnswer

__all__ = ["MemoryStore", "Store", "StoreUnavailable"]

log = logging.getLogger("octo")

T = TypeVar("T")

LEASE_SECONDS = 120.0  # a concurrency slot whose holder died frees itself after this
LEASE_POLL = 0.05  # how often a call waiting for a concurrency slot asks again
MINT_LOCK_SECONDS = 30.0  # a mint lock whose holder died frees itself after this
MINT_POLL = 0.05  # how often a process waiting for another's mint looks for its token
OUTAGE_RETRY = 1.0  # after a fault, the store is asked again only after this


_OF_LOCK = threading.Lock()


class StoreUnavailable(Exception):
    """The store did not answer in time, or not at all (never shown to a caller)."""


class Window(NamedTuple):
    """A used-up rate-limit window as processes share it."""

    until: float  # epoch seconds: hold calls back until then (reset + 1 s)
    reset: int
    used: int | None


class Ticket(NamedTuple):
    """What `Store.admit` found and reserved for one call."""

    window: Window | None  # the used-up window of the call's bucket
    paused_until: float | None  # a secondary-limit pause of the credential
    slot_wait: float | None  # a paced write: seconds until its reserved slot (None: none reserved)
    lease: str | None  # a concurrency slot to give back after the call ("" : none free)


class Admission(NamedTuple):
    """The decision for one call: wait `wait` seconds, then send (`held`
    False) or ask again (`held` True)."""

    wait: float
    held: bool
    reason: str | None = None
    window: Window | None = None
    lease: str | None = None


SEND = Admission(0.0, False)


def admission(ticket: Ticket, now: float) -> Admission:
    """What a call does with what the store said."""
    window, paused = ticket.window, ticket.paused_until
    if window is not None and window.until > now:
        return Admission(window.until - now, True, "bucket", window)
    if paused is not None and paused > now:
        return Admission(paused - now, True, "pause")
    if ticket.lease == "":
        return Admission(LEASE_POLL, True, "concurrency")
    return Admission(max(0.0, ticket.slot_wait or 0.0), False, "pace", lease=ticket.lease)


def merged_window(current: Window | None, seen: Window) -> Window | None:
    """The window to keep when `seen` (just learnt) meets `current` (stored,
    maybe by another process): a later window wins; an answer sent earlier
    but read later never moves the reset back. None: keep `current`."""
    if current is None or seen.reset >= current.reset:
        return seen if current is None or seen != current else None
    return None


def releases(current: Window, reset: int | None, used: int | None) -> bool:
    """Whether an answer with some left (`reset`, `used`) shows `current`
    over: it must come from a later window, or from this one with more used
    (the rule of `buckets.Exhausted.is_older_than`, across processes)."""
    return answered_after(current.reset, current.used, reset, used)


def later_pause(current: float | None, until: float) -> float | None:
    """The pause to store when one until `until` meets `current`; None: keep `current`."""
    return until if current is None or until > current else None


def token_fresh(refresh_at: float, now: float) -> bool:
    return refresh_at > now


def scope(host: str, credential: str) -> str:
    """The key prefix of one credential on one host, from a hash: never the credential."""
    return hashlib.sha256(f"{host}\n{credential}".encode()).hexdigest()[:32]


class Store(Protocol):
    """Shared state for `Octo(store=...)`: `MemoryStore` (one process) or
    `RedisStore` (many). Methods raise `StoreUnavailable` on a fault and
    never block longer than the store's timeout."""

    write_interval: float  # seconds between mutative requests of one credential (0: not paced)
    max_concurrent: int | None  # requests of one credential in flight at once (None: no cap)
    shares_tokens: bool

    def admit(self, scope: str, resource: str, write: bool) -> Ticket:
        """The holds on a call, and if there are none, its paced slot and
        concurrency lease, reserved (one round trip)."""
        ...

    def done(self, scope: str, lease: str) -> None: ...

    def update_window(self, scope: str, resource: str,
                      decide: Callable[[Window | None], Window | None]) -> None:
        """Store `decide(current)` atomically, unless it is None."""
        ...

    def release_window(self, scope: str, resource: str, reset: int | None, used: int | None) -> None: ...

    def pause(self, scope: str, until: float) -> None:
        """Hold every call of `scope` back until `until` (a later pause wins)."""
        ...

    def load_token(self, scope: str) -> tuple[str, float, float] | None:
        """(value, minted_at, refresh_at) of the shared installation token."""
        ...

    def save_token(self, scope: str, value: str, minted_at: float, refresh_at: float) -> None: ...

    def drop_token(self, scope: str, value: str) -> None: ...

    def lock(self, scope: str, seconds: float) -> str | None:
        """The owner id of the mint lock of `scope`, or None if another holds it;
        it frees itself after `seconds` (a holder that died)."""
        ...

    def unlock(self, scope: str, owner: str) -> None: ...

    def cache_get(self, key: str) -> CachedAnswer | None: ...

    def cache_set(self, key: str, value: CachedAnswer) -> None: ...


class MemoryStore:
    """The state of one process (the default): nothing is shared with other
    processes, and nothing is paced unless asked for. Clients given the same
    `MemoryStore` share it; thread-safe."""

    shares_tokens = True

    def __init__(self, *, write_interval: float = 0.0, max_concurrent: int | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.write_interval, self.max_concurrent = check_pacing(write_interval, max_concurrent)
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[tuple[str, str], Window] = {}
        self._paused: dict[str, float] = {}
        self._next_write: dict[str, float] = {}
        self._leases: dict[str, dict[str, float]] = {}
        self._tokens: dict[str, tuple[str, float, float]] = {}
        self._locks: dict[str, tuple[str, float]] = {}

    def __repr__(self) -> str:
        return f"<MemoryStore write_interval={getattr(self, 'write_interval', '?')}>"

    def admit(self, scope: str, resource: str, write: bool) -> Ticket:
        now = self._clock()
        with self._lock:
            window = self._windows.get((scope, resource))
            paused = self._paused.get(scope)
            if (window is not None and window.until > now) or (paused is not None and paused > now):
                return Ticket(window, paused, None, None)
            lease = None
            if self.max_concurrent is not None:
                held = {k: v for k, v in self._leases.get(scope, {}).items() if v > now}
                if len(held) >= self.max_concurrent:
                    return Ticket(None, None, None, "")
                lease = _new_id()
                held[lease] = now + LEASE_SECONDS
                self._leases[scope] = held
            wait = None
            if write and self.write_interval:
                slot = max(now, self._next_write.get(scope, 0.0))
                self._next_write[scope] = slot + self.write_interval
                wait = slot - now
            return Ticket(None, None, wait, lease)

    def done(self, scope: str, lease: str) -> None:
        with self._lock:
            self._leases.get(scope, {}).pop(lease, None)

    def update_window(self, scope: str, resource: str,
                      decide: Callable[[Window | None], Window | None]) -> None:
        with self._lock:
            new = decide(self._windows.get((scope, resource)))
            if new is not None:
                self._windows[(scope, resource)] = new

    def release_window(self, scope: str, resource: str, reset: int | None, used: int | None) -> None:
        with self._lock:
            current = self._windows.get((scope, resource))
            if current is not None and releases(current, reset, used):
                del self._windows[(scope, resource)]

    def pause(self, scope: str, until: float) -> None:
        with self._lock:
            new = later_pause(self._paused.get(scope), until)
            if new is not None:
                self._paused[scope] = new

    def load_token(self, scope: str) -> tuple[str, float, float] | None:
        return self._tokens.get(scope)

    def save_token(self, scope: str, value: str, minted_at: float, refresh_at: float) -> None:
        self._tokens[scope] = (value, minted_at, refresh_at)

    def drop_token(self, scope: str, value: str) -> None:
        with self._lock:
            if self._tokens.get(scope, ("",))[0] == value:
                del self._tokens[scope]

    def lock(self, scope: str, seconds: float) -> str | None:
        now = self._clock()
        with self._lock:
            held = self._locks.get(scope)
            if held is not None and held[1] > now:
                return None
            owner = _new_id()
            self._locks[scope] = (owner, now + seconds)
            return owner

    def unlock(self, scope: str, owner: str) -> None:
        with self._lock:
            if self._locks.get(scope, ("",))[0] == owner:
                del self._locks[scope]

    def cache_get(self, key: str) -> CachedAnswer | None:
        return None  # a process's ETag cache is the client's own MemoryCache

    def cache_set(self, key: str, value: CachedAnswer) -> None:
        return None


def _new_id() -> str:
    import uuid  # here: not worth its import time at `import octo`

    return uuid.uuid4().hex


def check_pacing(write_interval: object, max_concurrent: object) -> tuple[float, int | None]:
    if isinstance(write_interval, bool) or not isinstance(write_interval, (int, float)) or write_interval < 0:
        raise ValueError(f"write_interval must be seconds >= 0, got {write_interval!r}")
    if max_concurrent is not None and (isinstance(max_concurrent, bool) or not isinstance(max_concurrent, int)
                                       or max_concurrent < 1):
        raise ValueError(f"max_concurrent must be a whole number >= 1 or None, got {max_concurrent!r}")
    return float(write_interval), max_concurrent


class Shared:
    """A store as one client uses it. A fault never reaches the caller: the
    process's own `MemoryStore` (same pacing) answers instead until the
    store is back, and the outage is logged once at WARNING, its end at INFO."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.local = store if isinstance(store, MemoryStore) else MemoryStore(
            write_interval=store.write_interval, max_concurrent=store.max_concurrent)
        self.shares_tokens = store.shares_tokens
        self._down = False
        self._retry_at = 0.0
        self._lock = threading.Lock()

    @classmethod
    def of(cls, store: Store) -> Shared:
        """The one `Shared` of `store`, so every client on it logs one outage once."""
        if not all(hasattr(store, name) for name in ("admit", "write_interval", "shares_tokens")):
            raise TypeError("store must be an octo.MemoryStore or octo.RedisStore")
        with _OF_LOCK:
            shared: Shared | None = getattr(store, "_octo_shared", None)
            if shared is None:
                shared = cls(store)
                try:
                    store._octo_shared = shared  # type: ignore[attr-defined]
                except AttributeError:
                    pass  # a store with __slots__: one Shared per client
            return shared

    def in_process(self) -> bool:
        """Whether `run` answers now without the network: the store is this
        process's own, or known to be out until its next re-check."""
        return self.store is self.local or (self._down and time.monotonic() < self._retry_at)

    def run(self, operation: Callable[[Store], T]) -> T:
        """`operation(store)`, or `operation(local)` while the store is out."""
        if self._down and time.monotonic() < self._retry_at:
            return operation(self.local)
        try:
            result = operation(self.store)
        except StoreUnavailable as exc:
            with self._lock:
                self._retry_at = time.monotonic() + OUTAGE_RETRY
                first, self._down = not self._down, True
            if first:
                log.warning("octo store %r unavailable (%s); calls go on with this process's own "
                            "rate-limit state until it is back", self.store, exc)
            return operation(self.local)
        if self._down:
            with self._lock:
                back, self._down = self._down, False
            if back:
                log.info("octo store %r is back; sharing state again", self.store)
        return result


def fleet_token(shared: Shared, key: str, mint: Callable[[], Steps],
                clock: Callable[[], float], sleep: Callable[[float], object]) -> Steps:
    """The shared installation token of `key` as (value, minted_at,
    refresh_at), minted (`mint()`, a pipeline) by one process of the fleet
    under the mint lock while the others wait for it. The lock frees itself
    when its holder dies; a waiter gives up waiting after the lock's
    lifetime and mints its own, so nobody waits forever."""
    deadline = time.monotonic() + MINT_LOCK_SECONDS
    while True:
        found = yield StoreCall(shared, lambda s: s.load_token(key))
        if found is not None and token_fresh(found[2], clock()):
            return found
        owner = yield StoreCall(shared, lambda s: s.lock(key, MINT_LOCK_SECONDS))
        if owner is not None or time.monotonic() > deadline:
            break
        yield Sleep(MINT_POLL, sleep)
    try:
        found = yield StoreCall(shared, lambda s: s.load_token(key))  # minted while we took the lock
        if found is None or not token_fresh(found[2], clock()):
            found = yield from mint()
            token = found
            yield StoreCall(shared, lambda s: s.save_token(key, *token))
    except Exception:
        # Not in a finally: a pipeline closed mid-mint may not yield; its lock then frees itself.
        yield from _unlock(shared, key, owner)
        raise
    yield from _unlock(shared, key, owner)
    return found


def _unlock(shared: Shared, key: str, owner: str | None) -> Steps:
    if owner is not None:
        held: str = owner
        yield StoreCall(shared, lambda s: s.unlock(key, held))
