"""What each OS process of the store tests runs (spawned: a fresh
interpreter, so no test fixture of the parent reaches it)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import octo


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append((record.levelname, record.getMessage()))


def client(spec: dict[str, Any]) -> Any:
    """The worker's client: `Octo`, or `AsyncOcto` if `spec["client"]` is "async"."""
    store = octo.RedisStore(spec["redis"], namespace=spec.get("namespace", "test"),
                            encryption_key=spec.get("key"), timeout=spec.get("timeout", 0.5),
                            write_interval=spec.get("write_interval", 0.0))
    kind = octo.AsyncOcto if spec.get("client") == "async" else octo.Octo
    if "app_id" in spec:
        auth = octo.AppAuth(spec["app_id"], spec["pem"], installation_id=42)
        return kind(auth=auth, base_url=spec["base"], store=store, retries=spec.get("retries", 3))
    return kind(spec["token"], base_url=spec["base"], store=store, retries=spec.get("retries", 3))


def requester(gh: Any) -> Callable[[str], Any]:
    """A blocking `request` of either client (one event loop for all an AsyncOcto's calls)."""
    if isinstance(gh, octo.Octo):
        return gh.request  # type: ignore[no-any-return]
    loop = asyncio.new_event_loop()
    return lambda route: loop.run_until_complete(gh.request(route))


def run(spec: dict[str, Any], ready: Any, start: Any, results: Any) -> None:
    """Set `ready`, then make the calls `spec["calls"]` names once `start`
    is set; put what each answered, and the octo log, on `results`."""
    records = _Records()
    logging.getLogger("octo").addHandler(records)
    logging.getLogger("octo").setLevel(logging.INFO)
    request = requester(client(spec))
    outcomes: list[Any] = []
    try:
        ready.set()
        if not start.wait(30):
            raise AssertionError("never started")
        for method, path in spec["calls"]:
            try:
                outcomes.append(request(f"{method} {path}").status)
            except octo.OctoError as error:
                outcomes.append(type(error).__name__)
            time.sleep(spec.get("pause", 0.0))
    finally:
        results.put((spec.get("name"), outcomes, records.lines))
