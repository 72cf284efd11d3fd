"""Start-up, whole process: from the command to a screen a user can act on, against a bare
Textual app started the same way in the same run.

    python bench/startup.py [--runs 15]

Each figure is the median of ``--runs`` new processes in a pseudo-terminal of 80x24, one of
each measure per round, in turn (the machine is shared, so only ratios within one run mean
anything). The clock stops when the screen shows what it is for:

* bare Textual app (Header, one Static, Footer): its Static's text;
* ``mllens``, the workload list: the demo workload's row (its name and score, keys working),
  with 10 workloads and with 1,000;
* ``mllens open W``: the dashboard's headline ("Overall ..."); ``--question ID``: the question;
* (the first frame is the list itself: the app reads the list before it draws, so there is
  no earlier frame to time apart).

Then peak memory (VmHWM) of the bare app and of ``mllens open W`` when the dashboard shows
and three seconds later (the store loads after the first screen). Then the commands without
a terminal, against ``python -c "import textual"``: ``mllens
workload list``, ``mllens score FILE``, ``mllens --version``, ``mllens --help``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from terminal import (
    BARE_APP,
    BARE_TEXT,
    COMMAND,
    CPU,
    interleave,
    make_database,
    peak_memory,
    ratio_line,
    time_command,
    time_until,
)

QUESTION = "MLSEC-05"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--screens-only", action="store_true", help="skip the commands without a terminal"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        small, demo = make_database(base, workloads=10)
        large, _ = make_database(base, workloads=1000, name="large.db")
        bare = base / "bare.py"
        bare.write_text(BARE_APP, encoding="utf-8")
        snapshot = base / "demo.toml"
        env = dict(
            os.environ,
            MLLENS_DATA_DIR=str(base / "data"),
            MLLENS_CACHE_DIR=str(base / "cache"),
            MLLENS_DB=small,
        )
        big = dict(env, MLLENS_DB=large)
        time_command([*COMMAND, "export", demo, "-o", str(snapshot)], env)
        python = [sys.executable, "-c"]

        screens = interleave(
            args.runs,
            {
                "bare": lambda: time_until([sys.executable, str(bare)], env, BARE_TEXT, "bare"),
                "list": lambda: time_until(COMMAND, env, demo, "list"),
                "list1000": lambda: time_until(COMMAND, big, demo, "list1000"),
                "open": lambda: time_until([*COMMAND, "open", demo], env, "Overall", "open"),
                "question": lambda: time_until(
                    [*COMMAND, "open", demo, "--question", QUESTION],
                    env,
                    f"{QUESTION} ",
                    "question",
                ),
            },
        )
        commands = (
            {}
            if args.screens_only
            else interleave(
                args.runs,
                {
                    "textual": lambda: time_command([*python, "import textual"], env),
                    "workload list": lambda: time_command([*COMMAND, "workload", "list"], env),
                    "score FILE": lambda: time_command([*COMMAND, "score", str(snapshot)], env),
                    "--version": lambda: time_command([*COMMAND, "--version"], env),
                    "--help": lambda: time_command([*COMMAND, "--help"], env),
                },
            )
        )
        memory = {
            "bare": peak_memory([sys.executable, str(bare)], env, BARE_TEXT),
            "open": peak_memory([*COMMAND, "open", demo], env, "Overall"),
        }
    b = screens["bare"]
    print(f"runs {args.runs}, medians, whole process, 80x24 pseudo-terminal, interleaved")
    print(f"{'bare Textual app (Header, Static, Footer)':<44} {b * 1000:8.1f} ms")
    print(ratio_line("mllens: workload list usable (10 workloads)", screens["list"], b, "< 1.5"))
    print(ratio_line("mllens open W: dashboard with its numbers", screens["open"], b, "< 1.7"))
    print(ratio_line("mllens open W --question ID", screens["question"], b, "< 1.7"))
    print(
        f"{'workload list, 1,000 workloads':<44} {screens['list1000'] * 1000:8.1f} ms   "
        f"{screens['list1000'] / screens['list']:5.2f}x the list of 10   (aim: < 1.2)"
    )
    cpu = {name: statistics.median(values) for name, values in CPU.items()}
    c = cpu["bare"]
    print(f"processor time until then (load-proof; 10 ms ticks): bare {c * 1000:.0f} ms")
    for name, label in (
        ("list", "workload list"),
        ("list1000", "1,000 workloads"),
        ("open", "open W"),
        ("question", "--question"),
    ):
        print(f"  {label:<42} {cpu[name] * 1000:8.0f} ms   {cpu[name] / c:5.2f}x")
    mib = 1024 * 1024
    bare_mem = memory["bare"][1]
    print(f"{'peak memory, bare app':<44} {bare_mem / mib:8.1f} MiB")
    for label, value in (
        ("peak memory, dashboard shown", memory["open"][0]),
        ("peak memory, dashboard 3 s later", memory["open"][1]),
    ):
        print(f"{label:<44} {value / mib:8.1f} MiB {value / bare_mem:5.2f}x   (aim: < 1.6)")
    if not commands:
        return
    t = commands["textual"]
    label = 'python -c "import textual"'
    print(f"{label:<44} {t * 1000:8.1f} ms")
    for name, aim in (("workload list", "< 2"), ("score FILE", "< 2"), ("--version", "< 2")):
        print(ratio_line(f"mllens {name}", commands[name], t, aim))
    print(ratio_line("mllens --help", commands["--help"], t, "< 1.2"))


if __name__ == "__main__":
    main()
