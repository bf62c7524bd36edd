"""What each OS process of the store tests runs (spawned: a fresh
interpreter, so no test fixture of the parent reaches it)."""

from __future__ import annotations

import logging
import time
from typing import Any

import octo


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append((record.levelname, record.getMessage()))


def client(spec: dict[str, Any]) -> octo.Octo:
    store = octo.RedisStore(spec["redis"], namespace=spec.get("namespace", "test"),
                            encryption_key=spec.get("key"), timeout=spec.get("timeout", 0.5),
                            write_interval=spec.get("write_interval", 0.0))
    if "app_id" in spec:
        auth = octo.AppAuth(spec["app_id"], spec["pem"], installation_id=42)
        return octo.Octo(auth=auth, base_url=spec["base"], store=store, retries=spec.get("retries", 3))
    return octo.Octo(spec["token"], base_url=spec["base"], store=store, retries=spec.get("retries", 3))


def run(spec: dict[str, Any], ready: Any, start: Any, results: Any) -> None:
    """Set `ready`, then make the calls `spec["calls"]` names once `start`
    is set; put what each answered, and the octo log, on `results`."""
    records = _Records()
    logging.getLogger("octo").addHandler(records)
    logging.getLogger("octo").setLevel(logging.INFO)
    gh = client(spec)
    outcomes: list[Any] = []
    try:
        ready.set()
        if not start.wait(30):
            raise AssertionError("never started")
        for method, path in spec["calls"]:
            try:
                outcomes.append(gh.request(f"{method} {path}").status)
            except octo.OctoError as error:
                outcomes.append(type(error).__name__)
            time.sleep(spec.get("pause", 0.0))
    finally:
        results.put((spec.get("name"), outcomes, records.lines))
