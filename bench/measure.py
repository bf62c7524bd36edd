"""The measurements. Each returns raw samples; report.py takes medians.

Peers are always measured in the same run, interleaved: each round visits
every peer once, in a fresh random order, so drift (CPU frequency, a noisy
neighbour) lands on all of them alike.
"""

from __future__ import annotations

import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from bench.peers import TOKEN

ROOT = Path(__file__).resolve().parent.parent

# Server and clients on different cores when there are two, so the server's
# work never competes with the client being measured.
SERVER_CPU, CLIENT_CPU = (1, 0) if (os.cpu_count() or 1) >= 2 else (None, None)


def child_env() -> dict[str, str]:
    """The environment of every measured process: no proxies, no real token."""
    env = {k: v for k, v in os.environ.items()
           if k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
           and k not in ("GITHUB_TOKEN", "GH_TOKEN", "GITHUB_API_URL")
           and not k.startswith("MAKE") and k != "MFLAGS"}
    env["NO_PROXY"] = "127.0.0.1,localhost"
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # warm bytecode caches, as a user's are
    if CLIENT_CPU is not None:
        env["BENCH_CLIENT_CPU"] = str(CLIENT_CPU)
    return env


def _python(code: str, python: str = sys.executable) -> str:
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, env=child_env(),
                          cwd=ROOT, timeout=120, check=False)
    if done.returncode:
        raise RuntimeError(f"{code!r} failed: {done.stderr.strip()[-500:]}")
    return done.stdout


def _pinned(code: str) -> str:
    if CLIENT_CPU is None:
        return code
    return f"import os; os.sched_setaffinity(0, {{{CLIENT_CPU}}})\n" + code


# -- import ---------------------------------------------------------------------------


def imports(modules: Sequence[str], runs: int, warm: bool = True,
            ) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Wall and CPU seconds of `python -c "import X"` per run; `python -c pass` as `(python)`.

    CPU (user + system of the child) is less disturbed than wall time by
    whatever else the machine runs.
    """
    targets = ["(python)", *modules]
    samples: dict[str, list[float]] = {t: [] for t in targets}
    cpu: dict[str, list[float]] = {t: [] for t in targets}
    for target in targets if warm else ():  # fill the bytecode caches, unmeasured
        _python("pass" if target == "(python)" else f"import {target}")
    for _ in range(runs):
        for target in random.sample(targets, len(targets)):
            code = "pass" if target == "(python)" else f"import {target}"
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            _python(code)
            samples[target].append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[target].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return samples, cpu


_AFTER_REQUESTS = """
import time, requests
started = time.perf_counter()
import octo
print(time.perf_counter() - started)
"""


def octo_after_requests(runs: int) -> list[float]:
    """Seconds `import octo` takes in a process that has imported requests: octo's own share."""
    return [float(_python(_pinned(_AFTER_REQUESTS))) for _ in range(runs)]


_FIRST_REPOS = f"""
import os, time
os.environ["GITHUB_TOKEN"] = {TOKEN!r}
import octo
started = time.perf_counter()
octo.repos
print(time.perf_counter() - started)
"""


def first_repos(runs: int, warm: bool = True) -> list[float]:
    """Seconds from `import octo` done to `octo.repos` returned (default client + namespace)."""
    if warm:
        _python(_FIRST_REPOS)
    return [float(_python(_pinned(_FIRST_REPOS))) for _ in range(runs)]


# -- memory ---------------------------------------------------------------------------

_RSS = "import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"

MEMORY_PROGRAMS = {
    "requests": "import requests\n" + _RSS,
    "octo": f"""
import octo
from octo.rest import NAMESPACES
client = octo.Octo({TOKEN!r})
for name in NAMESPACES:
    getattr(client, name)
{_RSS}""",
    # PyGithub's API is a class per module (Repository, Organization, ...): all of them.
    "pygithub": f"""
import importlib, pkgutil
import github
client = github.Github(auth=github.Auth.Token({TOKEN!r}))
for module in pkgutil.iter_modules(github.__path__):
    importlib.import_module("github." + module.name)
{_RSS}""",
    "githubkit": f"""
from functools import cached_property
from githubkit import GitHub
client = GitHub({TOKEN!r})
namespace = client.rest()
for name, value in vars(type(namespace)).items():
    if isinstance(value, cached_property):
        getattr(namespace, name)
{_RSS}""",
    "ghapi": f"""
from ghapi.all import GhApi
client = GhApi(token={TOKEN!r})
for name in client.groups:
    getattr(client, name)
{_RSS}""",
}


