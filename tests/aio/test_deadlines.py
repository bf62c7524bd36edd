"""The async driver's attempt deadlines (octo.drivers.deadlines): shared loop
timers that end a call on time and leave no cancellation behind."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from typing import Any

import pytest

from octo.drivers import deadlines
from octo.drivers.deadlines import Deadlines


class CountingLoop(asyncio.SelectorEventLoop):
    """A real event loop that counts the timers armed on it."""

    timers = 0

    def call_at(self, when: float, callback: Callable[..., object], *args: Any,
                context: Any = None) -> asyncio.TimerHandle:
        self.timers += 1
        return super().call_at(when, callback, *args, context=context)


def run(main: Callable[[CountingLoop], Coroutine[Any, Any, Any]]) -> Any:
    loop = CountingLoop()
    try:
        return loop.run_until_complete(main(loop))
    finally:
        loop.close()


def test_calls_due_in_the_same_second_share_one_timer() -> None:
    async def main(loop: CountingLoop) -> tuple[int, list[bool]]:
        clock = Deadlines(loop)
        before = loop.timers

        async def call() -> bool:
            deadline = clock.start(30)
            await asyncio.sleep(0)
            return deadline.stop()

        # Sequential and concurrent calls alike: 200 calls, within a second of each other.
        results = [await call() for _ in range(100)]
        results += await asyncio.gather(*(call() for _ in range(100)))
        return loop.timers - before, results

    timers, results = run(main)
    assert results == [False] * 200  # none ran out
    assert timers <= 2  # the deadlines may straddle a whole second


def test_a_short_deadline_ends_the_call_on_time_and_the_task_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    async def main(loop: CountingLoop) -> tuple[bool, float, str]:
        clock = Deadlines(loop)
        deadline = clock.start(0.2)
        started = time.monotonic()
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            pass
        took = time.monotonic() - started
        ran_out = deadline.stop()
        # Its cancellation was taken back: the task awaits as before, and asyncio.timeout
        # or a TaskGroup in it later does not take it for a task being cancelled.
        task = asyncio.current_task()
        assert task is not None and task.cancelling() == 0
        await asyncio.sleep(0.01)
        return ran_out, took, "still running"

    ran_out, took, after = run(main)
    assert ran_out and 0.15 < took < 1.0 and after == "still running"


def test_a_rounded_deadline_ends_every_call_of_its_second(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deadlines, "ROUNDED_FROM", 0.1)  # so that the test need not wait 5 s

    async def main(loop: CountingLoop) -> tuple[list[bool], float, int]:
        clock = Deadlines(loop)
        before = loop.timers
        started = time.monotonic()

        async def call() -> bool:
            deadline = clock.start(0.1)
            try:
                await asyncio.Event().wait()  # arms no timer of its own
            except asyncio.CancelledError:
                pass
            return deadline.stop()

        results = await asyncio.gather(*(call() for _ in range(20)))
        return results, time.monotonic() - started, loop.timers - before

    results, took, timers = run(main)
    assert results == [True] * 20
    assert took < 1.5  # by the next whole second of the loop's clock
    assert timers <= 2


def test_a_deadline_stopped_in_time_cancels_nothing_later() -> None:
    async def main(loop: CountingLoop) -> str:
        clock = Deadlines(loop)
        for seconds in (0.05, 30):
            deadline = clock.start(seconds)
            assert deadline.stop() is False
        await asyncio.sleep(0.2)  # past the short one's time
        return "not cancelled"

    assert run(main) == "not cancelled"


def test_a_cancel_from_outside_is_not_taken_for_the_deadline() -> None:
    async def main(loop: CountingLoop) -> tuple[bool, bool]:
        clock = Deadlines(loop)
        stopped: list[bool] = []

        async def call() -> None:
            deadline = clock.start(0.05)
            try:
                await asyncio.sleep(5)
            finally:
                stopped.append(deadline.stop())

        task = loop.create_task(call())
        await asyncio.sleep(0.01)
        task.cancel()  # the caller's own cancel, before the deadline
        with pytest.raises(asyncio.CancelledError):
            await task
        return stopped[0], task.cancelled()

    assert run(main) == (False, True)


def test_a_cancel_from_outside_after_the_deadline_ran_out_still_cancels() -> None:
    async def main(loop: CountingLoop) -> bool:
        clock = Deadlines(loop)
        task = asyncio.current_task()
        assert task is not None
        deadline = clock.start(0.05)
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            task.cancel()  # the caller cancels too, while the deadline's cancel is pending
        return deadline.stop()

    with pytest.raises(asyncio.CancelledError):
        # stop() sees two cancellations and answers False: the caller's cancel is not swallowed.
        async def outer(loop: CountingLoop) -> None:
            assert await main(loop) is False
            await asyncio.sleep(0)  # the caller's pending cancel arrives here

        run(outer)


def test_a_deadline_set_later_counts_from_then() -> None:
    async def main(loop: CountingLoop) -> tuple[bool, float]:
        clock = Deadlines(loop)
        deadline = clock.start(None)  # an upload's: not set until its body has gone
        await asyncio.sleep(0.2)
        started = time.monotonic()
        deadline.reschedule(0.1)
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            pass
        return deadline.stop(), time.monotonic() - started

    ran_out, took = run(main)
    assert ran_out and took < 0.6


def test_a_stopped_deadline_is_not_set_again() -> None:
    # An upload's body may still be read after the server answered early and the call ended.
    async def main(loop: CountingLoop) -> str:
        deadline = Deadlines(loop).start(None)
        assert deadline.stop() is False
        deadline.reschedule(0.05)
        await asyncio.sleep(0.2)  # past the time it would have had
        return "not cancelled"

    assert run(main) == "not cancelled"


def test_at_most_one_idle_timer_is_kept_armed() -> None:
    # A long-running client makes calls in second after second: the seconds no call is
    # left in give their timers up, so the loop's timer heap does not fill with them.
    async def main(loop: CountingLoop) -> tuple[int, int]:
        clock = Deadlines(loop)
        for tick in range(5):
            for _ in range(3):
                clock.start(30 + tick * 1.5).stop()
        armed = [h for h in loop._scheduled if not h.cancelled()]  # type: ignore[attr-defined]
        clock.close()
        left = [h for h in loop._scheduled if not h.cancelled()]  # type: ignore[attr-defined]
        return len(armed), len(left)

    assert run(main) == (1, 0)
