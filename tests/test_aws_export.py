"""Lens -> AWS custom lens: the limits checker, the export of every kind of lens, and the
round trip export -> import, checked question by question, choice by choice, rule by rule."""

from __future__ import annotations

import copy
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from aws_fixtures import fixture_lens, write_json
from hypothesis import given, settings
from hypothesis import strategies as st

from mllens_tui.cli import main
from mllens_tui.lens.aws_export import (
    MAX_FILE_BYTES,
    NONE_OF_THESE_ID,
    check_aws_lens,
    export_aws_lens,
    normalise_rules,
    render_rule,
)
from mllens_tui.lens.aws_json import load_aws_lens
from mllens_tui.lens.loader import load_lens
from mllens_tui.lens.model import Lens, Question, Risk, RiskRule
from mllens_tui.lens.rules import parse_rule
from mllens_tui.lens.writer import lens_to_toml
from mllens_tui.problems import Problem
from mllens_tui.scoring import choice_risk

SHARED = Path(__file__).resolve().parents[2] / "shared" / "lenses"
SHARED_FILES = sorted(SHARED.glob("*.json")) if SHARED.is_dir() else []


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


# -- the limits checker ----------------------------------------------------------------------------


def _q(doc: dict[str, Any]) -> dict[str, Any]:
    question: dict[str, Any] = doc["pillars"][0]["questions"][0]
    return question


def _set(path: Callable[[dict[str, Any]], dict[str, Any]], key: str, value: object) -> Any:
    def change(doc: dict[str, Any]) -> None:
        path(doc)[key] = value

    return change


def _many_pillars(doc: dict[str, Any]) -> None:
    doc["pillars"] = [{**copy.deepcopy(doc["pillars"][0]), "id": f"pillar_{i}"} for i in range(11)]
    for i, pillar in enumerate(doc["pillars"]):
        pillar["questions"][0]["id"] = f"question_{i}"


def _many_questions(doc: dict[str, Any]) -> None:
    doc["pillars"][0]["questions"] = [
        {**copy.deepcopy(_q(doc)), "id": f"question_{i}"} for i in range(21)
    ]


def _many_choices(doc: dict[str, Any]) -> None:
    question = _q(doc)
    question["choices"] = [
        {**copy.deepcopy(question["choices"][0]), "id": f"choice_{i}"} for i in range(16)
    ]
    question["riskRules"] = [{"condition": "default", "risk": "NO_RISK"}]


def _no_plan(doc: dict[str, Any]) -> None:
    del _q(doc)["choices"][1]["improvementPlan"]


def _no_default(doc: dict[str, Any]) -> None:
    _q(doc)["riskRules"].pop()


def _two_high(doc: dict[str, Any]) -> None:
    _q(doc)["riskRules"][1]["risk"] = "HIGH_RISK"


def _four_rules(doc: dict[str, Any]) -> None:
    doc["pillars"][1]["questions"][1]["riskRules"] = [
        {"condition": "sec_data_enc", "risk": "NO_RISK"},
        {"condition": "!sec_data_enc", "risk": "HIGH_RISK"},
        {"condition": "sec_data_transit", "risk": "MEDIUM_RISK"},
        {"condition": "default", "risk": "NO_RISK"},
    ]


def _duplicate_question(doc: dict[str, Any]) -> None:
    doc["pillars"][1]["questions"][0]["id"] = "mo_deploy"


