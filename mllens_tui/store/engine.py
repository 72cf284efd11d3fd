"""Engines, made by a function from a URL (never at import time), and the opening sequence.

Two backends: a SQLite file (one person, or a few processes on one machine) and PostgreSQL
(a team sharing one server). Everything above this module is the same for both; what differs
lives here and in ``errors.translate``.

SQLite is set up so that two processes can share one file and an answer, once reported saved,
survives a crash:

* WAL journal (readers never block the writer), ``synchronous=FULL`` (a commit is on disk, not
  only in the OS cache, before the call returns), foreign keys on, a busy timeout.
* pysqlite's own transaction handling is switched off and the engine emits ``BEGIN`` itself:
  plain ``BEGIN`` for reads (one consistent snapshot for several SELECTs) and ``BEGIN
  IMMEDIATE`` for writes. A deferred transaction that reads and then writes can fail at once
  with "database is locked" when another process wrote in between, whatever the timeout;
  taking the write lock first makes it wait its turn instead.
* A write transaction that cannot take the write lock within the busy timeout tries again a
  few times after a random pause (``BEGIN_RETRIES``). SQLite's busy handler polls at growing
  intervals, so with many writers one of them can lose every race until its timeout ends; the
  jitter breaks that. Only ``BEGIN IMMEDIATE`` is retried: when it fails nothing of the unit of
  work has run, so running it again is the whole unit of work, and a transaction that may have
  committed is never run twice.

Opening (``open_database``): follow a symlinked path to the real file (refusing one that leads
into another user's directory), create the directories (0700) and the file (0600) when missing,
read the schema version without writing, refuse a newer one, check the pages
(``PRAGMA quick_check``: it reads every page, so it grows with the file: 0.2 ms for the demo,
70 to 140 ms for the 30 MB of bench/store_bench.py's 100 workloads with 20 milestones each; a
damaged file is refused before anything reads from or writes to it), switch on WAL, back the
file up beside itself when it is older, then upgrade in one write transaction.

PostgreSQL (``postgresql+psycopg://``, psycopg 3, the ``postgres`` extra) gets the same two
promises by other means:

* A write transaction runs at READ COMMITTED and first takes one transaction-scoped advisory
  lock (``WRITE_LOCK``), so writers take turns exactly as under SQLite's ``BEGIN IMMEDIATE``:
  the store's read-then-write units (revision numbers, history) need no per-backend code, and
  two processes upgrading an empty database at once upgrade it once. Every statement after the
  lock sees every write committed before it. Reads run at REPEATABLE READ: one snapshot for
  several SELECTs, as a SQLite read transaction gives.
* ``lock_timeout`` (the busy timeout) bounds the wait for that lock, ``statement_timeout``
  (``STATEMENT_TIMEOUT``) any one statement, ``connect_timeout`` the connection; all three end
  in a ``StoreError`` (exit 3), never a hang. A URL that sets ``options`` (libpq's ``-c``
  settings) keeps its own. Pooled connections are pinged before use, so a server restarted
  between two calls costs nothing; one lost during a call fails that call, which the caller may
  retry (every call is one transaction, rolled back by the server).
* No file: no pragmas, no WAL, no permissions, no damage check and no backup copy (the server
  and its administrator own those); passwords come from the URL, ``PGPASSWORD``, a
  ``passfile=`` query parameter or ``~/.pgpass``, as libpq reads them, and are never printed.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from sqlalchemy.pool import StaticPool

from mllens_tui import paths
from mllens_tui.store import migrations
from mllens_tui.store.errors import (
    DatabaseCorrupt,
    DriverMissing,
    InvalidInput,
    SchemaTooNew,
    StoreError,
    UnsafeLocation,
    mask_password,
    translate,
)

BEGIN_OPTION = "mllens_begin"
DEFAULT_BUSY_TIMEOUT = 10.0
BEGIN_RETRIES = 5
# The pause before the n-th retry is random in [0, min(cap, base * 2**n)] seconds.
RETRY_BASE = 0.02
RETRY_CAP = 0.5

# The key of the advisory lock that PostgreSQL writers take in turn ("mllens" in ASCII); advisory
# locks are per database, so two mllens databases on one server do not wait for each other.
WRITE_LOCK = 0x6D6C6C656E73
# How long one PostgreSQL statement may run before the server cancels it, in seconds.
STATEMENT_TIMEOUT = 60.0
CONNECT_TIMEOUT = 10

# The driver a SQLAlchemy dialect imports, and the pip package that provides it.
DRIVERS = {
    "psycopg2": "psycopg2-binary",
    "psycopg": "'mllens-tui[postgres]'",
    "pymysql": "pymysql",
    "MySQLdb": "mysqlclient",
    "asyncpg": "asyncpg",
    "oracledb": "oracledb",
    "pyodbc": "pyodbc",
}


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
    if parsed.get_backend_name() == "postgresql":
        return _postgresql_engine(parsed, busy_timeout)
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
        statement = conn.get_execution_options().get(BEGIN_OPTION, "BEGIN")
        if statement != "BEGIN IMMEDIATE":
            conn.exec_driver_sql(statement)
            return
        for attempt in range(BEGIN_RETRIES + 1):
            try:
                conn.exec_driver_sql(statement)
                return
            except OperationalError as exc:
                if attempt == BEGIN_RETRIES or not _is_busy(exc):
                    raise
            time.sleep(random.uniform(0.0, min(RETRY_CAP, RETRY_BASE * 2**attempt)))

    return engine


def _postgresql_engine(url: URL, busy_timeout: float) -> Engine:
    """A PostgreSQL engine: the timeouts, isolation levels and write lock of the module doc."""
    connect_args: dict[str, Any] = {
        "application_name": "mllens-tui",
    }
    if "connect_timeout" not in url.query:
        connect_args["connect_timeout"] = CONNECT_TIMEOUT
    if "options" not in url.query:
        connect_args["options"] = (
            f"-c lock_timeout={int(busy_timeout * 1000)} "
            f"-c statement_timeout={int(STATEMENT_TIMEOUT * 1000)}"
        )
    engine = create_engine(
        url,
        connect_args=connect_args,
        pool_pre_ping=True,
        isolation_level="REPEATABLE READ",
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Times come back in the session's zone: UTC, as they are stored and as SQLite gives.
        dbapi_connection.execute("SET TIME ZONE 'UTC'")
        dbapi_connection.commit()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(BEGIN_OPTION) == "BEGIN IMMEDIATE":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")

    return engine


def writer(engine: Engine) -> Engine:
    """The engine for write transactions: ``BEGIN IMMEDIATE`` on SQLite, the write lock at
    READ COMMITTED on PostgreSQL (module doc)."""
    options: dict[str, Any] = {BEGIN_OPTION: "BEGIN IMMEDIATE"}
    if engine.dialect.name == "postgresql":
        options["isolation_level"] = "READ COMMITTED"
    return engine.execution_options(**options)


def _is_busy(exc: OperationalError) -> bool:
    """SQLITE_BUSY or SQLITE_LOCKED: another connection holds the lock."""
    code = getattr(exc.orig, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    text = str(exc.orig).lower()
    return "locked" in text or "busy" in text


def describe(url: str | URL) -> str:
    """How to name a database in messages: its file, or its URL without the password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = _sqlite_file(parsed)
        return "an in-memory database" if path is None else str(path)
    return mask_password(parsed.render_as_string(hide_password=True))


