"""What octo sent to Prism and what Prism said about it.

`WireSession` is the `requests.Session` given to `octo.Octo` in the contract
tests: it refuses any host but loopback (a mocked redirect to github.com must
not reach the internet) and keeps every exchange, so a test can read Prism's
verdict even when octo raised on the answer.

Prism does not know that GitHub's `application/vnd.github+json` (and the
other vendor media types) is answered with the documented `application/json`
or `text/html` content, and answers 406. The session therefore adds a last
`application/json;q=0.02, */*;q=0.01` choice to Accept. Accept is not a parameter in the description,
so this changes nothing that Prism validates.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
ACCEPT_FALLBACK = "application/json;q=0.02, */*;q=0.01"
PRISM_ERRORS = "https://stoplight.io/prism/errors#"
# Prism's own errors that mean the request does not fit the description.
REQUEST_ERRORS = frozenset({
    "NO_PATH_MATCHED_ERROR", "NO_METHOD_MATCHED_ERROR", "NO_SERVER_MATCHED_ERROR",
    "UNPROCESSABLE_ENTITY", "UNAUTHORIZED", "INVALID_CONTENT_TYPE",
})


@dataclass
class Exchange:
    request: requests.PreparedRequest
    response: requests.Response
    octo_headers: dict[str, str]  # as octo sent them, before the Accept fallback


class WireSession(requests.Session):
    def __init__(self) -> None:
        super().__init__()
        self.trust_env = False
        self.exchanges: list[Exchange] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        host = urlsplit(request.url or "").hostname
        if host not in LOOPBACK:
            raise requests.ConnectionError(f"contract tests reach loopback only, not {host}")
        sent = dict(request.headers)
        accept = request.headers.get("Accept")
        if accept and "*/*" not in accept:
            request.headers["Accept"] = f"{accept}, {ACCEPT_FALLBACK}"
        response = super().send(request, **kwargs)
        self.exchanges.append(Exchange(request, response, sent))
        return response


@dataclass(frozen=True)
class Violation:
    """One objection of Prism's: `severity` is Error or Warning; `location`
    is like ("request", "query", "sort")."""

    severity: str
    location: tuple[str, ...]
    message: str

    @property
    def on_response(self) -> bool:
        return self.location[:1] == ("response",)

    @property
    def deprecated_parameter(self) -> str | None:
        """The parameter's name when this only says it is deprecated."""
        if self.severity == "Warning" and self.message.endswith(" is deprecated") and len(self.location) > 2:
            return self.location[-1]
        return None

    def __str__(self) -> str:
        return f"{self.severity} at {'.'.join(self.location)}: {self.message}"


def _verdict(response: requests.Response) -> tuple[list[Violation], str | None]:
    """Prism's violations (its `sl-violations` header, or the `validation`
    list of its own error document) and the kind of its own error, if any."""
    items: list[dict[str, Any]] = []
    header = response.headers.get("sl-violations")
    if header:
        try:
            items = list(json.loads(header))
        except ValueError:
            items = [{"message": header}]
    kind = None
    if "problem+json" in response.headers.get("content-type", ""):
        try:
            problem = response.json()
        except ValueError:
            problem = {}
        if str(problem.get("type", "")).startswith(PRISM_ERRORS):
            kind = f"{problem['type'][len(PRISM_ERRORS):]}: {problem.get('title')}"
            items += [v for v in problem.get("validation", []) if v not in items]
    found = []
    for item in items:
        where = tuple(str(p) for p in item.get("location", []))
        if where[:1] not in (("request",), ("response",)):
            where = ("request", *where)  # Prism's own error documents leave it out
        found.append(Violation(str(item.get("severity", "Error")), where, str(item.get("message"))))
    return found, kind


def violations(response: requests.Response) -> list[Violation]:
    """What Prism finds wrong with the request; empty when it conforms.

    Prism validates the request before it picks an answer, so an error of
    its own about the answer (a 406 or 500 from negotiation, an example that
    fails GitHub's response schema) means the request passed."""
    found, kind = _verdict(response)
    request_side = [v for v in found if not v.on_response]
    if kind and kind.split(":")[0] in REQUEST_ERRORS:
        request_side.insert(0, Violation("Error", ("request",), kind))
    return request_side


def answer_trouble(response: requests.Response) -> list[str]:
    """What went wrong with Prism's answer rather than with the request."""
    found, kind = _verdict(response)
    trouble = [str(v) for v in found if v.on_response]
    if kind and kind.split(":")[0] not in REQUEST_ERRORS:
        trouble.insert(0, kind)
    return trouble


def redacted_headers(exchange: Exchange) -> dict[str, str]:
    """The headers octo sent, the token replaced."""
    return {k: ("Bearer <redacted>" if k.lower() == "authorization" else v)
            for k, v in exchange.octo_headers.items()}
