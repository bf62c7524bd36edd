"""GitHub's rate-limit buckets as one client has seen them, so a request to
a bucket known to be used up is held back instead of sent.

GitHub names the bucket of each answer in `x-ratelimit-resource` (`core`,
`search`, `graphql`, ...; see
https://docs.github.com/rest/rate-limit/rate-limit#get-rate-limit-status-for-the-authenticated-user).
Before a route has answered once, its bucket is guessed from its path.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable
from typing import NamedTuple

from octo.core.response import RateLimit, Response

# Patterns, compiled by `re` on first use rather than at `import octo`.
_GUESSES = [
    (r"^/search/code\b", "code_search"),
    (r"^/search/", "search"),
    (r"^(?:https?://[^/]+/api)?/graphql$", "graphql"),  # GHES: https://HOST/api/graphql
    (r"^/app-manifests/[^/]+/conversions$", "integration_manifest"),
    (r"/code-scanning/sarifs$", "code_scanning_upload"),
    (r"/actions/runners/registration-token$", "actions_runner_registration"),
    (r"^/scim/", "scim"),
    (r"/dependency-graph/snapshots$", "dependency_snapshots"),
    (r"/dependency-graph/sbom$", "dependency_sbom"),
    (r"/audit-log\b", "audit_log"),
]


@functools.lru_cache(maxsize=1024)
def guess_resource(path: str) -> str:
    """The bucket a route most likely counts against, from its path alone."""
    for pattern, resource in _GUESSES:
        if re.search(pattern, path):
            return resource
    return "core"


class Exhausted(NamedTuple):
    resource: str
    until: float  # epoch seconds: the reset plus one second of margin
    seen: Response
    reset: int  # of the window that `seen` used up
    used: int | None

    def is_older_than(self, rate_limit: RateLimit) -> bool:
        """Whether `rate_limit` comes from an answer given after `seen`: from a
        later window, or from this one with more of it used. An answer sent
        earlier but read later (threads) cannot show that, so it does not
        release the bucket."""
        return answered_after(self.reset, self.used, rate_limit.reset, rate_limit.used)


def answered_after(reset: int, used: int | None, later_reset: int | None, later_used: int | None) -> bool:
    """Whether an answer showing (`later_reset`, `later_used`) was given after
    one showing (`reset`, `used`): a later window, or this one with more used."""
    if later_reset is None or later_reset != reset:
        return later_reset is not None and later_reset > reset
    return later_used is not None and used is not None and later_used > used


class Buckets:
    """Thread-safe: one client may serve many threads."""

    def __init__(self) -> None:
        self._routes: dict[str, str] = {}
        self._exhausted: dict[str, Exhausted] = {}
        self._lock = threading.Lock()

    def resource(self, route: str) -> str:
        return self._routes.get(route) or guess_resource(route)

    def observe(self, route: str, rate_limit: RateLimit, seen: Response | None, now: float) -> None:
        """Learn from one answer to `route`."""
        with self._lock:
            if rate_limit.resource and self._routes.get(route) != rate_limit.resource:
                if len(self._routes) >= 4096:  # literal routes (next pages, asset URLs) are many
                    self._routes.clear()
                self._routes[route] = rate_limit.resource
            resource = rate_limit.resource or self.resource(route)
            current = self._exhausted.get(resource)
            reset = rate_limit.reset
            if rate_limit.remaining == 0 and reset is not None and reset > now:
                if seen is not None and (current is None or reset >= current.reset):
                    self._exhausted[resource] = Exhausted(resource, reset + 1, seen, reset, rate_limit.used)
            elif rate_limit.remaining and current is not None and current.is_older_than(rate_limit):
                del self._exhausted[resource]

    def observe_success(self, route: str, response: Response, clock: Callable[[], float]) -> None:
        """Learn from a successful answer to `route`. Most teach nothing new
        (the route's bucket is known, nothing is used up, some remain), which
        two header lookups show without parsing the whole snapshot."""
        headers = response.headers
        remaining = headers.get("x-ratelimit-remaining")
        if (not self._exhausted and (remaining is None or (remaining.isdigit() and remaining.strip("0")))
                and self._routes.get(route) == headers.get("x-ratelimit-resource")):
            return
        self.observe(route, response.rate_limit, response, clock())

    def exhausted(self, route: str, now: float) -> Exhausted | None:
        """The used-up window `route` would hit now, if any."""
        if not self._exhausted:
            return None
        entry = self._exhausted.get(self.resource(route))
        if entry is None:
            return None
        if entry.until <= now:
            with self._lock:
                if self._exhausted.get(entry.resource) is entry:
                    del self._exhausted[entry.resource]
            return None
        return entry
