"""Types of answers, request bodies and webhook payloads, for annotations:
`from octo.types import FullRepository`. Importing this module loads every
type (octo itself never does); under `if TYPE_CHECKING:` it costs nothing."""

from octo.rest.types import *  # noqa: F403
