"""Import an AWS Well-Architected custom lens (JSON, ``schemaVersion`` 2021-11-01).

Real lens files break the format specification in small ways. Where the meaning is still
clear the importer records a warning and goes on (a question with no ``default`` rule, a
title that is not a string, keys the format does not define); where it is not, it refuses
with one :class:`InputError` that lists every problem, each located by file and JSON key
path such as ``pillars[0].questions[3].riskRules[1].condition``.

What the lens model has no place for is left out: question-level ``helpfulResource``
display text and choices' ``additionalResources``. A choice's ``helpfulResource`` display
text becomes its description.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from mllens_tui.inputs import show
from mllens_tui.lens.limits import (
    MAX_CHOICES_PER_QUESTION,
    MAX_FILE_BYTES,
    MAX_ID_LENGTH,
    MAX_PILLARS,
    MAX_QUESTIONS_PER_PILLAR,
    MAX_RULES_PER_QUESTION,
    READ_CEILING,
)
from mllens_tui.lens.loader import ID_PATTERN, content_hash
from mllens_tui.lens.model import Choice, Lens, Pillar, Question, Risk, RiskRule
from mllens_tui.lens.rules import RuleSyntaxError, parse_rule
from mllens_tui.problems import Collector, InputError, Problem

LENS_KEYS = {"schemaVersion", "name", "description", "pillars"}
PILLAR_KEYS = {"id", "name", "questions"}
QUESTION_KEYS = {"id", "title", "description", "helpfulResource", "choices", "riskRules"}
CHOICE_KEYS = {"id", "title", "helpfulResource", "improvementPlan", "additionalResources"}
RULE_KEYS = {"condition", "risk"}
RESOURCE_KEYS = {"displayText", "url"}
# Not in the specification, but used by the hub's lenses to carry the lens's own version.
VERSION_KEY = "_version"

AWS_RISKS = {"HIGH_RISK": Risk.HIGH, "MEDIUM_RISK": Risk.MEDIUM, "NO_RISK": Risk.NONE}


@dataclass(frozen=True)
class AwsLensImport:
    """An imported lens and what was wrong with the file but could safely be worked around."""

    lens: Lens
    warnings: tuple[Problem, ...]


def load_aws_lens(path: Path | str) -> Lens:
    """Import the AWS custom lens at ``path``; warnings are dropped (see :func:`read_aws_lens`)."""
    return read_aws_lens(path).lens


def read_aws_lens(path: Path | str) -> AwsLensImport:
    """Import the AWS custom lens JSON file at ``path`` into the lens model.

    Returns the lens with the warnings found on the way. Raises :class:`InputError`
    (``what="lens"``) listing every problem that makes the file unsafe to import.
    """
    path = Path(path)
    document, problems = _read_document(path)
    reader = _Reader(str(path))
    lens = reader.lens(document)
    problems += reader.errors.problems
    if problems or lens is None:
        raise InputError(problems, what="lens")
    return AwsLensImport(lens, tuple(reader.warnings.problems))


def lens_id_from_name(name: str) -> str:
    """The lens id made from its name: lowercase ASCII letters and digits joined by '-'."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:MAX_ID_LENGTH].rstrip("-")


