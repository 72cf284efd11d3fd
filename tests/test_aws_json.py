"""Importing AWS Well-Architected custom lenses (JSON) and writing them out as TOML.

Our own small lenses in tests/fixtures/lenses/ carry every quirk the importer handles, so a
fresh clone tests all of it; the four real lenses in ../shared/lenses/ are tested as well
where that folder is beside the checkout (in CI), and skipped where it is not.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from mllens_tui.lens.aws_json import load_aws_lens, read_aws_lens
from mllens_tui.lens.loader import content_hash, load_lens
from mllens_tui.lens.model import Choice, Lens, Pillar, Question, Risk, RiskRule
from mllens_tui.lens.registry import load_any
from mllens_tui.lens.rules import parse_rule
from mllens_tui.lens.writer import lens_to_toml
from mllens_tui.paths import builtin_lens_dir
from mllens_tui.problems import InputError

PASSPORT = "Passport-Custom-Lens.json"
FLOWER = "custom-lens-sagemaker-flower-v1.0.json"
ELASTICACHE = "custom-lens-elasticache-v2.0.json"
IDP = "Amazon_Machine_Learning_IDP_Lens.json"
FRAMEWORK_PILLARS = [
    "operationalExcellence",
    "security",
    "reliability",
    "performance",
    "costOptimization",
    "sustainability",
]

# file: (pillar ids, questions, choices), from shared/lenses/README.md
EXPECTED = {
    PASSPORT: (["overview"], 11, 22),
    FLOWER: (["PERF", "OPS", "SEC", "COST"], 10, 32),
    ELASTICACHE: (
        ["waf_ec_1_ops", "waf_ec_2_sec", "waf_ec_3_rel", "waf_ec_4_perf", "waf_ec_5_cost"],
        22,
        85,
    ),
    IDP: (FRAMEWORK_PILLARS, 53, 151),
}

# Our fixtures, each the counterpart of one real lens (tests/fixtures/lenses/README.md).
TRACKING = "experiment-tracking-lens.json"  # like Passport
FEATURE_STORE = "feature-store-lens.json"  # like Flower
REGISTRY = "model-registry-lens.json"  # like ElastiCache
BATCH = "batch-inference-lens.json"  # like IDP
FIXTURE_EXPECTED = {
    TRACKING: (["overview"], 6, 12),
    FEATURE_STORE: (["FSOPS", "FSSEC", "FSCOST"], 4, 12),
    REGISTRY: (["mr_1_ops", "mr_2_rel"], 3, 8),
    BATCH: (FRAMEWORK_PILLARS, 6, 24),
}


def risk_of(question: Question, *selected: str) -> Risk:
    """The risk the first rule that holds gives, as the AWS Well-Architected Tool does."""
    return next(
        rule.risk
        for rule in question.risk_rules
        if parse_rule(rule.condition).evaluate(set(selected))
    )


def get_question(lens: Lens, question_id: str) -> Question:
    question = lens.question(question_id)
    assert question is not None, question_id
    return question


def assert_shape(lens: Lens, pillar_ids: list[str], question_count: int, choices: int) -> None:
    """The lens has the file's pillars, questions and choices, and usable risk rules."""
    assert [p.id for p in lens.pillars] == pillar_ids
    assert len(lens.questions) == question_count
    assert sum(len(q.choices) for q in lens.questions) == choices
    assert lens.is_choice_based
    assert lens.phases == ()
    assert lens.levels == ()
    assert all(q.pillar in pillar_ids and q.phase is None for q in lens.questions)
    # Every question ends up with a default rule, and every rule parses.
    for question in lens.questions:
        assert any(r.condition == "default" for r in question.risk_rules), question.id
        for rule in question.risk_rules:
            assert parse_rule(rule.condition).names() <= {c.id for c in question.choices}


