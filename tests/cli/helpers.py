"""Shared by the CLI tests: the parameter-kinds spec and the result of a run."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

# One endpoint per parameter kind the CLI has to spell, rendered by the real
# generator into a throwaway namespace, so the tests do not depend on which
# endpoints spec/ happens to hold.
KINDS_SPEC = """\
namespace: clitest
endpoints:
  - name: kinds
    method: POST
    path: /things/{owner}/{number}/{path}
    summary: Every kind of parameter
    docs_url: https://docs.github.com/rest/clitest#kinds
    aliases: [old_kinds]
    parameters:
      - {name: owner, in: path, type: string, required: true}
      - {name: number, in: path, type: integer, required: true}
      - {name: path, in: path, type: string, required: true, multi_segment: true}
      - {name: per_page, in: query, type: integer, maximum: 100}
      - {name: ratio, in: query, type: number}
      - {name: draft, in: query, type: boolean}
      - {name: state, in: query, type: string, enum: [open, closed]}
      - {name: title, in: body, type: string, required: true, max_length: 10}
      - {name: private, in: body, type: boolean}
      - {name: config, in: body, type: object}
      - {name: names, in: body, type: array, items: string}
      - {name: ids, in: body, type: array, items: integer}
      - {name: labels, in: body, type: array, items: string, nullable: true}
      - {name: value, in: body, type: any}
      - {name: milestone, in: body, type: integer, nullable: true}
      - {name: async, in: body, type: boolean}
      - {name: include, in: body, type: string}
      - {name: X-Trace, in: header, type: string}
  - name: listing
    method: GET
    path: /listing
    summary: A paginated list inside a wrapping object
    docs_url: https://docs.github.com/rest/clitest#listing
    paginated: true
    list_key: things
    parameters:
      - {name: per_page, in: query, type: integer}
  - name: raw
    method: GET
    path: /raw/{name}
    summary: Another representation
    docs_url: https://docs.github.com/rest/clitest#raw
    media_types: [raw, diff]
    parameters:
      - {name: name, in: path, type: string, required: true}
  - name: upload
    method: POST
    path: /upload
    summary: Upload bytes
    docs_url: https://docs.github.com/rest/clitest#upload
    host: uploads
    body: {content_type: application/octet-stream, type: binary, required: true}
    parameters:
      - {name: name, in: query, type: string, required: true}
      - {name: tags, in: query, type: array, items: string}
  - name: send_json
    method: POST
    path: /json
    summary: A raw JSON body
    docs_url: https://docs.github.com/rest/clitest#json
    body: {content_type: application/json, type: any, required: true}
    parameters:
      - {name: tags, in: query, type: array, items: string}
  - name: send_text
    method: POST
    path: /text
    summary: A raw text body
    docs_url: https://docs.github.com/rest/clitest#text
    deprecated: true
    body: {content_type: text/plain, type: string, required: true}
"""


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json_lines(self) -> list[object]:
        return [json.loads(line) for line in self.out.splitlines()]


Run = Callable[..., Result]
