"""The store's tables as SQL handles, and the conversions between rows and core values
(``Answer``, times in UTC, pillar weights), with the checks every write makes.

Shared by the parts of ``Store`` (``session``, ``workloads``, ``answers``, ``milestones``,
``timeline``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row

from mllens_tui.assessment import Answer
from mllens_tui.inputs import name_problem, tag_problem, weight_problem
from mllens_tui.lens.model import Lens
from mllens_tui.snapshot import utc
from mllens_tui.store import series as history
from mllens_tui.store.errors import InvalidInput
from mllens_tui.store.quickread import answer_from_values
from mllens_tui.store.records import FieldValue
from mllens_tui.store.tables import table

ANSWER = table("answer")
CHANGE = table("answer_change")
MILESTONE = table("milestone")
MILESTONE_ANSWER = table("milestone_answer")
PLAN_ITEM = table("plan_item")
WORKLOAD = table("workload")
WORKLOAD_TAG = table("workload_tag")
COUNTER = table("change_counter")
LOG = table("change_log")
WORKSHOP = table("workshop")
BALLOT = table("ballot")
WORKSHOP_QUESTION = table("workshop_question")

# The columns an answer is stored in, in both ``answer`` and ``milestone_answer``: the
# fields its history follows, plus who gave it and when.
ANSWER_COLUMNS = ("question_id", *history.TRACKED_FIELDS, "answered_by", "answered_at")


# -- conversions ------------------------------------------------------------------------------


# Called through the module (``rows._now()``) so that a test can freeze the clock in one place.
def _now() -> datetime:
    return utc(datetime.now(UTC))


def _to_db(moment: datetime) -> datetime:
    """UTC at second precision, the precision snapshots keep."""
    return utc(moment)


def _from_db(moment: datetime) -> datetime:
    """Aware UTC, whether the column type hands back aware or naive (UTC) values."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _encode(value: FieldValue) -> str | None:
    if value is None:
        return None
    return json.dumps(list(value) if isinstance(value, tuple) else value, ensure_ascii=False)


def _decode(text: str | None) -> FieldValue:
    if text is None:
        return None
    value = json.loads(text)
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    if isinstance(value, bool | int | str):
        return value
    return str(value)


def _weights_to_db(weights: Mapping[str, float]) -> str:
    return json.dumps({k: float(v) for k, v in weights.items()}, sort_keys=True)


def _weights_from_db(text: str) -> dict[str, float]:
    return {str(k): float(v) for k, v in json.loads(text or "{}").items()}


def _totals_to_db(totals: history.GroupTotals) -> str:
    return json.dumps(
        {"overall": totals.overall, "pillars": totals.pillars, "answered": totals.answered}
    )


def _totals_from_db(text: str | None, lens: Lens) -> history.GroupTotals | None:
    """Stored milestone scores for ``lens``; None when they cannot be read as such (the caller
    scores the milestone's answers instead)."""
    if not text:
        return None
    try:
        value = json.loads(text)
        pillars = value["pillars"]
        if set(pillars) != {p.id for p in lens.pillars}:
            return None
        return history.GroupTotals(
            overall=_score(value["overall"]),
            pillars={p.id: _score(pillars[p.id]) for p in lens.pillars},
            answered=int(value["answered"]),
        )
    except (ValueError, TypeError, KeyError):
        return None


def _score(value: object) -> float | None:
    if value is None:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise TypeError(value)
    return float(value)


def _answer_values(answer: Answer) -> dict[str, Any]:
    """An answer's row: its tracked fields as its history records them, plus who and when."""
    values: dict[str, Any] = history.field_values(answer)
    if values["choices"] is not None:
        values["choices"] = _encode(values["choices"])
    return {
        "question_id": answer.question_id,
        **values,
        "answered_by": answer.answered_by,
        "answered_at": _to_db(answer.answered_at) if answer.answered_at is not None else None,
    }


def _answer_from_row(row: Row[Any]) -> Answer:
    return answer_from_values(row._mapping)


def _check_name(name: str, what: str) -> str:
    problem = name_problem(name, what)
    if problem is not None:
        raise InvalidInput(problem)
    return name


def _check_tag(tag: str) -> str:
    problem = tag_problem(tag)
    if problem is not None:
        raise InvalidInput(problem)
    return tag


def _check_weights(weights: Mapping[str, float], lens: Lens | None) -> dict[str, float]:
    out: dict[str, float] = {}
    for pillar_id, weight in weights.items():
        if lens is not None and lens.pillar(pillar_id) is None:
            known = ", ".join(p.id for p in lens.pillars)
            raise InvalidInput(f"unknown pillar {pillar_id!r} (expected one of: {known})")
        if isinstance(weight, bool) or not isinstance(weight, int | float):
            raise InvalidInput(f"the weight of {pillar_id!r} must be a number, got {weight!r}")
        if (problem := weight_problem(weight)) is not None:
            raise InvalidInput(f"the weight of {pillar_id!r}: {problem}")
        out[pillar_id] = float(weight)
    return out


def _check_target(target: int, lens: Lens | None) -> int:
    if isinstance(target, bool) or not isinstance(target, int) or target < 0:
        raise InvalidInput(f"a target level is a whole number from 0, got {target!r}")
    if lens is not None and not lens.is_choice_based and lens.level(target) is None:
        raise InvalidInput(f"target {target} is not a level of lens {lens.id!r}")
    return target


def _normalise(answer: Answer, *, imported: bool = False) -> Answer:
    """The answer as it is stored: checked, N/A reason only on N/A, time in UTC seconds.

    A new answer without a time is stamped now; an imported one keeps its own time (None
    stays None), so that exporting it again gives the same bytes.
    """
    if not answer.question_id:
        raise InvalidInput("an answer needs a question id")
    if answer.not_applicable and (answer.level is not None or answer.choices is not None):
        raise InvalidInput(
            f"{answer.question_id}: an answer is either N/A or has a level or choices, not both"
        )
    at = answer.answered_at
    return replace(
        answer,
        choices=tuple(answer.choices) if answer.choices is not None else None,
        reason=answer.reason if answer.not_applicable else None,
        answered_at=(None if imported else _now()) if at is None else utc(at),
    )