def assert_round_trip(lens: Lens, tmp_path: Path) -> None:
    """The lens written as TOML loads back equal, with the same content hash."""
    target = tmp_path / f"{lens.id}.toml"
    text = lens_to_toml(lens)
    target.write_text(text, encoding="utf-8")

    back = load_lens(target)

    assert back == lens
    assert back.content_hash == lens.content_hash
    assert text.count("[[questions]]") == len(lens.questions)
    assert text.count("[[questions.choices]]") == sum(len(q.choices) for q in lens.questions)


# -- our own fixture lenses: every quirk the importer handles, on any checkout ----------------


@pytest.mark.parametrize("name", list(FIXTURE_EXPECTED))
def test_fixture_lens_has_the_pillars_questions_and_choices_of_the_file(
    fixture_lenses: Path, name: str
) -> None:
    assert_shape(load_aws_lens(fixture_lenses / name), *FIXTURE_EXPECTED[name])


@pytest.mark.parametrize("name", list(FIXTURE_EXPECTED))
def test_toml_written_from_a_fixture_lens_loads_back_equal_with_the_same_hash(
    fixture_lenses: Path, tmp_path: Path, name: str
) -> None:
    assert_round_trip(load_aws_lens(fixture_lenses / name), tmp_path)


def test_fixture_lens_header_comes_from_name_and_version_keys(fixture_lenses: Path) -> None:
    batch = load_aws_lens(fixture_lenses / BATCH)
    assert batch.id == "batch-inference-lens"
    assert batch.name == "Batch Inference Lens"
    assert batch.version == "2.0.1"  # _version, not the schemaVersion
    assert batch.description.startswith("A small made-up lens")
    assert batch.content_hash.startswith("sha256:")
    tracking = load_aws_lens(fixture_lenses / TRACKING)
    assert tracking.id == "experiment-tracking-lens"
    assert tracking.version == "2021-11-01"  # no _version: the schemaVersion


def test_tracking_reuses_choice_ids_across_questions_and_rules_are_bare_ids(
    fixture_lenses: Path,
) -> None:
    result = read_aws_lens(fixture_lenses / TRACKING)
    lens = result.lens
    assert all([c.id for c in q.choices] == ["choice1", "choice2"] for q in lens.questions)
    first = get_question(lens, "overview01")
    assert first.title == "Does every run record its code version, data version and parameters?"
    assert first.prompt == first.title
    assert first.why.startswith("A run you cannot reproduce")
    assert first.choices[1].improvement_plan.startswith("Agree on an owner")
    assert risk_of(first, "choice1") is Risk.NONE
    assert risk_of(first, "choice2") is Risk.HIGH
    assert risk_of(first) is Risk.MEDIUM
    # One question carries a bare "url" key that the format does not define.
    assert [(w.where, "'url'" in w.message) for w in result.warnings] == [
        ("pillars[0].questions[1].url", True)
    ]


def test_feature_store_rules_with_not_and_or_brackets_evaluate_as_the_file_means(
    fixture_lenses: Path,
) -> None:
    lens = load_aws_lens(fixture_lenses / FEATURE_STORE)
    consistent = get_question(lens, "FSOPS1")
    assert [r.condition for r in consistent.risk_rules] == [
        "FSOPS1_1 && FSOPS1_2 && FSOPS1_3 && FSOPS1_4",
        "(!FSOPS1_1) || (!FSOPS1_2)",
        "default",
    ]
    everything = [c.id for c in consistent.choices]
    assert risk_of(consistent, *everything) is Risk.NONE
    assert risk_of(consistent, "FSOPS1_2", "FSOPS1_3") is Risk.HIGH  # FSOPS1_1 missing
    assert risk_of(consistent, "FSOPS1_1", "FSOPS1_2") is Risk.MEDIUM  # the key two, not all
    # "!(FSOPS2_1 || FSOPS2_2)" negates a bracket; "FSOPS2_1 && (FSOPS2_2 || FSOPS2_3)".
    stale = get_question(lens, "FSOPS2")
    assert risk_of(stale) is Risk.HIGH
    assert risk_of(stale, "FSOPS2_3") is Risk.HIGH
    assert risk_of(stale, "FSOPS2_2") is Risk.MEDIUM
    assert risk_of(stale, "FSOPS2_1") is Risk.MEDIUM
    assert risk_of(stale, "FSOPS2_1", "FSOPS2_3") is Risk.NONE
    # "FSSEC1_2 || FSSEC1_3 && FSSEC1_1": && binds tighter than ||, so FSSEC1_2 alone is enough.
    access = get_question(lens, "FSSEC1")
    assert risk_of(access, "FSSEC1_2") is Risk.NONE
    assert risk_of(access, "FSSEC1_3") is Risk.MEDIUM
    assert risk_of(access, "FSSEC1_1", "FSSEC1_3") is Risk.NONE
    assert risk_of(access) is Risk.HIGH


