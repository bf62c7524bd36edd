"""Files in and out: streamed downloads (`octo.download`), streamed binary
request bodies, and `octo.upload` to a release's `upload_url`.

A download writes the answer to a file in chunks, so a 2 GiB archive needs a
few MiB of memory. Archive, log and artifact endpoints answer 302 to another
host; the client follows it without the Authorization header.
"""

from __future__ import annotations

import functools
import io
import mimetypes
import os
import re
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from pathlib import Path, PurePath
from typing import IO, TYPE_CHECKING, Any, BinaryIO

from octo.core.errors import OctoError, TransportError
from octo.core.operation import OMIT, Omit, Operation, Timeout
from octo.core.pipeline import Answer, Attempt, Steps, Stream
from octo.core.redaction import conceal_header_option, redact_url
from octo.core.response import Response, header_int

if TYPE_CHECKING:
    from octo.client import BaseClient

CHUNK_SIZE = 1 << 20

Progress = Callable[[int, int | None], None]
"""Called as `progress(done_bytes, total_bytes)`; total is None when unknown."""


@functools.cache
def _mime() -> mimetypes.MimeTypes:
    # Python's own table only, so a name gets the same type on every machine.
    # Built on first use: it costs ~8 ms, which `import octo` would pay.
    return mimetypes.MimeTypes()


_COMPRESSED = {"gzip": "application/gzip", "bzip2": "application/x-bzip2",
               "xz": "application/x-xz", "br": "application/x-brotli",
               "compress": "application/x-compress"}
_URI_TEMPLATE = re.compile(r"\{[^{}]*\}")

_active: ContextVar[Download | None] = ContextVar("octo_download", default=None)


def claim() -> Download | None:
    """The download waiting for the request the client is starting, if any;
    the client then streams the answer into it instead of reading it into
    memory. Requests made while that one runs (an app's token mint) get none."""
    sink = _active.get()
    if sink is not None:
        _active.set(None)  # `download` restores the context when it returns
    return sink


# -- downloads ----------------------------------------------------------------

def download(
    target: Callable[..., Any] | str,
    /,
    *args: Any,
    to: str | os.PathLike[str] | IO[bytes],
    progress: Progress | None = None,
    accept: str | None = None,
    client: BaseClient | None = None,
    **params: Any,
) -> Any:
    """Stream what an endpoint answers into `to`, a path or a binary file.

    `target` is an endpoint method (`gh.repos.download_tarball_archive`),
    called with `*args, **params`, or a URL or path on the API host (an
    asset's `url`, sent with `Accept: application/octet-stream` unless
    `accept=` says otherwise; `client=` picks the client, default the
    module-level one). A path is written as `NAME.part` and renamed when
    complete. Returns the final `Response`; its `data` is the `Path` written
    (None for a file object). With an `AsyncOcto` method or client it
    returns an awaitable of that `Response`.
    """
    conceal_header_option(params)  # first: a credential in headers= is no plain local
    sink = Download(to, progress)
    token = _active.set(sink)
    try:
        if isinstance(target, str):
            if args:
                raise TypeError("download(): a URL takes no positional arguments")
            op = Operation("GET", target, name="download")
            gh = client if client is not None else _default_client()
            headers = {"Accept": accept or "application/octet-stream"}
            result = gh.request(op, query=params or None, headers=headers)
        else:
            if accept is not None or client is not None:
                raise TypeError("download(): accept= and client= go with a URL; a method "
                                "has its own client and takes media_type=")
            result = target(*args, **params)
    except BaseException:
        sink.discard()
        raise
    finally:
        _active.reset(token)
    if hasattr(result, "__await__"):  # an AsyncOcto call
        return _completed(result, sink)
    return result


async def _completed(call: Awaitable[Response], sink: Download) -> Response:
    """An async download, which leaves no `.part` file when it fails or is cancelled."""
    try:
        return await call
    except BaseException:
        sink.discard()
        raise


