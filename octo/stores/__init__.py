"""State shared by many clients and processes: the `Store` interface and its
in-memory store with the policy on top (`shared`), and Redis (`redis_store`)."""
