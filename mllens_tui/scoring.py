"""Pure scoring: lens + answers + profile -> scores, risks, gaps to target and a plan.

For a question q: lens weight w, pillar weight P, effective weight e = w * P; value v (the
lens value of its level, or selected / countable choices); target value t (the value of its
target level; 1 for choice questions). For a group G with A its answered, applicable
questions::

    score          = sum_A e*v / sum_A e                      (None when A is empty)
    level          = score * max_level                        (None for choice-based lenses)
    completeness   = |A| / applicable,  coverage = applicable / total
    pct_to_target  = 1 - sum_A e*max(0, t - v) / sum_A e*t
    plan priority  = e * ((1 + t - v)**2 - 1)  for answered questions with v < t

For a choice question with selected choices S, risk r(S) is that of its first rule that holds.
With F = S without "None of these", plus every other unchosen choice, an unchosen choice c
lowers the risk (:func:`risk_lowering_choices`) when r(S) is not NONE and either
r(S + c) < r(S) (choosing c clears "None of these", and "None of these" clears the rest), or
r(F) < r(S) and r(F - c) > r(F): c is needed for the lowest risk that choosing all reaches.

The plan is ranked by priority; ``by_due`` reorders question ids by their owners' due dates
(dated first, earliest first; the undated keep their order). N/A and unanswered questions
never move a score. The whole computation is one pass over
the questions that feeds every group it belongs to.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from mllens_tui.assessment import Answer, Ownership, Profile, Status
from mllens_tui.lens.model import Choice, Lens, Question, Risk
from mllens_tui.lens.rules import Rule, parse_rule

RISK_KEYS = ("HIGH", "MEDIUM", "NONE", "NOT_APPLICABLE", "UNANSWERED")
WeightMode = Literal["lens", "equal"]


@dataclass(frozen=True)
class GroupScore:
    """The score of a set of questions: the whole lens, a pillar, a phase or a cell."""

    score: float | None
    level: float | None
    answered: int
    applicable: int
    total: int
    completeness: float | None
    coverage: float | None
    pct_to_target: float | None
    risks: Mapping[str, int]

    def to_json(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "level": self.level,
            "answered": self.answered,
            "applicable": self.applicable,
            "total": self.total,
            "completeness": self.completeness,
            "coverage": self.coverage,
            "pct_to_target": self.pct_to_target,
            "risks": dict(self.risks),
        }


@dataclass(frozen=True)
class QuestionScore:
    """How one question counts: its status, value against target, effective weight and risk."""

    question_id: str
    status: Status
    level: int | None
    value: float | None
    target: int | None
    target_value: float
    weight: float
    risk: str

    @property
    def contribution(self) -> float:
        """e * v: what this question adds to the numerator of its groups' scores."""
        return self.weight * (self.value or 0.0) if self.status == "answered" else 0.0

    @property
    def gap(self) -> float:
        return max(0.0, self.target_value - (self.value or 0.0))

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "level": self.level,
            "value": self.value,
            "target": self.target,
            "weight": self.weight,
            "risk": self.risk,
        }


@dataclass(frozen=True)
class PlanItem:
    """One step of the improvement plan: a question below its target, and how urgent it is."""

    question_id: str
    level: int | None
    value: float
    target: int | None
    target_value: float
    priority: float
    risk: str

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question_id,
            "value": self.value,
            "target": self.target_value,
            "priority": self.priority,
            "risk": self.risk,
        }


@dataclass(frozen=True)
class Floor:
    pillar: str
    score: float


@dataclass(frozen=True)
class Scores:
    """Everything the engine computes for one lens, one set of answers and one profile."""

    lens_id: str
    lens_version: str
    content_hash: str
    weights: WeightMode
    overall: GroupScore
    pillars: Mapping[str, GroupScore]
    phases: Mapping[str, GroupScore]
    cells: Mapping[tuple[str, str], GroupScore]
    floor: Floor | None
    questions: Mapping[str, QuestionScore]
    plan: tuple[PlanItem, ...]
    unanswered: tuple[str, ...]
    max_level: int = field(default=0)

    def to_json(self) -> dict[str, Any]:
        """The ``mllens score --json`` document."""
        return {
            "lens": {
                "id": self.lens_id,
                "version": self.lens_version,
                "content_hash": self.content_hash,
            },
            "weights": self.weights,
            "overall": self.overall.to_json(),
            "pillars": {k: v.to_json() for k, v in self.pillars.items()},
            "phases": {k: v.to_json() for k, v in self.phases.items()},
            "cells": {f"{p}/{ph}": v.to_json() for (p, ph), v in self.cells.items()},
            "floor": (
                {"pillar": self.floor.pillar, "score": self.floor.score} if self.floor else None
            ),
            "questions": {k: v.to_json() for k, v in self.questions.items()},
            "plan": [item.to_json() for item in self.plan],
            "unanswered": list(self.unanswered),
        }