Q = "pillars[0].questions[0]"
LIMITS = [
    (_many_pillars, "pillars", "11 pillars: the AWS lens format allows at most 10"),
    (
        _many_questions,
        "pillars[0].questions",
        "21 questions: the AWS lens format allows at most 20",
    ),
    (_many_choices, f"{Q}.choices", "16 choices: the AWS lens format allows at most 15"),
    (
        _set(lambda d: d, "name", "n" * 129),
        "name",
        "129 characters: the AWS lens format allows at most 128",
    ),
    (
        _set(lambda d: d, "description", "d" * 2049),
        "description",
        "2049 characters: the AWS lens format allows at most 2048",
    ),
    (
        _set(_q, "title", "t" * 129),
        f"{Q}.title",
        "129 characters: the AWS lens format allows at most 128",
    ),
    (
        _set(_q, "description", "d" * 2049),
        f"{Q}.description",
        "2049 characters: the AWS lens format allows at most 2048",
    ),
    (
        _set(lambda d: _q(d)["choices"][0], "title", "c" * 129),
        f"{Q}.choices[0].title",
        "129 characters: the AWS lens format allows at most 128",
    ),
    (
        _set(lambda d: d["pillars"][0], "id", "model-ops"),
        "pillars[0].id",
        "expected a pillar id of letters, digits and '_'",
    ),
    (
        _set(lambda d: d["pillars"][0], "id", "mo"),
        "pillars[0].id",
        "pillar id 'mo' has 2 characters (allowed: 3 to 128)",
    ),
    (
        _set(lambda d: _q(d)["choices"][1], "id", "x" * 65),
        f"{Q}.choices[1].id",
        f"choice id '{'x' * 65}' has 65 characters (allowed: 3 to 64)",
    ),
    (
        _duplicate_question,
        "pillars[1].questions[0].id",
        f"duplicate question id 'mo_deploy' (first at {Q})",
    ),
    (
        _set(lambda d: _q(d)["choices"][0]["helpfulResource"], "url", "http://example.com/h"),
        f"{Q}.choices[0].helpfulResource.url",
        "expected an https link, got 'http://example.com/h'",
    ),
    (
        _set(lambda d: _q(d)["choices"][0], "helpfulResource", {"url": "https://example.com"}),
        f"{Q}.choices[0].helpfulResource.displayText",
        "expected a non-empty string",
    ),
    (
        _no_plan,
        f"{Q}.choices[1].improvementPlan",
        "missing (required on every choice but a 'None of these' one, id ending in '_no')",
    ),
    (_no_default, f"{Q}.riskRules", "no 'default' rule (the format requires one)"),
    (_two_high, f"{Q}.riskRules[1].risk", f"a second HIGH_RISK rule (first at {Q}.riskRules[0])"),
    (
        _set(lambda d: _q(d)["riskRules"][1], "condition", "!mo_deploy_rollbak"),
        f"{Q}.riskRules[1].condition",
        "unknown choice 'mo_deploy_rollbak'",
    ),
    (
        _set(lambda d: _q(d)["riskRules"][1], "risk", "LOW_RISK"),
        f"{Q}.riskRules[1].risk",
        "expected one of: HIGH_RISK, MEDIUM_RISK, NO_RISK",
    ),
    (_set(lambda d: d, "schemaVersion", "2020-01-01"), "schemaVersion", "expected '2021-11-01'"),
]


def test_the_fixture_passes_every_limit() -> None:
    assert check_aws_lens(fixture_lens(), "lens.json") == []


@pytest.mark.parametrize(("change", "where", "message"), LIMITS)
def test_each_limit_broken_once_gives_one_exact_message(
    change: Callable[[dict[str, Any]], None], where: str, message: str
) -> None:
    document = fixture_lens()
    change(document)
    assert check_aws_lens(document, "lens.json") == [Problem("lens.json", where, message)]


def test_four_risk_rules_are_one_too_many() -> None:
    document = fixture_lens()
    _four_rules(document)
    problems = check_aws_lens(document, "lens.json")
    where = "pillars[1].questions[1].riskRules"
    assert (
        Problem("lens.json", where, "4 riskRules: the AWS lens format allows at most 3") in problems
    )


def test_a_lens_over_500_kb_is_refused() -> None:
    document = fixture_lens()
    question = _q(document)
    question["choices"] = [
        {
            "id": f"choice_{i}",
            "title": "A choice",
            "helpfulResource": {"displayText": "h" * 2000},
            "improvementPlan": {"displayText": "p" * 2000},
        }
        for i in range(15)
    ]
    question["riskRules"] = [{"condition": "default", "risk": "NO_RISK"}]
    document["pillars"][0]["questions"] = [
        {**copy.deepcopy(question), "id": f"question_{i}"} for i in range(10)
    ]
    problems = check_aws_lens(document, "lens.json")
    assert len(problems) == 1
    assert problems[0].where == ""
    assert re.fullmatch(
        rf"\d+ bytes: the AWS lens format allows at most {MAX_FILE_BYTES}", problems[0].message
    )


