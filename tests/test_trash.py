"""Deleted workloads wait in a trash for 30 days: gone from every listing, restorable with
everything, their name free for a new workload, purged after 30 days."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mllens_tui.assessment import Answer, Ownership
from mllens_tui.cli import main
from mllens_tui.lens.model import Lens
from mllens_tui.snapshot import dumps
from mllens_tui.store import Store, rows
from mllens_tui.store.errors import AlreadyExists, NotFound

START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def ok(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    return out


class Clock:
    """The store's clock (``rows._now``), moved by the test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = START
        monkeypatch.setattr(rows, "_now", lambda: self.now)

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


def _full_workload(store: Store, lens: Lens, name: str = "fraud") -> None:
    store.create_workload(name, lens, description="Card fraud", environment="prod")
    store.set_answer(name, Answer("MLOE-01", level=1, notes="no runbook", evidence="wiki"))
    store.set_answer(name, Answer("MLOE-02", level=3))
    store.set_ownership(name, "MLOE-01", Ownership("Ana", datetime(2027, 3, 31).date()))
    store.create_milestone(name, "Q4", lens)
    store.set_answer(name, Answer("MLOE-02", level=4))


def test_delete_then_restore_gives_back_identical_export_bytes(
    capsys: pytest.CaptureFixture[str], db_url: str, ml_lens: Lens, clock: Clock
) -> None:
    with Store.open(db_url) as store:
        _full_workload(store, ml_lens)
        before = dumps(store.snapshot("fraud"), ml_lens)
        milestone = dumps(store.milestone_snapshot("fraud", "Q4"), ml_lens)
        changes = store.answer_history("fraud")
    out = ok(capsys, "workload", "delete", "fraud", "--yes")
    assert "restore it within 30 days with: mllens workload restore fraud" in out
    assert "No workloads yet" in ok(capsys, "workload", "list")
    code, _, err = run(capsys, "export", "fraud")
    assert code == 1 and "no workload named 'fraud'" in err

    clock.advance(days=3, hours=1)
    listing = ok(capsys, "workload", "trash")
    assert "fraud" in listing and "2026-11-01 09:00:00" in listing
    assert " 27 " in listing  # days left, rounded up
    trashed = json.loads(ok(capsys, "workload", "trash", "--json"))
    assert trashed[0]["name"] == "fraud" and trashed[0]["days_left"] == 27
    assert trashed[0]["milestones"] == 1 and trashed[0]["answered"] == 2

    out = ok(capsys, "workload", "restore", "fraud")
    assert "Restored workload 'fraud' with 2 answers and 1 milestones" in out
    assert "The trash is empty." in ok(capsys, "workload", "trash")
    with Store.open(db_url) as store:
        assert dumps(store.snapshot("fraud"), ml_lens) == before
        assert dumps(store.milestone_snapshot("fraud", "Q4"), ml_lens) == milestone
        assert store.answer_history("fraud") == changes


def test_a_new_workload_takes_a_trashed_name_and_restore_then_needs_another(
    capsys: pytest.CaptureFixture[str], db_url: str, ml_lens: Lens
) -> None:
    with Store.open(db_url) as store:
        _full_workload(store, ml_lens)
        store.delete_workload("fraud")
        store.create_workload("fraud", ml_lens, description="second")
        assert [w.description for w in store.list_workloads()] == ["second"]
    code, _, err = run(capsys, "workload", "restore", "fraud")
    assert code == 1
    assert "a workload named 'fraud' exists already" in err
    assert "mllens workload restore fraud --as NEW_NAME" in err
    code, _, err = run(capsys, "workload", "restore", "fraud", "--as", "bad\tname")
    assert code == 1 and "control character" in err
    out = ok(capsys, "workload", "restore", "fraud", "--as", "fraud (old)")
    assert "Restored workload 'fraud' as 'fraud (old)'" in out
    with Store.open(db_url) as store:
        assert {w.name: w.description for w in store.list_workloads()} == {
            "fraud": "second",
            "fraud (old)": "Card fraud",
        }
        assert store.answers("fraud") == {}
        assert store.answers("fraud (old)")["MLOE-01"].notes == "no runbook"
        assert store.plan_owners("fraud (old)")["MLOE-01"].owner == "Ana"


def test_restore_of_a_name_not_in_the_trash_says_so(
    capsys: pytest.CaptureFixture[str], db_url: str, ml_lens: Lens
) -> None:
    with Store.open(db_url) as store:
        store.create_workload("fraud", ml_lens)
    code, _, err = run(capsys, "workload", "restore", "fraud")
    assert code == 1 and "no workload named 'fraud' in the trash" in err
    code, _, err = run(capsys, "workload", "restore", "nothing")
    assert code == 1 and "no workload named 'nothing' in the trash" in err


def test_trashed_workloads_are_purged_after_30_days_at_the_next_write(
    db_url: str, ml_lens: Lens, clock: Clock
) -> None:
    with Store.open(db_url) as store:
        _full_workload(store, ml_lens, "old")
        store.delete_workload("old")
        clock.advance(days=20)
        _full_workload(store, ml_lens, "recent")
        store.delete_workload("recent")
    clock.advance(days=10, seconds=1)
    with Store.open(db_url) as store:
        # Reading purges nothing; the first write of a Store does.
        assert [t.name for t in store.trash()] == ["recent", "old"]
        assert [t.days_left for t in store.trash()] == [20, 0]
        store.create_workload("other", ml_lens)
        assert [t.name for t in store.trash()] == ["recent"]
        with pytest.raises(NotFound):
            store.restore_workload("old")
    path = Path(db_url.removeprefix("sqlite:///"))
    with sqlite3.connect(path) as conn:
        names = {r[0] for r in conn.execute("SELECT coalesce(deleted_name, name) FROM workload")}
        assert names == {"recent", "other"}
        milestones = conn.execute("SELECT count(*) FROM milestone").fetchone()
        assert milestones == (1,)  # the recent one's


def test_trash_empty_purges_everything_now(
    capsys: pytest.CaptureFixture[str], db_url: str, ml_lens: Lens
) -> None:
    with Store.open(db_url) as store:
        _full_workload(store, ml_lens, "a")
        _full_workload(store, ml_lens, "b")
        store.delete_workload("a")
    out = ok(capsys, "workload", "trash", "--empty")
    assert "Emptied the trash: deleted 1 workload for good." in out
    assert "The trash is empty." in ok(capsys, "workload", "trash")
    with Store.open(db_url) as store:
        assert [w.name for w in store.list_workloads()] == ["b"]
        with pytest.raises(AlreadyExists):
            store.create_workload("b", ml_lens)
