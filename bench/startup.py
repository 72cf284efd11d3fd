"""Start-up: median time from launching the process to the first screen drawn.

    python bench/startup.py [--runs 15]

Runs our app (`mllens`, the workload list on a fresh database) and a bare Textual app
(`App` with one Static) the same way, in the same run, headless at 80x24, and prints both
medians and their ratio (aim: under 1.5). Each run is a new process, so imports count.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

DRIVER = r"""
import sys
which = sys.argv[1]
if which == "bare":
    from textual.app import App
    from textual.widgets import Static

    class Bare(App):
        def compose(self):
            yield Static("hello")

        def on_mount(self):
            self.call_after_refresh(self.exit)

    Bare().run(headless=True, size=(80, 24))
else:
    from mllens_tui.app import make_app

    app = make_app()

    def first_paint():
        app.exit()

    app.call_later(lambda: app.call_after_refresh(first_paint))
    app.run(headless=True, size=(80, 24))
"""


def run_once(which: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", DRIVER, which], env=env, check=True, stdout=subprocess.DEVNULL
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        env = dict(os.environ, MLLENS_DATA_DIR=data, MLLENS_DB=f"sqlite:///{data}/bench.db")
        run_once("app", env)  # warm the file cache and create the database once
        run_once("bare", env)
        app, bare = [], []
        for _ in range(args.runs):  # interleaved, so load on the machine hits both alike
            bare.append(run_once("bare", env))
            app.append(run_once("app", env))
    m_app, m_bare = statistics.median(app), statistics.median(bare)
    print(f"runs               {args.runs}")
    print(f"bare Textual app   {m_bare * 1000:7.1f} ms (median)")
    print(f"mllens             {m_app * 1000:7.1f} ms (median)")
    print(f"ratio              {m_app / m_bare:7.2f}   (aim: under 1.5)")


if __name__ == "__main__":
    main()
