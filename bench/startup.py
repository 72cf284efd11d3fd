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
import os
import sys


def painted():
    # The first frame is on screen: tell the parent, then leave at once (a worker thread
    # may still be opening the database; that is after the first screen by design).
    sys.stdout.write("painted\n")
    sys.stdout.flush()
    os._exit(0)


which = sys.argv[1]
if which == "bare":
    from textual.app import App
    from textual.widgets import Static

    class Bare(App):
        def compose(self):
            yield Static("hello")

        def on_mount(self):
            self.call_after_refresh(painted)

    Bare().run(headless=True, size=(80, 24))
else:
    # The same path as typing `mllens` (the CLI builds the app with make_app), headless.
    import mllens_tui.app.app as app_module
    from mllens_tui.cli import main

    original = app_module.MLLensApp.on_mount

    def on_mount(self):
        original(self)
        self.call_after_refresh(painted)

    original_run = app_module.MLLensApp.run

    def run(self, **kwargs):
        return original_run(self, headless=True, size=(80, 24))

    app_module.MLLensApp.on_mount = on_mount
    app_module.MLLensApp.run = run
    main([])
"""


def run_once(which: str, env: dict[str, str]) -> float:
    """Seconds from starting the process to its first screen being drawn."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", DRIVER, which],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    elapsed = time.perf_counter() - start
    child.wait()
    if line.strip() != "painted":
        raise RuntimeError(f"{which}: no first screen")
    return elapsed


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
