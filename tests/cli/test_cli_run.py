"""The CLI against a real HTTP server on loopback: output, exit statuses,
configuration, and the token staying out of sight."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SENTINEL
from server import Reply, ScriptedServer
from tls import make_certificate, server_context

from cli.helpers import Run
from octo.cli import output

DISPATCH = ["repos", "create-dispatch-event", "octocat", "hello-world", "--event-type", "on-demand-test",
            "--client-payload", '{"unit": false, "integration": true}']


@pytest.fixture
def github(server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> ScriptedServer:
    monkeypatch.setenv("GITHUB_API_URL", server.url)
    monkeypatch.setenv("GITHUB_TOKEN", SENTINEL)
    return server


def _env(server: ScriptedServer) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_TOKEN", "GH_TOKEN", "GITHUB_API_URL")}
    return {**env, "GITHUB_API_URL": server.url, "GITHUB_TOKEN": SENTINEL, "NO_PROXY": "127.0.0.1"}


@pytest.mark.parametrize("command", [
    [sys.executable, "-m", "octo"],
    [str(Path(sys.executable).parent / "octo")],  # the installed console script
])
@pytest.mark.other_processes
def test_dispatch_event_from_the_terminal(server: ScriptedServer, command: list[str]) -> None:
    server.queue(Reply(204))
    done = subprocess.run(command + DISPATCH, env=_env(server), capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    (sent,) = server.requests
    assert (sent.method, sent.path) == ("POST", "/repos/octocat/hello-world/dispatches")
    assert sent.json() == {"event_type": "on-demand-test", "client_payload": {"unit": False, "integration": True}}
    assert sent.headers["authorization"] == f"Bearer {SENTINEL}"


def test_json_is_compact_when_piped_and_pretty_on_a_terminal(
    run: Run, github: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = {"full_name": "octocat/hello-world", "topics": ["a"]}
    github.queue(Reply(200, json=data), Reply(200, json=data))
    piped = run("repos", "get", "octocat", "hello-world")
    assert piped.out == '{"full_name":"octocat/hello-world","topics":["a"]}\n'
    monkeypatch.setattr(output, "is_terminal", lambda stream: True)
    assert run("repos", "get", "octocat", "hello-world").out == json.dumps(data, indent=2) + "\n"


def test_include_adds_status_and_headers(run: Run, github: ScriptedServer) -> None:
    github.queue(Reply(200, json={"id": 1}, headers={"x-ratelimit-remaining": "4999"}))
    result = run("-i", "repos", "get", "o", "r")
    head, _, body = result.out.partition("\n\n")
    assert head.splitlines()[0] == "HTTP 200"
    assert "x-ratelimit-remaining: 4999" in head.splitlines()
    assert json.loads(body) == {"id": 1}
    github.queue(Reply(200, json={"id": 1}))
    assert run("repos", "get", "o", "r", "--include").out.startswith("HTTP 200\n")


def test_text_representation_is_written_as_is(run: Run, github: ScriptedServer) -> None:
    github.queue(Reply(200, body="<h1>hi</h1>", headers={"content-type": "text/html; charset=utf-8"}))
    assert run("markdown", "render", "--text", "# hi").out == "<h1>hi</h1>"


GET = ["repos", "get", "octocat", "hello-world"]
POST = ["markdown", "render", "--text", "# hi"]  # a POST: never retried, so one reply is the answer
FAR_FUTURE = 4_000_000_000  # a rate-limit reset too far off to wait for, by any clock


@pytest.mark.parametrize(("argv", "reply", "code", "message"), [
    (GET, Reply(404, json={"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}),
     4, "404 Not Found (GET "),
    (POST, Reply(422, json={"message": "Validation Failed", "errors": [{"field": "text", "code": "invalid"}]}),
     1, "422 Validation Failed"),
    (POST, Reply(500, body="<html>oops</html>", headers={"content-type": "text/html"}), 1, "500 "),
    (GET, Reply(403, json={"message": "API rate limit exceeded"},
                headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(FAR_FUTURE)}),
     5, "403 API rate limit exceeded"),
    (GET, Reply(403, json={"message": "You have exceeded a secondary rate limit."},
                headers={"retry-after": "99999"}), 5, "403 You have exceeded a secondary rate limit"),
    (GET, Reply(200, body="{not json", headers={"content-type": "application/json"}), 3, "malformed JSON"),
    (POST, Reply(301, headers={"location": "/elsewhere"}), 3, "a write is only re-sent on 307/308"),
])
def test_failures_exit_non_zero_with_githubs_message_on_stderr(
    run: Run, github: ScriptedServer, argv: list[str], reply: Reply, code: int, message: str
) -> None:
    github.queue(reply)
    result = run(*argv)
    assert result.code == code
    assert result.err.startswith("octo: ") and message in result.err
    assert result.out == ""
    assert SENTINEL not in result.err
    assert len(github.requests) == 1


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[ScriptedServer]:
    with ScriptedServer(tls=server_context(*make_certificate(tmp_path))) as s:
        yield s


@pytest.mark.parametrize("failure", ["refused", "timeout", "tls"])
def test_no_usable_answer_exits_3(run: Run, github: ScriptedServer, tls_server: ScriptedServer,
                                  failure: str) -> None:
    with ScriptedServer() as gone:
        closed = gone.url
    base_url = {"refused": closed, "timeout": github.url, "tls": tls_server.url}[failure]
    github.queue(Reply(200, json={}, delay=2.0))  # the timeout case: answers too late
    started = time.monotonic()
    result = run("--base-url", base_url, "--timeout", "0.2", *POST)
    assert result.code == 3, result.err
    reason = {"refused": "could not connect", "timeout": "timed out", "tls": "TLS failure"}[failure]
    assert result.err.startswith("octo: ") and reason in result.err
    assert result.out == "" and SENTINEL not in result.err
    assert time.monotonic() - started < 1.5  # --timeout, not the default 30 s read timeout


def test_include_shows_the_error_response_too(run: Run, github: ScriptedServer) -> None:
    github.queue(Reply(404, json={"message": "Not Found"}))
    result = run("--include", "repos", "get", "o", "r")
    assert result.code == 4
    assert result.out.startswith("HTTP 404\n") and result.out.endswith('{"message":"Not Found"}\n')


def test_usage_errors_exit_2_and_send_nothing(run: Run, github: ScriptedServer) -> None:
    for argv in (["repos"], ["nope", "get"], ["repos", "nope"], ["repos", "get", "only-owner"],
                 ["repos", "create-dispatch-event", "o", "r", "--event-type", "x" * 101],
                 ["repos", "get", "o", "r", "--paginate"]):
        assert run(*argv).code == 2, argv
    assert github.requests == []


def test_no_arguments_prints_help_and_exits_2(run: Run) -> None:
    result = run()
    assert result.code == 2 and "usage: octo" in result.err


def test_base_url_option_wins_over_environment(run: Run, server: ScriptedServer,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_API_URL", "http://127.0.0.1:9")  # nothing listens there
    server.queue(Reply(200, json={}))
    assert run("--base-url", server.url + "/api/v3", "repos", "get", "o", "r").code == 0
    assert server.requests[0].path == "/api/v3/repos/o/r"
    assert "authorization" not in server.requests[0].headers


def test_gh_token_is_used_when_github_token_is_not_set(run: Run, server: ScriptedServer,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GH_TOKEN", SENTINEL)
    server.queue(Reply(200, json={}))
    assert run("--base-url", server.url, "repos", "get", "o", "r").code == 0
    assert server.requests[0].headers["authorization"] == f"Bearer {SENTINEL}"


def test_token_from_stdin(run: Run, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(SENTINEL + "\n"))
    server.queue(Reply(200, json={}))
    result = run("--token-stdin", "--base-url", server.url, "repos", "get", "o", "r")
    assert result.code == 0
    assert server.requests[0].headers["authorization"] == f"Bearer {SENTINEL}"
    assert SENTINEL not in result.out + result.err


def test_a_bad_token_is_refused_without_echo(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(SENTINEL + " with space\n"))
    result = run("--token-stdin", "repos", "get", "o", "r")
    assert result.code == 2
    assert "token" in result.err and SENTINEL not in result.err


def test_dry_run_sends_nothing(run: Run, github: ScriptedServer) -> None:
    result = run("--dry-run", *DISPATCH)
    assert result.code == 0
    request = json.loads(result.out)
    assert request["url"] == f"{github.url}/repos/octocat/hello-world/dispatches"
    assert request["headers"]["Authorization"] == "Bearer <redacted>"
    assert github.requests == []
    assert SENTINEL not in result.out


def test_verbose_logs_each_request_on_stderr(run: Run, github: ScriptedServer) -> None:
    github.queue(Reply(200, json={}))
    result = run("-v", "repos", "get", "o", "r")
    assert result.code == 0
    assert f"octo: debug: GET {github.url}/repos/o/r -> 200 in " in result.err
    assert SENTINEL not in result.err


@pytest.mark.other_processes
def test_a_reader_that_goes_away_ends_quietly_with_141(server: ScriptedServer) -> None:
    # `octo ... | head`: the pipe closes while octo still writes (more than a pipe buffer holds).
    server.handler = lambda request: Reply(200, json=[{"n": n, "pad": "x" * 100} for n in range(5000)])
    reader = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.readline()"],
                              stdin=subprocess.PIPE)
    try:
        assert reader.stdin is not None
        done = subprocess.run([sys.executable, "-m", "octo", "--paginate", "issues", "list-for-repo", "o", "r"],
                              env=_env(server), stdout=reader.stdin, stderr=subprocess.PIPE, text=True,
                              timeout=60)
    finally:
        reader.stdin.close()  # type: ignore[union-attr]
        reader.wait(timeout=10)
    assert (done.returncode, done.stderr) == (141, "")


def test_ctrl_c_exits_130_without_a_traceback(run: Run, github: ScriptedServer,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from octo.cli import execute

    def press_ctrl_c(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(execute, "_call", press_ctrl_c)
    result = run("repos", "get", "o", "r")
    assert result.code == 130
    assert "Traceback" not in result.err and github.requests == []


def test_an_empty_file_path_lists_the_root_and_an_empty_segment_is_a_usage_error(
    run: Run, github: ScriptedServer
) -> None:
    github.queue(Reply(200, json=[{"name": "README.md"}]), Reply(200, json=[]))
    assert run("repos", "get-content", "o", "r", "").out == '[{"name":"README.md"}]\n'
    assert run("git", "list-matching-refs", "o", "r", "").code == 0
    assert [r.path for r in github.requests] == ["/repos/o/r/contents/", "/repos/o/r/git/matching-refs/"]
    for bad in ("a//b", "docs/..", ""):
        result = run("repos", "get-content", "o", "r", bad) if bad else run("repos", "get", "o", bad)
        assert result.code == 2 and "path parameter" in result.err
    assert len(github.requests) == 2


def test_header_option_sends_the_callers_headers_before_and_after_the_command(
    run: Run, github: ScriptedServer
) -> None:
    github.queue(Reply(304), Reply(200, body="# Hi", headers={"content-type": "application/vnd.github.raw"}))
    result = run("-H", 'If-None-Match: "v1"', "-i", "repos", "get", "o", "r", "--header", "X-Trace:abc")
    assert (result.code, result.out.splitlines()[0]) == (0, "HTTP 304")
    assert (github.requests[0].headers["if-none-match"], github.requests[0].headers["x-trace"]) == ('"v1"', "abc")
    result = run("repos", "get-content", "o", "r", "README.md", "-H", "Accept: application/vnd.github.raw")
    assert result.out == "# Hi"
    assert github.requests[1].headers["accept"] == "application/vnd.github.raw"


def test_header_option_reaches_every_page_and_the_dry_run(run: Run, github: ScriptedServer) -> None:
    github.queue(Reply(200, json=[1], headers={"link": f'<{github.url}/repos/o/r/issues?page=2>; rel="next"'}),
                 Reply(200, json=[2]))
    assert run("--paginate", "-H", "X-Trace: 1", "issues", "list-for-repo", "o", "r").out == "1\n2\n"
    assert [r.headers["x-trace"] for r in github.requests] == ["1", "1"]
    shown = json.loads(run("--dry-run", "-H", "Accept: application/vnd.github.raw", "repos", "get", "o", "r").out)
    assert shown["headers"]["Accept"] == "application/vnd.github.raw"
    assert len(github.requests) == 2


def test_a_header_without_a_name_and_colon_is_a_usage_error(run: Run, github: ScriptedServer) -> None:
    for bad in ("If-None-Match", ": value", "   : x"):
        result = run("-H", bad, "repos", "get", "o", "r")
        assert result.code == 2 and "NAME: VALUE" in result.err, bad
    assert github.requests == []


def test_an_uploads_content_type_can_be_given(run: Run, github: ScriptedServer, tmp_path: Path) -> None:
    asset = tmp_path / "app.zip"
    asset.write_bytes(b"PK\x03\x04")
    github.queue(Reply(201, json={"id": 1}), Reply(201, json={"id": 2}))
    upload = ["repos", "upload-release-asset", "o", "r", "1", "--name", "app.zip", "--data", f"@{asset}"]
    assert run(*upload).code == 0
    assert run(*upload, "-H", "Content-Type: application/octet-stream").code == 0
    assert [r.headers["content-type"] for r in github.requests] == ["application/zip", "application/octet-stream"]
    assert github.requests[1].body == b"PK\x03\x04"
