"""Start and stop Prism, the mock server that enforces GitHub's OpenAPI description.

Prism is installed from tests/contract/package-lock.json by `make prism`
(`npm ci` into tests/contract/node_modules); nothing is installed globally.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType

HERE = Path(__file__).resolve().parent
BINARY = HERE / "node_modules" / ".bin" / "prism"
CACHE = HERE.parents[1] / ".cache" / "openapi"
RELAXED_FORMAT = 2  # bump when for_prism() changes what it writes
START_TIMEOUT = 110.0  # 20-45 s here; below pytest-timeout, so the reason is ours


def for_prism(description: Path) -> Path:
    """The copy of the description that Prism loads: the request side exactly
    as published, every response schema replaced by `{}`.

    With --errors Prism also checks each mocked answer against GitHub's
    response schemas: seconds per operation for what the suite does not test,
    and some of GitHub's own examples fail them. Every answer Prism gives is
    an example from the description (each first 2xx answer has one), so
    nothing else changes. Kept in .cache/openapi, named by the original's
    sha256, and made again when that changes.
    """
    digest = hashlib.sha256(description.read_bytes()).hexdigest()[:16]
    target = CACHE / f"{description.stem}.prism-v{RELAXED_FORMAT}-{digest}.json"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    doc = json.loads(description.read_text(encoding="utf-8"))
    responses = doc.get("components", {}).get("responses", {})
    for item in doc["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict):
                for answer in operation.get("responses", {}).values():
                    _relax(answer)
    for answer in responses.values():
        _relax(answer)
    # GHEC's description has examples that `$ref` YAML files it does not ship; Prism would
    # refuse to start. An example is never part of what a request is checked against.
    drop_external_refs(doc.get("components", {}).get("examples", {}))
    partial = target.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps(doc), encoding="utf-8")
    partial.replace(target)
    return target


def drop_external_refs(node: object) -> None:
    """Replace every `{"$ref": "file.yaml"}` under `node` (a ref outside the document) by `{}`."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in list(items):
        if isinstance(value, dict) and isinstance(value.get("$ref"), str) and not value["$ref"].startswith("#"):
            node[key] = {}  # type: ignore[index]
        else:
            drop_external_refs(value)


def _relax(answer: dict[str, object]) -> None:
    content = answer.get("content")
    if isinstance(content, dict):
        for media in content.values():
            if isinstance(media, dict) and "schema" in media:
                media["schema"] = {}


class PrismUnavailable(Exception):
    """Prism cannot run here; the message says what to install or run."""


def check_installed() -> Path:
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise PrismUnavailable(
            "the contract tests need Node.js (>= 18) and npm to run Prism: install them "
            "(Debian: `apt-get install nodejs npm`), then run `make prism`"
        )
    if not BINARY.exists():
        raise PrismUnavailable(
            f"Prism is not installed at {BINARY}: run `make prism` "
            "(npm ci --prefix tests/contract, from the lockfile)"
        )
    return BINARY


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Prism:
    """`prism mock --errors` on a free loopback port, as a context manager.

    Its output goes to `log_path`; `url` is set once it answers.
    """

    def __init__(self, description: Path, log_path: Path) -> None:
        self.description = description
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self._process: subprocess.Popen[bytes] | None = None
        self.started_in = 0.0

    def start(self) -> Prism:
        binary = check_installed()
        started = time.monotonic()
        env = {**os.environ, "SCARF_ANALYTICS": "false", "DO_NOT_TRACK": "1"}
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "wb") as log:
            # Own process group, so stopping it also stops any child node spawns.
            self._process = subprocess.Popen(
                [str(binary), "mock", "--errors", "-h", "127.0.0.1", "-p", str(self.port),
                 str(for_prism(self.description))],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env=env, start_new_session=True,
            )
        try:
            self._wait_ready(started)
        except BaseException:
            self.stop()
            raise
        self.started_in = time.monotonic() - started
        return self

    def _wait_ready(self, started: float) -> None:
        assert self._process is not None
        while time.monotonic() - started < START_TIMEOUT:
            if self._process.poll() is not None:
                raise PrismUnavailable(
                    f"Prism exited with status {self._process.returncode} while starting; "
                    f"log: {self.log_path}\n{self.log_tail()}"
                )
            if b"Prism is listening" in self.log_path.read_bytes()[-4096:]:
                try:
                    socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                    return
                except OSError:
                    pass
            time.sleep(0.25)
        raise PrismUnavailable(
            f"Prism did not answer within {START_TIMEOUT:.0f} s; log: {self.log_path}\n{self.log_tail()}"
        )

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        except ProcessLookupError:
            pass

    def __enter__(self) -> Prism:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
