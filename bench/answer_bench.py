"""Answering: the time from a level key to the answer being committed, over 100 answers.

    python bench/answer_bench.py [--answers 100]

Drives the real app with Pilot on a fresh SQLite file: opens a workload at its first
question, presses a level key and ']' a hundred times, and reads how long each answer took
from the key press to its commit (the app records it when the writer reports the commit).
Prints the median and the 90th percentile. Aim: a median under 30 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile


async def run(count: int, db_url: str) -> list[float]:
    from mllens_tui.app import make_app
    from mllens_tui.lens.registry import builtin_lens
    from mllens_tui.store.service import Store

    Store.open(db_url).create_workload("Bench", builtin_lens())
    app = make_app(db_url=db_url, workload="Bench", question="MLOE-01")
    async with app.run_test(size=(80, 24)) as pilot:
        while app.current is None:
            await pilot.pause(0.01)
        await pilot.pause(0.2)
        for i in range(count):
            await pilot.press(str(i % 5), "right_square_bracket")
        while len(app.save_times) < count:
            await pilot.pause(0.01)
    return app.save_times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        os.environ["MLLENS_DATA_DIR"] = data
        times = asyncio.run(run(args.answers, f"sqlite:///{data}/bench.db"))
    ms = sorted(t * 1000 for t in times)
    print(f"answers      {len(ms)}")
    print(f"median       {statistics.median(ms):6.1f} ms   (aim: under 30 ms)")
    print(f"90th pct     {ms[int(len(ms) * 0.9) - 1]:6.1f} ms")
    print(f"max          {ms[-1]:6.1f} ms")


if __name__ == "__main__":
    main()
