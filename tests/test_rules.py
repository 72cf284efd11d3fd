"""Risk-rule conditions: precedence ``!`` > ``&&`` > ``||``, brackets, located errors."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mllens_tui.lens.rules import Rule, RuleSyntaxError, parse_rule


def holds(condition: str, *selected: str) -> bool:
    return parse_rule(condition).evaluate(set(selected))


def test_not_binds_tighter_than_and_which_binds_tighter_than_or() -> None:
    rule = parse_rule("a || b && !c")
    assert rule == Rule(
        "or",
        args=(
            Rule("id", "a"),
            Rule("and", args=(Rule("id", "b"), Rule("not", args=(Rule("id", "c"),)))),
        ),
    )
    assert holds("a || b && !c", "a", "c")  # a alone is enough: && does not reach over ||
    assert holds("a || b && !c", "b")
    assert not holds("a || b && !c", "b", "c")
    assert not holds("a || b && !c")
    assert not holds("!a && b")  # (!a) && b, not !(a && b)
    assert holds("!a && b", "b")


def test_brackets_override_precedence() -> None:
    assert holds("a || b && !c", "a", "c")
    assert not holds("(a || b) && !c", "a", "c")
    assert holds("!(a && b)", "a")
    assert not holds("!(a || b)", "a")
    assert holds("((a))", "a")
    assert holds("!!a", "a")


def test_default_always_holds_and_names_no_choice() -> None:
    rule = parse_rule("  default ")
    assert rule.evaluate(set())
    assert rule.names() == set()


def test_names_are_every_choice_id_mentioned() -> None:
    assert parse_rule("(OPS_1 || !x.2) && c-3 && OPS_1").names() == {"OPS_1", "x.2", "c-3"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a && && b", "unexpected '&&' at character 6"),
        ("a b", "unexpected 'b' at character 3"),
        ("a | b", "unexpected '|' at character 3"),
        ("a $ b", "unexpected '$' at character 3"),
        (")", "unexpected ')' at character 1"),
        ("(a || b))", "unexpected ')' at character 9"),
        ("a || b &&", "ends too early"),
        ("(a || b", "missing ')'"),
        ("", "empty condition"),
        ("   ", "empty condition"),
        ("(" * 100 + "a" + ")" * 100, "nested more than 64 deep at character 65"),
        ("!" * 100 + "a", "nested more than 64 deep at character 65"),
    ],
)
def test_errors_say_where(text: str, message: str) -> None:
    with pytest.raises(RuleSyntaxError, match=re.escape(message)):
        parse_rule(text)


# -- property: the parser agrees with Python's own boolean operators ---------------------------

# Python's ``not`` > ``and`` > ``or`` is the precedence the rules use, so the same token
# sequence spelled both ways must mean the same thing.
IDS = ["a", "OPS_1", "x.2", "c-3", "none_no"]
SPACE = st.sampled_from(["", " ", "  "])

Expr = tuple[str, str]  # (rule text, Python text)


def _extend(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    pair = st.tuples(children, SPACE, children)
    return st.one_of(
        children.map(lambda c: (f"!{c[0]}", f"not {c[1]}")),
        children.map(lambda c: (f"({c[0]})", f"({c[1]})")),
        pair.map(lambda t: (f"{t[0][0]}{t[1]}&&{t[1]}{t[2][0]}", f"{t[0][1]} and {t[2][1]}")),
        pair.map(lambda t: (f"{t[0][0]}{t[1]}||{t[1]}{t[2][0]}", f"{t[0][1]} or {t[2][1]}")),
    )


_leaves = st.sampled_from(IDS).map(lambda name: (name, f"({name!r} in selected)"))
_expressions: st.SearchStrategy[Expr] = st.recursive(_leaves, _extend, max_leaves=12)


@given(_expressions, st.sets(st.sampled_from(IDS)))
def test_parse_rule_evaluates_like_python(expr: Expr, selected: set[str]) -> None:
    text, python = expr
    expected = eval(python, {}, {"selected": frozenset(selected)})
    assert parse_rule(text).evaluate(selected) is expected


@given(st.text(alphabet="ab_()!&| \t", max_size=30))
def test_any_text_parses_or_raises_a_syntax_error(text: str) -> None:
    try:
        rule = parse_rule(text)
    except RuleSyntaxError:
        return
    words = text
    for separator in "()!&|\t":
        words = words.replace(separator, " ")
    assert rule.names() == set(words.split())