def test_model_registry_loads_with_a_warning_for_each_missing_default_rule(
    fixture_lenses: Path,
) -> None:
    path = fixture_lenses / REGISTRY
    result = read_aws_lens(path)
    lens = result.lens
    missing = [w for w in result.warnings if "no 'default' rule" in w.message]
    assert [w.where for w in missing] == [
        "pillars[0].questions[0].riskRules",
        "pillars[0].questions[1].riskRules",
        "pillars[1].questions[0].riskRules",
    ]
    assert "added a 'default' rule of no risk (NONE)" in missing[0].message
    assert missing[0].source == str(path)
    assert all(q.risk_rules[-1] == RiskRule("default", Risk.NONE) for q in lens.questions)
    # The file's own rules keep their order (HIGH, MEDIUM, NO) ahead of the added default.
    promotion = get_question(lens, "mr_ops_q1")
    assert [r.risk for r in promotion.risk_rules] == [Risk.HIGH, Risk.MEDIUM, Risk.NONE, Risk.NONE]
    # "None of these" without the _no suffix is an ordinary choice that the rules name.
    none = promotion.choice("mr_ops_q1_bp3")
    assert none is not None and none.title == "None of these"
    assert not none.is_none_of_these
    assert promotion.countable_choices == promotion.choices
    assert risk_of(promotion, "mr_ops_q1_bp1", "mr_ops_q1_bp3") is Risk.HIGH
    assert risk_of(promotion, "mr_ops_q1_bp1") is Risk.MEDIUM
    assert risk_of(promotion, "mr_ops_q1_bp1", "mr_ops_q1_bp2") is Risk.NONE
    # Where none of the file's rules holds, the added default decides: no risk.
    outage = get_question(lens, "mr_rel_q1")
    assert risk_of(outage) is Risk.NONE
    assert risk_of(outage, "mr_rel_q1_bp2") is Risk.NONE
    assert risk_of(outage, "mr_rel_q1_bp1") is Risk.MEDIUM
    # The extra top-level keys are reported once, and _version becomes the version.
    [extra] = [w for w in result.warnings if w.where == ""]
    assert extra.message.endswith("ignored: _release_date, _release_note, _teams")
    assert lens.version == "0.3"


def test_model_registry_nan_and_number_titles_become_the_ids_with_a_warning(
    fixture_lenses: Path,
) -> None:
    path = fixture_lenses / REGISTRY
    assert '"title": NaN,' in path.read_text(encoding="utf-8")  # bare NaN, as a hub lens has
    result = read_aws_lens(path)
    lineage = get_question(result.lens, "mr_ops_q2")
    assert lineage.title == lineage.prompt == "mr_ops_q2"
    assert lineage.why.startswith("Every registered version")
    assert [c.title for c in lineage.choices] == ["mr_ops_q2_bp1", "None of these"]
    titles = {w.where: w.message for w in result.warnings if w.where.endswith(".title")}
    assert titles == {
        "pillars[0].questions[1].title": (
            "expected a non-empty string, got NaN; the id 'mr_ops_q2' is used instead"
        ),
        "pillars[0].questions[1].choices[0].title": (
            "expected a non-empty string, got 7; the id 'mr_ops_q2_bp1' is used instead"
        ),
    }
    assert len(result.warnings) == 6  # 3 missing defaults, 2 titles, 1 for the extra keys


