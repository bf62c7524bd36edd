"""README.md's examples run as written against a loopback GitHub: each Python
block in order, in one namespace (as a reader would paste them), and each
`octo ...` command line of the CLI section as a dry run."""

from __future__ import annotations

import ast
import functools
import re
import shlex
from email.utils import formatdate
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, SENTINEL
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from graphql_server import MockGitHub
from server import Recorded, Reply, ScriptedServer
from webhook_servers import asgi_server, post, signed, wsgi_server

import octo
import octo.auth.oauth
from octo.cli import main

README = (ROOT / "README.md").read_text(encoding="utf-8")
GHES = "https://ghe.example.com/api/v3"
WEBHOOK_SECRET = "It's a Secret to Everybody"


def blocks(text: str, language: str) -> list[str]:
    """The code blocks of one language in a Markdown text."""
    return re.findall(rf"^```{language}\n(.*?)^```", text, re.S | re.M)


class FakeGitHub:
    """Just enough of GitHub for the README: every route answers something plausible."""

    def __init__(self) -> None:
        self.url = ""
        self.graphql = MockGitHub()  # executes GitHub's GraphQL schema

    def __call__(self, request: Recorded) -> Reply:
        if request.route in ("/graphql", "/api/graphql"):
            return self.graphql.handle(request)
        route = request.route.removeprefix("/api/v3")
        headers = {"x-ratelimit-remaining": "4999", "date": formatdate(usegmt=True)}
        if route.endswith("/access_tokens"):
            return Reply(201, json={"token": "ghs_" + SENTINEL, "expires_at": "2999-01-01T00:00:00Z"},
                         headers=headers)
        if route.endswith("/installation"):
            return Reply(200, json={"id": 42}, headers=headers)
        if route == "/login/device/code":
            return Reply(200, json={"device_code": SENTINEL, "user_code": "WDJB-MJHT", "interval": 5,
                                    "verification_uri": "https://github.com/login/device", "expires_in": 900})
        if route == "/login/oauth/access_token":
            return Reply(200, json={"access_token": "gho_" + SENTINEL, "token_type": "bearer", "scope": "repo"})
        if route.endswith("/dispatches"):
            return Reply(204, headers=headers)
        if route.startswith("/repos/") and route.endswith("/issues") and request.method == "GET":
            page = int(request.query.get("page", ["1"])[0])
            if page == 1:
                headers["link"] = f'<{self.url}{request.route}?page=2&per_page=100>; rel="next"'
            return Reply(200, json=[{"number": n} for n in range(page * 100 - 99, page * 100 - 99 + 60)],
                         headers=headers)
        if route == "/search/issues":
            return Reply(200, json={"total_count": 1, "incomplete_results": False, "items": [{"number": 1}]},
                         headers=headers)
        if route.endswith("/pulls/7"):
            return Reply(200, body="diff --git a/x b/x\n",
                         headers={**headers, "content-type": "application/vnd.github.diff; charset=utf-8"})
        if "/tarball/" in route:
            return Reply(302, headers={**headers, "location": f"{self.url}/storage/archive.tar.gz?sig=x"})
        if route.startswith(("/storage/", "/repos/o/r/releases/assets/")):
            return Reply(200, body=b"\x1f\x8b archive", headers={"content-type": "application/octet-stream"})
        if route.endswith("/releases/latest"):
            return Reply(200, json={
                "id": 1,
                "upload_url": f"{self.url}/api/uploads/repos/o/r/releases/1/assets{{?name,label}}",
                "assets": [{"name": "app.tar.gz", "url": f"{self.url}/api/v3/repos/o/r/releases/assets/9"}],
            }, headers=headers)
        if "/releases/" in route and route.endswith("/assets"):
            return Reply(201, json={"id": 9, "name": request.query["name"][0]}, headers=headers)
        return Reply(200, json={"full_name": "octocat/hello-world", "id": 1, "stargazers_count": 80},
                     headers=headers)


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ScriptedServer:
    fake = FakeGitHub()
    with ScriptedServer(fake) as server:
        fake.url = server.url
        monkeypatch.setenv("GITHUB_TOKEN", SENTINEL)
        monkeypatch.setenv("GITHUB_API_URL", server.url)
        monkeypatch.setenv("WEBHOOK_SECRET", WEBHOOK_SECRET)
        # An `Octo(...)` without base_url (the App example) talks to the loopback server too.
        # (A partial rather than an edited default: `make mutation` wraps __init__.)
        monkeypatch.setattr(octo.Octo, "__init__", functools.partialmethod(octo.Octo.__init__, base_url=server.url))
        # Signing in on github.com (the OAuth examples) goes to the loopback server.
        web_root = octo.auth.oauth.web_root
        monkeypatch.setattr(octo.auth.oauth, "web_root",
                            lambda url: web_root(server.url if url == octo.auth.oauth.DEFAULT_WEB_URL else url))
        monkeypatch.chdir(tmp_path)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        Path("my-app.private-key.pem").write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        Path("dist").mkdir()
        Path("dist/app.tar.gz").write_bytes(b"\x1f\x8b release")
        yield server


