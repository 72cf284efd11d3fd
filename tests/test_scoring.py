"""The scoring engine: exact formulas on small cases, invariants on random ones (hypothesis)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mllens_tui.assessment import Answer, NAReason, Profile
from mllens_tui.lens.aws_json import load_aws_lens
from mllens_tui.lens.model import Choice, Lens, Question, Risk, RiskRule
from mllens_tui.scoring import choice_risk, risk_lowering_choices, score


def level(qid: str, n: int, target: int | None = None) -> Answer:
    return Answer(qid, level=n, target=target)


def na(qid: str) -> Answer:
    return Answer(qid, not_applicable=True, reason=NAReason.OUT_OF_SCOPE)


def test_empty_assessment(ml_lens: Lens) -> None:
    s = score(ml_lens, {})
    assert s.overall.score is None and s.overall.level is None
    assert s.overall.answered == 0 and s.overall.applicable == 105 and s.overall.total == 105
    assert s.overall.completeness == 0 and s.overall.coverage == 1
    assert s.overall.risks["UNANSWERED"] == 105
    assert s.floor is None and s.plan == ()
    assert len(s.unanswered) == 105


def test_weighted_mean_by_hand(ml_lens: Lens) -> None:
    # MLOE-01 weight 3, level 2 (0.5); MLSEC-01 weight 3 x pillar 2 = 6, level 1 (0.25);
    # MLCOST-05 weight 2, level 4 (1.0).
    answers = {
        "MLOE-01": level("MLOE-01", 2, target=4),
        "MLSEC-01": level("MLSEC-01", 1),
        "MLCOST-05": level("MLCOST-05", 4),
        "MLSEC-07": na("MLSEC-07"),
    }
    s = score(ml_lens, answers, Profile(pillar_weights={"security": 2.0}))
    assert s.overall.score == pytest.approx((3 * 0.5 + 6 * 0.25 + 2 * 1.0) / 11)
    assert s.overall.level == pytest.approx(s.overall.score * 4)
    assert s.overall.answered == 3 and s.overall.applicable == 104
    assert s.overall.coverage == pytest.approx(104 / 105)
    gap = 3 * (1 - 0.5) + 6 * (0.75 - 0.25) + 0
    assert s.overall.pct_to_target == pytest.approx(1 - gap / (3 * 1 + 6 * 0.75 + 2 * 0.75))
    assert s.overall.risks == {
        "HIGH": 1,
        "MEDIUM": 1,
        "NONE": 1,
        "NOT_APPLICABLE": 1,
        "UNANSWERED": 101,
    }
    assert s.floor is not None and s.floor.pillar == "security" and s.floor.score == 0.25
    assert [item.question_id for item in s.plan] == ["MLSEC-01", "MLOE-01"]
    assert s.plan[0].priority == pytest.approx(6 * ((1 + 0.75 - 0.25) ** 2 - 1))
    assert s.cells[("security", "business-goal")].score == 0.25
    assert s.cells[("reliability", "business-goal")].total == 0
    assert s.cells[("reliability", "business-goal")].score is None


def test_equal_weights_ignores_lens_and_pillar_weights(ml_lens: Lens) -> None:
    answers = {"MLOE-01": level("MLOE-01", 0), "MLCOST-05": level("MLCOST-05", 4)}
    weighted = score(ml_lens, answers, Profile(pillar_weights={"costOptimization": 5}))
    equal = score(
        ml_lens, answers, Profile(pillar_weights={"costOptimization": 5}), equal_weights=True
    )
    assert weighted.overall.score == pytest.approx(10 / 13)
    assert equal.overall.score == 0.5
    assert equal.weights == "equal"


def test_floor_ties_take_the_first_pillar_in_lens_order(ml_lens: Lens) -> None:
    s = score(ml_lens, {"MLSUS-01": level("MLSUS-01", 1), "MLSEC-01": level("MLSEC-01", 1)})
    assert s.floor is not None and s.floor.pillar == "security"


def test_plan_ties_follow_lens_order(ml_lens: Lens) -> None:
    answers = {q: level(q, 0) for q in ("MLSEC-02", "MLOE-01", "MLSEC-01")}
    assert [i.question_id for i in score(ml_lens, answers).plan] == [
        "MLOE-01",
        "MLSEC-01",
        "MLSEC-02",
    ]


def test_json_shape(ml_lens: Lens) -> None:
    data = score(ml_lens, {"MLOE-01": level("MLOE-01", 3)}).to_json()
    assert set(data) >= {
        "lens",
        "weights",
        "overall",
        "pillars",
        "phases",
        "cells",
        "floor",
        "questions",
        "plan",
    }
    assert set(data["overall"]) == {
        "score",
        "level",
        "answered",
        "applicable",
        "total",
        "completeness",
        "coverage",
        "pct_to_target",
        "risks",
    }
    assert len(data["cells"]) == 36 and "reliability/business-goal" in data["cells"]
    assert data["questions"]["MLOE-01"] == {
        "status": "answered",
        "level": 3,
        "value": 0.75,
        "target": 3,
        "weight": 3.0,
        "risk": "NONE",
    }


# -- invariants ------------------------------------------------------------------------------

LEVELS = st.one_of(st.none(), st.just("na"), st.integers(0, 4))


@st.composite
def assessments(draw: st.DrawFn, lens: Lens) -> dict[str, Answer]:
    picks = draw(st.lists(LEVELS, min_size=len(lens.questions), max_size=len(lens.questions)))
    targets = draw(
        st.lists(st.one_of(st.none(), st.integers(0, 4)), min_size=len(picks), max_size=len(picks))
    )
    answers: dict[str, Answer] = {}
    for q, pick, target in zip(lens.questions, picks, targets, strict=True):
        if pick == "na":
            answers[q.id] = na(q.id)
        elif pick is not None:
            answers[q.id] = level(q.id, pick, target)
    return answers


PILLAR_WEIGHTS = st.dictionaries(
    st.sampled_from(
        [
            "operationalExcellence",
            "security",
            "reliability",
            "performance",
            "costOptimization",
            "sustainability",
        ]
    ),
    st.floats(0.1, 10),
)


def _lens() -> Lens:
    from mllens_tui.lens.registry import builtin_lens

    return builtin_lens()


LENS = _lens()


def weighted_mean(groups, weights):  # type: ignore[no-untyped-def]
    num = sum(g.score * w for g, w in zip(groups, weights, strict=True) if g.score is not None)
    den = sum(w for g, w in zip(groups, weights, strict=True) if g.score is not None)
    return num / den if den else None


@settings(max_examples=60, deadline=None)
@given(assessments(LENS), PILLAR_WEIGHTS)
def test_overall_is_the_weighted_mean_of_pillars_and_of_phases(answers, weights) -> None:  # type: ignore[no-untyped-def]
    profile = Profile(pillar_weights=weights)
    s = score(LENS, answers, profile)

    def answered_weight(pillar=None, phase=None):  # type: ignore[no-untyped-def]
        return sum(
            s.questions[q.id].weight
            for q in LENS.questions_in(pillar, phase)
            if s.questions[q.id].status == "answered"
        )

    by_pillar = weighted_mean(
        list(s.pillars.values()), [answered_weight(pillar=p) for p in s.pillars]
    )
    by_phase = weighted_mean(list(s.phases.values()), [answered_weight(phase=p) for p in s.phases])
    by_cell = weighted_mean(list(s.cells.values()), [answered_weight(*c) for c in s.cells])
    if s.overall.score is None:
        assert by_pillar is None and by_phase is None
    else:
        assert by_pillar == pytest.approx(s.overall.score)
        assert by_phase == pytest.approx(s.overall.score)
        assert by_cell == pytest.approx(s.overall.score)


@settings(max_examples=40, deadline=None)
@given(assessments(LENS), st.floats(0.01, 100))
def test_scaling_every_weight_leaves_scores_unchanged(answers, factor) -> None:  # type: ignore[no-untyped-def]
    base = score(LENS, answers)
    scaled_profile = Profile(pillar_weights={p.id: factor for p in LENS.pillars})
    scaled = score(LENS, answers, scaled_profile)
    for key, group in base.pillars.items():
        assert scaled.pillars[key].score == pytest.approx(group.score)
    assert scaled.overall.score == pytest.approx(base.overall.score)
    assert scaled.overall.pct_to_target == pytest.approx(base.overall.pct_to_target)


@settings(max_examples=60, deadline=None)
@given(assessments(LENS), st.sampled_from([q.id for q in LENS.questions]))
def test_raising_one_level_never_lowers_any_group(answers, qid) -> None:  # type: ignore[no-untyped-def]
    current = answers.get(qid)
    if current is None or current.level is None or current.level == 4:
        return
    raised = dict(answers)
    raised[qid] = level(qid, current.level + 1, current.target)
    before, after = score(LENS, answers), score(LENS, raised)
    pairs = [(before.overall, after.overall)]
    pairs += [(before.pillars[k], after.pillars[k]) for k in before.pillars]
    pairs += [(before.phases[k], after.phases[k]) for k in before.phases]
    pairs += [(before.cells[k], after.cells[k]) for k in before.cells]
    for old, new in pairs:
        if old.score is not None:
            assert new.score is not None and new.score >= old.score - 1e-12


@settings(max_examples=60, deadline=None)
@given(assessments(LENS), st.sampled_from([q.id for q in LENS.questions]))
def test_na_and_unanswered_do_not_move_the_score(answers, qid) -> None:  # type: ignore[no-untyped-def]
    without = {k: v for k, v in answers.items() if k != qid}
    with_na = {**without, qid: na(qid)}
    base = score(LENS, without)
    marked = score(LENS, with_na)
    assert marked.overall.score == base.overall.score
    assert marked.overall.pct_to_target == base.overall.pct_to_target
    for key in base.pillars:
        assert marked.pillars[key].score == base.pillars[key].score


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.sampled_from([q.id for q in LENS.questions]), min_size=1, unique=True),
    PILLAR_WEIGHTS,
)
def test_all_maximum_answers_score_exactly_one(qids, weights) -> None:  # type: ignore[no-untyped-def]
    s = score(LENS, {q: level(q, 4) for q in qids}, Profile(pillar_weights=weights))
    assert s.overall.score == 1.0
    assert s.overall.level == 4.0
    assert s.plan == ()
    assert all(g.score in (None, 1.0) for g in s.pillars.values())


def test_scores_are_finite_and_bounded(ml_lens: Lens) -> None:
    s = score(ml_lens, {q.id: level(q.id, i % 5) for i, q in enumerate(ml_lens.questions)})
    for group in (s.overall, *s.pillars.values(), *s.phases.values()):
        assert group.score is not None and 0 <= group.score <= 1 and math.isfinite(group.score)


def _choice_question(rules: list[tuple[str, str]], *ids: str) -> Question:
    return Question(
        id="Q",
        title="Q",
        pillar="p",
        phase=None,
        weight=1,
        prompt="Q",
        choices=tuple(Choice(i, f"title {i}") for i in ids),
        risk_rules=tuple(RiskRule(cond, Risk(risk)) for cond, risk in rules),
    )


def _ids(question: Question, *selected: str) -> list[str]:
    return [c.id for c in risk_lowering_choices(question, selected)]


def test_a_choice_matters_when_it_alone_or_with_the_others_lowers_the_risk() -> None:
    # The feature store's FSOPS1: no single choice lowers HIGH, yet all four together reach
    # NONE, and each of the four is needed for that.
    q = _choice_question(
        [("a && b && c && d", "NONE"), ("(!a) || (!b)", "HIGH"), ("default", "MEDIUM")],
        "a", "b", "c", "d",
    )  # fmt: skip
    assert _ids(q) == ["a", "b", "c", "d"]
    assert _ids(q, "a") == ["b", "c", "d"]
    assert _ids(q, "a", "b", "c") == ["d"]
    assert _ids(q, "a", "b", "c", "d") == []  # no risk left to lower


def test_a_choice_that_changes_nothing_for_the_risk_does_not_matter() -> None:
    # e only counts towards the score; the rules never name it.
    q = _choice_question(
        [("a && b", "NONE"), ("a", "MEDIUM"), ("default", "HIGH")], "a", "b", "e", "x_no"
    )
    assert _ids(q) == ["a", "b"]
    assert _ids(q, "a") == ["b"]


def test_none_of_these_is_exclusive_when_weighing_a_choice() -> None:
    # With "None of these" chosen, choosing a clears it (so the HIGH rule stops holding).
    q = _choice_question(
        [("a && b", "NONE"), ("x_no", "HIGH"), ("default", "MEDIUM")], "a", "b", "x_no"
    )
    assert _ids(q, "x_no") == ["a", "b"]
    # "None of these" never lowers the risk here: chosen, it clears a and keeps HIGH.
    assert "x_no" not in _ids(q, "a")


def test_risk_lowering_choices_of_an_imported_lens(fixture_lenses: Path) -> None:
    lens = load_aws_lens(fixture_lenses / "batch-inference-lens.json")
    ops = lens.question("OPS_1")
    assert ops is not None
    assert choice_risk(ops, ["OPS_1_1"]) == Risk.MEDIUM
    assert _ids(ops, "OPS_1_1") == ["OPS_1_2", "OPS_1_3"]
    assert _ids(ops, "OPS_1_no") == ["OPS_1_1", "OPS_1_2", "OPS_1_3"]
    assert all(c.improvement_plan for c in risk_lowering_choices(ops, ["OPS_1_no"]))
