"""--dry-run: a requests transport adapter that keeps the prepared request
and answers `204` itself, so the client builds the request exactly as it
would for real and nothing leaves the process."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from typing import Any

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from urllib3 import HTTPResponse

REDACTED = "<redacted>"


class CaptureAdapter(BaseAdapter):
    def __init__(self) -> None:
        super().__init__()
        self.captured: list[requests.PreparedRequest] = []

    def send(self, request: requests.PreparedRequest, stream: bool = False,
             timeout: Any = None, verify: Any = True, cert: Any = None,
             proxies: Mapping[str, str] | None = None) -> requests.Response:
        self.captured.append(request)
        answer = requests.Response()
        answer.status_code = 204
        answer.reason = "Dry Run"
        answer.url = request.url or ""
        answer.request = request
        answer.headers = CaseInsensitiveDict()
        # An empty body behind the same interface a real answer has, however
        # the client reads it (`content`, or `raw` in chunks).
        answer.raw = HTTPResponse(body=io.BytesIO(b""), status=204, preload_content=False)
        return answer

    def close(self) -> None:
        pass


def capturing_session() -> tuple[requests.Session, CaptureAdapter]:
    adapter = CaptureAdapter()
    session = requests.Session()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session, adapter


def describe(request: requests.PreparedRequest, secrets: list[str]) -> dict[str, Any]:
    """Method, URL, headers and body of a request, with the credential redacted."""
    headers = {}
    for name, value in request.headers.items():
        if name.lower() == "authorization":
            scheme, _, _ = value.partition(" ")
            value = f"{scheme} {REDACTED}" if scheme and scheme != value else REDACTED
        headers[name] = _scrub(value, secrets)
    return {
        "method": request.method,
        "url": _scrub(request.url or "", secrets),
        "headers": headers,
        "body": _body(request, secrets),
    }


def _scrub(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


def _body(request: requests.PreparedRequest, secrets: list[str]) -> Any:
    body = request.body
    if body is None:
        return None
    if not isinstance(body, (bytes, str)):  # an upload, streamed: never read here
        name = getattr(body, "name", None)  # None for bytes given on the command line or stdin
        size = request.headers.get("Content-Length", "?")
        return f"<file {name}, {size} bytes>" if name else f"<{size} bytes>"
    raw = body.encode() if isinstance(body, str) else body
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return f"<{len(raw)} bytes>"
    text = _scrub(text, secrets)
    if "json" in request.headers.get("Content-Type", ""):
        try:
            return json.loads(text)
        except ValueError:
            pass
    return text