# -- rules -----------------------------------------------------------------------------------


def _all_subsets(ids: list[str]) -> list[set[str]]:
    return [set(combo) for n in range(len(ids) + 1) for combo in itertools.combinations(ids, n)]


def _as_rules(normalised: tuple[tuple[Risk, Any], ...]) -> tuple[RiskRule, ...]:
    return tuple(RiskRule(render_rule(tree), risk) for risk, tree in normalised)


def test_rules_in_the_required_form_come_back_unchanged() -> None:
    rules = (
        RiskRule("a || !b", Risk.HIGH),
        RiskRule("!(c && a)", Risk.MEDIUM),
        RiskRule("default", Risk.NONE),
    )
    assert _as_rules(normalise_rules(rules)) == rules


def test_rules_without_default_and_with_a_risk_twice_become_one_per_risk() -> None:
    # ElastiCache's shape: HIGH, MEDIUM, NO and no default (the importer adds default NONE).
    rules = (
        RiskRule("a", Risk.HIGH),
        RiskRule("b", Risk.MEDIUM),
        RiskRule("c", Risk.NONE),
        RiskRule("default", Risk.NONE),
    )
    assert _as_rules(normalise_rules(rules)) == (
        RiskRule("a", Risk.HIGH),
        RiskRule("b", Risk.MEDIUM),
        RiskRule("default", Risk.NONE),
    )


_IDS = ["a", "b", "c", "d"]
_conditions = st.recursive(
    st.sampled_from(_IDS),
    lambda inner: st.one_of(
        inner.map(lambda c: f"!({c})"),
        st.tuples(inner, inner).map(lambda p: f"({p[0]}) && ({p[1]})"),
        st.tuples(inner, inner).map(lambda p: f"({p[0]}) || ({p[1]})"),
    ),
    max_leaves=4,
)
_rule_lists = st.lists(
    st.tuples(st.one_of(_conditions, st.just("default")), st.sampled_from(list(Risk))),
    max_size=6,
)


@settings(max_examples=150, deadline=None)
@given(_rule_lists)
def test_normalised_rules_give_every_choice_set_the_same_risk(
    raw: list[tuple[str, Risk]],
) -> None:
    rules = tuple(RiskRule(c, r) for c, r in raw)
    normalised = _as_rules(normalise_rules(rules))
    risks = [rule.risk for rule in normalised]
    assert len(risks) == len(set(risks)) <= 3
    assert normalised[-1].condition == "default"
    before = Question("q", "q", "p", None, 1.0, "q", risk_rules=rules)
    after = replace(before, risk_rules=normalised)
    for chosen in _all_subsets(_IDS):
        assert choice_risk(after, chosen) == choice_risk(before, chosen)


# -- round trips ----------------------------------------------------------------------------


def _round_trip(lens: Lens, tmp_path: Path) -> Lens:
    exported = export_aws_lens(lens)
    return load_aws_lens(write_json(tmp_path / "exported.json", exported.document))


def assert_same_lens(original: Lens, back: Lens) -> None:
    """Every pillar, question, choice and rule comes back (rules in their one-per-risk form,
    which gives every set of choices the same risk)."""
    assert back.name == original.name
    assert [(p.id, p.name) for p in back.pillars] == [(p.id, p.name) for p in original.pillars]
    assert [q.id for q in back.questions] == [q.id for q in original.questions]
    for q, b in zip(original.questions, back.questions, strict=True):
        assert (b.title, b.pillar, b.why, b.url) == (q.title, q.pillar, q.why, q.url)
        assert [(c.id, c.title, c.description, c.helpful_url) for c in b.choices] == [
            (c.id, c.title, c.description, c.helpful_url) for c in q.choices
        ]
        for c, cb in zip(q.choices, b.choices, strict=True):
            if c.improvement_plan:
                assert (cb.improvement_plan, cb.improvement_url) == (
                    c.improvement_plan,
                    c.improvement_url,
                )
        assert [parse_rule(r.condition) for r in b.risk_rules] == [
            tree for _, tree in normalise_rules(q.risk_rules)
        ]
        assert [r.risk for r in b.risk_rules] == [risk for risk, _ in normalise_rules(q.risk_rules)]
        ids = [c.id for c in q.choices]
        subsets = _all_subsets(ids) if len(ids) <= 8 else [set(), set(ids)]
        for chosen in subsets:
            assert choice_risk(b, chosen) == choice_risk(q, chosen), (q.id, chosen)


