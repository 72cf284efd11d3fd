"""``mllens doctor``: check a SQLite database thoroughly and copy what is readable out of a
damaged one, without ever writing to it.

``engine.open_database`` refuses a damaged file after a quick check; this is the way out it
points to. ``examine`` runs SQLite's full ``integrity_check`` on a read-only connection and
gathers what a user needs to decide (the file, its mode, its schema version, the latest
backup). ``recover`` writes a new file, never an existing one: ``VACUUM INTO`` when the
database is whole, else a fresh database of the current schema filled table by table with every
row that can still be read; rows that lost their workload or milestone are left out.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from mllens_tui.store import migrations
from mllens_tui.store.engine import backups
from mllens_tui.store.errors import (
    AlreadyExists,
    InvalidInput,
    StorageUnavailable,
    mask_password,
    translate,
)

# Parents before children, so that a row's workload or milestone is copied before it.
TABLES = (
    "workload",
    "answer",
    "answer_change",
    "milestone",
    "milestone_answer",
    "plan_item",
    "change_log",
    "workshop",
    "ballot",
    "workshop_question",
)
# Rows whose parent row was lost with a damaged page: (table, column, parent table).
PARENTS = (
    ("answer", "workload_id", "workload"),
    ("answer_change", "workload_id", "workload"),
    ("milestone", "workload_id", "workload"),
    ("milestone_answer", "milestone_id", "milestone"),
    ("plan_item", "workload_id", "workload"),
    ("workshop", "workload_id", "workload"),
    ("ballot", "workshop_id", "workshop"),
    ("workshop_question", "workshop_id", "workshop"),
)
CHUNK = 256
MAX_FINDINGS = 100


@dataclass(frozen=True)
class Examination:
    """What ``mllens doctor`` shows about one database file."""

    path: Path
    mode: int
    owner: int
    size: int
    schema_version: int | None
    findings: tuple[str, ...]
    backups: tuple[Path, ...]

    @property
    def healthy(self) -> bool:
        return not self.findings

    @property
    def latest_backup(self) -> Path | None:
        return self.backups[-1] if self.backups else None


@dataclass
class Recovery:
    """What ``recover`` copied: rows per table, tables with unreadable parts, rows left out."""

    target: Path
    whole: bool
    copied: dict[str, int] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)
    orphans: dict[str, int] = field(default_factory=dict)


def database_file(url: str) -> Path:
    """The SQLite file behind ``url``; doctor checks files, not servers or memory."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InvalidInput(mask_password(f"{url!r} is not a database URL")) from None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        raise InvalidInput(
            f"mllens doctor checks SQLite database files; {mask_password(url)} is not one"
        )
    return Path(os.path.realpath(Path(parsed.database or "").expanduser()))


