"""Schema versions and storage failures: each gives a clear error and leaves the file as it was."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlmodel import SQLModel

from mllens_tui.assessment import Answer
from mllens_tui.cli import main
from mllens_tui.lens.model import Lens
from mllens_tui.snapshot import Snapshot, dumps
from mllens_tui.store import Store, migrations
from mllens_tui.store import tables as _tables  # noqa: F401 - registers the SQLModel tables
from mllens_tui.store.errors import (
    DatabaseCorrupt,
    DatabaseLocked,
    SchemaTooNew,
    StorageFull,
)


def make_db(path: Path, lens: Lens, answers: int = 10) -> str:
    url = f"sqlite:///{path}"
    with Store.open(url) as store:
        store.create_workload("w", lens)
        for question in lens.questions[:answers]:
            store.set_answer("w", Answer(question.id, level=2))
        store.create_milestone("w", "m", lens)
    return url


def fingerprint(path: Path) -> tuple[bytes, int, list[str]]:
    return path.read_bytes(), path.stat().st_mtime_ns, sorted(os.listdir(path.parent))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


# -- the schema ----------------------------------------------------------------------------------


def _shape(engine: Engine) -> dict[str, object]:
    found = inspect(engine)
    shape: dict[str, object] = {}
    for name in sorted(found.get_table_names()):
        shape[name] = {
            "columns": [
                (c["name"], type(c["type"]).__name__, c["nullable"])
                for c in found.get_columns(name)
            ],
            "pk": found.get_pk_constraint(name)["constrained_columns"],
            "fks": sorted(
                (tuple(f["constrained_columns"]), f["referred_table"], f["options"].get("ondelete"))
                for f in found.get_foreign_keys(name)
            ),
            "unique": sorted(tuple(u["column_names"]) for u in found.get_unique_constraints(name)),
            "indexes": sorted(
                (i["name"], tuple(i["column_names"])) for i in found.get_indexes(name)
            ),
        }
    return shape


def test_migrations_build_exactly_the_sqlmodel_tables(tmp_path: Path) -> None:
    migrated = create_engine(f"sqlite:///{tmp_path / 'migrated.db'}")
    with migrated.begin() as conn:
        migrations.upgrade(conn, 0)
    declared = create_engine(f"sqlite:///{tmp_path / 'declared.db'}")
    SQLModel.metadata.create_all(declared)
    assert _shape(migrated) == _shape(declared)
    assert migrations.latest_version() == len(migrations.MIGRATIONS)
    assert [m.version for m in migrations.MIGRATIONS] == list(
        range(1, len(migrations.MIGRATIONS) + 1)
    )


def _add_reviewer(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE answer ADD COLUMN reviewed_by VARCHAR"))


def _broken(conn: Connection) -> None:
    conn.execute(text("CREATE TABLE half_done (x INTEGER)"))
    raise RuntimeError("migration bug")


def test_older_schema_is_upgraded_after_a_backup(
    tmp_path: Path, ml_lens: Lens, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "mllens.db"
    url = make_db(path, ml_lens)
    now = migrations.latest_version()
    with Store.open(url) as store:
        before = dumps(store.snapshot("w"), ml_lens)
        milestone = dumps(store.milestone_snapshot("w", "m"), ml_lens)
        assert store.backup_path is None
    monkeypatch.setattr(
        migrations,
        "MIGRATIONS",
        (*migrations.MIGRATIONS, migrations.Migration(now + 1, "answer reviewer", _add_reviewer)),
    )
    with Store.open(url) as store:
        backup = store.backup_path
        assert store.schema_version == now + 1
        assert dumps(store.snapshot("w"), ml_lens) == before
        assert dumps(store.milestone_snapshot("w", "m"), ml_lens) == milestone
    assert backup is not None and backup.parent == path.parent
    assert backup.name.startswith(f"mllens.db.v{now}-") and backup.suffix == ".bak"
    assert oct(backup.stat().st_mode & 0o777) == "0o600"
    with sqlite3.connect(backup) as old:
        assert old.execute("SELECT version FROM mllens_schema").fetchone() == (now,)
        assert old.execute("SELECT count(*) FROM answer").fetchone() == (10,)
        columns = [row[1] for row in old.execute("PRAGMA table_info(answer)")]
        assert "reviewed_by" not in columns
    with sqlite3.connect(path) as new:
        assert "reviewed_by" in [row[1] for row in new.execute("PRAGMA table_info(answer)")]
    with Store.open(url) as store:  # already upgraded: no second backup
        assert store.backup_path is None


def test_a_failing_upgrade_changes_nothing(
    tmp_path: Path, ml_lens: Lens, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "mllens.db"
    url = make_db(path, ml_lens)
    now = migrations.latest_version()
    monkeypatch.setattr(
        migrations,
        "MIGRATIONS",
        (*migrations.MIGRATIONS, migrations.Migration(now + 1, "broken", _broken)),
    )
    with pytest.raises(RuntimeError, match="migration bug"):
        Store.open(url)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version FROM mllens_schema").fetchone() == (now,)
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "half_done" not in names
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_newer_schema_is_refused_and_left_untouched(
    tmp_path: Path, ml_lens: Lens, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mllens.db"
    url = make_db(path, ml_lens)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE mllens_schema SET version = 99")
    conn.close()
    before = fingerprint(path)
    with pytest.raises(SchemaTooNew) as info:
        Store.open(url)
    assert info.value.exit_code == 3
    assert str(path) in info.value.message and "schema version 99" in info.value.message
    assert "Nothing was changed" in info.value.message
    code, out, err = run(capsys, "--db", url, "answer", "w", "MLOE-01", "3")
    assert code == 3 and out == ""
    assert "newer mllens-tui" in err and "Traceback" not in err
    assert fingerprint(path) == before


# -- unreadable files ----------------------------------------------------------------------------


def test_a_file_that_is_not_a_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mllens.db"
    path.write_bytes(b"these are my notes, not a database\n" * 200)
    before = fingerprint(path)
    with pytest.raises(DatabaseCorrupt):
        Store.open(f"sqlite:///{path}")
    code, _, err = run(capsys, "--db", f"sqlite:///{path}", "workload", "list")
    assert code == 3
    assert f"mllens: {path} is damaged or is not an mllens database" in err
    assert "file is not a database" in err and "restore a backup" in err
    assert fingerprint(path) == before


def test_a_damaged_database(
    tmp_path: Path, ml_lens: Lens, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mllens.db"
    make_db(path, ml_lens, answers=105)
    page = 4096
    with path.open("r+b") as handle:
        for number in range(2, path.stat().st_size // page):
            handle.seek((number - 1) * page)
            handle.write(b"\xff" * 64)
    code, _, err = run(capsys, "--db", f"sqlite:///{path}", "export", "w")
    assert code == 3
    assert "malformed" in err and str(path) in err and "Traceback" not in err


def test_another_programs_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "theirs.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY)")
    conn.close()
    before = fingerprint(path)
    code, _, err = run(capsys, "--db", f"sqlite:///{path}", "workload", "list")
    assert code == 3
    assert "not an mllens-tui one (it holds the tables customers)" in err
    assert fingerprint(path) == before


# -- locked, full, read-only ---------------------------------------------------------------------


def test_a_database_locked_past_the_timeout(tmp_path: Path, ml_lens: Lens) -> None:
    path = tmp_path / "mllens.db"
    url = make_db(path, ml_lens)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with Store.open(url, busy_timeout=0.2) as store:
            assert store.get_workload("w").answered_count == 10  # readers are not blocked
            with pytest.raises(DatabaseLocked) as info:
                store.set_answer("w", Answer("MLREL-01", level=4))
            assert str(path) in info.value.message and "try again" in info.value.message
            holder.execute("ROLLBACK")
            store.set_answer("w", Answer("MLREL-01", level=4))
            assert store.get_workload("w").answered_count == 11
    finally:
        holder.close()


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


def test_a_full_disk_rolls_the_import_back(
    tmp_path: Path, ml_lens: Lens, page_limit: list[int]
) -> None:
    path = tmp_path / "mllens.db"
    url = make_db(path, ml_lens)
    with Store.open(url) as store:
        before = store.snapshot("w")
        history = store.answer_history("w")
    pages = sqlite3.connect(path).execute("PRAGMA page_count").fetchone()[0]
    page_limit.append(pages + 2)
    big = {q.id: Answer(q.id, level=4, notes="long notes " * 300) for q in ml_lens.questions}
    snapshot = Snapshot(ml_lens.id, ml_lens.version, ml_lens.content_hash, "w", answers=big)
    with Store.open(url) as store:
        with pytest.raises(StorageFull) as info:
            store.import_snapshot(snapshot, ml_lens)
        assert "full" in info.value.message and info.value.exit_code == 3
        assert store.snapshot("w") == before
        assert store.answer_history("w") == history
    page_limit.clear()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def _read_only(directory: Path, argv: list[str]) -> subprocess.CompletedProcess[str]:
    """Run mllens with ``directory`` read-only for it.

    Not as root, that is what chmod does. Root ignores permission bits, so there the command
    runs in a private mount namespace where ``directory`` is bind-mounted read-only: a write
    fails with EROFS whatever the user.
    """
    command = [sys.executable, "-m", "mllens_tui", *argv]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    if os.geteuid() != 0:
        directory.chmod(0o555)
        try:
            return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
        finally:
            directory.chmod(0o755)
    script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" "$1" && shift && exec "$@"'
    wrapped = ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh"]
    probe = (
        subprocess.run([*wrapped, str(directory), "true"], capture_output=True, text=True)
        if shutil.which("unshare")
        else None
    )
    if probe is None or probe.returncode != 0:
        reason = probe.stderr.strip() if probe is not None else "unshare is not installed"
        pytest.skip(
            "running as root, where chmod cannot make a directory read-only, and a read-only "
            f"bind mount is not possible here: {reason}"
        )
    return subprocess.run(
        [*wrapped, str(directory), *command], capture_output=True, text=True, env=env, timeout=60
    )


@pytest.mark.slow
def test_a_read_only_directory(tmp_path: Path, ml_lens: Lens) -> None:
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    result = _read_only(fresh, ["--db", f"sqlite:///{fresh / 'mllens.db'}", "workload", "list"])
    assert result.returncode == 3, result.stderr
    assert f"{fresh / 'mllens.db'} cannot be created or written" in result.stderr
    assert "read-only" in result.stderr and "Traceback" not in result.stderr
    assert list(fresh.iterdir()) == []

    existing = tmp_path / "existing"
    existing.mkdir()
    path = existing / "mllens.db"
    url = make_db(path, ml_lens)
    before = fingerprint(path)
    result = _read_only(existing, ["--db", url, "answer", "w", "MLOE-01", "4"])
    assert result.returncode == 3, result.stderr
    assert str(path) in result.stderr and "read-only" in result.stderr
    assert "Traceback" not in result.stderr
    assert fingerprint(path) == before


def test_a_path_through_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run(capsys, "--db", f"sqlite:///{blocker / 'mllens.db'}", "workload", "list")
    assert code == 3
    assert "cannot be used (Not a directory)" in err


def test_a_url_that_is_not_a_url(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", "not a url", "workload", "list")
    assert code == 1 and "is not a database URL" in err
