"""The scoring engine on small lenses worked by hand: every number a user reads, exactly.

Each case is small enough to check on paper; the expected values are written out rather
than recomputed with the module's own formula, so a wrong operator or constant shows.
"""

from __future__ import annotations

from datetime import date

import pytest

from mllens_tui.assessment import Answer, NAReason, Ownership, Profile
from mllens_tui.lens.model import Choice, Lens, Level, Phase, Pillar, Question, Risk, RiskRule
from mllens_tui.scoring import (
    QuestionScore,
    by_due,
    choice_risk,
    question_score,
    risk_lowering_choices,
    score,
)

LEVELS = (
    Level(0, "None", 0.0, Risk.HIGH),
    Level(1, "Some", 0.25, Risk.HIGH),
    Level(2, "Half", 0.5, Risk.MEDIUM),
    Level(3, "Most", 0.75, Risk.NONE),
    Level(4, "All", 1.0, Risk.NONE),
)


def q(qid: str, pillar: str, phase: str | None, weight: float = 1.0) -> Question:
    return Question(qid, qid, pillar, phase, weight, "Do you?")


def level_lens(*questions: Question, levels: tuple[Level, ...] = LEVELS) -> Lens:
    return Lens(
        id="tiny",
        name="Tiny",
        version="7",
        pillars=(Pillar("ops", "Operations"), Pillar("sec", "Security")),
        phases=(Phase("build", "Build"), Phase("run", "Run")),
        levels=levels,
        questions=questions,
        content_hash="sha256:tiny",
    )


# Four questions: two per pillar, one per phase in each pillar.
TINY = level_lens(
    q("O1", "ops", "build", 3),
    q("O2", "ops", "run", 2),
    q("S1", "sec", "build", 3),
    q("S2", "sec", "run", 1),
)


def lv(qid: str, n: int, target: int | None = None) -> Answer:
    return Answer(qid, level=n, target=target)


def na(qid: str) -> Answer:
    return Answer(qid, not_applicable=True, reason=NAReason.OUT_OF_SCOPE)


def test_every_figure_of_a_small_assessment() -> None:
    # O1: weight 3, level 2 (0.5), target 4 (1.0); O2: N/A; S1: weight 3 x pillar 2 = 6,
    # level 1 (0.25), default target 3 (0.75); S2 unanswered.
    answers = {"O1": lv("O1", 2, target=4), "O2": na("O2"), "S1": lv("S1", 1)}
    s = score(TINY, answers, Profile(pillar_weights={"sec": 2.0}))

    o = s.overall
    assert o.score == pytest.approx((3 * 0.5 + 6 * 0.25) / 9)  # 3/9
    assert o.level == pytest.approx(4 / 3)
    assert (o.answered, o.applicable, o.total) == (2, 3, 4)
    assert o.completeness == pytest.approx(2 / 3)
    assert o.coverage == pytest.approx(3 / 4)
    # gap: 3 * (1.0 - 0.5) + 6 * (0.75 - 0.25) = 4.5; targets: 3 * 1.0 + 6 * 0.75 = 7.5
    assert o.pct_to_target == pytest.approx(1 - 4.5 / 7.5)
    assert o.risks == {"HIGH": 1, "MEDIUM": 1, "NONE": 0, "NOT_APPLICABLE": 1, "UNANSWERED": 1}

    ops, sec = s.pillars["ops"], s.pillars["sec"]
    assert (ops.score, ops.level, ops.answered, ops.applicable, ops.total) == (0.5, 2.0, 1, 1, 2)
    assert ops.completeness == 1.0 and ops.coverage == 0.5 and ops.pct_to_target == 0.5
    assert (sec.score, sec.level, sec.answered, sec.applicable, sec.total) == (0.25, 1.0, 1, 2, 2)
    assert sec.completeness == 0.5 and sec.coverage == 1.0
    assert sec.pct_to_target == pytest.approx(1 - 0.5 / 0.75)

    build, run = s.phases["build"], s.phases["run"]
    assert build.score == pytest.approx(3 / 9) and build.answered == 2
    assert build.level == pytest.approx(4 / 3)
    assert run.score is None and run.level is None and run.pct_to_target is None
    assert (run.answered, run.applicable, run.total) == (0, 1, 2)
    assert run.completeness == 0.0 and run.coverage == 0.5
    assert run.risks == {"HIGH": 0, "MEDIUM": 0, "NONE": 0, "NOT_APPLICABLE": 1, "UNANSWERED": 1}

    assert s.cells[("sec", "build")].score == 0.25
    assert s.cells[("sec", "build")].level == 1.0
    assert s.cells[("ops", "run")].applicable == 0
    assert s.cells[("ops", "run")].completeness is None
    assert s.cells[("ops", "run")].coverage == 0.0

    assert s.floor is not None and (s.floor.pillar, s.floor.score) == ("sec", 0.25)
    assert s.unanswered == ("S2",)
    assert s.max_level == 4 and s.weights == "lens"
    assert (s.lens_id, s.lens_version, s.content_hash) == ("tiny", "7", "sha256:tiny")


