"""A workload's score over time: one point per milestone or per change to its answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from mllens_tui.scoring import Scores

PointKind = Literal["milestone", "change"]


@dataclass(frozen=True)
class HistoryPoint:
    """The score at one moment (scores 0-1): at a milestone, or after an answer changed."""

    at: datetime
    label: str
    overall: float | None
    pillars: Mapping[str, float | None] = field(default_factory=dict)
    kind: PointKind = "milestone"
    answered: int = 0
    revision: int | None = None
    by: str = ""

    @classmethod
    def from_scores(
        cls, at: datetime, label: str, scores: Scores, kind: PointKind = "milestone", **extra: Any
    ) -> HistoryPoint:
        return cls(
            at=at,
            label=label,
            overall=scores.overall.score,
            pillars={k: g.score for k, g in scores.pillars.items()},
            kind=kind,
            answered=scores.overall.answered,
            **extra,
        )

    def to_json(self) -> dict[str, Any]:
        from mllens_tui.snapshot import utc  # the snapshot module is heavy for the app's start

        return {
            "at": utc(self.at).isoformat().replace("+00:00", "Z"),
            "label": self.label,
            "kind": self.kind,
            "overall": self.overall,
            "pillars": dict(self.pillars),
            "answered": self.answered,
        }
