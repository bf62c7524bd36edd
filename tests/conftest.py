from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from server import ScriptedServer  # noqa: E402

import octo  # noqa: E402
from octo.retry import Retrier  # noqa: E402

# In CI, property tests draw the same examples every run, so a red run is
# reproducible; locally they explore new inputs each time.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

# A token-shaped sentinel that must never be seen in output, logs or errors.
SENTINEL = "octo_test_sentinel_0123456789abcdef"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No test sees the developer's token, base URL or proxies, and each test
    starts with no module-level client."""
    for name in ("GITHUB_TOKEN", "GH_TOKEN", "GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN", "GITHUB_API_URL",
                 "GH_REPO", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    # Nor the tokens `octo auth login` and `gh auth login` stored, nor the CLI's disk cache:
    # folders of the test's own.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("GH_CONFIG_DIR", str(tmp_path / "config" / "gh"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(octo, "_default", None)
    yield


class FakeClock:
    """Time as octo's retry logic sees it: `sleep` returns at once, moves
    the clock on and records the wait."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0, seconds
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture(autouse=True)
def fake_clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """Every client's retry waits take no real time; a test reads the waits
    from `fake_clock.sleeps`."""
    clock = FakeClock()
    monkeypatch.setattr(Retrier, "clock", clock.time)
    monkeypatch.setattr(Retrier, "sleep", clock.sleep)
    return clock


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as s:
        yield s


@pytest.fixture
def client(server: ScriptedServer) -> Iterator[octo.Octo]:
    with octo.Octo(SENTINEL, base_url=server.url) as c:
        yield c