def test_each_question_score_says_how_it_counts() -> None:
    answers = {"O1": lv("O1", 2, target=4), "O2": na("O2"), "S1": lv("S1", 1)}
    s = score(TINY, answers, Profile(pillar_weights={"sec": 2.0}))
    assert s.questions["O1"] == QuestionScore("O1", "answered", 2, 0.5, 4, 1.0, 3.0, "MEDIUM")
    assert s.questions["O2"] == QuestionScore(
        "O2", "not_applicable", None, None, 3, 0.75, 2.0, "NOT_APPLICABLE"
    )
    assert s.questions["S1"] == QuestionScore("S1", "answered", 1, 0.25, 3, 0.75, 6.0, "HIGH")
    assert s.questions["S2"] == QuestionScore(
        "S2", "unanswered", None, None, 3, 0.75, 2.0, "UNANSWERED"
    )
    assert [qs.contribution for qs in s.questions.values()] == [1.5, 0.0, 1.5, 0.0]
    assert [qs.gap for qs in s.questions.values()] == [0.5, 0.75, 0.5, 0.75]


def test_a_level_zero_answer_contributes_nothing_and_has_the_whole_gap() -> None:
    s = score(TINY, {"O1": lv("O1", 0)})
    assert s.questions["O1"].contribution == 0.0
    assert s.questions["O1"].gap == 0.75
    assert s.overall.score == 0.0 and s.overall.level == 0.0
    assert s.overall.pct_to_target == 0.0


def test_an_answer_above_target_has_no_gap_and_is_not_in_the_plan() -> None:
    s = score(TINY, {"O1": lv("O1", 4), "O2": lv("O2", 3), "S1": lv("S1", 2, target=1)})
    assert s.questions["O1"].gap == 0.0 and s.questions["S1"].gap == 0.0
    assert s.overall.pct_to_target == 1.0
    # At target (O2) or above it (O1, S1): nothing to plan.
    assert s.plan == ()


def test_plan_priority_and_order_by_hand() -> None:
    # weight * ((1 + t - v)^2 - 1):
    # O1: 3 * ((1 + 0.75 - 0.5)^2 - 1) = 3 * 0.5625 = 1.6875
    # O2: 2 * ((1 + 1.0 - 0.0)^2 - 1) = 2 * 3 = 6
    # S1: 3 * ((1 + 0.75 - 0.25)^2 - 1) = 3 * 1.25 = 3.75
    # S2: 1 * ((1 + 0.75 - 0.5)^2 - 1) = 0.5625
    answers = {
        "O1": lv("O1", 2),
        "O2": lv("O2", 0, target=4),
        "S1": lv("S1", 1),
        "S2": lv("S2", 2),
    }
    plan = score(TINY, answers).plan
    assert [(i.question_id, i.priority) for i in plan] == [
        ("O2", 6.0),
        ("S1", 3.75),
        ("O1", 1.6875),
        ("S2", 0.5625),
    ]
    first = plan[0]
    assert (first.level, first.value, first.target, first.target_value, first.risk) == (
        0,
        0.0,
        4,
        1.0,
        "HIGH",
    )
    assert first.to_json() == {
        "question": "O2",
        "value": 0.0,
        "target": 1.0,
        "priority": 6.0,
        "risk": "HIGH",
    }


