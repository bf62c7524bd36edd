"""The total time of each attempt on the async driver, on loop timers shared
between calls.

`asyncio.timeout` (or aiohttp's `total`) arms and cancels one loop timer per
request: a sixth of what the async client added to aiohttp's own instructions
per call (callgrind, on the bench's loopback server). Here a deadline of 5 s or
more is rounded up to the loop's next whole second, as aiohttp rounds its own,
and every call due in that second shares one timer; a call that ends first
only leaves its second's set, and the timer of a second no call is left in is
cancelled unless it is the newest (the next call takes it). A shorter deadline
keeps a timer of its own. Expiry is what `asyncio.timeout` does: the task is
cancelled, and the cancellation is taken back (`Task.uncancel`) when the
deadline leaves, so that the caller can raise its own timeout error instead.
"""

from __future__ import annotations

import asyncio
import math

# From this many seconds on a deadline is rounded up to a whole second (aiohttp's own threshold).
ROUNDED_FROM = 5.0


class Deadlines:
    """The deadlines of the calls running on one event loop."""

    __slots__ = ("loop", "_due", "_newest")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self._due: dict[float, _Second] = {}
        self._newest = 0.0  # the latest shared second: kept while empty, for the next call

    def start(self, seconds: float | None) -> Deadline:
        """A deadline `seconds` from now for the current task (None: not yet set, see `Deadline.reschedule`)."""
        task = asyncio.current_task(self.loop)
        if task is None:
            raise RuntimeError("an AsyncOcto call runs inside a task")
        deadline = Deadline(self, task)
        if seconds is not None:
            self.enter(deadline, seconds)
        return deadline

    def enter(self, deadline: Deadline, seconds: float) -> None:
        when = self.loop.time() + seconds
        shared = seconds >= ROUNDED_FROM
        if shared:
            when = math.ceil(when)
        second = self._due.get(when)
        if second is None:
            if shared:
                newest, self._newest = self._newest, when
                self._drop_if_idle(newest)
            second = self._due[when] = _Second()
            second.timer = self.loop.call_at(when, self._expire, when)
        second.members.add(deadline)
        deadline.when = when

    def leave(self, deadline: Deadline) -> None:
        when = deadline.when
        if when is None:  # not set yet, or already left or expired
            return
        deadline.when = None
        second = self._due.get(when)
        if second is None:
            return
        second.members.discard(deadline)
        if when != self._newest:
            # The newest shared second's timer stays armed while empty, so that calls
            # one after another keep using the one timer; any other empty one goes.
            self._drop_if_idle(when)

    def _drop_if_idle(self, when: float) -> None:
        second = self._due.get(when)
        if second is not None and not second.members:
            del self._due[when]
            second.timer.cancel()

    def close(self) -> None:
        """Cancel the timers no call is waiting on (the client is closed)."""
        for when in list(self._due):
            self._drop_if_idle(when)

    def _expire(self, when: float) -> None:
        second = self._due.pop(when, None)
        if second is not None:
            for deadline in second.members:
                deadline.expired = True
                deadline.when = None
                deadline.task.cancel()


class _Second:
    __slots__ = ("members", "timer")

    def __init__(self) -> None:
        self.members: set[Deadline] = set()
        self.timer: asyncio.TimerHandle


class Deadline:
    """One call's deadline, started by `Deadlines.start` and ended by `stop`."""

    __slots__ = ("_deadlines", "task", "_cancelling", "when", "expired", "stopped")

    def __init__(self, deadlines: Deadlines, task: asyncio.Task[object]) -> None:
        self._deadlines = deadlines
        self.task = task
        self._cancelling = task.cancelling()
        self.when: float | None = None  # when it is due, while it is pending
        self.expired = False
        self.stopped = False

    def reschedule(self, seconds: float) -> None:
        """Due `seconds` from now instead (an upload's answer, once its body has gone)."""
        if self.stopped:  # the call is over: its upload body may still be read after an early answer
            return
        self._deadlines.leave(self)
        if not self.expired:
            self._deadlines.enter(self, seconds)

    def stop(self) -> bool:
        """End it; True if it ran out and its cancellation is the only one of
        the task, which the caller turns into its own timeout error."""
        self.stopped = True
        self._deadlines.leave(self)
        if not self.expired:
            return False
        self.expired = False
        return self.task.uncancel() <= self._cancelling