def test_batch_inference_flags_its_none_of_these_choices(fixture_lenses: Path) -> None:
    result = read_aws_lens(fixture_lenses / BATCH)
    lens = result.lens
    none_of_these = [c for q in lens.questions for c in q.choices if c.is_none_of_these]
    assert [c.id for c in none_of_these] == [f"{q.id}_no" for q in lens.questions]
    ops1 = get_question(lens, "OPS_1")
    assert [c.id for c in ops1.countable_choices] == ["OPS_1_1", "OPS_1_2", "OPS_1_3"]
    # The question's helpfulResource gives its url; a choice's gives its description.
    assert ops1.url == "https://example.com/batch-inference/operationalexcellence"
    first = ops1.choices[0]
    assert first.title == "Each run reports its row count"
    assert first.description.startswith("Why it matters: each run reports its row count")
    assert first.helpful_url == "https://example.com/batch-inference/operationalexcellence/1"
    assert first.improvement_plan == "Start with one pipeline: each run reports its row count."
    assert first.improvement_url.endswith("/operationalexcellence/1#plan")
    assert risk_of(ops1, "OPS_1_1", "OPS_1_2", "OPS_1_3") is Risk.NONE
    assert risk_of(ops1, "OPS_1_no") is Risk.HIGH
    assert risk_of(ops1, "OPS_1_1") is Risk.MEDIUM
    # additionalResources is part of the format (and left out quietly); "ready" is not.
    [warning] = result.warnings
    assert (warning.where, warning.message) == (
        "",
        "top-level keys not in the AWS lens format, ignored: ready",
    )


def test_feature_store_imports_without_warnings_and_registry_loads_json(
    fixture_lenses: Path,
) -> None:
    assert read_aws_lens(fixture_lenses / FEATURE_STORE).warnings == ()
    assert load_any(fixture_lenses / FEATURE_STORE) == load_aws_lens(fixture_lenses / FEATURE_STORE)


# -- the four real lenses, where ../shared/lenses/ is beside the checkout (CI) ----------------


@pytest.mark.parametrize("name", list(EXPECTED))
def test_real_lens_has_the_pillars_questions_and_choices_of_the_file(
    shared_lenses: Path, name: str
) -> None:
    assert_shape(load_aws_lens(shared_lenses / name), *EXPECTED[name])


@pytest.mark.parametrize("name", list(EXPECTED))
def test_toml_written_from_a_real_lens_loads_back_equal_with_the_same_hash(
    shared_lenses: Path, tmp_path: Path, name: str
) -> None:
    assert_round_trip(load_aws_lens(shared_lenses / name), tmp_path)


def test_lens_header_comes_from_name_and_version_keys(shared_lenses: Path) -> None:
    idp = load_aws_lens(shared_lenses / IDP)
    assert idp.id == "amazon-machine-learning-intelligent-document-process-idp-lens"
    assert idp.name == "Amazon Machine Learning - Intelligent Document Process (IDP) Lens"
    assert idp.version == "1.1.0"  # _version, not the schemaVersion
    assert idp.content_hash.startswith("sha256:")
    passport = load_aws_lens(shared_lenses / PASSPORT)
    assert passport.id == "aws-passport-custom-lens"
    assert passport.version == "2021-11-01"  # no _version: the schemaVersion


