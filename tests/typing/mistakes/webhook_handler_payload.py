from __future__ import annotations

from typing import TYPE_CHECKING

import octo

if TYPE_CHECKING:
    from octo.types import WebhookPush

wh = octo.Webhooks("secret")


@wh.on("issues.opened")  # error
def handler(event: WebhookPush) -> None:
    print(event["ref"])