def real_file(path: Path, where: str) -> Path:
    """The file a database path names, symlinks followed; refuses a path that a symlink leads
    into a directory owned by another user (who could swap the file, or read it)."""
    real = Path(os.path.realpath(path))
    if real == Path(os.path.abspath(path)):
        return path
    folder = real.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    owner = folder.stat().st_uid
    if owner != os.geteuid():
        raise UnsafeLocation(
            f"{where} is a symlink to {real}, in {folder}, a directory owned by another user "
            f"(uid {owner}). Nothing was opened. Point --db / MLLENS_DB at a file in a "
            f"directory you own."
        )
    return real


def _prepare_file(path: Path) -> None:
    """Create the directories (0700) and an empty database file (0600) when they are missing.

    ``path`` is the real file (symlinks followed): SQLite would otherwise create the target of
    a dangling symlink itself, with the umask's mode. SQLite gives its -wal and -shm files the
    mode of the database file.
    """
    paths.make_private_dirs(path.parent)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def quick_check(conn: Any) -> str | None:
    """None when every page of the database reads as a well-formed b-tree page, else what
    SQLite found first. ``PRAGMA quick_check`` reads every page but skips the costly index
    cross-checks of ``integrity_check``, so it is cheap enough for every start."""
    rows = conn.exec_driver_sql("PRAGMA quick_check(1)").fetchall()
    result = str(rows[0][0]) if rows else "no answer"
    if result == "ok":
        return None
    # SQLite heads its report with "*** in database main ***"; the finding is what follows.
    return " ".join(line for line in result.splitlines() if not line.startswith("***"))


