"""Media types, streamed downloads and uploads against loopback servers."""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import SENTINEL
from generated import PULLS, REPOS, namespace
from server import Recorded, Reply, ScriptedServer

import octo

MiB = 1 << 20


@pytest.fixture
def storage() -> Iterator[ScriptedServer]:
    """A second host, like codeload.github.com or an object store."""
    with ScriptedServer() as s:
        yield s


@pytest.fixture
def repos(client: octo.Octo) -> Any:
    return namespace(client, REPOS)


class TestMediaTypes:
    @pytest.fixture
    def pulls(self, client: octo.Octo) -> Any:
        return namespace(client, PULLS)

    def test_a_diff_comes_back_as_text(self, server: ScriptedServer, pulls: Any) -> None:
        diff = "diff --git a/ü.txt b/ü.txt\n+straße\n"
        server.queue(Reply(200, body=diff.encode(), headers={"content-type": "application/vnd.github.diff"}))
        r = pulls.get("o", "r", 7, media_type="diff")
        assert server.requests[0].headers["accept"] == "application/vnd.github.diff"
        assert r.data == diff  # UTF-8, not requests' ISO-8859-1 guess

    def test_a_patch_labelled_json_is_still_not_parsed(self, server: ScriptedServer, pulls: Any) -> None:
        server.queue(Reply(200, body='{"looks": "like json"}',
                           headers={"content-type": "application/json; charset=utf-8"}))
        assert pulls.get("o", "r", 7, media_type="patch").data == '{"looks": "like json"}'

    def test_an_error_to_a_diff_request_is_still_read_as_json(self, server: ScriptedServer,
                                                              pulls: Any) -> None:
        server.queue(Reply(404, json={"message": "Not Found", "documentation_url": "https://d"}))
        with pytest.raises(octo.NotFoundError) as info:
            pulls.get("o", "r", 7, media_type="diff")
        assert (info.value.message, info.value.documentation_url) == ("Not Found", "https://d")

    def test_binary_media_is_bytes_and_json_stays_parsed(self, server: ScriptedServer,
                                                         pulls: Any) -> None:
        server.queue(Reply(200, body=b"\x89PNG\x00", headers={"content-type": "application/octet-stream"}),
                     Reply(200, json={"number": 7}))
        assert pulls.get("o", "r", 7).data == b"\x89PNG\x00"
        assert pulls.get("o", "r", 7).data == {"number": 7}
        assert server.requests[1].headers["accept"] == "application/vnd.github+json"


def archive_redirect(storage: ScriptedServer) -> Reply:
    return Reply(302, headers={"Location": f"{storage.url}/legacy.tar.gz/main?token=short-lived"})


