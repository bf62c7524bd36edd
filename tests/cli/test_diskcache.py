"""octo/cli/diskcache.py, the store behind `octo api --cache`: an answer served
from disk reads like the real one, the caller's timeout still applies, and
an entry is fresh from the moment it was stored until DURATION has passed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests
from server import Reply, ScriptedServer

from octo.cli.diskcache import DiskCacheAdapter, duration


def session_with_cache(folder: Path, max_age: float) -> tuple[requests.Session, DiskCacheAdapter]:
    session = requests.Session()
    adapter = DiskCacheAdapter(session.get_adapter("http://"), max_age, folder)
    session.mount("http://", adapter)
    return session, adapter


def test_an_answer_from_disk_reads_like_the_answer_it_stored(tmp_path: Path) -> None:
    session, _ = session_with_cache(tmp_path, 60)
    with ScriptedServer() as server:
        server.queue(Reply(200, body="{\"name\": \"caf\u00e9\"}".encode("latin-1"),
                           headers={"Content-Type": "application/json; charset=latin-1", "ETag": '"abc"'}))
        url = f"{server.url}/repos/o/r"
        first = session.get(url, timeout=5)
        again = session.get(url, timeout=5)
        assert len(server.requests) == 1
    assert (again.status_code, again.reason, again.url) == (200, "OK", url)
    assert again.request is not None and again.request.url == url
    assert again.encoding == first.encoding == "latin-1" and again.text == first.text == '{"name": "caf\u00e9"}'
    assert again.headers["content-length"] == str(len(again.content)) and again.headers["etag"] == '"abc"'
    assert again.raw.status == 200 and again.raw.headers["content-length"] == str(len(first.content))


def test_the_callers_timeout_reaches_the_server_for_reads_and_writes(tmp_path: Path) -> None:
    session, _ = session_with_cache(tmp_path, 60)
    with ScriptedServer() as server:
        for method in ("GET", "POST"):
            server.queue(Reply(200, json={}, delay=3))
            started = time.monotonic()
            with pytest.raises(requests.Timeout):
                session.request(method, f"{server.url}/repos/o/r", timeout=0.3)
            assert time.monotonic() - started < 2.5


def test_an_entry_is_fresh_from_when_it_was_stored_until_its_duration_has_passed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1_800_000_000.0]
    monkeypatch.setattr(DiskCacheAdapter, "clock", staticmethod(lambda: now[0]))
    session, _ = session_with_cache(tmp_path, 60)
    with ScriptedServer() as server:
        server.handler = lambda request: Reply(200, json={"served": len(server.requests)})
        url = f"{server.url}/repos/o/r"
        assert session.get(url).json() == {"served": 1}
        assert session.get(url).json() == {"served": 1}  # the same instant: fresh
        now[0] -= 1  # the clock went back: the entry is from the future, not trusted
        assert session.get(url).json() == {"served": 2}
        now[0] += 60  # exactly its duration since stored: stale
        assert session.get(url).json() == {"served": 3}


@pytest.mark.parametrize(("text", "seconds"), [("1s", 1), ("90s", 90), ("1h30m", 5400), ("0.5m", 30), ("2d", 172800)])
def test_a_duration_is_read_in_seconds(text: str, seconds: float) -> None:
    assert duration(text) == seconds


@pytest.mark.parametrize("text", ["0s", "0m0s", "soon", "5", "1x", ""])
def test_a_duration_that_is_not_a_positive_time_is_refused_naming_it(text: str) -> None:
    with pytest.raises(ValueError, match=f"^{text}$"):
        duration(text)


@pytest.mark.parametrize("broken", ['{"stored": "yesterday", "status": 200, "headers": {}, "body": ""}', "[1]"])
def test_an_entry_of_the_wrong_shape_is_a_miss(tmp_path: Path, broken: str) -> None:
    session, _ = session_with_cache(tmp_path, 60)
    with ScriptedServer() as server:
        server.handler = lambda request: Reply(200, json={"served": len(server.requests)})
        url = f"{server.url}/repos/o/r"
        assert session.get(url).json() == {"served": 1}
        (entry,) = (p for p in tmp_path.iterdir() if not p.name.startswith("."))
        entry.write_text(broken)
        assert session.get(url).json() == {"served": 2}
