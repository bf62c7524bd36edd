"""octo: the GitHub REST API, as generated Python methods.

    import octo
    octo.repos.create_dispatch_event(owner="octocat", repo="hello-world",
                                     event_type="on-demand-test")

`octo.<namespace>` uses a default client made on first use from the
environment (see `Octo.from_env`); `octo.configure(...)` replaces it.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

from octo import webhooks
from octo.aclient import AsyncOcto
from octo.auth import AppAuth
from octo.cache import MemoryCache
from octo.client import Octo
from octo.errors import (
    BadRequestError,
    ConflictError,
    ForbiddenError,
    GoneError,
    InvalidResponseError,
    NotFoundError,
    OctoError,
    PrimaryRateLimitError,
    RateLimitError,
    RedirectError,
    RequestError,
    SecondaryRateLimitError,
    ServerError,
    TransportError,
    UnauthorizedError,
    ValidationFailedError,
    WebhookError,
)
from octo.hooks import HookRequest, Hooks
from octo.operation import OMIT, Omit
from octo.pagination import Paginator, paginate
from octo.response import RateLimit, Response
from octo.transfer import download, upload

if TYPE_CHECKING:
    from octo.response import Paged
    from octo.rest import _typing
    from octo.rest._typing import *  # noqa: F403  (the namespaces of the default client)

__all__ = [
    "OMIT",
    "AppAuth",
    "AsyncOcto",
    "BadRequestError",
    "ConflictError",
    "ForbiddenError",
    "GoneError",
    "HookRequest",
    "Hooks",
    "InvalidResponseError",
    "MemoryCache",
    "NotFoundError",
    "Octo",
    "OctoError",
    "Omit",
    "Paginator",
    "PrimaryRateLimitError",
    "RateLimit",
    "RateLimitError",
    "RedirectError",
    "RequestError",
    "Response",
    "SecondaryRateLimitError",
    "ServerError",
    "TransportError",
    "UnauthorizedError",
    "ValidationFailedError",
    "WebhookError",
    "configure",
    "default_client",
    "download",
    "paginate",
    "upload",
    "webhooks",
]
if TYPE_CHECKING:
    # Type checkers take `octo.repos` as public only if `__all__` names it;
    # at run time the namespaces stay lazy (`from octo import *` loads none).
    __all__ += ["Paged"]
    __all__ += _typing.__all__

_default: Octo | None = None
_lock = threading.Lock()


def default_client() -> Octo:
    """The module-level client, made from the environment on first use."""
    global _default
    if _default is None:
        with _lock:
            if _default is None:
                _default = Octo.from_env()
    return _default


def configure(token: str | None = None, **kwargs: Any) -> Octo:
    """Replace the module-level client; takes the same arguments as `Octo`.

    A token or base URL not given comes from the environment, as for the
    default client.
    """
    from octo.redaction import conceal

    global _default
    token = conceal(token)  # a token refused below shows as [redacted] in a traceback's locals
    client = Octo.from_env(token, **kwargs)
    with _lock:
        _default = client
    return client


def __getattr__(name: str) -> Any:
    # PEP 562: `octo.repos` is the default client's namespace.
    if name.startswith("_"):
        raise AttributeError(f"module 'octo' has no attribute {name!r}")
    return getattr(default_client(), name)


def __dir__() -> list[str]:
    from octo.rest import NAMESPACES

    return sorted({*globals(), *NAMESPACES})
