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

from octo.client import Octo
from octo.core.cache import MemoryCache
from octo.core.errors import (
    BadRequestError,
    ConflictError,
    ForbiddenError,
    GoneError,
    InvalidResponseError,
    NotFoundError,
    OAuthError,
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
from octo.core.hooks import HookRequest, Hooks
from octo.core.operation import OMIT, Omit
from octo.core.response import RateLimit, Response
from octo.graphql import GraphQLError, graphql_check
from octo.pagination import Paginator, paginate
from octo.transfer import download, upload
from octo.version import __version__ as __version__

if TYPE_CHECKING:
    from octo import webhooks
    from octo.aclient import AsyncOcto
    from octo.auth.app import AppAuth
    from octo.auth.oauth import DeviceCode, OAuthToken, UserAuth, WebFlow, device_flow
    from octo.core.response import Paged
    from octo.rest import _typing
    from octo.rest._typing import *  # noqa: F403  (the namespaces of the default client)
    from octo.stores.redis_store import RedisStore
    from octo.stores.shared import MemoryStore, Store
    from octo.webhooks import Webhooks

__all__ = [
    "OMIT",
    "AppAuth",
    "AsyncOcto",
    "BadRequestError",
    "DeviceCode",
    "ConflictError",
    "ForbiddenError",
    "GoneError",
    "GraphQLError",
    "HookRequest",
    "Hooks",
    "InvalidResponseError",
    "MemoryCache",
    "MemoryStore",
    "NotFoundError",
    "OAuthError",
    "OAuthToken",
    "Octo",
    "OctoError",
    "Omit",
    "Paginator",
    "PrimaryRateLimitError",
    "RateLimit",
    "RateLimitError",
    "RedisStore",
    "RedirectError",
    "RequestError",
    "Response",
    "SecondaryRateLimitError",
    "ServerError",
    "Store",
    "TransportError",
    "UnauthorizedError",
    "UserAuth",
    "ValidationFailedError",
    "WebFlow",
    "WebhookError",
    "Webhooks",
    "configure",
    "default_client",
    "device_flow",
    "download",
    "graphql_check",
    "paginate",
    "upload",
    "webhooks",
]
if TYPE_CHECKING:
    # Type checkers take `octo.repos` as public only if `__all__` names it;
    # at run time the namespaces stay lazy (`from octo import *` loads none).
    __all__ += ["Paged"]
    __all__ += _typing.__all__

# Loaded on first use, so that `import octo` costs a sync REST script only what it uses.
_LAZY = {
    "AsyncOcto": "octo.aclient",
    "AppAuth": "octo.auth.app",
    "Webhooks": "octo.webhooks",
    "webhooks": "octo.webhooks",
    **dict.fromkeys(("DeviceCode", "OAuthToken", "UserAuth", "WebFlow", "device_flow"), "octo.auth.oauth"),
    **dict.fromkeys(("MemoryStore", "Store"), "octo.stores.shared"),
    "RedisStore": "octo.stores.redis_store",
}
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
    from octo.core.redaction import conceal

    global _default
    token = conceal(token)  # a token refused below shows as [redacted] in a traceback's locals
    client = Octo.from_env(token, **kwargs)
    with _lock:
        _default = client
    return client


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module = importlib.import_module(_LAZY[name])
        value = globals()[name] = module if name == "webhooks" else getattr(module, name)
        return value
    # PEP 562: `octo.repos` is the default client's namespace.
    if name.startswith("_"):
        raise AttributeError(f"module 'octo' has no attribute {name!r}")
    return getattr(default_client(), name)


def __dir__() -> list[str]:
    from octo.rest import NAMESPACES

    return sorted({*globals(), *NAMESPACES})
