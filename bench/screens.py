"""Screen switches, whole process: key press to the new screen drawn with its content, first
visit and return visit, against the start-up of a bare Textual app in the same run.

    python bench/screens.py [--runs 7]

Each round starts a bare Textual app (Header, Static, Footer) until its text shows, then
``mllens open W`` in a pseudo-terminal of 80x24 on a database of 10 workloads; once the
dashboard shows its numbers (and a second later, as a user would read it), it presses the
key of each screen in turn and stops the clock when that screen's content appears, then does
the round again (return visits). Then the history screen alone, on a workload with 300 and
with 1,000 milestones. Figures are medians over the rounds. Aims: a first visit under half
the bare app's start-up, a return visit under a quarter; the history screen's first visit
with 1,000 milestones under 0.5 s.

The floor: a bare Textual app with two modes (Header, Static, Footer each) switched by a key,
first and return visit, timed the same way: no screen of mllens can switch faster.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from terminal import BARE_APP, BARE_TEXT, COMMAND, Terminal, make_database, time_until

# Key, screen, and a text that only that screen's content shows (in one styled run: the
# terminal gets text and escape sequences, so the text must not span two styles).
SCREENS = (
    ("p", "pillars", "Operational Excellence"),
    ("f", "phases", "Framing"),  # a tab of the phases screen only
    ("i", "plan", " gaps to target"),
    ("h", "history", "milestones · m saves one"),
    ("g", "charts", "Pillar scores, target"),
    ("d", "dashboard", "Overall"),
    ("w", "workloads", "workloads · enter opens"),
)
HISTORY = "milestones · m saves one"
# The floor: what Textual itself costs to switch between two modes of the same bare screens.
BARE_MODES_APP = """
from textual.app import App
from textual.screen import Screen
from textual.widgets import Footer, Header, Static


class Bare(Screen):
    def __init__(self, text):
        super().__init__()
        self.text = text

    def compose(self):
        yield Header()
        yield Static(self.text)
        yield Footer()


class BareModes(App):
    MODES = {"one": lambda: Bare("screen one"), "two": lambda: Bare("screen two")}
    DEFAULT_MODE = "one"
    BINDINGS = [("1", "switch_mode('one')", "One"), ("2", "switch_mode('two')", "Two")]


BareModes().run()
"""
SETTLE = 1.0  # seconds between the first screen and the first key, as a user reads it


def visit(terminal: Terminal, key: str, text: str) -> float:
    sent = terminal.press(key)
    return terminal.wait_for(text) - sent


def tour(url: str, demo: str, env: dict[str, str]) -> tuple[dict[str, float], dict[str, float]]:
    """First and return visit of every screen, in one app."""
    terminal = Terminal([*COMMAND, "open", demo], dict(env, MLLENS_DB=url))
    try:
        terminal.wait_for("Overall")
        time.sleep(SETTLE)
        first = {name: visit(terminal, key, text) for key, name, text in SCREENS}
        again = {name: visit(terminal, key, text) for key, name, text in SCREENS}
    finally:
        terminal.close()
    return first, again


def bare_switches(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """The bare two-mode app: key press to the other mode drawn, first and return visit."""
    terminal = Terminal(argv, env)
    try:
        terminal.wait_for("screen one")
        time.sleep(SETTLE)
        first = visit(terminal, "2", "screen two")
        visit(terminal, "1", "screen one")
        again = visit(terminal, "2", "screen two")
    finally:
        terminal.close()
    return first, again


def history(url: str, demo: str, env: dict[str, str]) -> tuple[float, float]:
    terminal = Terminal([*COMMAND, "open", demo], dict(env, MLLENS_DB=url))
    try:
        terminal.wait_for("Overall")
        time.sleep(SETTLE)
        first = visit(terminal, "h", HISTORY)
        visit(terminal, "d", "Overall")
        again = visit(terminal, "h", HISTORY)
    finally:
        terminal.close()
    return first, again


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--no-history", action="store_true", help="skip the history screen with 300 and 1,000"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        small, demo = make_database(base, workloads=10)
        h300, _ = make_database(base, workloads=1, milestones=300, name="h300.db")
        h1000, _ = make_database(base, workloads=1, milestones=1000, name="h1000.db")
        bare_script = base / "bare.py"
        bare_script.write_text(BARE_APP, encoding="utf-8")
        env = dict(
            os.environ, MLLENS_DATA_DIR=str(base / "data"), MLLENS_CACHE_DIR=str(base / "cache")
        )
        bare_argv = [sys.executable, str(bare_script)]
        modes_script = base / "bare_modes.py"
        modes_script.write_text(BARE_MODES_APP, encoding="utf-8")
        modes_argv = [sys.executable, str(modes_script)]
        time_until(bare_argv, env, BARE_TEXT)  # warm the file cache and the lens cache
        tour(small, demo, env)
        bare: list[float] = []
        first: dict[str, list[float]] = {name: [] for _, name, _ in SCREENS}
        again: dict[str, list[float]] = {name: [] for _, name, _ in SCREENS}
        hist: dict[str, list[float]] = {k: [] for k in ("300", "300 again", "1000", "1000 again")}
        floor: tuple[list[float], list[float]] = ([], [])
        for _ in range(args.runs):  # interleaved, so load on the machine hits all alike
            bare.append(time_until(bare_argv, env, BARE_TEXT))
            for samples, seconds in zip(floor, bare_switches(modes_argv, env), strict=True):
                samples.append(seconds)
            one, two = tour(small, demo, env)
            for name in one:
                first[name].append(one[name])
                again[name].append(two[name])
            for label, url in () if args.no_history else (("300", h300), ("1000", h1000)):
                a, b = history(url, demo, env)
                hist[label].append(a)
                hist[f"{label} again"].append(b)
    b = statistics.median(bare)
    print(f"runs {args.runs}, medians, whole process, 80x24 pseudo-terminal, interleaved")
    print(f"{'bare Textual app start-up':<36} {b * 1000:8.1f} ms")
    print(f"{'screen':<12} {'first visit':>22} {'return visit':>22}   (aim: < 0.50x, < 0.25x)")
    f, r = statistics.median(floor[0]), statistics.median(floor[1])
    print(
        f"{'bare modes':<12} {f * 1000:10.1f} ms {f / b:5.2f}x   {r * 1000:10.1f} ms {r / b:5.2f}x"
        "   (the floor: a bare app switching modes)"
    )
    for _, name, _ in SCREENS:
        f, r = statistics.median(first[name]), statistics.median(again[name])
        print(
            f"{name:<12} {f * 1000:10.1f} ms {f / b:5.2f}x   {r * 1000:10.1f} ms {r / b:5.2f}x"
            + ("   (first shown at start)" if name == "dashboard" else "")
        )
    for label in () if args.no_history else ("300", "1000"):
        f, r = statistics.median(hist[label]), statistics.median(hist[f"{label} again"])
        name = f"history, {label} milestones"
        print(f"{name:<24} {f * 1000:10.1f} ms {f / b:5.2f}x   {r * 1000:10.1f} ms {r / b:5.2f}x")


if __name__ == "__main__":
    main()
