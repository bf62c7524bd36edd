"""`octo api PATH` against a real HTTP server on loopback, as a `gh api` user
types it: methods, fields, nested fields, whole bodies, headers, pages,
placeholders from a git repository, --jq, --hostname and --cache."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import SENTINEL
from server import Recorded, Reply, ScriptedServer

from cli.helpers import Run
from octo.cli.diskcache import DiskCacheAdapter


@pytest.fixture
def github(server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> ScriptedServer:
    monkeypatch.setenv("GITHUB_API_URL", server.url)
    monkeypatch.setenv("GITHUB_TOKEN", SENTINEL)
    return server


def test_a_route_that_no_spec_has_is_called_as_given(run: Run, github: ScriptedServer) -> None:
    github.queue(Reply(200, json={"ok": True}))
    result = run("api", "some/preview/route?x=1")
    assert (result.code, result.out) == (0, '{"ok":true}\n')
    (sent,) = github.requests
    assert (sent.method, sent.path) == ("GET", "/some/preview/route?x=1")
    assert sent.headers["authorization"] == f"Bearer {SENTINEL}"


def test_fields_of_a_get_are_its_query(run: Run, github: ScriptedServer) -> None:
    github.queue(Reply(200, json=[]))
    assert run("api", "-X", "GET", "/repos/o/r/issues", "-f", "state=all", "-F", "per_page=5", "-F", "draft=false",
               "-f", "labels[]=bug").code == 0
    (sent,) = github.requests
    assert sent.method == "GET"
    assert sent.query == {"state": ["all"], "per_page": ["5"], "draft": ["false"], "labels[]": ["bug"]}
    assert sent.body == b""


def test_fields_make_a_typed_nested_json_body_and_a_post(run: Run, github: ScriptedServer,
                                                         tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("notes.md").write_text("# Notes\nline two\n")
    github.queue(Reply(201, json={"number": 7}))
    result = run("api", "repos/o/r/issues",
                 "-f", "title=Bug", "-f", "count=3", "-F", "number=3", "-F", "ratio=1.5", "-F", "ok=true",
                 "-F", "none=null", "-F", "body=@notes.md", "-f", "literal=@notes.md",
                 "-f", "labels[]=bug", "-f", "labels[]=ui", "-F", "a[b][c]=1", "-F", "empty[]",
                 "-F", "props[][name]=env", "-F", "props[][value]=prod", "-F", "props[][name]=tier")
    assert (result.code, result.out) == (0, '{"number":7}\n')
    (sent,) = github.requests
    assert (sent.method, sent.route) == ("POST", "/repos/o/r/issues")
    assert sent.json() == {
        "title": "Bug", "count": "3", "number": 3, "ratio": 1.5, "ok": True, "none": None,
        "body": "# Notes\nline two\n", "literal": "@notes.md", "labels": ["bug", "ui"],
        "a": {"b": {"c": 1}}, "empty": [], "props": [{"name": "env", "value": "prod"}, {"name": "tier"}],
    }


@pytest.mark.parametrize("method", ["PATCH", "PUT", "DELETE"])
def test_method_option(run: Run, github: ScriptedServer, method: str) -> None:
    github.queue(Reply(204))
    assert run("api", "-X", method.lower(), "repos/o/r", "-F", "archived=true").code == 0
    (sent,) = github.requests
    assert (sent.method, sent.json()) == (method, {"archived": True})


def test_input_sends_a_whole_body_and_fields_go_to_the_query(run: Run, github: ScriptedServer,
                                                             tmp_path: Path) -> None:
    body = tmp_path / "body.json"
    body.write_bytes(b'{"name": "x",\n "config": {"url": "https://e.com"}}')
    github.queue(Reply(201, json={}), Reply(201, json={}))
    assert run("api", "repos/o/r/hooks", "--input", str(body), "-f", "dry=1").code == 0
    assert run("api", "-X", "PUT", "markdown/raw", "--input", str(body), "-H", "Content-Type: text/plain").code == 0
    first, second = github.requests
    assert (first.method, first.route, first.query) == ("POST", "/repos/o/r/hooks", {"dry": ["1"]})
    assert first.body == body.read_bytes()
    assert first.headers["content-type"] == "application/json; charset=utf-8"
    assert (second.method, second.headers["content-type"], second.body) == ("PUT", "text/plain", body.read_bytes())


def test_input_from_stdin(run: Run, github: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", SimpleNamespace(buffer=io.BytesIO(b'{"from": "stdin"}')))
    github.queue(Reply(200, json={}))
    assert run("api", "-X", "PATCH", "repos/o/r", "--input", "-").code == 0
    (sent,) = github.requests
    assert (sent.method, sent.json()) == ("PATCH", {"from": "stdin"})


def test_header_option_and_text_answers(run: Run, github: ScriptedServer) -> None:
    github.queue(Reply(200, body="# hello\n", headers={"content-type": "text/plain; charset=utf-8"}))
    result = run("api", "repos/o/r/readme", "-H", "Accept: application/vnd.github.raw")
    assert (result.code, result.out) == (0, "# hello\n")
    assert github.requests[0].headers["accept"] == "application/vnd.github.raw"


def _pages(pages: int, wrap: str | None = None) -> ScriptedServer:
    def handler(request: Recorded) -> Reply:
        page = int(request.query.get("page", ["1"])[0])
        items = [{"n": (page - 1) * 2 + i} for i in range(2)]
        at = f"{server.url}{request.route}?per_page=2&page="
        link = {"link": f'<{at}{page + 1}>; rel="next", <{at}{pages}>; rel="last"'} if page < pages else {}
        return Reply(200, json={"total_count": 2 * pages, wrap: items} if wrap else items, headers=link)

    server = ScriptedServer(handler)
    return server


@pytest.fixture
def paged(monkeypatch: pytest.MonkeyPatch) -> Iterator[ScriptedServer]:
    with _pages(3) as server:
        monkeypatch.setenv("GITHUB_API_URL", server.url)
        yield server


def test_paginate_prints_every_item_and_asks_for_full_pages(run: Run, paged: ScriptedServer) -> None:
    result = run("api", "--paginate", "repos/o/r/issues", "-X", "GET", "-f", "state=all")
    assert result.code == 0
    assert result.json_lines() == [{"n": n} for n in range(6)]
    first = paged.requests[0]
    assert first.query == {"state": ["all"], "per_page": ["100"]}
    assert [r.query.get("page") for r in paged.requests] == [None, ["2"], ["3"]]


def test_paginate_with_slurp_prints_one_array_of_pages(run: Run, paged: ScriptedServer) -> None:
    result = run("api", "repos/o/r/issues?per_page=2", "--paginate", "--slurp")
    assert result.code == 0
    assert json.loads(result.out) == [[{"n": 0}, {"n": 1}], [{"n": 2}, {"n": 3}], [{"n": 4}, {"n": 5}]]
    assert paged.requests[0].query == {"per_page": ["2"]}


def test_paginate_of_wrapped_lists_prints_each_page(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    with _pages(2, wrap="items") as server:
        monkeypatch.setenv("GITHUB_API_URL", server.url)
        result = run("api", "--paginate", "-XGET", "search/issues", "-f", "q=is:open", "--jq", ".items[].n")
    assert (result.code, result.out) == (0, "0\n1\n2\n3\n")


def test_paginate_slurp_and_methods_are_checked_before_sending(run: Run, github: ScriptedServer) -> None:
    for argv in (["api", "-X", "POST", "--paginate", "x"], ["api", "--slurp", "x"],
                 ["api", "x", "-f", "novalue"], ["api", "x", "-f", "a[b=1"], ["api", "x", "-X", "BREW"],
                 ["api", "x", "-f", "a=1", "-f", "a[b]=2"], ["api", "x", "--input", "/no/such/file"],
                 ["api", "repos/{owner}/{nope}"]):
        result = run(*argv)
        assert result.code == 2, argv
        assert "error:" in result.err
    assert github.requests == []


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"})


@pytest.mark.parametrize("remote", ["git@github.com:octo-org/hello-world.git",
                                    "https://github.com/octo-org/hello-world",
                                    "ssh://git@ghe.example.com:2222/octo-org/hello-world.git"])
def test_placeholders_come_from_the_git_repository_here(run: Run, github: ScriptedServer, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch, remote: str) -> None:
    _git(tmp_path, "init", "-q", "-b", "feature/login")
    _git(tmp_path, "remote", "add", "origin", remote)
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    github.queue(Reply(200, json={}), Reply(201, json={}))
    assert run("api", "repos/{owner}/{repo}/branches/{branch}").code == 0
    assert run("api", "repos/{owner}/{repo}/pulls", "-F", "head={owner}:{branch}", "-f", "title={repo}").code == 0
    get, post = github.requests
    assert get.path == "/repos/octo-org/hello-world/branches/feature/login"
    assert post.json() == {"head": "octo-org:feature/login", "title": "{repo}"}  # -f is text as it is


def test_gh_repo_wins_and_no_repository_is_a_usage_error(run: Run, github: ScriptedServer, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("api", "repos/{owner}/{repo}")
    assert result.code == 2
    assert "{owner}: no git repository with an 'origin' remote" in result.err
    monkeypatch.setenv("GH_REPO", "someone/thing")
    github.queue(Reply(200, json={}))
    assert run("api", "repos/{owner}/{repo}").code == 0
    assert github.requests[0].path == "/repos/someone/thing"


@pytest.mark.parametrize(("status", "code"), [(404, 4), (422, 1), (401, 1)])
def test_exit_statuses_are_those_of_every_command(run: Run, github: ScriptedServer, status: int, code: int) -> None:
    github.queue(Reply(status, json={"message": f"answer {status}"}))
    result = run("api", "repos/o/r")
    assert result.code == code
    assert f"answer {status}" in result.err
    assert SENTINEL not in result.out + result.err


def test_rate_limited_and_unreachable_exit_5_and_3(run: Run, github: ScriptedServer,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    github.queue(Reply(403, json={"message": "API rate limit exceeded"},
                       headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": "9999999999"}))
    assert run("api", "repos/o/r").code == 5
    monkeypatch.setenv("GITHUB_API_URL", "http://127.0.0.1:9")
    assert run("api", "repos/o/r", "--timeout", "2").code == 3


def test_jq_filters_the_output_of_every_command(run: Run, github: ScriptedServer) -> None:
    repo = {"full_name": "octocat/hello-world", "owner": {"login": "octocat"}, "topics": ["a", "b"]}
    github.queue(Reply(200, json=repo), Reply(200, json=repo), Reply(200, json=repo))
    assert run("api", "repos/octocat/hello-world", "--jq", ".full_name").out == "octocat/hello-world\n"
    assert run("repos", "get", "octocat", "hello-world", "--jq", "{login: .owner.login}").out == '{"login":"octocat"}\n'
    assert run("--jq", ".topics[]", "repos", "get", "o", "r").out == "a\nb\n"


def test_a_bad_jq_expression_is_a_usage_error_before_sending(run: Run, github: ScriptedServer) -> None:
    result = run("api", "repos/o/r", "--jq", ".[")
    assert result.code == 2
    assert "--jq" in result.err and "syntax error" in result.err
    assert github.requests == []
    github.queue(Reply(200, json=[1, 2]))
    result = run("api", "repos/o/r", "--jq", ".name")  # fits no array: said after the answer came
    assert result.code == 2
    assert "--jq" in result.err and "Cannot index array" in result.err


def test_hostname_is_the_api_root_of_ghes(run: Run) -> None:
    result = run("--hostname", "ghe.example.com", "--dry-run", "api", "meta")
    assert json.loads(result.out)["url"] == "https://ghe.example.com/api/v3/meta"
    result = run("api", "meta", "--hostname", "github.com", "--dry-run")
    assert json.loads(result.out)["url"] == "https://api.github.com/meta"
    assert run("repos", "get", "o", "r", "--hostname", "ghe.example.com", "--base-url", "https://x/api").code == 2
    result = run("api", "meta", "--hostname", "https://ghe.example.com")
    assert result.code == 2 and "is not a host name" in result.err


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr("sys.platform", "linux")
    return tmp_path / "cache" / "octo" / "api"


def test_cache_serves_a_read_from_disk_for_its_duration(run: Run, github: ScriptedServer, cache_home: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1_800_000_000.0]
    monkeypatch.setattr(DiskCacheAdapter, "clock", staticmethod(lambda: now[0]))
    github.handler = lambda request: Reply(200, json={"served": len(github.requests)})
    assert run("api", "--cache", "1h", "repos/o/r").out == '{"served":1}\n'
    now[0] += 3599
    assert run("api", "--cache", "1h", "repos/o/r").out == '{"served":1}\n'  # from disk, not sent
    assert len(github.requests) == 1
    assert run("api", "repos/o/r").out == '{"served":2}\n'  # without --cache: always asked
    now[0] += 2
    assert run("api", "--cache", "1h", "repos/o/r").out == '{"served":3}\n'  # an hour old: asked again
    monkeypatch.setenv("GITHUB_TOKEN", "another_token_of_someone_else")
    assert run("api", "--cache", "1h", "repos/o/r").out == '{"served":4}\n'  # another credential's entry
    assert run("api", "--cache", "1h", "repos/o/r", "-H", "Accept: application/vnd.github.raw+json").out \
        == '{"served":5}\n'
    assert run("api", "--cache", "1h", "-X", "POST", "repos/o/r").out == '{"served":6}\n'  # writes never
    assert len(github.requests) == 6
    entries = list(cache_home.iterdir())
    assert len(entries) == 3
    assert stat.S_IMODE(cache_home.stat().st_mode) == 0o700
    for entry in entries:
        assert stat.S_IMODE(entry.stat().st_mode) == 0o600
        assert SENTINEL not in entry.read_text()


def test_cache_keeps_only_successes_and_survives_a_broken_entry(run: Run, github: ScriptedServer,
                                                                cache_home: Path) -> None:
    github.queue(Reply(404, json={"message": "Not Found"}), Reply(200, json={"v": 1}))
    assert run("api", "--cache", "5m", "repos/o/r").code == 4
    assert run("api", "--cache", "5m", "repos/o/r").out == '{"v":1}\n'
    (entry,) = cache_home.iterdir()
    entry.write_text("{not json")
    github.queue(Reply(200, json={"v": 2}))
    assert run("api", "--cache", "5m", "repos/o/r").out == '{"v":2}\n'
    assert len(github.requests) == 3
    result = run("api", "--cache", "soon", "repos/o/r")
    assert result.code == 2 and "duration" in result.err
