"""One open database and the session/transaction helper every part of ``Store`` uses.

Every method of the store opens its own session and transaction with ``_session`` and closes it
before returning; driver and OS errors become ``StoreError``s there (``errors.translate``).
Writes take the write lock first (see ``engine.py``), so one ``Store`` can be shared by the
app's thread workers and two processes can write to one file.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from mllens_tui.store.engine import Database
from mllens_tui.store.errors import (
    StoreError,
    translate,
)


class StoreBase:
    """One database and its sessions; the parts of ``Store`` build on it."""

    def __init__(self, database: Database) -> None:
        self._db = database
        # An in-memory SQLite database is one connection shared by every thread.
        self._lock: contextlib.AbstractContextManager[Any] = (
            threading.RLock() if database.memory else contextlib.nullcontext()
        )

    def close(self) -> None:
        self._db.engine.dispose()

    @property
    def where(self) -> str:
        """The database file (or URL without password), for messages."""
        return self._db.where

    @property
    def path(self) -> Path | None:
        return self._db.path

    @property
    def backup_path(self) -> Path | None:
        """The copy made before this open upgraded the schema, if it did."""
        return self._db.backup

    @property
    def schema_version(self) -> int:
        return self._db.version

    @contextlib.contextmanager
    def _session(self, *, write: bool) -> Iterator[Session]:
        engine = self._db.write_engine if write else self._db.engine
        with self._lock:
            try:
                with Session(engine, expire_on_commit=False) as session, session.begin():
                    yield session
            except StoreError:
                raise
            except (DBAPIError, sqlite3.Error, OSError) as exc:
                raise translate(exc, self._db.where, self._db.path) from exc
