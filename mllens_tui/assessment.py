"""What a team says about its workload: answers and the profile they are scored against."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Literal

Status = Literal["answered", "not_applicable", "unanswered"]

DEFAULT_TARGET = 3


class NAReason(StrEnum):
    """Why a best practice does not apply (the reasons the AWS Well-Architected Tool offers)."""

    OUT_OF_SCOPE = "out_of_scope"
    BUSINESS_PRIORITIES = "business_priorities"
    ARCHITECTURE_CONSTRAINTS = "architecture_constraints"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Confidence(StrEnum):
    """How well an answer is backed: said, shown with evidence, or checked by someone else."""

    ASSERTED = "asserted"
    EVIDENCED = "evidenced"
    VERIFIED = "verified"


@dataclass(frozen=True)
class Answer:
    """The current answer to one question. With no level, choices or N/A it is unanswered."""

    question_id: str
    level: int | None = None
    choices: tuple[str, ...] | None = None
    not_applicable: bool = False
    reason: NAReason | None = None
    target: int | None = None
    notes: str = ""
    evidence: str = ""
    confidence: Confidence | None = None
    answered_by: str = ""
    answered_at: datetime | None = None

    @property
    def status(self) -> Status:
        if self.not_applicable:
            return "not_applicable"
        if self.level is not None or self.choices is not None:
            return "answered"
        return "unanswered"


@dataclass(frozen=True)
class Ownership:
    """Who owns an improvement-plan item and when it is due; kept apart from the answer, so
    that assigning work is not a change to the assessment."""

    owner: str = ""
    due: date | None = None

    @property
    def empty(self) -> bool:
        return not self.owner and self.due is None


@dataclass(frozen=True)
class Profile:
    """How a workload is scored: its default target level and its pillar weights."""

    default_target: int = DEFAULT_TARGET
    pillar_weights: Mapping[str, float] = field(default_factory=dict)

    def pillar_weight(self, pillar_id: str) -> float:
        return self.pillar_weights.get(pillar_id, 1.0)
