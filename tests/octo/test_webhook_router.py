"""`octo.Webhooks` behind real servers on loopback (wsgiref for `wsgi()`,
uvicorn for `asgi()`), receiving deliveries signed as GitHub signs them,
built from the pinned description's `x-webhooks` examples."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from typing import Any

import blocking
import jwt
import pytest
from conftest import ROOT, SENTINEL
from cryptography.hazmat.primitives.asymmetric import rsa
from keys import APP_KEY
from server import Recorded, Reply, ScriptedServer
from webhook_servers import asgi_server, post, signed, wsgi_server

import octo

SECRET = "It's a Secret to Everybody " + SENTINEL
OLD_SECRET = "the secret before the rotation " + SENTINEL
APP_ID = 123456
ISSUE_OPENED = {
    "action": "opened",
    "issue": {"number": 7, "title": "Crash on start"},
    "repository": {"name": "hello-world", "owner": {"login": "octocat"}},
    "installation": {"id": 42, "node_id": "MDIz"},
    "sender": {"login": "monalisa"},
}


def description_examples() -> list[tuple[str, dict[str, str], dict[str, Any]]]:
    """(name, example headers, payload) of each JSON example of the pinned description's `x-webhooks`."""
    doc = json.loads((ROOT / ".cache" / "openapi" / "api.github.com.json").read_text())
    examples = doc["components"]["examples"]
    found = []
    for name, item in doc["x-webhooks"].items():
        post_ = item["post"]
        content = post_["requestBody"]["content"].get("application/json", {})
        for example in content.get("examples", {}).values():
            value = examples[example["$ref"].rsplit("/", 1)[1]]["value"]
            headers = {p["name"]: str(p["example"]) for p in post_["parameters"] if p["in"] == "header"}
            found.append((name, headers, value))
    return found


EXAMPLES = description_examples()


def arun(awaitable: Any) -> Any:
    """asyncio.run in a thread of its own: the main thread may hold another
    loop (the docs site test's Playwright leaves one running)."""
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(asyncio.run(awaitable)))
    thread.start()
    thread.join(10)
    return result[0]
Served = Callable[[Any], AbstractContextManager[str]]


@pytest.fixture(params=["wsgi", "asgi"])
def serve(request: pytest.FixtureRequest) -> Callable[[octo.Webhooks], AbstractContextManager[str]]:
    """Serve a router through one adapter, under a real server."""
    if request.param == "wsgi":
        return lambda wh: wsgi_server(wh.wsgi())
    return lambda wh: asgi_server(wh.asgi())


def test_the_description_has_examples_to_send() -> None:
    assert {name for name, _, _ in EXAMPLES} >= {"ping", "check-run-completed"}


def test_every_example_of_the_description_reaches_its_handler(serve: Any) -> None:
    wh = octo.Webhooks(SECRET)
    got: list[tuple[str, Any]] = []
    for event in {h["X-Github-Event"] for _, h, _ in EXAMPLES}:
        wh.on(event)(lambda payload, event=event: got.append((event, payload)))
    with serve(wh) as url:
        for i, (_, headers, payload) in enumerate(EXAMPLES):
            headers = {**headers, "X-GitHub-Delivery": f"example-{i}"}
            body = json.dumps(payload).encode()
            headers["X-Hub-Signature-256"] = octo.webhooks.signature(SECRET, body)
            answer = post(url + "/any/path/it/is/mounted/at", headers, body)
            assert answer.status_code == 200, answer.text
    assert sorted(got, key=repr) == sorted(((h["X-Github-Event"], p) for _, h, p in EXAMPLES), key=repr)


