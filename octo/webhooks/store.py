"""Which deliveries already ran: the duplicate check of `octo.Webhooks`.

A store has two methods, so that a shared one (Redis: `SET key 1 NX PX window`
and `DEL key`) backs it as well as this process's memory. Either may be a
coroutine function; `Webhooks.areceive` awaits what they return.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Protocol

__all__ = ["DeliveryStore", "MemoryDeliveryStore"]


class DeliveryStore(Protocol):
    def claim(self, delivery_id: str, window: float) -> bool | Awaitable[bool]:
        """Mark `delivery_id` as taken for `window` seconds; False when it
        already was (it ran, or runs now, within its window)."""
        ...

    def release(self, delivery_id: str) -> None | Awaitable[None]:
        """Forget `delivery_id`: its handlers failed, so a redelivery must run."""
        ...


class MemoryDeliveryStore:
    """The deliveries of the last `window` seconds in this process, at most
    `max_entries` of them (the oldest go first)."""

    def __init__(self, max_entries: int = 100_000, *, clock: Callable[[], float] = time.monotonic) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.max_entries = max_entries
        self._clock = clock
        self._until: OrderedDict[str, float] = OrderedDict()  # id -> end of its window, oldest first
        self._lock = threading.Lock()

    def claim(self, delivery_id: str, window: float) -> bool:
        now = self._clock()
        with self._lock:
            while self._until and next(iter(self._until.values())) <= now:
                self._until.popitem(last=False)  # the oldest window is over
            until = self._until.get(delivery_id)
            if until is not None and until > now:
                return False
            self._until[delivery_id] = now + window
            self._until.move_to_end(delivery_id)
            while len(self._until) > self.max_entries:
                self._until.popitem(last=False)
            return True

    def release(self, delivery_id: str) -> None:
        with self._lock:
            self._until.pop(delivery_id, None)

    def __len__(self) -> int:
        return len(self._until)
