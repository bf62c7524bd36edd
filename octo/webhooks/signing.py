"""Check that a webhook delivery came from GitHub (the `X-Hub-Signature-256`
header is the HMAC-SHA256 of the raw request body under the webhook's secret),
and read its payload, typed by its event.

    if not octo.webhooks.verify(SECRET, request.body, request.headers.get("X-Hub-Signature-256")):
        return 401
    payload = octo.webhooks.parse("issues", request.body)   # WebhookIssues: one TypedDict per action

https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from typing import TYPE_CHECKING, Any

from octo.core.errors import WebhookError
from octo.core.redaction import conceal

if TYPE_CHECKING:
    from octo.rest._events import Parse

__all__ = ["parse", "signature", "verify"]

_PREFIX = "sha256="
_HEX_DIGEST = re.compile(r"[0-9a-fA-F]{64}")


def signature(secret: str | bytes, body: bytes) -> str:
    """The `X-Hub-Signature-256` value GitHub sends for `body` (`sha256=<hex>`)."""
    secret = conceal(secret)  # first: the secret shows as [redacted] in a traceback's locals
    digest = hmac.new(_secret_bytes(secret), _body_bytes(body), hashlib.sha256).hexdigest()
    return _PREFIX + digest


def verify(secret: str | bytes, body: bytes, signature_header: str | bytes | None) -> bool:
    """True when `signature_header` is the signature of the raw `body` under `secret`.

    A missing or malformed header is `False`. The comparison takes the same
    time wherever the first wrong character is.
    """
    secret = conceal(secret)  # first: the secret shows as [redacted] in a traceback's locals
    expected = signature(secret, body)
    if isinstance(signature_header, bytes):
        try:
            signature_header = signature_header.decode("ascii")
        except UnicodeDecodeError:
            return False
    if not isinstance(signature_header, str):
        return False
    header = signature_header.strip()
    if not header.startswith(_PREFIX) or not _HEX_DIGEST.fullmatch(header, len(_PREFIX)):
        return False
    return hmac.compare_digest(expected, _PREFIX + header[len(_PREFIX):].lower())


def _secret_bytes(secret: str | bytes) -> bytes:
    key = secret.encode() if isinstance(secret, str) else secret
    if not isinstance(key, (bytes, bytearray)):
        raise TypeError("secret must be str or bytes")
    if not key:
        # Anyone can sign with an empty key; that is a configuration error, not a bad delivery.
        raise ValueError("the webhook secret is empty")
    return bytes(key)


def _body_bytes(body: bytes) -> bytes:
    if isinstance(body, str):
        # The signature covers the bytes as sent; decoded and re-encoded text may differ.
        raise TypeError("body must be the raw request body as bytes, not str")
    if not isinstance(body, (bytes, bytearray, memoryview)):
        raise TypeError("body must be bytes")
    return bytes(body)


def _parse(event_name: str, body: bytes | str) -> Any:
    """The payload of a delivery of `event_name` (the `X-GitHub-Event` header),
    as the JSON object it is: never checked against its type, and not verified
    (call `verify` first). An unknown event, or a body that is not a JSON
    object, is a `WebhookError`."""
    from octo.rest._events import EVENTS  # the generated list, read on first use only

    if not isinstance(event_name, str) or event_name not in EVENTS:
        raise WebhookError(f"unknown webhook event {_shown(event_name)}; the X-GitHub-Event header names it "
                           "(issues, push, pull_request, ...)")
    return json_object(event_name, body)


def json_object(event_name: str, body: bytes | str) -> dict[str, Any]:
    """The body of a delivery of `event_name`, which must be a JSON object
    (a `WebhookError` that never holds the body otherwise)."""
    if isinstance(body, (bytearray, memoryview)):
        body = bytes(body)
    if not isinstance(body, (bytes, str)):
        raise WebhookError(f"a {event_name} delivery's body must be bytes or str, got {type(body).__name__}")
    problem = None
    try:
        payload = json.loads(body, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        problem = _reason(exc)
    if problem is not None:
        # Raised out here: a decoding error holds the body, and it must not ride along as __context__.
        raise WebhookError(f"a {event_name} delivery's body is not valid JSON: {problem}")
    if not isinstance(payload, dict):
        raise WebhookError(f"a {event_name} delivery's body is not a JSON object, it is a {type(payload).__name__}")
    return payload


# `octo.webhooks.parse("issues", body)`: type checkers see one signature per event (octo/rest/_events.py).
parse: Parse = _parse


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _reason(exc: Exception) -> str:
    # json's message says where, never what the body holds; others are cut short.
    text = str(exc) if isinstance(exc, json.JSONDecodeError) else type(exc).__name__
    return text[:200]


def _shown(event_name: object) -> str:
    """An event name for an error message: a short repr of whatever came."""
    text = repr(event_name)
    return text if len(text) <= 60 else text[:57] + "..."
