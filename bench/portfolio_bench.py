"""The portfolio with 10 and with 1,000 workloads (105 answers and 2 milestones each).

    python bench/portfolio_bench.py [--sizes 10 1000] [--repeat 5]

For each size, builds the database as ``store_bench.py`` does (one workload through the Store,
copied with plain SQL), tags every workload, then prints:

- read: ``Store.portfolio()`` (a fixed number of queries, whatever the number of workloads);
- score: ``portfolio_rows`` (every workload scored in Python);
- cli: ``mllens portfolio`` as a user runs it, a new process each time (start-up included);
- screen: from pressing ``o`` on the workload list to the portfolio table drawn (Pilot, 80x24);

medians in milliseconds, and the ratio of the largest size to the smallest. Figures, not a
pass/fail test.
"""

from __future__ import annotations

import argparse
import asyncio
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


def tag_all(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM workload")]
        conn.executemany(
            "INSERT INTO workload_tag (workload_id, tag_key, tag) VALUES (?, ?, ?)",
            [(wid, f"team-{wid % 7}", f"team-{wid % 7}") for wid in ids],
        )
    conn.close()


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    fn()
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def cli(url: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "mllens_tui", "--db", url, "portfolio"],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def screen_first_draw(url: str) -> float:
    from textual.widgets import DataTable

    from mllens_tui.app import make_app
    from mllens_tui.app.pilot import settle
    from mllens_tui.app.screens.portfolio import PortfolioScreen

    async def run() -> float:
        app = make_app(db_url=url)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            start = time.perf_counter()
            await pilot.press("o")
            await settle(pilot)
            assert isinstance(app.screen, PortfolioScreen)
            table = app.screen.query_one("#portfolio-table", DataTable)
            assert table.row_count > 3
            await pilot.pause()
            return (time.perf_counter() - start) * 1000

    return asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 1000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    lens = builtin_lens()
    results: dict[int, dict[str, float]] = {}
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
            figures["screen"] = statistics.median(
                screen_first_draw(url) for _ in range(args.repeat)
            )
            results[size] = figures
            print(
                f"{size:>5} workloads: read {figures['read']:7.1f} ms  "
                f"score {figures['score']:7.1f} ms  mllens portfolio {figures['cli']:7.1f} ms  "
                f"screen first draw {figures['screen']:7.1f} ms"
            )
    small, large = min(results), max(results)
    if small != large:
        ratio = {k: results[large][k] / results[small][k] for k in results[small]}
        print(
            f"ratio {large}/{small}: read {ratio['read']:.1f}x  score {ratio['score']:.1f}x  "
            f"mllens portfolio {ratio['cli']:.1f}x  screen {ratio['screen']:.1f}x  "
            f"(workloads x{large / small:.0f})"
        )


if __name__ == "__main__":
    main()
