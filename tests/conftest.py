from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from blocking import BlockingOcto, BlockingPaginate, close_all  # noqa: E402
from server import ScriptedServer  # noqa: E402

import octo  # noqa: E402
from octo.core.retry import Retrier  # noqa: E402

# In CI, property tests draw the same examples every run, so a red run is
# reproducible; locally they explore new inputs each time.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

BOTH_CLIENTS = ROOT / "tests" / "octo"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sync_only(reason): tests something only the sync client has")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every behaviour test of tests/octo/ runs against both clients: `Octo`, and
    `AsyncOcto` behind the same blocking interface (tests/blocking.py), so the
    async driver is held to the same rows of reliability.md, pagination,
    transfers, cache and app auth. A test of what only the sync client has (a
    `requests.Session` of the caller's) is marked `sync_only` with the reason."""
    if BOTH_CLIENTS in metafunc.definition.path.parents:
        kinds = ["sync"] if metafunc.definition.get_closest_marker("sync_only") else ["sync", "async"]
        metafunc.parametrize("client_kind", kinds, indirect=True)


@pytest.fixture(autouse=True)
def client_kind(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """`octo.Octo` is the async client behind a blocking front in the "async" runs."""
    kind: str = getattr(request, "param", "sync")
    if kind == "async":
        monkeypatch.setattr(octo, "Octo", BlockingOcto)
        monkeypatch.setattr(octo, "paginate", BlockingPaginate(octo.paginate))
    yield kind
    close_all()


# A token-shaped sentinel that must never be seen in output, logs or errors.
SENTINEL = "octo_test_sentinel_0123456789abcdef"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No test sees the developer's token, base URL or proxies, and each test
    starts with no module-level client."""
    for name in ("GITHUB_TOKEN", "GH_TOKEN", "GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN", "GITHUB_API_URL",
                 "GH_REPO", "OCTO_GHES_VERSION", "OCTO_GHES_MANAGE_URL", "OCTO_REDIS_URL",
                 "OCTO_REDIS_ENCRYPTION_KEY", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy",
                 "ALL_PROXY", "all_proxy"):
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
