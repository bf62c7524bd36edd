"""The documentation site as a reader meets it: built strictly by MkDocs, served on
loopback, opened in headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from conftest import ROOT

# The site is built and read by mkdocs and a browser in other processes.
pytestmark = pytest.mark.other_processes

DOCS = ROOT / "docs"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                  "--disable-background-networking", "--disable-component-update"]


class Site:
    def __init__(self, folder: Path, output: str, seconds: float) -> None:
        self.folder, self.output, self.seconds = folder, output, seconds
        self.url = ""

    def pages(self) -> list[str]:
        """Every page's path below the site root: `quickstart/`, `reference/repos/`."""
        folders = (p.parent.relative_to(self.folder) for p in self.folder.rglob("index.html"))
        return sorted("" if f == Path(".") else f.as_posix() + "/" for f in folders)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    folder = tmp_path_factory.mktemp("site")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(folder)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{done.stdout}{done.stderr}"
    return Site(folder, done.stdout + done.stderr, time.perf_counter() - started)


@pytest.fixture(scope="session")
def served(site: Site) -> Iterator[Site]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=site.folder))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    site.url = f"http://127.0.0.1:{server.server_port}/"
    yield site
    server.shutdown()
    server.server_close()


def chromium() -> str:
    found = os.environ.get("OCTO_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("no Chromium for the docs browser test: `make test` installs Debian's package when run "
                    "as root with apt-get (apt-get install chromium); or set OCTO_CHROMIUM=/path/to/chromium",
                    pytrace=False)
    return found


@pytest.fixture(scope="module")  # its event loop ends with this module: later tests call asyncio.run
def browser() -> Iterator[Any]:
    from playwright.sync_api import Error, sync_playwright

    executable = chromium()
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS, timeout=60_000)
        except Error as exc:
            pytest.fail(f"Chromium at {executable} did not start: {exc.message.splitlines()[0]}", pytrace=False)
        yield launched
        launched.close()


class Reader:
    """A browser tab that records what a reader would see go wrong."""

    def __init__(self, browser: Any, site: Site) -> None:
        self.site = site
        self.page = browser.new_page()
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("requestfailed", self._failed)
        self.page.on("response", self._response)
        self.page.on("request", self._request)

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.problems.append(f"console {message.type}: {message.text}")

    def _failed(self, request: Any) -> None:
        if request.failure != "net::ERR_ABORTED":  # what was still loading when the reader moved on
            self.problems.append(f"failed: {request.url} ({request.failure})")

    def _request(self, request: Any) -> None:
        if not request.url.startswith((self.site.url, "data:", "blob:")):
            self.problems.append(f"leaves the site: {request.url}")

    def _response(self, response: Any) -> None:
        if response.status >= 400:
            self.problems.append(f"{response.status}: {response.url}")

    def open(self, path: str) -> Any:
        self.problems.clear()
        self.page.goto(self.site.url + path, wait_until="load")
        return self.page


@pytest.fixture
def reader(browser: Any, served: Site) -> Iterator[Reader]:
    tab = Reader(browser, served)
    yield tab
    tab.page.close()


def test_the_site_builds_strictly_with_a_page_for_every_document(site: Site) -> None:
    assert "WARNING" not in site.output, site.output
    expected = set()
    for document in DOCS.rglob("*.md"):
        path = document.relative_to(DOCS).with_suffix("")
        folder = path.parent if path.name in ("index", "README") else path
        expected.add("" if folder == Path(".") else folder.as_posix() + "/")
    assert set(site.pages()) == expected
    assert len(expected) >= 49 + 10  # a page per namespace, and the guides


def test_the_quick_start_renders_without_console_errors(reader: Reader) -> None:
    page = reader.open("quickstart/")
    assert page.title().startswith("Quick start")
    assert page.locator("h1").inner_text().removesuffix("¶") == "Quick start"  # ¶: its permalink
    assert "pip install octo-github" in page.locator("article").inner_text()
    assert page.locator("article .highlight").count() >= 5  # the examples, highlighted
    assert reader.problems == []


def test_search_finds_create_dispatch_event(reader: Reader) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page = reader.open("")
    page.locator("input.md-search__input").click()
    # The index loads in a worker; until it has, the box says "Initializing search".
    page.locator(".md-search-result__meta", has_text="Type to start searching").wait_for(timeout=30_000)
    page.locator("input.md-search__input").press_sequentially("create_dispatch_event")
    # Results of the partial query ("create") show first; wait for those of the whole one.
    try:
        page.wait_for_function("""() => [...document.querySelectorAll('.md-search-result__item a')].slice(0, 3)
            .some(a => { const u = new URL(a.href);
                         return u.pathname === '/reference/repos/' && u.hash === '#create_dispatch_event'; })""",
                               timeout=30_000)
    except PlaywrightTimeout:
        pass  # the assertion below shows what was found instead
    links = page.locator(".md-search-result__item a").evaluate_all("links => links.map(a => a.href)")
    assert any(urlsplit(link).path == "/reference/repos/" and urlsplit(link).fragment == "create_dispatch_event"
               for link in links[:3]), links[:3]
    page.locator(".md-search-result__item a[href*='#create_dispatch_event']").first.click()
    page.wait_for_url(re.compile(r"/reference/repos/.*#create_dispatch_event$"))
    section = page.locator("h2#create_dispatch_event")
    assert section.is_visible()
    assert reader.problems == []


def test_every_page_opens_without_errors_or_outside_requests(reader: Reader, served: Site) -> None:
    # The 1,493 type pages come from one template: the index and a few stand for them
    # (opening each would add minutes to make test and show nothing new).
    types = [path for path in served.pages() if path.startswith("reference/types/")]
    opened = [path for path in served.pages() if path not in types] + types[:4]
    assert "reference/types/" in opened and len(types) > 1000
    broken = {}
    for path in opened:
        reader.open(path)
        if reader.problems:
            broken[path] = list(reader.problems)
    assert broken == {}


def test_the_readme_links_into_pages_the_site_has(site: Site) -> None:
    site_url = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["site_url"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(rf"\]\(({re.escape(site_url)}[^)]*)\)", readme)
    assert len(links) >= 8
    missing = [link for link in links if link.removeprefix(site_url).split("#")[0] not in {"", *site.pages()}]
    assert missing == []
