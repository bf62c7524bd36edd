"""`octo webhooks replay FILE URL`: send a saved delivery to a local server,
signed with your webhook secret, to try a handler without GitHub.

FILE is GitHub's answer to "get a delivery" (`octo apps get-webhook-delivery ID
> delivery.json`: its `request.headers` and `request.payload`), or an object
of `headers` and a raw `body` text (or a `payload` object)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from octo.cli import exits
from octo.cli.parsing import PROG

# Sent afresh: the framing of this request and the signatures of this body.
_DROPPED = frozenset({"content-length", "host", "connection", "transfer-encoding", "x-hub-signature",
                      "x-hub-signature-256"})


def main(top_args: argparse.Namespace, rest: list[str], argv: list[str]) -> int:
    """`octo webhooks replay ...`; octo's own options (`top_args`) do not apply to a local app."""
    parser = argparse.ArgumentParser(
        prog=f"{PROG} webhooks replay", allow_abbrev=False,
        description="Send a saved webhook delivery to URL with a correct X-Hub-Signature-256, made with "
                    "the secret in WEBHOOK_SECRET (or read from stdin with --secret-stdin).")
    parser.add_argument("file", type=Path, help="the saved delivery (JSON)")
    parser.add_argument("url", help="where your app listens, e.g. http://127.0.0.1:8000/webhooks")
    parser.add_argument("--secret-stdin", action="store_true", help="read the webhook secret from stdin")
    parser.add_argument("--new-delivery-id", action="store_true",
                        help="send a fresh X-GitHub-Delivery, so the app does not take it for a duplicate")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for the answer (30)")
    if rest[:1] != ["replay"]:
        parser.print_usage(sys.stderr)
        sys.stderr.write(f"{PROG} webhooks: the command is replay\n")
        return exits.USAGE
    args = parser.parse_args(rest[1:])
    secret = sys.stdin.readline().strip() if args.secret_stdin else os.environ.get("WEBHOOK_SECRET", "")
    if not secret:
        parser.error("no webhook secret: set WEBHOOK_SECRET or pass --secret-stdin")
    try:
        headers, body = delivery(json.loads(args.file.read_bytes()))
    except (OSError, ValueError) as exc:
        parser.error(f"{args.file}: {exc}")
    if args.new_delivery_id:
        import uuid

        headers["X-GitHub-Delivery"] = str(uuid.uuid4())
    return _send(args.url, headers, body, secret, args.timeout)


def delivery(saved: Any) -> tuple[dict[str, str], bytes]:
    """The headers and body of a saved delivery, without its framing or signatures."""
    if not isinstance(saved, dict):
        raise ValueError("a saved delivery is a JSON object")
    request = saved.get("request", saved)
    if not isinstance(request, dict) or not isinstance(request.get("headers"), dict):
        raise ValueError("a saved delivery has its headers in 'headers' (or 'request.headers')")
    headers = {str(k): str(v) for k, v in request["headers"].items() if str(k).lower() not in _DROPPED}
    if isinstance(request.get("body"), str):
        body = request["body"].encode()
    elif isinstance(request.get("payload"), dict):
        body = json.dumps(request["payload"], separators=(",", ":"), ensure_ascii=False).encode()
    else:
        raise ValueError("a saved delivery has its body in 'body' (text) or 'payload' (an object)")
    names = {k.lower() for k in headers}
    for name, field in (("X-GitHub-Event", "event"), ("X-GitHub-Delivery", "guid")):
        if name.lower() not in names:
            if not isinstance(saved.get(field), str):
                raise ValueError(f"a saved delivery needs an {name} header")
            headers[name] = saved[field]
    if "content-type" not in names:
        headers["Content-Type"] = "application/json"
    return headers, body


def _send(url: str, headers: dict[str, str], body: bytes, secret: str, timeout: float) -> int:
    import requests

    from octo.webhooks import signature

    headers["X-Hub-Signature-256"] = signature(secret, body)
    try:
        answer = requests.post(url, data=body, headers=headers, timeout=timeout, allow_redirects=False)
    except requests.RequestException as exc:
        sys.stderr.write(f"{PROG} webhooks replay: no answer from {url}: {type(exc).__name__}\n")
        return exits.TRANSPORT
    sys.stdout.write(f"HTTP {answer.status_code} {answer.reason}\n{answer.text}\n")
    return exits.OK if 200 <= answer.status_code < 300 else exits.ERROR_STATUS
