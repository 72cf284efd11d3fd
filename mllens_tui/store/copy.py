"""Copying a whole database into an empty one: a SQLite file onto a team's PostgreSQL server,
or a server's database back into a file.

Every table of the current schema (``tables.py``, so a table a later migration adds is copied
too) is copied row by row, parents before children, keeping every id, in one write
transaction on the target: a copy that fails half-way leaves the target as empty as it was.
Both databases are opened as the store opens them (created or upgraded to this version's
schema), and the target must hold no workload (its change counter and log give way to the
source's). Times are copied as UTC, whatever the backend
gives back. After the copy, PostgreSQL's id sequences are moved past the copied ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel

from mllens_tui.store import tables
from mllens_tui.store.engine import Database, open_database
from mllens_tui.store.errors import InvalidInput, StoreError, translate
from mllens_tui.store.migrations import VERSION_TABLE

BATCH = 1000


@dataclass(frozen=True)
class CopyResult:
    """What was copied: rows per table, in copy order, and the two databases' names."""

    source: str
    target: str
    rows: dict[str, int]


def _tables() -> list[Table]:
    """The tables of ``tables.py`` but the version table, parents before children."""
    assert tables.WorkloadRow.__tablename__ == "workload"  # importing it fills the metadata
    return [t for t in SQLModel.metadata.sorted_tables if t.name != VERSION_TABLE]


def _table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def _utc(value: Any) -> Any:
    if not isinstance(value, datetime):
        return value
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def copy_database(source_url: str, target_url: str) -> CopyResult:
    """Copy every row of the database at ``source_url`` into the empty one at ``target_url``.

    Raises InvalidInput when both name one database, the source is a SQLite file that does
    not exist, or the target holds workloads, and other
    StoreErrors for storage failures; the source is only read.
    """
    source = open_database(source_url, create=False)
    try:
        target = open_database(target_url)
    except BaseException:
        source.engine.dispose()
        raise
    try:
        if source.where == target.where:
            raise InvalidInput(f"--from and --to both name {source.where}; nothing was copied.")
        return CopyResult(source.where, target.where, _copy(source, target))
    finally:
        source.engine.dispose()
        target.engine.dispose()


def _copy(source: Database, target: Database) -> dict[str, int]:
    where = target.where
    try:
        with source.engine.connect() as src, target.write_engine.begin() as dst:
            count = dst.execute(select(func.count()).select_from(_table("workload"))).scalar_one()
            if count:
                raise InvalidInput(
                    f"{target.where} already holds {count} workload(s); copy into a new, "
                    f"empty database. Nothing was copied."
                )
            # No workload means nothing but rows no one can see: the change counter that
            # migrations start at 0 and the log of workloads already purged. They give way
            # to the source's, so live updates go on from the source's last change.
            for table in reversed(_tables()):
                dst.execute(table.delete())
            where = source.where
            rows: dict[str, int] = {}
            for table in _tables():
                rows[table.name] = _copy_table(src, dst, table)
            where = target.where
            if dst.dialect.name == "postgresql":
                _move_sequences(dst)
            return rows
    except StoreError:
        raise
    except DBAPIError as exc:
        raise translate(exc, where, None) from exc


def _copy_table(src: Connection, dst: Connection, table: Table) -> int:
    order = list(table.primary_key.columns)
    result = src.execute(select(table).order_by(*order))
    copied = 0
    while batch := result.mappings().fetchmany(BATCH):
        dst.execute(table.insert(), [{k: _utc(v) for k, v in row.items()} for row in batch])
        copied += len(batch)
    return copied


def _move_sequences(dst: Connection) -> None:
    """Let PostgreSQL's next generated id follow the largest copied one."""
    for table in _tables():
        column = table.columns.get("id")
        if column is None or not column.primary_key:
            continue
        dst.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"
            )
        )