def test_round_trip_of_an_own_fixture(tmp_path: Path) -> None:
    lens = load_aws_lens(write_json(tmp_path / "lens.json", fixture_lens()))
    assert_same_lens(lens, _round_trip(lens, tmp_path))


def test_round_trip_of_a_toml_lens_with_ids_aws_does_not_allow(tmp_path: Path) -> None:
    base = load_aws_lens(write_json(tmp_path / "lens.json", fixture_lens()))
    question = base.questions[0]
    renamed = replace(
        question,
        id="mo-deploy.v2",
        choices=tuple(replace(c, id=c.id.replace("_", "-")) for c in question.choices),
        risk_rules=tuple(
            replace(r, condition=r.condition.replace("_", "-")) for r in question.risk_rules
        ),
    )
    toml = tmp_path / "lens.toml"
    toml.write_text(
        lens_to_toml(replace(base, id="model-ops", questions=(renamed, *base.questions[1:]))),
        encoding="utf-8",
    )
    lens = load_lens(toml)
    back = _round_trip(lens, tmp_path)
    assert back.questions[0].id == "mo_deploy_v2"
    assert [c.id for c in back.questions[0].choices] == [
        "mo_deploy_ci",
        "mo_deploy_canary",
        "mo_deploy_rollback",
        "mo_deploy_no",
    ]
    assert choice_risk(back.questions[0], {"mo_deploy_ci"}) == Risk.MEDIUM
    assert choice_risk(back.questions[0], {"mo_deploy_ci", "mo_deploy_rollback"}) == Risk.NONE
    assert choice_risk(back.questions[0], {"mo_deploy_no"}) == Risk.HIGH


@pytest.mark.skipif(not SHARED_FILES, reason=f"the shared AWS lenses are not present at {SHARED}")
@pytest.mark.parametrize("path", SHARED_FILES, ids=lambda p: p.name)
def test_round_trip_of_every_shared_lens(path: Path, tmp_path: Path) -> None:
    lens = load_aws_lens(path)
    assert_same_lens(lens, _round_trip(lens, tmp_path))


def test_the_ml_lens_exports_grouped_within_every_limit(ml_lens: Lens, tmp_path: Path) -> None:
    exported = export_aws_lens(ml_lens)
    assert exported.grouped and exported.selected_from_level == 3
    back = _round_trip(ml_lens, tmp_path)
    # Every practice is a choice of exactly one question, in lens order, with its title.
    practices = [c for q in back.questions for c in q.choices if c.id != NONE_OF_THESE_ID]
    assert [c.title for c in practices] == [f"{q.id} {q.title}" for q in ml_lens.questions]
    assert [c.helpful_url for c in practices] == [q.url for q in ml_lens.questions]
    for question in back.questions:
        assert question.choices[-1].id == NONE_OF_THESE_ID
        assert question.choices[-1].is_none_of_these
        assert len(question.choices) <= 15
    per_pillar = {p.id: len(back.questions_in(pillar=p.id)) for p in back.pillars}
    assert max(per_pillar.values()) <= 20
    # Cost optimisation x model development has 15 practices: two questions of 8 and 7.
    cost_model = [q for q in back.questions if q.id.startswith("costOptimization_model")]
    assert [len(q.choices) - 1 for q in cost_model] == [8, 7]