def test_python_examples_run_as_written(github: ScriptedServer, capsys: pytest.CaptureFixture[str]) -> None:
    namespace: dict[str, Any] = {"__name__": "readme"}
    examples = blocks(README, "python")
    assert len(examples) >= 5
    for i, code in enumerate(examples):
        code = code.replace(GHES, github.url + "/api/v3")
        exec(compile(code, f"README.md python block {i + 1}", "exec"), namespace)
    sent = {(r.method, r.route) for r in github.requests}
    assert ("POST", "/repos/octocat/hello-world/dispatches") in sent
    assert ("GET", "/api/v3/repos/octocat/hello-world") in sent
    assert ("POST", "/api/graphql") in sent  # the Async example's GraphQL call, on GHES
    assert ("POST", "/api/uploads/repos/o/r/releases/1/assets") in sent
    assert Path("hello-world.tar.gz").read_bytes() == b"\x1f\x8b archive"
    assert Path("app.tar.gz").read_bytes() == b"\x1f\x8b archive"
    out = capsys.readouterr().out
    assert "160" in out  # the last issue number printed while paginating
    assert "octocat/hello-world: 80 stars" in out  # the Types example
    assert "['NOT_FOUND'] {'repository': None}" in out and github.handler.graphql.mutations == ["addStar"]
    body = b'{"action": "opened", "issue": {"title": "Crash on start"}}'
    signature = octo.webhooks.signature(WEBHOOK_SECRET, body)
    assert namespace["receive"]("issues", body, signature) == 204
    assert "new issue: Crash on start" in capsys.readouterr().out
    assert ("POST", "/login/device/code") in sent and namespace["signed_in"].token == "gho_" + SENTINEL
    assert namespace["receive"]("issues", body + b" ", signature) == 401
    push = b'{"ref": "main"}'
    assert namespace["receive"]("push", push, octo.webhooks.signature(WEBHOOK_SECRET, push)) == 204
    the_webhook_app_comments_as_the_installation(github, namespace)


def the_webhook_app_comments_as_the_installation(github: ScriptedServer, namespace: dict[str, Any]) -> None:
    """The Webhooks example under a real WSGI server, and mounted in Flask and Starlette (uvicorn)."""
    minted_before = sum(r.route.endswith("/access_tokens") for r in github.requests)  # the App example's
    opened = {"action": "opened", "issue": {"number": 7}, "installation": {"id": 42},
              "repository": {"name": "hello-world", "owner": {"login": "octocat"}}}
    with wsgi_server(namespace["application"]) as url:
        assert post(url, *signed(WEBHOOK_SECRET, "issues", opened, "d-1")).status_code == 200
    with asgi_server(namespace["starlette_app"]) as url:
        assert post(url + "/webhooks", *signed(WEBHOOK_SECRET, "issues", opened, "d-2")).status_code == 200
        assert post(url + "/webhooks", *signed("wrong", "issues", opened, "d-3")).status_code == 401
    flask = namespace["flask_app"].test_client()
    headers, body = signed(WEBHOOK_SECRET, "issues", opened, "d-4")
    assert flask.post("/webhooks", data=body, headers=headers).status_code == 200
    assert flask.post("/webhooks", data=body, headers=headers).text.startswith("duplicate")
    comments = [r for r in github.requests if r.route == "/repos/octocat/hello-world/issues/7/comments"]
    assert [r.json() for r in comments] == [{"body": "Thanks for the report!"}] * 3
    labels = [r for r in github.requests if r.route == "/repos/octocat/hello-world/issues/7/labels"]
    assert [r.json() for r in labels] == [{"labels": ["triage"]}] * 3  # the async handler, under each server
    assert {r.headers["authorization"] for r in comments + labels} == {f"Bearer ghs_{SENTINEL}"}
    minted = sum(r.route.endswith("/access_tokens") for r in github.requests) - minted_before
    assert minted == 1  # the sync and the async clients share the app's token


def graphql_documents() -> list[str]:
    """The GraphQL documents of the README's GraphQL section: its string
    literals that are one operation, and the query files its commands read."""
    section = README.split("<!-- --8<-- [start:graphql] -->")[1].split("<!-- --8<-- [end:graphql] -->")[0]
    found = []
    for code in blocks(section, "python"):
        for node in ast.walk(ast.parse(code)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "{" in node.value:
                found.append(node.value)
    found += [(ROOT / ref).read_text() for ref in re.findall(r"query=@(\S+)", section)]
    return found


def test_the_readme_graphql_examples_are_valid_against_githubs_schema() -> None:
    documents = graphql_documents()
    assert len(documents) >= 4
    problems = {d: octo.graphql_check(d) for d in documents}
    # The one invalid on purpose, to show what a check reports.
    assert problems.pop("{ viewer { nme } }") == ["Cannot query field 'nme' on type 'User'. Did you mean "
                                                  "'name'? (line 1, column 12)"]
    assert problems and all(p == [] for p in problems.values()), problems


def command_lines(text: str) -> list[list[str]]:
    """The arguments of every `octo ...` command in a Markdown text's sh blocks."""
    lines = []
    for block in blocks(text, "sh"):
        for line in block.replace("\\\n", " ").splitlines():
            for command in line.split(";"):
                command = command.split("|")[0].split(" #")[0].strip()
                if command.startswith("octo "):
                    lines.append(shlex.split(command)[1:])
    return lines


@pytest.mark.parametrize("argv", command_lines(README), ids=" ".join)
def test_command_lines_parse(argv: list[str], monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", SENTINEL)
    monkeypatch.setenv("GH_REPO", "octocat/hello-world")  # for `octo api repos/{owner}/{repo}`
    assert main(["--dry-run", *argv]) == 0, capsys.readouterr().err
