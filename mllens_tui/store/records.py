"""What the store hands out: plain frozen dataclasses, never ORM objects.

Kept apart from the service so that the app and the CLI can name these types without
importing SQLAlchemy. ``HistoryPoint`` is the core's (``mllens_tui.history``), so that the
charts and reports take what ``Store.history_series`` returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from mllens_tui.history import HistoryPoint, PointKind

__all__ = [
    "AnswerChangeRecord",
    "FieldValue",
    "HistoryPoint",
    "MilestoneRecord",
    "PointKind",
    "TrashedWorkload",
    "WorkloadRecord",
]

FieldValue = int | bool | str | tuple[str, ...] | None


@dataclass(frozen=True)
class WorkloadRecord:
    """A workload as stored. ``answered_count`` counts answers with a level or choices (not N/A)."""

    id: int
    name: str
    description: str
    environment: str
    lens_id: str
    lens_hash: str
    default_target: int
    pillar_weights: Mapping[str, float]
    created_at: datetime
    updated_at: datetime
    answered_count: int
    lens_version: str = ""
    not_applicable_count: int = 0
    milestone_count: int = 0


@dataclass(frozen=True)
class TrashedWorkload:
    """A deleted workload waiting in the trash; it is purged at ``purge_at``."""

    name: str
    deleted_at: datetime
    purge_at: datetime
    days_left: int
    answered_count: int
    not_applicable_count: int
    milestone_count: int


@dataclass(frozen=True)
class MilestoneRecord:
    """A milestone: the overall score and answer count are computed once, when it is frozen."""

    id: int
    workload: str
    name: str
    created_at: datetime
    lens_id: str
    lens_hash: str
    overall_score: float | None
    answered_count: int
    lens_version: str = ""


@dataclass(frozen=True)
class AnswerChangeRecord:
    """One changed field of one answer: ``old`` and ``new`` are None where there was no value.

    ``revision`` groups the fields changed by one transaction (one answer, or one import).
    """

    id: int
    workload: str
    question_id: str
    field: str
    old: FieldValue
    new: FieldValue
    by: str
    at: datetime
    revision: int
