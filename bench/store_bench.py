"""Storage speed with 100 workloads x 20 milestones x 105 answers.

    python bench/store_bench.py [--workloads 100] [--milestones 20] [--changes 5] [--repeat 30]

Builds one workload through the Store as a team would (an import of all 105 answers, then
before each milestone a few single-answer changes), copies it with plain SQL to make the other
workloads, then times, on a workload in the middle of the file:

(a) open a workload and compute its scores: ``get_workload`` + ``answers`` + ``scoring.score``;
(b) build its history series: ``history_series`` (a point per milestone and per change);

each next to a bare sqlite3 query that fetches the same rows, with the ratio. Aim: (a) under
50 ms and (b) under 100 ms. Figures, not a pass/fail test.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from mllens_tui.assessment import Answer, NAReason, Profile
from mllens_tui.lens.registry import builtin_lens
from mllens_tui.scoring import score
from mllens_tui.snapshot import Snapshot
from mllens_tui.store import Store


def build(path: Path, workloads: int, milestones: int, changes: int) -> None:
    lens = builtin_lens()
    rng = random.Random(42)
    answers = {
        q.id: (
            Answer(q.id, not_applicable=True, reason=NAReason.OUT_OF_SCOPE)
            if rng.random() < 0.05
            else Answer(q.id, level=rng.randint(0, 3), notes="n" * 80, answered_by="bench")
        )
        for q in lens.questions
    }
    with Store.open(f"sqlite:///{path}") as store:
        store.import_snapshot(
            Snapshot(lens.id, lens.version, lens.content_hash, "w0000", answers=answers), lens
        )
        for index in range(milestones):
            for _ in range(changes):
                question = rng.choice(lens.questions)
                store.set_answer("w0000", Answer(question.id, level=rng.randint(0, 4)))
            store.create_milestone("w0000", f"milestone {index:02}", lens)
    with sqlite3.connect(path) as conn:
        columns = {
            table: [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] != "id"]
            for table in ("workload", "answer", "answer_change", "milestone")
        }

        def copy(table: str, workload_id: int, source_id: int) -> None:
            cols = [c for c in columns[table] if c != "workload_id"]
            names = ", ".join(cols)
            conn.execute(
                f"INSERT INTO {table} (workload_id, {names}) "
                f"SELECT ?, {names} FROM {table} WHERE workload_id = ? ORDER BY id",
                (workload_id, source_id),
            )

        names = ", ".join(c for c in columns["workload"] if c != "name")
        source_milestones = conn.execute(
            "SELECT id, name FROM milestone WHERE workload_id = 1 ORDER BY id"
        ).fetchall()
        for number in range(1, workloads):
            cursor = conn.execute(
                f"INSERT INTO workload (name, {names}) SELECT ?, {names} FROM workload "
                "WHERE id = 1",
                (f"w{number:04}",),
            )
            new_id = cursor.lastrowid
            assert new_id is not None
            copy("answer", new_id, 1)
            copy("answer_change", new_id, 1)
            ms_cols = ", ".join(c for c in columns["milestone"] if c != "workload_id")
            for milestone_id, _ in source_milestones:
                cursor = conn.execute(
                    f"INSERT INTO milestone (workload_id, {ms_cols}) "
                    f"SELECT ?, {ms_cols} FROM milestone WHERE id = ?",
                    (new_id, milestone_id),
                )
                conn.execute(
                    "INSERT INTO milestone_answer SELECT ?, question_id, level, choices, "
                    "not_applicable, reason, target, notes, evidence, confidence, answered_by, "
                    "answered_at FROM milestone_answer WHERE milestone_id = ?",
                    (cursor.lastrowid, milestone_id),
                )
    conn.close()


def timed(fn: Callable[[], object], repeat: int) -> float:
    """The median of ``repeat`` runs, in milliseconds (after one warm-up run)."""
    fn()
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", type=int, default=100)
    parser.add_argument("--milestones", type=int, default=20)
    parser.add_argument("--changes", type=int, default=5, help="answer changes per milestone")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    lens = builtin_lens()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        start = time.perf_counter()
        build(path, args.workloads, args.milestones, args.changes)
        t_build = time.perf_counter() - start
        name = f"w{args.workloads // 2:04}"

        start = time.perf_counter()
        store = Store.open(f"sqlite:///{path}")
        t_open_store = (time.perf_counter() - start) * 1000

        def open_and_score() -> None:
            record = store.get_workload(name)
            answers = store.answers(name)
            score(lens, answers, Profile(record.default_target, record.pillar_weights))

        def series() -> None:
            store.history_series(name, lens)

        raw = sqlite3.connect(path)
        (wid,) = raw.execute("SELECT id FROM workload WHERE name = ?", (name,)).fetchone()

        def raw_open() -> None:
            raw.execute("SELECT * FROM workload WHERE name = ?", (name,)).fetchall()
            raw.execute("SELECT * FROM answer WHERE workload_id = ?", (wid,)).fetchall()

        def raw_series() -> None:
            raw.execute(
                "SELECT * FROM milestone WHERE workload_id = ? ORDER BY created_at, id", (wid,)
            ).fetchall()
            raw.execute(
                "SELECT ma.milestone_id, ma.question_id, ma.level, ma.choices, "
                "ma.not_applicable, ma.target FROM milestone_answer ma JOIN milestone m "
                "ON m.id = ma.milestone_id WHERE m.workload_id = ?",
                (wid,),
            ).fetchall()
            raw.execute(
                "SELECT revision, question_id, field, new, old, changed_by, changed_at "
                "FROM answer_change WHERE workload_id = ? ORDER BY id",
                (wid,),
            ).fetchall()

        answers = store.answers(name)
        t_score = timed(lambda: score(lens, answers, Profile()), args.repeat)
        t_open = timed(open_and_score, args.repeat)
        t_series = timed(series, args.repeat)
        t_raw_open = timed(raw_open, args.repeat)
        t_raw_series = timed(raw_series, args.repeat)
        points = store.history_series(name, lens)
        counts = raw.execute(
            "SELECT (SELECT count(*) FROM workload), (SELECT count(*) FROM milestone), "
            "(SELECT count(*) FROM milestone_answer), (SELECT count(*) FROM answer_change)"
        ).fetchone()
        raw.close()
        store.close()
        size = path.stat().st_size

    kinds = [p.kind for p in points]
    print(
        f"database             {counts[0]} workloads, {counts[1]} milestones, "
        f"{counts[2]} milestone answers, {counts[3]} history rows, {size / 1e6:.1f} MB "
        f"(built in {t_build:.1f} s)"
    )
    print(
        f"series size          {kinds.count('milestone')} milestones + "
        f"{kinds.count('change')} changes = {len(points)} points"
    )
    print(f"Store.open           {t_open_store:8.1f} ms  (engine, schema check; once per process)")
    print(
        f"open + score         {t_open:8.1f} ms  bare sqlite3 {t_raw_open:6.2f} ms  "
        f"ratio {t_open / t_raw_open:6.1f}   (aim: under 50 ms)"
    )
    print(
        f"  of which score     {t_score:8.1f} ms  (scoring.score alone; the store's part: "
        f"{t_open - t_score:.1f} ms, ratio {(t_open - t_score) / t_raw_open:.1f})"
    )
    print(
        f"history series       {t_series:8.1f} ms  bare sqlite3 {t_raw_series:6.2f} ms  "
        f"ratio {t_series / t_raw_series:6.1f}   (aim: under 100 ms)"
    )


if __name__ == "__main__":
    main()
