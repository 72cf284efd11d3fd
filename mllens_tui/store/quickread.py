"""A read-only look into a SQLite database through the standard library's ``sqlite3``.

The first screens (the workload list, a workload's dashboard) only read. Importing the store
proper (SQLAlchemy and SQLModel) costs about half a second and 30 MiB, three times all of
Textual; reading the same rows through ``sqlite3`` costs a few milliseconds. So the app and
``mllens workload list`` read through here first, and the ``Store`` is opened afterwards, for
the first write, off the path to the first usable screen.

``QuickRead.open`` answers None, and the caller opens the ``Store`` as before, whenever this
module is not sure to read what the ``Store`` would:

* the URL is not a plain ``sqlite:///FILE`` (another backend, in-memory, URL parameters,
  percent-escapes), the file does not exist yet, or its path goes through a symlink (the
  ``Store`` checks who owns the target);
* the schema version is not the one this module reads (``SCHEMA_VERSION``; an older file is
  upgraded by the ``Store``, a newer one refused by it);
* the damage check fails: ``PRAGMA quick_check(1)``, the one ``Store.open`` runs, runs here
  too, before anything is read, so a damaged file is never shown; the ``Store`` then refuses it
  with its full message. It reads every page: 0.2 ms for the demo, about 2 ms per MB.

The connection is opened with ``mode=ro``: nothing here can write to the file. Every method
reads in one transaction, so it sees one consistent state, and hands out the same frozen
records (``records.py``) and ``Answer`` objects as the ``Store``.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from mllens_tui.assessment import Answer, Confidence, NAReason, Ownership
from mllens_tui.store.errors import StoreError, translate
from mllens_tui.store.records import WorkloadRecord

# The schema version (``migrations.py``) whose tables and columns this module reads;
# tests/test_quickread.py checks that it is the latest.
SCHEMA_VERSION = 2

_PREFIX = "sqlite:///"
_WORKLOAD_COLUMNS = (
    "id, name, description, environment, lens_id, lens_version, lens_hash, default_target, "
    "pillar_weights, created_at, updated_at"
)
_COUNTS = (
    "(SELECT count(*) FROM answer a WHERE a.workload_id = w.id"
    " AND (a.level IS NOT NULL OR a.choices IS NOT NULL)),"
    " (SELECT count(*) FROM answer a WHERE a.workload_id = w.id AND a.not_applicable = 1),"
    " (SELECT count(*) FROM milestone m WHERE m.workload_id = w.id)"
)
_ANSWER_COLUMNS = (
    "question_id",
    "level",
    "choices",
    "not_applicable",
    "reason",
    "target",
    "notes",
    "evidence",
    "confidence",
    "answered_by",
    "answered_at",
)
# SQLite allows 999 parameters in one statement in older builds.
_CHUNK = 500


def sqlite_path(url: str) -> Path | None:
    """The file of a plain ``sqlite:///FILE`` URL, else None."""
    if not url.startswith(_PREFIX):
        return None
    database = url[len(_PREFIX) :]
    if not database or database == ":memory:" or any(c in database for c in "?%#"):
        return None
    return Path(database).expanduser()


