"""Engines, made by a function from a URL (never at import time), and the opening sequence.

SQLite is set up so that two processes can share one file and an answer, once reported saved,
survives a crash:

* WAL journal (readers never block the writer), ``synchronous=FULL`` (a commit is on disk, not
  only in the OS cache, before the call returns), foreign keys on, a busy timeout.
* pysqlite's own transaction handling is switched off and the engine emits ``BEGIN`` itself:
  plain ``BEGIN`` for reads (one consistent snapshot for several SELECTs) and ``BEGIN
  IMMEDIATE`` for writes. A deferred transaction that reads and then writes can fail at once
  with "database is locked" when another process wrote in between, whatever the timeout;
  taking the write lock first makes it wait its turn instead.

Opening (``open_database``): create the directory (0700) and the file (0600) when missing, read
the schema version without writing, refuse a newer one, switch on WAL, back the file up beside
itself when it is older, then upgrade in one write transaction.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.pool import StaticPool

from mllens_tui.store import migrations
from mllens_tui.store.errors import (
    DatabaseCorrupt,
    InvalidInput,
    SchemaTooNew,
    StoreError,
    translate,
)

BEGIN_OPTION = "mllens_begin"
DEFAULT_BUSY_TIMEOUT = 10.0


@dataclass(frozen=True)
class Database:
    """An opened database: the engines for reads and writes, and how to name it in messages."""

    engine: Engine
    write_engine: Engine
    where: str
    path: Path | None
    memory: bool
    version: int
    backup: Path | None = None


def _sqlite_file(url: URL) -> Path | None:
    """The file behind a SQLite URL, or None for an in-memory database."""
    database = url.database or ""
    if database in ("", ":memory:") or url.query.get("mode") == "memory":
        return None
    return Path(database).expanduser()


def make_engine(url: str | URL, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> Engine:
    """An engine for ``url``. For SQLite: the pragmas and BEGIN handling described above."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    memory = _sqlite_file(parsed) is None
    kwargs: dict[str, Any] = {
        "connect_args": {"timeout": busy_timeout, "check_same_thread": False},
    }
    if memory:
        kwargs["poolclass"] = StaticPool
    engine = create_engine(parsed, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, see module doc
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            cursor.execute("PRAGMA synchronous = FULL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql(conn.get_execution_options().get(BEGIN_OPTION, "BEGIN"))

    return engine


def describe(url: str | URL) -> str:
    """How to name a database in messages: its file, or its URL without the password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = _sqlite_file(parsed)
        return "an in-memory database" if path is None else str(path)
    return parsed.render_as_string(hide_password=True)


def _prepare_file(path: Path) -> None:
    """Create the directory (0700) and an empty database file (0600) when they are missing.

    SQLite gives its -wal and -shm files the mode of the database file.
    """
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def _backup(engine: Engine, path: Path, version: int) -> Path:
    """Copy the database beside itself (0600) with SQLite's online backup; the copy's path."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for attempt in range(1, 100):
        suffix = "" if attempt == 1 else f"-{attempt}"
        target = path.with_name(f"{path.name}.v{version}-{stamp}{suffix}.bak")
        try:
            fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            continue
        os.close(fd)
        break
    else:  # pragma: no cover - a hundred backups in one second
        raise FileExistsError(path.with_name(f"{path.name}.v{version}-{stamp}.bak"))
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    finally:
        raw.close()
    with target.open("rb") as handle:
        os.fsync(handle.fileno())
    return target


def open_database(url: str, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> Database:
    """Open (creating or upgrading) the database at ``url``. Raises StoreError subclasses."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise InvalidInput(
            f"{url!r} is not a database URL ({exc}); use e.g. sqlite:////path/to/mllens.db"
        ) from None
    where = describe(parsed)
    sqlite = parsed.get_backend_name() == "sqlite"
    path = _sqlite_file(parsed) if sqlite else None
    engine: Engine | None = None
    try:
        if path is not None:
            _prepare_file(path)
        engine = make_engine(parsed, busy_timeout=busy_timeout)
        write_engine = engine.execution_options(**{BEGIN_OPTION: "BEGIN IMMEDIATE"})
        with engine.connect() as conn:
            version = migrations.read_version(conn)
        latest = migrations.latest_version()
        if version > latest:
            raise SchemaTooNew(
                f"{where} was written by a newer mllens-tui (schema version {version}; this "
                f"version reads up to {latest}). Nothing was changed. Upgrade mllens-tui, or "
                f"point --db / MLLENS_DB at another database."
            )
        if path is not None:
            raw = engine.raw_connection()
            try:
                raw.cursor().execute("PRAGMA journal_mode = WAL")
            finally:
                raw.close()
        backup: Path | None = None
        if version < latest:
            if version > 0 and path is not None:
                backup = _backup(engine, path, version)
            with write_engine.begin() as conn:
                version = migrations.read_version(conn)  # another process may have upgraded
                if version < latest:
                    version = migrations.upgrade(conn, version)
        return Database(engine, write_engine, where, path, sqlite and path is None, version, backup)
    except migrations.ForeignSchema as exc:
        _dispose(engine)
        raise DatabaseCorrupt(
            f"{where} is a database, but not an mllens-tui one (it holds the tables "
            f"{', '.join(exc.tables)}). Nothing was changed. Point --db / MLLENS_DB at "
            f"another file."
        ) from None
    except StoreError:
        _dispose(engine)
        raise
    except (DBAPIError, sqlite3.Error, OSError) as exc:
        _dispose(engine)
        raise translate(exc, where, path) from exc
    except BaseException:
        _dispose(engine)
        raise


def _dispose(engine: Engine | None) -> None:
    if engine is not None:
        engine.dispose()
