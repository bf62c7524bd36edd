"""What the CLI writes: response data as JSON (pretty on a terminal, compact
when piped), the status and headers for --include, JSON lines for
--paginate, what a --jq filter makes of each, and a progress line on stderr
when stderr is a terminal."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from typing import IO, Any

from octo.core.errors import OctoError

Filter = Callable[[Any], list[Any]]


def jq_filter(expression: str) -> Filter:
    """`--jq EXPRESSION` compiled (a ValueError names what is wrong), with the
    `jq` package, imported only here."""
    try:
        import jq  # type: ignore[import-not-found]  # ships no types
    except ImportError:
        raise ValueError("--jq needs the jq package: pip install 'octo-github[cli]'") from None
    try:
        program = jq.compile(expression)
    except ValueError as exc:
        raise ValueError(f"--jq: {exc}") from None

    def run(value: Any) -> list[Any]:
        try:
            return list(program.input_value(value).all())
        except ValueError as exc:
            raise ValueError(f"--jq: {exc}") from None

    return run


def is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def to_json(value: Any, pretty: bool) -> str:
    """`value` as JSON; an OctoError (exit 3) if it nests deeper than the
    encoder can go, which an answer parsed on a shallower stack may."""
    try:
        if pretty:
            return json.dumps(value, indent=2, ensure_ascii=False)
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    except RecursionError:
        pass  # raised below, without the encoder's exception as its context
    raise OctoError("the answer is nested too deeply to print as JSON")


class Writer:
    """stdout as UTF-8 bytes, whatever the locale, flushed after each write
    so a pipe sees each line as it is made."""

    def __init__(self, stream: IO[str] | None = None, jq: Filter | None = None) -> None:
        self.stream = stream or sys.stdout
        self.pretty = is_terminal(self.stream)
        self.jq = jq

    def text(self, text: str) -> None:
        # A lone surrogate (JSON's "\ud800" parses to one) cannot be UTF-8;
        # written as its escape it is still the same JSON string.
        self.bytes(text.encode("utf-8", "backslashreplace"))

    def bytes(self, data: bytes) -> None:
        buffer = getattr(self.stream, "buffer", None)
        if buffer is not None:
            self.stream.flush()
            buffer.write(data)
            buffer.flush()
        else:
            self.stream.write(data.decode("utf-8", "replace"))
            self.stream.flush()

    def head(self, status: int, headers: Mapping[str, str]) -> None:
        lines = [f"HTTP {status}"] + [f"{k}: {v}" for k, v in headers.items()]
        self.text("\n".join(lines) + "\n\n")

    def data(self, value: Any) -> None:
        """One response's data: JSON, or text and bytes as they came."""
        if value is None:
            return
        if self.jq is not None:
            self._filtered(value, self.pretty)
        elif isinstance(value, bytes):
            self.bytes(value)
        elif isinstance(value, str):
            self.text(value if value.endswith("\n") or not self.pretty else value + "\n")
        else:
            self.text(to_json(value, self.pretty) + "\n")

    def lines(self, items: Iterable[Any]) -> int:
        """Each item as one line of compact JSON (or what --jq makes of it); returns how many."""
        count = 0
        for item in items:
            if self.jq is not None:
                self._filtered(item, pretty=False)
            else:
                self.text(to_json(item, pretty=False) + "\n")
            count += 1
        return count

    def _filtered(self, value: Any, pretty: bool) -> None:
        """What --jq makes of `value`: each result on its own, strings as raw text (as `jq -r`, `gh --jq`)."""
        if self.jq is None or isinstance(value, (str, bytes)):
            raise ValueError("--jq: the answer is not JSON")
        for result in self.jq(value):
            self.text((result if isinstance(result, str) else to_json(result, pretty)) + "\n")


class Progress:
    """`N items` on stderr, redrawn at most ten times a second, only on a terminal."""

    def __init__(self, stream: IO[str] | None = None, interval: float = 0.1) -> None:
        self.stream = stream or sys.stderr
        self.enabled = is_terminal(self.stream)
        self.interval = interval
        self.count = 0
        self._shown = 0.0

    def track(self, items: Iterable[Any]) -> Iterable[Any]:
        for item in items:
            self.count += 1
            if self.enabled and time.monotonic() - self._shown >= self.interval:
                self._shown = time.monotonic()
                pages = getattr(items, "pages_fetched", None)  # octo.paginate's Paginator has it
                self.stream.write(f"\rocto: {self.count} items" + (f", {pages} pages" if pages else ""))
                self.stream.flush()
            yield item

    def done(self) -> None:
        if self.enabled and self._shown:
            self.stream.write("\r\x1b[K")  # erase the progress line
            self.stream.flush()