def test_event_action_event_and_star_handlers_all_run_in_order(serve: Any) -> None:
    wh = octo.Webhooks(SECRET)
    ran: list[str] = []
    wh.on("*")(lambda p: ran.append("*"))
    wh.on("issues.opened")(lambda p: ran.append("issues.opened"))
    wh.on("issues")(lambda p: ran.append("issues"))
    wh.on("issues.closed")(lambda p: ran.append("issues.closed"))
    wh.on("issues.opened")(lambda p: ran.append("issues.opened again"))
    wh.on("push")(lambda p: ran.append("push"))
    with serve(wh) as url:
        assert post(url, *signed(SECRET, "issues", ISSUE_OPENED, "a")).status_code == 200
        assert ran == ["*", "issues.opened", "issues", "issues.opened again"]
        ran.clear()
        # An event no handler wants, an action no handler wants, an event octo does not know: all fine.
        assert post(url, *signed(SECRET, "issues", {**ISSUE_OPENED, "action": "teleported"}, "b")).status_code == 200
        assert post(url, *signed(SECRET, "brand_new_event", {"x": 1}, "c")).status_code == 200
        assert ran == ["*", "issues", "*"]


def test_a_rotated_secret_is_accepted_and_any_other_refused(serve: Any) -> None:
    wh = octo.Webhooks([SECRET, OLD_SECRET])
    ran: list[str] = []
    wh.on("issues")(lambda p: ran.append(p["action"]))
    with serve(wh) as url:
        assert post(url, *signed(OLD_SECRET, "issues", ISSUE_OPENED, "a")).status_code == 200
        assert post(url, *signed(SECRET, "issues", ISSUE_OPENED, "b")).status_code == 200
        answer = post(url, *signed("another secret", "issues", ISSUE_OPENED, "c"))
    assert (answer.status_code, answer.text) == (401, "")
    assert ran == ["opened", "opened"]


@pytest.mark.parametrize("change", [
    {"X-Hub-Signature-256": None},
    {"X-Hub-Signature-256": ""},
    {"X-Hub-Signature-256": "sha256=" + "0" * 64},
    {"X-Hub-Signature-256": "sha1=" + "0" * 40},
    {"body": b" "},  # the body changed after it was signed
])
def test_a_bad_or_missing_signature_is_401_saying_nothing_more(serve: Any, change: dict[str, Any],
                                                                caplog: pytest.LogCaptureFixture) -> None:
    wh = octo.Webhooks(SECRET)
    ran: list[Any] = []
    wh.on("*")(ran.append)
    headers, body = signed(SECRET, "issues", ISSUE_OPENED)
    change = dict(change)  # the parameter is shared by both adapters' runs
    body += change.pop("body", b"")
    headers.update(change)
    headers = {k: v for k, v in headers.items() if v is not None}
    with caplog.at_level(logging.DEBUG), serve(wh) as url:
        answer = post(url, headers, body)
    assert (answer.status_code, answer.text, ran) == (401, "", [])
    assert "X-Hub-Signature-256" in caplog.text
    assert SENTINEL not in caplog.text


@pytest.mark.parametrize(("drop", "named"), [("X-GitHub-Event", "X-GitHub-Event"),
                                             ("X-GitHub-Delivery", "X-GitHub-Delivery")])
def test_a_missing_header_is_400_naming_it(serve: Any, drop: str, named: str) -> None:
    wh = octo.Webhooks(SECRET)
    headers, body = signed(SECRET, "issues", ISSUE_OPENED)
    del headers[drop]
    with serve(wh) as url:
        answer = post(url, headers, body)
    assert answer.status_code == 400 and named in answer.text


@pytest.mark.parametrize("body", [b'{"action": ', b'["opened"]', b"\xff\xfe", b'{"n": NaN}', b""])
def test_a_signed_body_that_is_no_json_object_is_400(serve: Any, body: bytes) -> None:
    wh = octo.Webhooks(SECRET)
    ran: list[Any] = []
    wh.on("*")(ran.append)
    with serve(wh) as url:
        answer = post(url, *signed(SECRET, "issues", body))
    assert answer.status_code == 400 and "JSON" in answer.text and ran == []
    assert "Traceback" not in answer.text


def test_a_form_encoded_delivery_is_read_from_its_payload_field(serve: Any) -> None:
    from urllib.parse import urlencode

    wh = octo.Webhooks(SECRET)
    got: list[Any] = []
    wh.on("issues.opened")(got.append)
    body = urlencode({"payload": json.dumps(ISSUE_OPENED)}).encode()
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    with serve(wh) as url:
        assert post(url, *signed(SECRET, "issues", body, "a", form)).status_code == 200
        assert post(url, *signed(SECRET, "issues", b"other=1", "b", form)).status_code == 400
    assert got == [ISSUE_OPENED]


