"""`octo auth login|status|logout` against a loopback server that plays both
github.com's OAuth endpoints and the API, with keyring's file backend in
place of the system keyring (or none), and where the CLI finds its token."""

from __future__ import annotations

import io
import json
import re
import shlex
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import keyring
import keyring.backend
import pytest
from conftest import ROOT, SENTINEL, FakeClock
from keyring.backends import fail
from server import Recorded, Reply, ScriptedServer

from cli.helpers import Run
from octo import Octo
from octo.auth import tokenstore
from octo.cli.login import parser

CLIENT_ID = "Iv1.0123456789abcdef"
TOKEN = "gho_" + SENTINEL


class FileKeyring(keyring.backend.KeyringBackend):
    """keyring's backend interface over one JSON file: the system keyring's stand-in."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def _all(self) -> dict[str, str]:
        return json.loads(self.path.read_text()) if self.path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._all().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        self.path.write_text(json.dumps({**self._all(), f"{service}/{username}": password}))

    def delete_password(self, service: str, username: str) -> None:
        entries = self._all()
        del entries[f"{service}/{username}"]
        self.path.write_text(json.dumps(entries))


@pytest.fixture
def ring(tmp_path: Path) -> Iterator[FileKeyring]:
    before = keyring.get_keyring()
    backend = FileKeyring(tmp_path / "keyring.json")
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


@pytest.fixture
def no_ring() -> Iterator[None]:
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(before)


class GitHub:
    """github.com's device flow (one `authorization_pending`, then the token) and GET /user."""

    def __init__(self) -> None:
        self.valid = {TOKEN}
        self.polls = 0
        self.deny = False

    def __call__(self, request: Recorded) -> Reply:
        if request.route == "/login/device/code":
            return Reply(200, json={"device_code": "dc_" + SENTINEL, "user_code": "WDJB-MJHT", "interval": 5,
                                    "verification_uri": "https://github.com/login/device", "expires_in": 900})
        if request.route == "/login/oauth/access_token":
            self.polls += 1
            assert parse_qs(request.body.decode())["client_id"] == [CLIENT_ID]
            if self.polls == 1:
                return Reply(200, json={"error": "authorization_pending"})
            if self.deny:
                return Reply(200, json={"error": "access_denied"})
            return Reply(200, json={"access_token": TOKEN, "token_type": "bearer", "scope": "repo,read:org"})
        if request.route == "/user":
            if request.headers.get("authorization", "").removeprefix("Bearer ") in self.valid:
                return Reply(200, json={"login": "octocat"}, headers={"x-oauth-scopes": "repo, read:org"})
            return Reply(401, json={"message": "Bad credentials"})
        return Reply(200, json={"who": request.headers.get("authorization")})


@pytest.fixture
def github() -> Iterator[tuple[ScriptedServer, GitHub]]:
    fake = GitHub()
    with ScriptedServer(fake) as server:
        yield server, fake


def host(server: ScriptedServer) -> str:
    return server.url.removeprefix("http://")


def login(run: Run, server: ScriptedServer, *extra: str) -> Any:
    return run("auth", "login", "--base-url", server.url, "--client-id", CLIENT_ID, *extra)


def test_login_with_the_device_flow_keeps_the_token_in_the_keyring(
    run: Run, github: tuple[ScriptedServer, GitHub], ring: FileKeyring, fake_clock: FakeClock
) -> None:
    server, _ = github
    result = login(run, server, "--scopes", "repo,read:org")
    assert result.code == 0, result.err
    assert "First copy your one-time code: WDJB-MJHT" in result.err
    assert "https://github.com/login/device" in result.err
    assert f"signed in to {host(server)} as octocat; the token is in the system keyring (FileKeyring)" in result.err
    assert SENTINEL not in result.out + result.err
    assert fake_clock.sleeps == [5, 5]
    start = server.requests[0]
    assert (start.route, parse_qs(start.body.decode())["scope"]) == ("/login/device/code", ["repo read:org"])
    assert ring.get_password(f"octo:{host(server)}", "token") == TOKEN
    assert SENTINEL not in tokenstore.index_path().read_text()  # the index says where, not what

    # Every later command, and the library's from_env, use it; a plain Octo(...) does not.
    assert run("--base-url", server.url, "api", "anything").json_lines() == [{"who": f"Bearer {TOKEN}"}]
    assert Octo.from_env(base_url=server.url).request("GET /anything").data == {"who": f"Bearer {TOKEN}"}
    assert Octo(base_url=server.url).request("GET /anything").data == {"who": None}


