"""Turn the raw samples of a run into docs/benchmarks.md and docs/benchmarks.png.

Every figure is a median. A ratio or difference between two clients is the
median of the per-round ratios (or differences): the two were measured in
the same interleaved round, so that is the fairest pairing.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Any

NOT_AVAILABLE = "not available"

# (label, limit, unit) of each target; a result "meets" it when value <= limit.
TARGETS = {
    "import": ("`import octo` after `import requests` (octo's own import)", 0.020, "ms"),
    "first_repos": ("first `octo.repos` access", 0.040, "ms"),
    "per_call": ("octo CPU per call ÷ raw requests", 1.10, "x"),
    "per_call_async": ("octo AsyncOcto CPU per call ÷ raw aiohttp", 1.10, "x"),
    "async_vs_githubkit": ("octo AsyncOcto CPU per call ÷ githubkit async", 0.33, "x"),
    "concurrency": ("500 concurrent calls, 100 connections, 100 ms server (wall)", 5.0, "s"),
    "paginate": ("`octo.paginate` CPU ÷ hand-written loop", 1.15, "x"),
    "generate": ("`make generate` (full API)", 5.0, "s"),
    "spec": ("`make spec` (full API)", 20.0, "s"),
    "mypy": ("cold `mypy --strict` on a user script", 15.0, "s"),
}


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def paired(a: Sequence[float], b: Sequence[float], op: str) -> float:
    """Median over rounds of a/b (op "/") or a-b (op "-")."""
    if op == "/":
        return median([x / y for x, y in zip(a, b, strict=True)])
    return median([x - y for x, y in zip(a, b, strict=True)])


def _fmt(value: float, unit: str) -> str:
    if unit == "ms":
        return f"{value * 1e3:.1f} ms"
    if unit == "x":
        return f"{value:.2f}×"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "us":
        return f"{value * 1e6:,.0f} µs"
    raise ValueError(unit)


def target_values(r: dict[str, Any]) -> dict[str, float | str]:
    """The measured value of each target, or why there is none."""
    out: dict[str, float | str] = {}
    un = r.get("unavailable", {})
    imports = r.get("imports")
    if r.get("octo_after_requests"):
        # Timed inside one interpreter: the difference of two fresh interpreters' wall times
        # moved by 12 ms between two quiet runs of the same tree, more than half the limit.
        out["import"] = median(r["octo_after_requests"])
    elif imports and "octo" in imports and "requests" in imports:
        out["import"] = median(imports["octo"]) - median(imports["requests"])
    if r.get("first_repos"):
        out["first_repos"] = median(r["first_repos"])
    cpu = r.get("per_call", {}).get("cpu", {})
    if "octo" in cpu and "requests" in cpu:
        out["per_call"] = paired(cpu["octo"], cpu["requests"], "/")
    if "octo_async" in cpu and "aiohttp" in cpu:
        out["per_call_async"] = paired(cpu["octo_async"], cpu["aiohttp"], "/")
    if "octo_async" in cpu and "githubkit_async" in cpu:
        out["async_vs_githubkit"] = paired(cpu["octo_async"], cpu["githubkit_async"], "/")
    if r.get("concurrency", {}).get("octo_async"):
        out["concurrency"] = median(r["concurrency"]["octo_async"])
    pcpu = r.get("paginate", {}).get("cpu", {})
    if "octo" in pcpu and "requests" in pcpu:
        out["paginate"] = paired(pcpu["octo"], pcpu["requests"], "/")
    elif "paginate.octo" in un:
        out["paginate"] = f"{NOT_AVAILABLE}: {un['paginate.octo']}"
    mypy = r.get("typecheck", {}).get("mypy")
    if mypy:
        out["mypy"] = median(mypy["wall"])
    elif "typecheck.mypy" in un:
        out["mypy"] = f"{NOT_AVAILABLE}: {un['typecheck.mypy']}"
    for target in ("generate", "spec"):
        samples = r.get("codegen", {}).get(target)
        if samples:
            out[target] = median(samples)
        elif f"codegen.{target}" in un:
            out[target] = f"{NOT_AVAILABLE}: {un[f'codegen.{target}']}"
    return out


def summary(r: dict[str, Any]) -> list[str]:
    """The comparison a user makes: one row per client, the per-call CPU order."""
    peers, un = r["peers"], r.get("unavailable", {})
    imports, memory = r.get("imports", {}), r.get("memory", {})
    cpu = r.get("per_call", {}).get("cpu", {})
    base = median(imports["(python)"]) if "(python)" in imports else None
    pcpu = r.get("paginate", {}).get("cpu", {})
    pages = max(1, -(-r["settings"]["items"] // r["settings"]["per_page"]))
    lines = ["| client | `import` | memory | CPU per pair of calls | × raw requests | CPU per page of 100 |",
             "| --- | --- | --- | --- | --- | --- |"]
    order = [k for k in peers if k != "requests"] + ["requests"]
    for key in order:
        module = peers[key]["module"]
        if key in un:
            lines.append(f"| {peers[key]['label']} | {NOT_AVAILABLE}: {un[key]} | | | | |")
            continue
        shown_import = (_fmt(median(imports[module]) - base, "ms")
                        if module in imports and base is not None else "–")
        shown_memory = f"{median(memory[key]) / 1024:.1f} MiB" if key in memory else "–"
        shown_cpu = _fmt(median(cpu[key]), "us") if key in cpu else "–"
        ratio = _fmt(paired(cpu[key], cpu["requests"], "/"), "x") if key in cpu and "requests" in cpu else "–"
        shown_page = _fmt(median(pcpu[key]) / pages, "us") if key in pcpu else "–"
        label = peers[key]["label"] + (", for scale" if key == "requests" else "")
        lines.append(f"| {label} | {shown_import} | {shown_memory} | {shown_cpu} | {ratio} | {shown_page} |")
    lines += ["", "- `import`: wall time of `python -c \"import X\"` less a bare `python -c pass` "
              "(the import of `requests` included, which every client here loads).",
              "- memory: peak RSS of a process that imports the client and touches every namespace "
              "(`requests`: the import alone); – where the row's client is another row's with other settings"
              + "".join(f" (measured {own['date']}, octo commit `{own['commit']}`)"
                        for own in [r.get("measured", {}).get("memory")] if own) + ".",
              "- CPU per pair of calls: the client's own CPU for `repos.create_dispatch_event` then "
              "`repos.get` against a loopback server; × raw requests compares it with a plain "
              "`requests.Session` making the same two calls."]
    if pcpu:
        lines.append(f"- CPU per page: walking {r['settings']['items']:,} issues (GitHub's example issue, "
                     f"{r['settings']['per_page']} per page) with each client's own pagination, reading every "
                     "item's `number`; the raw requests row is a hand-written loop following `Link`"
                     + "".join(f" (measured {own['date']}, octo commit `{own['commit']}`)"
                               for own in [r.get("measured", {}).get("paginate")] if own) + ".")
    return lines


def provenance(r: dict[str, Any], section: str) -> list[str]:
    """A note under a section measured in a later run than the rest (`--update`)."""
    own = r.get("measured", {}).get(section)
    if not own or (own["date"], own["commit"]) == (r["date"], r["commit"]):
        return []
    counts = own.get("settings", {})
    key = "call_rounds" if section == "per_call" else "rounds"  # runs before --call-rounds have only "rounds"
    rounds = f", {counts.get(key, counts['rounds'])} rounds" if section in ("per_call", "paginate", "graphql") \
        and counts else ""
    return ["", f"Measured in a later run: {own['date']}, octo commit `{own['commit']}`{rounds}."]


def markdown(r: dict[str, Any], chart: str | None) -> str:
    m = r["machine"]
    un = r.get("unavailable", {})
    peers = r["peers"]
    lines = [
        "# Benchmarks: octo next to PyGithub, githubkit and ghapi",
        "",
        "What each client costs on one machine: the time `import` takes, the memory it holds, and "
        "the CPU it spends per call and per page. Each column is measured with every client side by "
        "side in one run, interleaved. Lower is better everywhere.",
        "",
        *summary(r),
    ]
    if chart:
        lines += ["", f"![octo next to its peers]({chart})"]
    lines += [
        "",
        f"The run: {r['date']}; octo commit `{r['commit']}` ({r['spec']['endpoints']} endpoints in "
        f"{r['spec']['namespaces']} namespaces); {m['cpu']}, {m['cores']} cores, {m['memory']}; "
        f"{m['os']}; Python {m['python']}; {r['settings']['runs']} processes per import figure, "
        f"{r['settings'].get('call_rounds', r['settings']['rounds'])} interleaved rounds per call figure, "
        f"{r['settings']['rounds']} per pagination figure"
        + (" (**--quick: tiny counts, the numbers mean nothing**)" if r["settings"].get("quick") else "")
        + ". Versions: " + ", ".join(f"{k} {v}" for k, v in r["versions"].items()) + ".",
        "",
        "Generated by `make bench` (`python -m bench`, sources in `bench/`); do not edit by hand. "
        "Re-render from the raw samples in `benchmarks.json` with `python -m bench --render`.",
    ]

    lines += ["", "## Targets", "", "What octo holds itself to; `make bench` checks each.", "",
              "| target | limit | measured | met |", "| --- | --- | --- | --- |"]
    values = target_values(r)
    for key, (label, limit, unit) in TARGETS.items():
        value = values.get(key)
        if isinstance(value, float):
            shown, met = _fmt(value, unit), ("yes" if value <= limit else "**no**")
        else:
            shown, met = (value or "not measured in this run"), "–"
        lines.append(f"| {label} | {_fmt(limit, unit)} | {shown} | {met} |")
    if r["spec"]["endpoints"] < 1000 and ("generate" in values or "spec" in values):
        lines += ["", f"The codegen times are for the {r['spec']['endpoints']} endpoints the spec holds "
                  "now, not yet the full API; re-run `make bench` once the importer has landed."]

    imports = r.get("imports")
    if imports:
        base = median(imports["(python)"])
        cpu = r.get("imports_cpu", {})
        lines += ["", "## Import", "",
                  "`python -c \"import X\"`, a fresh interpreter each time: wall time, the same less "
                  "`python -c pass`, and the child's CPU time (user + system), which the machine's other "
                  "work disturbs less.", "",
                  "| module | wall | wall over bare `python` | CPU |", "| --- | --- | --- | --- |"]
        for mod, samples in imports.items():
            over = "" if mod == "(python)" else _fmt(median(samples) - base, "ms")
            shown_cpu = _fmt(median(cpu[mod]), "ms") if cpu.get(mod) else ""
            lines.append(f"| `{mod}` | {_fmt(median(samples), 'ms')} | {over} | {shown_cpu} |")
        if r.get("first_repos"):
            lines.append(f"| first `octo.repos` (after the import) | {_fmt(median(r['first_repos']), 'ms')} | | |")
        if r.get("octo_after_requests"):
            lines.append(f"| `import octo` in a process that has imported requests | "
                         f"{_fmt(median(r['octo_after_requests']), 'ms')} | | |")
        if "octo" in cpu and "requests" in cpu:
            lines += ["", f"`import octo` − `import requests`: wall, difference of the medians "
                      f"{_fmt(median(imports['octo']) - median(imports['requests']), 'ms')}; wall, median of "
                      f"per-round differences {_fmt(paired(imports['octo'], imports['requests'], '-'), 'ms')}; "
                      f"CPU, median of per-round differences "
                      f"{_fmt(paired(cpu['octo'], cpu['requests'], '-'), 'ms')}. Fresh interpreters vary by "
                      "more than the gap; the in-process row above is the steadier measure of octo's own cost."]

    per_call = r.get("per_call")
    if per_call:
        cpu, wall, units = per_call["cpu"], per_call["wall"], per_call["units"]
        lines += ["", "## Per call", "",
                  "Client CPU (`time.process_time` in the client's own process) for one pair of calls: "
                  "`repos.create_dispatch_event` (204) then `repos.get` (a 12 kB repository), against "
                  "the keep-alive loopback server in `bench/server.py`.", *provenance(r, "per_call"), "",
                  "| client | CPU per pair | × raw requests | wall per pair | pairs per round |",
                  "| --- | --- | --- | --- | --- |"]
        for key, samples in cpu.items():
            ratio = _fmt(paired(samples, cpu["requests"], "/"), "x") if "requests" in cpu else ""
            lines.append(f"| {peers[key]['label']} | {_fmt(median(samples), 'us')} | {ratio} | "
                         f"{_fmt(median(wall[key]), 'us')} | {units[key]} |")

    concurrent = r.get("concurrency")
    if concurrent:
        lines += ["", "## Concurrency", "",
                  "500 concurrent `repos.get` at 100 connections against the loopback server answering each "
                  "after 100 ms (one after another they would take 50 s).", *provenance(r, "concurrency"), "",
                  "| client | wall |", "| --- | --- |"]
        names = {"octo_async": "octo AsyncOcto", "aiohttp": "aiohttp (raw ClientSession)"}
        for key, samples in concurrent.items():
            lines.append(f"| {names.get(key, key)} | {_fmt(median(samples), 's')} |")
    graphql = r.get("graphql")
    if graphql and graphql["cpu"]:
        cpu, wall = graphql["cpu"], graphql["wall"]
        lines += ["", "## GraphQL", "",
                  "octo's CPU for one call reading the same repository (the answer of `repos.get` in the "
                  "table above) by REST, `gh.repos.get(...)`, and by GraphQL, "
                  "`gh.graphql(query, owner=..., name=...)`, whose answer holds that repository under "
                  "`data.repository`.", *provenance(r, "graphql"), "",
                  "| call | CPU per call | × REST | wall per call |", "| --- | --- | --- | --- |"]
        for key, samples in cpu.items():
            ratio = _fmt(paired(samples, cpu["rest"], "/"), "x") if "rest" in cpu else ""
            lines.append(f"| {'`gh.graphql`' if key == 'graphql' else '`gh.repos.get`'} | "
                         f"{_fmt(median(samples), 'us')} | {ratio} | {_fmt(median(wall[key]), 'us')} |")
    for key in sorted(k for k in un if k.startswith("graphql.")):
        lines += ["", f"`{key}`: {NOT_AVAILABLE} ({un[key]})."]
    shared = r.get("store")
    if shared and shared["cpu"]:
        cpu, wall = shared["cpu"], shared["wall"]
        lines += ["", "## Shared store", "",
                  "One `repos.get` by a client (`Octo`; `AsyncOcto` in the `_async` rows) without a store "
                  "(the default), with `octo.MemoryStore()` and "
                  "with `octo.RedisStore` (pacing off) on a local redis-server, against the loopback server "
                  "above: the client's CPU and wall time per call, and each over the default's.",
                  *provenance(r, "store"), "",
                  "| store | CPU per call | × no store | wall per call | × no store |",
                  "| --- | --- | --- | --- | --- |"]
        for key, samples in cpu.items():
            # Each client over itself without a store (`AsyncOcto` rows end in `_async`).
            none = "none_async" if key.endswith("_async") else "none"
            base_cpu, base_wall = cpu.get(none), wall.get(none)
            lines.append(f"| {key} | {_fmt(median(samples), 'us')} | "
                         f"{_fmt(paired(samples, base_cpu, '/'), 'x') if base_cpu else ''} | "
                         f"{_fmt(median(wall[key]), 'us')} | "
                         f"{_fmt(paired(wall[key], base_wall, '/'), 'x') if base_wall else ''} |")
    for key in sorted(k for k in un if k.startswith("store.")):
        lines += ["", f"`{key}`: {NOT_AVAILABLE} ({un[key]})."]

    lines += ["", "## Pagination", ""]
    paginate = r.get("paginate")
    items = r["settings"]["items"]
    if paginate and paginate["cpu"]:
        cpu, wall = paginate["cpu"], paginate["wall"]
        lines += [f"{items:,} issues, {r['settings']['per_page']} per page, each item's `number` read the "
                  "client's usual way (`octo.paginate`, PyGithub's `get_issues()`, githubkit's "
                  "`rest.paginate`, ghapi's `sync_paged`).", *provenance(r, "paginate"), "",
                  "| walk | CPU | × hand loop | wall |", "| --- | --- | --- | --- |"]
        names = {key: peers[key]["label"] for key in cpu}
        names.update({"requests": "hand-written requests loop following `Link`", "octo": "`octo.paginate`"})
        for key, samples in cpu.items():
            ratio = _fmt(paired(samples, cpu["requests"], "/"), "x") if "requests" in cpu else ""
            lines.append(f"| {names[key]} | {_fmt(median(samples), 'ms')} | {ratio} | "
                         f"{_fmt(median(wall[key]), 'ms')} |")
    for key in sorted(k for k in un if k.startswith("paginate.")):
        if key in un:
            lines += ["", f"`{key}`: {NOT_AVAILABLE} ({un[key]})."]

    memory = r.get("memory")
    if memory:
        lines += ["", "## Memory", "",
                  "Peak RSS of a process that imports the client and touches every namespace: "
                  "octo's namespace attributes, githubkit's REST namespaces, ghapi's groups, and for "
                  "PyGithub, whose API is a class per module, every module (`requests`: the import alone).",
                  *provenance(r, "memory"), "",
                  "| client | peak RSS |", "| --- | --- |"]
        for key, samples in memory.items():
            lines.append(f"| {peers[key]['label']} | {median(samples) / 1024:.1f} MiB |")

    codegen = r.get("codegen")
    if codegen is not None:
        lines += ["", "## Codegen", "", "| target | wall |", "| --- | --- |"]
        for target in ("spec", "generate"):
            shown = _fmt(median(codegen[target]), "s") if codegen.get(target) else NOT_AVAILABLE
            lines.append(f"| `make {target}` | {shown} |")

    checks = r.get("typecheck")
    if checks is not None:
        lines += ["", "## Type checkers", "",
                  "A cold run (no cache) on `tests/typing/scripts/typed.py` (typed answers, pages and "
                  "webhook payloads), octo found as a library; the checker reads every type module.", "",
                  "| checker | wall | CPU |", "| --- | --- | --- |"]
        for name in ("mypy", "pyright"):
            if checks.get(name):
                lines.append(f"| {'`mypy --strict`' if name == 'mypy' else '`pyright`'} | "
                             f"{_fmt(median(checks[name]['wall']), 's')} | {_fmt(median(checks[name]['cpu']), 's')} |")
            else:
                lines.append(f"| {name} | {un.get(f'typecheck.{name}', NOT_AVAILABLE)} | |")

    hooks = r.get("webhooks")
    if hooks is not None:
        lines += ["", "## Receiving webhooks", *provenance(r, "webhooks"), "",
                  f"`Webhooks.wsgi()` under wsgiref on loopback, one client making a new connection per "
                  f"delivery, a {hooks['payload_bytes']:,} B `issues.opened` payload and one handler: "
                  f"**{median(hooks['wsgi_deliveries_per_second']):,.0f} deliveries per second** (median of "
                  f"{len(hooks['wsgi_deliveries_per_second'])} rounds). The signature check, CPU per delivery:",
                  "", "| body | secrets | verify |", "| --- | --- | --- |"]
        for row in hooks["verify"]:
            lines.append(f"| {row['bytes']:,} B | {row['secrets']} | {_fmt(row['seconds'], 'us')} |")

    missing = {k: v for k, v in un.items() if "." not in k}
    if missing:
        lines += ["", "Not measured: " + "; ".join(f"{k} ({v})" for k, v in missing.items()) + "."]
    lines += ["", "## Method", "", *METHOD, "", "## What the profiles showed", "", *FINDINGS]
    return "\n".join(lines) + "\n"


METHOD = [
    "- Each client runs in a process of its own (`bench/worker.py`), pinned to one core while the "
    "server runs on the other; the driver visits every client once per round in a fresh random order, "
    "so drift falls on all of them alike. Each figure is the median over rounds.",
    "- Every client is made once and reused, with its defaults, except PyGithub's sleeps between "
    "calls (turned off: waiting is not work). githubkit keeps one httpx client (`with GitHub(...)`); "
    "ghapi (sync) makes a new HTTP client for every request, as it does by default.",
    "- Each pair ends by reading `full_name` the client's usual way (`.json()`, `.data`, "
    "`.parsed_data`, attributes), so lazy parsing is paid for too.",
    "- Raw requests: one `requests.Session` with octo's headers (Accept, API version, User-Agent, "
    "Authorization) and octo's (10, 30) s timeouts, `raise_for_status()` and `.json()`.",
    "- The server (`bench/server.py`, asyncio, keep-alive) answers with prepared bytes and GitHub's "
    "usual headers; the repository is GitHub's OpenAPI example `full-repository`.",
    "- Import: a fresh `python -c` per sample, warm bytecode caches. Memory: `ru_maxrss` at the end.",
]


FINDINGS = [
    "- `import octo`: `dataclasses` (which loads `inspect`, `ast` and `dis`), a `mimetypes` table "
    "and regexes built at import cost more than octo's own modules; octo keeps them off the import "
    "path (`python -X importtime`), and `tests/bench/test_import_cost.py` guards it.",
    "- Per call: requests' `Session.request` re-reads proxy settings from the environment on every call "
    "(`merge_environment_settings`), and `Session.prepare_request` copies the cookie jar three times and "
    "merges settings through runtime-checked protocols; octo reads the former once per client and "
    "prepares requests itself (py-spy), so it spends less CPU than a plain `Session` doing the same calls.",
    "- githubkit's default HTTP cache (hishel, in memory) reads back every stored entry on each request, "
    "so its cost grows with the calls a client has made; the `http_cache=False` row shows githubkit "
    "without it.",
    "- ghapi's sync client makes a new httpx client for every request, and with it a TLS context "
    "loaded from the CA bundle (`load_verify_locations`: ~80% of its CPU here, even over plain http) "
    "and a new connection.",
    "- Wall-clock import times move by tens of milliseconds with the machine's load; the CPU column and "
    "the in-process `import octo` row are steadier.",
]


def chart(r: dict[str, Any], path: Path) -> bool:
    """A 2×2 bar chart of the headline figures; False when matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    peers = r["peers"]
    fig, axes = plt.subplots(2, 2, figsize=(11, 7.5))
    fig.suptitle(f"octo next to its peers ({r['machine']['cpu']}, Python {r['machine']['python']}, "
                 f"{r['date'][:10]})", fontsize=11)

    def bars(ax: Any, labels: list[str], values: list[float], title: str, unit: str, log: bool = False) -> None:
        colors = ["#2c7fb8" if "octo" in label else "#999999" for label in labels]
        ax.barh(labels[::-1], values[::-1], color=colors[::-1])
        ax.set_title(title, fontsize=10)
        ax.set_xlabel(unit)
        if log:
            ax.set_xscale("log")
        for y, v in enumerate(values[::-1]):
            ax.text(v, y, f" {v:,.1f}" if v < 100 else f" {v:,.0f}", va="center", fontsize=8)
        ax.margins(x=0.25)

    imports = r.get("imports")
    if imports:
        labels = ["python -c pass" if m == "(python)" else f"import {m}" for m in imports]
        values = [median(s) * 1e3 for s in imports.values()]
        if r.get("first_repos"):
            labels.append("first octo.repos")
            values.append(median(r["first_repos"]) * 1e3)
        bars(axes[0][0], labels, values, "import (wall, fresh interpreter)", "ms")
    cpu = r.get("per_call", {}).get("cpu")
    if cpu:
        bars(axes[0][1], [peers[k]["label"] for k in cpu], [median(s) * 1e6 for s in cpu.values()],
             "client CPU per pair of calls (log scale)", "µs", log=True)
    pcpu = r.get("paginate", {}).get("cpu")
    if pcpu:
        names = {key: peers[key]["label"] for key in pcpu}
        names.update({"requests": "hand loop (requests)", "octo": "octo.paginate"})
        bars(axes[1][0], [names[k] for k in pcpu], [median(s) * 1e3 for s in pcpu.values()],
             f"client CPU for {r['settings']['items']:,} issues", "ms")
    else:
        axes[1][0].text(0.5, 0.5, "pagination: octo.paginate not available", ha="center", va="center")
        axes[1][0].set_axis_off()
    memory = r.get("memory")
    if memory:
        bars(axes[1][1], [peers[k]["label"] for k in memory], [median(s) / 1024 for s in memory.values()],
             "peak RSS, every namespace touched", "MiB")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


# Rows in this order (baseline first, octo next to it), whatever order the JSON has.
ORDER = ("(python)", "requests", "octo", "github", "pygithub", "githubkit", "githubkit_nocache",
         "ghapi.all", "ghapi")


def _ordered(values: dict[str, Any]) -> dict[str, Any]:
    rank = {key: i for i, key in enumerate(ORDER)}
    return dict(sorted(values.items(), key=lambda kv: rank.get(kv[0], len(ORDER))))


def canonical(r: dict[str, Any]) -> dict[str, Any]:
    r = dict(r)
    for key in ("imports", "imports_cpu", "memory"):
        if key in r:
            r[key] = _ordered(r[key])
    for key in ("per_call", "paginate", "graphql"):
        if key in r:
            r[key] = {part: _ordered(values) for part, values in r[key].items()}
    return r


def write(r: dict[str, Any], out: Path) -> None:
    r = canonical(r)
    png = out / "benchmarks.png"
    drew = chart(r, png)
    (out / "benchmarks.md").write_text(markdown(r, png.name if drew else None))
