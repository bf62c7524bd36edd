"""The "Secrets" rule of reliability.md: a planted sentinel token never shows
in a repr, an exception, its traceback or the log, whatever goes wrong."""

from __future__ import annotations

import logging
import pickle
import traceback
from collections.abc import Callable, Iterator

import pytest
import requests
from conftest import SENTINEL, FakeClock
from server import Reply, ScriptedServer

import octo

RATE_LIMITED = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1900000000",
                "x-ratelimit-resource": "core"}


def failures(server: ScriptedServer) -> Iterator[tuple[str, Callable[[], object]]]:
    """One call for each way a call can fail, with the server scripted for it."""
    client = octo.Octo(SENTINEL, base_url=server.url, retries=0)
    gone = ScriptedServer()
    gone.__enter__()
    gone.__exit__()
    cases: list[tuple[str, Reply | None, Callable[[], object]]] = [
        ("404", Reply(404, json={"message": "Not Found"}), lambda: client.repos.get("o", "r")),
        ("422", Reply(422, json={"message": "Validation Failed", "errors": [{"code": "invalid"}]}),
         lambda: client.issues.create("o", "r", title="")),
        ("html 502", Reply(502, body="<html>down</html>", headers={"content-type": "text/html"}),
         lambda: client.repos.delete("o", "r")),
        ("malformed", Reply(200, body="{", headers={"content-type": "application/json"}),
         lambda: client.repos.get("o", "r")),
        ("truncated", Reply(201, json={"a": "b" * 99}, fault="truncate"),
         lambda: client.issues.create("o", "r", title="t")),
        ("reset", Reply(fault="reset"), lambda: client.issues.create("o", "r", title="t")),
        ("redirect", Reply(301, headers={"location": "/x"}),
         lambda: client.issues.create("o", "r", title="t")),
        ("refused", None,
         lambda: octo.Octo(SENTINEL, base_url=gone.url, retries=0).repos.get("o", "r")),
        ("timeout", Reply(200, json={}, delay=0.5),
         lambda: client.issues.create("o", "r", title="t", timeout=0.05)),
        ("primary", Reply(403, json={"message": "API rate limit exceeded"}, headers=RATE_LIMITED),
         lambda: client.repos.get("o", "r")),
        ("not sent", None, lambda: client.repos.get("o", "r")),
        ("secondary", Reply(429, headers={"retry-after": "99999"}),
         lambda: client.request("GET /search/code")),
        ("bad token", None, lambda: octo.Octo(SENTINEL + "\n")),
    ]
    for name, reply, call in cases:
        if reply is not None:
            server.queue(reply)
        yield name, call


def caught(call: Callable[[], object]) -> Exception:
    with pytest.raises(Exception) as info:  # noqa: B017 - every failure, whatever its type
        call()
    return info.value


def test_no_repr_or_str_shows_the_token(server: ScriptedServer, client: octo.Octo) -> None:
    server.queue(Reply(200, json={}, headers={"x-github-request-id": "R:1"}))
    response = client.repos.get("o", "r")
    objects: list[object] = [
        client, vars(client), client.repos, client._retry, client._auth_headers, response,
        response.request, response.headers, octo.default_client(),
        octo.configure(SENTINEL, base_url=server.url),
    ]
    for thing in objects:
        assert SENTINEL not in repr(thing), thing
        assert SENTINEL not in str(thing), thing


def test_a_pickled_response_holds_no_token(server: ScriptedServer, client: octo.Octo) -> None:
    response = client.repos.get("o", "r")
    copy = pickle.loads(pickle.dumps(response))
    assert SENTINEL.encode() not in pickle.dumps(response)
    assert copy.request.headers["Authorization"] == "[redacted]"
    assert (copy.status, copy.url, copy.data) == (response.status, response.url, response.data)


