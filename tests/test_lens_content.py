"""The built-in ML Lens content: exactly the 105 best practices, complete and well written."""

from __future__ import annotations

import re
from collections import Counter

from ml_lens_table import EXPECTED, ID_2025

from mllens_tui.assessment import Answer, Profile
from mllens_tui.lens.model import Lens, Risk
from mllens_tui.scoring import score

URL_2025 = re.compile(
    r"^https://docs\.aws\.amazon\.com/wellarchitected/latest/machine-learning-lens/"
    r"ml[a-z]+\d\d-bp\d\d\.html$"
)


def test_exactly_the_105_best_practices_with_pillar_phase_title_and_weight(ml_lens: Lens) -> None:
    actual = [(q.id, q.title, q.phase, q.pillar, q.weight) for q in ml_lens.questions]
    assert actual == [(i, t, ph, pi, float(w)) for i, t, ph, pi, w in EXPECTED]


def test_lens_identity_pillars_phases_levels(ml_lens: Lens) -> None:
    assert ml_lens.id == "aws-ml-lens"
    assert [p.id for p in ml_lens.pillars] == [
        "operationalExcellence",
        "security",
        "reliability",
        "performance",
        "costOptimization",
        "sustainability",
    ]
    assert [p.id for p in ml_lens.phases] == [
        "business-goal",
        "problem-framing",
        "data-processing",
        "model-development",
        "deployment",
        "monitoring",
    ]
    assert [(lv.level, lv.name, lv.value, lv.risk) for lv in ml_lens.levels] == [
        (0, "Not in place", 0.0, "PRACTICE"),
        (1, "Initial", 0.25, "PRACTICE"),
        (2, "Repeatable", 0.5, Risk.MEDIUM),
        (3, "Defined", 0.75, Risk.NONE),
        (4, "Optimized", 1.0, Risk.NONE),
    ]


def test_weight_follows_aws_risk(ml_lens: Lens) -> None:
    for q in ml_lens.questions:
        assert q.weight == {Risk.HIGH: 3.0, Risk.MEDIUM: 2.0}[q.aws_risk], q.id
    assert Counter(q.aws_risk for q in ml_lens.questions) == {Risk.HIGH: 60, Risk.MEDIUM: 45}


def test_every_question_is_complete(ml_lens: Lens) -> None:
    for q in ml_lens.questions:
        assert q.prompt.endswith("?"), q.id
        assert 20 <= len(q.prompt) <= 250, q.id
        assert 1 <= len(re.findall(r"[.!?](\s|$)", q.why)) <= 3, q.id
        assert 2 <= len(q.criteria) <= 4, q.id
        assert len(q.levels) == 5, q.id
        assert len(q.evidence) == 5, q.id
        assert len(q.guidance) == 4, q.id
        assert all(len(text) <= 250 for text in q.levels + q.evidence + q.guidance), q.id


def test_both_ids_and_the_2025_page_of_every_practice(ml_lens: Lens) -> None:
    assert {q.id: q.id_2025 for q in ml_lens.questions} == ID_2025
    for q in ml_lens.questions:
        assert URL_2025.match(q.url), (q.id, q.url)
        assert q.url.endswith(f"/{q.id_2025.lower()}.html"), (q.id, q.url)
        assert ml_lens.question(q.id_2025) is q
        assert ml_lens.question(q.id_2025.lower()) is q
        assert ml_lens.question(q.id.lower()) is q


def test_only_mlcost_23_changes_phase_in_2025(ml_lens: Lens) -> None:
    moved = {q.id: q.phase_2025 for q in ml_lens.questions if q.phase_2025 != q.phase}
    assert moved == {"MLCOST-23": "monitoring"}


def test_organisation_scope_is_said_in_the_prompt(ml_lens: Lens) -> None:
    for q in ml_lens.questions:
        organisational = "about the organisation around the workload" in q.prompt
        assert organisational == (q.scope == "organisation"), q.id


def test_risk_at_levels_0_and_1_is_the_practices_aws_rating(ml_lens: Lens) -> None:
    high = next(q for q in ml_lens.questions if q.aws_risk is Risk.HIGH)
    medium = next(q for q in ml_lens.questions if q.aws_risk is Risk.MEDIUM)
    for level, high_risk, medium_risk in [
        (0, "HIGH", "MEDIUM"),
        (1, "HIGH", "MEDIUM"),
        (2, "MEDIUM", "MEDIUM"),
        (3, "NONE", "NONE"),
        (4, "NONE", "NONE"),
    ]:
        answers = {q.id: Answer(q.id, level=level) for q in (high, medium)}
        scores = score(ml_lens, answers, Profile())
        assert scores.questions[high.id].risk == high_risk, level
        assert scores.questions[medium.id].risk == medium_risk, level


def test_no_sentence_is_repeated_across_questions(ml_lens: Lens) -> None:
    """Templated filler shows up as the same sentence in many questions."""
    seen: dict[str, str] = {}
    for q in ml_lens.questions:
        for text in (q.prompt, q.why, *q.criteria, *q.levels, *q.evidence, *q.guidance):
            for sentence in re.split(r"(?<=[.!?])\s+", text):
                key = sentence.strip().lower()
                if len(key) < 25:
                    continue
                assert key not in seen or seen[key] == q.id, (
                    f"{q.id} repeats {seen.get(key)}: {key}"
                )
                seen[key] = q.id


def test_level_descriptions_differ_within_each_question(ml_lens: Lens) -> None:
    for q in ml_lens.questions:
        assert len(set(q.levels)) == 5, q.id
        assert len(set(q.evidence)) == 5, q.id


def test_content_hash_is_stable_and_content_sensitive(ml_lens: Lens) -> None:
    from mllens_tui.lens.loader import load_lens
    from mllens_tui.paths import builtin_lens_dir

    assert ml_lens.content_hash.startswith("sha256:")
    assert load_lens(builtin_lens_dir()).content_hash == ml_lens.content_hash
