"""Receive GitHub's webhook deliveries.

- `octo.Webhooks(secret, ...)`: the router (`on`, `receive`, `wsgi`, `asgi`);
- `verify`, `signature`, `parse`: the signature check and the typed payload, alone;
- `redeliver_failed(app, since=...)`: ask GitHub to deliver again what failed.
"""

from __future__ import annotations

from octo.webhooks.redeliver import redeliver_failed
from octo.webhooks.router import Answer, Delivery, Webhooks
from octo.webhooks.signing import parse, signature, verify
from octo.webhooks.store import DeliveryStore, MemoryDeliveryStore

__all__ = ["Answer", "Delivery", "DeliveryStore", "MemoryDeliveryStore", "Webhooks", "parse", "redeliver_failed",
           "signature", "verify"]