class TestDownloads:
    def test_302_to_another_host_is_followed_without_the_token(
        self, server: ScriptedServer, storage: ScriptedServer, repos: Any, tmp_path: Path
    ) -> None:
        body = bytes(range(256)) * 10_000
        server.queue(archive_redirect(storage))
        storage.queue(Reply(200, body=body, headers={"content-type": "application/x-gzip"}))
        seen: list[tuple[int, int | None]] = []
        to = tmp_path / "hello.tar.gz"
        r = octo.download(repos.download_tarball_archive, "o", "r", "main", to=to,
                          progress=lambda done, total: seen.append((done, total)))
        assert to.read_bytes() == body
        assert r.data == to and r.status == 200 and r.url.startswith(storage.url)
        assert not to.with_name("hello.tar.gz.part").exists()
        assert server.requests[0].headers["authorization"] == f"Bearer {SENTINEL}"
        assert storage.requests[0].path == "/legacy.tar.gz/main?token=short-lived"
        assert "authorization" not in storage.requests[0].headers
        assert seen[0] == (0, len(body)) and seen[-1] == (len(body), len(body))
        assert [d for d, _ in seen] == sorted(d for d, _ in seen)

    def test_calling_the_method_itself_returns_the_bytes(
        self, server: ScriptedServer, storage: ScriptedServer, repos: Any
    ) -> None:
        server.queue(archive_redirect(storage))
        storage.queue(Reply(200, body=b"\x1f\x8b tar", headers={"content-type": "application/x-gzip"}))
        assert repos.download_tarball_archive("o", "r", "main").data == b"\x1f\x8b tar"

    def test_download_into_a_binary_file_object(
        self, server: ScriptedServer, storage: ScriptedServer, repos: Any
    ) -> None:
        server.queue(archive_redirect(storage))
        storage.queue(Reply(200, body=b"abc" * 1000, headers={"content-type": "application/zip"}))
        out = io.BytesIO()
        r = octo.download(repos.download_tarball_archive, "o", "r", "main", to=out)
        assert out.getvalue() == b"abc" * 1000 and r.data is None

    def test_a_retried_download_into_a_file_object_starts_over_where_it_began(
        self, server: ScriptedServer, storage: ScriptedServer, repos: Any
    ) -> None:
        # The first try writes half of a long body before it is cut; the retry's
        # short body must replace it, and what the file held before stays.
        server.queue(archive_redirect(storage), archive_redirect(storage))
        # Half of 4 MiB is more than a chunk, so the first try does write.
        storage.queue(Reply(200, body=b"x" * 4 * MiB, fault="truncate",
                            headers={"content-type": "application/zip"}),
                      Reply(200, body=b"whole", headers={"content-type": "application/zip"}))
        out = io.BytesIO()
        out.write(b"kept:")
        octo.download(repos.download_tarball_archive, "o", "r", "main", to=out)
        assert out.getvalue() == b"kept:whole"

    def test_a_retry_into_a_file_that_cannot_seek_is_an_error(
        self, server: ScriptedServer, storage: ScriptedServer, repos: Any, tmp_path: Path
    ) -> None:
        server.queue(archive_redirect(storage), archive_redirect(storage))
        storage.queue(Reply(200, body=b"x" * 4 * MiB, fault="truncate",
                            headers={"content-type": "application/zip"}),
                      Reply(200, body=b"whole", headers={"content-type": "application/zip"}))
        with open(tmp_path / "out", "wb") as f, pytest.raises(octo.OctoError) as info:
            f.seekable = lambda: False  # type: ignore[method-assign]
            octo.download(repos.download_tarball_archive, "o", "r", "main", to=f)
        assert str(info.value) == "download(): cannot retry into a file object that cannot seek"
        assert b"whole" not in (tmp_path / "out").read_bytes()  # never appended to the stale half

    def test_a_compressed_download_reports_no_total(
        self, server: ScriptedServer, storage: ScriptedServer, repos: Any, tmp_path: Path
    ) -> None:
        # Content-Length counts the gzip bytes on the wire, not what is written.
        body = b"hello " * 50_000
        server.queue(archive_redirect(storage))
        storage.queue(Reply(200, body=gzip.compress(body), headers={
            "content-type": "application/octet-stream", "content-encoding": "gzip"}))
        seen: list[tuple[int, int | None]] = []
        to = tmp_path / "a.bin"
        octo.download(repos.download_tarball_archive, "o", "r", "main", to=to,
                      progress=lambda done, total: seen.append((done, total)))
        assert to.read_bytes() == body
        assert {total for _, total in seen} == {None} and seen[-1][0] == len(body)

    def test_a_cut_short_download_leaves_no_file(
        self, server: ScriptedServer, storage: ScriptedServer, repos: Any, tmp_path: Path
    ) -> None:
        # A GET cut short is retried (3 times by default); every try fails here.
        server.queue(*[archive_redirect(storage)] * 4)
        storage.queue(*[Reply(200, body=b"x" * MiB, fault="truncate",
                              headers={"content-type": "application/x-gzip"})] * 4)
        to = tmp_path / "a.tar.gz"
        with pytest.raises(octo.TransportError, match="download failed") as info:
            octo.download(repos.download_tarball_archive, "o", "r", "main", to=to)
        assert len(storage.requests) == 4
        assert "short-lived" not in str(info.value)  # the signed query stays out of errors
        assert list(tmp_path.glob("a.tar.gz*")) == []

    def test_an_error_status_raises_and_writes_nothing(
        self, server: ScriptedServer, repos: Any, tmp_path: Path
    ) -> None:
        server.queue(Reply(404, json={"message": "Not Found"}))
        with pytest.raises(octo.NotFoundError):
            octo.download(repos.download_tarball_archive, "o", "r", "main", to=tmp_path / "a")
        assert list(tmp_path.iterdir()) == []

    def test_json_from_the_api_itself_is_not_saved_as_a_file(
        self, server: ScriptedServer, client: octo.Octo, tmp_path: Path
    ) -> None:
        server.queue(Reply(200, json={"name": "asset.zip"}))
        with pytest.raises(octo.OctoError, match="JSON, not a file"):
            octo.download(client.repos.get, "o", "r", to=tmp_path / "asset.zip")
        assert not (tmp_path / "asset.zip").exists()

    def test_a_url_such_as_an_assets_url(
        self, server: ScriptedServer, storage: ScriptedServer, client: octo.Octo, tmp_path: Path
    ) -> None:
        server.queue(Reply(302, headers={"Location": f"{storage.url}/blob/7"}))
        storage.queue(Reply(200, body=b"PK\x03\x04", headers={"content-type": "application/octet-stream"}))
        to = tmp_path / "asset.zip"
        octo.download(f"{server.url}/repos/o/r/releases/assets/7", to=to, client=client)
        assert to.read_bytes() == b"PK\x03\x04"
        assert server.requests[0].headers["accept"] == "application/octet-stream"
        assert "authorization" not in storage.requests[0].headers

    def test_200_mib_streams_in_bounded_memory(
        self, server: ScriptedServer, storage: ScriptedServer, tmp_path: Path
    ) -> None:
        """The peak RSS of a child process that downloads 200 MiB grows by a
        few MiB (first-request imports and one chunk), not by the body's size."""
        chunk = bytes(range(256)) * 4096  # 1 MiB, reused: the server holds no more

        def blob(request: Recorded) -> Reply:
            size = int(request.query["size"][0])
            return Reply(200, stream=(chunk for _ in range(size // MiB)), length=size,
                         headers={"content-type": "application/x-gzip"})

        storage.handler = blob
        server.handler = lambda r: Reply(302, headers={
            "Location": f"{storage.url}/blob?size={r.query['size'][0]}"})
        child = textwrap.dedent("""
            import json, resource, sys, time
            import octo
            api, out = sys.argv[1], sys.argv[2]
            gh = octo.Octo(sys.argv[3], base_url=api)
            def status(field):
                with open("/proc/self/status") as f:
                    return next(int(line.split()[1]) for line in f if line.startswith(field))
            try:  # Linux: reset the high-water mark, so the peak is this download's
                with open("/proc/self/clear_refs", "w") as f:
                    f.write("5")
                before = status("VmRSS:")
                peak = lambda: status("VmHWM:")
            except OSError:
                peak = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                before = peak()
            started = time.perf_counter()
            octo.download(api + "/tarball?size=209715200", to=out, client=gh)
            print(json.dumps({"before_kib": before, "after_kib": peak(),
                              "seconds": time.perf_counter() - started}))
        """)
        out = tmp_path / "big.tar.gz"
        done = subprocess.run([sys.executable, "-c", child, server.url, str(out), SENTINEL],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr[-2000:]
        result = json.loads(done.stdout)
        growth_mib = (result["after_kib"] - result["before_kib"]) / 1024
        print(f"200 MiB download: peak RSS growth {growth_mib:.1f} MiB in {result['seconds']:.2f} s")
        assert out.stat().st_size == 200 * MiB
        with open(out, "rb") as f:
            assert f.read(MiB) == chunk
            f.seek(-MiB, 2)
            assert f.read() == chunk
        assert growth_mib < 16
        assert all("authorization" not in r.headers for r in storage.requests)
        assert len(storage.requests) == 1


class TestUploads:
    @pytest.fixture
    def uploads(self) -> Iterator[ScriptedServer]:
        with ScriptedServer() as s:
            s.handler = lambda r: Reply(201, json={"id": 1, "name": r.query["name"][0]})
            yield s

    @pytest.fixture
    def gh(self, server: ScriptedServer, uploads: ScriptedServer) -> Iterator[octo.Octo]:
        with octo.Octo(SENTINEL, base_url=server.url, uploads_url=uploads.url) as c:
            yield c

    @pytest.fixture
    def asset(self, tmp_path: Path) -> Path:
        path = tmp_path / "app-1.2.tar.gz"
        path.write_bytes(b"\x1f\x8b" + bytes(range(256)) * 5000)
        return path

    def test_from_a_file_object_to_the_uploads_host(
        self, gh: octo.Octo, server: ScriptedServer, uploads: ScriptedServer, asset: Path
    ) -> None:
        repos = namespace(gh, REPOS)
        with open(asset, "rb") as f:
            r = repos.upload_release_asset("o", "r", 1, name="app-1.2.tar.gz", label="Linux", data=f)
        assert r.status == 201 and server.requests == []
        (sent,) = uploads.requests
        assert sent.method == "POST" and sent.route == "/repos/o/r/releases/1/assets"
        assert sent.query == {"name": ["app-1.2.tar.gz"], "label": ["Linux"]}
        assert sent.headers["content-type"] == "application/gzip"
        assert sent.headers["content-length"] == str(asset.stat().st_size)
        assert "transfer-encoding" not in sent.headers
        assert sent.headers["authorization"] == f"Bearer {SENTINEL}"
        assert sent.body == asset.read_bytes()

    def test_a_file_read_to_its_end_sends_an_empty_body(self, gh: octo.Octo, uploads: ScriptedServer) -> None:
        source = io.BytesIO(b"already read")
        source.seek(0, io.SEEK_END)
        # A length of 1 for it would leave the server waiting for a byte that never comes.
        namespace(gh, REPOS).upload_release_asset("o", "r", 1, name="empty.bin", data=source, timeout=2)
        (sent,) = uploads.requests
        assert sent.body == b"" and sent.headers.get("content-length", "0") == "0"

    def test_a_path_alone_goes_to_the_uploads_host(self, gh: octo.Octo, uploads: ScriptedServer,
                                                   server: ScriptedServer) -> None:
        octo.upload("/repos/o/r/releases/1/assets{?name,label}", b"x", name="x.bin", client=gh)
        assert [r.route for r in uploads.requests] == ["/repos/o/r/releases/1/assets"] and server.requests == []

    def test_with_the_module_level_client(self, uploads: ScriptedServer, server: ScriptedServer) -> None:
        octo.configure(SENTINEL, base_url=server.url, uploads_url=uploads.url)
        octo.upload(f"{uploads.url}/repos/o/r/releases/1/assets{{?name,label}}", b"x", name="x.bin")
        assert uploads.requests[0].headers["authorization"] == f"Bearer {SENTINEL}"

    def test_a_file_object_is_sent_from_where_it_stands(
        self, gh: octo.Octo, uploads: ScriptedServer, asset: Path
    ) -> None:
        repos = namespace(gh, REPOS)
        with open(asset, "rb") as f:
            f.seek(100)
            repos.upload_release_asset("o", "r", 1, name="a.tar.gz", data=f, timeout=5)
        (sent,) = uploads.requests
        assert sent.body == asset.read_bytes()[100:]
        assert sent.headers["content-length"] == str(asset.stat().st_size - 100)

    @pytest.mark.parametrize(("name", "content_type"), [
        ("notes.txt", "text/plain"), ("app.zip", "application/zip"),
        ("app.tgz", "application/gzip"), ("app.dmg.weird", "application/octet-stream"),
    ])
    def test_path_and_bytes_with_a_guessed_type(
        self, gh: octo.Octo, uploads: ScriptedServer, asset: Path, name: str, content_type: str
    ) -> None:
        repos = namespace(gh, REPOS)
        repos.upload_release_asset("o", "r", 1, name=name, data=asset)
        repos.upload_release_asset("o", "r", 1, name=name, data=b"raw bytes")
        first, second = uploads.requests
        assert first.body == asset.read_bytes() and second.body == b"raw bytes"
        assert first.headers["content-type"] == second.headers["content-type"] == content_type

    def test_to_the_releases_upload_url_template(
        self, gh: octo.Octo, uploads: ScriptedServer, asset: Path
    ) -> None:
        upload_url = f"{uploads.url}/repos/o/r/releases/1/assets{{?name,label}}"
        seen: list[tuple[int, int | None]] = []
        r = octo.upload(upload_url, str(asset), label="Linux build", client=gh,
                        progress=lambda done, total: seen.append((done, total)))
        assert r.data == {"id": 1, "name": "app-1.2.tar.gz"}
        (sent,) = uploads.requests
        assert sent.route == "/repos/o/r/releases/1/assets"
        assert sent.query == {"name": ["app-1.2.tar.gz"], "label": ["Linux build"]}
        assert sent.headers["content-type"] == "application/gzip"
        assert sent.headers["authorization"] == f"Bearer {SENTINEL}"
        size = asset.stat().st_size
        assert seen[0] == (0, size) and seen[-1] == (size, size)

    def test_explicit_name_and_content_type(self, gh: octo.Octo, uploads: ScriptedServer) -> None:
        octo.upload(f"{uploads.url}/repos/o/r/releases/1/assets{{?name,label}}",
                    io.BytesIO(b"data"), name="checksums", content_type="text/plain", client=gh)
        (sent,) = uploads.requests
        assert (sent.query, sent.headers["content-type"], sent.body) == \
            ({"name": ["checksums"]}, "text/plain", b"data")
        with pytest.raises(TypeError, match="name= is required"):
            octo.upload(f"{uploads.url}/x", b"data", client=gh)

    @pytest.mark.parametrize("content_type", ["application/octet-stream", "application/x-custom"])
    def test_an_explicit_content_type_is_sent_as_given_never_guessed(
        self, gh: octo.Octo, uploads: ScriptedServer, asset: Path, content_type: str
    ) -> None:
        octo.upload(f"{uploads.url}/repos/o/r/releases/1/assets{{?name,label}}", asset,
                    content_type=content_type, client=gh)
        repos = namespace(gh, REPOS)
        repos.upload_release_asset("o", "r", 1, name="app.zip", data=b"PK", headers={"Content-Type": content_type})
        repos.upload_release_asset("o", "r", 1, name="app.zip", data=b"PK", headers={"content-type": content_type})
        assert [r.headers["content-type"] for r in uploads.requests] == [content_type] * 3
        assert uploads.requests[0].body == asset.read_bytes()

    def test_an_upload_url_on_another_origin_gets_no_token(
        self, gh: octo.Octo, storage: ScriptedServer
    ) -> None:
        storage.queue(Reply(201, json={}))
        octo.upload(f"{storage.url}/repos/o/r/releases/1/assets{{?name,label}}", b"x",
                    name="a.bin", client=gh)
        assert "authorization" not in storage.requests[0].headers

    def test_a_307_sends_the_whole_file_again(
        self, gh: octo.Octo, uploads: ScriptedServer, asset: Path
    ) -> None:
        uploads.queue(Reply(307, headers={"Location": f"{uploads.url}/elsewhere?name=a.tar.gz"}))
        repos = namespace(gh, REPOS)
        with open(asset, "rb") as f:
            repos.upload_release_asset("o", "r", 1, name="a.tar.gz", data=f)
        first, second = uploads.requests
        assert second.route == "/elsewhere"
        assert first.body == second.body == asset.read_bytes()

    def test_from_a_pipe_it_streams_chunked_and_a_307_cannot_resend_it(
        self, gh: octo.Octo, uploads: ScriptedServer, asset: Path
    ) -> None:
        repos = namespace(gh, REPOS)
        for redirect in (False, True):
            if redirect:
                uploads.queue(Reply(307, headers={"Location": f"{uploads.url}/elsewhere?name=a.tar.gz"}))
            read, write = os.pipe()
            payload = asset.read_bytes()[:50_000]  # fits in a pipe's buffer
            os.write(write, payload)
            os.close(write)
            with open(read, "rb") as pipe:
                if not redirect:
                    repos.upload_release_asset("o", "r", 1, name="a.tar.gz", data=pipe)
                    assert uploads.requests[-1].headers["transfer-encoding"] == "chunked"
                    assert uploads.requests[-1].body == payload
                else:
                    # What was read from a pipe is gone: refused, never sent again empty.
                    with pytest.raises(octo.OctoError, match="cannot be read twice"):
                        repos.upload_release_asset("o", "r", 1, name="a.tar.gz", data=pipe)
        assert [r.route for r in uploads.requests] == ["/repos/o/r/releases/1/assets"] * 2

    def test_a_text_file_or_a_str_is_refused(self, gh: octo.Octo, uploads: ScriptedServer,
                                             asset: Path) -> None:
        repos = namespace(gh, REPOS)
        with open(asset, encoding="latin-1") as f, pytest.raises(TypeError, match="binary mode"):
            repos.upload_release_asset("o", "r", 1, name="a", data=f)
        with pytest.raises(TypeError, match="file name or content"):
            repos.upload_release_asset("o", "r", 1, name="a", data=str(asset))
        assert uploads.requests == []
