"""Every generated method, called with its required arguments, sends its
documented method and path to a loopback server; every alias does too, with a
DeprecationWarning."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from conftest import SENTINEL
from server import Reply, ScriptedServer
from spec_data import namespaces

import octo
from codegen.spec import Endpoint, Param
from octo.rest import ENDPOINT_COUNT, NAMESPACES

# The OpenAPI descriptions pinned in codegen.pinned: 1,223 operations of api.github.com in 49
# namespaces, with those only GHEC or GHES 3.17-3.19 have, 1,591 in 54.
DESCRIBED_OPERATIONS = 1591


def dummy(p: Param, item: str | None = None) -> Any:
    """A value of the parameter's type that meets its documented limits."""
    kind = item or p.type
    if item is None and p.enum:
        return p.enum[0]
    if kind == "string" or kind == "any":
        if p.multi_segment:
            return "a/b"
        return "x" * int(p.limits.get("min_length", 1))
    if kind in ("integer", "number"):
        value = max(1, p.limits.get("minimum", 1))
        return value if kind == "integer" else float(value)
    if kind == "boolean":
        return True
    if kind == "object":
        return {}
    if kind == "array":
        return [dummy(p, p.items or "string") for _ in range(int(p.limits.get("min_items", 0)))]
    raise AssertionError(kind)


def required_arguments(e: Endpoint) -> dict[str, Any]:
    kwargs = {p.python_name: dummy(p) for p in e.params if p.required}
    if e.body is not None and e.body.required and not e.params_in("body"):
        kwargs["data"] = {"binary": b"x", "string": "x"}.get(e.body.type, {})
    return kwargs


def call(ns: Any, e: Endpoint, name: str | None = None, /, **given: Any) -> str:
    """Call the method with dummy required arguments (and `given`); the path it should send."""
    kwargs = {**required_arguments(e), **given}
    getattr(ns, name or e.name)(**kwargs)
    path = e.path
    for p in e.path_params:
        path = path.replace("{" + p.name + "}", str(kwargs[p.python_name]))
    return {"uploads": "/uploads", "manage": "/appliance", None: "/api/v3"}[e.host] + path


@pytest.fixture
def gh(server: ScriptedServer) -> octo.Octo:
    # A server octo is told nothing about: every method of every target is called.
    return octo.Octo(SENTINEL, base_url=server.url + "/api/v3", uploads_url=server.url + "/uploads",
                     manage_url=server.url + "/appliance")


def test_the_spec_is_the_whole_described_api() -> None:
    spaces = namespaces()
    imported = [e for ns in spaces for e in ns.endpoints if e.operation_id]
    assert len(imported) == DESCRIBED_OPERATIONS
    assert len({e.operation_id for e in imported}) == DESCRIBED_OPERATIONS
    assert ENDPOINT_COUNT == sum(len(ns.endpoints) for ns in spaces) >= DESCRIBED_OPERATIONS
    assert NAMESPACES == tuple(ns.name for ns in spaces) and len(NAMESPACES) >= 49


def test_every_method_sends_its_route(server: ScriptedServer, gh: octo.Octo) -> None:
    wrong = []
    calls = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for ns in namespaces():
            client_ns = getattr(gh, ns.name)
            for e in ns.endpoints:
                expected = call(client_ns, e)
                calls += 1
                sent = server.requests[-1]
                if (sent.method, sent.route) != (e.method, expected):
                    wrong.append(f"{ns.name}.{e.name}: sent {sent.method} {sent.route}, "
                                 f"expected {e.method} {expected}")
    assert wrong == []
    assert calls == len(server.requests) >= DESCRIBED_OPERATIONS


def test_every_alias_warns_and_sends_the_same_route(server: ScriptedServer, gh: octo.Octo) -> None:
    aliases = [(ns, e, alias) for ns in namespaces() for e in ns.endpoints for alias in e.aliases]
    assert len(aliases) >= 29
    for ns, e, alias in aliases:
        with pytest.warns(DeprecationWarning, match=f"{ns.name}.{alias} is deprecated, use {ns.name}.{e.name}"):
            expected = call(getattr(gh, ns.name), e, alias)
        assert (server.requests[-1].method, server.requests[-1].route) == (e.method, expected)