def test_equal_weights_give_every_question_weight_one() -> None:
    answers = {"O1": lv("O1", 0), "S1": lv("S1", 4)}
    s = score(TINY, answers, Profile(pillar_weights={"sec": 5.0}), equal_weights=True)
    assert s.weights == "equal"
    assert [qs.weight for qs in s.questions.values()] == [1.0, 1.0, 1.0, 1.0]
    assert s.overall.score == 0.5
    # priority = 1 * ((1 + 0.75 - 0)^2 - 1)
    assert [(i.question_id, i.priority) for i in s.plan] == [("O1", 2.0625)]
    weighted = score(TINY, answers, Profile(pillar_weights={"sec": 5.0}))
    assert weighted.overall.score == pytest.approx(15 / 18)


def test_the_default_target_is_capped_at_the_top_level() -> None:
    s = score(TINY, {"O1": lv("O1", 1)}, Profile(default_target=9))
    assert s.questions["O1"].target == 4 and s.questions["O1"].target_value == 1.0
    low = score(TINY, {"O1": lv("O1", 1)}, Profile(default_target=1))
    assert low.questions["O1"].target == 1 and low.questions["O1"].target_value == 0.25
    assert low.plan == ()


def test_a_target_the_lens_does_not_have_counts_as_the_full_value() -> None:
    qs = question_score(TINY, TINY.questions[0], lv("O1", 2, target=9), Profile())
    assert (qs.target, qs.target_value) == (9, 1.0)
    assert qs.weight == 3.0  # the lens weight unless equal weights are asked for


def test_a_level_the_lens_does_not_have_is_worth_nothing_and_high_risk() -> None:
    qs = question_score(TINY, TINY.questions[0], lv("O1", 9), Profile())
    assert (qs.status, qs.level, qs.value, qs.risk) == ("answered", 9, 0.0, "HIGH")


def test_scores_stay_within_0_and_1_whatever_the_level_values() -> None:
    # A hand-built lens may carry values outside 0..1 (the loader refuses them): the score
    # a user reads is still clamped to the scale.
    odd = level_lens(
        q("O1", "ops", "build"),
        q("S1", "sec", "build"),
        levels=(Level(0, "Below", -0.5, Risk.HIGH), Level(1, "Above", 1.5, Risk.NONE)),
    )
    s = score(odd, {"O1": lv("O1", 1), "S1": lv("S1", 0)})
    assert s.pillars["ops"].score == 1.0 and s.pillars["ops"].level == 1.0
    assert s.pillars["sec"].score == 0.0 and s.pillars["sec"].level == 0.0
    assert s.overall.score == 0.5


def test_floor_is_the_lowest_scored_pillar_and_ignores_unscored_ones() -> None:
    s = score(TINY, {"S1": lv("S1", 3), "S2": lv("S2", 1)})
    # ops has no answers: no score, so it cannot be the floor.
    assert s.floor is not None and s.floor.pillar == "sec"
    assert s.floor.score == pytest.approx((3 * 0.75 + 1 * 0.25) / 4)
    later = score(TINY, {"O1": lv("O1", 3), "S1": lv("S1", 2)})
    assert later.floor is not None and (later.floor.pillar, later.floor.score) == ("sec", 0.5)
    tie = score(TINY, {"O1": lv("O1", 2), "S1": lv("S1", 2)})
    assert tie.floor is not None and tie.floor.pillar == "ops"


def test_questions_without_a_phase_count_for_their_pillar_only() -> None:
    lens = level_lens(q("O1", "ops", None, 2), q("S1", "sec", "run"))
    s = score(lens, {"O1": lv("O1", 4), "S1": lv("S1", 0)})
    assert s.pillars["ops"].score == 1.0
    assert s.phases["build"].total == 0 and s.phases["run"].total == 1
    assert sum(c.total for c in s.cells.values()) == 1
    assert s.overall.score == pytest.approx(2 / 3)


def test_answers_to_unknown_questions_are_ignored() -> None:
    s = score(TINY, {"O1": lv("O1", 4), "NOPE": lv("NOPE", 0)})
    assert s.overall.score == 1.0 and s.overall.answered == 1
    assert set(s.questions) == {"O1", "O2", "S1", "S2"}


