"""What the generated code declares about each endpoint, and how a call's
arguments become a path and a checked set of values.

Generated modules build one `Operation` per endpoint at import; the work that
depends only on the route (parsing the path template) happens once, on first
use, not per call.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import quote

from octo.core.redaction import redact_url


class Omit:
    """The type of `OMIT`: the default of every optional argument.

    A sentinel rather than `None`, so that `None` can mean JSON `null`
    (clearing an issue's milestone needs that).
    """

    _instance: Omit | None = None

    def __new__(cls) -> Omit:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "OMIT"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        return "OMIT"


OMIT: Final = Omit()

Timeout = float | tuple[float, float] | tuple[float, float, float]

_PATH_PARAM = re.compile(r"\{([^{}]+)\}")


class Limit:
    """A documented limit on one value, checked before any I/O."""

    __slots__ = ("enum", "min_length", "max_length", "minimum", "maximum",
                 "max_properties", "min_items", "max_items")

    def __init__(
        self,
        *,
        enum: tuple[Any, ...] | None = None,
        min_length: int | None = None,
        max_length: int | None = None,
        minimum: float | None = None,
        maximum: float | None = None,
        max_properties: int | None = None,
        min_items: int | None = None,
        max_items: int | None = None,
    ) -> None:
        self.enum = enum
        self.min_length = min_length
        self.max_length = max_length
        self.minimum = minimum
        self.maximum = maximum
        self.max_properties = max_properties
        self.min_items = min_items
        self.max_items = max_items

    def check(self, name: str, value: Any) -> None:
        """Raise ValueError naming `name` if `value` breaks this limit."""
        if value is None:
            return
        if self.enum is not None and value not in self.enum:
            allowed = ", ".join(repr(v) for v in self.enum)
            raise ValueError(f"{name}: {value!r} is not one of {allowed}")
        if isinstance(value, str):
            if self.min_length is not None and len(value) < self.min_length:
                raise ValueError(f"{name}: must be at least {self.min_length} characters, got {len(value)}")
            if self.max_length is not None and len(value) > self.max_length:
                raise ValueError(f"{name}: must be at most {self.max_length} characters, got {len(value)}")
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            if self.minimum is not None and value < self.minimum:
                raise ValueError(f"{name}: must be at least {self.minimum}, got {value}")
            if self.maximum is not None and value > self.maximum:
                raise ValueError(f"{name}: must be at most {self.maximum}, got {value}")
        elif isinstance(value, dict):
            if self.max_properties is not None and len(value) > self.max_properties:
                raise ValueError(
                    f"{name}: must have at most {self.max_properties} top-level properties, got {len(value)}"
                )
        elif isinstance(value, (list, tuple)):
            if self.min_items is not None and len(value) < self.min_items:
                raise ValueError(f"{name}: must have at least {self.min_items} items, got {len(value)}")
            if self.max_items is not None and len(value) > self.max_items:
                raise ValueError(f"{name}: must have at most {self.max_items} items, got {len(value)}")


class Since:
    """What an API version (and every later one) changes in an operation: the
    parameters it no longer has, and the limits of the ones it has."""

    __slots__ = ("version", "removed", "limits")

    def __init__(self, version: str, *, removed: frozenset[str] = frozenset(),
                 limits: dict[str, Limit] | None = None) -> None:
        self.version = version
        self.removed = removed
        self.limits = limits


class Operation:
    """One endpoint: its route and the facts the runtime needs to call it.

    `json_body`: the body is a JSON object, sent as `{}` when no body argument
    is given; without it such a call sends no body at all. `idempotent`
    overrides what the method says about sending it again (a GraphQL query
    is a POST that may be retried like a GET); None: the method decides.
    """

    __slots__ = ("method", "path", "limits", "multi_segment", "host", "deprecated",
                 "deprecated_params", "content_type", "json_body", "name", "versions",
                 "idempotent", "targets", "_names", "_template", "_open_end")

    def __init__(
        self,
        method: str,
        path: str,
        *,
        name: str = "",
        limits: dict[str, Limit] | None = None,
        multi_segment: frozenset[str] = frozenset(),
        host: str | None = None,
        deprecated: bool = False,
        deprecated_params: frozenset[str] = frozenset(),
        content_type: str | None = None,
        json_body: bool = False,
        versions: tuple[Since, ...] = (),
        idempotent: bool | None = None,
        targets: frozenset[str] | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.name = name or f"{method} {redact_url(path)}"  # error messages show it
        self.limits = limits
        self.multi_segment = multi_segment
        self.host = host
        self.deprecated = deprecated
        self.deprecated_params = deprecated_params
        self.content_type = content_type
        self.json_body = json_body
        # Oldest first; None for the many operations no later version changes (one test per call).
        self.versions = versions or None
        self.idempotent = idempotent
        # Where it exists: `api.github.com`, `ghec`, `ghes-3.19`, ...; None: everywhere (unchecked).
        self.targets = targets
        self._names: tuple[str, ...] | None = None
        self._template = ""
        self._open_end: str | None = None

    def __repr__(self) -> str:
        # getattr: every octo repr works on a half-built object (a traceback's locals).
        return f"Operation({getattr(self, 'method', '?')} {redact_url(getattr(self, 'path', '?'))})"

    def limits_for(self, api_version: str, *given: Mapping[str, Any] | None) -> dict[str, Limit] | None:
        """The limits of the operation as `api_version` has it; an argument in
        `given` that the version removed is a TypeError naming the version.

        A version has the changes of every earlier one: the last `Since` at or
        before it applies (versions are dates, so they compare as text)."""
        rules = None
        for since in self.versions or ():
            if since.version <= api_version:
                rules = since
        if rules is None:
            return self.limits
        for values in given:
            gone = rules.removed.intersection(values or ())
            if gone:
                raise TypeError(f"{self.name}: parameter {min(gone)!r} is not in API version {api_version} "
                                f"(the client's api_version; removed in {rules.version})")
        return rules.limits

    def not_on(self, target: str) -> TypeError:
        """The error for a call on a client of `target` (`GHES 3.17`), which lacks the operation."""
        ghes = sorted((t[5:] for t in self.targets or () if t.startswith("ghes-")),
                      key=lambda v: tuple(int(n) for n in v.split(".")))
        where = [t for t in ("api.github.com", "ghec") if t in (self.targets or ())]
        where = [w.replace("ghec", "GitHub Enterprise Cloud") for w in where]
        if ghes:
            where.append("GHES " + ", ".join(ghes))
        return TypeError(f"{self.name} is not available on {target} (the client's target); "
                         f"it exists on {', '.join(where)}")

    def render_path(self, values: Mapping[str, Any]) -> str:
        """The path with each parameter percent-encoded into its segment(s)."""
        names = self._names
        if names is None:
            names = self._compile_path()
        if len(values) != len(names):
            missing = [n for n in names if n not in values]
            unknown = [n for n in values if n not in names]
            raise TypeError(f"{self.name}: missing path parameter(s) {missing}, unknown {unknown}")
        given = tuple(values.values())
        if tuple(values) != names:  # not in the route's order (a hand-built mapping)
            try:
                given = tuple([values[name] for name in names])
            except KeyError as gone:
                raise TypeError(f"{self.name}: missing path parameter {gone.args[0]!r}") from None
        # Most values (owners, repositories, numbers) need no quoting and are no '.' or '..':
        # one check of them all is far cheaper than one encoding each.
        if _PLAIN_TYPES.issuperset(map(type, given)):
            joined = "\0".join(map(str, given))
            # One NUL per gap: a value holding a NUL of its own is no plain segment.
            if joined.count("\0") == len(given) - 1 and _PLAIN_SEGMENTS(joined):
                return self._template % given
        multi, open_end = self.multi_segment, self._open_end
        return self._template % tuple([encode_path_value(name, value, name in multi, name == open_end)
                                       for name, value in zip(names, given, strict=True)])

    def _compile_path(self) -> tuple[str, ...]:
        """The path as a %-template and its parameter names, made on first use."""
        # Even indexes are literal text, odd ones parameter names.
        parts = _PATH_PARAM.split(self.path)
        if len(parts) > 1 and parts[-1] == "" and parts[-2] in self.multi_segment:
            self._open_end = parts[-2]
        self._template = "%s".join(text.replace("%", "%%") for text in parts[0::2])
        names = self._names = tuple(parts[1::2])
        return names


def encode_path_value(name: str, value: Any, multi_segment: bool = False, at_end: bool = False) -> str:
    """Percent-encode one path value so it can never change the route.

    Nothing is safe: `a/b` becomes `a%2Fb`. A multi-segment value (a file path,
    a git ref) keeps `/` between segments; each segment is still encoded.
    `.`, `..` and empty segments are refused, since a server or proxy would
    normalise them into another route. One exception: a wholly empty
    multi-segment value that ends the route (`at_end`) names the collection
    itself, as in Octokit: `contents/` is the root of a repository.
    """
    text = value if type(value) is str else _path_text(name, value)
    if multi_segment:
        if at_end and text == "":
            return ""
        for segment in text.split("/"):
            if segment in ("", ".", ".."):
                raise ValueError(
                    f"path parameter {name!r}: {text!r} has an empty, '.' or '..' segment"
                )
        return text if _UNRESERVED_OR_SLASH(text) else quote(text, safe="/")
    if text in ("", ".", ".."):
        raise ValueError(f"path parameter {name!r} cannot be {text!r}")
    # Most values (owners, repositories, numbers) need no quoting; the check is far cheaper than quote().
    return text if _UNRESERVED(text) else quote(text, safe="")


# What quote() leaves as it is (RFC 3986's unreserved characters), and with "/" too.
# NUL-separated values each of which is such a segment, and no '.' or '..'; of these
# types exactly (no bool, no str subclass, whose str() may say something else).
_PLAIN_TYPES = frozenset({str, int})
_PLAIN_SEGMENTS = re.compile(r"(?!\.\.?(?:\0|\Z))[A-Za-z0-9_.~-]+(?:\0(?!\.\.?(?:\0|\Z))[A-Za-z0-9_.~-]+)*").fullmatch
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]+").fullmatch
_UNRESERVED_OR_SLASH = re.compile(r"[A-Za-z0-9_.~/-]+").fullmatch


def _path_text(name: str, value: Any) -> str:
    if isinstance(value, bool) or value is None or not isinstance(value, (str, int, float)):
        raise TypeError(f"path parameter {name!r} must be a string or a number, got {value!r}")
    return str(value)
