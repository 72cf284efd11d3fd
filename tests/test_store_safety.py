"""Storage safety as a user meets it: a full disk mid-demo, damaged pages, a URL whose driver is
missing, symlinked and shared locations, and the modes of what mllens creates."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event

from mllens_tui.cli import main
from mllens_tui.demo import DEMO_NAME
from mllens_tui.lens.model import Lens
from mllens_tui.store import migrations

DEMO = "Fraud scoring (demo)"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def ok(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    return out


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def workload_names(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM workload ORDER BY name")]
    finally:
        conn.close()


# -- a full disk in the middle of a multi-step command ----------------------------------------


@pytest.fixture
def page_limit() -> Iterator[list[int]]:
    """Caps every new SQLite connection at a number of pages: SQLite then fails a write with
    SQLITE_FULL, the very error a full disk gives."""
    limit: list[int] = []

    def cap(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        if limit:
            dbapi_connection.execute(f"PRAGMA max_page_count = {limit[0]}")

    event.listen(Engine, "connect", cap)
    yield limit
    event.remove(Engine, "connect", cap)


def test_a_full_disk_mid_demo_leaves_no_half_made_workload(
    capsys: pytest.CaptureFixture[str], isolated_data: Path, page_limit: list[int]
) -> None:
    ok(capsys, "workload", "create", "kept")
    path = isolated_data / "mllens.db"
    pages = sqlite3.connect(path).execute("PRAGMA page_count").fetchone()[0]
    milestones_written: list[str] = []

    def watch(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.startswith("INSERT INTO milestone "):
            milestones_written.append(statement)

    page_limit.append(pages + 8)  # room for the first review and its milestone, not all three
    event.listen(Engine, "before_cursor_execute", watch)
    try:
        code, out, err = run(capsys, "demo", "--name", DEMO)
    finally:
        event.remove(Engine, "before_cursor_execute", watch)
    page_limit.clear()

    assert milestones_written, "the disk filled up before the demo wrote a milestone"
    assert code == 3, err
    assert "full" in err and "rolled back" in err and str(path) in err
    assert "Traceback" not in err and "Created demo" not in out
    assert workload_names(path) == ["kept"]
    assert integrity(path) == "ok"
    # Once there is room, the demo goes in whole.
    assert "3 milestones" in ok(capsys, "demo", "--name", DEMO)
    assert workload_names(path) == [DEMO, "kept"]


def test_the_demo_refuses_an_existing_name_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], isolated_data: Path
) -> None:
    ok(capsys, "demo", "--name", DEMO_NAME)
    before = (isolated_data / "mllens.db").read_bytes()
    code, _, err = run(capsys, "demo", "--name", DEMO_NAME)
    assert code == 1 and "exists already" in err
    assert (isolated_data / "mllens.db").read_bytes() == before


# -- damaged pages ----------------------------------------------------------------------------


def damage(path: Path) -> None:
    """Overwrite the first page of the milestones' answers, a page that answering a question
    never reads, in the middle of the file; the file's header stays intact."""
    conn = sqlite3.connect(path)
    try:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'milestone_answer'"
        ).fetchone()[0]
    finally:
        conn.close()
    assert root > 1
    with path.open("r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\xde\xad\xbe\xef" * (page_size // 4))


@pytest.fixture
def damaged(capsys: pytest.CaptureFixture[str], isolated_data: Path) -> Path:
    ok(capsys, "demo", "--name", DEMO)
    path = isolated_data / "mllens.db"
    assert not Path(f"{path}-wal").exists()  # every change is in the file itself
    damage(path)
    return path


def test_a_write_into_a_damaged_database_is_refused_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], damaged: Path
) -> None:
    before = damaged.read_bytes()
    code, out, err = run(capsys, "answer", DEMO, "MLOE-01", "2")
    assert code == 3, err
    assert f"{damaged} is damaged" in err and "mllens doctor" in err and "backup" in err
    backup = damaged.with_name("mllens.db.v0-20261201T000000Z.bak")
    backup.write_bytes(b"")
    code, _, err = run(capsys, "answer", DEMO, "MLOE-01", "2")
    assert code == 3 and f"restore the latest backup ({backup})" in err
    assert "Saved" not in out and "Traceback" not in err
    assert damaged.read_bytes() == before
    # Reads are refused too: nothing stale is shown as if it were whole.
    code, out, err = run(capsys, "workload", "list")
    assert code == 3 and DEMO not in out and "mllens doctor" in err
    assert damaged.read_bytes() == before


def test_doctor_reports_the_damage_and_recovers_into_a_new_file(
    capsys: pytest.CaptureFixture[str], damaged: Path, tmp_path: Path
) -> None:
    before = damaged.read_bytes()
    code, out, err = run(capsys, "doctor")
    assert code == 3, err
    assert str(damaged) in out and "DAMAGED" in out and "Page" in out
    assert "Mode      0600" in out and f"Schema    version {migrations.latest_version()}" in out
    assert "mllens doctor --recover" in out

    taken = tmp_path / "taken.db"
    taken.write_bytes(b"mine")
    code, _, err = run(capsys, "doctor", "--recover", str(taken))
    assert code == 1 and "never overwrites" in err
    assert taken.read_bytes() == b"mine"

    copy = tmp_path / "recovered.db"
    out = ok(capsys, "doctor", "--recover", str(copy))
    assert "salvaged" in out and str(copy) in out
    assert "milestone_answer        0 rows, part of the table could not be read" in out
    assert damaged.read_bytes() == before
    assert mode(copy) == 0o600 and integrity(copy) == "ok"
    listed = ok(capsys, "--db", f"sqlite:///{copy}", "workload", "list")
    assert DEMO in listed
    assert ok(capsys, "--db", f"sqlite:///{copy}", "answer", DEMO, "MLOE-01", "2")
    assert "Check     ok" in ok(capsys, "--db", f"sqlite:///{copy}", "doctor")


