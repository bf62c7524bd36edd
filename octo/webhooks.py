"""Check that a webhook delivery came from GitHub: the `X-Hub-Signature-256`
header is the HMAC-SHA256 of the raw request body under the webhook's secret.

    if not octo.webhooks.verify(SECRET, request.body, request.headers.get("X-Hub-Signature-256")):
        return 401

https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries
"""

from __future__ import annotations

import hashlib
import hmac
import re

from octo.redaction import conceal

__all__ = ["signature", "verify"]

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
