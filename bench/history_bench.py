"""History screen: a workload with 100 milestones, time to load and draw its history.

    python bench/history_bench.py [--milestones 100]

Times, on a real SQLite file: the store building the series, the chart spec, drawing it
into the plotext figure the widget uses, and the whole history screen from the key press
to its first full render in the app (Pilot), split into the draw once the series has
arrived, the first visit (database read in a worker, screen built) and a return visit
(nothing changed: no reload, only Textual's screen switch). Aim: under 100 ms to draw.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta


def build(db_url: str, count: int) -> None:
    from mllens_tui.assessment import Answer
    from mllens_tui.lens.registry import builtin_lens
    from mllens_tui.snapshot import MilestoneInfo, Snapshot
    from mllens_tui.store.service import Store

    lens = builtin_lens()
    store = Store.open(db_url)
    rng = random.Random(3)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    store.create_workload("Bench", lens)
    for i in range(count):
        answers = {
            q.id: Answer(q.id, level=min(4, rng.randint(0, 2) + i * 3 // count))
            for q in lens.questions
        }
        at = start + timedelta(days=7 * i)
        snap = Snapshot(
            lens.id,
            lens.version,
            lens.content_hash,
            "Bench",
            answers=answers,
            milestone=MilestoneInfo(f"M{i:03}", at),
        )
        store.import_snapshot(snap, lens, as_milestone=True)


async def screen_time(db_url: str) -> tuple[float, float, float]:
    """Key to drawn for the history screen: the first visit (loads the series from the
    database in a worker, then draws) and a return visit (nothing changed: no reload)."""
    from mllens_tui.app import make_app
    from mllens_tui.app.screens.history import HistoryScreen

    app = make_app(db_url=db_url, workload="Bench")
    async with app.run_test(size=(80, 24)) as pilot:
        while app.current is None:
            await pilot.pause(0.01)
        await pilot.pause(0.1)
        started = time.perf_counter()
        await pilot.press("h")
        while not getattr(app.screen, "milestones", None):
            await pilot.pause(0.001)
        arrived = time.perf_counter()
        await pilot.pause()  # the refresh that draws it
        drawn = time.perf_counter()
        first = drawn - started
        await pilot.press("d")
        await pilot.pause(0.1)
        started = time.perf_counter()
        await pilot.press("h")
        while not isinstance(app.screen, HistoryScreen):
            await pilot.pause(0.001)
        await pilot.pause()
        again = time.perf_counter() - started
    return first, again, drawn - arrived


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--milestones", type=int, default=100)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        os.environ["MLLENS_DATA_DIR"] = data
        db_url = f"sqlite:///{data}/bench.db"
        build(db_url, args.milestones)

        import plotext

        from mllens_tui.charts.draw import draw_history
        from mllens_tui.charts.specs import history_chart
        from mllens_tui.lens.registry import builtin_lens
        from mllens_tui.store.service import Store

        lens = builtin_lens()
        store = Store.open(db_url)
        series, spec_t, draw_t = [], [], []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            points = store.history_series("Bench", lens, include_changes=False)
            t1 = time.perf_counter()
            spec = history_chart(lens, points, target=0.75)
            t2 = time.perf_counter()
            plotext.clear_figure()
            plotext.plotsize(78, 12)
            draw_history(plotext, spec, width=78, height=12)
            plotext.build()
            t3 = time.perf_counter()
            series.append(t1 - t0)
            spec_t.append(t2 - t1)
            draw_t.append(t3 - t2)
        visits = [asyncio.run(screen_time(db_url)) for _ in range(args.runs)]

    def ms(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000:7.1f} ms"

    print(f"milestones                    {len(points)}")
    print(f"store: history series         {ms(series)}")
    print(f"chart spec                    {ms(spec_t)}")
    print(f"plotext draw + build (78x12)  {ms(draw_t)}")
    print(f"screen: series in -> drawn   {ms([v[2] for v in visits])}   (aim: under 100 ms)")
    print(f"screen: first visit, key -> drawn  {ms([v[0] for v in visits])}")
    print(f"screen: return visit, key -> drawn {ms([v[1] for v in visits])}")


if __name__ == "__main__":
    main()
