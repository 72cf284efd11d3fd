"""Pure: the ballots of a workshop and what the facilitator reads from them.

A workshop collects each participant's own answer to a question (a ``Ballot``) before anyone
sees the others'. From the ballots of one question:

* the spread: the lowest, median and highest level given (N/A ballots are counted apart);
  its width is ``max - min``, and a question where some said N/A and others gave a level is
  as wide as the lens allows (``max_level + 1``), since the group disagrees on whether it
  applies at all;
* the discussion order: widest spread first, then the heavier question (lens weight), then
  lens order; questions without ballots come last;
* the summary: ballots per participant, the questions with ballots but no agreed answer,
  the widest spreads, and the time per pillar (for each agreed question, from its first
  ballot to its agreement, added up by pillar).
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from mllens_tui.assessment import NAReason
from mllens_tui.lens.model import Lens


@dataclass(frozen=True)
class Ballot:
    """One participant's own answer to one question: a level, or N/A with a reason."""

    question_id: str
    participant: str
    level: int | None = None
    not_applicable: bool = False
    reason: NAReason | None = None
    notes: str = ""
    at: datetime | None = None

    @property
    def label(self) -> str:
        if self.not_applicable:
            return "N/A"
        return "-" if self.level is None else str(self.level)


@dataclass(frozen=True)
class Spread:
    """The levels given to one question: lowest, median, highest, and how many said N/A."""

    count: int
    low: int | None
    median: float | None
    high: int | None
    not_applicable: int

    def width(self, max_level: int) -> int:
        """How far apart the ballots are; N/A beside levels counts as the widest."""
        if self.not_applicable and self.low is not None:
            return max_level + 1
        if self.low is None or self.high is None:
            return 0
        return self.high - self.low

    @property
    def text(self) -> str:
        if self.low is None or self.high is None or self.median is None:
            return f"{self.not_applicable} N/A" if self.not_applicable else "-"
        median = f"{self.median:g}"
        out = f"{self.low}..{self.high} (median {median})"
        return out + (f", {self.not_applicable} N/A" if self.not_applicable else "")


def spread(ballots: Sequence[Ballot]) -> Spread:
    """The spread of the ballots of one question."""
    levels = sorted(b.level for b in ballots if b.level is not None and not b.not_applicable)
    na = sum(1 for b in ballots if b.not_applicable)
    if not levels:
        return Spread(len(ballots), None, None, None, na)
    return Spread(len(ballots), levels[0], float(statistics.median(levels)), levels[-1], na)


def discussion_order(lens: Lens, ballots: Mapping[str, Sequence[Ballot]]) -> list[str]:
    """Question ids with ballots, widest spread first, then heavier, then in lens order."""
    order = {q.id: i for i, q in enumerate(lens.questions)}
    weight = {q.id: q.weight for q in lens.questions}
    with_ballots = [qid for qid, found in ballots.items() if found and qid in order]
    return sorted(
        with_ballots,
        key=lambda qid: (-spread(ballots[qid]).width(lens.max_level), -weight[qid], order[qid]),
    )


@dataclass(frozen=True)
class WorkshopSummary:
    """What the facilitator reads at the end: who took part, what is open, where time went."""

    participation: dict[str, int]  # participant -> ballots cast
    without_consensus: list[str]  # question ids with ballots but no agreed answer
    widest: list[tuple[str, Spread]]  # the widest spreads, widest first
    seconds_per_pillar: dict[str, float] = field(default_factory=dict)


def summarise(
    lens: Lens,
    ballots: Mapping[str, Sequence[Ballot]],
    agreed_at: Mapping[str, datetime],
    *,
    widest: int = 5,
) -> WorkshopSummary:
    """The summary of a workshop from its ballots and the time each question was agreed."""
    participation: dict[str, int] = {}
    for found in ballots.values():
        for ballot in found:
            participation[ballot.participant] = participation.get(ballot.participant, 0) + 1
    ordered = discussion_order(lens, ballots)
    open_questions = [qid for qid in ordered if qid not in agreed_at]
    top = [
        (qid, spread(ballots[qid]))
        for qid in ordered
        if spread(ballots[qid]).width(lens.max_level) > 0
    ][:widest]
    seconds: dict[str, float] = {}
    for qid, done in agreed_at.items():
        question = lens.question(qid)
        times = [b.at for b in ballots.get(qid, ()) if b.at is not None]
        if question is None or not times:
            continue
        spent = max(0.0, (done - min(times)).total_seconds())
        seconds[question.pillar] = seconds.get(question.pillar, 0.0) + spent
    return WorkshopSummary(dict(sorted(participation.items())), open_questions, top, seconds)
