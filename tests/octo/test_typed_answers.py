"""Typed answers cost nothing when a program runs: no type module is imported
by octo, `data` is the JSON as it came (an answer that differs from GitHub's
description still works), and the names users annotate with exist."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import ROOT, SENTINEL
from server import Reply, ScriptedServer

import octo

CODE = """
import json, sys, octo
from octo.rest import NAMESPACES
from server import Reply, ScriptedServer
with ScriptedServer() as server:
    server.queue(Reply(200, json={"full_name": 7, "not_in_the_description": True}),
                 Reply(200, json=[{"number": 1}]))
    gh = octo.Octo("t", base_url=server.url)
    for name in NAMESPACES:
        getattr(gh, name)
    data = gh.repos.get("o", "r").data
    items = list(octo.paginate(gh.issues.list_for_repo, "o", "r", max_items=1))
    octo.webhooks.parse("issues", b'{"action": "opened"}')
print(json.dumps([data, items, sorted(sys.modules)]))
"""


def test_calls_pages_and_payloads_load_no_type_module() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tests")}
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True, timeout=60,
                         env=env, cwd=ROOT).stdout
    data, items, modules = json.loads(out)
    # Not what the description says (full_name is a string there): passed through as it came.
    assert data == {"full_name": 7, "not_in_the_description": True}
    assert items == [{"number": 1}]
    assert "octo.rest.repos" in modules and "octo.rest._events" in modules
    assert not [m for m in modules if m.startswith("octo.rest.types") or m == "octo.types"]
    assert "typing_extensions" not in modules


def test_type_names_exist_for_annotations() -> None:
    # Response is generic at run time too (cast(Response[Issue], ...) works).
    assert octo.Response[dict].__origin__ is octo.Response  # type: ignore[attr-defined]
    from octo.types import FullRepository, Issue, WebhookIssues  # loads the type modules: user's choice

    assert "full_name" in FullRepository.__annotations__ and "number" in Issue.__annotations__
    assert "WebhookIssuesOpened" in WebhookIssues


def test_a_paginated_method_still_returns_a_plain_response(server: ScriptedServer) -> None:
    server.queue(Reply(200, json=[{"number": 1}]))
    gh = octo.Octo(SENTINEL, base_url=server.url)
    response = gh.issues.list_for_repo("o", "r")
    assert type(response) is octo.Response and response.data == [{"number": 1}]