def test_doctor_on_a_whole_database(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    ok(capsys, "demo", "--name", DEMO)
    out = ok(capsys, "doctor")
    assert "Check     ok" in out and "Backup    none" in out
    backup = tmp_path / "data" / "mllens.db.v0-20261201T000000Z.bak"
    backup.write_bytes(b"")
    assert f"Backup    {backup} (" in ok(capsys, "doctor")
    copy = tmp_path / "copy.db"
    assert "VACUUM INTO" in ok(capsys, "doctor", "--recover", str(copy))
    milestones = ok(capsys, "--db", f"sqlite:///{copy}", "milestone", "list", DEMO)
    assert milestones == ok(capsys, "milestone", "list", DEMO)


# -- URLs of backends whose driver is not installed -------------------------------------------


def test_a_postgresql_url_without_its_driver_names_it_and_hides_the_password(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "postgresql://u:secret@h/db"
    for argv in (
        ("--db", url, "workload", "list"),
        ("--db", url, "answer", "w", "MLOE-01", "2"),
        ("--db", url, "doctor"),
    ):
        code, out, err = run(capsys, *argv)
        assert code in (1, 3), err
        assert "secret" not in out + err
        assert "u:***@h/db" in err
    code, out, err = run(capsys, "--db", url, "workload", "list")
    assert code == 3 and "pip install" in err and "psycopg" in err
    monkeypatch.setenv("MLLENS_DB", url)
    code, out, err = run(capsys, "workload", "create", "w")
    assert code == 3 and "secret" not in out + err and "pip install" in err


def test_a_url_of_an_unknown_backend(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", "foo://bar", "workload", "list")
    assert code == 3
    assert "'foo'" in err and "sqlite:///" in err and out == ""


# -- locations and modes ----------------------------------------------------------------------


def test_a_symlinked_database_path_creates_the_real_file_0600(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    real = tmp_path / "real" / "mllens.db"
    real.parent.mkdir()
    link = tmp_path / "link.db"
    link.symlink_to(real)  # dangling until the first command creates the database
    ok(capsys, "--db", f"sqlite:///{link}", "workload", "create", "w")
    assert link.is_symlink() and real.is_file()
    assert mode(real) == 0o600
    assert workload_names(real) == ["w"]


def test_a_symlink_into_another_users_directory_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    if os.geteuid() == 0:
        other = tmp_path / "other"
        other.mkdir()
        os.chown(other, 65534, 65534)
    else:  # a directory root owns stands for another user's
        other = Path("/usr/share")
    link = tmp_path / "link.db"
    link.symlink_to(other / "planted.db")
    code, _, err = run(capsys, "--db", f"sqlite:///{link}", "workload", "create", "w")
    assert code == 3, err
    assert "owned by another user" in err and str(other) in err
    assert not (other / "planted.db").exists()


def test_the_data_directory_is_private_whichever_command_makes_it(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    shared_lenses: Path,
) -> None:
    first = tmp_path / "home" / "share" / "mllens-tui"
    monkeypatch.setenv("MLLENS_DATA_DIR", str(first))
    monkeypatch.delenv("MLLENS_DB")
    ok(capsys, "lens", "import", str(shared_lenses / "Passport-Custom-Lens.json"))
    assert mode(first) == 0o700 and mode(first / "lenses") == 0o700
    assert mode(first.parent) == 0o700  # every level mllens had to make

    second = tmp_path / "elsewhere" / "mllens-tui"
    monkeypatch.setenv("MLLENS_DATA_DIR", str(second))
    ok(capsys, "workload", "create", "w")
    assert mode(second) == 0o700 and mode(second / "mllens.db") == 0o600


# -- a writer that lost the race for the lock -------------------------------------------------


def test_a_write_that_timed_out_on_the_lock_is_tried_again(db_url: str, ml_lens: Lens) -> None:
    from mllens_tui.assessment import Answer
    from mllens_tui.store import Store

    path = Path(db_url.removeprefix("sqlite:///"))
    with Store.open(db_url) as store:
        store.create_workload("w", ml_lens)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    timeouts: list[str] = []

    def release(context: Any) -> None:
        # The first BEGIN IMMEDIATE gave up waiting: the other writer finishes now.
        timeouts.append(str(context.original_exception))
        if holder.in_transaction:
            holder.execute("ROLLBACK")

    event.listen(Engine, "handle_error", release)
    try:
        with Store.open(db_url, busy_timeout=0.05) as store:
            store.set_answer("w", Answer("MLOE-01", level=3))
            assert store.answers("w")["MLOE-01"].level == 3
    finally:
        event.remove(Engine, "handle_error", release)
        holder.close()
    assert timeouts and "locked" in timeouts[0]