def test_ml_lens_risk_rules_follow_the_practices_aws_risk(ml_lens: Lens, tmp_path: Path) -> None:
    back = _round_trip(ml_lens, tmp_path)
    exported = export_aws_lens(ml_lens)
    for ref in exported.questions:
        question = back.question(ref.aws_id)
        assert question is not None
        practices = [ml_lens.question(pid) for pid in ref.sources]
        every = {ref.choice_ids[p.id] for p in practices if p is not None}
        assert choice_risk(question, every) == Risk.NONE
        assert choice_risk(question, {NONE_OF_THESE_ID}) == (
            Risk.HIGH if any(p and p.aws_risk == Risk.HIGH for p in practices) else Risk.MEDIUM
        )
        for practice in practices:
            assert practice is not None
            missing = every - {ref.choice_ids[practice.id]}
            expected = Risk.HIGH if practice.aws_risk == Risk.HIGH else Risk.MEDIUM
            assert choice_risk(question, missing) == expected, practice.id


# -- the command line --------------------------------------------------------------------------


def test_cli_exports_the_built_in_lens_and_validates_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_file = tmp_path / "ml.json"
    code, out, err = run(capsys, "lens", "export", "--format", "aws", "-o", str(out_file))
    assert code == 0, err
    assert "105 practices are grouped into 36 questions" in out
    code, out, err = run(capsys, "lens", "validate", "--format", "aws", str(out_file))
    assert code == 0, err
    assert out == (
        f"{out_file} passes every limit of the AWS lens format: 6 pillars, 36 questions, "
        "141 choices\n"
    )
    # And the export imports back as a lens of its own.
    code, out, err = run(capsys, "lens", "import", str(out_file))
    assert code == 0, err


def test_cli_exports_an_imported_lens_unchanged(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = write_json(tmp_path / "ops.json", fixture_lens())
    assert run(capsys, "lens", "import", str(source))[0] == 0
    code, out, err = run(capsys, "lens", "export", "model-ops-review")
    assert code == 0, err
    assert json.loads(out) == fixture_lens()


def test_cli_validate_reports_each_problem_with_its_key_path(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    document = fixture_lens()
    _no_default(document)
    _q(document)["title"] = "t" * 129
    path = write_json(tmp_path / "bad.json", document)
    code, _, err = run(capsys, "lens", "validate", "--format", "aws", str(path))
    assert code == 1
    assert err == (
        "mllens: AWS custom lens is not valid (2 problems):\n"
        f"  - {path}: {Q}.title: 129 characters: the AWS lens format allows at most 128\n"
        f"  - {path}: {Q}.riskRules: no 'default' rule (the format requires one)\n"
    )
    assert "Traceback" not in err


def test_cli_refuses_an_export_past_the_limits_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    base = load_aws_lens(write_json(tmp_path / "lens.json", fixture_lens()))
    question = base.questions[2]
    # A TOML lens may hold more questions in a pillar than an AWS lens may (the built-in lens
    # has 29 in one); loading it works, exporting it choice by choice cannot.
    pillar = base.pillars[0]
    questions = tuple(replace(question, id=f"q_{i}", pillar=pillar.id) for i in range(21))
    toml = tmp_path / "wide.toml"
    toml.write_text(
        lens_to_toml(replace(base, id="wide", pillars=(pillar,), questions=questions)),
        encoding="utf-8",
    )
    target = tmp_path / "wide.json"
    code, _, err = run(capsys, "lens", "export", str(toml), "-o", str(target))
    assert code == 1
    assert "21 questions: the AWS lens format allows at most 20" in err
    assert "nothing was written" in err
    assert not target.exists()


def test_lens_show_json_lists_choices_and_risk_rules(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_json(tmp_path / "ops.json", fixture_lens())
    code, out, err = run(capsys, "lens", "show", str(path), "--json")
    assert code == 0, err
    question = json.loads(out)["questions"][0]
    assert [c["id"] for c in question["choices"]] == [
        "mo_deploy_ci",
        "mo_deploy_canary",
        "mo_deploy_rollback",
        "mo_deploy_no",
    ]
    assert question["choices"][0]["improvement_plan"] == "Put Pipelines deploy every model in place"
    assert question["risk_rules"] == [
        {"condition": "mo_deploy_no || !mo_deploy_ci", "risk": "HIGH"},
        {"condition": "!mo_deploy_rollback", "risk": "MEDIUM"},
        {"condition": "default", "risk": "NONE"},
    ]