class Download:
    """Where one download goes; the client hands it the final 2xx answer."""

    def __init__(self, to: str | os.PathLike[str] | IO[bytes], progress: Progress | None) -> None:
        self.progress = progress
        self.path: Path | None = None
        self.file: IO[bytes] | None = None
        if isinstance(to, (str, os.PathLike)):
            self.path = Path(to)
        elif hasattr(to, "write"):
            if isinstance(to, io.TextIOBase):
                raise TypeError("download(): open the file in binary mode ('wb')")
            self.file = to
        else:
            raise TypeError(f"download(): to= must be a path or a binary file, got {type(to).__name__}")
        self._start = self.file.tell() if self.file is not None and self.file.seekable() else None
        self._received = False
        self.attempt: Attempt | None = None  # the attempt whose answer is coming in

    @property
    def part(self) -> Path:
        assert self.path is not None
        return self.path.with_name(self.path.name + ".part")

    def receive(self, trusted: bool, method: str, answer: Answer) -> Steps:
        """The pipeline's last step for a 2xx answer: the driver copies its
        body here (a `Stream` effect, through `open`, `write` and `close`)."""
        content_type = answer.headers.get("content-type", "")
        if "json" in content_type and trusted:
            answer.raw.close()
            raise OctoError(
                f"{method} {redact_url(answer.url)}: answered with JSON, not a file; call the endpoint "
                "method for its data (a release asset downloads from its 'url')"
            )
        total = header_int(answer.headers.get("content-length"))
        if "content-encoding" in answer.headers:
            total = None  # the length on the wire, not of what is written
        yield Stream(answer, self, total)
        return Response(answer.status, answer.headers, self.path, answer.url, method, answer.request)

    def open(self, total: int | None) -> None:
        if self.path is not None:
            self._out: IO[bytes] = open(self.part, "wb")  # noqa: SIM115 - closed by `close`
        else:
            assert self.file is not None
            self._rewind()
            self._out = self.file
        self._done = 0
        self._total = total
        if self.progress is not None:
            self.progress(0, total)

    def write(self, chunk: bytes) -> None:
        self._out.write(chunk)
        self._done += len(chunk)
        if self.progress is not None:
            self.progress(self._done, self._total)

    def close(self, complete: bool) -> None:
        """After the body: the path gets its name only if all of it arrived."""
        if self.path is not None:
            self._out.close()
            if complete:
                os.replace(self.part, self.path)

    @staticmethod
    def failed(method: str, url: str, why: str) -> TransportError:
        # The signature of a storage URL is redacted.
        where = redact_url(url)
        return TransportError(f"{method} {where}: download failed: {why}", method=method, url=where)

    def _rewind(self) -> None:
        # A retried request must not append to what a failed attempt wrote.
        assert self.file is not None
        if self._received:
            if self._start is None:
                raise OctoError("download(): cannot retry into a file object that cannot seek")
            self.file.seek(self._start)
            self.file.truncate()
        self._received = True

    def discard(self) -> None:
        if self.path is not None:
            self.part.unlink(missing_ok=True)


# -- uploads ------------------------------------------------------------------

def guess_content_type(name: str) -> str:
    """The media type for a file name: `app.zip` → `application/zip`,
    `app.tar.gz` → `application/gzip`, unknown → `application/octet-stream`."""
    kind, encoding = _mime().guess_type("file" + "".join(PurePath(name).suffixes), strict=False)
    if encoding:
        return _COMPRESSED.get(encoding, "application/octet-stream")
    return kind or "application/octet-stream"


