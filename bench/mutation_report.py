"""Mutation testing of the pure core: run mutmut, then print the killed share per module.

    pip install -e '.[test,dev]'
    python bench/mutation_report.py [--max-children 2] [--recheck] [--no-run] [--survivors]

mutmut (configured in ``[tool.mutmut]`` of pyproject.toml) copies the project into
``mutants/``, makes each small change to the core (a mutant) and runs the core's unit tests
against it; a mutant that no test fails on has *survived*. This prints, per module,
``module: killed/counted (share)`` where a timeout counts as killed (the tests did not pass)
and the mutants listed in tests/mutation_equivalent.txt (each with its reason: they cannot
change behaviour) are not counted. Aim: at least 90% per module. ``--no-run`` reports the
last run again; ``--survivors`` lists the survivors (``mutmut show NAME`` shows one);
``--recheck`` tests the last run's survivors again, after tests were added. Delete
``mutants/`` for a run from scratch.
Too slow for CI (half an hour from scratch on two cores); run it before resolving an issue that
touches the core. Figures, not a pass/fail test: the exit code is mutmut's.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EQUIVALENT = ROOT / "tests" / "mutation_equivalent.txt"
# mutmut's exit codes (mutmut.stats.status_by_exit_code): 1 and 3 are kills, 0 a survivor,
# these a timeout, None not yet checked, 5 and 33 "no tests" (no test reaches the code).
KILLED = {1, 3}
TIMEOUT = {-24, 24, 36, 152, 255}
SURVIVED = {0}
NO_TESTS = {5, 33}


def modules() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    return list(config["tool"]["mutmut"]["only_mutate"])


def equivalent_mutants() -> dict[str, str]:
    """Mutant name -> why it cannot change behaviour, from tests/mutation_equivalent.txt."""
    found: dict[str, str] = {}
    if not EQUIVALENT.is_file():
        return found
    for line in EQUIVALENT.read_text("utf-8").splitlines():
        name, _, reason = line.partition("#")
        if name.strip():
            found[name.strip()] = reason.strip()
    return found


def report(survivors: bool) -> None:
    """Print one line per module, and the survivors' names when asked."""
    equivalent = equivalent_mutants()
    seen: set[str] = set()
    for module in modules():
        meta = ROOT / "mutants" / f"{module}.meta"
        if not meta.is_file():
            print(f"{module}: no results (run mutmut first)")
            continue
        codes: dict[str, int | None] = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
        killed = timeout = survived = no_tests = unchecked = other = skipped = 0
        left: list[str] = []
        for name, code in codes.items():
            if name in equivalent:
                seen.add(name)
                skipped += 1
                if code in KILLED or code in TIMEOUT:
                    print(f"  note: {name} is listed as equivalent but a test kills it")
                continue
            if code in KILLED:
                killed += 1
            elif code in TIMEOUT:
                timeout += 1
            elif code is None:
                unchecked += 1
            else:
                left.append(name)
                if code in SURVIVED:
                    survived += 1
                elif code in NO_TESTS:
                    no_tests += 1
                else:
                    other += 1
        counted = len(codes) - skipped
        caught = killed + timeout
        share = f"{caught / counted:.1%}" if counted else "n/a"
        print(
            f"{module}: {caught}/{counted} ({share}) killed; {survived} survived, "
            f"{no_tests} no test, {timeout} timeouts, {skipped} equivalent"
            + (f", {other} other" if other else "")
            + (f", {unchecked} NOT CHECKED" if unchecked else "")
        )
        if survivors:
            for name in left:
                print(f"    {name}")
    for name in sorted(set(equivalent) - seen):
        print(f"  note: {name} (tests/mutation_equivalent.txt) is no longer a mutant")


def survivors() -> list[str]:
    """The mutants of the last run that no test killed, equivalent ones left out."""
    equivalent = equivalent_mutants()
    names: list[str] = []
    for module in modules():
        meta = ROOT / "mutants" / f"{module}.meta"
        if meta.is_file():
            codes = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
            names += [
                n for n, c in codes.items() if c in SURVIVED | NO_TESTS and n not in equivalent
            ]
    return names


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-children", type=int, default=2, help="parallel test processes")
    parser.add_argument("--no-run", action="store_true", help="report the last run only")
    parser.add_argument("--survivors", action="store_true", help="list surviving mutants")
    parser.add_argument(
        "--recheck", action="store_true", help="test the last run's survivors again (new tests)"
    )
    args = parser.parse_args()
    code = 0
    if not args.no_run:
        mutmut = Path(sys.executable).with_name("mutmut")
        command = [str(mutmut), "run", "--max-children", str(args.max_children)]
        # mutmut keeps the verdicts of code that has not changed: a plain run tests new and
        # changed code only, and --recheck gives the survivors a second chance against tests
        # added since (a test only ever adds kills).
        names = survivors() if args.recheck else []
        runs = [command, command + names] if names else [command]
        for argv in runs:
            done = subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL, check=False)
            code = code or done.returncode
    report(args.survivors)
    return code


if __name__ == "__main__":
    sys.exit(main())