class _Accumulator:
    """Running sums for one group; ``result`` turns them into a GroupScore."""

    __slots__ = ("answered", "e_sum", "ev_sum", "gap_sum", "na", "risks", "t_sum", "total")

    def __init__(self) -> None:
        self.total = 0
        self.answered = 0
        self.na = 0
        self.e_sum = 0.0
        self.ev_sum = 0.0
        self.gap_sum = 0.0
        self.t_sum = 0.0
        self.risks = dict.fromkeys(RISK_KEYS, 0)

    def add(self, qs: QuestionScore) -> None:
        self.add_terms(qs.status, qs.risk, *_terms(qs))

    def add_terms(
        self, status: Status, risk: str, e: float, ev: float, eg: float, et: float
    ) -> None:
        self.total += 1
        self.risks[risk] += 1
        if status == "not_applicable":
            self.na += 1
        elif status == "answered":
            self.answered += 1
            self.e_sum += e
            self.ev_sum += ev
            self.gap_sum += eg
            self.t_sum += et

    def result(self, max_level: int | None) -> GroupScore:
        score = self.ev_sum / self.e_sum if self.answered and self.e_sum else None
        if score is not None:
            score = min(1.0, max(0.0, score))
        applicable = self.total - self.na
        return GroupScore(
            score=score,
            level=None if score is None or max_level is None else score * max_level,
            answered=self.answered,
            applicable=applicable,
            total=self.total,
            completeness=self.answered / applicable if applicable else None,
            coverage=applicable / self.total if self.total else None,
            pct_to_target=1 - self.gap_sum / self.t_sum if self.t_sum else None,
            risks=self.risks,
        )


def _terms(qs: QuestionScore) -> tuple[float, float, float, float]:
    """e, e*v, e*gap and e*t: what one question adds to every group it belongs to."""
    e = qs.weight
    v = qs.value or 0.0
    return e, e * v, e * max(0.0, qs.target_value - v), e * qs.target_value


_RULE_CACHE: dict[str, Rule] = {}


def _rule(condition: str) -> Rule:
    rule = _RULE_CACHE.get(condition)
    if rule is None:
        rule = _RULE_CACHE[condition] = parse_rule(condition)
    return rule


def choice_risk(question: Question, selected: Iterable[str]) -> Risk:
    """The first risk rule whose condition holds; NONE when none does."""
    chosen = frozenset(selected)
    for rule in question.risk_rules:
        if _rule(rule.condition).evaluate(chosen):
            return rule.risk
    return Risk.NONE


_RISK_RANK = {Risk.NONE: 0, Risk.MEDIUM: 1, Risk.HIGH: 2}


def risk_lowering_choices(question: Question, selected: Iterable[str]) -> tuple[Choice, ...]:
    """The unchosen choices of ``question`` that matter for its risk, in lens order.

    A choice matters when choosing it on its own lowers the risk its rules give, or when it
    is needed for the lowest risk that choosing every unchosen choice reaches (see the
    module docstring). "None of these" is exclusive here as when choosing: choosing another
    choice clears it, and choosing it clears the others. Empty when the risk is NONE.
    """
    chosen = frozenset(selected)
    now = _RISK_RANK[choice_risk(question, chosen)]
    if now == 0:
        return ()
    none_ids = {c.id for c in question.choices if c.is_none_of_these}
    kept = chosen - none_ids
    unchosen = [c for c in question.choices if c.id not in chosen]
    every = kept | {c.id for c in unchosen if c.id not in none_ids}
    best = _RISK_RANK[choice_risk(question, every)]

    def matters(choice: Choice) -> bool:
        alone = {choice.id} if choice.id in none_ids else kept | {choice.id}
        if _RISK_RANK[choice_risk(question, alone)] < now:
            return True
        return (
            choice.id not in none_ids
            and best < now
            and _RISK_RANK[choice_risk(question, every - {choice.id})] > best
        )

    return tuple(c for c in unchosen if matters(c))


