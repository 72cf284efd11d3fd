"""Importing real AWS Well-Architected custom lenses (JSON) and writing them out as TOML."""

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


@pytest.fixture
def lenses_dir() -> Path:
    """The real AWS custom lenses shared with the project (never edited)."""
    return Path(__file__).resolve().parents[2] / "shared" / "lenses"


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


# -- the four real files -----------------------------------------------------------------------


@pytest.mark.parametrize("name", list(EXPECTED))
def test_real_lens_has_the_pillars_questions_and_choices_of_the_file(
    lenses_dir: Path, name: str
) -> None:
    pillar_ids, question_count, choice_count = EXPECTED[name]
    lens = load_aws_lens(lenses_dir / name)
    assert [p.id for p in lens.pillars] == pillar_ids
    assert len(lens.questions) == question_count
    assert sum(len(q.choices) for q in lens.questions) == choice_count
    assert lens.is_choice_based
    assert lens.phases == ()
    assert lens.levels == ()
    assert all(q.pillar in pillar_ids and q.phase is None for q in lens.questions)
    # Every question ends up with a default rule, and every rule parses.
    for question in lens.questions:
        assert any(r.condition == "default" for r in question.risk_rules), question.id
        for rule in question.risk_rules:
            assert parse_rule(rule.condition).names() <= {c.id for c in question.choices}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_toml_written_from_a_real_lens_loads_back_equal_with_the_same_hash(
    lenses_dir: Path, tmp_path: Path, name: str
) -> None:
    lens = load_aws_lens(lenses_dir / name)
    target = tmp_path / f"{lens.id}.toml"
    text = lens_to_toml(lens)
    target.write_text(text, encoding="utf-8")

    back = load_lens(target)

    assert back == lens
    assert back.content_hash == lens.content_hash
    assert text.count("[[questions]]") == len(lens.questions)
    assert text.count("[[questions.choices]]") == sum(len(q.choices) for q in lens.questions)


def test_lens_header_comes_from_name_and_version_keys(lenses_dir: Path) -> None:
    idp = load_aws_lens(lenses_dir / IDP)
    assert idp.id == "amazon-machine-learning-intelligent-document-process-idp-lens"
    assert idp.name == "Amazon Machine Learning - Intelligent Document Process (IDP) Lens"
    assert idp.version == "1.1.0"  # _version, not the schemaVersion
    assert idp.content_hash.startswith("sha256:")
    passport = load_aws_lens(lenses_dir / PASSPORT)
    assert passport.id == "aws-passport-custom-lens"
    assert passport.version == "2021-11-01"  # no _version: the schemaVersion


def test_passport_reuses_choice_ids_across_questions_and_rules_are_bare_ids(
    lenses_dir: Path,
) -> None:
    result = read_aws_lens(lenses_dir / PASSPORT)
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
    lenses_dir: Path,
) -> None:
    lens = load_aws_lens(lenses_dir / FLOWER)
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
    lenses_dir: Path,
) -> None:
    result = read_aws_lens(lenses_dir / ELASTICACHE)
    lens = result.lens
    missing = [w for w in result.warnings if "no 'default' rule" in w.message]
    assert len(missing) == 22
    assert missing[0].where == "pillars[0].questions[0].riskRules"
    assert "added a 'default' rule of no risk (NONE)" in missing[0].message
    assert missing[0].source == str(lenses_dir / ELASTICACHE)
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


def test_idp_flags_its_53_none_of_these_choices(lenses_dir: Path) -> None:
    lens = load_aws_lens(lenses_dir / IDP)
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


def test_flower_imports_without_warnings_and_registry_loads_json(lenses_dir: Path) -> None:
    assert read_aws_lens(lenses_dir / FLOWER).warnings == ()
    assert load_any(lenses_dir / FLOWER) == load_aws_lens(lenses_dir / FLOWER)


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


# -- broken files: refused with located problems, or imported with a warning -------------------


@pytest.fixture
def passport(lenses_dir: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((lenses_dir / PASSPORT).read_text(encoding="utf-8"))
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


def test_bad_json_is_refused_with_its_line_and_column(lenses_dir: Path, tmp_path: Path) -> None:
    text = (lenses_dir / PASSPORT).read_text(encoding="utf-8")
    broken = text.replace('"schemaVersion":"2021-11-01",', '"schemaVersion":"2021-11-01"', 1)
    path = tmp_path / "broken.json"
    path.write_text(broken, encoding="utf-8")
    [(where, message)] = problems(path)
    assert where == "line 4, column 5"
    assert message == "not valid JSON: Expecting ',' delimiter"


def test_duplicate_question_id_is_refused_where_it_repeats(
    passport: dict[str, Any], tmp_path: Path
) -> None:
    passport["pillars"][0]["questions"][4]["id"] = "overview02"
    [(where, message)] = problems(write(tmp_path, passport))
    assert where == "pillars[0].questions[4].id"
    assert "duplicate question id 'overview02'" in message
    assert "first at pillars[0].questions[1]" in message


def test_rule_naming_an_unknown_choice_is_refused(passport: dict[str, Any], tmp_path: Path) -> None:
    passport["pillars"][0]["questions"][3]["riskRules"][1]["condition"] = "choice2 || choice9"
    [(where, message)] = problems(write(tmp_path, passport))
    assert where == "pillars[0].questions[3].riskRules[1].condition"
    assert message.startswith("unknown choice 'choice9'")
    assert "choice1, choice2" in message


def test_unknown_risk_value_is_refused(passport: dict[str, Any], tmp_path: Path) -> None:
    passport["pillars"][0]["questions"][2]["riskRules"][0]["risk"] = "LOW_RISK"
    [(where, message)] = problems(write(tmp_path, passport))
    assert where == "pillars[0].questions[2].riskRules[0].risk"
    assert message == 'got "LOW_RISK" (expected one of: HIGH_RISK, MEDIUM_RISK, NO_RISK)'


def test_more_choices_than_the_format_allows_is_refused(
    passport: dict[str, Any], tmp_path: Path
) -> None:
    question = passport["pillars"][0]["questions"][0]
    question["choices"] = [{"id": f"choice{i}", "title": f"Choice {i}"} for i in range(1, 17)]
    [(where, message)] = problems(write(tmp_path, passport))
    assert where == "pillars[0].questions[0].choices"
    assert message == "16 choices: the AWS lens format allows at most 15"


def test_every_problem_is_reported_at_once(passport: dict[str, Any], tmp_path: Path) -> None:
    questions = passport["pillars"][0]["questions"]
    questions[0]["riskRules"][0]["condition"] = "choice1 &&"
    questions[1]["choices"][1]["id"] = "choice1"
    del questions[2]["choices"]
    questions[5]["riskRules"].append({"condition": "choice1", "risk": "HIGH_RISK"})
    del passport["name"]
    found = dict(problems(write(tmp_path, passport)))
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


def test_file_larger_than_500_kb_is_refused(passport: dict[str, Any], tmp_path: Path) -> None:
    passport["description"] = "x" * (500 * 1024)
    [(where, message)] = problems(write(tmp_path, passport))
    assert where == ""
    assert "the AWS lens format allows at most 500 KB" in message


def test_nan_title_is_replaced_by_the_question_id_with_a_warning(
    passport: dict[str, Any], tmp_path: Path
) -> None:
    passport["pillars"][0]["questions"][0]["title"] = float("nan")
    path = write(tmp_path, passport)
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
