"""Pure: the score over time, from milestones and from a replay of the answer history.

``scoring.score`` computes every group, the risks and the plan (about 3 ms for the ML Lens);
a history of a hundred changes only needs the overall and pillar scores after each one. So
this module scores each question with ``scoring.question_score`` once per distinct answer
(memoised) and adds up the groups itself, in lens order, with the same formula as
``scoring`` (``sum e*v / sum e`` over answered questions, clamped to [0, 1]); a test checks
that every point equals what ``scoring.score`` gives for that state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from mllens_tui.assessment import Answer, Confidence, NAReason, Profile
from mllens_tui.formatting import quantity
from mllens_tui.lens.model import Lens
from mllens_tui.scoring import QuestionScore, question_score
from mllens_tui.store.records import FieldValue, HistoryPoint

# The fields of an answer that its history follows; who and when are kept on each change.
TRACKED_FIELDS = (
    "level",
    "choices",
    "not_applicable",
    "reason",
    "target",
    "notes",
    "evidence",
    "confidence",
)


def field_values(answer: Answer | None) -> dict[str, FieldValue]:
    """The tracked fields of an answer as plain values (an absent answer has the defaults)."""
    if answer is None:
        return {
            "level": None,
            "choices": None,
            "not_applicable": False,
            "reason": None,
            "target": None,
            "notes": "",
            "evidence": "",
            "confidence": None,
        }
    return {
        "level": answer.level,
        "choices": tuple(answer.choices) if answer.choices is not None else None,
        "not_applicable": answer.not_applicable,
        "reason": answer.reason.value if answer.reason is not None else None,
        "target": answer.target,
        "notes": answer.notes,
        "evidence": answer.evidence,
        "confidence": answer.confidence.value if answer.confidence is not None else None,
    }


def answer_from_fields(question_id: str, values: Mapping[str, FieldValue]) -> Answer:
    """The answer the tracked field values describe (who and when are not part of them)."""
    level = values.get("level")
    choices = values.get("choices")
    reason = values.get("reason")
    target = values.get("target")
    confidence = values.get("confidence")
    return Answer(
        question_id=question_id,
        level=level if isinstance(level, int) and not isinstance(level, bool) else None,
        choices=tuple(choices) if isinstance(choices, tuple) else None,
        not_applicable=values.get("not_applicable") is True,
        reason=NAReason(reason) if isinstance(reason, str) else None,
        target=target if isinstance(target, int) and not isinstance(target, bool) else None,
        notes=str(values.get("notes") or ""),
        evidence=str(values.get("evidence") or ""),
        confidence=Confidence(confidence) if isinstance(confidence, str) else None,
    )


def diff(before: Answer | None, after: Answer | None) -> list[tuple[str, FieldValue, FieldValue]]:
    """(field, old, new) for every tracked field that differs."""
    old, new = field_values(before), field_values(after)
    return [(name, old[name], new[name]) for name in TRACKED_FIELDS if old[name] != new[name]]


class QuestionScores:
    """``question_score`` memoised on what it reads of an answer, for one lens."""

    def __init__(self, lens: Lens) -> None:
        self.lens = lens
        self._cache: dict[tuple[object, ...], QuestionScore] = {}

    def scorer(self, profile: Profile) -> Callable[[str, Answer | None], QuestionScore]:
        """Score questions under one profile."""
        profile_key = (profile.default_target, tuple(sorted(profile.pillar_weights.items())))

        def get(question_id: str, answer: Answer | None) -> QuestionScore:
            if answer is None:
                key: tuple[object, ...] = (profile_key, question_id)
            else:
                key = (
                    profile_key,
                    question_id,
                    answer.not_applicable,
                    answer.level,
                    answer.choices,
                    answer.target,
                )
            found = self._cache.get(key)
            if found is None:
                question = self.lens.question(question_id)
                assert question is not None
                found = question_score(self.lens, question, answer, profile)
                self._cache[key] = found
            return found

        return get


@dataclass
class GroupTotals:
    overall: float | None
    pillars: dict[str, float | None] = field(default_factory=dict)
    answered: int = 0


def _ratio(ev: float, e: float, answered: int) -> float | None:
    if not answered or not e:
        return None
    return min(1.0, max(0.0, ev / e))


def group_totals(lens: Lens, scores: Mapping[str, QuestionScore]) -> GroupTotals:
    """The overall and per-pillar scores, summed in lens order exactly as ``scoring`` does."""
    e_all = ev_all = 0.0
    n_all = 0
    pillar_sums = {p.id: [0.0, 0.0, 0.0] for p in lens.pillars}
    for question in lens.questions:
        qs = scores[question.id]
        if qs.status != "answered":
            continue
        e = qs.weight
        ev = e * (qs.value or 0.0)
        e_all += e
        ev_all += ev
        n_all += 1
        sums = pillar_sums[question.pillar]
        sums[0] += e
        sums[1] += ev
        sums[2] += 1
    return GroupTotals(
        overall=_ratio(ev_all, e_all, n_all),
        pillars={pid: _ratio(s[1], s[0], int(s[2])) for pid, s in pillar_sums.items()},
        answered=n_all,
    )


def state_totals(
    lens: Lens, answers: Mapping[str, Answer], profile: Profile, cache: QuestionScores
) -> GroupTotals:
    """Overall and pillar scores of one set of answers."""
    get = cache.scorer(profile)
    return group_totals(lens, {q.id: get(q.id, answers.get(q.id)) for q in lens.questions})


@dataclass(frozen=True)
class ChangeRow:
    """One row of the answer history, as the replay needs it."""

    revision: int
    question_id: str
    field: str
    new: FieldValue
    old: FieldValue
    by: str
    at: datetime


@dataclass(frozen=True)
class MilestoneState:
    name: str
    at: datetime
    profile: Profile
    answers: Mapping[str, Answer]
    revision: int = 0  # the workload's revision when it was frozen
    totals: GroupTotals | None = None  # its scores under the lens, when known: not rescored


def _show(value: FieldValue) -> str:
    if value is None:
        return "-"
    if isinstance(value, tuple):
        return quantity(len(value), "choice")
    return str(value)


def change_label(rows: Sequence[ChangeRow]) -> str:
    """What one revision changed, in a few words: ``MLOE-01 level 2 -> 3`` or ``12 answers
    changed``."""
    questions = list(dict.fromkeys(r.question_id for r in rows))
    if len(questions) > 1:
        return f"{len(questions)} answers changed"
    parts = []
    for row in rows:
        if row.field in ("level", "target"):
            parts.append(f"{row.field} {_show(row.old)} -> {_show(row.new)}")
        elif row.field == "not_applicable":
            parts.append("N/A" if row.new else "not N/A")
        elif row.field == "choices":
            parts.append(f"choices {_show(row.old)} -> {_show(row.new)}")
        elif row.field in ("notes", "evidence"):
            parts.append(row.field)
        elif row.field == "confidence":
            parts.append(f"confidence {_show(row.new)}")
    return f"{questions[0]} {', '.join(parts)}".strip()


def series(
    lens: Lens,
    profile: Profile,
    changes: Iterable[ChangeRow],
    milestones: Iterable[MilestoneState],
) -> list[HistoryPoint]:
    """One point per milestone (scored with its own frozen profile) and one per revision of
    the answers (replayed from the history, scored with the workload's current profile),
    oldest first. Within one second, a milestone comes after the revision it froze.
    """
    cache = QuestionScores(lens)
    get = cache.scorer(profile)
    known = {q.id for q in lens.questions}
    state: dict[str, dict[str, FieldValue]] = {}
    scores = {q.id: get(q.id, None) for q in lens.questions}
    points: list[tuple[datetime, int, int, int, HistoryPoint]] = []

    def flush(group: list[ChangeRow]) -> None:
        for qid in {r.question_id for r in group}:
            if qid in known:
                scores[qid] = get(qid, answer_from_fields(qid, state[qid]))
        totals = group_totals(lens, scores)
        last = group[-1]
        point = HistoryPoint(
            at=last.at,
            label=change_label(group),
            kind="change",
            overall=totals.overall,
            pillars=totals.pillars,
            answered=totals.answered,
            revision=last.revision,
            by=last.by,
        )
        points.append((last.at, last.revision, 0, len(points), point))

    group: list[ChangeRow] = []
    for row in changes:
        if group and row.revision != group[-1].revision:
            flush(group)
            group = []
        state.setdefault(row.question_id, field_values(None))[row.field] = row.new
        group.append(row)
    if group:
        flush(group)
    for milestone in milestones:
        totals = milestone.totals or state_totals(lens, milestone.answers, milestone.profile, cache)
        point = HistoryPoint(
            at=milestone.at,
            label=milestone.name,
            kind="milestone",
            overall=totals.overall,
            pillars=totals.pillars,
            answered=totals.answered,
        )
        points.append((milestone.at, milestone.revision, 1, len(points), point))
    points.sort(key=lambda item: item[:4])
    return [item[4] for item in points]
