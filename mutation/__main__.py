"""`python -m mutation` (`make mutation`): run mutmut, then print the score and
every surviving mutant that is not accepted in mutation/accepted.txt.

mutmut keeps its results in mutants/ and tests again only the functions that
changed since the last run. When the tests changed, the mutants that survived
(or that no test reached) are tried once more, since a new test may kill them.
`rm -rf mutants` starts from scratch. Mutant names or globs (`octo.core.retry.*`)
limit a run to those mutants, tried again whatever their last result.

A mutant gets its fastest tests up to `--budget` seconds (mutation/forked_session.py);
one that passes them while slower tests were left out is undecided, counted as
not detected. Named mutants get every test unless `--budget` is given.

Each line of accepted.txt is `MUTANT FINGERPRINT REASON`: an equivalent
mutant, one that no test can tell from the original. The fingerprint is a
hash of the mutant's diff, so an entry stops applying when its function
changes and the same name comes to mean another mutation.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACCEPTED = ROOT / "mutation" / "accepted.txt"
COPIED_TESTS = ROOT / "mutants" / "tests"  # the tests the last run used
DETECTED = frozenset({"killed", "caught by type check", "timeout", "segfault"})
UNDECIDED = "skipped"  # mutmut's name for the status forked_session.UNDECIDED
UNDETECTED = frozenset({"survived", "no tests", UNDECIDED})
# Seconds of tests per mutant in a whole run, by their measured times and by the child's clock:
# between the 0.3 s and 0.6 s tried on a sample (README, "Mutation testing"), and a run from
# scratch inside the hour on two cores.
BUDGET = 0.5
# One mutant more than the cores at a time: a mutant's child spends part of its run waiting
# (on loopback servers, on its fork), which left a third of two cores idle with two children.
CHILDREN = (os.cpu_count() or 1) + 1


def mutmut_run(budget: float, *mutants: str) -> None:
    command = [sys.executable, "-m", "mutation.mutmut_cli", "run", "--max-children", str(CHILDREN), *mutants]
    # CI=true: hypothesis draws the same examples every run, so a verdict is reproducible.
    env = {**os.environ, "CI": "true", "OCTO_MUTATION_BUDGET": str(budget)}
    done = subprocess.run(command, cwd=ROOT, env=env, check=False)
    if done.returncode != 0:
        sys.exit(f"mutation: mutmut run failed with exit status {done.returncode}")


def tests_digest(tests: Path) -> str | None:
    if not tests.is_dir():
        return None
    digest = hashlib.sha256()
    for path in sorted(tests.rglob("*.py")):
        digest.update(path.relative_to(tests).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def results() -> dict[str, tuple[str, Path]]:
    """Every mutant's status and source file, from mutants/."""
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.stats import status_by_exit_code
    from mutmut.utils.file_utils import walk_mutatable_files

    found = {}
    for path in walk_mutatable_files():
        data = SourceFileMutationData(path=path)
        data.load()
        for name, code in data.exit_code_by_key.items():
            found[name] = (status_by_exit_code[code], path)
    return found


