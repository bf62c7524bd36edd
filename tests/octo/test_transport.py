"""The connection layer under octo, against servers that misbehave on the
wire: answers with broken framing, servers that drip bytes, proxies that
apply to some hosts and not others, many threads on one client, and
urllib3's own log of a signed URL."""

from __future__ import annotations

import logging
import pickle
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import SENTINEL
from proxy_server import ForwardProxy
from raw_server import Raw, RawServer
from requests.structures import CaseInsensitiveDict
from server import Reply, ScriptedServer
from tls import make_certificate, server_context

import octo

JSON_2 = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n"
FILE = b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
ASSET = "/repos/o/r/releases/assets/1"
FAST = (0.5, 0.5)  # so one attempt may take 1 s in all


def elapsed(call: Callable[[], Any]) -> tuple[float, Any]:
    """How long `call` took, and what it returned or raised."""
    started = time.monotonic()
    try:
        outcome = call()
    except octo.OctoError as error:
        outcome = error
    return time.monotonic() - started, outcome


HEADER_BLOCK_CUT = "connection closed inside the answer's header block"


class TestBrokenFraming:
    # `200 OK` and one header line, then the connection closes (FIN).
    CUT = b"HTTP/1.1 200 OK\r\nX-GitHub-Request-Id: 1\r\n"

    def test_a_header_block_cut_short_is_a_transport_error_and_a_get_is_retried(self) -> None:
        with RawServer(Raw(self.CUT), Raw(JSON_2, b"{}")) as server:
            assert octo.Octo(base_url=server.url).repos.get("o", "r").data == {}
            assert server.methods == ["GET", "GET"]

    @pytest.mark.parametrize(("answer", "said"), [
        pytest.param(CUT, HEADER_BLOCK_CUT, id="header block cut"),
        pytest.param(b"HTTP/1.1 200 OK\r\n", HEADER_BLOCK_CUT, id="status line only"),
        pytest.param(b"", "connection broken after sending", id="closed without a byte"),
    ])
    def test_a_post_answered_with_a_cut_header_block_may_have_arrived_and_is_not_sent_again(
            self, answer: bytes, said: str) -> None:
        with RawServer(Raw(answer)) as server:
            with pytest.raises(octo.TransportError, match=said) as info:
                octo.Octo(base_url=server.url).repos.create_dispatch_event("o", "r", event_type="e")
            assert info.value.sent
            assert server.methods == ["POST"]

    @pytest.mark.parametrize("answer", [
        pytest.param(CUT, id="header block cut"),
        pytest.param(b"HTTP/1.1 200 OK\r\n", id="status line only"),
        pytest.param(FILE + b"Content-Length: 100\r\n\r\n" + b"x" * 40, id="shorter than Content-Length"),
        pytest.param(FILE + b"Transfer-Encoding: chunked\r\n\r\n40\r\n" + b"x" * 20, id="chunk cut short"),
        pytest.param(FILE + b"Transfer-Encoding: chunked\r\n\r\n4\r\nxxxx\r\n", id="no last chunk"),
    ])
    @pytest.mark.parametrize("call", ["GET", "POST", "download"])
    def test_an_answer_with_broken_framing_is_never_a_success(self, answer: bytes, call: str,
                                                              tmp_path: Path) -> None:
        with RawServer(Raw(answer)) as server:
            gh = octo.Octo(base_url=server.url, retries=0)
            with pytest.raises((octo.TransportError, octo.InvalidResponseError)):
                if call == "GET":
                    gh.repos.get("o", "r")
                elif call == "POST":
                    gh.repos.create_dispatch_event("o", "r", event_type="e")
                else:
                    octo.download(server.url + ASSET, to=tmp_path / "asset", client=gh)
        assert list(tmp_path.iterdir()) == []  # nothing half-written is left

    # An informational answer (102 Processing, 103 Early Hints) comes before the
    # final one; http.client skips only 100 Continue, and took any other as
    # the whole answer: a success with no body.
    INTERIM = (b"HTTP/1.1 102 Processing\r\n\r\n"
               b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n")

    def test_informational_answers_are_skipped_for_the_final_one(self) -> None:
        with RawServer(Raw(self.INTERIM + JSON_2, b"{}")) as server:
            response = octo.Octo(base_url=server.url, retries=0).repos.get("o", "r")
        assert (response.status, response.data) == (200, {})

    @pytest.mark.parametrize("answer", [
        pytest.param(INTERIM, id="no final answer"),
        pytest.param(INTERIM + CUT, id="final header block cut"),
    ])
    def test_informational_answers_alone_are_never_a_success(self, answer: bytes) -> None:
        with RawServer(Raw(answer)) as server:
            with pytest.raises(octo.TransportError) as info:
                octo.Octo(base_url=server.url, retries=0).repos.create_dispatch_event("o", "r", event_type="e")
        assert info.value.sent


PAD = b"X-Pad: " + b"a" * 300 + b"\r\n"
TEXT_400 = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 400\r\n\r\n"


class TestTotalTimeOfAnAttempt:

    @pytest.mark.parametrize("answer", [
        # A byte every 20 ms never trips the 0.5 s read timeout.
        pytest.param(Raw(JSON_2[:-2] + PAD + b"\r\n", b"{}", drip=1, every=0.02, drip_head=True),
                     id="header lines"),
        pytest.param(Raw(TEXT_400, b"x" * 400, drip=1, every=0.02), id="body"),
    ])
    def test_a_dripped_answer_ends_the_call_at_connect_plus_read(self, answer: Raw) -> None:
        with RawServer(answer, limit=4) as server:
            took, error = elapsed(lambda: octo.Octo(base_url=server.url, timeout=FAST,
                                                    retries=0).repos.get("o", "r"))
        assert isinstance(error, octo.TransportError) and "within 1 s" in str(error)
        assert took < 2.5

    def test_a_dripped_get_is_tried_again_a_dripped_post_is_not(self) -> None:
        dripped = Raw(TEXT_400, b"x" * 400, drip=1, every=0.02)
        with RawServer(dripped, Raw(JSON_2, b"{}"), limit=4) as server:
            gh = octo.Octo(base_url=server.url, timeout=FAST)
            assert gh.repos.get("o", "r").data == {}
            assert server.methods == ["GET", "GET"]
        with RawServer(dripped, limit=4) as server:
            gh = octo.Octo(base_url=server.url, timeout=FAST)
            with pytest.raises(octo.TransportError):
                gh.repos.create_dispatch_event("o", "r", event_type="e")
            assert server.methods == ["POST"]

    def test_a_total_given_per_client_or_per_call_lets_a_slow_answer_finish(self) -> None:
        body = b'{"full_name": "o/r"}'
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
        slow = Raw(head, body, drip=1, every=0.06)  # 1.2 s in all, more than connect + read
        with RawServer(slow, limit=4) as server:
            per_call = octo.Octo(base_url=server.url, timeout=FAST, retries=0)
            assert per_call.repos.get("o", "r", timeout=(0.5, 0.5, 5)).data["full_name"] == "o/r"
            per_client = octo.Octo(base_url=server.url, timeout=(0.5, 0.5, 5), retries=0)
            assert per_client.repos.get("o", "r").data["full_name"] == "o/r"

    def test_an_uploads_answer_is_held_to_the_total_once_the_body_is_sent(self) -> None:
        body = b'{"id": 1, "name": "x.bin"}' + b" " * 14
        head = b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
        slow = Raw(head, body, drip=1, every=0.1)  # 4 s, each byte well within the read timeout
        with RawServer(slow, limit=6) as server:
            gh = octo.Octo(base_url=server.url, uploads_url=server.url, timeout=FAST, retries=0)
            took, error = elapsed(lambda: octo.upload("/repos/o/r/releases/1/assets{?name,label}", b"x" * 1000,
                                                      name="x.bin", client=gh))
        assert isinstance(error, octo.TransportError) and "within 1 s" in str(error), error
        assert took < 2.5

    def test_headers_of_a_download_count_against_the_total(self, tmp_path: Path) -> None:
        head = FILE + PAD + b"Content-Length: 4\r\n\r\n"
        with RawServer(Raw(head, b"data", drip=1, every=0.02, drip_head=True), limit=4) as server:
            gh = octo.Octo(base_url=server.url, timeout=FAST, retries=0)
            took, error = elapsed(lambda: octo.download(server.url + ASSET, to=tmp_path / "a", client=gh))
        assert isinstance(error, octo.TransportError) and took < 2.5

    def test_a_download_that_stops_making_progress_ends(self, tmp_path: Path) -> None:
        # 16 bytes every 50 ms: always something within the read timeout, but
        # far less than a few KiB per read timeout.
        with RawServer(Raw(FILE + b"Content-Length: 100000\r\n\r\n", b"x" * 100_000, drip=16, every=0.05),
                       limit=4) as server:
            gh = octo.Octo(base_url=server.url, timeout=FAST, retries=0)
            took, error = elapsed(lambda: octo.download(server.url + ASSET, to=tmp_path / "a", client=gh))
        assert isinstance(error, octo.TransportError) and "stalled" in str(error)
        assert took < 2.5
        assert list(tmp_path.iterdir()) == []

    def test_a_slow_but_steady_download_completes_past_the_total(self, tmp_path: Path) -> None:
        whole = bytes(range(256)) * 32 * 48  # 384 KiB, in 8 KiB pieces every 40 ms: about 2 s
        with RawServer(Raw(FILE + b"Content-Length: %d\r\n\r\n" % len(whole), whole, drip=8192, every=0.04),
                       limit=4) as server:
            gh = octo.Octo(base_url=server.url, timeout=FAST, retries=0)
            took, outcome = elapsed(lambda: octo.download(server.url + ASSET, to=tmp_path / "a", client=gh))
        assert outcome.status == 200, outcome
        assert (tmp_path / "a").read_bytes() == whole
        assert took > 1  # longer than an ordinary call may take


class TestProxyPerHost:
    """HTTP_PROXY and NO_PROXY decide per host, as for `requests.get`; the
    second host is `localhost`, the first `127.0.0.1`."""

    def test_a_download_redirect_to_a_storage_host_takes_that_hosts_proxy(
            self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        with ScriptedServer() as api, ScriptedServer() as storage, ForwardProxy() as proxy:
            monkeypatch.setenv("HTTP_PROXY", proxy.url)
            monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # the API host only
            signed = f"http://localhost:{storage.port}/blob?sig=s1"
            api.queue(Reply(302, headers={"Location": signed}))
            storage.queue(Reply(200, body=b"data", headers={"content-type": "application/octet-stream"}))
            gh = octo.Octo(base_url=api.url)
            octo.download(f"{api.url}/repos/o/r/tarball/main", to=tmp_path / "a", client=gh)
            assert (tmp_path / "a").read_bytes() == b"data"
            assert proxy.urls == [signed]
            assert len(api.requests) == 1 and len(storage.requests) == 1

    def test_a_next_page_on_a_host_in_no_proxy_goes_straight_there(
            self, monkeypatch: pytest.MonkeyPatch) -> None:
        with ScriptedServer() as api, ScriptedServer() as other, ForwardProxy() as proxy:
            monkeypatch.setenv("HTTP_PROXY", proxy.url)
            monkeypatch.setenv("NO_PROXY", "localhost")  # the second host only
            next_page = f"http://localhost:{other.port}/repositories/1/issues?page=2"
            api.queue(Reply(200, json=[{"number": 1}], headers={"Link": f'<{next_page}>; rel="next"'}))
            other.queue(Reply(200, json=[{"number": 2}]))
            gh = octo.Octo(base_url=api.url)
            assert [i["number"] for i in octo.paginate(gh.issues.list_for_repo, "o", "r")] == [1, 2]
            assert [url.split("?")[0] for url in proxy.urls] == [f"{api.url}/repos/o/r/issues"]
            assert len(other.requests) == 1


    def test_https_goes_through_the_proxys_tunnel_with_the_ca_bundle_from_the_environment(
            self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        cert, key = make_certificate(tmp_path)
        with ScriptedServer(tls=server_context(cert, key)) as api, ForwardProxy() as proxy:
            monkeypatch.setenv("HTTPS_PROXY", proxy.url)
            monkeypatch.setenv("NO_PROXY", "")
            monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
            gh = octo.Octo(SENTINEL, base_url=api.url)
            assert gh.repos.get("o", "r").status == 200
            assert proxy.urls == [f"CONNECT 127.0.0.1:{api.port}"]
            assert api.requests[0].headers["authorization"] == f"Bearer {SENTINEL}"

    def test_a_ca_bundle_that_does_not_exist_is_named_before_anything_is_sent(
            self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        missing = tmp_path / "no-such-ca.pem"
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(missing))
        with ScriptedServer() as api:
            gh = octo.Octo(SENTINEL, base_url=api.url.replace("http:", "https:"), retries=0)
            with pytest.raises(ValueError, match=f"CA bundle '{missing}' that REQUESTS_CA_BUNDLE .* not exist"):
                gh.repos.get("o", "r")
            assert api.requests == []


@pytest.mark.sync_only("urllib3's own log")
def test_urllib3s_debug_log_of_a_download_redirect_keeps_the_signature_out(
        caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    signature, credential = "c0ffee5ignature0123456789", "AKIAEXAMPLE0123456789"
    with ScriptedServer() as api, ScriptedServer() as storage:
        signed = (f"{storage.url}/blob?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={credential}"
                  f"&X-Amz-Signature={signature}&response-content-type=application%2Foctet-stream")
        api.queue(Reply(302, headers={"Location": signed}))
        storage.queue(Reply(200, body=b"data", headers={"content-type": "application/octet-stream"}))
        gh = octo.Octo(SENTINEL, base_url=api.url)
        caplog.set_level(logging.DEBUG, logger="urllib3")
        octo.download(f"{api.url}/repos/o/r/tarball/main", to=tmp_path / "a", client=gh)
    lines = [record.getMessage() for record in caplog.records if record.name.startswith("urllib3")]
    # urllib3 did log the storage request, with its query redacted.
    assert any("GET /blob?" in line and "X-Amz-Signature=[redacted]" in line for line in lines), lines
    for secret in (signature, credential, SENTINEL):
        assert secret not in caplog.text
        assert not any(secret in str(record.args) for record in caplog.records)


@pytest.mark.sync_only("requests' pool from many threads; AsyncOcto's bound is tested with tasks in tests/aio")
class TestConnectionPool:
    @staticmethod
    def hammer(gh: octo.Octo, threads: int = 32, calls: int = 4) -> list[Any]:
        """`calls` calls on each of `threads` threads, all at once."""
        start = threading.Barrier(threads)

        def work(_: int) -> list[Any]:
            start.wait(5)
            return [gh.repos.get("o", "r").data for _ in range(calls)]

        with ThreadPoolExecutor(threads) as pool:
            return [data for results in pool.map(work, range(threads)) for data in results]

    @pytest.fixture
    def slow_server(self, server: ScriptedServer) -> ScriptedServer:
        server.handler = lambda request: Reply(200, json={"ok": 1}, delay=0.02)  # so calls overlap
        return server

    def test_32_threads_on_one_client_reuse_connections_without_pool_full_warnings(
            self, slow_server: ScriptedServer, caplog: pytest.LogCaptureFixture) -> None:
        caplog.set_level(logging.WARNING, logger="urllib3")
        gh = octo.Octo(SENTINEL, base_url=slow_server.url)
        assert self.hammer(gh) == [{"ok": 1}] * 128
        assert "pool is full" not in caplog.text
        assert slow_server.connections <= 32

    def test_max_connections_bounds_the_connections_to_a_host(
            self, slow_server: ScriptedServer, caplog: pytest.LogCaptureFixture) -> None:
        caplog.set_level(logging.WARNING, logger="urllib3")
        gh = octo.Octo(base_url=slow_server.url, max_connections=4)
        assert self.hammer(gh) == [{"ok": 1}] * 128
        assert "pool is full" not in caplog.text
        assert slow_server.connections <= 4

    def test_waiting_for_a_free_connection_counts_in_the_total(self, server: ScriptedServer) -> None:
        server.queue(Reply(200, json={"slow": 1}, delay=1.5))
        gh = octo.Octo(base_url=server.url, max_connections=1, retries=0)
        with ThreadPoolExecutor(1) as pool:
            slow = pool.submit(gh.repos.get, "o", "r", timeout=(5, 5))
            while not server.requests:
                time.sleep(0.01)  # the one connection is busy
            took, error = elapsed(lambda: gh.repos.get("o", "r", timeout=(0.3, 0.3)))
            assert slow.result().data == {"slow": 1}
        assert isinstance(error, octo.TransportError) and not error.sent
        assert took < 1.2

    def test_every_kind_of_answer_gives_its_connection_back(self, server: ScriptedServer,
                                                            tmp_path: Path) -> None:
        # With one connection, one that was not given back would starve the next call.
        gh = octo.Octo(base_url=server.url, max_connections=1, retries=0, timeout=(0.5, 0.5))
        kind = {"content-type": "application/octet-stream"}
        server.queue(Reply(404, json={"message": "Not Found"}), Reply(500, body="<html>"),
                     Reply(200, json={"x": "y" * 100}, fault="truncate"), Reply(200, fault="reset"),
                     Reply(200, body="{not json", headers={"content-type": "application/json"}),
                     Reply(302, headers={"Location": f"{server.url}/blob"}), Reply(200, body=b"data", headers=kind),
                     Reply(200, json={"message": "a JSON answer to a download"}))
        for call in (lambda: gh.repos.get("o", "r"),) * 5 + (
                lambda: octo.download(server.url + ASSET, to=tmp_path / "a", client=gh),
                lambda: octo.download(server.url + ASSET, to=tmp_path / "b", client=gh)):
            elapsed(call)
        took, outcome = elapsed(lambda: gh.repos.get("o", "r"))
        assert getattr(outcome, "data", outcome) == {} and took < 0.5
        assert (tmp_path / "a").read_bytes() == b"data"

    def test_a_plain_session_of_the_callers_gets_octos_pool(
            self, slow_server: ScriptedServer, caplog: pytest.LogCaptureFixture) -> None:
        caplog.set_level(logging.WARNING, logger="urllib3")
        session = requests.Session()
        session.headers["X-Team"] = "platform"
        gh = octo.Octo(base_url=slow_server.url, session=session)
        assert self.hammer(gh) == [{"ok": 1}] * 128
        assert "pool is full" not in caplog.text and slow_server.connections <= 32

    def test_an_adapter_the_caller_mounted_is_kept(self, server: ScriptedServer) -> None:
        class Counting(requests.adapters.HTTPAdapter):
            sent = 0

            def send(self, *args: Any, **kwargs: Any) -> requests.Response:
                Counting.sent += 1
                return super().send(*args, **kwargs)

        session = requests.Session()
        session.mount("http://", Counting())
        octo.Octo(base_url=server.url, session=session).repos.get("o", "r")
        assert Counting.sent == 1

    @pytest.mark.parametrize("bad", [0, -1, 1.5, True, "8"])
    def test_max_connections_is_a_whole_number_of_at_least_1(self, bad: Any) -> None:
        with pytest.raises(ValueError, match="max_connections"):
            octo.Octo(max_connections=bad)


def test_answer_headers_read_the_same_through_both_clients() -> None:
    # http.client reads each byte as Latin-1 and urllib3 joins a repeated
    # header; the async driver must hand the pipeline the same mapping.
    head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
            b"X-Seen: a\r\nx-seen: b\r\nX-Latin: caf\xe9\r\n\r\n")
    with RawServer(Raw(head, b"{}")) as server:
        headers = octo.Octo(base_url=server.url, retries=0).repos.get("o", "r").headers
    assert isinstance(headers, CaseInsensitiveDict)
    assert (headers["X-SEEN"], headers["x-latin"]) == ("a, b", "café")
    assert [name for name in headers if name.lower() == "x-seen"] == ["X-Seen"]
    assert len(headers) == 4
    assert headers.get("x-missing") is None and "X-LATIN" in headers and "x-missing" not in headers
    # A caller's change is what later lookups see, and the mapping pickles.
    headers["X-SEEN"] = "c"
    del headers["x-latin"]
    assert (headers["x-seen"], headers.get("X-Latin"), "x-latin" in headers) == ("c", None, False)
    assert [name for name in headers if name.lower() == "x-seen"] == ["X-SEEN"]
    assert dict(pickle.loads(pickle.dumps(headers)).lower_items()) == dict(headers.lower_items())
