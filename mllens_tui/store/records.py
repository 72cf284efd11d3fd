"""What the store hands out: plain frozen dataclasses, never ORM objects.

Kept apart from the service so that the app and the CLI can name these types without
importing SQLAlchemy. ``HistoryPoint`` is the core's (``mllens_tui.history``), so that the
charts and reports take what ``Store.history_series`` returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mllens_tui.assessment import Answer

if TYPE_CHECKING:
    from mllens_tui.history import HistoryPoint, PointKind
    from mllens_tui.workshop import Ballot, Spread

__all__ = [
    "AnswerChangeRecord",
    "AnswerState",
    "ChangeRecord",
    "FieldValue",
    "HistoryPoint",
    "MilestoneRecord",
    "PointKind",
    "PortfolioRecord",
    "TrashedWorkload",
    "WorkloadRecord",
    "WorkshopRecord",
]


def __getattr__(name: str) -> Any:
    # The re-exported core types load when first asked for: the workload list (which reads
    # through quickread before its first frame) needs neither the history nor the workshop.
    if name in ("HistoryPoint", "PointKind"):
        from mllens_tui import history

        return getattr(history, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    tags: tuple[str, ...] = ()  # sorted without regard to case


@dataclass(frozen=True)
class PortfolioRecord:
    """A workload as the portfolio needs it: its record, current answers and latest milestone.

    ``answers`` hold what scoring reads (level, choices, N/A, target), not notes or times.
    ``last_assessed`` is the latest answer time, else the latest milestone's time.
    """

    workload: WorkloadRecord
    answers: Mapping[str, Answer]
    milestone: str | None
    milestone_overall: float | None
    last_assessed: datetime | None


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


@dataclass(frozen=True)
class AnswerState:
    """One question's stored answer (None when unanswered) and its revision.

    The revision is the workload revision of the last change to this question (0 when it never
    changed): a writer that saw revision N writes only while it is still N.
    """

    question_id: str
    answer: Answer | None
    revision: int


@dataclass(frozen=True)
class ChangeRecord:
    """What one write did, under the change counter it set: who changed what, and when."""

    counter: int
    workload_id: int | None
    workload: str
    kind: str  # answer, answers, milestone, workload, rename, delete, workshop, ballot
    question_id: str | None
    summary: str
    by: str
    at: datetime

    @property
    def text(self) -> str:
        """A notice for people: "bob set MLOE-02 to level 1"."""
        return f"{self.by or 'someone'} {self.summary}"


@dataclass(frozen=True)
class WorkshopQuestion:
    """A question in a workshop as one participant may see it: ballots are only visible to
    their own author until the question is revealed."""

    question_id: str
    ballot_count: int
    visible: tuple[Ballot, ...]
    revealed: bool
    agreed: bool
    spread: Spread | None  # only once revealed
    agreed_at: datetime | None = None


@dataclass(frozen=True)
class WorkshopRecord:
    """A workshop on a workload; ``questions`` holds the questions with ballots or a state."""

    id: int
    workload: str
    state: str
    started_by: str
    started_at: datetime
    closed_at: datetime | None
    questions: Mapping[str, WorkshopQuestion]

    @property
    def is_open(self) -> bool:
        return self.state == "open"