def diff(name: str, path: Path) -> list[str]:
    """The lines the mutant removes and adds."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    try:
        lines = get_diff_for_mutant(name, path=path).splitlines()
    except (FileNotFoundError, ValueError):  # mutants/ is being rewritten by a run
        return ["(diff not available now: mutmut show " + name + ")"]
    return [line for line in lines[2:] if line[:1] in "+-"]


def fingerprint(changed: list[str]) -> str:
    return hashlib.sha256("\n".join(line.strip() for line in changed).encode()).hexdigest()[:10]


def accepted() -> dict[str, tuple[str, str]]:
    entries = {}
    for number, line in enumerate(ACCEPTED.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        name, mark, reason = (line.split(maxsplit=2) + ["", ""])[:3]
        if not reason:
            sys.exit(f"mutation: {ACCEPTED.name}:{number}: want `MUTANT FINGERPRINT REASON`")
        entries[name] = (mark, reason)
    return entries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mutation", description=__doc__.split("\n\n")[0])
    parser.add_argument("--report", action="store_true", help="only report the last run's results")
    parser.add_argument("--budget", type=float, default=None,
                        help=f"seconds of tests per mutant (default {BUDGET}, or no limit for named mutants; 0: none)")
    parser.add_argument("mutants", nargs="*", help="only these mutants (names or globs such as 'octo.core.retry.*')")
    args = parser.parse_args(argv)
    budget = args.budget if args.budget is not None else 0.0 if args.mutants else BUDGET
    os.chdir(ROOT)  # mutmut reads pyproject.toml and mutants/ from here

    if not args.report:
        before = tests_digest(COPIED_TESTS)
        tests_changed = before is not None and before != tests_digest(ROOT / "tests")
        if tests_changed:
            # mutmut keeps which functions a test calls from the run that first saw it, so an
            # edited test would be left out for the functions it calls now: measure again.
            (ROOT / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)
        # A run stopped while writing its mutants leaves an empty file that mutmut would keep.
        for mutated in (ROOT / "mutants").glob("**/*.py"):
            source = ROOT / mutated.relative_to(ROOT / "mutants")
            if mutated.stat().st_size == 0 and source.is_file() and source.stat().st_size:
                mutated.unlink()
        # mutmut copies tests/ over its old copy; a fresh copy leaves no deleted test behind.
        shutil.rmtree(COPIED_TESTS, ignore_errors=True)
        mutmut_run(budget, *args.mutants)
        if tests_changed and not args.mutants:
            known = accepted()  # equivalent: no new test can kill them
            again = sorted(n for n, (status, _) in results().items() if status in UNDETECTED and n not in known)
            if again:
                print(f"mutation: the tests changed; trying the {len(again)} undetected mutants again")
                mutmut_run(budget, *again)

    found = results()
    if not found:
        sys.exit("mutation: no results in mutants/; run `make mutation` first")
    counts = Counter(status for status, _ in found.values())
    known = accepted()
    equivalent, new, stale = [], [], []
    for name, (status, path) in sorted(found.items()):
        if status not in UNDETECTED:
            if name in known:
                stale.append(f"{name}: {status} now")
            continue
        # An accepted mutant left undecided by the budget is as equivalent as when it survives.
        changed = diff(name, path) if status == "survived" or name in known else []
        mark, _ = known.get(name, ("", ""))
        if name in known and mark == fingerprint(changed):
            equivalent.append(name)
        else:
            new.append((name, status, path, changed))
    stale += [f"{name}: no such mutant" for name in sorted(set(known) - set(found))]
    stale += [f"{name}: its mutation changed" for name, _, _, changed in new
              if name in known and known[name][0] != fingerprint(changed)]

    detected = sum(counts[s] for s in DETECTED)
    scored = detected + sum(counts[s] for s in UNDETECTED)
    print("\nmutation: " + ", ".join(f"{n} {status}" for status, n in counts.most_common()))
    print(f"mutation score: {detected} of {scored} mutants detected ({100 * detected / scored:.1f} %); "
          f"{len(equivalent)} accepted as equivalent, so {detected} of {scored - len(equivalent)} "
          f"({100 * detected / max(1, scored - len(equivalent)):.1f} %) of the others")
    for status, what in (("no tests", "that no test reaches"),
                         (UNDECIDED, "whose fastest tests within the budget passed, not decided by the slower "
                                     "ones (`make mutation MUTANTS=NAME` runs them all)")):
        functions = Counter(name.partition("__mutmut_")[0] for name, s, _, _ in new if s == status)
        if functions:
            print(f"\n{sum(functions.values())} mutants in {len(functions)} functions {what}:")
            for function, n in sorted(functions.items()):
                print(f"  {function} ({n})")
    survivors = [(name, path, changed) for name, status, path, changed in new if status == "survived"]
    if survivors:
        print(f"\n{len(survivors)} surviving mutants not in {ACCEPTED.relative_to(ROOT)} "
              "(`mutmut show NAME` for the whole diff; an equivalent one goes in that file as "
              "`NAME FINGERPRINT REASON`):")
        for name, path, changed in survivors:
            print(f"  {name}  {fingerprint(changed)}  ({path})")
            for line in changed:
                print(f"      {line.strip()[:150]}")
    if stale:
        print(f"\n{len(stale)} entries of {ACCEPTED.name} no longer apply:")
        for line in stale:
            print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