def test_json_document_by_hand() -> None:
    s = score(TINY, {"O1": lv("O1", 2), "S2": na("S2")})
    data = s.to_json()
    assert data["lens"] == {"id": "tiny", "version": "7", "content_hash": "sha256:tiny"}
    assert data["weights"] == "lens"
    assert data["overall"] == {
        "score": 0.5,
        "level": 2.0,
        "answered": 1,
        "applicable": 3,
        "total": 4,
        "completeness": pytest.approx(1 / 3),
        "coverage": 0.75,
        "pct_to_target": pytest.approx(1 - 0.25 / 0.75),
        "risks": {"HIGH": 0, "MEDIUM": 1, "NONE": 0, "NOT_APPLICABLE": 1, "UNANSWERED": 2},
    }
    assert list(data["pillars"]) == ["ops", "sec"] and list(data["phases"]) == ["build", "run"]
    assert list(data["cells"]) == ["ops/build", "ops/run", "sec/build", "sec/run"]
    assert data["cells"]["ops/build"]["score"] == 0.5
    assert data["floor"] == {"pillar": "ops", "score": 0.5}
    assert data["questions"]["S2"] == {
        "status": "not_applicable",
        "level": None,
        "value": None,
        "target": 3,
        "weight": 1.0,
        "risk": "NOT_APPLICABLE",
    }
    assert data["plan"] == [
        {"question": "O1", "value": 0.5, "target": 0.75, "priority": 1.6875, "risk": "MEDIUM"}
    ]
    assert data["unanswered"] == ["O2", "S1"]
    assert score(TINY, {}).to_json()["floor"] is None


# -- choice-based lenses (AWS custom lenses) ---------------------------------------------------


def choice_question(qid: str, pillar: str, rules: tuple[RiskRule, ...]) -> Question:
    return Question(
        qid,
        qid,
        pillar,
        None,
        1.0,
        "Which do you do?",
        choices=(Choice("a", "A"), Choice("b", "B"), Choice("c", "C"), Choice("q_no", "None")),
        risk_rules=rules,
    )


RULES = (
    RiskRule("q_no || !a", Risk.HIGH),
    RiskRule("!b", Risk.MEDIUM),
    RiskRule("default", Risk.NONE),
)
CHOICE_LENS = Lens(
    id="choices",
    name="Choices",
    version="1",
    pillars=(Pillar("ops", "Operations"),),
    phases=(),
    levels=(),
    questions=(choice_question("C1", "ops", RULES), choice_question("C2", "ops", RULES[:2])),
    content_hash="sha256:choices",
)


def test_choice_questions_score_the_share_of_countable_choices() -> None:
    answers = {
        "C1": Answer("C1", choices=("a", "c")),
        "C2": Answer("C2", choices=("q_no",)),
    }
    s = score(CHOICE_LENS, answers)
    c1, c2 = s.questions["C1"], s.questions["C2"]
    assert (c1.value, c1.risk, c1.target, c1.target_value, c1.level) == (
        pytest.approx(2 / 3),
        "MEDIUM",
        None,
        1.0,
        None,
    )
    assert (c2.value, c2.risk) == (0.0, "HIGH")
    assert s.overall.score == pytest.approx(1 / 3)
    # Choice-based lenses have no level scale.
    assert s.overall.level is None and s.pillars["ops"].level is None
    assert s.max_level == 0
    assert [i.question_id for i in s.plan] == ["C2", "C1"]
    assert s.plan[0].priority == 3.0  # 1 * ((1 + 1 - 0)^2 - 1)


def test_choice_risk_takes_the_first_rule_that_holds_else_none() -> None:
    c1, c2 = CHOICE_LENS.questions
    assert choice_risk(c1, ["a", "b"]) is Risk.NONE  # only default holds
    assert choice_risk(c1, ["a"]) is Risk.MEDIUM
    assert choice_risk(c1, ["b"]) is Risk.HIGH  # !a: the HIGH rule comes first
    assert choice_risk(c2, ["a", "b"]) is Risk.NONE  # no rule holds, no default
    assert choice_risk(c2, iter(["a", "b", "q_no"])) is Risk.HIGH  # any iterable of ids


def test_a_choice_question_without_countable_choices_is_worth_nothing() -> None:
    only_none = Question(
        "N1",
        "N1",
        "ops",
        None,
        1.0,
        "?",
        choices=(Choice("n_no", "None"),),
        risk_rules=(RiskRule("default", Risk.NONE),),
    )
    lens = Lens("x", "X", "1", (Pillar("ops", "Ops"),), (), (), (only_none,), "sha256:x")
    s = score(lens, {"N1": Answer("N1", choices=("n_no",))})
    assert (s.questions["N1"].value, s.questions["N1"].risk) == (0.0, "NONE")
    assert s.overall.score == 0.0