class UploadBody:
    """A binary request body read in chunks from bytes, a binary file or a
    path. Iterating starts again from the beginning, so a 307/308 or a retry
    sends the whole body again; `len()` gives requests the Content-Length."""

    def __init__(self, source: bytes | bytearray | memoryview | BinaryIO | IO[bytes] | os.PathLike[str],
                 progress: Progress | None = None) -> None:
        self.progress = progress
        self.name: str | None = None
        self._view: memoryview | None = None
        self._path: Path | None = None
        self._file: IO[bytes] | None = None
        self._start: int | None = None
        self.size: int | None
        if isinstance(source, (bytes, bytearray, memoryview)):
            self._view = memoryview(source).cast("B")
            self.size = self._view.nbytes
        elif isinstance(source, os.PathLike):
            self._path = Path(source)
            self.name = self._path.name
            self.size = self._path.stat().st_size
        elif hasattr(source, "read"):
            if isinstance(source, io.TextIOBase):
                raise TypeError("upload: open the file in binary mode ('rb')")
            self._file = source
            file_name = getattr(source, "name", None)
            self.name = os.path.basename(file_name) if isinstance(file_name, str) else None
            self.size = self._measure(source)
        else:
            raise TypeError(
                f"upload data must be bytes, a binary file or a path, got {type(source).__name__}"
            )

    def _measure(self, file: IO[bytes]) -> int | None:
        try:
            if not file.seekable():
                return None
            self._start = file.tell()
            end = file.seek(0, os.SEEK_END)
            file.seek(self._start)
            return max(0, end - self._start)
        except (OSError, ValueError):
            return None

    def __len__(self) -> int:
        if self.size is None:
            raise TypeError("the size of this upload is unknown")
        return self.size

    def __repr__(self) -> str:
        # getattr: shown half built too, in the locals of a refusing __init__.
        return f"<UploadBody {getattr(self, 'name', None) or 'data'} ({getattr(self, 'size', None)} bytes)>"

    def __iter__(self) -> Iterator[bytes | memoryview]:
        sent = 0
        if self.progress is not None:
            self.progress(0, self.size)
        for chunk in self._chunks():
            yield chunk
            sent += len(chunk)
            if self.progress is not None:
                self.progress(sent, self.size)

    def _chunks(self) -> Iterator[bytes | memoryview]:
        if self._view is not None:
            for i in range(0, len(self._view), CHUNK_SIZE):
                yield self._view[i:i + CHUNK_SIZE]
        elif self._path is not None:
            with open(self._path, "rb") as f:
                yield from iter(lambda: f.read(CHUNK_SIZE), b"")
        else:
            assert self._file is not None
            if self._start is not None:
                self._file.seek(self._start)
            yield from iter(lambda: self._file.read(CHUNK_SIZE), b"")  # type: ignore[union-attr]


def request_body(data: Any, content_type: str, query: dict[str, Any] | None) -> tuple[Any, str]:
    """What the client sends for a non-JSON `data=`, and its Content-Type.

    Binary data is streamed; for `application/octet-stream` the type is
    guessed from the `name` query parameter or the file's name.
    """
    if content_type.startswith("text/"):
        return data, content_type
    if isinstance(data, str):
        raise TypeError(f"data= for {content_type} must be bytes, a binary file or a Path; "
                        "a str could be either a file name or content")
    body = data if isinstance(data, UploadBody) else UploadBody(data)
    if content_type == "application/octet-stream":
        name = (query or {}).get("name") or body.name
        if isinstance(name, str):
            content_type = guess_content_type(name)
    # Without a known size requests sends it chunked.
    return (body if body.size is not None else Once(body)), content_type


class Once:
    """A body of unknown length from a file that cannot seek: sent chunked,
    and only once, since what was read from it is gone."""

    __slots__ = ("_body", "used")

    def __init__(self, body: UploadBody) -> None:
        self._body = body
        self.used = False

    def __iter__(self) -> Iterator[bytes | memoryview]:
        self.used = True
        return iter(self._body)


def upload(
    upload_url: str,
    data: str | os.PathLike[str] | bytes | BinaryIO | IO[bytes],
    *,
    name: str | None = None,
    label: str | None = None,
    content_type: str | None = None,
    progress: Progress | None = None,
    client: BaseClient | None = None,
    timeout: Timeout | Omit = OMIT,
) -> Any:
    """Upload a release asset to a release's `upload_url` (the template
    `https://uploads.github.com/repos/o/r/releases/1/assets{?name,label}`
    is fine as it is).

    `data` is a path (`str` or `Path`), bytes or a binary file, streamed.
    `name` defaults to the file's name; `content_type`, when given, is sent
    as it is, else it is guessed from the name.
    Returns the new asset's `Response` (with an `AsyncOcto`, an awaitable of it). See
    https://docs.github.com/rest/releases/assets#upload-a-release-asset
    """
    body = UploadBody(Path(data) if isinstance(data, str) else data, progress)
    name = name or body.name
    if not name:
        raise TypeError("upload(): name= is required when data has no file name")
    op = Operation("POST", _URI_TEMPLATE.sub("", upload_url), name="upload", host="uploads",
                   content_type="application/octet-stream")
    gh = client if client is not None else _default_client()
    return gh.request(op, query={"name": name, "label": OMIT if label is None else label},
                      headers=None if content_type is None else {"Content-Type": content_type},
                      data=body, timeout=timeout)


def _default_client() -> BaseClient:
    import octo

    return octo.default_client()

