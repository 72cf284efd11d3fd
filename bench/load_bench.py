"""A workshop's load on each backend: many people answering at once, one dashboard reading.

    python bench/load_bench.py [--writers 10] [--shared 20] [--postgres URL]

Ten processes each answer all 105 questions of a workload of their own and 20 questions of
one shared workload (all ten write those 20, so they meet on the same rows), while one more
process reads the dashboard (the workload list and the shared workload's answers and scores)
in a loop. Every write is a ``Store.set_answer`` in its own transaction, as the app's writer
makes them. Then it counts: failed writes (a StoreError), lost answers (a workload whose
stored answers differ from what its writer last gave), writes per second over the run, and
the latency of one write (p50, p99), for SQLite and PostgreSQL side by side.

PostgreSQL: the server at ``--postgres`` (a fresh database is created and dropped on it), or
else a throwaway cluster (tests/postgres_server.py) when PostgreSQL is installed. Figures,
not a pass/fail test.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

SHARED = "shared"


def _writer(url: str, index: int, shared: int, start: Any, out: Any) -> None:
    from mllens_tui.assessment import Answer
    from mllens_tui.lens.registry import builtin_lens
    from mllens_tui.store import Store
    from mllens_tui.store.errors import StoreError

    questions = [q.id for q in builtin_lens().questions]
    plan = [(f"team-{index}", qid, (index + n) % 5) for n, qid in enumerate(questions)]
    plan += [(SHARED, qid, index % 5) for qid in questions[:shared]]
    latencies: list[float] = []
    failed = 0
    given: dict[tuple[str, str], int] = {}
    with Store.open(url) as store:
        start.wait()
        for workload, qid, level in plan:
            began = time.perf_counter()
            try:
                store.set_answer(workload, Answer(qid, level=level, answered_by=f"p{index}"))
            except StoreError:
                failed += 1
                continue
            latencies.append(time.perf_counter() - began)
            given[(workload, qid)] = level
    out.put((index, latencies, failed, given))


def _reader(url: str, start: Any, stop: Any, out: Any) -> None:
    from mllens_tui.assessment import Profile
    from mllens_tui.lens.registry import builtin_lens
    from mllens_tui.scoring import score
    from mllens_tui.store import Store
    from mllens_tui.store.errors import StoreError

    lens = builtin_lens()
    reads = failed = 0
    with Store.open(url) as store:
        start.wait()
        while not stop.is_set():
            try:
                store.list_workloads()
                record = store.get_workload(SHARED)
                profile = Profile(record.default_target, dict(record.pillar_weights))
                score(lens, store.answers(SHARED), profile)
                reads += 1
            except StoreError:
                failed += 1
    out.put((reads, failed))


def run(url: str, writers: int, shared: int) -> dict[str, float]:
    from mllens_tui.lens.registry import builtin_lens
    from mllens_tui.store import Store

    lens = builtin_lens()
    with Store.open(url) as store:
        store.create_workload(SHARED, lens)
        for index in range(writers):
            store.create_workload(f"team-{index}", lens)
    ctx = mp.get_context("spawn")
    start, stop, out, reads = ctx.Event(), ctx.Event(), ctx.Queue(), ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(url, i, shared, start, out)) for i in range(writers)]
    reader = ctx.Process(target=_reader, args=(url, start, stop, reads))
    for proc in [*procs, reader]:
        proc.start()
    time.sleep(3)  # let every process import and open the store before the clock starts
    began = time.perf_counter()
    start.set()
    results = [out.get() for _ in procs]
    elapsed = time.perf_counter() - began
    stop.set()
    dashboard_reads, dashboard_failed = reads.get()
    for proc in [*procs, reader]:
        proc.join()

    latencies = sorted(x for _, lat, _, _ in results for x in lat)
    failed = sum(f for _, _, f, _ in results)
    lost = 0
    with Store.open(url) as store:
        for index, _, _, given in results:
            stored = store.answers(f"team-{index}")
            for (workload, qid), level in given.items():
                if workload != SHARED and (qid not in stored or stored[qid].level != level):
                    lost += 1
        shared_stored = store.answers(SHARED)
        # Every shared question holds the level of one of the writers (the last to commit).
        levels = {i % 5 for i in range(writers)}
        lost += sum(1 for qid, a in shared_stored.items() if a.level not in levels)
        lost += shared - len(shared_stored)
    return {
        "writes": len(latencies),
        "failed writes": failed,
        "lost answers": lost,
        "writes/s": len(latencies) / elapsed,
        "p50 ms": statistics.median(latencies) * 1000,
        "p99 ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "dashboard reads": dashboard_reads,
        "failed reads": dashboard_failed,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", type=int, default=10)
    parser.add_argument("--shared", type=int, default=20)
    parser.add_argument("--postgres", metavar="URL", help="a server whose login creates databases")
    args = parser.parse_args()
    import postgres_server

    figures: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        figures["SQLite"] = run(f"sqlite:///{Path(tmp) / 'load.db'}", args.writers, args.shared)
    folder = None
    server = args.postgres
    if server is None and postgres_server.find_bin_dir() is not None:
        folder = postgres_server.temporary_folder()
        server = postgres_server.start(folder)
    try:
        if server is not None:
            with postgres_server.database(server) as url:
                figures["PostgreSQL"] = run(url, args.writers, args.shared)
    finally:
        if folder is not None:
            postgres_server.stop(folder)
    print(
        f"{args.writers} writers x ({105} own + {args.shared} shared answers), 1 dashboard reader"
    )
    names = list(figures)
    print(f"{'':18}" + "".join(f"{n:>14}" for n in names))
    for key in figures[names[0]]:
        cells = "".join(
            f"{figures[n][key]:>14,.1f}"
            if "ms" in key or "/s" in key
            else f"{figures[n][key]:>14,.0f}"
            for n in names
        )
        print(f"{key:18}{cells}")
    if "PostgreSQL" not in figures:
        print("PostgreSQL: no server (--postgres URL) and PostgreSQL is not installed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
