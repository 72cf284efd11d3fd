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
Scope = Literal["workload", "organisation"]

# A lens level whose risk is the practice's own AWS rating (``aws_risk``), not a fixed one.
PRACTICE_RISK: Literal["PRACTICE"] = "PRACTICE"


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
    """One maturity level of a level-based lens: its number, name, score value and risk.

    ``risk`` is a fixed risk, or ``PRACTICE``: the question's own ``aws_risk`` (HIGH when it
    has none), so that a missing practice weighs as much as AWS rates it.
    """

    level: int
    name: str
    value: float
    risk: Risk | Literal["PRACTICE"]
    description: str = ""

    def risk_of(self, question: Question) -> Risk:
        """The risk ``question`` carries when answered at this level."""
        if self.risk == PRACTICE_RISK:
            return question.aws_risk or Risk.HIGH
        return Risk(self.risk)


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
    """One best practice, asked as one question.

    ``id`` is the canonical id (the 2023 edition's for the ML Lens) under which answers are
    stored and exported; ``id_2025`` is the same practice's id in the 2025 edition, and
    either finds the question (see :meth:`Lens.question`).
    """

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
    id_2025: str = ""
    phase_2025: str | None = None  # the phase in the 2025 edition; ``phase`` when not given
    scope: Scope = "workload"
    # Level-based questions: what shows each level, one per lens level, or none.
    evidence: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.phase_2025 is None:
            object.__setattr__(self, "phase_2025", self.phase)

    @property
    def ids(self) -> str:
        """Both ids for a header, e.g. ``MLOE-01 · MLOPS01-BP01``, or the one id there is."""
        return f"{self.id} · {self.id_2025}" if self.id_2025 else self.id

    def evidence_for(self, level: int | None) -> str:
        """What shows ``level`` for this question, or "" when the lens does not say."""
        if level is None or not 0 <= level < len(self.evidence):
            return ""
        return self.evidence[level]

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
    _choice_based: bool = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        # Lookups that scoring does for every question, built once. Either id, in any case,
        # finds a question; the loader refuses a lens where two questions would share a key.
        by_id = {key.upper(): q for q in self.questions for key in (q.id, q.id_2025) if key}
        by_id.update({q.id: q for q in self.questions})
        object.__setattr__(self, "_questions_by_id", by_id)
        object.__setattr__(self, "_order", {q.id: i for i, q in enumerate(self.questions)})
        object.__setattr__(self, "_levels_by_number", {lv.level: lv for lv in self.levels})
        # Asked for every answer when snapshots are validated: 71% of that time as a scan.
        object.__setattr__(self, "_choice_based", any(q.kind == "choice" for q in self.questions))

    def __iter__(self) -> Iterator[Question]:
        return iter(self.questions)

    @property
    def is_choice_based(self) -> bool:
        return self._choice_based

    @property
    def max_level(self) -> int:
        return self.levels[-1].level if self.levels else 0

    def question(self, question_id: str) -> Question | None:
        """The question with this id: its canonical id or its 2025 id, in any case."""
        found = self._questions_by_id.get(question_id)
        return found if found is not None else self._questions_by_id.get(question_id.upper())

    def canonical_id(self, question_id: str) -> str | None:
        """The id answers are stored under for ``question_id`` (either id), or None."""
        question = self.question(question_id)
        return question.id if question is not None else None

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
