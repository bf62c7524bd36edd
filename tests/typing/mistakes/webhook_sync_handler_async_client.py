from __future__ import annotations

from typing import TYPE_CHECKING

import octo

if TYPE_CHECKING:
    from octo.types import WebhookIssuesOpened

wh = octo.Webhooks("secret", app=octo.AppAuth(1, "key"))


@wh.on("issues.opened")  # error
def handler(event: WebhookIssuesOpened, gh: octo.AsyncOcto) -> None:  # a sync handler gets an Octo
    print(event["issue"]["number"], gh)