def question_score(
    lens: Lens,
    question: Question,
    answer: Answer | None,
    profile: Profile,
    *,
    equal_weights: bool = False,
) -> QuestionScore:
    """How one question counts, given its answer (or None)."""
    weight = 1.0 if equal_weights else question.weight * profile.pillar_weight(question.pillar)
    status: Status = answer.status if answer is not None else "unanswered"
    if question.kind == "choice":
        target: int | None = None
        target_value = 1.0
    else:
        target = answer.target if answer is not None and answer.target is not None else None
        if target is None:
            target = min(profile.default_target, lens.max_level)
        target_level = lens.level(target)
        target_value = target_level.value if target_level else 1.0
    level: int | None = None
    value: float | None = None
    if status == "not_applicable":
        risk = "NOT_APPLICABLE"
    elif status == "unanswered" or answer is None:
        risk = "UNANSWERED"
    elif question.kind == "choice":
        selected = answer.choices or ()
        countable = question.countable_choices
        counted = sum(1 for c in countable if c.id in selected)
        value = counted / len(countable) if countable else 0.0
        risk = choice_risk(question, selected).value
    else:
        level = answer.level
        lens_level = lens.level(level) if level is not None else None
        value = lens_level.value if lens_level else 0.0
        risk = lens_level.risk_of(question).value if lens_level else Risk.HIGH.value
    return QuestionScore(
        question_id=question.id,
        status=status,
        level=level,
        value=value,
        target=target,
        target_value=target_value,
        weight=weight,
        risk=risk,
    )


def score(
    lens: Lens,
    answers: Mapping[str, Answer],
    profile: Profile | None = None,
    *,
    equal_weights: bool = False,
    pillars_only: bool = False,
) -> Scores:
    """Score every group of the lens in one pass. Answers to unknown questions are ignored.

    With ``pillars_only``, phases, cells and the plan are left empty: what a table of many
    workloads needs (the portfolio), at about two thirds of the cost.
    """
    profile = profile or Profile()
    overall = _Accumulator()
    pillars = {p.id: _Accumulator() for p in lens.pillars}
    phases = {} if pillars_only else {p.id: _Accumulator() for p in lens.phases}
    cells = (
        {}
        if pillars_only
        else {(p.id, ph.id): _Accumulator() for p in lens.pillars for ph in lens.phases}
    )
    questions: dict[str, QuestionScore] = {}
    for question in lens.questions:
        qs = question_score(
            lens, question, answers.get(question.id), profile, equal_weights=equal_weights
        )
        questions[question.id] = qs
        terms = _terms(qs)
        overall.add_terms(qs.status, qs.risk, *terms)
        pillars[question.pillar].add_terms(qs.status, qs.risk, *terms)
        if question.phase is not None and not pillars_only:
            phases[question.phase].add_terms(qs.status, qs.risk, *terms)
            cells[(question.pillar, question.phase)].add_terms(qs.status, qs.risk, *terms)

    max_level: int | None = None if lens.is_choice_based else lens.max_level
    pillar_scores = {k: acc.result(max_level) for k, acc in pillars.items()}
    floor: Floor | None = None
    for pillar_id, group in pillar_scores.items():
        if group.score is not None and (floor is None or group.score < floor.score):
            floor = Floor(pillar_id, group.score)
    return Scores(
        lens_id=lens.id,
        lens_version=lens.version,
        content_hash=lens.content_hash,
        weights="equal" if equal_weights else "lens",
        overall=overall.result(max_level),
        pillars=pillar_scores,
        phases={k: acc.result(max_level) for k, acc in phases.items()},
        cells={k: acc.result(max_level) for k, acc in cells.items()},
        floor=floor,
        questions=questions,
        plan=() if pillars_only else _plan(lens, questions),
        unanswered=tuple(qid for qid, qs in questions.items() if qs.status == "unanswered"),
        max_level=lens.max_level,
    )


def _plan(lens: Lens, questions: Mapping[str, QuestionScore]) -> tuple[PlanItem, ...]:
    items = []
    for qid, qs in questions.items():
        if qs.status != "answered" or qs.value is None or qs.value >= qs.target_value:
            continue
        t, v = qs.target_value, qs.value
        items.append(
            PlanItem(
                question_id=qid,
                level=qs.level,
                value=v,
                target=qs.target,
                target_value=t,
                priority=qs.weight * ((1 + t - v) ** 2 - 1),
                risk=qs.risk,
            )
        )
    items.sort(key=lambda item: (-item.priority, lens.order_of(item.question_id)))
    return tuple(items)


def by_due(question_ids: Iterable[str], owners: Mapping[str, Ownership]) -> list[str]:
    """``question_ids`` with those due soonest first; the undated keep their order, last."""

    def key(qid: str) -> tuple[bool, date]:
        ownership = owners.get(qid)
        due = ownership.due if ownership is not None else None
        return (due is None, due or date.min)

    return sorted(question_ids, key=key)
