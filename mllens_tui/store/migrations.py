"""Schema versions: a numbered list of migrations, each applied once, in one transaction.

Why not Alembic: the store needs three things around any migration tool anyway (refuse a newer
schema before touching the file, copy the file aside before upgrading it, and turn every driver
error into a message), and Alembic would add a runtime dependency, a script directory to ship in
the wheel and about 100 ms to every start of the CLI, for a schema of six tables that one
person can read. This is the same model Alembic uses, kept small:

* ``MIGRATIONS`` is an append-only list. Version N is the state after migration N; a released
  migration is never edited, only followed by a new one.
* Each migration holds its own frozen description of what it creates (SQLAlchemy Core tables
  in a private ``MetaData``, never the live SQLModel classes), so replaying version 1 in a year
  still builds version 1. ``tests/test_store_schema.py`` checks that the migrated schema equals
  the SQLModel tables of ``tables.py``.
* The version lives in a one-row table ``mllens_schema`` rather than SQLite's ``PRAGMA
  user_version``, so the scheme works unchanged on the other backends a later issue adds.
* ``upgrade`` runs inside the caller's write transaction (BEGIN IMMEDIATE on SQLite, where DDL
  is transactional): a crash mid-upgrade leaves the old version, and two processes opening an
  old file at once upgrade it once. ``engine.open_database`` makes the backup copy first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    inspect,
    text,
)

VERSION_TABLE = "mllens_schema"


@dataclass(frozen=True)
class Migration:
    version: int
    summary: str
    apply: Callable[[Connection], None]


def _v1_initial(conn: Connection) -> None:
    md = MetaData()
    Table(
        VERSION_TABLE,
        md,
        Column("id", Integer, primary_key=True),
        Column("version", Integer, nullable=False),
    )
    Table(
        "workload",
        md,
        Column("id", Integer, primary_key=True),
        Column("name", String, nullable=False, unique=True),
        Column("description", Text, nullable=False),
        Column("environment", String, nullable=False),
        Column("lens_id", String, nullable=False),
        Column("lens_version", String, nullable=False),
        Column("lens_hash", String, nullable=False),
        Column("default_target", Integer, nullable=False),
        Column("pillar_weights", Text, nullable=False),
        Column("revision", Integer, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
    )

    def answer_columns() -> tuple[Column[Any], ...]:
        return (
            Column("level", Integer),
            Column("choices", Text),
            Column("not_applicable", Boolean, nullable=False),
            Column("reason", String),
            Column("target", Integer),
            Column("notes", Text, nullable=False),
            Column("evidence", Text, nullable=False),
            Column("confidence", String),
            Column("answered_by", String, nullable=False),
            Column("answered_at", DateTime(timezone=True)),
        )

    Table(
        "answer",
        md,
        Column("id", Integer, primary_key=True),
        Column(
            "workload_id", Integer, ForeignKey("workload.id", ondelete="CASCADE"), nullable=False
        ),
        Column("question_id", String, nullable=False),
        *answer_columns(),
        UniqueConstraint("workload_id", "question_id", name="uq_answer_question"),
    )
    Table(
        "answer_change",
        md,
        Column("id", Integer, primary_key=True),
        Column(
            "workload_id", Integer, ForeignKey("workload.id", ondelete="CASCADE"), nullable=False
        ),
        Column("revision", Integer, nullable=False),
        Column("question_id", String, nullable=False),
        Column("field", String, nullable=False),
        Column("old", Text),
        Column("new", Text),
        Column("changed_by", String, nullable=False),
        Column("changed_at", DateTime(timezone=True), nullable=False),
        Index("ix_answer_change_question", "workload_id", "question_id"),
        Index("ix_answer_change_revision", "workload_id", "revision"),
    )
    Table(
        "milestone",
        md,
        Column("id", Integer, primary_key=True),
        Column(
            "workload_id", Integer, ForeignKey("workload.id", ondelete="CASCADE"), nullable=False
        ),
        Column("name", String, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("workload_name", String, nullable=False),
        Column("description", Text, nullable=False),
        Column("environment", String, nullable=False),
        Column("lens_id", String, nullable=False),
        Column("lens_version", String, nullable=False),
        Column("lens_hash", String, nullable=False),
        Column("default_target", Integer, nullable=False),
        Column("pillar_weights", Text, nullable=False),
        Column("overall_score", Float),
        Column("answered_count", Integer, nullable=False),
        Column("revision", Integer, nullable=False),
        UniqueConstraint("workload_id", "name", name="uq_milestone_name"),
    )
    Table(
        "milestone_answer",
        md,
        Column(
            "milestone_id",
            Integer,
            ForeignKey("milestone.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column("question_id", String, primary_key=True),
        *answer_columns(),
    )
    md.create_all(conn)


def _v2_plan_owners_and_trash(conn: Connection) -> None:
    md = MetaData()
    Table(
        "plan_item",
        md,
        Column(
            "workload_id",
            Integer,
            ForeignKey("workload.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column("question_id", String, primary_key=True),
        Column("owner", String, nullable=False),
        Column("due", Date),
    )
    # ``workload`` must be known to this MetaData for the foreign key; it is not created.
    Table("workload", md, Column("id", Integer, primary_key=True))
    md.create_all(conn, tables=[md.tables["plan_item"]])
    # SQLite cannot drop the UNIQUE on workload.name without rebuilding the table (and a
    # rebuild with foreign keys on would cascade-delete every answer), so a trashed workload
    # gives its name up instead: ``name`` becomes a placeholder no user name can take and the
    # name it had moves to ``deleted_name`` until it is restored.
    _add_column(conn, "workload", Column("deleted_at", DateTime(timezone=True)))
    _add_column(conn, "workload", Column("deleted_name", String))


def _add_column(conn: Connection, table: str, column: Column[Any]) -> None:
    """ALTER TABLE ... ADD COLUMN with the column's type as this backend spells it (DATETIME
    on SQLite, TIMESTAMP WITH TIME ZONE on PostgreSQL)."""
    kind = column.type.compile(dialect=conn.dialect)
    conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {column.name} {kind}"))


def _v3_workload_tags(conn: Connection) -> None:
    md = MetaData()
    Table("workload", md, Column("id", Integer, primary_key=True))
    Table(
        "workload_tag",
        md,
        Column(
            "workload_id",
            Integer,
            ForeignKey("workload.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        # The tag folded to lower case: a workload has a tag once, however it is spelt.
        Column("tag_key", String, primary_key=True),
        Column("tag", String, nullable=False),
        Index("ix_workload_tag_key", "tag_key"),
    )
    md.tables["workload_tag"].create(conn)


def _v4_live_and_workshops(conn: Connection) -> None:
    md = MetaData()
    # The referenced table as version 1 made it; create_all skips it since it exists.
    Table("workload", md, Column("id", Integer, primary_key=True))
    counter = Table(
        "change_counter",
        md,
        Column("id", Integer, primary_key=True),
        Column("counter", Integer, nullable=False),
    )
    Table(
        "change_log",
        md,
        Column("counter", Integer, primary_key=True, autoincrement=False),
        Column("workload_id", Integer),
        Column("workload", String, nullable=False),
        Column("kind", String, nullable=False),
        Column("question_id", String),
        Column("summary", Text, nullable=False),
        Column("changed_by", String, nullable=False),
        Column("changed_at", DateTime(timezone=True), nullable=False),
    )
    Table(
        "workshop",
        md,
        Column("id", Integer, primary_key=True),
        Column(
            "workload_id", Integer, ForeignKey("workload.id", ondelete="CASCADE"), nullable=False
        ),
        Column("state", String, nullable=False),
        Column("started_by", String, nullable=False),
        Column("started_at", DateTime(timezone=True), nullable=False),
        Column("closed_at", DateTime(timezone=True)),
        Index("ix_workshop_workload", "workload_id"),
    )
    Table(
        "ballot",
        md,
        Column("id", Integer, primary_key=True),
        Column(
            "workshop_id", Integer, ForeignKey("workshop.id", ondelete="CASCADE"), nullable=False
        ),
        Column("question_id", String, nullable=False),
        Column("participant", String, nullable=False),
        Column("level", Integer),
        Column("not_applicable", Boolean, nullable=False),
        Column("reason", String),
        Column("notes", Text, nullable=False),
        Column("cast_at", DateTime(timezone=True), nullable=False),
        UniqueConstraint("workshop_id", "question_id", "participant", name="uq_ballot"),
    )
    Table(
        "workshop_question",
        md,
        Column(
            "workshop_id",
            Integer,
            ForeignKey("workshop.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column("question_id", String, primary_key=True),
        Column("revealed_by", String, nullable=False),
        Column("revealed_at", DateTime(timezone=True)),
        Column("agreed_by", String, nullable=False),
        Column("agreed_at", DateTime(timezone=True)),
    )
    md.create_all(conn)
    conn.execute(counter.insert().values(id=1, counter=0))


def _v5_milestone_scores(conn: Connection) -> None:
    # A milestone's history point (overall, per pillar, answered) as scored when it was saved,
    # so the history screen need not read and replay its answers. ``scores_lens_hash`` names
    # the lens content they were computed with (the profile is the milestone's own, frozen);
    # milestones saved before this version have NULL and are scored from their answers once,
    # then written back (``timeline.py``).
    _add_column(conn, "milestone", Column("scores_lens_hash", String))
    _add_column(conn, "milestone", Column("scores", Text))


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "workloads, answers, answer history, milestones", _v1_initial),
    Migration(
        2,
        "plan item owners and due dates (plan_item); trashed workloads (workload.deleted_at, "
        "workload.deleted_name)",
        _v2_plan_owners_and_trash,
    ),
    Migration(3, "workload tags (workload_tag: one row per tag of a workload)", _v3_workload_tags),
    Migration(4, "change counter and log, workshops, ballots", _v4_live_and_workshops),
    Migration(
        5,
        "milestone scores kept with the milestone (milestone.scores, milestone.scores_lens_hash)",
        _v5_milestone_scores,
    ),
)


def latest_version() -> int:
    """The schema version this code writes."""
    return MIGRATIONS[-1].version


class ForeignSchema(Exception):
    """The database has tables but no mllens version table: it belongs to another program."""

    def __init__(self, tables: list[str]) -> None:
        super().__init__(", ".join(tables))
        self.tables = tables


def read_version(conn: Connection) -> int:
    """The schema version of the database behind ``conn``: 0 for an empty database.

    Only reads. Raises ForeignSchema for a database that is not an mllens one.
    """
    tables = inspect(conn).get_table_names()
    if VERSION_TABLE not in tables:
        if tables:
            raise ForeignSchema(sorted(tables))
        return 0
    version = conn.execute(text(f"SELECT max(version) FROM {VERSION_TABLE}")).scalar()
    if not isinstance(version, int):
        raise ForeignSchema(sorted(tables))
    return version


def upgrade(conn: Connection, current: int) -> int:
    """Apply every migration after ``current`` in the caller's transaction; the new version."""
    for migration in MIGRATIONS:
        if migration.version > current:
            migration.apply(conn)
            current = migration.version
    conn.execute(text(f"DELETE FROM {VERSION_TABLE}"))
    conn.execute(text(f"INSERT INTO {VERSION_TABLE} (id, version) VALUES (1, :v)"), {"v": current})
    return current
