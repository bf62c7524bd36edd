"""How an answer's body becomes `Response.data`: JSON parsed, other media
types left as `str` or `bytes`.

See https://docs.github.com/rest/using-the-rest-api/getting-started-with-the-rest-api#media-types
"""

from __future__ import annotations

from collections.abc import Mapping

# Representations that are text whatever the Content-Type says.
_TEXT_MEDIA = ("application/vnd.github.diff", "application/vnd.github.patch",
               "application/vnd.github.sha")


def is_json(status: int, headers: Mapping[str, str], accept: str) -> bool:
    """Parse as JSON: a JSON answer to a request that asked for JSON, or an
    error (GitHub's error bodies are JSON whatever was asked for)."""
    if "json" not in headers.get("content-type", ""):
        return False
    return status >= 400 or not accept or "json" in accept or "*/*" in accept


def is_text(headers: Mapping[str, str], accept: str) -> bool:
    content_type = headers.get("content-type", "")
    return content_type.startswith("text/") or "charset" in content_type or accept.startswith(_TEXT_MEDIA)


def charset(content_type: str) -> str | None:
    """The `charset` parameter of a Content-Type, if any."""
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            return value.strip(" \"'") or None
    return None


def text(headers: Mapping[str, str], content: bytes) -> str:
    """The body as text; UTF-8 unless the answer names a charset (requests
    would guess ISO-8859-1 for a bare text/plain, garbling diffs)."""
    encoding = charset(headers.get("content-type", "")) or "utf-8"
    try:
        return str(content, encoding, errors="replace")
    except LookupError:  # a charset Python does not know
        return str(content, "utf-8", errors="replace")
