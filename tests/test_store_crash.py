"""Crashes and concurrency: other processes answer, import and get killed with SIGKILL.

An answer a process reported as saved is never lost; an import is all or nothing; two
processes answering at once both succeed, without "database is locked".
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from pathlib import Path

import pytest

from mllens_tui.assessment import Answer
from mllens_tui.lens.model import Lens
from mllens_tui.store import Store

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]

ANSWER_LOOP = """
import sys
from mllens_tui.assessment import Answer
from mllens_tui.store import Store

url, questions = sys.argv[1], sys.argv[2].split(",")
store = Store.open(url)
print("ready", flush=True)
round = 0
while True:
    for qid in questions:
        store.set_answer("w", Answer(qid, level=round % 5, notes=f"round {round}"))
        print(qid, round, flush=True)  # only once set_answer has returned
    round += 1
"""

# Pauses before every INSERT, UPDATE or DELETE of the import until the parent says "go", so that
# the parent can kill it at a statement of its choosing, with the transaction open.
IMPORT_STEPS = """
import sys
from sqlalchemy import Engine, event
from mllens_tui.assessment import Answer
from mllens_tui.lens.registry import builtin_lens
from mllens_tui.snapshot import Snapshot
from mllens_tui.store import Store

lens = builtin_lens()
answers = {
    q.id: Answer(q.id, level=4, target=4, notes="imported " * 50, answered_by="import")
    for q in lens.questions
}
snapshot = Snapshot(lens.id, lens.version, lens.content_hash, "w", answers=answers)
store = Store.open(sys.argv[1])

def pause(conn, cursor, statement, parameters, context, executemany):
    if statement.split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
        print("statement", flush=True)
        sys.stdin.readline()

event.listen(Engine, "before_cursor_execute", pause)
store.import_snapshot(snapshot, lens)
print("imported", flush=True)
sys.stdin.readline()
"""

CONCURRENT = """
import os, sys, time
from mllens_tui.assessment import Answer
from mllens_tui.store import Store

url, go, questions = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
store = Store.open(url)
print("ready", flush=True)
while not os.path.exists(go):
    time.sleep(0.002)
for qid in questions:
    store.set_answer("w", Answer(qid, level=len(qid) % 5, answered_by=str(os.getpid())))
print("done", flush=True)
"""

# Acknowledges each write on stdout once set_answer has returned; the notes name the write.
WRITER = """
import os, sys, time
from mllens_tui.assessment import Answer
from mllens_tui.store import Store

url, go, number, writes = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
questions = sys.argv[5].split(",")
store = Store.open(url)
print("ready", flush=True)
while not os.path.exists(go):
    time.sleep(0.002)
for index in range(writes):
    qid = questions[(number * 7 + index) % len(questions)]
    note = f"writer {number} write {index}"
    store.set_answer("w", Answer(qid, level=index % 5, notes=note, answered_by=str(number)))
    print(note, flush=True)
