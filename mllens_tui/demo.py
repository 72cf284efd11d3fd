"""A realistic demo workload: a fraud-scoring model assessed at three reviews and today.

Deterministic (seeded), so screenshots and tests see the same numbers every time. The
maturity profile is typical of a team with strong security and weak sustainability
practice that improves review after review.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

from mllens_tui.assessment import Answer, Confidence, NAReason, Profile
from mllens_tui.lens.model import Lens
from mllens_tui.snapshot import MilestoneInfo, Snapshot

DEMO_NAME = "Fraud scoring"
DEMO_DESCRIPTION = "Real-time card fraud model behind the payments API"

# Typical starting level per pillar (before the first review).
START = {
    "operationalExcellence": 1.6,
    "security": 2.4,
    "reliability": 1.9,
    "performance": 1.5,
    "costOptimization": 1.2,
    "sustainability": 0.6,
}
REVIEWS = [
    ("2026 Q2 baseline", datetime(2026, 5, 12, 14, 0, tzinfo=UTC), 0.70),
    ("2026 Q3 review", datetime(2026, 8, 18, 14, 0, tzinfo=UTC), 0.85),
    ("2026 Q4 review", datetime(2026, 11, 10, 14, 0, tzinfo=UTC), 0.92),
]
NOW = datetime(2026, 11, 27, 16, 30, tzinfo=UTC)
NOT_APPLICABLE = {"MLPER-11": NAReason.ARCHITECTURE_CONSTRAINTS, "MLSUS-14": NAReason.OUT_OF_SCOPE}
NOTES = {
    "MLSEC-05": "PII columns are tokenised in the feature pipeline; raw PANs stay in the vault.",
    "MLPER-14": "Drift report runs nightly on the top 20 features; alert threshold still manual.",
    "MLOE-07": "Lineage lives in the model registry for models, not yet for datasets.",
    "MLCOST-29": "Endpoint is over-provisioned for peak; autoscaling policy drafted.",
}
EVIDENCE = {
    "MLSEC-05": "https://wiki.example.com/fraud/pii-tokenisation",
    "MLPER-14": "https://grafana.example.com/d/fraud-drift",
}


def _levels(lens: Lens, seed: int = 7) -> dict[str, list[int]]:
    """Per question, its level at each review and now (never going down)."""
    rng = random.Random(seed)
    out: dict[str, list[int]] = {}
    for q in lens.questions:
        level = START.get(q.pillar, 1.5) + rng.uniform(-1.2, 1.2)
        path = []
        for _ in range(len(REVIEWS) + 1):
            path.append(max(0, min(lens.max_level, round(level))))
            level += rng.choice([0.0, 0.3, 0.5, 0.8])
        out[q.id] = path
    return out


def demo_snapshots(lens: Lens, name: str = DEMO_NAME) -> tuple[list[Snapshot], Snapshot]:
    """The milestone snapshots (oldest first) and the current state of the demo workload."""
    rng = random.Random(11)
    levels = _levels(lens)
    profile = Profile(default_target=3, pillar_weights={"security": 1.5})
    order = [q.id for q in lens.questions]
    # A question answered at one review stays answered at the later ones.
    draw = {qid: rng.random() for qid in order}

    def state(step: int, coverage: float, at: datetime) -> dict[str, Answer]:
        answers: dict[str, Answer] = {}
        for qid in order:
            if draw[qid] > coverage:
                continue
            if qid in NOT_APPLICABLE:
                answers[qid] = Answer(
                    qid,
                    not_applicable=True,
                    reason=NOT_APPLICABLE[qid],
                    answered_by="ana",
                    answered_at=at,
                )
                continue
            target = 4 if qid.startswith("MLSEC") and rng.random() < 0.4 else None
            answers[qid] = Answer(
                qid,
                level=levels[qid][step],
                target=target,
                notes=NOTES.get(qid, ""),
                evidence=EVIDENCE.get(qid, ""),
                confidence=Confidence.EVIDENCED if qid in EVIDENCE else Confidence.ASSERTED,
                answered_by=rng.choice(["ana", "bo", "chidi"]),
                answered_at=at,
            )
        return answers

    milestones = []
    for step, (title, at, coverage) in enumerate(REVIEWS):
        milestones.append(
            Snapshot(
                lens.id,
                lens.version,
                lens.content_hash,
                name,
                DEMO_DESCRIPTION,
                "production",
                profile,
                state(step, coverage, at),
                MilestoneInfo(title, at),
            )
        )
    current = Snapshot(
        lens.id,
        lens.version,
        lens.content_hash,
        name,
        DEMO_DESCRIPTION,
        "production",
        profile,
        state(len(REVIEWS), 0.95, NOW),
    )
    return milestones, current


def install_demo(store: Any, lens: Lens, name: str = DEMO_NAME) -> None:
    """Write the demo workload through a store (``mllens_tui.store.service.Store``): each
    review's answers, its milestone, then today's answers; in one transaction, so that a
    failure half-way (a full disk, ctrl+c) leaves no half-made workload. Raises AlreadyExists
    when a workload of that name exists."""
    milestones, current = demo_snapshots(lens, name)
    steps = [(snapshot, as_milestone) for snapshot in milestones for as_milestone in (False, True)]
    store.import_snapshots([*steps, (current, False)], lens, new=True)