def test_a_body_over_the_limit_is_413_and_not_read(serve: Any) -> None:
    wh = octo.Webhooks(SECRET, max_body=1000)
    ran: list[Any] = []
    wh.on("*")(ran.append)
    big = {**ISSUE_OPENED, "padding": "x" * 1000}
    with serve(wh) as url:
        answer = post(url, *signed(SECRET, "issues", big))
        assert (answer.status_code, ran) == (413, [])
        assert "1000 bytes" in answer.text
        assert post(url, *signed(SECRET, "issues", ISSUE_OPENED)).status_code == 200
    # receive() itself refuses it too, before checking the signature.
    assert wh.receive(*signed(SECRET, "issues", big, "z")) == (413, "the body is over 1000 bytes")


def test_a_chunked_body_over_the_limit_is_413_too() -> None:
    wh = octo.Webhooks(SECRET, max_body=1000)
    headers, body = signed(SECRET, "issues", {**ISSUE_OPENED, "padding": "x" * 5000})
    import requests

    with asgi_server(wh.asgi()) as url:  # wsgiref does not read chunked bodies: uvicorn does
        answer = requests.post(url, data=iter([body[:2000], body[2000:]]), headers=headers, timeout=10)
    assert answer.status_code == 413


def test_only_post_is_a_delivery(serve: Any) -> None:
    import requests

    with serve(octo.Webhooks(SECRET)) as url:
        answer = requests.get(url, timeout=10)
    assert answer.status_code == 405 and answer.headers["allow"] == "POST"


def test_a_duplicate_delivery_is_not_run_again_and_a_failed_one_is(serve: Any) -> None:
    wh = octo.Webhooks(SECRET)
    calls: list[str] = []
    fail = [True]

    @wh.on("issues.opened")
    def handler(payload: Any) -> None:
        calls.append(payload["action"])
        if fail[0]:
            raise RuntimeError("the database is down")

    with serve(wh) as url:
        assert post(url, *signed(SECRET, "issues", ISSUE_OPENED, "same-id")).status_code == 500
        fail[0] = False
        assert post(url, *signed(SECRET, "issues", ISSUE_OPENED, "same-id")).status_code == 200  # redelivered
        again = post(url, *signed(SECRET, "issues", ISSUE_OPENED, "same-id"))
        assert again.status_code == 200 and "duplicate" in again.text
        assert post(url, *signed(SECRET, "issues", ISSUE_OPENED, "other-id")).status_code == 200
    assert calls == ["opened", "opened", "opened"]


def test_the_duplicate_window_ends() -> None:
    clock = [0.0]
    store = octo.webhooks.MemoryDeliveryStore(clock=lambda: clock[0])
    wh = octo.Webhooks(SECRET, store=store, dedupe_window=60)
    calls: list[Any] = []
    wh.on("issues")(calls.append)
    delivery = signed(SECRET, "issues", ISSUE_OPENED)
    assert [wh.receive(*delivery).status for _ in range(2)] == [200, 200] and len(calls) == 1
    clock[0] = 59.9
    wh.receive(*delivery)
    assert len(calls) == 1
    clock[0] = 60.0
    wh.receive(*delivery)
    assert len(calls) == 2


def test_the_memory_store_is_bounded() -> None:
    store = octo.webhooks.MemoryDeliveryStore(max_entries=3)
    assert all(store.claim(str(i), 3600) for i in range(10))
    assert len(store) == 3
    assert not store.claim("9", 3600) and store.claim("0", 3600)  # the oldest went first


