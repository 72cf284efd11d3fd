"""Several writers on one database: the change counter and log every open app polls, the
revision guard that refuses a stale answer, and ten real processes answering at once."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mllens_tui.assessment import Answer
from mllens_tui.lens.model import Lens
from mllens_tui.store.errors import StaleAnswer
from mllens_tui.store.service import Store


def test_every_write_moves_the_counter_and_says_who_changed_what(
    db_url: str, ml_lens: Lens
) -> None:
    with Store.open(db_url) as mine, Store.open(db_url) as theirs:
        mine.create_workload("w", ml_lens)
        seen = theirs.change_counter()
        mine.set_answer("w", Answer("MLOE-02", level=1, answered_by="bob"))
        assert theirs.change_counter() == seen + 1
        changes = theirs.changes_since(seen)
        assert [c.text for c in changes] == ["bob set MLOE-02 to level 1"]
        assert changes[0].workload == "w" and changes[0].question_id == "MLOE-02"
        seen = theirs.change_counter()
        mine.create_milestone("w", "M1", ml_lens, by="ann")
        mine.clear_answer("w", "MLOE-02", by="cy")
        mine.rename_workload("w", "v", by="ann")
        mine.delete_workload("v", by="ann")
        assert [c.text for c in theirs.changes_since(seen)] == [
            "ann saved milestone 'M1' of 'w'",
            "cy cleared MLOE-02",
            "ann renamed workload 'w' to 'v'",
            "ann deleted workload 'v' (to the trash)",
        ]
        # A write that changes nothing is not a change.
        before = theirs.change_counter()
        mine.create_workload("x", ml_lens)
        mine.set_answer("x", Answer("MLOE-01", level=2, answered_by="a"))
        stored = mine.answers("x")["MLOE-01"]
        mine.set_answer("x", stored)
        assert theirs.change_counter() == before + 2


def test_a_stale_answer_is_refused_with_what_is_stored_now(db_url: str, ml_lens: Lens) -> None:
    with Store.open(db_url) as store:
        store.create_workload("w", ml_lens)
        seen = store.answer_state("w", "MLOE-01")
        assert seen.answer is None and seen.revision == 0
        first = store.save_answer("w", Answer("MLOE-01", level=2, answered_by="alice"))
        assert first.revision == 1
        with pytest.raises(StaleAnswer) as info:
            store.save_answer(
                "w", Answer("MLOE-01", level=4, answered_by="bob"), expect_revision=seen.revision
            )
        assert info.value.revision == 1 and info.value.exit_code == 1
        assert isinstance(info.value.current, Answer) and info.value.current.level == 2
        assert "by alice" in info.value.message and "--expect-revision 1" in info.value.message
        assert store.answers("w")["MLOE-01"].level == 2
        assert len(store.answer_history("w", "MLOE-01")) == 1
        # Cleared since: the revision still moves on, so "unanswered" at 0 stays stale.
        store.clear_answer("w", "MLOE-01", by="alice", expect_revision=1)
        with pytest.raises(StaleAnswer):
            store.save_answer("w", Answer("MLOE-01", level=1), expect_revision=0)
        assert store.save_answer("w", Answer("MLOE-01", level=1), expect_revision=2).revision == 3


def test_old_databases_gain_the_counter_on_upgrade(tmp_path: Path, ml_lens: Lens) -> None:
    from sqlalchemy import create_engine

    from mllens_tui.store import migrations

    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        migrations.MIGRATIONS[0].apply(conn)
        conn.exec_driver_sql("INSERT INTO mllens_schema (id, version) VALUES (1, 1)")
    engine.dispose()
    with Store.open(f"sqlite:///{path}") as store:
        assert store.schema_version == migrations.latest_version()
        assert store.change_counter() == 0
        store.create_workload("w", ml_lens)
        assert store.change_counter() == 1


def _mllens(*argv: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "mllens_tui", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )


REVISION = re.compile(r"revision (\d+)\)")


def test_ten_processes_answering_the_same_questions(db_url: str, ml_lens: Lens) -> None:
    """Every write either succeeds or is refused as stale; two writers that saw the same
    revision never both succeed; the stored answer is the last acknowledged one."""
    with Store.open(db_url) as store:
        store.create_workload("w", ml_lens)
    questions = ["MLOE-01", "MLOE-02"]
    known = {p: 0 for p in range(10)}  # the revision each process last saw
    wins: dict[str, list[tuple[int, int]]] = {q: [] for q in questions}  # (revision, level)
    for round_ in range(2):
        procs = {}
        for p in range(10):
            question, level = questions[p % 2], (p + round_) % 5
            procs[p] = (
                question,
                level,
                known[p],
                _mllens(
                    "answer",
                    "w",
                    question,
                    str(level),
                    "--by",
                    f"p{p}",
                    "--expect-revision",
                    str(known[p]),
                ),
            )
        winners_by_expected: dict[tuple[str, int], int] = {}
        for p, (question, level, expected, proc) in procs.items():
            out, err = proc.communicate(timeout=120)
            if proc.returncode == 0:
                revision = int(REVISION.search(out).group(1))  # type: ignore[union-attr]
                if revision != expected:  # else it gave the level already stored: no change
                    wins[question].append((revision, level))
                    key = (question, expected)
                    winners_by_expected[key] = winners_by_expected.get(key, 0) + 1
            else:
                assert proc.returncode == 1, err
                assert "changed since revision" in err and "Nothing was written" in err
                revision = int(REVISION.search(err).group(1))  # type: ignore[union-attr]
            known[p] = revision
        assert all(count == 1 for count in winners_by_expected.values()), winners_by_expected
    with Store.open(db_url) as store:
        answers = store.answers("w")
        for question in questions:
            history = {
                c.revision for c in store.answer_history("w", question) if c.field == "level"
            }
            revisions = sorted(r for r, _ in wins[question])
            assert len(set(revisions)) == len(revisions)
            assert history == set(revisions) and revisions
            assert answers[question].level == max(wins[question])[1]