store.close()
"""


def child(script: str, *args: str, stdin: bool = False) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def integrity(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    conn.close()
    return str(result)


def test_answers_reported_saved_survive_sigkill(db_url: str, ml_lens: Lens) -> None:
    path = Path(db_url.removeprefix("sqlite:///"))
    with Store.open(db_url) as store:
        store.create_workload("w", ml_lens)
    questions = [q.id for q in ml_lens.questions[:30]]
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    for attempt in range(2):
        proc = child(ANSWER_LOOP, db_url, ",".join(questions))
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()  # type: ignore[union-attr]
        first = proc.stdout.readline()  # the first answer saved: the kill lands mid-stream
        time.sleep(rng.uniform(0.0, 0.5))
        os.kill(proc.pid, signal.SIGKILL)
        rest, _ = proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        lines = (first + rest).splitlines()
        reported = [line.split() for line in lines if len(line.split()) == 2]

        last = {qid: int(rnd) for qid, rnd in reported}
        final_qid, final_round = reported[-1][0], int(reported[-1][1])
        index = questions.index(final_qid) + 1
        in_flight = (questions[index % len(questions)], final_round + index // len(questions))

        assert integrity(path) == "ok", f"seed {seed}, attempt {attempt}"
        with Store.open(db_url) as store:
            stored = store.answers("w")
            history = store.answer_history("w")
        for qid, rnd in last.items():
            answer = stored[qid]
            allowed = {(rnd % 5, f"round {rnd}")}
            if qid == in_flight[0]:  # written, maybe committed, but not yet reported
                allowed.add((in_flight[1] % 5, f"round {in_flight[1]}"))
            assert (answer.level, answer.notes) in allowed, (seed, attempt, qid)
        # every stored answer is the end of its own history: answer and history commit together
        for qid, answer in stored.items():
            notes = [c.new for c in history if c.question_id == qid and c.field == "notes"]
            assert notes[-1] == answer.notes, (seed, qid)


def test_a_killed_import_is_all_or_nothing(db_url: str, ml_lens: Lens) -> None:
    path = Path(db_url.removeprefix("sqlite:///"))
    with Store.open(db_url) as store:
        store.create_workload("w", ml_lens)
        for question in ml_lens.questions[:40]:
            store.set_answer("w", Answer(question.id, level=1))
        before = store.answers("w")
        history_before = len(store.answer_history("w"))
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    # The import runs 107 statements (40 updates, 65 inserts, the history, the workload): stop
    # before a random one in each half, and once after the import returned.
    stops = [rng.randint(1, 50), rng.randint(51, 106), None]
    for stop in stops:
        proc = child(IMPORT_STEPS, db_url, stdin=True)
        assert proc.stdin is not None and proc.stdout is not None
        statements = 0
        while True:
            line = proc.stdout.readline().strip()
            assert line, proc.stderr.read()  # type: ignore[union-attr]
            if line == "imported" or statements == stop:
                break
            statements += 1
            proc.stdin.write("go\n")
            proc.stdin.flush()
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
        assert integrity(path) == "ok", f"seed {seed}, stop {stop}"
        with Store.open(db_url) as store:
            after = store.answers("w")
            history = len(store.answer_history("w"))
        if line == "imported":
            assert len(after) == len(ml_lens.questions), (seed, stop)
            assert {a.level for a in after.values()} == {4}
            assert history > history_before
            with Store.open(db_url) as store:  # back to the state before, for the next round
                store.import_snapshot(replace(store.snapshot("w"), answers=before), ml_lens)
                history_before = len(store.answer_history("w"))
        else:
            assert after == before, f"seed {seed}: killed at statement {stop}, half imported"
            assert history == history_before


def test_two_processes_answer_one_workload_at_once(db_url: str, ml_lens: Lens) -> None:
    with Store.open(db_url) as store:
        store.create_workload("w", ml_lens)
    questions = [q.id for q in ml_lens.questions]
    halves = [questions[0::2], questions[1::2]]
    go = Path(db_url.removeprefix("sqlite:///")).parent / "go"
    procs = [child(CONCURRENT, db_url, str(go), ",".join(half)) for half in halves]
    for proc in procs:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()  # type: ignore[union-attr]
    go.touch()
    results = [proc.communicate(timeout=120) for proc in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in err.lower() and out.strip() == "done"
    with Store.open(db_url) as store:
        stored = store.answers("w")
        history = store.answer_history("w")
    assert set(stored) == set(questions)
    assert all(stored[q].level == len(q) % 5 for q in questions)
    writers = {a.answered_by for a in stored.values()}
    assert writers == {str(proc.pid) for proc in procs}
    # one revision per answer: no two transactions read the same workload revision
    assert sorted(c.revision for c in history if c.field == "level") == list(
        range(1, len(questions) + 1)
    )


def test_ten_processes_writing_at_once_all_succeed(db_url: str, ml_lens: Lens) -> None:
    """Ten writers, a hundred answers each, one file: SQLite's busy handler alone starves some
    writer past its timeout now and then; every write must still succeed, and every write a
    process acknowledged must be in the database."""
    with Store.open(db_url) as store:
        store.create_workload("w", ml_lens)
    questions = ",".join(q.id for q in ml_lens.questions)
    go = Path(db_url.removeprefix("sqlite:///")).parent / "go"
    writers, writes = 10, 100
    procs = [child(WRITER, db_url, str(go), str(n), str(writes), questions) for n in range(writers)]
    for proc in procs:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()  # type: ignore[union-attr]
    go.touch()
    results = [proc.communicate(timeout=300) for proc in procs]
    acknowledged: set[str] = set()
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in err.lower()
        acknowledged.update(out.splitlines())
    assert len(acknowledged) == writers * writes
    with Store.open(db_url) as store:
        history = store.answer_history("w")
    stored = {c.new for c in history if c.field == "notes"}
    assert acknowledged <= stored  # no acknowledged write was lost
    revisions = sorted({c.revision for c in history})
    assert revisions == list(range(1, len(revisions) + 1))