def test_a_raising_handler_is_500_logged_and_given_to_on_error(serve: Any, caplog: pytest.LogCaptureFixture) -> None:
    errors: list[tuple[Exception, octo.webhooks.Delivery]] = []
    wh = octo.Webhooks(SECRET, on_error=lambda error, delivery: errors.append((error, delivery)))
    ran: list[str] = []

    @wh.on("issues.opened")
    def broken(payload: Any) -> None:
        raise KeyError("no such column")

    wh.on("issues")(lambda p: ran.append("the next handler still ran"))
    with caplog.at_level(logging.INFO), serve(wh) as url:
        answer = post(url, *signed(SECRET, "issues", ISSUE_OPENED, "delivery-77"))
    assert answer.status_code == 500
    assert "Traceback" not in answer.text and "no such column" not in answer.text and SENTINEL not in answer.text
    assert ran == ["the next handler still ran"]
    [(error, delivery)] = errors
    assert isinstance(error, KeyError)
    assert (delivery.id, delivery.event, delivery.action, delivery.installation_id) == ("delivery-77", "issues",
                                                                                       "opened", 42)
    assert delivery.payload == ISSUE_OPENED
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert all(s in record.getMessage() for s in ("delivery-77", "issues", "opened", "broken"))
    assert SENTINEL not in caplog.text


def test_an_on_error_that_raises_still_answers_500(caplog: pytest.LogCaptureFixture) -> None:
    def on_error(error: Exception, delivery: Any) -> None:
        raise ValueError("on_error itself broke")

    wh = octo.Webhooks(SECRET, on_error=on_error)
    wh.on("issues")(lambda p: 1 / 0)
    assert wh.receive(*signed(SECRET, "issues", ISSUE_OPENED)).status == 500
    assert "on_error raised" in caplog.text


def test_async_handlers_run_under_both_adapters(serve: Any) -> None:
    wh = octo.Webhooks(SECRET)
    seen: list[Any] = []

    @wh.on("issues.opened")
    async def handler(payload: Any) -> None:
        await asyncio.sleep(0)
        seen.append(payload["issue"]["number"])

    @wh.on("issues.opened")
    async def failing(payload: Any) -> None:
        raise RuntimeError("async failure")

    with serve(wh) as url:
        assert post(url, *signed(SECRET, "issues", ISSUE_OPENED, "one")).status_code == 500
    assert seen == [7]


def test_sync_handlers_under_asgi_do_not_hold_up_the_event_loop() -> None:
    wh = octo.Webhooks(SECRET)
    threads: list[str] = []
    wh.on("issues")(lambda p: threads.append(threading.current_thread().name))

    loop_thread: list[str] = []

    async def main() -> octo.webhooks.Answer:
        loop_thread.append(threading.current_thread().name)
        return await wh.areceive(*signed(SECRET, "issues", ISSUE_OPENED))

    assert arun(main()).status == 200
    assert threads and loop_thread and threads[0] != loop_thread[0]


def test_an_async_store_is_awaited_by_areceive_and_refused_by_receive() -> None:
    class AsyncStore:
        def __init__(self) -> None:
            self.seen: set[str] = set()

        async def claim(self, delivery_id: str, window: float) -> bool:
            if delivery_id in self.seen:
                return False
            self.seen.add(delivery_id)
            return True

        async def release(self, delivery_id: str) -> None:
            self.seen.discard(delivery_id)

    store = AsyncStore()
    wh = octo.Webhooks(SECRET, store=store)
    wh.on("issues")(lambda p: None)
    delivery = signed(SECRET, "issues", ISSUE_OPENED)
    assert arun(wh.areceive(*delivery)).status == 200
    assert "duplicate" in arun(wh.areceive(*delivery)).text
    with pytest.raises(TypeError, match="areceive"):
        wh.receive(*signed(SECRET, "issues", ISSUE_OPENED, "new"))


# -- the installation's client ------------------------------------------------------------


class AppGitHub:
    """GitHub's app routes: checks the app's JWT, mints installation tokens,
    and records the comments made with them."""

    def __init__(self, public_key: Any) -> None:
        self.public_key = public_key
        self.comments: list[tuple[str, str, Any]] = []
        self.lock = threading.Lock()

    def __call__(self, request: Recorded) -> Reply:
        credential = request.headers.get("authorization", "").removeprefix("Bearer ")
        minting = re.fullmatch(r"/app/installations/(\d+)/access_tokens", request.route)
        if minting:
            claims = jwt.decode(credential, self.public_key, algorithms=["RS256"])
            assert claims["iss"] == str(APP_ID)
            return Reply(201, json={"token": f"ghs_{SENTINEL}_{minting[1]}", "expires_at": "2999-01-01T00:00:00Z"})
        if request.route.endswith("/comments") and request.method == "POST":
            with self.lock:
                self.comments.append((request.route, credential, request.json()))
            return Reply(201, json={"id": 1})
        return Reply(404, json={"message": "Not Found"})


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return APP_KEY


