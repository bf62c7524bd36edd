"""How an answer's body becomes `Response.data`: JSON parsed, other media
types left as `str` or `bytes`.

See https://docs.github.com/rest/using-the-rest-api/getting-started-with-the-rest-api#media-types
"""

from __future__ import annotations

import requests

# Representations that are text whatever the Content-Type says.
_TEXT_MEDIA = ("application/vnd.github.diff", "application/vnd.github.patch",
               "application/vnd.github.sha")


def _accept(answer: requests.Response) -> str:
    request = answer.request
    return (request.headers.get("Accept") or "") if request is not None else ""


def is_json(answer: requests.Response) -> bool:
    """Parse as JSON: a JSON answer to a request that asked for JSON, or an
    error (GitHub's error bodies are JSON whatever was asked for)."""
    if "json" not in answer.headers.get("content-type", ""):
        return False
    accept = _accept(answer)
    return answer.status_code >= 400 or not accept or "json" in accept or "*/*" in accept


def is_text(answer: requests.Response) -> bool:
    content_type = answer.headers.get("content-type", "")
    return (content_type.startswith("text/") or "charset" in content_type
            or _accept(answer).startswith(_TEXT_MEDIA))


def text(answer: requests.Response) -> str:
    """The body as text; UTF-8 unless the answer names a charset (requests
    would guess ISO-8859-1 for a bare text/plain, garbling diffs)."""
    if "charset" not in answer.headers.get("content-type", ""):
        answer.encoding = "utf-8"
    return answer.text
