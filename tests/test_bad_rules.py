"""Risk-rule conditions: a very long one is refused by its length (parsing is linear anyway),
deep nesting is refused by depth, never a RecursionError; in TOML and JSON lenses alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bad_inputs import assert_refused, json_lens, run, toml_lens, write

from mllens_tui.lens.limits import MAX_CONDITION_LENGTH
from mllens_tui.lens.rules import MAX_DEPTH, RuleSyntaxError, parse_rule

CONDITIONS = {
    "40,000 terms": (" || ".join(f"c{i % 2}" for i in range(40_000)), "characters"),
    "just over the length limit": ("c0 && " * (MAX_CONDITION_LENGTH // 6 + 1) + "c0", "characters"),
    "brackets 3,000 deep": ("(" * 3000 + "c0" + ")" * 3000, "nested more than"),
    "negations 5,000 deep": ("!" * 5000 + "c0", "nested more than"),
    "brackets one too deep": ("(" * (MAX_DEPTH + 1) + "c0" + ")" * (MAX_DEPTH + 1), "nested"),
    "unclosed brackets": ("(" * 3000 + "c0", "nested more than"),
    "closing only": (")" * 3000, "unexpected ')'"),
    "operators only": ("&&" * 3000, "unexpected '&&'"),
    "control character": ("c0 \x1b c1", "unexpected"),
}


@pytest.mark.parametrize(("condition", "message"), CONDITIONS.values(), ids=CONDITIONS.keys())
@pytest.mark.parametrize("command", ["validate", "import"])
def test_bad_conditions_are_refused_in_both_formats(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, condition: str, message: str
) -> None:
    source = write(tmp_path, json.dumps(json_lens(rules=[condition])), "lens.json")
    code, _, err = run(capsys, "lens", command, source)
    assert_refused(code, err, source, "riskRules[0].condition")
    assert message in err
    assert len(err) < 2000  # the condition is quoted cut short, not whole
    source = write(tmp_path, toml_lens(rules=[condition]), "lens.toml")
    code, _, err = run(capsys, "lens", command, source)
    assert_refused(code, err, source, "risk_rules[0].condition")
    assert message in err


@pytest.mark.parametrize(
    "condition",
    [
        " || ".join(f"c{i % 2}" for i in range(MAX_CONDITION_LENGTH // 6)),
        "(" * MAX_DEPTH + "c0" + ")" * MAX_DEPTH,
        "!" * (MAX_DEPTH - 1) + "c0",
        "  (c0 && !c1) || (!c0 && c1)  ",
    ],
    ids=["long flat", "deepest brackets", "deepest negations", "ordinary"],
)
def test_conditions_within_the_limits_parse_and_evaluate(condition: str) -> None:
    rule = parse_rule(condition)
    assert "c0" in rule.names() <= {"c0", "c1"}
    assert isinstance(rule.evaluate({"c0"}), bool)


def test_length_limit_is_checked_before_anything_else() -> None:
    with pytest.raises(RuleSyntaxError, match=f"at most {MAX_CONDITION_LENGTH}"):
        parse_rule(" " * (MAX_CONDITION_LENGTH + 1))
