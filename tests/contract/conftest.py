from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import octo
from contract.cassettes import PLACEHOLDER_TOKEN
from contract.openapi import DOTCOM, Description, DescriptionMissing, find_target
from contract.prism import Prism, PrismUnavailable
from contract.wire import WireSession

KEPT_LOGS: list[Path] = []
# Calls whose request passed but whose answer Prism could not give (GitHub's
# example fails GitHub's schema, a media type Prism cannot serialize).
ANSWER_TROUBLE: list[tuple[str, list[str]]] = []


class Targets:
    """A Prism per target, started on first use (20-45 s each), and a client of it."""

    def __init__(self, logs: Path, wire: WireSession) -> None:
        self.logs = logs
        self.wire = wire
        self.descriptions: dict[str, Description] = {}
        self.servers: dict[str, Prism] = {}
        self.problems: dict[str, str] = {}
        self.clients: dict[str, octo.Octo] = {}

    def description(self, target: str) -> Description:
        if target not in self.descriptions:
            try:
                path = find_target(target)
            except DescriptionMissing as exc:
                problem = str(exc)
            else:
                problem = ""
            if problem:
                pytest.fail(problem, pytrace=False)
            self.descriptions[target] = Description(path)
        return self.descriptions[target]

    def prism(self, target: str) -> Prism:
        if target not in self.servers and target not in self.problems:
            server = Prism(self.description(target).path, self.logs / f"prism-{target}.log")
            try:
                server.start()
            except PrismUnavailable as exc:
                self.problems[target] = str(exc)  # once: the next test fails at once
            else:
                self.servers[target] = server
        if target in self.problems:
            # A failure, never a skip: CI must not pass without the contract suite.
            pytest.fail(self.problems[target], pytrace=False)
        return self.servers[target]

    def settings(self, target: str) -> dict[str, Any]:
        """A client's arguments for the target's Prism; told its GHES version, so the
        availability check runs too (and its Manage API calls reach the same Prism)."""
        url = self.prism(target).url
        ghes = {"ghes": target[5:], "manage_url": url} if target.startswith("ghes-") else {}
        return {"base_url": url, **ghes}

    def client(self, target: str) -> octo.Octo:
        """A client of the target's Prism (see `settings`)."""
        if target not in self.clients:
            self.clients[target] = octo.Octo(PLACEHOLDER_TOKEN, session=self.wire, **self.settings(target))
        return self.clients[target]


@pytest.fixture(scope="session")
def targets(request: pytest.FixtureRequest, wire: WireSession,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Targets]:
    """The session's Prisms; their logs are kept only if a test failed."""
    found = Targets(tmp_path_factory.mktemp("prism"), wire)
    try:
        yield found
    finally:
        for client in found.clients.values():
            client.close()
        for target, server in found.servers.items():
            server.stop()
            if request.session.testsfailed:
                kept = Path(__file__).resolve().parents[2] / ".cache" / f"prism-{target}.log"
                kept.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(server.log_path, kept)
                KEPT_LOGS.append(kept)
            server.log_path.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def description(targets: Targets) -> Description:
    return targets.description(DOTCOM)


@pytest.fixture(scope="session")
def prism(targets: Targets) -> Prism:
    return targets.prism(DOTCOM)


@pytest.fixture(scope="session")
def wire() -> WireSession:
    return WireSession()


@pytest.fixture(scope="session")
def prism_client(targets: Targets) -> octo.Octo:
    return targets.client(DOTCOM)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if ANSWER_TROUBLE:
        kinds = Counter(trouble[0].split(" at ")[0] for _, trouble in ANSWER_TROUBLE)
        terminalreporter.write_line(
            f"contract: {len(ANSWER_TROUBLE)} valid request(s) got no usable example answer from Prism "
            f"(not octo's fault): " + ", ".join(f"{k} x{n}" for k, n in kinds.most_common()))
    for path in KEPT_LOGS:
        terminalreporter.write_line(f"Prism's log of this run: {path}")
