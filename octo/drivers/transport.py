"""octo's connection layer under requests: a requests adapter whose
urllib3 pools and connections read answers under octo's rules.

- Each host gets a pool of at most `max_connections` connections; a thread
  that finds them all busy waits its turn (within its attempt's time) rather
  than opening one more and throwing it away afterwards.
- An answer whose header block ends because the connection closed is an
  error (`HeadersCutShort`): http.client would take the lines it got as the
  whole block and report a success. So is one made of informational (1xx)
  answers only: those are skipped for the final answer, as `100 Continue` is.
- Every socket read of an attempt is bounded by the attempt's total time, so
  a server that drips bytes cannot keep it alive; the body of a download
  instead has to keep moving (`MIN_PROGRESS` bytes per read timeout).

Also here: the filter that keeps signatures out of urllib3's own log lines.
"""

from __future__ import annotations

import http.client
import io
import logging
import time
from contextvars import ContextVar
from typing import Any

import requests
from requests.adapters import DEFAULT_POOLBLOCK, DEFAULT_POOLSIZE, HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import EmptyPoolError

from octo.core.checks import check_max_connections
from octo.core.pipeline import Attempt
from octo.core.redaction import redact_text

DEFAULT_MAX_CONNECTIONS = 32
# Hosts whose pools an adapter keeps (API, uploads, storage, ...).
_HOSTS = 10


# The attempt whose request the current thread is sending, for the answer
# that urllib3 makes deep inside `Session.send`.
current: ContextVar[Attempt | None] = ContextVar("octo_attempt", default=None)


class HeadersCutShort(http.client.HTTPException):
    """The connection closed before the blank line that ends the header block."""


class _Reader(io.RawIOBase):
    """The socket under one answer, read under its attempt's time limits.

    Reads go to the socket directly, so that a short timeout used to meet the
    deadline can expire without spoiling the stream; the `SocketIO` that
    http.client made is kept for closing, which keeps the socket's count of
    open files right.
    """

    def __init__(self, socket_io: Any, sock: Any, attempt: Attempt | None) -> None:
        super().__init__()
        self._io = socket_io
        self._sock = sock
        self._attempt = attempt
        self._read = sock.gettimeout()  # what urllib3 set: the read timeout
        self.eof = False

    def readable(self) -> bool:
        return True

    def fileno(self) -> int:
        return int(self._io.fileno())

    def close(self) -> None:
        if not self.closed:
            self._io.close()
        super().close()

    def readinto(self, buffer: Any) -> int:
        attempt = self._attempt
        while True:
            wait = self._read if attempt is None else self._wait(attempt)
            short = wait != self._read
            if short:
                self._sock.settimeout(wait)
            try:
                count: int = self._sock.recv_into(buffer)
            except TimeoutError:
                if not short:
                    raise  # a whole read timeout without a byte
                continue  # `_wait` decides whether time is up
            finally:
                if short:
                    self._sock.settimeout(self._read)
            if count:
                if attempt is not None:
                    attempt.advanced(count)
            elif len(buffer):
                self.eof = True
            return count

    def _wait(self, attempt: Attempt) -> float | None:
        """How long the next read may wait; raises once the attempt is over."""
        left = attempt.left()
        return left if self._read is None or left < self._read else self._read


class _Answer(http.client.HTTPResponse):
    """http.client's response, read through `_Reader`."""

    def __init__(self, sock: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(sock, *args, **kwargs)
        attempt = self._attempt = current.get()
        self._reader = _Reader(self.fp.detach(), sock, attempt)
        self.fp = io.BufferedReader(self._reader)
        if attempt is not None and attempt.upload:
            attempt.deadline = time.monotonic() + attempt.total

    def _read_status(self) -> tuple[str, int, str]:
        # http.client skips only `100 Continue` and takes any other 1xx (102
        # Processing, 103 Early Hints) for the whole answer, a success without
        # a body; the final answer follows it.
        while True:
            version, status, reason = super()._read_status()  # type: ignore[misc]
            if not 101 <= status < 200:
                return version, status, reason
            http.client.parse_headers(self.fp)  # the informational answer's own

    def begin(self) -> None:
        super().begin()
        # The reader reaches the end of the stream while the block is read
        # only when the block is not all there: a complete one is followed
        # by a blank line, so parsing stops before asking for more.
        if self._reader.eof:
            raise HeadersCutShort("the connection closed inside the header block")
        if self._attempt is not None and self._attempt.download:
            self._attempt.watch_progress()


class _OctoPool:
    """A blocking pool whose connections make `_Answer`s, and whose wait for
    a free connection counts in the attempt.

    The connection class stays urllib3's (`ConnectionCls`), so tools that
    replace it, such as vcrpy's cassettes, still work.
    """

    def _new_conn(self) -> Any:
        connection = super()._new_conn()  # type: ignore[misc]
        connection.response_class = _Answer
        return connection

    def _get_conn(self, timeout: float | None = None) -> Any:
        attempt = current.get()
        if attempt is not None:
            timeout = attempt.remaining()
        return super()._get_conn(timeout)  # type: ignore[misc]


class _Pool(_OctoPool, HTTPConnectionPool):
    pass


class _TLSPool(_OctoPool, HTTPSConnectionPool):
    pass


_POOLS = {"http": _Pool, "https": _TLSPool}


class Adapter(HTTPAdapter):
    """requests' adapter with octo's pools: at most `max_connections` per host."""

    def __init__(self, max_connections: int = DEFAULT_MAX_CONNECTIONS) -> None:
        self.max_connections = max_connections
        super().__init__(pool_connections=_HOSTS, pool_maxsize=max_connections, pool_block=True)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **kwargs)
        if not proxy.lower().startswith("socks"):  # SOCKS brings pools of its own
            manager.pool_classes_by_scheme = _POOLS
        return manager

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        try:
            return super().send(request, *args, **kwargs)
        except EmptyPoolError as exc:
            # requests lets this one through as urllib3's own exception.
            raise requests.ConnectionError(exc, request=request) from None


def mount(session: requests.Session, max_connections: int, *, own: bool) -> None:
    """Give `session` octo's adapter for http and https: always on a session
    octo made (`own`), and on a caller's session only where it still has
    requests' default adapter, so an adapter the caller mounted or set up
    stays as it is."""
    adapter = Adapter(check_max_connections(max_connections))
    for prefix in ("https://", "http://"):
        if own or _is_default(session.adapters.get(prefix)):
            session.mount(prefix, adapter)


def _is_default(adapter: Any) -> bool:
    """An adapter just as `requests.Session()` makes it."""
    if type(adapter) is not HTTPAdapter:
        return False
    retries = adapter.max_retries
    return (retries.total == 0 and retries.read is False and not adapter.proxy_manager
            and adapter.poolmanager.connection_pool_kw == {"maxsize": DEFAULT_POOLSIZE,
                                                           "block": DEFAULT_POOLBLOCK})


# -- urllib3's log ----------------------------------------------------------------

class _RedactingFilter(logging.Filter):
    """Rewrites a urllib3 log record with the credentials in its URLs redacted:
    urllib3 logs each request line, query included, at DEBUG."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_text(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = redact_text(logging.Formatter().formatException(record.exc_info))
        return True


_FILTER = _RedactingFilter()
# A logger's filters see only the records logged on it, not its children's,
# so each of urllib3's loggers that can log a URL gets one.
for _name in ("urllib3", "urllib3.connection", "urllib3.connectionpool", "urllib3.poolmanager",
              "urllib3.response", "urllib3.util.retry", "urllib3.contrib.socks"):
    logging.getLogger(_name).addFilter(_FILTER)
