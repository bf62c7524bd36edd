"""API version 2026-03-10: what the client's `api_version` has is what its methods take.

The differences come from the description's `x-github-breaking-changes`
(spec entries' `versions`); a call that passes an argument the client's
version removed is refused before any I/O, naming the version."""

from __future__ import annotations

import pytest
from conftest import SENTINEL
from server import Reply, ScriptedServer

import octo


def test_a_removed_argument_is_refused_before_io_naming_the_version(server: ScriptedServer) -> None:
    gh = octo.Octo(SENTINEL, base_url=server.url, api_version="2026-03-10")
    with pytest.raises(TypeError, match=r"teams\.create.*'permission'.*2026-03-10"):
        gh.teams.create(org="o", name="t", permission="pull")
    assert server.requests == []


def test_the_same_call_on_a_default_client_sends_it(server: ScriptedServer, client: octo.Octo) -> None:
    server.queue(Reply(201, json={"id": 1}))
    client.teams.create(org="o", name="t", permission="pull")
    sent = server.requests[0]
    assert sent.json() == {"name": "t", "permission": "pull"}
    assert sent.headers["x-github-api-version"] == "2022-11-28"


def test_a_newer_version_client_sends_what_its_version_still_has(server: ScriptedServer) -> None:
    server.queue(Reply(201, json={"id": 1}))
    gh = octo.Octo(SENTINEL, base_url=server.url, api_version="2026-03-10")
    gh.teams.create(org="o", name="t", privacy="closed")
    assert server.requests[0].json() == {"name": "t", "privacy": "closed"}
    assert server.requests[0].headers["x-github-api-version"] == "2026-03-10"


def test_a_later_unknown_version_keeps_the_changes_of_the_versions_before_it(server: ScriptedServer) -> None:
    gh = octo.Octo(SENTINEL, base_url=server.url, api_version="2027-01-01")
    with pytest.raises(TypeError, match=r"'assignee'.*2027-01-01"):
        gh.issues.create("o", "r", title="t", assignee="octocat")
    assert server.requests == []


def test_the_docstring_says_what_differs() -> None:
    doc = octo.Octo().teams.create.__doc__ or ""
    assert "2026-03-10" in doc and "permission" in doc