def memory(keys: Sequence[str], runs: int) -> dict[str, list[int]]:
    """Peak RSS in KiB after importing and touching every namespace."""
    samples: dict[str, list[int]] = {k: [] for k in keys}
    for _ in range(runs):
        for key in random.sample(list(keys), len(keys)):
            samples[key].append(int(_python(MEMORY_PROGRAMS[key])))
    return samples


# -- the loopback server and the client workers ----------------------------------------


@contextmanager
def server(items: int) -> Iterator[str]:
    """Start bench/server.py in its own process; yield its base URL."""
    command = [sys.executable, "-m", "bench.server", "--items", str(items), "--max-seconds", "1800"]
    if SERVER_CPU is not None:
        command += ["--cpu", str(SERVER_CPU)]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                               env=child_env(), cwd=ROOT)
    try:
        assert process.stdout is not None
        base = process.stdout.readline().strip()
        if not base.startswith("http://"):
            raise RuntimeError("bench server did not start")
        yield base
    finally:
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Worker:
    """A `bench.worker` process; `run(n)` returns (cpu, wall) seconds for n units."""

    def __init__(self, args: Sequence[str]) -> None:
        # A file, not a pipe: a client that warns on every call must not fill
        # a pipe nobody reads and stall.
        self.stderr = tempfile.TemporaryFile("w+")
        self.process = subprocess.Popen([sys.executable, "-m", "bench.worker", *args],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=self.stderr, text=True, env=child_env(), cwd=ROOT)
        line = self._stdout.readline().strip()
        if line != "ready":
            reason = self._stderr_tail() or f"worker {args[1]} failed to start"
            self.close()
            raise RuntimeError(reason)

    @property
    def _stdout(self) -> IO[str]:
        assert self.process.stdout is not None
        return self.process.stdout

    def _stderr_tail(self) -> str:
        self.process.wait(10)
        self.stderr.seek(0)
        lines = self.stderr.read().strip().splitlines()
        return lines[-1] if lines else ""

    def run(self, n: int) -> tuple[float, float]:
        assert self.process.stdin is not None
        self.process.stdin.write(f"{n}\n")
        self.process.stdin.flush()
        line = self._stdout.readline()
        if not line:
            raise RuntimeError(f"worker died: {self._stderr_tail()}")
        cpu, wall = line.split()
        return float(cpu), float(wall)

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.stderr.close()


def interleaved(workers: dict[str, Worker], rounds: int, round_seconds: float, max_units: int,
                ) -> tuple[dict[str, list[float]], dict[str, list[float]], dict[str, int]]:
    """CPU and wall seconds per unit, one sample per worker per round.

    Each worker's units per round are calibrated once so that a round costs it
    about `round_seconds` of wall time (at least one unit, at most `max_units`),
    and cut for a worker whose round took over twice that.
    """
    units: dict[str, int] = {}
    for key, worker in workers.items():
        # Calibrated on a warm client: a first unit pays for connecting and lazy imports,
        # and rounds sized by it would be a fraction of `round_seconds`, so noisier.
        _, wall = worker.run(1)
        n = max(1, min(max_units, int(0.1 * round_seconds / max(wall, 1e-6))))
        _, wall = worker.run(n)
        units[key] = max(1, min(max_units, int(round_seconds * n / max(wall, 1e-6))))
    cpu: dict[str, list[float]] = {k: [] for k in workers}
    wall: dict[str, list[float]] = {k: [] for k in workers}
    for _ in range(rounds):
        for key in random.sample(list(workers), len(workers)):
            c, w = workers[key].run(units[key])
            cpu[key].append(c / units[key])
            wall[key].append(w / units[key])
            if w > 2 * round_seconds:
                # A client whose calls grow dearer as it goes (githubkit's default cache) would
                # make each round longer than the last: fewer units, so a run stays bounded.
                units[key] = max(1, int(units[key] * round_seconds / w))
    return cpu, wall, units


def start_workers(specs: dict[str, list[str]]) -> tuple[dict[str, Worker], dict[str, str]]:
    """Start each worker; a worker that cannot start is reported, not fatal."""
    workers: dict[str, Worker] = {}
    failed: dict[str, str] = {}
    for key, args in specs.items():
        try:
            workers[key] = Worker(args)
        except RuntimeError as exc:
            failed[key] = str(exc)
    return workers, failed


