"""vcrpy cassettes of octo's calls, recorded against Prism.

`make cassettes` (`python -m contract.cassettes`) starts Prism and records,
under tests/cassettes/<namespace>/<method>.yaml, one method of every
namespace in spec/ plus repos.create_dispatch_event. The tests replay them
with record_mode="none". A cassette's URL does not carry Prism's random port,
and no cassette holds a token, a JWT or a private key: Authorization is
dropped and token-shaped text in Prism's examples is replaced.
"""

from __future__ import annotations

import re
import shutil
import sys
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import vcr
from vcr.request import Request

import octo
from codegen.spec import Endpoint, Namespace, load_spec
from contract.arguments import build_call
from contract.openapi import DOTCOM, GHEC, GHES, ROOT, Description, find_target, home
from contract.prism import Prism
from contract.wire import WireSession, violations

CASSETTES = ROOT / "tests" / "cassettes"
# Recorded URLs use this origin, whatever port Prism had.
RECORDED_ORIGIN = ("http", "prism.invalid")
PLACEHOLDER_TOKEN = "placeholder-not-a-real-token"
# Recorded with the README's own arguments (and run by `make demo`).
EXAMPLES: dict[tuple[str, str], dict[str, Any]] = {
    ("repos", "create_dispatch_event"): {
        "owner": "octocat", "repo": "hello-world", "event_type": "on-demand-test",
        "client_payload": {"unit": False, "integration": True},
    },
}

SECRET_PATTERNS = {
    "GitHub token": re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})"),
    "JWT": re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"),
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
}


def find_secrets(text: str) -> list[str]:
    """The kinds of secret that appear in `text` (empty when none)."""
    return [kind for kind, pattern in SECRET_PATTERNS.items() if pattern.search(text)]


def scrub(text: str) -> str:
    for kind, pattern in SECRET_PATTERNS.items():
        text = pattern.sub(f"<{kind} redacted>", text)
    return text


def _normalize_request(request: Request) -> Request:
    parts = urlsplit(request.uri)
    request.uri = urlunsplit((*RECORDED_ORIGIN, parts.path, parts.query, ""))
    return request


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    body = response.get("body", {}).get("string")
    if isinstance(body, bytes):
        text = body.decode("utf-8", errors="surrogateescape")
        if find_secrets(text):
            response["body"]["string"] = scrub(text).encode("utf-8", errors="surrogateescape")
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in ("date", "set-cookie"):
            del headers[name]
    return response


def recorder(record_mode: str = "none", library: Path = CASSETTES) -> vcr.VCR:
    return vcr.VCR(
        cassette_library_dir=str(library),
        record_mode=record_mode,
        match_on=("method", "scheme", "host", "port", "path", "query", "body"),
        filter_headers=("authorization",),
        before_record_request=_normalize_request,
        before_record_response=_scrub_response,
        decode_compressed_response=True,
    )


def cassette_path(namespace: str, method: str) -> Path:
    return CASSETTES / namespace / f"{method}.yaml"


def plan(namespaces: list[Namespace]) -> list[tuple[str, list[Endpoint]]]:
    """What to record: per namespace, the methods to try until one records
    (the simplest current GET first), and each README example."""
    steps: list[tuple[str, list[Endpoint]]] = []
    for ns in namespaces:
        steps += [(ns.name, [e]) for e in ns.endpoints if (ns.name, e.name) in EXAMPLES]
        if not any(name == ns.name for name, _ in EXAMPLES):
            steps.append((ns.name, sorted(ns.endpoints, key=lambda e: (
                e.deprecated, e.method != "GET", e.body is not None, len(e.params), e.name))))
    return steps


def call(client: octo.Octo, namespace: str, endpoint: Endpoint, description: Description) -> octo.Response:
    """The cassette's call: the README's example, else the method with its required arguments."""
    method = getattr(getattr(client, namespace), endpoint.name)
    example = EXAMPLES.get((namespace, endpoint.name))
    if example is not None:
        result: octo.Response = method(**example)
        return result
    args = build_call(endpoint, description.operation_for(endpoint), "required")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        result = method(*args.args, **args.kwargs)
    return result


def _record_one(prism: Prism, namespace: str, endpoint: Endpoint, description: Description) -> str:
    """Record one cassette; the reason it is unusable, or "" when it is kept."""
    path = cassette_path(namespace, endpoint.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    wire = WireSession()
    client = octo.Octo(PLACEHOLDER_TOKEN, base_url=prism.url, session=wire)
    with recorder("all").use_cassette(str(path.relative_to(CASSETTES))):
        try:
            call(client, namespace, endpoint, description)
            problem = "; ".join(str(v) for v in violations(wire.exchanges[0].response))
        except octo.OctoError as exc:
            problem = str(exc)  # an example answer octo cannot take (a 302 without Location)
    if problem:
        path.unlink(missing_ok=True)
    else:
        print(f"{path.relative_to(ROOT)}: {wire.exchanges[0].response.status_code}")
    return problem


def record(missing_only: bool = False) -> int:
    """Record a cassette per namespace (and README example), each against the
    Prism of its methods' home description; `missing_only`: keep the cassettes
    there are and record only the namespaces without one."""
    namespaces = load_spec(ROOT / "spec")
    failures = []
    servers: dict[str, tuple[Prism, Description]] = {}
    try:
        if CASSETTES.exists() and not missing_only:
            shutil.rmtree(CASSETTES)
        for namespace, candidates in plan(namespaces):
            if missing_only and (CASSETTES / namespace).is_dir():
                continue
            target = min((home(e) for e in candidates), key=(DOTCOM, GHEC, GHES).index)
            if target not in servers:
                print(f"starting Prism for {target} (about 30 s)...", flush=True)
                description = Description(find_target(target))
                servers[target] = (Prism(description.path, ROOT / ".cache" / f"prism-cassettes-{target}.log").start(),
                                   description)
            prism, description = servers[target]
            problems = []
            for endpoint in [e for e in candidates if home(e) == target]:
                problem = _record_one(prism, namespace, endpoint, description)
                if not problem:
                    break
                problems.append(f"{namespace}.{endpoint.name}: {problem}")
            else:
                failures += problems
    finally:
        for prism, _ in servers.values():
            prism.stop()
    for line in failures:
        print(f"FAILED {line}", file=sys.stderr)
    count = len(list(CASSETTES.glob("*/*.yaml")))
    print(f"recorded {count} cassettes under {CASSETTES.relative_to(ROOT)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(record(missing_only="--missing" in sys.argv[1:]))