def test_each_condition_is_parsed_once_however_often_it_is_scored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Scoring thousands of snapshots of one lens must not parse its rules again each time.
    from mllens_tui import scoring

    monkeypatch.setattr(scoring, "_RULE_CACHE", {})
    parsed: list[str] = []
    real_parse = scoring.parse_rule

    def counting_parse(text: str):  # type: ignore[no-untyped-def]
        parsed.append(text)
        return real_parse(text)

    monkeypatch.setattr(scoring, "parse_rule", counting_parse)
    answers = {"C1": Answer("C1", choices=("a", "c")), "C2": Answer("C2", choices=("q_no",))}
    for _ in range(3):
        s = score(CHOICE_LENS, answers)
        assert (s.questions["C1"].risk, s.questions["C2"].risk) == ("MEDIUM", "HIGH")
    assert parsed == ["q_no || !a", "!b"]


def test_levels_that_take_the_practices_risk() -> None:
    practice = (
        Level(0, "None", 0.0, "PRACTICE"),
        Level(1, "Some", 0.5, Risk.NONE),
    )
    lens = level_lens(
        Question("M", "M", "ops", "build", 2.0, "?", aws_risk=Risk.MEDIUM),
        Question("H", "H", "ops", "build", 3.0, "?", aws_risk=Risk.HIGH),
        Question("U", "U", "sec", "run", 1.0, "?"),
        levels=practice,
    )
    s = score(lens, {"M": lv("M", 0), "H": lv("H", 0), "U": lv("U", 0)})
    assert [qs.risk for qs in s.questions.values()] == ["MEDIUM", "HIGH", "HIGH"]
    assert s.overall.risks["HIGH"] == 2 and s.overall.risks["MEDIUM"] == 1
    assert score(lens, {"M": lv("M", 1)}).questions["M"].risk == "NONE"


def test_by_due_puts_the_soonest_first_and_the_undated_last_in_their_order() -> None:
    owners = {
        "A": Ownership(owner="ana"),
        "B": Ownership(due=date(2027, 5, 1)),
        "C": Ownership(owner="bo", due=date(2027, 1, 1)),
        "E": Ownership(due=date(2027, 5, 1)),
    }
    assert by_due(["A", "B", "D", "C", "E"], owners) == ["C", "B", "E", "A", "D"]
    assert by_due(iter(["D", "A"]), owners) == ["D", "A"]


def test_an_answer_with_notes_only_is_unanswered() -> None:
    s = score(TINY, {"O1": Answer("O1", notes="still discussing")})
    assert s.questions["O1"] == QuestionScore(
        "O1", "unanswered", None, None, 3, 0.75, 3.0, "UNANSWERED"
    )
    assert s.overall.risks["UNANSWERED"] == 4 and s.overall.risks["HIGH"] == 0
    assert s.overall.score is None and s.unanswered == ("O1", "O2", "S1", "S2")


def test_the_choices_that_would_lower_the_risk_by_hand() -> None:
    # C1: HIGH when "q_no || !a", MEDIUM when "!b", else NONE.
    c1, c2 = CHOICE_LENS.questions

    def ids(question: Question, *selected: str) -> list[str]:
        return [c.id for c in risk_lowering_choices(question, selected)]

    # Nothing chosen (HIGH): a alone gives MEDIUM; b is needed for NONE, which a, b, c reach.
    assert ids(c1) == ["a", "b"]
    assert ids(c1, "q_no") == ["a", "b"]  # choosing another clears "None of these"
    assert ids(c1, "a") == ["b"]  # MEDIUM: b gives NONE; c changes nothing
    assert ids(c1, "a", "b") == []  # NONE already
    assert ids(c2, "a", "b") == []  # no rule holds: NONE


def test_pillars_only_leaves_phases_cells_and_plan_empty() -> None:
    answers = {"O1": lv("O1", 2), "S1": lv("S1", 1)}
    full, lean = score(TINY, answers), score(TINY, answers, pillars_only=True)
    assert (lean.phases, lean.cells, lean.plan) == ({}, {}, ())
    assert lean.overall == full.overall and lean.pillars == full.pillars
    assert full.plan != () and len(full.cells) == 4
