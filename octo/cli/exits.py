"""The exit statuses of `octo`, one place for the code and the help text."""

from __future__ import annotations

OK = 0
ERROR_STATUS = 1
USAGE = 2
TRANSPORT = 3
NOT_FOUND = 4
RATE_LIMITED = 5
INTERRUPTED = 130
BROKEN_PIPE = 141

MEANINGS = (
    (OK, "success"),
    (ERROR_STATUS, "GitHub answered with an error status (other than below)"),
    (USAGE, "usage error: bad arguments or a value over a documented limit; nothing was sent"),
    (TRANSPORT, "no usable answer: connection, timeout, TLS, refused redirect, malformed response"),
    (NOT_FOUND, "404 Not Found"),
    (RATE_LIMITED, "rate limited (primary or secondary)"),
    (INTERRUPTED, "interrupted (Ctrl-C)"),
    (BROKEN_PIPE, "the reader of stdout went away (octo ... | head)"),
)
