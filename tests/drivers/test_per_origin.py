"""octo.drivers.per_origin: what is read once per origin, shared by threads."""

from __future__ import annotations

import sys
import threading
import time

from octo.drivers.per_origin import PerOrigin


def test_each_origin_is_read_once_and_a_longer_host_is_another_origin() -> None:
    read: list[str] = []
    settings = PerOrigin(lambda url: read.append(url) or url.split("/")[2])
    got = [settings(url) for url in ("http://a/x", "http://a/y", "http://a", "http://a.b/x", "http://a:81/x",
                                     "http://a/z")]
    assert got == ["a", "a", "a", "a.b", "a:81", "a"]
    assert read == ["http://a/x", "http://a.b/x", "http://a:81/x"]


def test_threads_sharing_it_each_get_their_own_origins_settings() -> None:
    settings = PerOrigin(lambda url: url.split("/")[2])
    wrong: list[tuple[str, str]] = []

    def hammer(url: str, host: str) -> None:
        end = time.monotonic() + 0.5
        while time.monotonic() < end and not wrong:
            for _ in range(200):
                got = settings(url)
                if got != host:
                    wrong.append((url, got))

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as the interpreter can
    try:
        threads = [threading.Thread(target=hammer, args=(f"https://{host}/x", host))
                   for host in ("a.example", "b.example")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert wrong == []
