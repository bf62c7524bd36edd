"""`RedisStore`: the state many octo processes share, on Redis or a
Redis-compatible server (Valkey). Needs the `octo-github[redis]` extra.

Keys are `<namespace>:{<scope>}:<what>` (see `octo.stores.shared.scope`), each with a
TTL, so nothing outlives the window, pause, lock or token it stands for.
"""

from __future__ import annotations

import base64
import json
import math
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from octo.core.redaction import SecretBytes, conceal
from octo.stores.shared import LEASE_SECONDS, StoreUnavailable, Ticket, Window, check_pacing, later_pause, releases

if TYPE_CHECKING:
    from octo.core.cache import CachedAnswer

__all__ = ["RedisStore"]

# The holds on a call, and when there are none its concurrency lease and
# paced write slot, in one round trip. The slot is the atomic
# "max(now, next); next = slot + interval" on the server's clock, which
# every process shares; what the holds mean is decided in Python.
_ADMIT = """
local w = redis.call('GET', KEYS[1])
local p = redis.call('GET', KEYS[2])
if w or p then return {w or false, p or false, false, false} end
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local lease = false
local cap = tonumber(ARGV[3])
if cap > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
  if redis.call('ZCARD', KEYS[4]) >= cap then return {false, false, false, ''} end
  redis.call('ZADD', KEYS[4], now + tonumber(ARGV[5]), ARGV[4])
  redis.call('PEXPIRE', KEYS[4], math.ceil(tonumber(ARGV[5]) * 1000))
  lease = ARGV[4]
end
local wait = false
local interval = tonumber(ARGV[2])
if ARGV[1] == '1' and interval > 0 then
  local slot = math.max(now, tonumber(redis.call('GET', KEYS[3]) or '0'))
  redis.call('SET', KEYS[3], string.format('%.6f', slot + interval),
             'PX', math.ceil((slot - now + interval) * 1000) + 1000)
  wait = string.format('%.6f', slot - now)
end
return {false, false, wait, lease}
"""

_UNLOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisStore:
    """Shared state on Redis for `Octo(store=...)`.

    `namespace` separates applications on one server. `encryption_key` (a
    Fernet key, `cryptography.fernet.Fernet.generate_key()`) turns on
    sharing installation tokens, stored encrypted with it; without one each
    process mints its own, since a token in Redis is a secret at rest.
    `timeout` bounds every store operation (seconds). Pacing, on by default:
    mutative requests of one credential at least `write_interval` seconds
    apart, and at most `max_concurrent` requests in flight (None: no cap).
    ETag answers (`Octo(cache=True)`) are kept `cache_ttl` seconds, each at
    most `cache_max_bytes`.
    """

    def __init__(self, url: str, *, namespace: str = "octo", encryption_key: str | bytes | None = None,
                 timeout: float = 0.5, write_interval: float = 1.0, max_concurrent: int | None = None,
                 cache_ttl: float = 86400.0, cache_max_bytes: int = 1 << 20) -> None:
        # First: a key or password refused below shows as [redacted] in a traceback's locals.
        encryption_key = conceal(encryption_key)
        url = conceal(url)
        if not isinstance(url, str) or urlsplit(url).scheme not in ("redis", "rediss", "unix"):
            raise ValueError("RedisStore url must be a redis://, rediss:// or unix:// URL")
        if not isinstance(namespace, str) or not namespace or not namespace.isprintable() or " " in namespace:
            raise ValueError(f"namespace must be a non-empty str without spaces, got {namespace!r}")
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
            raise ValueError(f"timeout must be seconds > 0, got {timeout!r}")
        self.write_interval, self.max_concurrent = check_pacing(write_interval, max_concurrent)
        try:
            import redis
            from redis.backoff import NoBackoff
            from redis.retry import Retry
        except ImportError:
            raise ImportError("RedisStore needs the redis package: pip install 'octo-github[redis]'") from None
        self._fernet = _fernet(encryption_key) if encryption_key is not None else None
        self.shares_tokens = self._fernet is not None
        self.namespace = namespace
        self.timeout = float(timeout)
        self.cache_ttl = cache_ttl
        self.cache_max_bytes = cache_max_bytes
        parts = urlsplit(url)
        self._shown = f"{parts.scheme}://{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}{parts.path}"
        # No retries inside redis-py: a fault is answered at once from the process's own state.
        self._redis = redis.Redis.from_url(url, socket_timeout=self.timeout, socket_connect_timeout=self.timeout,
                                           retry=Retry(NoBackoff(), 0), health_check_interval=0)
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)
        self._watch_error = redis.WatchError
        self._admit = self._redis.register_script(_ADMIT)
        self._unlock = self._redis.register_script(_UNLOCK)
        self._lease_ids = threading.local()

    def __repr__(self) -> str:
        return f"<RedisStore {getattr(self, '_shown', '?')} namespace={getattr(self, 'namespace', '?')!r}>"

    def __reduce__(self) -> Any:
        raise TypeError("RedisStore holds a connection and keys; make one per process")

    def _key(self, scope: str, what: str) -> str:
        # {scope}: a Redis Cluster hash tag, so the keys one script reads share a slot.
        return f"{self.namespace}:{{{scope}}}:{what}"

    def _do(self, operation: Callable[[], Any]) -> Any:
        try:
            return operation()
        except self._errors as exc:
            failure = type(exc).__name__
        raise StoreUnavailable(failure)  # out here: redis' exception, with its frames, is no __context__

    def admit(self, scope: str, resource: str, write: bool) -> Ticket:
        import uuid

        keys = [self._key(scope, f"w:{resource}"), self._key(scope, "p"), self._key(scope, "n"),
                self._key(scope, "c")]
        args = ["1" if write else "0", self.write_interval, self.max_concurrent or 0, uuid.uuid4().hex,
                LEASE_SECONDS]
        window, paused, wait, lease = self._do(lambda: self._admit(keys=keys, args=args))
        return Ticket(_window(window), None if paused is None else float(paused),
                      None if wait is None else float(wait), None if lease is None else lease.decode())

    def done(self, scope: str, lease: str) -> None:
        self._do(lambda: self._redis.zrem(self._key(scope, "c"), lease))

    def _swap(self, key: str, decide: Callable[[bytes | None], tuple[str, float] | None]) -> None:
        """Store what `decide(current)` says, (value, expiry as epoch
        seconds), unless another process changed the key meanwhile; then
        decide again."""
        def attempt() -> None:
            for _ in range(5):
                with self._redis.pipeline() as pipe:
                    try:
                        pipe.watch(key)  # type: ignore[no-untyped-call]
                        new = decide(pipe.get(key))  # type: ignore[arg-type]  # bytes: no decode_responses
                        if new is None:
                            return
                        pipe.multi()
                        pipe.set(key, new[0], pxat=math.ceil(new[1] * 1000))
                        pipe.execute()
                        return
                    except self._watch_error:
                        continue
        self._do(attempt)

    def update_window(self, scope: str, resource: str,
                      decide: Callable[[Window | None], Window | None]) -> None:
        def as_text(current: bytes | None) -> tuple[str, float] | None:
            new = decide(_window(current))
            return None if new is None else (f"{new.until} {new.reset} {new.used}", new.until)
        self._swap(self._key(scope, f"w:{resource}"), as_text)

    def release_window(self, scope: str, resource: str, reset: int | None, used: int | None) -> None:
        key = self._key(scope, f"w:{resource}")

        def attempt() -> None:
            current = _window(self._redis.get(key))  # type: ignore[arg-type]
            if current is not None and releases(current, reset, used):
                self._redis.delete(key)
        self._do(attempt)

    def pause(self, scope: str, until: float) -> None:
        def as_text(current: bytes | None) -> tuple[str, float] | None:
            new = later_pause(None if current is None else float(current), until)
            return None if new is None else (repr(new), new)
        self._swap(self._key(scope, "p"), as_text)

    def load_token(self, scope: str) -> tuple[str, float, float] | None:
        if self._fernet is None:
            return None
        sealed = self._do(lambda: self._redis.get(self._key(scope, "t")))
        opened = self._open(sealed)
        if opened is None:
            return None
        value, minted_at, refresh_at = json.loads(opened)
        value = conceal(value)  # rebound at once: shown as [redacted] in a traceback's locals
        return value, float(minted_at), float(refresh_at)

    def save_token(self, scope: str, value: str, minted_at: float, refresh_at: float) -> None:
        if self._fernet is None:
            return
        sealed = self._fernet.encrypt(json.dumps([str(value), minted_at, refresh_at]).encode())
        self._do(lambda: self._redis.set(self._key(scope, "t"), sealed, pxat=math.ceil(refresh_at * 1000)))

    def drop_token(self, scope: str, value: str) -> None:
        found = self.load_token(scope)
        if found is not None and found[0] == value:
            self._do(lambda: self._redis.delete(self._key(scope, "t")))

    def lock(self, scope: str, seconds: float) -> str | None:
        import uuid

        owner = uuid.uuid4().hex
        taken = self._do(lambda: self._redis.set(self._key(scope, "m"), owner, nx=True,
                                                 px=math.ceil(seconds * 1000)))
        return owner if taken else None

    def unlock(self, scope: str, owner: str) -> None:
        self._do(lambda: self._unlock(keys=[self._key(scope, "m")], args=[owner]))

    def cache_get(self, key: str) -> CachedAnswer | None:
        from octo.core.cache import CachedAnswer

        stored = self._do(lambda: self._redis.get(f"{self.namespace}:etag:{key}"))
        opened = self._open(stored) if self._fernet is not None else stored
        if opened is None:
            return None
        try:
            etag, headers, content = json.loads(opened)
            return CachedAnswer(etag, headers, base64.b64decode(content))
        except (ValueError, TypeError):
            return None  # written by another version, or damaged: asked for afresh

    def cache_set(self, key: str, value: CachedAnswer) -> None:
        if len(value.content) > self.cache_max_bytes:
            return
        text = json.dumps([value.etag, value.headers, base64.b64encode(value.content).decode()]).encode()
        sealed = self._fernet.encrypt(text) if self._fernet is not None else text
        self._do(lambda: self._redis.set(f"{self.namespace}:etag:{key}", sealed, px=math.ceil(self.cache_ttl * 1000)))

    def _open(self, sealed: bytes | None) -> bytes | None:
        """The plain text of what `_fernet` sealed; None for what it did not
        (another key, or written before a key change)."""
        if sealed is None or self._fernet is None:
            return None
        from cryptography.fernet import InvalidToken

        try:
            # SecretBytes: a token's plain text shows as [redacted] in a traceback's locals.
            return SecretBytes(self._fernet.decrypt(sealed))
        except InvalidToken:
            return None


def _fernet(key: str | bytes) -> Any:
    try:
        from cryptography.fernet import Fernet
    except ImportError:
        raise ImportError("RedisStore(encryption_key=...) needs cryptography: "
                          "pip install 'octo-github[redis]'") from None
    failed = False
    try:
        return Fernet(key)
    except (ValueError, TypeError):
        failed = True  # raised below, without the parser's exception, which could quote the key
    if failed:
        raise ValueError("encryption_key is not a Fernet key (32 url-safe base64-encoded bytes, "
                         "from cryptography.fernet.Fernet.generate_key())")
    raise AssertionError("unreachable")


def _window(text: bytes | None) -> Window | None:
    if text is None:
        return None
    try:
        until, reset, used = text.decode().split()
        return Window(float(until), int(reset), None if used == "None" else int(used))
    except ValueError:
        return None  # damaged or from another version: not a hold