def moment(value: datetime | str) -> datetime:
    """A stored time as aware UTC, whether the driver hands back text or a datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _day(value: date | str) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def answer_from_values(data: Mapping[Any, Any]) -> Answer:
    """An ``Answer`` from the columns of an ``answer`` or ``milestone_answer`` row."""
    choices = json.loads(data["choices"]) if data["choices"] is not None else None
    return Answer(
        question_id=data["question_id"],
        level=data["level"],
        choices=tuple(str(c) for c in choices) if isinstance(choices, list) else None,
        not_applicable=bool(data["not_applicable"]),
        reason=NAReason(data["reason"]) if data["reason"] else None,
        target=data["target"],
        notes=data["notes"] or "",
        evidence=data["evidence"] or "",
        confidence=Confidence(data["confidence"]) if data["confidence"] else None,
        answered_by=data["answered_by"] or "",
        answered_at=moment(data["answered_at"]) if data["answered_at"] is not None else None,
    )


def _record(row: Sequence[Any]) -> WorkloadRecord:
    weights = json.loads(row[8] or "{}")
    return WorkloadRecord(
        id=row[0],
        name=row[1],
        description=row[2],
        environment=row[3],
        lens_id=row[4],
        lens_version=row[5],
        lens_hash=row[6],
        default_target=row[7],
        pillar_weights={str(k): float(v) for k, v in weights.items()},
        created_at=moment(row[9]),
        updated_at=moment(row[10]),
        answered_count=row[11],
        not_applicable_count=row[12],
        milestone_count=row[13],
    )


class QuickRead:
    """A read-only connection to one SQLite file; safe to share between threads."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self._lock = threading.Lock()
        self.path = path

    @classmethod
    def open(cls, url: str, *, busy_timeout: float = 10.0) -> QuickRead | None:
        """A reader for ``url``, or None when the ``Store`` must open it (module docstring)."""
        path = sqlite_path(url)
        if path is None or not path.is_file():
            return None
        if os.path.realpath(path) != os.path.abspath(path):
            return None
        try:
            conn = sqlite3.connect(
                f"file:{quote(str(path.absolute()))}?mode=ro",
                uri=True,
                timeout=busy_timeout,
                isolation_level=None,
                check_same_thread=False,
            )
        except sqlite3.Error:
            return None
        reader = cls(conn, path)
        try:
            with reader._read() as cursor:
                fine = reader._version(cursor) == SCHEMA_VERSION and reader._undamaged(cursor)
        except StoreError:
            fine = False
        if not fine:
            reader.close()
            return None
        return reader

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Cursor]:
        """One read transaction; driver errors become the ``StoreError`` the store raises."""
        with self._lock:
            try:
                cursor = self._conn.cursor()
                cursor.execute("BEGIN")
                try:
                    yield cursor
                finally:
                    cursor.execute("COMMIT")
                    cursor.close()
            except sqlite3.Error as exc:
                raise translate(exc, str(self.path), self.path) from exc

    @staticmethod
    def _version(cursor: sqlite3.Cursor) -> int | None:
        tables = {
            name for (name,) in cursor.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        if "mllens_schema" not in tables:
            return None
        (version,) = cursor.execute("SELECT max(version) FROM mllens_schema").fetchone()
        return version if isinstance(version, int) else None

    @staticmethod
    def _undamaged(cursor: sqlite3.Cursor) -> bool:
        rows = cursor.execute("PRAGMA quick_check(1)").fetchall()
        return bool(rows) and rows[0][0] == "ok"

    def list_workloads(self) -> list[WorkloadRecord]:
        """Every workload not in the trash, by name, with its counts: what
        ``Store.list_workloads`` returns."""
        with self._read() as cursor:
            rows = cursor.execute(
                f"SELECT {_WORKLOAD_COLUMNS}, {_COUNTS} FROM workload w "
                "WHERE w.deleted_at IS NULL ORDER BY w.name"
            ).fetchall()
        return [_record(row) for row in rows]

    def get_workload(self, name: str) -> WorkloadRecord | None:
        """One workload by name (not one in the trash), or None."""
        with self._read() as cursor:
            row = cursor.execute(
                f"SELECT {_WORKLOAD_COLUMNS}, {_COUNTS} FROM workload w "
                "WHERE w.name = ? AND w.deleted_at IS NULL",
                (name,),
            ).fetchone()
        return None if row is None else _record(row)

    def answers_by_workload(self, ids: Iterable[int]) -> dict[int, dict[str, Answer]]:
        """The current answers of the given workloads (by id), in one query per 500."""
        wanted = list(ids)
        out: dict[int, dict[str, Answer]] = {wid: {} for wid in wanted}
        columns = ", ".join(_ANSWER_COLUMNS)
        with self._read() as cursor:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                marks = ", ".join("?" * len(chunk))
                cursor.execute(
                    f"SELECT workload_id, {columns} FROM answer "
                    f"WHERE workload_id IN ({marks}) ORDER BY id",
                    chunk,
                )
                for row in cursor:
                    data = dict(zip(_ANSWER_COLUMNS, row[1:], strict=True))
                    out[row[0]][data["question_id"]] = answer_from_values(data)
        return out

    def plan_owners(self, workload_id: int) -> dict[str, Ownership]:
        """The owner and due date of each plan item of a workload that has one, by question."""
        with self._read() as cursor:
            found = cursor.execute(
                "SELECT question_id, owner, due FROM plan_item WHERE workload_id = ?",
                (workload_id,),
            ).fetchall()
        return {
            qid: Ownership(owner or "", _day(due) if due is not None else None)
            for qid, owner, due in found
        }
