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
from octo.core.redaction import Secret

RATE_LIMITED = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1900000000",
                "x-ratelimit-resource": "core"}


def failures(server: ScriptedServer) -> Iterator[tuple[str, type[Exception], Callable[[], object]]]:
    """One call for each way a call can fail, with the server scripted for it,
    and the error it must raise."""
    client = octo.Octo(SENTINEL, base_url=server.url, retries=0)
    gone = ScriptedServer()
    gone.__enter__()
    gone.__exit__()
    cases: list[tuple[str, Reply | None, type[Exception], Callable[[], object]]] = [
        ("404", Reply(404, json={"message": "Not Found"}), octo.NotFoundError,
         lambda: client.repos.get("o", "r")),
        ("422", Reply(422, json={"message": "Validation Failed", "errors": [{"code": "invalid"}]}),
         octo.ValidationFailedError, lambda: client.issues.create("o", "r", title="")),
        ("html 502", Reply(502, body="<html>down</html>", headers={"content-type": "text/html"}),
         octo.ServerError, lambda: client.repos.delete("o", "r")),
        ("malformed", Reply(200, body="{", headers={"content-type": "application/json"}),
         octo.InvalidResponseError, lambda: client.repos.get("o", "r")),
        ("truncated", Reply(201, json={"a": "b" * 99}, fault="truncate"), octo.InvalidResponseError,
         lambda: client.issues.create("o", "r", title="t")),
        ("reset", Reply(fault="reset"), octo.TransportError, lambda: client.issues.create("o", "r", title="t")),
        ("redirect", Reply(301, headers={"location": "/x"}), octo.RedirectError,
         lambda: client.issues.create("o", "r", title="t")),
        ("refused", None, octo.TransportError,
         lambda: octo.Octo(SENTINEL, base_url=gone.url, retries=0).repos.get("o", "r")),
        ("timeout", Reply(200, json={}, delay=0.5), octo.TransportError,
         lambda: client.issues.create("o", "r", title="t", timeout=0.05)),
        ("primary", Reply(403, json={"message": "API rate limit exceeded"}, headers=RATE_LIMITED),
         octo.PrimaryRateLimitError, lambda: client.repos.get("o", "r")),
        ("not sent", None, octo.PrimaryRateLimitError, lambda: client.repos.get("o", "r")),
        ("secondary", Reply(429, headers={"retry-after": "99999"}), octo.SecondaryRateLimitError,
         lambda: client.request("GET /search/code")),
        ("bad token", None, ValueError, lambda: octo.Octo(SENTINEL + "\n")),
    ]
    for name, reply, expected, call in cases:
        if reply is not None:
            server.queue(reply)
        yield name, expected, call


def caught(expected: type[Exception], call: Callable[[], object]) -> Exception:
    """The error `call` raises, which must be exactly `expected`: a scenario that
    fails for another reason tests nothing about that scenario."""
    with pytest.raises(expected) as info:
        call()
    assert type(info.value) is expected, info.value
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


def test_reprs_say_what_is_hidden(client_kind: str) -> None:
    kind = "Octo" if client_kind == "sync" else "AsyncOcto"
    assert repr(octo.Octo(SENTINEL)) == f"<{kind} https://api.github.com (token)>"
    assert repr(octo.Octo()) == f"<{kind} https://api.github.com (anonymous)>"
    assert repr(Secret(SENTINEL)) == "'[redacted]'"
    assert repr(octo.OMIT) == "OMIT"  # as help() shows the default of every optional parameter


def test_a_pickled_response_holds_no_token(server: ScriptedServer, client: octo.Octo) -> None:
    response = client.repos.get("o", "r")
    copy = pickle.loads(pickle.dumps(response))
    assert SENTINEL.encode() not in pickle.dumps(response)
    assert copy.request.headers["Authorization"] == "[redacted]"
    assert (copy.status, copy.url, copy.data) == (response.status, response.url, response.data)


def test_no_exception_or_traceback_shows_the_token(
    server: ScriptedServer, client: octo.Octo, fake_clock: FakeClock
) -> None:
    for name, expected, call in failures(server):
        error = caught(expected, call)
        texts = [str(error), repr(error), "".join(traceback.format_exception(error))]
        request = getattr(error, "request", None)
        texts += [repr(request), str(getattr(request, "headers", ""))]
        if name != "bad token":  # the bad token is a local of the constructor
            # As pytest --showlocals, debuggers and error trackers show it:
            texts.append("".join(traceback.TracebackException.from_exception(
                error, capture_locals=True).format()))
        for text in texts:
            assert SENTINEL not in text, (name, text)


def test_no_log_line_at_any_level_shows_the_token(
    server: ScriptedServer, client: octo.Octo, fake_clock: FakeClock,
    caplog: pytest.LogCaptureFixture, client_kind: str,
) -> None:
    caplog.set_level(logging.DEBUG)  # the root logger: octo, urllib3, everything
    server.queue(Reply(502), Reply(200, json={}))
    client.repos.get("o", "r")  # a retried call logs a wait
    for _name, expected, call in failures(server):
        caught(expected, call)
    if client_kind == "sync":  # its transport's own logger is in the capture too
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


@pytest.mark.sync_only("the credentials a requests.Session of the caller's adds")
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


# Every query parameter name octo/core/redaction.py treats as a credential, as services spell them.
SECRET_QUERY_NAMES = ["token", "access_token", "refresh_token", "X-Amz-Security-Token", "X-Amz-Signature",
                      "X-Amz-Credential", "sig", "signature", "password", "secret", "client_secret", "key",
                      "api_key", "apikey", "jwt", "credentials"]


@pytest.mark.parametrize("name", SECRET_QUERY_NAMES)
def test_a_credential_in_the_query_is_redacted_in_errors(
    server: ScriptedServer, client: octo.Octo, name: str
) -> None:
    server.queue(Reply(404, json={"message": "Not Found"}))
    with pytest.raises(octo.NotFoundError) as info:
        client.request("GET /search/code", query={name: SENTINEL, "per_page": 5, "sort": "indexed"})
    assert server.requests[0].query[name] == [SENTINEL]  # sent as given
    error = info.value
    for text in (str(error), error.request.url, "".join(traceback.format_exception(error))):
        assert SENTINEL not in text, (name, text)
    # Only the credential is hidden: the rest of the query still tells what was asked.
    assert f"{name}=[redacted]" in error.request.url
    assert "per_page=5" in error.request.url and "sort=indexed" in error.request.url
