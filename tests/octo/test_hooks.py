"""gh.hook.before/after/error/wrap on both clients (Octokit's semantics)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from conftest import SENTINEL
from server import Reply, ScriptedServer

import octo


def test_before_and_after_see_a_redacted_view_of_the_call(server: ScriptedServer, client: octo.Octo) -> None:
    seen: list[Any] = []
    client.hook.before(lambda request: seen.append(("before", request)))
    client.hook.after(lambda response, request: seen.append(("after", response.status, request)))
    client.repos.create_dispatch_event("o", "r", event_type="e")
    (_, before), (_, status, after) = seen
    assert before is after and status == 200
    assert (before.method, before.url) == ("POST", f"{server.url}/repos/o/r/dispatches")
    assert before.headers["Authorization"] == "[redacted]" and SENTINEL not in repr(before.headers)
    assert before.body == b'{"event_type": "e"}'
    with pytest.raises(AttributeError):
        before.url = "elsewhere"  # type: ignore[misc]


def test_an_error_hook_may_recover_with_a_response_or_let_the_error_through(
        server: ScriptedServer, client: octo.Octo) -> None:
    server.queue(Reply(404, json={"message": "Not Found"}), Reply(404, json={"message": "Not Found"}))
    passed: list[str] = []
    client.hook.error(lambda error, request: passed.append(type(error).__name__))  # None: not handled
    client.hook.error(lambda error, request: octo.Response(200, {}, {"fallback": True}, request.url))
    assert client.repos.get("o", "r").data == {"fallback": True}
    assert passed == ["NotFoundError"]
    client.hook.remove(client.hook._error[-1])
    with pytest.raises(octo.NotFoundError):
        client.repos.get("o", "r")


def test_wrap_hooks_nest_the_last_added_outermost_and_time_the_call(
        server: ScriptedServer, client: octo.Octo) -> None:
    order: list[str] = []
    timings: list[float] = []

    def timing(send: Any, request: Any) -> Any:
        started = time.perf_counter()
        try:
            return send(request)
        finally:
            timings.append(time.perf_counter() - started)

    def outer(send: Any, request: Any) -> Any:
        order.append("outer")
        return send(request)

    client.hook.wrap(timing)
    client.hook.wrap(outer)
    client.hook.before(lambda request: order.append("before"))
    assert client.repos.get("o", "r").status == 200
    assert order == ["outer", "before"] and len(timings) == 1 and timings[0] > 0


def test_a_hook_that_raises_fails_that_call_only(server: ScriptedServer, client: octo.Octo) -> None:
    def broken(request: Any) -> None:
        raise RuntimeError("hook bug")

    client.hook.before(broken)
    with pytest.raises(RuntimeError, match="hook bug"):
        client.repos.get("o", "r")
    assert server.requests == []  # nothing was sent
    client.hook.remove(broken)
    assert client.repos.get("o", "r").status == 200
    assert client.repos.get("o", "r").status == 200


@pytest.mark.sync_only("the sync client's refusal of an async hook")
def test_the_sync_client_refuses_an_async_hook(server: ScriptedServer, client: octo.Octo) -> None:
    async def later(request: Any) -> None:
        pass

    client.hook.before(later)
    with pytest.raises(TypeError, match="AsyncOcto"):
        client.repos.get("o", "r")


@pytest.mark.parametrize("kept", ["before", "after", "error", "wrap"])
def test_removing_one_hook_leaves_the_others_of_every_kind_running(
        server: ScriptedServer, client: octo.Octo, kept: str) -> None:
    ran: list[str] = []
    hooks = {
        "before": lambda request: ran.append("before"),
        "after": lambda response, request: ran.append("after"),
        "error": lambda error, request: ran.append("error"),
        "wrap": lambda send, request: (ran.append("wrap"), send(request))[1],
    }
    getattr(client.hook, kept)(hooks[kept])
    other = "after" if kept == "before" else "before"
    getattr(client.hook, other)(hooks[other])
    client.hook.remove(hooks[other])
    server.queue(Reply(404 if kept == "error" else 200, json={}))
    try:
        client.request("GET /things")
    except octo.NotFoundError:
        pass
    assert ran == [kept]
    client.hook.remove(hooks[kept])
    client.request("GET /things")
    assert ran == [kept]  # none left: none runs


def test_an_error_hook_sees_the_error_an_earlier_one_raised_and_may_recover_from_it(
        server: ScriptedServer, client: octo.Octo) -> None:
    class Translated(Exception):
        pass

    def translate(error: Exception, request: Any) -> None:
        raise Translated(str(error))

    seen: list[str] = []

    def recover(error: Exception, request: Any) -> octo.Response:
        seen.append(type(error).__name__)
        return octo.Response(200, {}, {"recovered": True}, request.url)

    server.queue(Reply(404, json={"message": "Not Found"}))
    client.hook.error(translate)
    client.hook.error(recover)
    assert client.repos.get("o", "r").data == {"recovered": True}
    assert seen == ["Translated"]


def test_an_error_hook_returning_something_else_is_a_type_error_naming_it(
        server: ScriptedServer, client: octo.Octo) -> None:
    server.queue(Reply(404, json={"message": "Not Found"}))
    client.hook.error(lambda error, request: 7)
    with pytest.raises(TypeError, match="^an error hook returned int; it must return a Response, return None or "
                                        "raise$") as raised:
        client.repos.get("o", "r")
    assert isinstance(raised.value.__cause__, octo.NotFoundError)


def test_a_hook_request_shows_its_method_and_url_even_half_built(server: ScriptedServer, client: octo.Octo) -> None:
    seen: list[Any] = []
    client.hook.before(seen.append)
    client.repos.get("o", "r")
    assert repr(seen[0]) == f"<HookRequest GET {server.url}/repos/o/r>"
    assert repr(octo.HookRequest.__new__(octo.HookRequest)) == "<HookRequest ? ?>"
