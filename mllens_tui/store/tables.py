"""The SQLModel tables: the current shape of the schema, as the service reads and writes it.

These classes never leave the store: the service turns rows into the frozen records of
``records.py``. Times are UTC at second precision (the precision snapshots keep);
choices, pillar weights and history values are JSON text, so the SQL stays portable.

The schema itself is created and upgraded by ``migrations.py``, never by ``create_all``; a test
checks that the migrated schema and these tables agree.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, Table, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class SchemaVersionRow(SQLModel, table=True):
    """One row: the schema version of this database (see migrations.py)."""

    __tablename__ = "mllens_schema"

    id: int = Field(primary_key=True)
    version: int


class WorkloadRow(SQLModel, table=True):
    __tablename__ = "workload"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    description: str = Field(default="", sa_type=Text)
    environment: str = ""
    lens_id: str
    lens_version: str
    lens_hash: str
    default_target: int
    pillar_weights: str = Field(default="{}", sa_type=Text)  # JSON object: pillar id -> weight
    revision: int = 0  # bumped by every transaction that changes answers
    created_at: datetime
    updated_at: datetime
    # In the trash since then (see migrations: its name moved to deleted_name); purged after
    # 30 days.
    deleted_at: datetime | None = None
    deleted_name: str | None = None


class AnswerRow(SQLModel, table=True):
    """The current answer to one question of one workload."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("workload_id", "question_id", name="uq_answer_question"),)

    id: int | None = Field(default=None, primary_key=True)
    workload_id: int = Field(foreign_key="workload.id", ondelete="CASCADE")
    question_id: str
    level: int | None = None
    choices: str | None = Field(default=None, sa_type=Text)  # JSON array of choice ids
    not_applicable: bool = False
    reason: str | None = None
    target: int | None = None
    notes: str = Field(default="", sa_type=Text)
    evidence: str = Field(default="", sa_type=Text)
    confidence: str | None = None
    answered_by: str = ""
    answered_at: datetime | None = None


class AnswerChangeRow(SQLModel, table=True):
    """One changed field of one answer: append-only, never updated."""

    __tablename__ = "answer_change"
    __table_args__ = (
        Index("ix_answer_change_question", "workload_id", "question_id"),
        Index("ix_answer_change_revision", "workload_id", "revision"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workload_id: int = Field(foreign_key="workload.id", ondelete="CASCADE")
    revision: int
    question_id: str
    field: str
    old: str | None = Field(default=None, sa_type=Text)  # JSON; NULL for "no value"
    new: str | None = Field(default=None, sa_type=Text)
    changed_by: str = ""
    changed_at: datetime


class MilestoneRow(SQLModel, table=True):
    """A named, read-only freeze of a workload: its name, profile and lens at that moment."""

    __tablename__ = "milestone"
    __table_args__ = (UniqueConstraint("workload_id", "name", name="uq_milestone_name"),)

    id: int | None = Field(default=None, primary_key=True)
    workload_id: int = Field(foreign_key="workload.id", ondelete="CASCADE")
    name: str
    created_at: datetime
    workload_name: str
    description: str = Field(default="", sa_type=Text)
    environment: str = ""
    lens_id: str
    lens_version: str
    lens_hash: str
    default_target: int
    pillar_weights: str = Field(default="{}", sa_type=Text)
    overall_score: float | None = None
    answered_count: int = 0
    revision: int = 0  # the workload's revision when frozen: orders it among the changes
    # Its history point under the lens whose content hash this is (see migrations, v5).
    scores_lens_hash: str | None = None
    scores: str | None = Field(default=None, sa_type=Text)


class MilestoneAnswerRow(SQLModel, table=True):
    """One answer as it was when its milestone was created."""

    __tablename__ = "milestone_answer"

    milestone_id: int = Field(foreign_key="milestone.id", ondelete="CASCADE", primary_key=True)
    question_id: str = Field(primary_key=True)
    level: int | None = None
    choices: str | None = Field(default=None, sa_type=Text)
    not_applicable: bool = False
    reason: str | None = None
    target: int | None = None
    notes: str = Field(default="", sa_type=Text)
    evidence: str = Field(default="", sa_type=Text)
    confidence: str | None = None
    answered_by: str = ""
    answered_at: datetime | None = None


class ChangeCounterRow(SQLModel, table=True):
    """One row: a number bumped by every write transaction, so that an open app learns that
    something changed with one cheap SELECT (portable, unlike SQLite's ``data_version``)."""

    __tablename__ = "change_counter"

    id: int = Field(primary_key=True)
    counter: int


class ChangeLogRow(SQLModel, table=True):
    """What one write did, under the counter value it set: who changed what, for notices.

    No foreign key: the record of a deleted workload outlives it.
    """

    __tablename__ = "change_log"

    counter: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    workload_id: int | None = None
    workload: str = ""
    kind: str
    question_id: str | None = None
    summary: str = Field(default="", sa_type=Text)
    changed_by: str = ""
    changed_at: datetime


class WorkshopRow(SQLModel, table=True):
    """A workshop on a workload: while open, level keys record ballots, not answers."""

    __tablename__ = "workshop"
    __table_args__ = (Index("ix_workshop_workload", "workload_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workload_id: int = Field(foreign_key="workload.id", ondelete="CASCADE")
    state: str  # "open" or "closed"
    started_by: str = ""
    started_at: datetime
    closed_at: datetime | None = None


class BallotRow(SQLModel, table=True):
    """One participant's own answer to one question in one workshop."""

    __tablename__ = "ballot"
    __table_args__ = (
        UniqueConstraint("workshop_id", "question_id", "participant", name="uq_ballot"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshop.id", ondelete="CASCADE")
    question_id: str
    participant: str
    level: int | None = None
    not_applicable: bool = False
    reason: str | None = None
    notes: str = Field(default="", sa_type=Text)
    cast_at: datetime


class WorkshopQuestionRow(SQLModel, table=True):
    """A question's state in a workshop: when its ballots were revealed and when agreed."""

    __tablename__ = "workshop_question"

    workshop_id: int = Field(foreign_key="workshop.id", ondelete="CASCADE", primary_key=True)
    question_id: str = Field(primary_key=True)
    revealed_by: str = ""
    revealed_at: datetime | None = None
    agreed_by: str = ""
    agreed_at: datetime | None = None


class PlanItemRow(SQLModel, table=True):
    """Who owns the improvement of one question of one workload, and by when.

    Apart from ``answer`` so that assigning work neither changes the answer, its history and
    revision, nor the milestones that freeze answers.
    """

    __tablename__ = "plan_item"

    workload_id: int = Field(foreign_key="workload.id", ondelete="CASCADE", primary_key=True)
    question_id: str = Field(primary_key=True)
    owner: str = ""
    due: date | None = None


class WorkloadTagRow(SQLModel, table=True):
    """One tag of one workload, as written; ``tag_key`` (lower case) keeps it unique."""

    __tablename__ = "workload_tag"
    __table_args__ = (Index("ix_workload_tag_key", "tag_key"),)

    workload_id: int = Field(foreign_key="workload.id", ondelete="CASCADE", primary_key=True)
    tag_key: str = Field(primary_key=True)
    tag: str


def table(name: str) -> Table:
    """The Core table behind one of the classes above, for bulk reads and writes."""
    return SQLModel.metadata.tables[name]