@pytest.fixture
def github(key: rsa.RSAPrivateKey) -> Iterator[tuple[ScriptedServer, AppGitHub]]:
    fake = AppGitHub(key.public_key())
    with ScriptedServer(fake) as server:
        yield server, fake


def app_client(key: Any, base_url: str) -> Any:
    """The app client a user passes as `app=`: an `Octo`, or in the [async] run an `AsyncOcto`."""
    app = octo.Octo(auth=octo.AppAuth(APP_ID, key), base_url=base_url)
    return getattr(app, "client", app)  # tests/blocking.py's front: the AsyncOcto behind it


def test_a_two_argument_handler_acts_as_the_events_installation(serve: Any, key: Any, github: Any,
                                                                recwarn: pytest.WarningsRecorder,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    import gc

    # What earlier tests left for the collector warns when collected; only this test's leaks count.
    gc.collect()
    recwarn.clear()
    caplog.clear()
    server, fake = github
    wh = octo.Webhooks(SECRET, app=app_client(key, server.url))
    given: list[Any] = []

    @wh.on("issues.opened")
    def thank(event: Any, gh: octo.Octo) -> None:
        assert type(gh) is octo.client.Octo
        repo = event["repository"]
        gh.issues.create_comment(repo["owner"]["login"], repo["name"], event["issue"]["number"], body="Thanks!")

    @wh.on("issues.opened")
    async def thank_async(event: Any, gh: octo.AsyncOcto) -> None:
        given.append(gh)
        await gh.issues.create_comment("octocat", "hello-world", 7, body="Async thanks!")

    @wh.on("issues")
    def payload_only(event: Any) -> None:
        assert event["action"] == "opened"

    with serve(wh) as url:
        assert post(url, *signed(SECRET, "issues", ISSUE_OPENED, "a")).status_code == 200
        other = {**ISSUE_OPENED, "installation": {"id": 9}}
        assert post(url, *signed(SECRET, "issues", other, "b")).status_code == 200
    token = f"ghs_{SENTINEL}_"
    assert sorted(fake.comments, key=repr) == sorted([
        ("/repos/octocat/hello-world/issues/7/comments", token + "42", {"body": "Thanks!"}),
        ("/repos/octocat/hello-world/issues/7/comments", token + "42", {"body": "Async thanks!"}),
        ("/repos/octocat/hello-world/issues/7/comments", token + "9", {"body": "Thanks!"}),
        ("/repos/octocat/hello-world/issues/7/comments", token + "9", {"body": "Async thanks!"}),
    ], key=repr)
    # The sync and the async client share the app's token cache: one token per installation.
    mints = [r.route for r in server.requests if r.route.endswith("/access_tokens")]
    assert sorted(mints) == ["/app/installations/42/access_tokens", "/app/installations/9/access_tokens"]
    # Each delivery's async client is an AsyncOcto of the installation, closed once its handlers ran.
    assert [type(gh) for gh in given] == [octo.AsyncOcto] * 2
    assert sorted(gh._auth.installation_id for gh in given) == [9, 42]
    assert all(gh._driver.closed for gh in given)
    del given[:]
    gc.collect()
    assert not [w for w in recwarn if issubclass(w.category, ResourceWarning)]
    assert "Unclosed" not in caplog.text


def test_an_app_auth_alone_is_enough(key: Any) -> None:
    wh = octo.Webhooks(SECRET, app=octo.AppAuth(APP_ID, key))
    clients: list[octo.Octo] = []
    wh.on("issues")(lambda event, gh: clients.append(gh))
    wh.on("ping")(lambda event, gh: clients.append(gh))
    assert wh.receive(*signed(SECRET, "issues", ISSUE_OPENED, "a")).status == 200
    assert wh.receive(*signed(SECRET, "ping", {"zen": "Keep it logically awesome."}, "b")).status == 200
    with_installation, without = clients
    assert with_installation._auth.installation_id == 42
    assert without._auth.installation_id is None  # no installation in the payload: the app itself


def test_an_installation_id_no_client_can_act_as_is_the_handlers_failure_in_both_receives(key: Any) -> None:
    # Signed, so GitHub's, yet no installation can be 0: receive and areceive treat it alike.
    failed: list[tuple[str, str]] = []
    wh = octo.Webhooks(SECRET, app=octo.AppAuth(APP_ID, key),
                       on_error=lambda error, delivery: failed.append((type(error).__name__, delivery.id)))
    wh.on("issues")(lambda event, gh: None)
    wh.on("issues")(lambda event: None)  # a handler without a client still runs
    event = {**ISSUE_OPENED, "installation": {"id": 0}}
    assert wh.receive(*signed(SECRET, "issues", event, "a")).status == 500
    assert asyncio.run(wh.areceive(*signed(SECRET, "issues", event, "b"))).status == 500
    assert failed == [("TypeError", "a"), ("TypeError", "b")]


def test_a_two_argument_handler_needs_an_app() -> None:
    wh = octo.Webhooks(SECRET)
    with pytest.raises(TypeError, match=r"app="):
        wh.on("issues")(lambda event, gh: None)
    wh.on("issues")(lambda event, gh=None: None)  # an optional second one is fine: it gets the payload alone
    with pytest.raises(TypeError, match="first argument"):
        wh.on("issues")(lambda: None)


@pytest.mark.parametrize("name", ["issue", "issues.", "Issues.opened", ".opened", ""])
def test_an_unknown_event_name_is_refused_when_registered(name: str) -> None:
    with pytest.raises(ValueError, match="unknown webhook event"):
        octo.Webhooks(SECRET).on(name)  # type: ignore[call-overload]


@pytest.mark.parametrize(("secret", "error"), [("", ValueError), ([], ValueError), ([SECRET, ""], ValueError),
                                               (42, TypeError)])
def test_a_bad_secret_is_refused_without_echo(secret: Any, error: type[Exception]) -> None:
    with pytest.raises(error) as caught:
        octo.Webhooks(secret)
    assert SENTINEL not in str(caught.value)


def test_the_secret_is_in_no_repr() -> None:
    wh = octo.Webhooks([SECRET, OLD_SECRET])
    assert SENTINEL not in repr(wh) and SENTINEL not in repr(vars(wh) if hasattr(wh, "__dict__") else wh)
    assert "secrets=2" in repr(wh)


# -- redelivery ----------------------------------------------------------------------------


def delivery(id_: int, guid: str, status: int, at: str) -> dict[str, Any]:
    return {"id": id_, "guid": guid, "status_code": status, "status": "OK" if status < 300 else "failed",
            "delivered_at": at, "redelivery": False, "event": "issues", "action": "opened",
            "installation_id": 42, "repository_id": 1, "duration": 0.1, "throttled_at": None}


def test_redeliver_failed_asks_once_per_failed_delivery_since_a_time(key: Any) -> None:
    pages = {
        None: [delivery(6, "g-c", 500, "2027-01-15T12:00:00Z"),   # failed
               delivery(5, "g-b", 200, "2027-01-15T11:00:00Z"),   # a redelivery that worked
               delivery(4, "g-b", 502, "2027-01-15T10:00:00Z")],
        "p2": [delivery(3, "g-a", 0, "2027-01-15T09:30:00Z"),     # timed out
               delivery(2, "g-a", 500, "2027-01-15T09:10:00Z")],
        "p3": [delivery(1, "g-old", 500, "2027-01-14T00:00:00Z")],  # before `since`
        "p4": [delivery(0, "g-older", 500, "2027-01-13T00:00:00Z")],
    }
    following = {None: "p2", "p2": "p3", "p3": "p4"}

    def github(request: Recorded) -> Reply:
        if request.method == "POST":
            return Reply(202, json={})
        cursor = request.query.get("cursor", [None])[0]
        headers = {}
        if cursor in following:
            headers["link"] = f'<{server.url}/app/hook/deliveries?per_page=100&cursor={following[cursor]}>; rel="next"'
        return Reply(200, json=pages[cursor], headers=headers)

    with ScriptedServer(github) as server:
        app = app_client(key, server.url)
        from datetime import UTC, datetime

        done = octo.webhooks.redeliver_failed(app, since=datetime(2027, 1, 15, 9, 0, tzinfo=UTC))
        if isinstance(app, octo.AsyncOcto):  # an async app client's is awaited
            done = blocking.wait(done)
    assert sorted(done) == [3, 6]
    posts = [r.route for r in server.requests if r.method == "POST"]
    assert sorted(posts) == ["/app/hook/deliveries/3/attempts", "/app/hook/deliveries/6/attempts"]
    assert [r.query.get("cursor") for r in server.requests if r.method == "GET"] == [None, ["p2"], ["p3"]]
    assert all(r.headers["authorization"].count(".") == 2 for r in server.requests)  # the app's JWT


def test_redeliver_failed_wants_an_aware_time(key: Any) -> None:
    from datetime import datetime

    with pytest.raises(ValueError, match="aware"):
        octo.webhooks.redeliver_failed(octo.AppAuth(APP_ID, key), since=datetime(2027, 1, 15))


# -- octo webhooks replay ------------------------------------------------------------------


def test_replay_sends_a_saved_delivery_signed_to_a_local_app(tmp_path: Any, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    from octo.cli import main

    wh = octo.Webhooks(SECRET)
    got: list[Any] = []
    wh.on("issues.opened")(got.append)
    saved = tmp_path / "delivery.json"  # as `octo apps get-webhook-delivery ID` prints it
    saved.write_text(json.dumps({
        "id": 12, "guid": "0b989ba4-242f-11e5-81e1-c7b6966d2516", "event": "issues", "action": "opened",
        "request": {"headers": {"X-GitHub-Event": "issues", "X-GitHub-Delivery": "0b989ba4-242f-11e5-81e1-c7b6966d2516",
                                "X-Hub-Signature-256": "sha256=" + "0" * 64, "Content-Length": "9999",
                                "Content-Type": "application/json"},
                    "payload": ISSUE_OPENED}}))
    monkeypatch.setenv("WEBHOOK_SECRET", SECRET)
    with wsgi_server(wh.wsgi()) as url:
        assert main(["webhooks", "replay", str(saved), url + "/webhooks"]) == 0
        assert "HTTP 200" in capsys.readouterr().out
        assert main(["webhooks", "replay", str(saved), url]) == 0  # a duplicate, answered 200
        assert "duplicate" in capsys.readouterr().out
        assert main(["webhooks", "replay", "--new-delivery-id", str(saved), url]) == 0
        monkeypatch.setenv("WEBHOOK_SECRET", "not the app's secret")
        assert main(["webhooks", "replay", "--new-delivery-id", str(saved), url]) == 1
        assert "HTTP 401" in capsys.readouterr().out
    assert got == [ISSUE_OPENED, ISSUE_OPENED]


def test_replay_reads_headers_and_a_raw_body_and_says_what_is_wrong(tmp_path: Any, monkeypatch: pytest.MonkeyPatch,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from octo.cli import main

    wh = octo.Webhooks(SECRET)
    got: list[Any] = []
    wh.on("ping")(got.append)
    raw = tmp_path / "raw.json"
    raw.write_text(json.dumps({"headers": {"x-github-event": "ping", "x-github-delivery": "p-1"},
                               "body": '{"zen": "Design for failure."}'}))
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"headers": {"x-github-event": "ping"}}))
    monkeypatch.setenv("WEBHOOK_SECRET", SECRET)
    with wsgi_server(wh.wsgi()) as url:
        assert main(["webhooks", "replay", str(raw), url]) == 0
        assert main(["webhooks", "replay", str(broken), url]) == 2
        assert "'body'" in capsys.readouterr().err
        monkeypatch.delenv("WEBHOOK_SECRET")
        assert main(["webhooks", "replay", str(raw), url]) == 2
        assert "WEBHOOK_SECRET" in capsys.readouterr().err
        assert main(["webhooks", "send", str(raw), url]) == 2
    assert got == [{"zen": "Design for failure."}]
    monkeypatch.setenv("WEBHOOK_SECRET", SECRET)
    assert main(["webhooks", "replay", str(raw), "http://127.0.0.1:9"]) == 3  # nothing listens there


