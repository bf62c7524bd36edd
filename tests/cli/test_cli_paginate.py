"""--paginate against a loopback server that pages with Link headers."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from conftest import SENTINEL
from server import Recorded, Reply, ScriptedServer

from cli.helpers import Run
from octo.cli import output

PAGES = 3
PER_PAGE = 4


def paged(wrap: str | None = None):  # type: ignore[no-untyped-def]
    """A handler answering page N of PAGES with GitHub's `Link` header: from
    page 2 on, `prev` and `first` come before `rel="next"`."""

    def handler(request: Recorded) -> Reply:
        page = int(request.query.get("page", ["1"])[0])
        items = [{"n": (page - 1) * PER_PAGE + i} for i in range(PER_PAGE)]
        at = f"{server.url}{request.route}?per_page={PER_PAGE}&page="
        links = [f'<{at}{page - 1}>; rel="prev"', f'<{at}1>; rel="first"'] if page > 1 else []
        if page < PAGES:
            links += [f'<{at}{page + 1}>; rel="next"', f'<{at}{PAGES}>; rel="last"']
        return Reply(200, json={wrap: items} if wrap else items,
                     headers={"link": ", ".join(links)} if links else {})

    server = ScriptedServer(handler)
    return server


@pytest.fixture
def pages(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    with paged() as s:
        monkeypatch.setenv("GITHUB_API_URL", s.url)
        monkeypatch.setenv("GITHUB_TOKEN", SENTINEL)
        yield s


def test_every_item_of_every_page_as_json_lines(run: Run, pages: ScriptedServer) -> None:
    result = run("--paginate", "issues", "list-for-repo", "octocat", "hello-world", "--state", "all")
    assert result.code == 0, result.err
    assert result.json_lines() == [{"n": n} for n in range(PAGES * PER_PAGE)]
    assert result.out.splitlines()[0] == '{"n":0}'  # one compact line per item
    assert [r.query.get("page", ["1"])[0] for r in pages.requests] == ["1", "2", "3"]
    assert pages.requests[0].query["state"] == ["all"]
    assert all(r.headers["authorization"] == f"Bearer {SENTINEL}" for r in pages.requests)
    assert result.err == ""  # stderr is not a terminal: no progress line


def test_progress_on_stderr_only_when_it_is_a_terminal(
    run: Run, pages: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(output, "is_terminal", lambda stream: stream is sys.stderr)
    result = run("--paginate", "issues", "list-for-repo", "o", "r")
    assert len(result.json_lines()) == PAGES * PER_PAGE
    assert "\rocto: 1 items" in result.err
    assert result.err.endswith("\r\x1b[K")  # the progress line is erased at the end


@pytest.mark.usefixtures("kinds")
def test_items_inside_a_wrapping_object(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    with paged(wrap="things") as s:
        monkeypatch.setenv("GITHUB_API_URL", s.url)
        result = run("clitest", "listing", "--paginate", "--per-page", "4")
    assert result.json_lines() == [{"n": n} for n in range(PAGES * PER_PAGE)]


def test_an_error_on_a_later_page_stops_with_its_exit_status(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    with ScriptedServer() as s:
        monkeypatch.setenv("GITHUB_API_URL", s.url)
        s.queue(Reply(200, json=[{"n": 0}], headers={"link": f'<{s.url}/repos/o/r/issues?page=2>; rel="next"'}),
                Reply(404, json={"message": "Not Found"}))
        result = run("--paginate", "issues", "list-for-repo", "o", "r")
    assert result.code == 4
    assert result.json_lines() == [{"n": 0}]  # what came before the failure was already written
    assert "404 Not Found" in result.err


class Terminal(io.TextIOWrapper):
    """A stream that says it is a terminal, over bytes the test can read."""

    def __init__(self) -> None:
        super().__init__(io.BytesIO(), encoding="utf-8")

    def isatty(self) -> bool:
        return True

    def written(self) -> str:
        self.flush()
        return self.buffer.getvalue().decode()  # type: ignore[attr-defined]


def test_progress_is_redrawn_at_most_ten_times_a_second(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = SimpleNamespace(now=100.0)
    monkeypatch.setattr(output, "time", SimpleNamespace(monotonic=lambda: clock.now))

    class Walk:  # what octo.paginate gives: items, and how many pages so far
        pages_fetched = 0

        def __iter__(self) -> Iterator[int]:
            for n, (now, pages) in enumerate([(100.0, 1), (100.0625, 1), (100.125, 2), (100.1875, 2)]):
                clock.now, self.pages_fetched = now, pages
                yield n

    stream = Terminal()
    progress = output.Progress(stream)
    assert list(progress.track(Walk())) == [0, 1, 2, 3]
    progress.done()
    assert stream.written() == "\rocto: 1 items, 1 pages\rocto: 3 items, 2 pages\r\x1b[K"
    # Exactly one interval later is late enough; a plain iterable has no pages to count.
    stream, clock.now = Terminal(), 200.0
    progress = output.Progress(stream, interval=0.125)
    assert list(progress.track(iter("ab"))) == ["a", "b"]
    clock.now = 200.125
    assert list(progress.track(iter("c"))) == ["c"]
    assert stream.written() == "\rocto: 1 items\rocto: 3 items"
    quiet = Terminal()
    output.Progress(quiet).done()  # nothing was shown: nothing to erase
    assert quiet.written() == ""


def test_text_ends_with_a_newline_on_a_terminal_and_bytes_come_as_they_are() -> None:
    stream = Terminal()
    writer = output.Writer(stream)
    writer.data("diff --git")
    writer.data("ends\n")
    writer.data(b"\x00\xff")
    writer.data({"a": [1]})
    writer.data(None)
    assert writer.lines([{"n": 1}, "two"]) == 2
    assert stream.buffer.getvalue() == (  # type: ignore[attr-defined]
        b'diff --git\nends\n\x00\xff{\n  "a": [\n    1\n  ]\n}\n{"n":1}\n"two"\n')
    piped = io.StringIO()  # no .buffer: text is written as text
    output.Writer(piped).data("as is")
    assert piped.getvalue() == "as is"
