"""Risk-rule conditions of AWS custom lenses: parse once, evaluate against selected choices.

Grammar (precedence ``!`` > ``&&`` > ``||``; the AWS spec leaves it undocumented)::

    rule    := "default" | or
    or      := and ("||" and)*
    and     := unary ("&&" unary)*
    unary   := "!" unary | "(" or ")" | CHOICE_ID
"""

from __future__ import annotations

import re
from collections.abc import Set
from dataclasses import dataclass

from mllens_tui.lens.limits import MAX_CONDITION_LENGTH

_TOKEN = re.compile(r"\s*(?:(\|\|)|(&&)|(!)|(\()|(\))|([A-Za-z0-9_.\-]+))")
_SPACE = re.compile(r"\s*")
# Real conditions nest two or three deep; the limit keeps a hostile one from exhausting the
# Python stack (RecursionError) in the parser or in ``Rule.evaluate``.
MAX_DEPTH = 64


class RuleSyntaxError(ValueError):
    """A condition that cannot be parsed; the message says where."""


@dataclass(frozen=True)
class Rule:
    """A parsed condition. ``op`` is one of ``default``, ``id``, ``not``, ``and``, ``or``."""

    op: str
    name: str = ""
    args: tuple[Rule, ...] = ()

    def evaluate(self, selected: Set[str]) -> bool:
        """True when the condition holds for the set of selected choice ids."""
        if self.op == "default":
            return True
        if self.op == "id":
            return self.name in selected
        if self.op == "not":
            return not self.args[0].evaluate(selected)
        if self.op == "and":
            return all(a.evaluate(selected) for a in self.args)
        return any(a.evaluate(selected) for a in self.args)

    def names(self) -> set[str]:
        """Every choice id the condition mentions."""
        if self.op == "id":
            return {self.name}
        return set().union(*(a.names() for a in self.args)) if self.args else set()


def _tokenize(text: str) -> list[tuple[str, int]]:
    # Every step moves on from ``pos`` without copying the rest of the text: linear time.
    tokens: list[tuple[str, int]] = []
    pos = 0
    while pos < len(text):
        space = _SPACE.match(text, pos)
        if space is not None and space.end() == len(text):
            break
        match = _TOKEN.match(text, pos)
        if not match:
            start = space.end() if space is not None else pos
            raise RuleSyntaxError(f"unexpected {text[start]!r} at character {start + 1}")
        start = match.start(match.lastindex or 0)
        tokens.append((match.group(match.lastindex or 0), start))
        pos = match.end()
    return tokens


def parse_rule(text: str) -> Rule:
    """Parse a condition string; raises :class:`RuleSyntaxError` with the position."""
    if len(text) > MAX_CONDITION_LENGTH:
        raise RuleSyntaxError(
            f"{len(text)} characters: a condition has at most {MAX_CONDITION_LENGTH}"
        )
    if text.strip() == "default":
        return Rule("default")
    tokens = _tokenize(text)
    if not tokens:
        raise RuleSyntaxError("empty condition")
    parser = _Parser(tokens, text)
    rule = parser.parse_or()
    if parser.index < len(tokens):
        token, at = tokens[parser.index]
        raise RuleSyntaxError(f"unexpected {token!r} at character {at + 1}")
    return rule


class _Parser:
    def __init__(self, tokens: list[tuple[str, int]], text: str) -> None:
        self.tokens = tokens
        self.text = text
        self.index = 0
        self.depth = 0

    def _peek(self) -> str | None:
        return self.tokens[self.index][0] if self.index < len(self.tokens) else None

    def _take(self) -> str:
        token = self.tokens[self.index][0]
        self.index += 1
        return token

    def parse_or(self) -> Rule:
        args = [self.parse_and()]
        while self._peek() == "||":
            self._take()
            args.append(self.parse_and())
        return args[0] if len(args) == 1 else Rule("or", args=tuple(args))

    def parse_and(self) -> Rule:
        args = [self.parse_unary()]
        while self._peek() == "&&":
            self._take()
            args.append(self.parse_unary())
        return args[0] if len(args) == 1 else Rule("and", args=tuple(args))

    def parse_unary(self) -> Rule:
        token = self._peek()
        if token is None:
            raise RuleSyntaxError(f"condition ends too early: {self.text!r}")
        if token in ("!", "("):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                at = self.tokens[self.index][1]
                raise RuleSyntaxError(f"nested more than {MAX_DEPTH} deep at character {at + 1}")
        if token == "!":
            self._take()
            rule = Rule("not", args=(self.parse_unary(),))
            self.depth -= 1
            return rule
        if token == "(":
            self._take()
            inner = self.parse_or()
            if self._peek() != ")":
                raise RuleSyntaxError(f"missing ')' in {self.text!r}")
            self._take()
            self.depth -= 1
            return inner
        if token in ("||", "&&", ")"):
            at = self.tokens[self.index][1]
            raise RuleSyntaxError(f"unexpected {token!r} at character {at + 1}")
        return Rule("id", name=self._take())