def test_passport_reuses_choice_ids_across_questions_and_rules_are_bare_ids(
    shared_lenses: Path,
) -> None:
    result = read_aws_lens(shared_lenses / PASSPORT)
    lens = result.lens
    assert all([c.id for c in q.choices] == ["choice1", "choice2"] for q in lens.questions)
    first = get_question(lens, "overview01")
    assert first.title.startswith("Have you completed a Well Architected Framework Review")
    assert first.prompt == first.title
    assert first.why.startswith("Carrying technical debt")
    assert risk_of(first, "choice1") is Risk.NONE
    assert risk_of(first, "choice2") is Risk.HIGH
    assert risk_of(first) is Risk.MEDIUM
    # One question carries a bare "url" key that the format does not define.
    assert [(w.where, "'url'" in w.message) for w in result.warnings] == [
        ("pillars[0].questions[1].url", True)
    ]


def test_flower_rules_with_not_and_or_brackets_evaluate_as_the_file_means(
    shared_lenses: Path,
) -> None:
    lens = load_aws_lens(shared_lenses / FLOWER)
    perf1 = get_question(lens, "PERF1")
    assert [r.condition for r in perf1.risk_rules] == [
        "PERF1_1 && PERF1_2 && PERF1_3 && PERF1_4 && PERF1_5 && PERF1_6",
        "(!PERF1_1) || (!PERF1_2)",
        "default",
    ]
    everything = [c.id for c in perf1.choices]
    assert risk_of(perf1, *everything) is Risk.NONE
    assert risk_of(perf1, "PERF1_2", "PERF1_3") is Risk.HIGH  # PERF1_1 missing
    assert risk_of(perf1, "PERF1_1", "PERF1_2") is Risk.MEDIUM  # the two key ones, not all
    ops2 = get_question(lens, "OPS2")
    assert risk_of(ops2, "OPS2_2", "OPS2_3") is Risk.HIGH  # "(!OPS2_1)"
    assert risk_of(ops2, "OPS2_1") is Risk.MEDIUM


def test_elasticache_loads_with_a_warning_for_each_missing_default_rule(
    shared_lenses: Path,
) -> None:
    result = read_aws_lens(shared_lenses / ELASTICACHE)
    lens = result.lens
    missing = [w for w in result.warnings if "no 'default' rule" in w.message]
    assert len(missing) == 22
    assert missing[0].where == "pillars[0].questions[0].riskRules"
    assert "added a 'default' rule of no risk (NONE)" in missing[0].message
    assert missing[0].source == str(shared_lenses / ELASTICACHE)
    assert all(q.risk_rules[-1] == RiskRule("default", Risk.NONE) for q in lens.questions)
    # The file's own rules keep their order (HIGH, MEDIUM, NO) ahead of the added default.
    dp1 = get_question(lens, "waf_ec_ops_dp1")
    assert [r.risk for r in dp1.risk_rules] == [Risk.HIGH, Risk.MEDIUM, Risk.NONE, Risk.NONE]
    # "None of these" without the _no suffix is an ordinary choice that the rules name.
    none = dp1.choice("waf_ec_ops_dp1_bp3")
    assert none is not None and none.title == "None of these"
    assert not none.is_none_of_these
    assert risk_of(dp1, "waf_ec_ops_dp1_bp1", "waf_ec_ops_dp1_bp3") is Risk.HIGH
    assert risk_of(dp1, "waf_ec_ops_dp1_bp1") is Risk.MEDIUM
    assert risk_of(dp1, "waf_ec_ops_dp1_bp1", "waf_ec_ops_dp1_bp2") is Risk.NONE
    # The extra top-level keys are reported once, and _version becomes the version.
    extra = [w for w in result.warnings if w.where == ""]
    assert len(extra) == 1 and "_teams" in extra[0].message
    assert lens.version == "1.0"