def test_no_exception_or_traceback_shows_the_token(
    server: ScriptedServer, client: octo.Octo, fake_clock: FakeClock
) -> None:
    seen = set()
    for name, call in failures(server):
        error = caught(call)
        seen.add(type(error))
        texts = [str(error), repr(error), "".join(traceback.format_exception(error))]
        request = getattr(error, "request", None)
        texts += [repr(request), str(getattr(request, "headers", ""))]
        if name != "bad token":  # the bad token is a local of the constructor
            # As pytest --showlocals, debuggers and error trackers show it:
            texts.append("".join(traceback.TracebackException.from_exception(
                error, capture_locals=True).format()))
        for text in texts:
            assert SENTINEL not in text, (name, text)
    assert {octo.NotFoundError, octo.ValidationFailedError, octo.ServerError,
            octo.InvalidResponseError, octo.TransportError, octo.RedirectError,
            octo.PrimaryRateLimitError, octo.SecondaryRateLimitError, ValueError} <= seen


def test_no_log_line_at_any_level_shows_the_token(
    server: ScriptedServer, client: octo.Octo, fake_clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # the root logger: octo, urllib3, everything
    server.queue(Reply(502), Reply(200, json={}))
    client.repos.get("o", "r")  # a retried call logs a wait
    for _name, call in failures(server):
        caught(call)
    assert any(r.name == "urllib3.connectionpool" for r in caplog.records)
    assert {r.levelno for r in caplog.records if r.name == "octo"} == {logging.DEBUG, logging.WARNING}
    for record in caplog.records:
        assert SENTINEL not in record.getMessage()
        assert SENTINEL not in repr(record.args)
    assert SENTINEL not in caplog.text


def test_a_signed_storage_url_keeps_its_signature_out_of_logs_and_errors(
    server: ScriptedServer, client: octo.Octo, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with ScriptedServer() as storage:
        signed = f"{storage.url}/blob?X-Amz-Expires=300&X-Amz-Signature={SENTINEL}&sig={SENTINEL}"
        server.queue(Reply(302, headers={"location": signed}), Reply(302, headers={"location": signed}))
        storage.queue(Reply(200, body=b"PK\x03\x04", headers={"content-type": "application/zip"}),
                      Reply(403, body="<Error>Request has expired</Error>",
                            headers={"content-type": "application/xml"}))
        response = client.repos.get("o", "r")
        with pytest.raises(octo.ForbiddenError) as info:
            client.repos.get("o", "r")
    assert response.url == signed  # the caller can still use it
    error = info.value
    # urllib3's own DEBUG lines show the query as sent; octo's do not.
    octo_log = "\n".join(r.getMessage() for r in caplog.records if r.name == "octo")
    assert "X-Amz-Signature=[redacted]" in octo_log
    for text in (repr(response), repr(response.request), str(error), repr(error),
                 repr(error.request), "".join(traceback.format_exception(error)), octo_log):
        assert SENTINEL not in text
    assert "X-Amz-Signature=[redacted]" in str(error)
    assert "X-Amz-Expires=300" in str(error)


def test_credentials_a_session_adds_stay_out_of_errors(server: ScriptedServer) -> None:
    # A proxy login, a cookie, an API key in a header or a `key=` query: each is a credential.
    session = requests.Session()
    session.headers.update({"Proxy-Authorization": f"Basic {SENTINEL}", "X-Api-Key": SENTINEL})
    session.cookies.set("session", SENTINEL)
    server.queue(Reply(404, json={"message": "Not Found"}))
    client = octo.Octo(base_url=server.url, session=session)
    with pytest.raises(octo.NotFoundError) as info:
        client.request("GET /repos/{owner}/{repo}", path={"owner": "o", "repo": "r"},
                       query={"key": SENTINEL, "per_page": 5})
    sent = server.requests[0]
    assert SENTINEL in sent.headers["proxy-authorization"] and SENTINEL in sent.headers["cookie"]
    error = info.value
    for text in (str(error), repr(error), repr(error.request), repr(dict(error.request.headers)),
                 "".join(traceback.format_exception(error))):
        assert SENTINEL not in text, text
    assert "key=[redacted]" in error.request.url and "per_page=5" in error.request.url
