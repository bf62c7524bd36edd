"""The drivers that carry out a pipeline's effects: `sync` (requests, with its
connection layer in `transport`) and `aio` (aiohttp)."""