def test_idp_flags_its_53_none_of_these_choices(shared_lenses: Path) -> None:
    lens = load_aws_lens(shared_lenses / IDP)
    none_of_these = [c for q in lens.questions for c in q.choices if c.is_none_of_these]
    assert len(none_of_these) == 53
    ops1 = get_question(lens, "OPS_1")
    assert [c.id for c in ops1.countable_choices] == ["OPS_1_1", "OPS_1_2", "OPS_1_3", "OPS_1_4"]
    assert ops1.url == (
        "https://docs.aws.amazon.com/wellarchitected/latest/"
        "operational-excellence-pillar/organization.html"
    )
    first = ops1.choices[0]
    assert first.title == "Continuous Training and Upskilling"
    assert first.description.startswith("Our organization champions regular training")
    assert first.improvement_plan.startswith("Periodically reassess roles")
    assert first.improvement_url.startswith("https://docs.aws.amazon.com/")
    assert risk_of(ops1, "OPS_1_1", "OPS_1_2", "OPS_1_3", "OPS_1_4") is Risk.NONE
    assert risk_of(ops1, "OPS_1_no") is Risk.MEDIUM


def test_flower_imports_without_warnings_and_registry_loads_json(shared_lenses: Path) -> None:
    assert read_aws_lens(shared_lenses / FLOWER).warnings == ()
    assert load_any(shared_lenses / FLOWER) == load_aws_lens(shared_lenses / FLOWER)


# -- the TOML writer on its own ---------------------------------------------------------------


def test_builtin_level_lens_round_trips_through_the_writer(tmp_path: Path) -> None:
    lens = load_lens(builtin_lens_dir())
    target = tmp_path / "ml.toml"
    target.write_text(lens_to_toml(lens), encoding="utf-8")
    back = load_lens(target)
    assert back == lens
    assert back.content_hash == lens.content_hash


def test_writer_keeps_awkward_text_exactly(tmp_path: Path) -> None:
    awkward = 'quotes " and """ and \\ backslash,\nnew lines,\r\nCRLF, tab\tand ünïcödé'
    lens = Lens(
        id="awkward",
        name='A "quoted" name',
        version="1",
        description="line one\n\nline three",
        pillars=(Pillar("ops", "Ops", description=awkward),),
        phases=(),
        levels=(),
        questions=(
            Question(
                id="q1",
                title="Q1",
                pillar="ops",
                phase=None,
                weight=2.5,
                prompt=awkward,
                choices=(Choice("a", "A", description=awkward), Choice("a_no", "None")),
                risk_rules=(RiskRule("a && !a_no", Risk.NONE), RiskRule("default", Risk.HIGH)),
            ),
        ),
        content_hash="",
    )
    lens = replace(lens, content_hash=content_hash(lens))
    target = tmp_path / "awkward.toml"
    target.write_text(lens_to_toml(lens), encoding="utf-8")
    back = load_lens(target)
    assert back == lens
    assert back.content_hash == lens.content_hash


# -- broken files: refused with located problems, or imported with a warning ------------------


@pytest.fixture
def tracking(fixture_lenses: Path) -> dict[str, Any]:
    """The Yes/No fixture lens as parsed JSON, to break in one place or another."""
    document: dict[str, Any] = json.loads((fixture_lenses / TRACKING).read_text(encoding="utf-8"))
    return document


def write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


def problems(path: Path) -> list[tuple[str, str]]:
    with pytest.raises(InputError) as caught:
        read_aws_lens(path)
    assert caught.value.what == "lens"
    assert all(p.source == str(path) for p in caught.value.problems)
    return [(p.where, p.message) for p in caught.value.problems]


def test_bad_json_is_refused_with_its_line_and_column(fixture_lenses: Path, tmp_path: Path) -> None:
    text = (fixture_lenses / TRACKING).read_text(encoding="utf-8")
    broken = text.replace('"schemaVersion": "2021-11-01",', '"schemaVersion": "2021-11-01"', 1)
    assert broken != text
    path = tmp_path / "broken.json"
    path.write_text(broken, encoding="utf-8")
    [(where, message)] = problems(path)
    assert where == "line 3, column 3"
    assert message == "not valid JSON: Expecting ',' delimiter"


