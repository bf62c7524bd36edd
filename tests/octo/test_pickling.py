"""Every exception octo defines survives pickling (ProcessPoolExecutor,
multiprocessing) with its class, message, status and request id, and
nothing secret travels with it."""

from __future__ import annotations

import importlib
import multiprocessing
import pickle
import pkgutil
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pytest
import requests
from conftest import SENTINEL
from server import Reply, ScriptedServer

import octo
from octo.core.errors import InvalidResponseError, OAuthError, OctoError, RequestError, TransportError
from octo.core.redaction import SentRequest
from octo.core.response import RateLimit, Response
from octo.graphql import ErrorItem, GraphQLError

RATE = {"x-ratelimit-limit": "5000", "x-ratelimit-remaining": "0", "x-ratelimit-used": "5000",
        "x-ratelimit-reset": "1800003600", "x-ratelimit-resource": "core",
        "x-github-request-id": "PICKLE:1", "retry-after": "30"}


def octo_exception_classes() -> list[type[BaseException]]:
    """Every exception class defined in octo's modules, found by walking them."""
    found: set[type[BaseException]] = set()
    for module_info in pkgutil.walk_packages(octo.__path__, "octo."):
        if module_info.name.endswith("__main__"):
            continue  # running it is the CLI
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, BaseException)
                    and value.__module__.startswith("octo")):
                found.add(value)
    pending = list(found)
    while pending:  # subclasses defined anywhere in octo, even if not a module attribute
        for sub in pending.pop().__subclasses__():
            if sub.__module__.startswith("octo") and sub not in found:
                found.add(sub)
                pending.append(sub)
    return sorted(found, key=lambda cls: (cls.__module__, cls.__qualname__))


def answer(status: int) -> Response:
    """An answer as the client keeps it: with the request as sent, token included."""
    prepared = requests.Request("POST", "https://api.github.com/repos/o/r/issues?access_token=" + SENTINEL,
                                headers={"Authorization": f"Bearer {SENTINEL}"}).prepare()
    headers = requests.structures.CaseInsensitiveDict(RATE)
    body = {"message": "Something", "errors": [{"resource": "Issue", "code": "invalid"}],
            "documentation_url": "https://docs.github.com/rest"}
    return Response(status, headers, body, "https://api.github.com/repos/o/r/issues", "POST", prepared)


def sent_request() -> SentRequest:
    return SentRequest.of("GET", f"https://api.github.com/x?token={SENTINEL}",
                          {"Authorization": f"Bearer {SENTINEL}", "Accept": "application/json"})


# How to make one of each, by the class whose __init__ it inherits. A class
# with an __init__ of its own fails the test below until it is added here.
BUILDERS: dict[type[BaseException], Callable[[type[Any]], BaseException]] = {
    OctoError: lambda cls: cls("something failed", status=502, request_id="PICKLE:1",
                               rate_limit=RateLimit(5000, 0, 5000, 1800003600, "core"),
                               request=sent_request()),
    TransportError: lambda cls: cls("GET https://api.github.com/x: timed out", method="GET",
                                    url="https://api.github.com/x", reason="timed out", sent=False,
                                    retriable=True, request=sent_request()),
    InvalidResponseError: lambda cls: cls("GET https://api.github.com/x: malformed JSON", status=200,
                                          request_id="PICKLE:1", body=b'{"a": ', response=answer(200),
                                          truncated=True, rate_limit=RateLimit.from_headers(RATE),
                                          request=sent_request()),
    OAuthError: lambda cls: cls("device flow: the user denied access", error="access_denied", status=200,
                                request=sent_request()),
    RequestError: lambda cls: cls(answer(403), "Something", "https://docs.github.com/rest",
                                  [{"resource": "Issue", "code": "invalid"}]),
    GraphQLError: lambda cls: cls(answer(200), [ErrorItem("NOT_FOUND", "no such repository", ("repository",),
                                                          ((1, 3),))], {"repository": None}, "query"),
}


def build(cls: type[BaseException]) -> BaseException:
    if not issubclass(cls, OctoError):
        return cls("something failed")  # one of octo's own on another base (a parser's, say)
    owner = next(c for c in cls.__mro__ if "__init__" in vars(c))
    assert owner in BUILDERS, f"{cls.__qualname__} has its own __init__; add a builder for it"
    return BUILDERS[owner](cls)


def comparable(value: Any) -> Any:
    if isinstance(value, Response):
        return (value.status, dict(value.headers), value.data, value.url, value.method, value.request)
    return value


CLASSES = octo_exception_classes()


def test_the_walk_finds_the_documented_errors() -> None:
    names = {cls.__name__ for cls in CLASSES}
    assert {"OctoError", "TransportError", "RedirectError", "InvalidResponseError", "RequestError",
            "NotFoundError", "ValidationFailedError", "PrimaryRateLimitError",
            "SecondaryRateLimitError", "ServerError"} <= names


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__qualname__)
def test_every_octo_exception_survives_pickling(cls: type[BaseException]) -> None:
    error = build(cls)
    data = pickle.dumps(error)
    assert SENTINEL.encode() not in data
    copy = pickle.loads(data)
    assert type(copy) is cls
    assert str(copy) == str(error) and copy.args == error.args
    assert vars(copy).keys() == vars(error).keys()
    if not isinstance(copy, OctoError):
        return
    assert (copy.status, copy.request_id, copy.rate_limit) == (error.status, error.request_id,
                                                               error.rate_limit)
    for name, value in vars(error).items():
        assert comparable(getattr(copy, name)) == comparable(value), name
    assert copy.request is not None and copy.request.headers["Authorization"] == "[redacted]"


def test_a_held_back_call_error_survives_pickling_too() -> None:
    error = octo.PrimaryRateLimitError.not_sent(answer(403), "GET", "https://api.github.com/x", "core")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is octo.PrimaryRateLimitError and str(copy) == str(error) and "not sent" in str(copy)
    assert (copy.reset, copy.request_id) == (1800003600, "PICKLE:1")


def test_rate_limit_snapshots_pickle() -> None:
    snapshot = RateLimit(5000, 12, 4988, 1800003600, "search")
    assert pickle.loads(pickle.dumps(snapshot)) == snapshot


def get_repo(base_url: str) -> Any:
    """Runs in a worker process."""
    return octo.Octo(SENTINEL, base_url=base_url, retries=0).repos.get("o", "r").data


def test_an_error_raised_in_a_process_pool_worker_reaches_the_caller(server: ScriptedServer) -> None:
    server.queue(Reply(404, json={"message": "Not Found", "documentation_url": "https://docs.github.com/rest"},
                       headers={"x-github-request-id": "POOL:404"}),
                 Reply(200, json={"full_name": "o/r"}))
    # spawn: a fresh interpreter, as on macOS and Windows, so nothing is shared by forking.
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        with pytest.raises(octo.NotFoundError) as info:
            pool.submit(get_repo, server.url).result(timeout=60)
        assert pool.submit(get_repo, server.url).result(timeout=60) == {"full_name": "o/r"}
    error = info.value
    assert (error.status, error.request_id, error.message) == (404, "POOL:404", "Not Found")
    assert str(error).startswith("404 Not Found (GET http://127.0.0.1:")
    assert error.request is not None and error.request.headers["Authorization"] == "[redacted]"
    assert SENTINEL not in repr(vars(error)) + str(error)
