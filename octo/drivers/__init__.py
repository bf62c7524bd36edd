"""The drivers that carry out a pipeline's effects: `sync` (requests) and `aio` (aiohttp)."""