def test_renamed_parameters_are_accepted_with_a_warning(server: ScriptedServer, gh: octo.Octo) -> None:
    with pytest.warns(DeprecationWarning, match="'alert_id' is deprecated, use 'alert_number'"):
        gh.code_scanning.get_alert("o", "r", alert_id=42)  # type: ignore[call-arg]
    assert server.requests[-1].route == "/api/v3/repos/o/r/code-scanning/alerts/42"
    with pytest.warns(DeprecationWarning, match="'org_id' is deprecated, use 'org'"):
        gh.codespaces.list_in_organization(org_id="octo-org")  # type: ignore[call-arg]
    assert server.requests[-1].route == "/api/v3/orgs/octo-org/codespaces"


def test_uploads_go_to_the_uploads_host(server: ScriptedServer, gh: octo.Octo) -> None:
    gh.repos.upload_release_asset("o", "r", 1, name="app.zip", data=b"PK\x03\x04")
    sent = server.requests[-1]
    assert (sent.method, sent.route, sent.query) == ("POST", "/uploads/repos/o/r/releases/1/assets",
                                                     {"name": ["app.zip"]})
    # The description says octet-stream; the runtime names the type from the file name.
    assert (sent.headers["content-type"], sent.body) == ("application/zip", b"PK\x03\x04")


def open_ended(e: Endpoint) -> bool:
    """The route ends with a multi-segment parameter (`.../contents/{path}`)."""
    last = e.path_params[-1:]
    return bool(last) and last[0].multi_segment and e.path.endswith("{" + last[0].name + "}")


def test_an_empty_multi_segment_value_at_the_end_of_the_route_sends_the_route_with_a_trailing_slash(
    server: ScriptedServer, gh: octo.Octo
) -> None:
    # repos.get_content(o, r, "") lists the root, git.list_matching_refs(o, r, "") every ref,
    # as in Octokit; this holds for every route of that shape in spec/.
    endpoints = [(ns, e) for ns in namespaces() for e in ns.endpoints if open_ended(e)]
    names = {f"{ns.name}.{e.name}" for ns, e in endpoints}
    assert {"repos.get_content", "git.list_matching_refs", "repos.download_tarball_archive"} <= names
    wrong = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for ns, e in endpoints:
            last = e.path_params[-1].python_name
            expected = call(getattr(gh, ns.name), e, **{last: ""})
            sent = server.requests[-1]
            if not expected.endswith("/") or (sent.method, sent.route) != (e.method, expected):
                wrong.append(f"{ns.name}.{e.name}: sent {sent.method} {sent.route}, expected {expected}")
            for bad in ("a//b", "/a", "a/", "..", ".", "a/../b"):
                with pytest.raises(ValueError, match=e.path_params[-1].name):
                    call(getattr(gh, ns.name), e, **{last: bad})
    assert wrong == []
    assert len(server.requests) == len(endpoints)


def test_an_empty_value_anywhere_else_in_the_route_is_refused_before_io(
    server: ScriptedServer, gh: octo.Octo
) -> None:
    # A multi-segment parameter inside the route (`/branches/{branch}/protection`) and every
    # single-segment one: an empty value would make another route.
    cases = [(ns, e, p) for ns in namespaces() for e in ns.endpoints for p in e.path_params
             if not (open_ended(e) and p is e.path_params[-1])]
    assert any(p.multi_segment for _, _, p in cases)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for ns, e, p in cases:
            with pytest.raises(ValueError, match=p.name):
                call(getattr(gh, ns.name), e, **{p.python_name: ""})
    assert server.requests == []


def test_every_method_sends_the_callers_headers_and_can_return_a_redirect_unfollowed(
    server: ScriptedServer, gh: octo.Octo
) -> None:
    server.handler = lambda request: Reply(302, headers={"location": "/moved"})
    wrong = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for ns in namespaces():
            client_ns = getattr(gh, ns.name)
            for e in ns.endpoints:
                label = f"{ns.name}.{e.name}"
                headers = {"X-Octo-Call": label, "If-None-Match": '"e"'}
                try:
                    response = getattr(client_ns, e.name)(**required_arguments(e), headers=headers,
                                                          follow_redirects=False)
                except octo.OctoError as exc:
                    wrong.append(f"{label}: {exc!r}")
                    continue
                sent = server.requests[-1]
                if (response.status, response.headers.get("location")) != (302, "/moved") \
                        or (sent.headers.get("x-octo-call"), sent.headers.get("if-none-match")) != (label, '"e"'):
                    wrong.append(f"{label}: answered {response.status}, sent {sent.headers}")
    assert wrong == []
    assert len(server.requests) == sum(len(ns.endpoints) for ns in namespaces())
