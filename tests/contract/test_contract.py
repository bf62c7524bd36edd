"""Every generated method, called with valid arguments, sends a request that
GitHub's OpenAPI description accepts, as Prism (mock mode, --errors) judges it.

Each method is checked against api.github.com's description if it is there,
else GHEC's, else GHES 3.19's, each under its own Prism; then every method GHES
3.19 has is called once more against GHES 3.19's, with its required arguments,
by a client told `ghes="3.19"` (so none is refused there either).

Two calls per method: its required arguments only, and every argument the
operation accepts together; a third where parameters are nullable, sending
each as `None` (JSON null). A call fails on any violation Prism reports for
the request, naming the operation and Prism's message.

What Prism cannot check, and what the suite does about it:
- A multi-segment path value holding `/` (`docs/README.md`, `heads/main`):
  Prism routes `{path}` as one segment and answers 404, so the suite sends
  one-segment values; octo's handling of `/` is tested on loopback instead.
- A path or query parameter that is `oneOf: [integer, string]` (`workflow_id`)
  with a numeric value: as text it matches both branches and Prism rejects
  it, though GitHub accepts `42`. The suite sends a non-numeric string.
- Answers: Prism gets the description with response schemas relaxed (see
  `prism.for_prism`), so answers are GitHub's examples, unchecked; and it
  cannot negotiate GitHub's vendor media types (see `wire.WireSession`).
- Authorization and the X-GitHub-Api-Version header: the description
  declares neither, so Prism checks neither.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest

import octo
from codegen.spec import Endpoint, load_spec
from contract.arguments import build_call, modes
from contract.conftest import ANSWER_TROUBLE, Targets
from contract.openapi import DOTCOM, GHES, home
from contract.wire import WireSession, answer_trouble, redacted_headers, violations

ROOT = Path(__file__).resolve().parents[2]
NAMESPACES = load_spec(ROOT / "spec")
ENDPOINTS = {(ns.name, e.name): e for ns in NAMESPACES for e in ns.endpoints}

# Methods that cannot be checked this way, with the reason ("namespace.method": why).
# They run as strict xfails, so one that starts passing must leave this list.
UNCHECKABLE: dict[str, str] = {}
# Calls Prism rejects for a reason outside this suite, until it is fixed
# ("namespace.method-mode": why). Strict xfails too.
KNOWN_VIOLATIONS: dict[str, str] = {}

pytestmark = pytest.mark.contract


def _cases() -> list[Any]:
    """Every method in every mode against its home description; then every method
    GHES 3.19 has and that is at home elsewhere, against GHES 3.19 with its required
    arguments (the other modes' arguments were checked at home; this bounds the
    second pass to one call per method)."""
    cases: list[Any] = []
    ghes_too = []
    for (namespace, name), endpoint in ENDPOINTS.items():
        target = home(endpoint)
        on_ghes = target != GHES and (endpoint.targets is None or GHES in endpoint.targets)
        for mode in modes(endpoint):
            marks = []
            reason = UNCHECKABLE.get(f"{namespace}.{name}") or KNOWN_VIOLATIONS.get(f"{namespace}.{name}-{mode}")
            if reason:
                marks.append(pytest.mark.xfail(reason=reason, strict=True))
            suffix = "" if target == DOTCOM else f"@{target}"
            cases.append(pytest.param(target, namespace, name, mode, marks=marks,
                                      id=f"{namespace}.{name}-{mode}{suffix}"))
            if on_ghes and mode == "required":
                ghes_too.append(pytest.param(GHES, namespace, name, mode, marks=marks,
                                             id=f"{namespace}.{name}-{mode}@{GHES}"))
    return cases + ghes_too


def _describe(endpoint: Endpoint, operation_id: str, wire: WireSession) -> str:
    exchange = wire.exchanges[0]
    sent = exchange.request
    body = sent.body if isinstance(sent.body, (str, type(None))) else \
        sent.body[:300] if isinstance(sent.body, bytes) else f"<streamed {type(sent.body).__name__}>"
    return (
        f"{endpoint.method} {endpoint.path} (operationId {operation_id})\n"
        f"sent: {sent.method} {sent.path_url}\nheaders: {redacted_headers(exchange)}\nbody: {body!r}\n"
        f"Prism answered {exchange.response.status_code}:\n  "
        + "\n  ".join(str(v) for v in violations(exchange.response))
    )


@pytest.mark.parametrize(("target", "namespace", "name", "mode"), _cases())
def test_request_conforms_to_github_openapi(
    target: str, namespace: str, name: str, mode: str, targets: Targets, wire: WireSession,
) -> None:
    description, prism_client = targets.description(target), targets.client(target)
    endpoint = ENDPOINTS[(namespace, name)]
    operation = description.operation_for(endpoint)
    assert operation is not None, (
        f"{namespace}.{name}: no operation {endpoint.operation_id or ''} "
        f"{endpoint.method} {endpoint.path} in {description.path.name}"
    )
    call = build_call(endpoint, operation, mode)
    method = getattr(getattr(prism_client, namespace), name)
    wire.exchanges.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            method(*call.args, **call.kwargs)
        except octo.OctoError:
            pass  # Prism's example answer may be an error status; the verdict is below
    assert wire.exchanges, f"{namespace}.{name}: octo sent no request"
    answer = wire.exchanges[0].response
    deprecated = {p.name for p in endpoint.params if p.deprecated}
    # Prism warns about a deprecated parameter; that is a fault only if spec/
    # does not say so (then octo would not warn the user).
    problems = [v for v in violations(answer) if v.deprecated_parameter not in deprecated]
    trouble = answer_trouble(answer)
    if trouble:
        ANSWER_TROUBLE.append((f"{namespace}.{name}-{mode}", trouble))
    hints = [f"\nspec/ should mark parameter {v.deprecated_parameter!r} `deprecated: true`"
             for v in problems if v.deprecated_parameter]
    assert not problems, (
        f"{namespace}.{name} ({mode} arguments): Prism objects to the request\n"
        + _describe(endpoint, operation.operation_id, wire) + "".join(hints)
    )


def test_exception_lists_name_real_methods() -> None:
    methods = [*UNCHECKABLE, *(key.rsplit("-", 1)[0] for key in KNOWN_VIOLATIONS)]
    stale = [key for key in methods if tuple(key.split(".", 1)) not in ENDPOINTS]
    assert not stale, f"UNCHECKABLE or KNOWN_VIOLATIONS name methods spec/ no longer has: {stale}"


@pytest.mark.parametrize(("route", "body", "expected"), [
    ("POST /repos/{owner}/{repo}/dispatches", {"event_type": 5}, "event_type must be string"),
    ("POST /repos/{owner}/{repo}/dispatches", {"client_payload": {}}, "must have required property 'event_type'"),
    ("POST /repos/{owner}/{repo}/dispatchez", {"event_type": "e"}, "NO_PATH_MATCHED_ERROR"),
])
def test_a_request_off_the_contract_is_caught(
    route: str, body: dict[str, Any], expected: str, prism_client: octo.Octo, wire: WireSession,
) -> None:
    wire.exchanges.clear()
    with pytest.raises(octo.RequestError):
        prism_client.request(route, path={"owner": "octocat", "repo": "hello-world"}, body=body)
    assert expected in "\n".join(str(v) for v in violations(wire.exchanges[0].response))
