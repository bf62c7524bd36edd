"""`octo.webhooks.verify` against GitHub's published test vector
(https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries)."""

from __future__ import annotations

from typing import Any

import pytest

import octo

SECRET = "It's a Secret to Everybody"
BODY = b"Hello, World!"
SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"


def test_githubs_test_vector() -> None:
    assert octo.webhooks.signature(SECRET, BODY) == SIGNATURE
    assert octo.webhooks.verify(SECRET, BODY, SIGNATURE) is True
    assert octo.webhooks.verify(SECRET.encode(), bytearray(BODY), SIGNATURE.encode()) is True
    assert octo.webhooks.verify(SECRET, BODY, SIGNATURE.upper().replace("SHA256=", "sha256=")) is True


@pytest.mark.parametrize(("secret", "body"), [
    ("It's a secret to everybody", BODY),  # another secret
    (SECRET, b"Hello, World!\n"),  # the body changed in transit
    (SECRET, b""),
])
def test_anything_else_signed_is_refused(secret: str, body: bytes) -> None:
    assert octo.webhooks.verify(secret, body, SIGNATURE) is False


@pytest.mark.parametrize("header", [
    None, "", "sha256=", SIGNATURE[:-1], SIGNATURE + "0", SIGNATURE[len("sha256="):],
    "sha1=" + SIGNATURE[len("sha256="):], "SHA256=" + SIGNATURE[len("sha256="):],
    SIGNATURE[:-1] + "g", SIGNATURE[:-1] + "é", b"sha256=\xff", 12345,
])
def test_missing_or_malformed_header_is_false(header: Any) -> None:
    assert octo.webhooks.verify(SECRET, BODY, header) is False


@pytest.mark.parametrize(("secret", "body", "error", "message"), [
    (SECRET, "Hello, World!", TypeError, "body must be the raw request body as bytes, not str"),
    (SECRET, 42, TypeError, "body must be bytes"),
    (42, BODY, TypeError, "secret must be str or bytes"),
    ("", BODY, ValueError, "the webhook secret is empty"),
])
def test_misuse_is_an_error_not_a_silent_false(secret: Any, body: Any, error: type[Exception],
                                               message: str) -> None:
    with pytest.raises(error) as info:
        octo.webhooks.verify(secret, body, SIGNATURE)
    assert str(info.value) == message


def test_no_operation_namespace_is_called_webhooks() -> None:
    # `octo.<name>` falls back to API namespaces; this module must not shadow one.
    from octo.rest import NAMESPACES

    assert "webhooks" not in NAMESPACES
    assert octo.webhooks.__name__ == "octo.webhooks"
