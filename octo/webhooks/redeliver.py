"""Redeliver what an app's webhook failed to deliver: GitHub does not retry a
failed delivery by itself, it offers redelivery through the API."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, overload

from octo.pagination import paginate

if TYPE_CHECKING:
    from datetime import datetime

    from octo.aclient import AsyncOcto
    from octo.auth.app import AppAuth
    from octo.client import Octo
    from octo.core.response import Response

__all__ = ["redeliver_failed"]


@overload
def redeliver_failed(app: AsyncOcto, *, since: datetime | float) -> Coroutine[Any, Any, list[int]]: ...


@overload
def redeliver_failed(app: AppAuth | Octo, *, since: datetime | float) -> list[int]: ...


def redeliver_failed(app: AppAuth | Octo | AsyncOcto, *, since: datetime | float) -> Any:
    """Ask GitHub to redeliver, once each, the deliveries of the app's webhook
    made since `since` (a datetime or a Unix time) that no attempt delivered
    (no 2xx answer, a redelivery's included). Returns the ids of the attempts
    redelivered. `app` is an `octo.AppAuth` or an app client (`Octo(auth=...)`);
    with an `AsyncOcto(auth=...)` it is awaited: `await redeliver_failed(gh, since=...)`."""
    from octo.aclient import AsyncOcto
    from octo.webhooks.router import _app_client

    failed = _Failed(since)
    if isinstance(app, AsyncOcto) and app._auth is not None:
        return failed.aredeliver(app)
    client = _app_client(app)
    assert client is not None
    for page in paginate.pages(client.apps.list_webhook_deliveries):
        if not failed.read(page):
            break
    ids = failed.ids()
    for delivery_id in ids:
        client.apps.redeliver_webhook_delivery(delivery_id)
    return ids


class _Failed:
    """What to redeliver, decided page by page (newest first) for either client."""

    def __init__(self, since: datetime | float) -> None:
        from datetime import UTC, datetime  # here: `import octo` does not need it

        if isinstance(since, datetime) and since.tzinfo is None:
            raise ValueError("since must be an aware datetime, such as datetime.now(UTC) - timedelta(hours=1)")
        self.cutoff = since if isinstance(since, datetime) else datetime.fromtimestamp(since, UTC)
        self.newest: dict[str, Any] = {}  # guid -> its newest attempt (GitHub lists newest first)
        self.delivered: set[str] = set()

    def read(self, page: Response[Any]) -> bool:
        """Take in one page; False once it is wholly before `since` (the rest is older still)."""
        from datetime import datetime

        recent = [item for item in page.data if datetime.fromisoformat(item["delivered_at"]) >= self.cutoff]
        for item in recent:
            guid = item["guid"]
            self.newest.setdefault(guid, item)
            if 200 <= (item.get("status_code") or 0) < 300:
                self.delivered.add(guid)
        return bool(recent)

    def ids(self) -> list[int]:
        return [item["id"] for guid, item in self.newest.items() if guid not in self.delivered]

    async def aredeliver(self, client: AsyncOcto) -> list[int]:
        async for page in paginate.pages(client.apps.list_webhook_deliveries):
            if not self.read(page):
                break  # between pages nothing is held open
        ids = self.ids()
        for delivery_id in ids:
            await client.apps.redeliver_webhook_delivery(delivery_id)
        return ids
