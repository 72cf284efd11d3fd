"""A deterministic estate of workloads for the portfolio tests, the screenshots and the bench.

Security is weak (levels 0-1) in most workloads, so the portfolio must flag it as a shared
problem; a third of the workloads were last assessed long ago; every other one has a
milestone from the quarter before.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from mllens_tui.assessment import Answer, NAReason
from mllens_tui.lens.model import Lens
from mllens_tui.snapshot import MilestoneInfo, Snapshot
from mllens_tui.store.service import Store

TEAMS = ("team-a", "team-b", "team-c")
LONG_AGO = datetime(2025, 1, 15, 9, 0, tzinfo=UTC)


def estate_name(index: int) -> str:
    return f"{TEAMS[index % 3].removeprefix('team-').upper()}-{index:02} service"


def build_estate(store: Store, lens: Lens, count: int = 30, *, recent: datetime) -> None:
    """``count`` workloads: tags, environments, answers, milestones; ``recent`` is when the
    workloads that are not stale were last answered."""
    rng = random.Random(17)
    for index in range(count):
        stale = index % 3 == 2
        at = LONG_AGO if stale else recent - timedelta(hours=index)
        answers = {}
        for question in lens.questions:
            if rng.random() < 0.04:
                answers[question.id] = Answer(
                    question.id, not_applicable=True, reason=NAReason.OUT_OF_SCOPE, answered_at=at
                )
                continue
            weak = question.pillar == "security" and index % 5 != 0
            level = rng.randint(0, 1) if weak else rng.randint(2, 4)
            answers[question.id] = Answer(question.id, level=level, answered_at=at)
        name = estate_name(index)
        current = Snapshot(
            lens.id,
            lens.version,
            lens.content_hash,
            name,
            environment="production" if index % 2 == 0 else "staging",
            answers=answers,
            tags=(TEAMS[index % 3], *(("tier-1",) if index % 4 == 0 else ())),
        )
        steps: list[tuple[Snapshot, bool]] = []
        if index % 2 == 0:
            # The quarter before: a level lower on every question answered above 0.
            earlier = {
                qid: Answer(qid, level=max(0, (a.level or 0) - 1), answered_at=at - timedelta(90))
                if a.level is not None
                else a
                for qid, a in answers.items()
            }
            steps.append(
                (
                    Snapshot(
                        lens.id,
                        lens.version,
                        lens.content_hash,
                        name,
                        answers=earlier,
                        milestone=MilestoneInfo("previous quarter", at - timedelta(days=90)),
                    ),
                    True,
                )
            )
        steps.append((current, False))
        store.import_snapshots(steps, lens, workload=name)
