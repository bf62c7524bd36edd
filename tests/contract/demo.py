"""`make demo`: the README's dispatch example against Prism, a local stand-in
for api.github.com that checks each request against GitHub's OpenAPI
description. No GitHub account, no network beyond loopback."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import textwrap

import octo
from contract.cassettes import EXAMPLES, PLACEHOLDER_TOKEN
from contract.openapi import ROOT, DescriptionMissing, find_description
from contract.prism import Prism, PrismUnavailable
from contract.wire import WireSession, redacted_headers, violations

EXAMPLE = EXAMPLES[("repos", "create_dispatch_event")]
LOG = ROOT / ".cache" / "prism-demo.log"


def main() -> int:
    try:
        description = find_description()
        print("Starting Prism with GitHub's OpenAPI description (about 30 s)...", flush=True)
        prism = Prism(description, LOG).start()
    except (DescriptionMissing, PrismUnavailable) as exc:
        print(f"make demo: {exc}", file=sys.stderr)
        return 1
    try:
        # What a user does: point octo at another API root and give it a token.
        os.environ["GITHUB_API_URL"] = prism.url
        os.environ["GITHUB_TOKEN"] = PLACEHOLDER_TOKEN
        wire = WireSession()
        octo.configure(session=wire)
        arguments = ",\n    ".join(f"{k}={v!r}" for k, v in EXAMPLE.items())
        print(f"\nGITHUB_API_URL={prism.url} GITHUB_TOKEN=<placeholder>\n")
        print(f"octo.repos.create_dispatch_event(\n    {arguments},\n)\n")
        try:
            response = octo.repos.create_dispatch_event(**EXAMPLE)
            status = f"{response.status}"
        except octo.RequestError as exc:
            status = f"{exc.status} ({exc})"
        exchange = wire.exchanges[0]
        sent = exchange.request
        print("octo sent:")
        print(f"  {sent.method} {sent.path_url}")
        for name, value in redacted_headers(exchange).items():
            print(f"  {name}: {value}")
        body = sent.body.decode() if isinstance(sent.body, bytes) else sent.body
        if body:
            print(f"\n  {json.dumps(json.loads(body))}")
        problems = violations(exchange.response)
        verdict = "; ".join(str(v) for v in problems) or "the request conforms to GitHub's OpenAPI description"
        print(f"\nPrism answered {status}: {verdict}")
        return 1 if problems or not cli_demo() else 0
    finally:
        prism.stop()
        print(f"Prism stopped (its log: {LOG.relative_to(ROOT)}).")


def cli_demo() -> bool:
    """The same dispatch through the `octo` command line: first what it would
    send (`--dry-run`, token redacted), then for real with the status line."""
    command = ["octo", "repos", "create-dispatch-event", EXAMPLE["owner"], EXAMPLE["repo"],
               "--event-type", EXAMPLE["event_type"],
               "--client-payload", json.dumps(EXAMPLE["client_payload"])]
    print("\nThe same through the command line:")
    ok = True
    for extra in (["--dry-run"], ["--include"]):
        print(f"\n$ {shlex.join(command + extra)}")
        done = subprocess.run([sys.executable, "-m", "octo", *command[1:], *extra],
                              capture_output=True, text=True, timeout=60)
        print(textwrap.indent((done.stdout + done.stderr).rstrip(), "  "))
        ok = ok and done.returncode == 0
    return ok


if __name__ == "__main__":
    sys.exit(main())
