"""Redeliver what an app's webhook failed to deliver: GitHub does not retry a
failed delivery by itself, it offers redelivery through the API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from octo.pagination import paginate

if TYPE_CHECKING:
    from datetime import datetime

    from octo.auth import AppAuth
    from octo.client import Octo

__all__ = ["redeliver_failed"]


def redeliver_failed(app: AppAuth | Octo, *, since: datetime | float) -> list[int]:
    """Ask GitHub to redeliver, once each, the deliveries of the app's webhook
    made since `since` (a datetime or a Unix time) that no attempt delivered
    (no 2xx answer, a redelivery's included). Returns the ids of the attempts
    redelivered. `app` is an `octo.AppAuth` or an app client (`Octo(auth=...)`)."""
    from datetime import UTC, datetime  # here: `import octo` does not need it

    from octo.webhooks.router import _app_client

    client = _app_client(app)
    assert client is not None
    if isinstance(since, datetime) and since.tzinfo is None:
        raise ValueError("since must be an aware datetime, such as datetime.now(UTC) - timedelta(hours=1)")
    cutoff = since if isinstance(since, datetime) else datetime.fromtimestamp(since, UTC)
    newest: dict[str, Any] = {}  # guid -> its newest attempt (GitHub lists newest first)
    delivered: set[str] = set()
    for page in paginate.pages(client.apps.list_webhook_deliveries):
        recent = [item for item in page.data if _when(item) >= cutoff]
        for item in recent:
            guid = item["guid"]
            newest.setdefault(guid, item)
            if 200 <= (item.get("status_code") or 0) < 300:
                delivered.add(guid)
        if not recent:
            break  # a page wholly before `since`: the rest is older still
    failed = [item["id"] for guid, item in newest.items() if guid not in delivered]
    for delivery_id in failed:
        client.apps.redeliver_webhook_delivery(delivery_id)
    return failed


def _when(item: Any) -> datetime:
    from datetime import datetime

    return datetime.fromisoformat(item["delivered_at"])
