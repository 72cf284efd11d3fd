"""The portfolio with 10 and with 1,000 workloads (105 answers and 2 milestones each).

    python bench/portfolio_bench.py [--sizes 10 1000] [--repeat 5]

For each size, builds the database as ``store_bench.py`` does (one workload through the Store,
copied with plain SQL), tags every workload, then prints:

- read: ``Store.portfolio()`` (a fixed number of queries, whatever the number of workloads);
- score: ``portfolio_rows`` (every workload scored in Python);
- cli: ``mllens portfolio`` as a user runs it, a new process each time (start-up included);
- screen: from pressing ``o`` on the workload list to the portfolio table drawn (Pilot, 80x24);

medians in milliseconds of wall time and, in brackets, of CPU time (this process's, or the
child's for ``mllens portfolio``): on a shared machine the CPU time is the steadier figure.
Then the ratio of the largest size to the smallest. Figures, not a pass/fail test.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from store_bench import build

from mllens_tui.lens.registry import builtin_lens
from mllens_tui.store import Store
from mllens_tui.store.portfolio import portfolio_rows

LABELS = {
    "read": "read",
    "score": "score",
    "cli": "mllens portfolio",
    "screen": "screen first draw",
}


def tag_all(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM workload")]
        conn.executemany(
            "INSERT INTO workload_tag (workload_id, tag_key, tag) VALUES (?, ?, ?)",
            [(wid, f"team-{wid % 7}", f"team-{wid % 7}") for wid in ids],
        )
    conn.close()


Figure = tuple[float, float]  # wall, CPU (ms)


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def median_ms(fn: Callable[[], object], repeat: int) -> Figure:
    fn()
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), _cpu()
        fn()
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((_cpu() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def cli(url: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "mllens_tui", "--db", url, "portfolio"],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def screen_first_draw(url: str) -> Figure:
    from textual.widgets import DataTable

    from mllens_tui.app import make_app
    from mllens_tui.app.pilot import settle
    from mllens_tui.app.screens.portfolio import PortfolioScreen

    async def run() -> Figure:
        app = make_app(db_url=url)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            start, cpu = time.perf_counter(), _cpu()
            await pilot.press("o")
            await settle(pilot)
            assert isinstance(app.screen, PortfolioScreen)
            table = app.screen.query_one("#portfolio-table", DataTable)
            assert table.row_count > 3
            await pilot.pause()
            return (time.perf_counter() - start) * 1000, (_cpu() - cpu) * 1000

    return asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 1000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    lens = builtin_lens()
    results: dict[int, dict[str, Figure]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            path = Path(tmp) / f"portfolio-{size}.db"
            build(path, size, 2, 5)
            tag_all(path)
            url = f"sqlite:///{path}"
            with Store.open(url) as store:
                records = store.portfolio()
                figures = {
                    "read": median_ms(store.portfolio, args.repeat),
                    "score": median_ms(
                        lambda records=records: portfolio_rows(records, lambda _: lens),
                        args.repeat,
                    ),
                }
            figures["cli"] = median_ms(lambda url=url: cli(url), args.repeat)
            draws = [screen_first_draw(url) for _ in range(args.repeat)]
            figures["screen"] = (
                statistics.median(d[0] for d in draws),
                statistics.median(d[1] for d in draws),
            )
            results[size] = figures
            print(
                f"{size:>5} workloads: "
                + "  ".join(
                    f"{LABELS[k]} {w:7.1f} ms ({c:6.1f} CPU)" for k, (w, c) in figures.items()
                )
            )
    small, large = min(results), max(results)
    if small != large:
        print(
            f"ratio {large}/{small} (workloads x{large / small:.0f}): "
            + "  ".join(
                f"{LABELS[k]} {results[large][k][0] / results[small][k][0]:.1f}x "
                f"({results[large][k][1] / max(results[small][k][1], 0.001):.1f}x CPU)"
                for k in results[small]
            )
        )


if __name__ == "__main__":
    main()