def test_replay_sends_what_github_sent_and_reads_the_answer_as_is(tmp_path: Any, monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from octo.cli import main

    payload = {"action": "opened", "issue": {"title": "Grüße, 世界"}}
    saved = tmp_path / "delivery.json"
    saved.write_text(json.dumps({"request": {
        "headers": {"X-GitHub-Event": "issues", "X-GitHub-Delivery": "d-1", "HOST": "github.example",
                    "CONTENT-LENGTH": "1", "X-HUB-SIGNATURE": "sha1=00", "Connection": "close"},
        "payload": payload}}))
    monkeypatch.setenv("WEBHOOK_SECRET", SECRET)
    with ScriptedServer() as app:
        app.queue(Reply(302, headers={"Location": app.url + "/elsewhere"}))
        assert main(["webhooks", "replay", str(saved), app.url + "/hooks"]) == 1  # a 3xx is not the app's 2xx
        assert capsys.readouterr().out.startswith("HTTP 302")
        assert [r.route for r in app.requests] == ["/hooks"]  # not followed
        sent = app.requests[0]
        # The payload as GitHub sends it (compact, UTF-8), signed afresh; the saved framing and
        # signatures are dropped whatever their case.
        assert sent.body == json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
        assert octo.webhooks.verify(SECRET, sent.body, sent.headers["x-hub-signature-256"])
        assert sent.headers["host"] != "github.example" and "x-hub-signature" not in sent.headers
        assert sent.headers["content-length"] == str(len(sent.body))
        assert sent.headers["content-type"] == "application/json"
        app.queue(Reply(300))
        assert main(["webhooks", "replay", str(saved), app.url]) == 1

        app.queue(Reply(200, delay=3))
        started = time.monotonic()
        assert main(["webhooks", "replay", "--timeout", "0.3", str(saved), app.url]) == 3
        assert time.monotonic() - started < 2.5
        assert "no answer from" in capsys.readouterr().err


@pytest.mark.parametrize(("saved", "says"), [
    ([1, 2], "a saved delivery is a JSON object"),
    ({"request": {"payload": {}}}, "a saved delivery has its headers in 'headers' (or 'request.headers')"),
    ({"headers": {"X-GitHub-Event": "ping"}, "body": 7}, "a saved delivery has its body in 'body'"),
    ({"headers": {"X-GitHub-Delivery": "d-1"}, "body": "{}"}, "a saved delivery needs an X-GitHub-Event header"),
    ({"headers": {"X-GitHub-Event": "ping"}, "body": "{}"}, "a saved delivery needs an X-GitHub-Delivery header"),
])
def test_replay_names_what_a_saved_delivery_lacks(saved: Any, says: str, tmp_path: Any,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from octo.cli import main

    path = tmp_path / "delivery.json"
    path.write_text(json.dumps(saved))
    monkeypatch.setenv("WEBHOOK_SECRET", SECRET)
    assert main(["webhooks", "replay", str(path), "http://127.0.0.1:9"]) == 2
    assert says in capsys.readouterr().err


def test_replay_takes_the_event_and_id_from_the_saved_delivery_when_its_headers_lack_them(
        tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from octo.cli import main

    path = tmp_path / "delivery.json"
    path.write_text(json.dumps({"event": "ping", "guid": "g-7", "request": {"headers": {}, "body": "{}"}}))
    monkeypatch.setenv("WEBHOOK_SECRET", SECRET)
    with ScriptedServer() as app:
        app.queue(Reply(204))
        assert main(["webhooks", "replay", str(path), app.url]) == 0
    headers = app.requests[0].headers
    assert (headers["x-github-event"], headers["x-github-delivery"]) == ("ping", "g-7")


def test_the_same_delivery_arriving_at_once_on_many_threads_runs_once() -> None:
    wh = octo.Webhooks(SECRET)
    calls: list[int] = []
    wh.on("issues")(lambda p: (time.sleep(0.05), calls.append(1)))
    delivery = signed(SECRET, "issues", ISSUE_OPENED, "racing")
    with wsgi_server(wh.wsgi()) as url, ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: post(url, *delivery).status_code, range(8)))
    assert statuses == [200] * 8 and calls == [1]