# -- codegen ---------------------------------------------------------------------------


def make_target_exists(target: str) -> bool:
    # Not `make -n`: a folder of the same name (spec/) "exists" without a rule.
    text = (ROOT / "Makefile").read_text()
    return re.search(rf"^{re.escape(target)}\s*:(?!=)", text, re.MULTILINE) is not None


def make_wall(target: str, runs: int) -> list[float]:
    """Wall seconds of `make <target>` per run, after one unmeasured run."""
    samples = []
    for i in range(runs + 1):
        started = time.perf_counter()
        done = subprocess.run(["make", "-s", target], capture_output=True, text=True, cwd=ROOT,
                              env=child_env(), timeout=600, check=False)
        elapsed = time.perf_counter() - started
        if done.returncode:
            raise RuntimeError(f"make {target} failed: {done.stderr.strip()[-500:]}")
        if i:
            samples.append(elapsed)
    return samples


# -- concurrency ------------------------------------------------------------------------

_CONCURRENT = """
import asyncio, sys, time
base, kind = sys.argv[1], sys.argv[2]
TOKEN = "ghp_" + "0" * 36

async def octo_async():
    import octo
    async with octo.AsyncOcto(TOKEN, base_url=base, max_connections=100) as gh:
        await gh.repos.get("o", "r")
        started = time.perf_counter()
        await asyncio.gather(*(gh.repos.get("o", "r") for _ in range(500)))
        return time.perf_counter() - started

async def aiohttp_raw():
    import aiohttp
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100)) as session:
        async def one():
            async with session.get(base + "/repos/o/r") as answer:
                return await answer.json()
        await one()
        started = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(500)))
        return time.perf_counter() - started

print(asyncio.run({"octo_async": octo_async, "aiohttp": aiohttp_raw}[kind]()))
"""


def concurrency(kinds: Sequence[str], runs: int) -> dict[str, list[float]]:
    """Wall seconds of 500 concurrent `repos.get` at 100 connections against a
    server that answers each after 100 ms (one after another: 50 s)."""
    command = [sys.executable, "-m", "bench.server", "--items", "100", "--delay", "0.1", "--max-seconds", "600"]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                               env=child_env(), cwd=ROOT)
    samples: dict[str, list[float]] = {k: [] for k in kinds}
    try:
        assert process.stdout is not None
        base = process.stdout.readline().strip()
        for _ in range(runs):
            for kind in kinds:
                done = subprocess.run([sys.executable, "-c", _CONCURRENT, base, kind], capture_output=True,
                                      text=True, env=child_env(), cwd=ROOT, timeout=120, check=True)
                samples[kind].append(float(done.stdout))
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(10)
    return samples


# -- type checkers ---------------------------------------------------------------------

TYPED_SCRIPT = ROOT / "tests" / "typing" / "scripts" / "typed.py"
CHECKERS = {
    # mypy is octo's dev dependency (its .venv), pyright comes from tests/typing (`make pyright`).
    "mypy": [str(ROOT / ".venv" / "bin" / "python"), "-m", "mypy", "--strict", "--config-file", os.devnull,
             "--cache-dir", "{cache}", "typed.py"],
    "pyright": [str(ROOT / "tests" / "typing" / "node_modules" / ".bin" / "pyright"),
                "--pythonpath", str(ROOT / ".venv" / "bin" / "python"), "typed.py"],
}


def checker_missing(name: str) -> str | None:
    return None if Path(CHECKERS[name][0]).exists() else f"{CHECKERS[name][0]} is missing (make venv pyright)"


def typecheck(name: str, runs: int) -> dict[str, list[float]]:
    """Wall and CPU seconds of a cold run (no cache) of checker `name` on
    tests/typing/scripts/typed.py, with octo found as a library, as a user has it."""
    wall, cpu = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / "typed.py").write_text(TYPED_SCRIPT.read_text())
            args = [a.replace("{cache}", str(Path(folder) / "cache")) for a in CHECKERS[name]]
            env = {**child_env(), "MYPYPATH": str(ROOT), "PYTHONPATH": str(ROOT)}
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = subprocess.run(args, cwd=folder, env=env, capture_output=True, text=True, timeout=600,
                                  check=False)
            wall.append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
            if done.returncode:
                raise RuntimeError(f"{name} found errors in {TYPED_SCRIPT.name}: {done.stdout[-500:]}")
    return {"wall": wall, "cpu": cpu}