def test_without_a_keyring_the_token_goes_to_a_file_only_its_owner_reads(
    run: Run, github: tuple[ScriptedServer, GitHub], no_ring: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, _ = github
    monkeypatch.setattr("sys.stdin", io.StringIO(TOKEN + "\n"))
    result = run("auth", "login", "--with-token", "--base-url", server.url)
    assert result.code == 0, result.err
    path = tokenstore.index_path()
    assert f"the token is in the file {path} (mode 0600)" in result.err
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert json.loads(path.read_text())[host(server)]["token"] == TOKEN
    assert run("--base-url", server.url, "api", "anything").json_lines() == [{"who": f"Bearer {TOKEN}"}]
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


def test_status_says_who_where_and_which_scopes_never_the_token(
    run: Run, github: tuple[ScriptedServer, GitHub], ring: FileKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, fake = github
    missing = run("auth", "status", "--base-url", server.url)
    assert missing.code == 1 and "not signed in (octo auth login)" in missing.out
    assert login(run, server).code == 0
    result = run("auth", "status")
    assert result.code == 0, result.err
    assert result.out.splitlines() == [host(server), "  the token is in the system keyring (FileKeyring)",
                                       "  signed in as octocat; scopes: repo, read:org"]
    monkeypatch.setenv("GITHUB_TOKEN", "another")
    assert "($GITHUB_TOKEN is set: commands use it instead)" in run("auth", "status").out
    monkeypatch.delenv("GITHUB_TOKEN")
    fake.valid.clear()  # revoked on github.com
    revoked = run("auth", "status")
    assert revoked.code == 1 and "GitHub refused it (401)" in revoked.out
    assert SENTINEL not in missing.out + result.out + revoked.out + revoked.err


def test_logout_forgets_the_token(run: Run, github: tuple[ScriptedServer, GitHub], ring: FileKeyring) -> None:
    server, _ = github
    assert login(run, server).code == 0
    result = run("auth", "logout", "--base-url", server.url)
    assert (result.code, result.err) == (0, f"octo: signed out of {host(server)}\n")
    assert ring.get_password(f"octo:{host(server)}", "token") is None
    assert run("--base-url", server.url, "api", "anything").json_lines() == [{"who": None}]
    assert run("auth", "logout", "--base-url", server.url).code == 1


def test_a_denied_sign_in_exits_1_and_stores_nothing(run: Run, github: tuple[ScriptedServer, GitHub],
                                                     ring: FileKeyring) -> None:
    server, fake = github
    fake.deny = True
    result = login(run, server)
    assert result.code == 1 and "the user denied access" in result.err
    assert not tokenstore.index_path().exists()


def test_login_needs_a_client_id_or_a_token(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run("auth", "login")
    assert result.code == 2 and "pass --client-id" in result.err
    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    assert run("auth", "login", "--with-token").code == 2
    dry = run("--dry-run", "auth", "status")
    assert dry.code == 2 and "no dry run" in dry.err


def test_hostname_names_a_ghes_host(run: Run) -> None:
    result = run("auth", "logout", "--hostname", "ghe.example.com")
    assert (result.code, result.err) == (1, "octo: not signed in to ghe.example.com\n")
    assert tokenstore.web_url_of("https://ghe.example.com/api/v3") == "https://ghe.example.com"
    assert tokenstore.host_of("https://ghe.example.com/api/v3") == "ghe.example.com"
    assert (tokenstore.host_of("https://api.github.com"), tokenstore.web_url_of("https://api.github.com")) == (
        "github.com", "https://github.com")


def test_the_cli_finds_its_token_in_order(run: Run, github: tuple[ScriptedServer, GitHub], ring: FileKeyring,
                                          tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server, _ = github
    monkeypatch.setenv("GITHUB_API_URL", server.url)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))  # no `gh` on the PATH

    def who() -> object:
        return run("api", "anything").json_lines()[0]["who"]  # type: ignore[index]

    assert who() is None  # nothing anywhere: anonymous
    gh_hosts = tmp_path / "config" / "gh" / "hosts.yml"
    gh_hosts.parent.mkdir(parents=True)
    gh_hosts.write_text(f"github.com:\n    oauth_token: gho_other\n{host(server)}:\n"
                        f"    user: octocat\n    oauth_token: gho_from_gh_hosts\n    git_protocol: https\n")
    assert who() == "Bearer gho_from_gh_hosts"
    gh = bin_dir / "gh"  # the GitHub CLI's `gh auth token`, which wins over its hosts file
    gh.write_text(f'#!/bin/sh\n[ "$*" = "auth token --hostname {host(server)}" ] && echo gho_from_gh\n')
    gh.chmod(0o755)
    assert who() == "Bearer gho_from_gh"
    assert login(run, server).code == 0
    assert who() == f"Bearer {TOKEN}"  # octo's own stored token
    monkeypatch.setenv("GH_TOKEN", "gh_token_variable")
    assert who() == "Bearer gh_token_variable"
    monkeypatch.setenv("GITHUB_TOKEN", "github_token_variable")
    assert who() == "Bearer github_token_variable"
    monkeypatch.setattr("sys.stdin", io.StringIO("from_stdin\n"))
    assert run("--token-stdin", "api", "anything").json_lines()[0] == {"who": "Bearer from_stdin"}


def test_the_readmes_auth_command_lines_parse() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [shlex.split(line.partition("| ")[2] or line[2:])[1:]
             for block in re.findall(r"^```console\n(.*?)^```", readme, re.S | re.M)
             for line in block.splitlines() if line.startswith("$ ") and "octo auth" in line]
    assert len(lines) == 4
    for argv in lines:
        assert argv[0] == "auth"
        parser().parse_args(argv[1:])  # a usage error would exit
