"""The lens model: frozen, typed objects built by the loaders and read by everything else."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal


class Risk(StrEnum):
    """The risk a question carries, as the AWS Well-Architected Tool names it."""

    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    NONE = "NONE"


QuestionKind = Literal["level", "choice"]


@dataclass(frozen=True)
class Pillar:
    id: str
    name: str
    description: str = ""
    short: str = ""  # a column heading for narrow tables; the name when absent

    @property
    def label(self) -> str:
        return self.short or self.name


@dataclass(frozen=True)
class Phase:
    id: str
    name: str
    description: str = ""
    short: str = ""

    @property
    def label(self) -> str:
        return self.short or self.name


@dataclass(frozen=True)
class Level:
    """One maturity level of a level-based lens: its number, name, score value and risk."""

    level: int
    name: str
    value: float
    risk: Risk
    description: str = ""


@dataclass(frozen=True)
class Choice:
    """One choice of a choice-based question (AWS custom lens)."""

    id: str
    title: str
    description: str = ""
    helpful_url: str = ""
    improvement_plan: str = ""
    improvement_url: str = ""

    @property
    def is_none_of_these(self) -> bool:
        """AWS convention: a choice whose id ends in ``_no`` means "None of these"."""
        return self.id.endswith("_no")


@dataclass(frozen=True)
class RiskRule:
    """``condition`` is ``default`` or a boolean expression over choice ids."""

    condition: str
    risk: Risk


@dataclass(frozen=True)
class Question:
    """One best practice, asked as one question."""

    id: str
    title: str
    pillar: str
    phase: str | None
    weight: float
    prompt: str
    url: str = ""
    why: str = ""
    criteria: tuple[str, ...] = ()
    # Level-based questions: one description per lens level, and one step of
    # guidance per move up (len(levels) - 1), or none.
    levels: tuple[str, ...] = ()
    guidance: tuple[str, ...] = ()
    aws_risk: Risk | None = None
    # Choice-based questions (AWS custom lenses).
    choices: tuple[Choice, ...] = ()
    risk_rules: tuple[RiskRule, ...] = ()

    @property
    def kind(self) -> QuestionKind:
        return "choice" if self.choices else "level"

    def choice(self, choice_id: str) -> Choice | None:
        return next((c for c in self.choices if c.id == choice_id), None)

    @property
    def countable_choices(self) -> tuple[Choice, ...]:
        """The choices that count towards a score: all but "None of these"."""
        return tuple(c for c in self.choices if not c.is_none_of_these)

    def guidance_from(self, level: int | None) -> str:
        """The step that moves a team up from ``level`` (unanswered counts as 0)."""
        if not self.guidance:
            return ""
        index = 0 if level is None else level
        return self.guidance[min(max(index, 0), len(self.guidance) - 1)]


@dataclass(frozen=True)
class Lens:
    """A whole lens: pillars, optional phases, maturity levels and questions in lens order."""

    id: str
    name: str
    version: str
    pillars: tuple[Pillar, ...]
    phases: tuple[Phase, ...]
    levels: tuple[Level, ...]
    questions: tuple[Question, ...]
    content_hash: str
    description: str = ""
    source_url: str = ""
    _questions_by_id: dict[str, Question] = field(init=False, repr=False, compare=False, hash=False)
    _order: dict[str, int] = field(init=False, repr=False, compare=False, hash=False)
    _levels_by_number: dict[int, Level] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        # Lookups that scoring does for every question, built once.
        object.__setattr__(self, "_questions_by_id", {q.id: q for q in self.questions})
        object.__setattr__(self, "_order", {q.id: i for i, q in enumerate(self.questions)})
        object.__setattr__(self, "_levels_by_number", {lv.level: lv for lv in self.levels})

    def __iter__(self) -> Iterator[Question]:
        return iter(self.questions)

    @property
    def is_choice_based(self) -> bool:
        return any(q.kind == "choice" for q in self.questions)

    @property
    def max_level(self) -> int:
        return self.levels[-1].level if self.levels else 0

    def question(self, question_id: str) -> Question | None:
        return self._questions_by_id.get(question_id)

    def order_of(self, question_id: str) -> int:
        return self._order[question_id]

    def level(self, number: int) -> Level | None:
        return self._levels_by_number.get(number)

    def pillar(self, pillar_id: str) -> Pillar | None:
        return next((p for p in self.pillars if p.id == pillar_id), None)

    def phase(self, phase_id: str) -> Phase | None:
        return next((p for p in self.phases if p.id == phase_id), None)

    def questions_in(
        self, pillar: str | None = None, phase: str | None = None
    ) -> tuple[Question, ...]:
        """The questions of one pillar, one phase or one cell, in lens order."""
        return tuple(
            q
            for q in self.questions
            if (pillar is None or q.pillar == pillar) and (phase is None or q.phase == phase)
        )
