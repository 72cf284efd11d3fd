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
* the file cannot be opened or read at all (locked beyond the busy timeout, not a database):
  the ``Store`` then fails with its own message;
* the damage check fails: ``PRAGMA quick_check(1)``, the one ``Store.open`` runs, runs here
  too, before anything is read, so a damaged file is never shown; the ``Store`` then refuses it
  with its full message. It reads every page: 0.2 ms for the demo, about 2 ms per MB.

The connection is opened with ``mode=ro``: nothing here can write to the file. Every method
reads in one transaction, so it sees one consistent state, and hands out the same frozen
records (``records.py``) and ``Answer`` objects as the ``Store``. ``counter`` is the change
counter as the first read saw it: the app's live updates start from there, so nothing written
between that read and the ``Store`` opening goes unnoticed. A workload with a workshop is left
to the ``Store`` (``workload_state`` answers None), which builds what each participant may see.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from mllens_tui.assessment import Answer, Confidence, NAReason, Ownership
from mllens_tui.inputs import sorted_tags
from mllens_tui.store.errors import NotFound, StoreError, translate
from mllens_tui.store.records import WorkloadRecord

# The schema version (``migrations.py``) whose tables and columns this module reads;
# tests/test_quickread.py checks that it is the latest.
SCHEMA_VERSION = 5

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
# Seconds the first look waits for a locked file.
CHECK_TIMEOUT = 1.0
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


@dataclass(frozen=True)
class WorkloadState:
    """What the app opens a workload with, read in one transaction: its record, current
    answers, question revisions (absent: 0) and plan owners."""

    record: WorkloadRecord
    answers: dict[str, Answer]
    revisions: dict[str, int]
    owners: dict[str, Ownership]


def _record(row: Sequence[Any], tags: Sequence[str] = ()) -> WorkloadRecord:
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
        tags=sorted_tags(tags),
    )


class QuickRead:
    """A read-only connection to one SQLite file; safe to share between threads."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self._lock = threading.Lock()
        self.path = path
        self.counter: int | None = None  # the change counter at the first read

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
                # A file locked for longer than this is left to the Store, which waits its
                # own busy timeout and says so; waiting here too would double the wait.
                timeout=CHECK_TIMEOUT,
                isolation_level=None,
                check_same_thread=False,
            )
        except sqlite3.Error:
            return None
        reader = cls(conn, path)
        try:
            with reader._read(count=False) as cursor:
                fine = reader._version(cursor) == SCHEMA_VERSION and reader._undamaged(cursor)
        except StoreError:
            fine = False
        if not fine:
            reader.close()
            return None
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        return reader

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def _read(self, *, count: bool = True) -> Iterator[sqlite3.Cursor]:
        """One read transaction; driver errors become the ``StoreError`` the store raises.
        The first one with ``count`` notes the change counter."""
        with self._lock:
            try:
                cursor = self._conn.cursor()
                cursor.execute("BEGIN")
                try:
                    if count and self.counter is None:
                        (counter,) = cursor.execute(
                            "SELECT counter FROM change_counter WHERE id = 1"
                        ).fetchone() or (0,)
                        self.counter = int(counter)
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
        """Every workload not in the trash, by name, with its counts and tags: what
        ``Store.list_workloads`` returns."""
        with self._read() as cursor:
            rows = cursor.execute(
                f"SELECT {_WORKLOAD_COLUMNS}, {_COUNTS} FROM workload w "
                "WHERE w.deleted_at IS NULL ORDER BY w.name"
            ).fetchall()
            tags = self._tags(cursor)
        return [_record(row, tags.get(row[0], ())) for row in rows]

    @staticmethod
    def _tags(cursor: sqlite3.Cursor, workload_id: int | None = None) -> dict[int, list[str]]:
        query = "SELECT workload_id, tag FROM workload_tag"
        found: dict[int, list[str]] = {}
        params: tuple[int, ...] = ()
        if workload_id is not None:
            query += " WHERE workload_id = ?"
            params = (workload_id,)
        for wid, tag in cursor.execute(query, params):
            found.setdefault(wid, []).append(tag)
        return found

    @staticmethod
    def _workload(cursor: sqlite3.Cursor, name: str) -> WorkloadRecord | None:
        row = cursor.execute(
            f"SELECT {_WORKLOAD_COLUMNS}, {_COUNTS} FROM workload w "
            "WHERE w.name = ? AND w.deleted_at IS NULL",
            (name,),
        ).fetchone()
        if row is None:
            return None
        return _record(row, QuickRead._tags(cursor, row[0]).get(row[0], ()))

    def get_workload(self, name: str) -> WorkloadRecord | None:
        """One workload by name (not one in the trash), or None."""
        with self._read() as cursor:
            return self._workload(cursor, name)

    def workload_state(self, name: str) -> WorkloadState | None:
        """A workload as the app opens it, in one transaction; None when it has (or had) a
        workshop, which the ``Store`` reads. Raises ``NotFound`` as the ``Store`` does."""
        with self._read() as cursor:
            record = self._workload(cursor, name)
            if record is None:
                raise NotFound(f"no workload named {name!r} (see: mllens workload list)")
            workshops = cursor.execute(
                "SELECT count(*) FROM workshop WHERE workload_id = ?", (record.id,)
            ).fetchone()[0]
            if workshops:
                return None
            answers = self._answers(cursor, [record.id])[record.id]
            revisions = {
                qid: int(revision)
                for qid, revision in cursor.execute(
                    "SELECT question_id, max(revision) FROM answer_change "
                    "WHERE workload_id = ? GROUP BY question_id",
                    (record.id,),
                )
            }
            owners = self._owners(cursor, record.id)
        return WorkloadState(record, answers, revisions, owners)

    def answers_by_workload(self, ids: Iterable[int]) -> dict[int, dict[str, Answer]]:
        """The current answers of the given workloads (by id), in one query per 500."""
        with self._read() as cursor:
            return self._answers(cursor, list(ids))

    @staticmethod
    def _answers(cursor: sqlite3.Cursor, wanted: list[int]) -> dict[int, dict[str, Answer]]:
        out: dict[int, dict[str, Answer]] = {wid: {} for wid in wanted}
        columns = ", ".join(_ANSWER_COLUMNS)
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
            return self._owners(cursor, workload_id)

    @staticmethod
    def _owners(cursor: sqlite3.Cursor, workload_id: int) -> dict[str, Ownership]:
        found = cursor.execute(
            "SELECT question_id, owner, due FROM plan_item WHERE workload_id = ?",
            (workload_id,),
        ).fetchall()
        return {
            qid: Ownership(owner or "", _day(due) if due is not None else None)
            for qid, owner, due in found
        }