def test_duplicate_question_id_is_refused_where_it_repeats(
    tracking: dict[str, Any], tmp_path: Path
) -> None:
    tracking["pillars"][0]["questions"][4]["id"] = "overview02"
    [(where, message)] = problems(write(tmp_path, tracking))
    assert where == "pillars[0].questions[4].id"
    assert "duplicate question id 'overview02'" in message
    assert "first at pillars[0].questions[1]" in message


def test_rule_naming_an_unknown_choice_is_refused(tracking: dict[str, Any], tmp_path: Path) -> None:
    tracking["pillars"][0]["questions"][3]["riskRules"][1]["condition"] = "choice2 || choice9"
    [(where, message)] = problems(write(tmp_path, tracking))
    assert where == "pillars[0].questions[3].riskRules[1].condition"
    assert message.startswith("unknown choice 'choice9'")
    assert "choice1, choice2" in message


def test_unknown_risk_value_is_refused(tracking: dict[str, Any], tmp_path: Path) -> None:
    tracking["pillars"][0]["questions"][2]["riskRules"][0]["risk"] = "LOW_RISK"
    [(where, message)] = problems(write(tmp_path, tracking))
    assert where == "pillars[0].questions[2].riskRules[0].risk"
    assert message == 'got "LOW_RISK" (expected one of: HIGH_RISK, MEDIUM_RISK, NO_RISK)'


def test_more_choices_than_the_format_allows_is_refused(
    tracking: dict[str, Any], tmp_path: Path
) -> None:
    question = tracking["pillars"][0]["questions"][0]
    question["choices"] = [{"id": f"choice{i}", "title": f"Choice {i}"} for i in range(1, 17)]
    [(where, message)] = problems(write(tmp_path, tracking))
    assert where == "pillars[0].questions[0].choices"
    assert message == "16 choices: the AWS lens format allows at most 15"


def test_every_problem_is_reported_at_once(tracking: dict[str, Any], tmp_path: Path) -> None:
    questions = tracking["pillars"][0]["questions"]
    questions[0]["riskRules"][0]["condition"] = "choice1 &&"
    questions[1]["choices"][1]["id"] = "choice1"
    del questions[2]["choices"]
    questions[5]["riskRules"].append({"condition": "choice1", "risk": "HIGH_RISK"})
    del tracking["name"]
    found = dict(problems(write(tmp_path, tracking)))
    assert set(found) == {
        "name",
        "pillars[0].questions[0].riskRules[0].condition",
        "pillars[0].questions[1].choices[1].id",
        "pillars[0].questions[2].choices",
        "pillars[0].questions[5].riskRules",
    }
    assert "cannot parse 'choice1 &&'" in found["pillars[0].questions[0].riskRules[0].condition"]
    assert (
        "duplicate choice id 'choice1' in this question"
        in found["pillars[0].questions[1].choices[1].id"]
    )
    assert found["pillars[0].questions[2].choices"].startswith("missing")
    assert "at most 3" in found["pillars[0].questions[5].riskRules"]


def test_file_larger_than_500_kb_is_refused(tracking: dict[str, Any], tmp_path: Path) -> None:
    tracking["description"] = "x" * (500 * 1024)
    [(where, message)] = problems(write(tmp_path, tracking))
    assert where == ""
    assert "the AWS lens format allows at most 500 KB" in message


def test_nan_title_is_replaced_by_the_question_id_with_a_warning(
    tracking: dict[str, Any], tmp_path: Path
) -> None:
    tracking["pillars"][0]["questions"][0]["title"] = float("nan")
    path = write(tmp_path, tracking)
    assert '"title": NaN' in path.read_text(encoding="utf-8")  # what such a file holds
    result = read_aws_lens(path)
    question = result.lens.questions[0]
    assert question.title == question.prompt == "overview01"
    [warning] = [w for w in result.warnings if w.where == "pillars[0].questions[0].title"]
    assert (
        warning.message
        == "expected a non-empty string, got NaN; the id 'overview01' is used instead"
    )


def test_deeply_nested_json_is_refused_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert problems(path) == [("", "not a lens: arrays or objects nested too deeply to read")]
