"""`octo.webhooks.verify` against GitHub's published test vector
(https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from conftest import SENTINEL as SENTINEL_TOKEN

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


# -- parse --------------------------------------------------------------------

ISSUE_OPENED = {"action": "opened", "issue": {"number": 7, "title": "Bug"}, "sender": {"login": "octocat"}}


@pytest.mark.parametrize("body", [json.dumps(ISSUE_OPENED).encode(), json.dumps(ISSUE_OPENED),
                                  bytearray(json.dumps(ISSUE_OPENED).encode()),
                                  json.dumps(ISSUE_OPENED).encode("utf-16")])
def test_parse_gives_the_payload_as_sent(body: Any) -> None:
    assert octo.webhooks.parse("issues", body) == ISSUE_OPENED


def test_parse_does_not_verify_and_does_not_check_the_shape() -> None:
    # Unsigned, an action the description does not know, fields it lacks: that is verify's job,
    # and a payload GitHub has since changed must still be read.
    assert octo.webhooks.parse("issues", b'{"action": "teleported", "x": 1}') == {"action": "teleported", "x": 1}
    assert octo.webhooks.parse("ping", b'{"zen": "Keep it logically awesome."}')["zen"].startswith("Keep")


@pytest.mark.parametrize(("event", "body", "message"), [
    ("issue", b"{}", "unknown webhook event 'issue'"),
    ("Issues", b"{}", "unknown webhook event 'Issues'"),
    (None, b"{}", "unknown webhook event None"),
    ("x" * 500, b"{}", "unknown webhook event 'xxxx"),
    ("issues", b'{"action": ', "not valid JSON"),
    ("issues", b"\xff\xfe\xfd", "not valid JSON"),
    ("issues", b'{"n": NaN}', "not valid JSON"),
    ("issues", b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
    ("issues", b'["opened"]', "not a JSON object, it is a list"),
    ("issues", b"", "not valid JSON"),
    ("issues", 42, "must be bytes or str, got int"),
])
def test_parse_refuses_what_it_cannot_read(event: Any, body: Any, message: str) -> None:
    with pytest.raises(octo.WebhookError, match=re.escape(message)) as caught:
        octo.webhooks.parse(event, body)
    assert isinstance(caught.value, octo.OctoError)
    assert len(str(caught.value)) < 300  # a short name of what came, never the body itself
    # No decoding error rides along: json's holds the whole body.
    assert caught.value.__cause__ is None and caught.value.__context__ is None


def test_parse_never_echoes_the_body() -> None:
    with pytest.raises(octo.WebhookError) as caught:
        octo.webhooks.parse("issues", b'{"token": "' + SENTINEL_TOKEN.encode() + b'", oops}')
    assert SENTINEL_TOKEN not in str(caught.value)

