"""`octo api --cache DURATION`: a read's 200 answer kept on disk and served,
without asking the server, until it is DURATION old.

A transport adapter in front of octo's own, so the request is built exactly
as for real and keyed as the in-memory ETag cache keys it (`octo.core.cache.request_key`:
method, URL, Accept, API version, a hash of the credential). Entries are JSON
files readable by their owner only; anything unreadable is a miss.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers
from urllib3 import HTTPResponse

from octo.core.cache import request_key
from octo.dirs import cache_dir, private_folder

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION = re.compile(r"(?:\d+(?:\.\d+)?[smhd])+")
_TRANSFER = frozenset({"content-length", "content-encoding", "transfer-encoding"})
_READS = frozenset({"GET", "HEAD"})


def duration(text: str) -> float:
    """`90s`, `5m`, `1h`, `1h30m`, `2d` in seconds (argparse `type=`)."""
    if not _DURATION.fullmatch(text):
        raise ValueError(text)
    seconds = sum(float(n) * _UNITS[u] for n, u in re.findall(r"(\d+(?:\.\d+)?)([smhd])", text))
    if seconds <= 0:
        raise ValueError(text)
    return seconds


duration.__name__ = "duration (such as 90s, 5m, 1h, 2d)"


class DiskCacheAdapter(BaseAdapter):
    clock: Callable[[], float] = staticmethod(time.time)  # tests move it on

    def __init__(self, inner: BaseAdapter, max_age: float, folder: Path | None = None) -> None:
        super().__init__()
        self.inner = inner
        self.max_age = max_age
        self.folder = folder or cache_dir() / "api"

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        if request.method not in _READS:
            return self.inner.send(request, *args, **kwargs)
        entry = self.folder / request_key(request.method, request.url or "", request.headers)
        stored = _load(entry)
        if stored is not None and 0 <= self.clock() - stored["stored"] < self.max_age:
            return _answer(request, stored["status"], stored["headers"], base64.b64decode(stored["body"]))
        answer = self.inner.send(request, *args, **kwargs)
        if answer.status_code != 200:
            return answer
        content = answer.content  # `content` is decoded, so its transfer headers no longer apply
        headers = {k: v for k, v in answer.headers.items() if k.lower() not in _TRANSFER}
        _save(entry, {"stored": self.clock(), "status": 200, "headers": headers,
                      "body": base64.b64encode(content).decode()})
        return _answer(request, 200, headers, content, url=answer.url)

    def close(self) -> None:
        self.inner.close()


def _load(path: Path) -> dict[str, Any] | None:
    try:
        value = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    shape: dict[str, type | tuple[type, ...]] = {"stored": (int, float), "status": int, "headers": dict,
                                                 "body": str}
    if not isinstance(value, dict) or not all(isinstance(value.get(k), t) for k, t in shape.items()):
        return None
    return value


def _save(path: Path, value: dict[str, Any]) -> None:
    try:
        private_folder(path.parent)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")  # mode 0600
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(value, out)
        os.replace(temporary, path)  # readers see the old entry or the new one, never half
    except OSError:
        pass  # a cache that cannot be written is only slower


def _answer(request: requests.PreparedRequest, status: int, headers: dict[str, str], content: bytes,
            url: str | None = None) -> requests.Response:
    """A stored answer behind the interface a real one has, however the client reads it."""
    answer = requests.Response()
    answer.status_code = status
    answer.reason = "OK"
    answer.headers = CaseInsensitiveDict({**headers, "content-length": str(len(content))})
    answer.raw = HTTPResponse(body=io.BytesIO(content), status=status, preload_content=False,
                              headers=dict(answer.headers))
    answer.url = url or request.url or ""
    answer.request = request
    answer.encoding = get_encoding_from_headers(answer.headers)
    return answer


def mount(session: requests.Session, max_age: float) -> None:
    """Put the disk cache in front of `session`'s adapters."""
    for prefix in ("https://", "http://"):
        session.mount(prefix, DiskCacheAdapter(session.get_adapter(prefix), max_age))
