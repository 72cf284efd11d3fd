"""Risk-rule conditions at their limits: the exact message and position a lens author reads,
and depth counted per nesting, not per bracket in the whole condition."""

from __future__ import annotations

import re

import pytest

from mllens_tui.lens.limits import MAX_CONDITION_LENGTH
from mllens_tui.lens.rules import MAX_DEPTH, Rule, RuleSyntaxError, parse_rule


def error(text: str) -> str:
    with pytest.raises(RuleSyntaxError) as info:
        parse_rule(text)
    return str(info.value)


def test_the_length_limit_is_inclusive() -> None:
    at_limit = "a" * MAX_CONDITION_LENGTH
    assert parse_rule(at_limit) == Rule("id", at_limit)
    assert error("a" * (MAX_CONDITION_LENGTH + 1)) == (
        "10001 characters: a condition has at most 10000"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a &&", "condition ends too early: 'a &&'"),
        ("!", "condition ends too early: '!'"),
        ("(a", "missing ')' in '(a'"),
        ("((a) || b", "missing ')' in '((a) || b'"),
        ("  $", "unexpected '$' at character 3"),
        ("a ||  )", "unexpected ')' at character 7"),
        ("a  ||", "condition ends too early: 'a  ||'"),
        ("a && ||", "unexpected '||' at character 6"),
        ("(a)(b)", "unexpected '(' at character 4"),
        ("\t", "empty condition"),
    ],
)
def test_syntax_errors_say_exactly_what_and_where(text: str, message: str) -> None:
    assert error(text) == message


def test_spaces_around_tokens_are_ignored() -> None:
    assert parse_rule("  a  ") == Rule("id", "a")
    assert parse_rule("\ta&&!b ") == Rule(
        "and", args=(Rule("id", "a"), Rule("not", args=(Rule("id", "b"),)))
    )
    assert parse_rule(" default\t") == Rule("default")
    # "default" is the whole condition or an ordinary choice id.
    assert parse_rule("default || a") == Rule("or", args=(Rule("id", "default"), Rule("id", "a")))


def test_depth_is_counted_per_nesting() -> None:
    deepest = "(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH
    # A bracket or negation that is closed gives its depth back, however many follow.
    assert parse_rule(" && ".join(["(a)"] * 100)).names() == {"a"}
    assert parse_rule(" && ".join(["!a"] * 100)).evaluate(set())
    assert parse_rule(f"(a) && !b && {deepest}").evaluate({"a"})
    assert parse_rule("!" * MAX_DEPTH + "a").evaluate({"a"})  # an even count: a itself
    too_deep = "(a) && !b && (" + deepest + ")"
    at = too_deep.index(deepest) + MAX_DEPTH  # the deepest bracket, counted from 1
    assert error(too_deep) == f"nested more than {MAX_DEPTH} deep at character {at}"
    assert error("!" * (MAX_DEPTH + 1) + "a") == (
        f"nested more than {MAX_DEPTH} deep at character {MAX_DEPTH + 1}"
    )


def test_evaluation_of_each_operator() -> None:
    selected = {"a", "b"}
    assert parse_rule("a && b && c").evaluate(selected) is False
    assert parse_rule("a && b").evaluate(selected) is True
    assert parse_rule("c || d || a").evaluate(selected) is True
    assert parse_rule("c || d").evaluate(selected) is False
    assert parse_rule("!c").evaluate(selected) is True
    assert parse_rule("!a").evaluate(selected) is False
    assert parse_rule("default").evaluate(set()) is True


def test_names_of_every_kind_of_rule() -> None:
    assert parse_rule("!a").names() == {"a"}
    assert parse_rule("a && (b || !c)").names() == {"a", "b", "c"}
    assert Rule("default").names() == set()


def test_tokens_keep_their_characters() -> None:
    rule = parse_rule("OPS_1.x-2||b")
    assert rule == Rule("or", args=(Rule("id", "OPS_1.x-2"), Rule("id", "b")))
    assert re.fullmatch(r"unexpected '\+' at character 2", error("a+b"))
