from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

import octo
from contract.cassettes import PLACEHOLDER_TOKEN
from contract.openapi import Description, DescriptionMissing, find_description
from contract.prism import Prism, PrismUnavailable
from contract.wire import WireSession

KEPT_LOGS: list[Path] = []
# Calls whose request passed but whose answer Prism could not give (GitHub's
# example fails GitHub's schema, a media type Prism cannot serialize).
ANSWER_TROUBLE: list[tuple[str, list[str]]] = []


@pytest.fixture(scope="session")
def description() -> Description:
    try:
        return Description(find_description())
    except DescriptionMissing as exc:
        problem = str(exc)
    pytest.fail(problem, pytrace=False)


@pytest.fixture(scope="session")
def prism(request: pytest.FixtureRequest, description: Description,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Prism]:
    """One Prism for the whole session; its log is kept only if a test failed."""
    log = tmp_path_factory.mktemp("prism") / "prism.log"
    server = Prism(description.path, log)
    try:
        server.start()
    except PrismUnavailable as exc:
        problem = str(exc)
    else:
        problem = ""
    if problem:
        # A failure, never a skip: CI must not pass without the contract suite.
        pytest.fail(problem, pytrace=False)
    try:
        yield server
    finally:
        server.stop()
        if request.session.testsfailed:
            kept = Path(__file__).resolve().parents[2] / ".cache" / "prism.log"
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(log, kept)
            KEPT_LOGS.append(kept)
        else:
            log.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def wire() -> WireSession:
    return WireSession()


@pytest.fixture(scope="session")
def prism_client(prism: Prism, wire: WireSession) -> Iterator[octo.Octo]:
    with octo.Octo(PLACEHOLDER_TOKEN, base_url=prism.url, session=wire) as client:
        yield client


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if ANSWER_TROUBLE:
        kinds = Counter(trouble[0].split(" at ")[0] for _, trouble in ANSWER_TROUBLE)
        terminalreporter.write_line(
            f"contract: {len(ANSWER_TROUBLE)} valid request(s) got no usable example answer from Prism "
            f"(not octo's fault): " + ", ".join(f"{k} x{n}" for k, n in kinds.most_common()))
    for path in KEPT_LOGS:
        terminalreporter.write_line(f"Prism's log of this run: {path}")