def _read_document(path: Path) -> tuple[object, list[Problem]]:
    """The parsed JSON and the size problem, if any; unreadable input raises at once."""
    source = str(path)
    problems: list[Problem] = []

    def refuse(where: str, message: str) -> InputError:
        return InputError([*problems, Problem(source, where, message)], what="lens")

    try:
        size = path.stat().st_size
        if size > READ_CEILING:
            raise refuse("", f"{size} bytes: the AWS lens format allows at most 500 KB")
        data = path.read_bytes()
    except OSError as exc:
        raise refuse("", f"cannot be read: {exc.strerror or exc}") from exc
    if len(data) > MAX_FILE_BYTES:
        problems.append(
            Problem(source, "", f"{len(data)} bytes: the AWS lens format allows at most 500 KB")
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise refuse(f"byte {exc.start}", f"not UTF-8 text: {exc.reason}") from exc
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise refuse(
            f"line {exc.lineno}, column {exc.colno}", f"not valid JSON: {exc.msg}"
        ) from exc
    except RecursionError as exc:
        raise refuse("", "not a lens: arrays or objects nested too deeply to read") from exc
    except ValueError as exc:
        # Python refuses integers of more than 4300 digits (int_max_str_digits).
        raise refuse("", f"not valid JSON: {exc}") from exc
    return document, problems


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _show(value: object) -> str:
    """A value as the JSON file spells it (``NaN``, ``null``, ``true``), cut short."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        return show(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


class _Reader:
    """Walks one parsed lens document, collecting errors and warnings as it goes."""

    def __init__(self, source: str) -> None:
        self.errors = Collector(source)
        self.warnings = Collector(source)
        # Keys the format does not define, by (kind of object, key): every place found.
        self.ignored: dict[tuple[str, str], list[str]] = {}

    # -- the lens --------------------------------------------------------------------

    def lens(self, raw: object) -> Lens | None:
        if not isinstance(raw, dict):
            self.errors.add("", f"expected a JSON object with the lens, got {_show(raw)}")
            return None
        extra = sorted(set(raw) - LENS_KEYS - {VERSION_KEY})
        if extra:
            self.warnings.add(
                "", f"top-level keys not in the AWS lens format, ignored: {', '.join(extra)}"
            )
        name = self._name(raw)
        description = self._text(raw, "description", "")
        version = self._version(raw)
        pillars: list[Pillar] = []
        questions: list[Question] = []
        pillar_seen: dict[str, str] = {}
        question_seen: dict[str, str] = {}
        for i, item in enumerate(self._array(raw, "pillars", "", MAX_PILLARS)):
            where = f"pillars[{i}]"
            if not isinstance(item, dict):
                self.errors.add(where, f"expected an object with a pillar, got {_show(item)}")
                continue
            self._note_extra_keys(item, PILLAR_KEYS, "pillar", where)
            pillar_id = self._id(item, where, pillar_seen, "pillar")
            pillars.append(Pillar(pillar_id, self._title(item, "name", where, pillar_id)))
            raw_questions = self._array(item, "questions", where, MAX_QUESTIONS_PER_PILLAR)
            for j, raw_question in enumerate(raw_questions):
                question = self._question(
                    raw_question, f"{where}.questions[{j}]", pillar_id, question_seen
                )
                if question is not None:
                    questions.append(question)
        self._warn_extra_keys()
        if self.errors:
            return None
        lens = Lens(
            id=lens_id_from_name(name),
            name=name,
            version=version,
            description=description,
            pillars=tuple(pillars),
            phases=(),
            levels=(),
            questions=tuple(questions),
            content_hash="",
        )
        return replace(lens, content_hash=content_hash(lens))

    def _name(self, raw: dict[str, Any]) -> str:
        value = raw.get("name")
        if not isinstance(value, str) or not value.strip():
            found = "missing" if value is None else f"got {_show(value)}"
            self.errors.add("name", f"{found} (expected the lens name, a non-empty string)")
            return ""
        name = value.strip()
        if not lens_id_from_name(name):
            self.errors.add(
                "name", f"needs a letter or digit to make the lens id, got {show(name)}"
            )
        return name

    def _version(self, raw: dict[str, Any]) -> str:
        for key in (VERSION_KEY, "schemaVersion"):
            value = raw.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
            if _is_number(value):
                return str(value)
            if value is not None:
                self.warnings.add(key, f"expected a version string, got {_show(value)}; ignored")
        self.warnings.add(
            "schemaVersion", "no usable _version or schemaVersion: the lens version is 'unknown'"
        )
        return "unknown"

    # -- questions, choices, rules ---------------------------------------------------------

    def _question(
        self, raw: object, where: str, pillar_id: str, seen: dict[str, str]
    ) -> Question | None:
        if not isinstance(raw, dict):
            self.errors.add(where, f"expected an object with a question, got {_show(raw)}")
            return None
        self._note_extra_keys(raw, QUESTION_KEYS, "question", where)
        question_id = self._id(raw, where, seen, "question")
        title = self._title(raw, "title", where, question_id)
        _, url = self._resource(raw, "helpfulResource", where)
        errors_before = len(self.errors.problems)
        choices = self._choices(raw, where)
        # With the choices broken, "unknown choice" in the rules would only repeat that.
        choice_ids = {c.id for c in choices} if len(self.errors.problems) == errors_before else None
        rules = self._rules(raw, where, choice_ids)
        return Question(
            id=question_id,
            title=title,
            pillar=pillar_id,
            phase=None,
            weight=1.0,
            prompt=title,
            url=url,
            why=self._text(raw, "description", where),
            choices=choices,
            risk_rules=rules,
        )

    def _choices(self, raw: dict[str, Any], where: str) -> tuple[Choice, ...]:
        choices: list[Choice] = []
        seen: dict[str, str] = {}
        for k, item in enumerate(self._array(raw, "choices", where, MAX_CHOICES_PER_QUESTION)):
            cwhere = f"{where}.choices[{k}]"
            if not isinstance(item, dict):
                self.errors.add(cwhere, f"expected an object with a choice, got {_show(item)}")
                continue
            self._note_extra_keys(item, CHOICE_KEYS, "choice", cwhere)
            choice_id = self._id(item, cwhere, seen, "choice")
            help_text, help_url = self._resource(item, "helpfulResource", cwhere)
            plan_text, plan_url = self._resource(item, "improvementPlan", cwhere)
            choices.append(
                Choice(
                    id=choice_id,
                    title=self._title(item, "title", cwhere, choice_id),
                    description=help_text,
                    helpful_url=help_url,
                    improvement_plan=plan_text,
                    improvement_url=plan_url,
                )
            )
        return tuple(choices)

    def _rules(
        self, raw: dict[str, Any], where: str, choice_ids: set[str] | None
    ) -> tuple[RiskRule, ...]:
        rwhere = f"{where}.riskRules"
        value = raw.get("riskRules")
        if value is not None and not isinstance(value, list):
            self.errors.add(rwhere, f"expected an array of risk rules, got {_show(value)}")
            return ()
        items: list[object] = value or []
        if len(items) > MAX_RULES_PER_QUESTION:
            self.errors.add(
                rwhere,
                f"{len(items)} risk rules: the AWS lens format allows at most "
                f"{MAX_RULES_PER_QUESTION}",
            )
        errors_before = len(self.errors.problems)
        rules: list[RiskRule] = []
        default_at: str | None = None
        for i, item in enumerate(items):
            iwhere = f"{rwhere}[{i}]"
            if not isinstance(item, dict):
                self.errors.add(iwhere, f"expected an object with a risk rule, got {_show(item)}")
                continue
            self._note_extra_keys(item, RULE_KEYS, "risk rule", iwhere)
            condition = self._condition(item, iwhere, choice_ids)
            risk = self._risk(item, iwhere)
            if condition is None or risk is None:
                continue
            if default_at is not None:
                self.warnings.add(
                    f"{iwhere}.condition",
                    f"comes after the 'default' rule at {default_at}, so it never applies",
                )
            if condition == "default" and default_at is None:
                default_at = iwhere
            rules.append(RiskRule(condition, risk))
        if default_at is None and len(self.errors.problems) == errors_before:
            self.warnings.add(
                rwhere,
                "no 'default' rule, which the AWS lens format requires: added a 'default' "
                "rule of no risk (NONE), which applies when no other condition holds",
            )
            rules.append(RiskRule("default", Risk.NONE))
        return tuple(rules)

    def _condition(
        self, raw: dict[str, Any], where: str, choice_ids: set[str] | None
    ) -> str | None:
        """The condition once it parses and names only the question's choices (not checked
        when ``choice_ids`` is None)."""
        cwhere = f"{where}.condition"
        value = raw.get("condition")
        if not isinstance(value, str) or not value.strip():
            found = "missing" if value is None else f"got {_show(value)}"
            self.errors.add(cwhere, f"{found} (expected 'default' or a condition on choice ids)")
            return None
        text = value.strip()
        try:
            rule = parse_rule(text)
        except RuleSyntaxError as exc:
            self.errors.add(cwhere, f"cannot parse {show(text)}: {exc}")
            return None
        if choice_ids is None:
            return text
        unknown = sorted(rule.names() - choice_ids)
        for name in unknown:
            known = ", ".join(sorted(choice_ids)) or "none"
            self.errors.add(cwhere, f"unknown choice {name!r} (this question's choices: {known})")
        return None if unknown else text

    def _risk(self, raw: dict[str, Any], where: str) -> Risk | None:
        value = raw.get("risk")
        if isinstance(value, str) and value in AWS_RISKS:
            return AWS_RISKS[value]
        found = "missing" if value is None else f"got {_show(value)}"
        self.errors.add(f"{where}.risk", f"{found} (expected one of: {', '.join(AWS_RISKS)})")
        return None

    # -- fields ----------------------------------------------------------------------

    def _array(self, raw: dict[str, Any], key: str, where: str, limit: int) -> list[object]:
        """A required non-empty array; its items are still checked when it is too long."""
        path = _join(where, key)
        value = raw.get(key)
        if not isinstance(value, list) or not value:
            found = "missing" if value is None else f"got {_show(value)}"
            self.errors.add(path, f"{found} (expected a non-empty array of {key})")
            return []
        if len(value) > limit:
            self.errors.add(path, f"{len(value)} {key}: the AWS lens format allows at most {limit}")
        return value

    def _id(self, raw: dict[str, Any], where: str, seen: dict[str, str], kind: str) -> str:
        path = f"{where}.id"
        value = raw.get("id")
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            found = "missing" if value is None else f"got {_show(value)}"
            self.errors.add(
                path,
                f"{found} (expected a {kind} id: up to {MAX_ID_LENGTH} letters, digits, "
                "'_', '-' or '.', starting with a letter or digit)",
            )
            return ""
        if value in seen:
            scope = " in this question" if kind == "choice" else ""
            self.errors.add(path, f"duplicate {kind} id {value!r}{scope} (first at {seen[value]})")
        else:
            seen[value] = where
        return value

    def _title(self, raw: dict[str, Any], key: str, where: str, fallback: str) -> str:
        """A required title; a missing or non-string one is replaced by the id, with a warning."""
        value = raw.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        found = "missing" if value is None else f"expected a non-empty string, got {_show(value)}"
        self.warnings.add(_join(where, key), f"{found}; the id {fallback!r} is used instead")
        return fallback

    def _text(self, raw: dict[str, Any], key: str, where: str) -> str:
        """An optional text; anything but a string is left out, with a warning."""
        value = raw.get(key)
        if value is None:
            return ""
        if isinstance(value, str):
            return value.strip()
        self.warnings.add(_join(where, key), f"expected a string, got {_show(value)}; left out")
        return ""

    def _url(self, raw: dict[str, Any], key: str, where: str) -> str:
        text = self._text(raw, key, where)
        if not text:
            return ""
        parsed = urlparse(text)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            self.warnings.add(_join(where, key), f"not an http(s) URL, left out: {show(text)}")
            return ""
        return text

    def _resource(self, raw: dict[str, Any], key: str, where: str) -> tuple[str, str]:
        """``(displayText, url)`` of a ``helpfulResource`` or ``improvementPlan`` object."""
        value = raw.get(key)
        path = _join(where, key)
        if value is None:
            return "", ""
        if not isinstance(value, dict):
            self.warnings.add(
                path, f"expected an object with displayText and url, got {_show(value)}; left out"
            )
            return "", ""
        self._note_extra_keys(value, RESOURCE_KEYS, key, path)
        return self._text(value, "displayText", path), self._url(value, "url", path)

    def _note_extra_keys(
        self, raw: dict[str, Any], allowed: set[str], kind: str, where: str
    ) -> None:
        for key in raw:
            if key not in allowed:
                self.ignored.setdefault((kind, key), []).append(_join(where, key))

    def _warn_extra_keys(self) -> None:
        """One warning per unexpected key and kind of object, not one per occurrence."""
        for (kind, key), places in self.ignored.items():
            more = len(places) - 1
            also = f" (and {more} more {kind} object{'s' if more > 1 else ''})" if more else ""
            self.warnings.add(
                places[0], f"key {key!r} is not in the AWS lens format for a {kind}; ignored{also}"
            )
