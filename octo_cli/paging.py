"""--paginate: every item of a paginated endpoint, across pages.

Uses `octo.paginate` when the library has it. Until then it follows GitHub's
`Link: <...>; rel="next"` headers itself, through the same client, and only
to the client's own base URL (the token goes nowhere else).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import requests

import octo


def walk(client: octo.Octo, method: Callable[..., octo.Response], arguments: dict[str, Any],
         list_key: str | None) -> Iterator[Any]:
    paginate = vars(octo).get("paginate")  # not getattr: octo.<name> would mean a namespace
    if paginate is not None:
        items: Iterator[Any] = paginate(method, **arguments)
        return items
    return follow_links(client, method(**arguments), list_key)


def follow_links(client: octo.Octo, response: octo.Response, list_key: str | None) -> Iterator[Any]:
    while True:
        data = response.data
        items = data.get(list_key) if list_key and isinstance(data, dict) else data
        if not isinstance(items, list):
            raise octo.InvalidResponseError(
                f"{response.method} {response.url}: expected a list of items",
                status=response.status, request_id=response.request_id, body=b"")
        yield from items
        url = next_link(response.headers.get("link"))
        if url is None:
            return
        if not url.startswith(client.base_url + "/"):
            raise octo.RedirectError(f"refusing to follow a next page outside {client.base_url}")
        response = client.request("GET " + url[len(client.base_url):])


def next_link(header: str | None) -> str | None:
    for link in requests.utils.parse_header_links(header or ""):
        if link.get("rel") == "next":
            return link.get("url")
    return None
