"""`python -m bench`: measure octo next to raw requests and its peers, write the report.

    make bench                       # the full run, in .venv-bench (peers installed)
    python -m bench --quick --out D  # a tiny run with whatever is installed (the smoke test)

Writes D/benchmarks.json (raw samples), D/benchmarks.md and, when matplotlib
is installed, D/benchmarks.png. A peer that is not installed, or a feature
octo does not have yet, is reported as not available rather than failing.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench import measure, report, store
from bench.peers import PEERS

SECTIONS = ("import", "per_call", "store", "concurrency", "paginate", "graphql", "memory", "codegen",
            "typecheck", "webhooks")
# Where each section's samples are kept in benchmarks.json.
SECTION_KEYS = {"import": ("imports", "imports_cpu", "first_repos", "octo_after_requests"),
                "per_call": ("per_call",), "store": ("store",), "concurrency": ("concurrency",),
                "paginate": ("paginate",), "graphql": ("graphql",), "memory": ("memory",),
                "codegen": ("codegen",), "typecheck": ("typecheck",), "webhooks": ("webhooks",)}
VERSIONED = ("requests", "urllib3", "octo-github", "PyGithub", "githubkit", "pydantic", "httpx",
             "ghapi", "fastcore", "matplotlib")


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{mem_kib / 2**20:.0f} GiB"
    except OSError:
        memory = "unknown"
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "os": platform.platform(terse=True),
        "python": platform.python_version(),
    }


def versions() -> dict[str, str]:
    found = {}
    for name in VERSIONED:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pass
    return found


def commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], capture_output=True, text=True, cwd=measure.ROOT,
                              check=False).stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return head + ("+dirty" if git("status", "--porcelain", "--untracked-files=no") else "")


def spec_size() -> dict[str, int]:
    from octo import rest

    return {"endpoints": rest.ENDPOINT_COUNT, "namespaces": len(rest.NAMESPACES)}


def chosen(args: argparse.Namespace) -> set[str]:
    return set(args.only.split(",")) if args.only else set(SECTIONS) - set(args.skip.split(","))


def updated(earlier: dict[str, Any], later: dict[str, Any], sections: set[str]) -> dict[str, Any]:
    """`earlier` with the sections measured in `later`, each marked with the run it came from."""
    merged = dict(earlier)
    for section in sections:
        for key in SECTION_KEYS[section]:
            if key in later:
                merged[key] = later[key]
        merged.setdefault("measured", {})[section] = {"date": later["date"], "commit": later["commit"],
                                                      "settings": later["settings"]}
    merged["peers"] = {**earlier["peers"], **later["peers"]}
    merged["versions"] = {**earlier["versions"], **later["versions"]}
    def remeasured(key: str) -> bool:  # `per_call.ghapi` belongs to per_call; `ghapi` to the whole run
        return "." not in key or key.split(".")[0] in sections

    merged["unavailable"] = {**{k: v for k, v in earlier.get("unavailable", {}).items() if not remeasured(k)},
                             **{k: v for k, v in later["unavailable"].items() if remeasured(k)}}
    return merged


def run(args: argparse.Namespace) -> dict[str, Any]:
    sections = chosen(args)
    available = [p for p in PEERS if p.available()]
    missing = {p.key: f"{p.distribution} is not installed" for p in PEERS if not p.available()}
    results: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "versions": versions(),
        "commit": commit(),
        "spec": spec_size(),
        "settings": {name: getattr(args, name) for name in
                     ("runs", "memory_runs", "rounds", "call_rounds", "round_seconds", "items", "per_page",
                      "quick")},
        "peers": {p.key: {"label": p.label, "module": p.module} for p in PEERS},
        "unavailable": dict(missing),
    }

    def step(name: str) -> None:
        print(f"bench: {name}", file=sys.stderr, flush=True)

    if "import" in sections:
        step("import")
        warm = not args.quick
        modules = list(dict.fromkeys(p.module for p in available))
        results["imports"], results["imports_cpu"] = measure.imports(modules, args.runs, warm)
        results["first_repos"] = measure.first_repos(args.runs, warm)
        results["octo_after_requests"] = measure.octo_after_requests(args.runs)

    if sections & {"per_call", "paginate", "graphql"}:
        with measure.server(args.items) as base:
            def workers_section(section: str, specs: dict[str, list[str]], seconds: float, most: int,
                                rounds: int) -> None:
                step(section.replace("_", " "))
                workers, failed = measure.start_workers(specs)
                results["unavailable"].update({f"{section}.{k}": v for k, v in failed.items()})
                try:
                    cpu, wall, units = measure.interleaved(workers, rounds, seconds, most)
                finally:
                    for worker in workers.values():
                        worker.close()
                results[section] = {"cpu": cpu, "wall": wall, "units": units}

            if "per_call" in sections:
                workers_section("per_call", {p.key: ["pair", p.key, base] for p in available},
                                args.round_seconds, 2000, args.call_rounds)
            if "paginate" in sections:
                page_args = [base, str(args.per_page), str(args.items)]
                workers_section("paginate", {p.key: ["paginate", p.key, *page_args] for p in available},
                                args.round_seconds * 4, 50, args.rounds)
            if "graphql" in sections:  # octo's REST and GraphQL calls of the same answer
                workers_section("graphql", {k: ["call", k, base] for k in ("rest", "graphql")},
                                args.round_seconds, 2000, args.rounds)

    if "store" in sections:
        step("store")
        with measure.server(args.items) as base:
            found = store.measure(base, args.rounds, args.round_seconds)
        results["unavailable"].update({f"store.{k}": v for k, v in found.pop("unavailable").items()})
        results["store"] = found

    if "concurrency" in sections:
        step("concurrency")
        kinds = [k for k in ("octo_async", "aiohttp") if k not in missing]
        results["concurrency"] = measure.concurrency(kinds, 1 if args.quick else 5)

    if "memory" in sections:
        step("memory")
        keys = [k for k in measure.MEMORY_PROGRAMS if k not in missing]
        results["memory"] = measure.memory(keys, args.memory_runs)

    if "codegen" in sections:
        step("codegen")
        codegen: dict[str, Any] = {}
        for target in ("spec", "generate"):
            if measure.make_target_exists(target):
                codegen[target] = measure.make_wall(target, 3)
            else:
                results["unavailable"][f"codegen.{target}"] = f"`make {target}` does not exist yet"
        results["codegen"] = codegen

    if "typecheck" in sections:
        step("typecheck")
        checks: dict[str, Any] = {}
        for name in measure.CHECKERS:
            why = measure.checker_missing(name)
            if why is None:
                checks[name] = measure.typecheck(name, 1 if args.quick else 3)
            else:
                results["unavailable"][f"typecheck.{name}"] = why
        results["typecheck"] = checks

    if "webhooks" in sections:
        step("webhooks")
        from bench import webhooks

        results["webhooks"] = webhooks.measure(args.rounds, args.round_seconds)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=measure.ROOT / "docs", help="where to write (default: docs/)")
    parser.add_argument("--runs", type=int, default=31, help="processes per import figure")
    parser.add_argument("--memory-runs", type=int, default=5, help="processes per memory figure")
    parser.add_argument("--rounds", type=int, default=21, help="interleaved rounds per figure but per call")
    # Two identical AsyncOcto workers measured side by side came out 3-8 % apart over 21-41
    # rounds on a 2-core machine, as much as a per-call target's margin; 0.3 % over 101.
    parser.add_argument("--call-rounds", type=int, default=101, help="interleaved rounds per call figure")
    parser.add_argument("--round-seconds", type=float, default=0.4, help="client wall time per round")
    parser.add_argument("--items", type=int, default=10_000, help="items in the paginated list")
    parser.add_argument("--per-page", type=int, default=100)
    parser.add_argument("--only", default="", help=f"comma-separated sections: {','.join(SECTIONS)}")
    parser.add_argument("--skip", default="", help="comma-separated sections to leave out")
    parser.add_argument("--quick", action="store_true", help="tiny counts: checks that it runs, measures nothing")
    parser.add_argument("--render", action="store_true", help="only re-render the report from OUT/benchmarks.json")
    parser.add_argument("--update", action="store_true",
                        help="measure the chosen sections and keep the others of OUT/benchmarks.json")
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.memory_runs, args.rounds, args.round_seconds, args.items = 1, 1, 2, 0.02, 300
        args.call_rounds = 2

    args.out.mkdir(parents=True, exist_ok=True)
    data_path = args.out / "benchmarks.json"
    if args.render:
        results = json.loads(data_path.read_text())
    else:
        results = run(args)
        if args.update:
            results = updated(json.loads(data_path.read_text()), results, chosen(args))
        data_path.write_text(json.dumps(results, indent=1) + "\n")
    report.write(results, args.out)
    print(f"bench: wrote {args.out / 'benchmarks.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
