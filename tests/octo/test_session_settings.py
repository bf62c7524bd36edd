"""A `requests.Session` passed as `Octo(session=...)` keeps its settings.

octo prepares requests itself rather than through `Session.prepare_request`
(cheaper per call, see docs/benchmarks.md); these pin that nothing a session
carries is lost on the way.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
import requests
from conftest import SENTINEL
from server import ScriptedServer

import octo

pytestmark = pytest.mark.sync_only("a requests.Session of the caller's")

def _session() -> requests.Session:
    session = requests.Session()
    session.headers["X-Team"] = "platform"
    session.headers["Accept-Encoding"] = None  # type: ignore[assignment]  # requests: do not send it
    session.cookies.set("tracking", "abc")
    return session


def test_session_headers_and_cookies_are_sent(server: ScriptedServer) -> None:
    gh = octo.Octo(SENTINEL, base_url=server.url, session=_session())
    gh.repos.get("o", "r")
    (sent,) = server.requests
    assert sent.headers["x-team"] == "platform"
    assert sent.headers["cookie"] == "tracking=abc"
    assert "gzip" not in sent.headers.get("accept-encoding", "")
    # octo's own headers win over the session's defaults.
    assert sent.headers["accept"] == "application/vnd.github+json"
    assert sent.headers["authorization"] == f"Bearer {SENTINEL}"


def test_session_auth_hooks_and_params_apply(server: ScriptedServer) -> None:
    session = requests.Session()
    session.auth = ("user", "pass")
    session.params = {"tenant": "t1"}
    seen: list[int] = []
    session.hooks["response"].append(lambda answer, **_: seen.append(answer.status_code))
    gh = octo.Octo(base_url=server.url, session=session)
    gh.issues.list_for_repo("o", "r", state="closed")
    (sent,) = server.requests
    assert sent.headers["authorization"] == "Basic " + base64.b64encode(b"user:pass").decode()
    assert sent.query == {"tenant": ["t1"], "state": ["closed"]}
    assert seen == [200]


def test_netrc_is_never_read(server: ScriptedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # requests would put a ~/.netrc login in Authorization, over octo's own header
    # or where an anonymous client sends none (the README's order ends in "anonymous").
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login robot password hunter2\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    with octo.Octo(SENTINEL, base_url=server.url) as gh:
        gh.repos.get("o", "r")
    with octo.Octo(base_url=server.url) as anonymous:
        anonymous.repos.get("o", "r")
    assert [r.headers.get("authorization") for r in server.requests] == [f"Bearer {SENTINEL}", None]