def _read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot write ``path``, and does not create it when it is missing."""
    if not path.is_file():
        raise StorageUnavailable(f"{path} does not exist or is not a file; nothing to check")
    return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)


def examine(url: str) -> Examination:
    """Run the full ``PRAGMA integrity_check`` on the database at ``url``, read-only."""
    path = database_file(url)
    conn = _read_only(path)
    try:
        findings = _check(conn, MAX_FINDINGS)
        try:
            version = conn.execute(f"SELECT max(version) FROM {migrations.VERSION_TABLE}")
            value = version.fetchone()[0]
            schema_version = value if isinstance(value, int) else None
        except sqlite3.DatabaseError:
            schema_version = None
    finally:
        conn.close()
    info = path.stat()
    return Examination(
        path=path,
        mode=stat.S_IMODE(info.st_mode),
        owner=info.st_uid,
        size=info.st_size,
        schema_version=schema_version,
        findings=findings,
        backups=backups(path),
    )


def _check(conn: sqlite3.Connection, limit: int) -> tuple[str, ...]:
    """The findings of ``PRAGMA integrity_check``, without "ok" and SQLite's "*** in database
    main ***" heads.

    Past a page it cannot parse, the check fails as a whole ("malformed") when asked for more
    than one finding; asked for one, it names the page. So a failure is followed by a second
    check for the first finding.
    """
    lines: list[str] = []
    try:
        cursor = conn.execute(f"PRAGMA integrity_check({limit})")
        for row in iter(cursor.fetchone, None):
            lines.extend(str(row[0]).splitlines())
    except sqlite3.DatabaseError as exc:
        if limit > 1 and not lines:
            lines.extend(_check(conn, 1))
        lines.append(str(exc))
    found = (line for line in lines if line != "ok" and not line.startswith("***"))
    return tuple(dict.fromkeys(found))


def _new_file(target: Path) -> None:
    try:
        fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        raise AlreadyExists(
            f"{target} exists already; mllens doctor never overwrites a file. Choose a new name."
        ) from None
    os.close(fd)


def recover(url: str, target: Path) -> Recovery:
    """Copy what is readable of the database at ``url`` into the new file ``target`` (0600).

    The damaged file is only read. ``target`` must not exist. Raises StoreError subclasses.
    """
    path = database_file(url)
    target = Path(os.path.realpath(target.expanduser()))
    if target == path:
        raise InvalidInput(f"{target} is the database itself; recover into a new file")
    whole = examine(url).healthy
    _new_file(target)
    try:
        if whole:
            source = _read_only(path)
            try:
                source.execute("VACUUM INTO ?", (str(target),))
            finally:
                source.close()
            result = Recovery(target, whole=True)
            check = sqlite3.connect(target)
            try:
                for table in TABLES:
                    count = check.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                    result.copied[table] = int(count)
            finally:
                check.close()
        else:
            result = _salvage(path, target)
        with target.open("rb") as handle:
            os.fsync(handle.fileno())
        return result
    except BaseException as exc:
        target.unlink(missing_ok=True)
        if isinstance(exc, sqlite3.Error | OSError):
            raise translate(exc, str(target), target) from exc
        raise


def _salvage(path: Path, target: Path) -> Recovery:
    """A fresh database of the current schema, filled with every row that still reads."""
    from mllens_tui.store.engine import open_database

    fresh = open_database(f"sqlite:///{target}")
    fresh.engine.dispose()
    result = Recovery(target, whole=False)
    source = _read_only(path)
    out = sqlite3.connect(target, isolation_level=None)
    try:
        out.execute("PRAGMA foreign_keys = OFF")
        out.execute("BEGIN IMMEDIATE")
        for table in TABLES:
            columns = [r[1] for r in out.execute(f"PRAGMA table_info({table})")]
            copied, whole = _copy_table(source, out, table, columns)
            result.copied[table] = copied
            if not whole:
                result.unreadable.add(table)
        for table, column, parent in PARENTS:
            dropped = out.execute(
                f"DELETE FROM {table} WHERE {column} NOT IN (SELECT id FROM {parent})"
            ).rowcount
            result.orphans[table] = dropped
            result.copied[table] -= dropped
        # The counter goes on from the last recorded change, so open apps see the next one.
        out.execute(
            "UPDATE change_counter SET counter = (SELECT coalesce(max(counter), 0) FROM change_log)"
        )
        out.execute("COMMIT")
    finally:
        source.close()
        out.close()
    return result


def _rows(source: sqlite3.Connection, query: str, low: int, high: int) -> list[tuple[object, ...]]:
    return source.execute(query, (low, high)).fetchall()


def _copy_table(
    source: sqlite3.Connection, out: sqlite3.Connection, table: str, columns: list[str]
) -> tuple[int, int]:
    """Copy ``table`` by rowid ranges, then row by row inside a range that fails to read.

    A damaged leaf page loses only its own rows: other ranges are reached through the intact
    interior pages. Returns the rows copied and whether every range could be read.
    """
    whole = True
    try:
        high = source.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0
    except sqlite3.DatabaseError:
        # The right-most page is damaged: bound the scan by what the file could hold.
        high = source.execute("PRAGMA page_count").fetchone()[0] * 200
        whole = False
    names = ", ".join(columns)
    query = f"SELECT {names} FROM {table} WHERE rowid BETWEEN ? AND ? ORDER BY rowid"
    insert = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' for _ in columns)})"
    copied = 0
    for low in range(1, high + 1, CHUNK):
        try:
            rows = _rows(source, query, low, min(high, low + CHUNK - 1))
        except sqlite3.DatabaseError:
            rows = []
            for rowid in range(low, min(high, low + CHUNK - 1) + 1):
                try:
                    rows.extend(_rows(source, query, rowid, rowid))
                except sqlite3.DatabaseError:
                    whole = False
        out.executemany(insert, rows)
        copied += len(rows)
    return copied, whole


def describe_mode(mode: int) -> str:
    return f"{mode:04o}" + ("" if mode & 0o077 == 0 else " (others can read it: chmod 600)")


def modified(path: Path) -> str:
    return f"{datetime.fromtimestamp(path.stat().st_mtime, UTC):%Y-%m-%d %H:%M:%S} UTC"