def _driver_missing(url: URL, where: str, exc: BaseException) -> DriverMissing:
    backend = url.get_backend_name()
    module = getattr(exc, "name", None) if isinstance(exc, ImportError) else None
    if module:
        package = DRIVERS.get(module.split(".")[0], module.split(".")[0])
        return DriverMissing(
            f"the database {where} needs the Python driver {module!r} for {backend}, which is "
            f"not installed. Install it with: pip install {package} (or point --db / MLLENS_DB "
            f"at a SQLite file, e.g. sqlite:////path/to/mllens.db). Nothing was opened."
        )
    return DriverMissing(
        f"the database {where} uses the backend {url.drivername!r}, which no installed driver "
        f"provides. Use a sqlite:/// URL, or postgresql+psycopg://... after pip install "
        f"'psycopg[binary]'. Nothing was opened."
    )


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


def backups(path: Path) -> tuple[Path, ...]:
    """The copies ``open_database`` made beside ``path`` before upgrades, oldest first."""
    found = [p for p in path.parent.glob(f"{path.name}.v*.bak") if p.is_file()]
    return tuple(sorted(found, key=lambda p: (p.stat().st_mtime, p.name)))


def open_database(
    url: str, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT, create: bool = True
) -> Database:
    """Open (creating or upgrading) the database at ``url``. Raises StoreError subclasses;
    InvalidInput for a SQLite file that does not exist when ``create`` is false."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise InvalidInput(
            mask_password(
                f"{url!r} is not a database URL ({exc}); use e.g. sqlite:////path/to/mllens.db"
            )
        ) from None
    where = describe(parsed)
    sqlite = parsed.get_backend_name() == "sqlite"
    path = _sqlite_file(parsed) if sqlite else None
    engine: Engine | None = None
    try:
        if path is not None:
            real = real_file(path, where)
            if not create and not real.exists():
                raise InvalidInput(f"{where} does not exist; nothing was created or copied.")
            _prepare_file(real)
            parsed = parsed.set(database=str(real))
        try:
            engine = make_engine(parsed, busy_timeout=busy_timeout)
        except (NoSuchModuleError, ImportError) as exc:
            raise _driver_missing(parsed, where, exc) from None
        write_engine = writer(engine)
        with engine.connect() as conn:
            version = migrations.read_version(conn)
            damage = quick_check(conn) if path is not None and version > 0 else None
        if damage is not None:
            assert path is not None
            copies = backups(real)
            backup_hint = f"{copies[-1]}" if copies else "none yet; *.bak beside the file"
            raise DatabaseCorrupt(
                f"{where} is damaged: {damage}. Nothing was read or written. Run `mllens "
                f"doctor` for the details and a way out: `mllens doctor --recover NEW.db` "
                f"copies what is readable to a new file, or restore the latest backup "
                f"({backup_hint})."
            )
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
