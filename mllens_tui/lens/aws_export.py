"""Export any lens as an AWS Well-Architected custom lens (JSON, ``schemaVersion`` 2021-11-01),
and check a custom lens document against the limits of the lens format specification.

A choice-based lens (an imported AWS lens, a TOML lens with choices) is written one question
for one question. A level-based lens such as the built-in ML Lens cannot be: its practices
have maturity levels, not choices, and 105 of them do not fit 20 questions per pillar. Its
practices are grouped, one AWS question per pillar and phase cell (split into parts of at
most ``MAX_CHOICES_PER_QUESTION - 1`` practices), each practice a choice, and a last
"None of these" choice. The risk rules of a grouped question follow the practices' AWS risk::

    HIGH_RISK    when any practice of AWS risk High is not chosen
    MEDIUM_RISK  when any practice of AWS risk Medium is not chosen
    NO_RISK      default

A practice counts as chosen at the lowest level whose risk is NONE (level 3, Defined, in
the ML Lens).

Ids become AWS ids: letters, digits and '_' (every other character becomes '_'), at least
``MIN_ID_LENGTH`` long. An imported AWS lens keeps its ids unchanged, so a review exported
from or imported into the AWS tool names the same questions and choices.

Risk rules are rewritten to the form the specification asks for, one rule per risk level
with ``default`` last, by :func:`normalise_rules`; the risk every set of choices gets stays
the same (first rule that holds wins, in the original and in the rewritten list).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from mllens_tui.lens.limits import (
    MAX_CHOICES_PER_QUESTION,
    MAX_FILE_BYTES,
    MAX_ID_LENGTH,
    MAX_PILLARS,
    MAX_QUESTIONS_PER_PILLAR,
    MAX_RULES_PER_QUESTION,
)
from mllens_tui.lens.model import Lens, Question, Risk, RiskRule
from mllens_tui.lens.rules import Rule, RuleSyntaxError, parse_rule
from mllens_tui.problems import Problem

# Limits of the AWS lens format specification ("Lens format specification in AWS WA Tool",
# AWS Well-Architected Tool user guide) and, where it is stricter, the API reference
# (ChoiceId: at most 64 characters). Displayed texts of helpful resources and improvement
# plans: AWS's own published lenses carry improvement plans of up to 2038 characters, so the
# limit checked is the description limit, 2048.
SCHEMA_VERSION = "2021-11-01"
MAX_NAME_LENGTH = 128
MAX_TITLE_LENGTH = 128
MAX_DESCRIPTION_LENGTH = 2048
MAX_DISPLAY_TEXT_LENGTH = 2048
MIN_ID_LENGTH = 3
MAX_CHOICE_ID_LENGTH = 64
AWS_ID = re.compile(r"^[A-Za-z0-9_]+\Z")
RISK_NAMES = {Risk.HIGH: "HIGH_RISK", Risk.MEDIUM: "MEDIUM_RISK", Risk.NONE: "NO_RISK"}
NONE_OF_THESE_ID = "none_no"
NONE_OF_THESE_TITLE = "None of these"


class AwsExportError(ValueError):
    """The lens cannot be written within the limits; ``problems`` says where."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class ExportedQuestion:
    """One question of the exported lens and where its answers come from in this lens.

    ``sources`` are the lens question ids it carries: the question itself, or the practices
    of a grouped cell. ``choice_ids`` maps a lens choice id (or, grouped, a practice id) to
    the AWS choice id; ``none_of_these`` is the AWS id of the "None of these" choice.
    """

    aws_id: str
    pillar_id: str
    sources: tuple[str, ...]
    choice_ids: Mapping[str, str]
    none_of_these: str | None = None


@dataclass(frozen=True)
class AwsLensExport:
    """An exported lens: the JSON document and the id mapping reviews use."""

    document: dict[str, Any]
    questions: tuple[ExportedQuestion, ...]
    grouped: bool
    selected_from_level: int | None = None
    _by_aws_id: dict[str, ExportedQuestion] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_aws_id", {q.aws_id: q for q in self.questions})

    def question(self, aws_id: str) -> ExportedQuestion | None:
        return self._by_aws_id.get(aws_id)

    def text(self) -> str:
        return json.dumps(self.document, indent=2, ensure_ascii=False) + "\n"


# -- ids and rules ----------------------------------------------------------------------------


def aws_id(text: str, taken: set[str], *, limit: int = MAX_ID_LENGTH) -> str:
    """``text`` as an AWS id not in ``taken`` (which it is added to): invalid characters
    become '_', short ids are padded with '_', a clash gets a numeric suffix."""
    base = re.sub(r"[^A-Za-z0-9_]", "_", text)[:limit].ljust(MIN_ID_LENGTH, "_")
    candidate, n = base, 2
    while candidate in taken:
        suffix = f"_{n}"
        candidate = base[: limit - len(suffix)] + suffix
        n += 1
    taken.add(candidate)
    return candidate


_PRECEDENCE = {"or": 1, "and": 2, "not": 3, "id": 4}


def render_rule(rule: Rule, rename: Callable[[str], str] = str) -> str:
    """A condition as text that parses back to the same tree, choice ids renamed."""

    def show(node: Rule, parent: int) -> str:
        if node.op == "id":
            return rename(node.name)
        if node.op == "default":
            return "default"
        own = _PRECEDENCE[node.op]
        if node.op == "not":
            return "!" + show(node.args[0], own - 1)
        joiner = " || " if node.op == "or" else " && "
        text = joiner.join(show(arg, own) for arg in node.args)
        return f"({text})" if own <= parent else text

    return show(rule, 0)


def normalise_rules(rules: Sequence[RiskRule]) -> tuple[tuple[Risk, Rule], ...]:
    """One rule per risk, ``default`` last, giving every choice set the risk ``rules`` give.

    Rules after the first ``default`` never apply; with no ``default`` the risk is NONE
    (as :func:`mllens_tui.scoring.choice_risk` has it). Rule *j* of risk *R* holds when its
    condition does and no earlier rule did; of the earlier rules only those whose risk is
    the default one or comes after *R* in the new order can hide it, so only they are
    negated. A list already in the required form comes back unchanged.
    """
    parsed: list[tuple[Risk, Rule]] = []
    fallback = Risk.NONE
    for rule in rules:
        tree = parse_rule(rule.condition)
        if tree.op == "default":
            fallback = rule.risk
            break
        parsed.append((rule.risk, tree))
    order: list[Risk] = []
    for risk, _ in parsed:
        if risk != fallback and risk not in order:
            order.append(risk)
    rank = {risk: i for i, risk in enumerate(order)}
    out: list[tuple[Risk, Rule]] = []
    for risk in order:
        terms: list[Rule] = []
        for j, (rj, tree) in enumerate(parsed):
            if rj != risk:
                continue
            blockers = [
                Rule("not", args=(earlier,))
                for rk, earlier in parsed[:j]
                if rk != risk and (rk == fallback or rank[rk] > rank[risk])
            ]
            terms.append(Rule("and", args=(tree, *blockers)) if blockers else tree)
        out.append((risk, terms[0] if len(terms) == 1 else Rule("or", args=tuple(terms))))
    out.append((fallback, Rule("default")))
    return tuple(out)


# -- export -----------------------------------------------------------------------------------


def export_aws_lens(lens: Lens) -> AwsLensExport:
    """``lens`` as an AWS custom lens document, checked against every limit.

    Raises :class:`AwsExportError` when the result breaks a limit that the export cannot
    work around (more than 10 pillars, too large a file, ...).
    """
    exported = _grouped_export(lens) if not lens.is_choice_based else _choice_export(lens)
    problems = check_aws_lens(exported.document, f"lens {lens.id}")
    if problems:
        raise AwsExportError(problems)
    return exported


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _resource(text: str, url: str) -> dict[str, str] | None:
    """A helpfulResource / improvementPlan object; only https links are kept."""
    if not text:
        return None
    out = {"displayText": _cut(text, MAX_DISPLAY_TEXT_LENGTH)}
    if url.startswith("https://"):
        out["url"] = url
    return out


def _lens_header(lens: Lens) -> dict[str, Any]:
    document: dict[str, Any] = {
        "schemaVersion": SCHEMA_VERSION,
        "name": _cut(lens.name, MAX_NAME_LENGTH),
    }
    if lens.description:
        document["description"] = _cut(lens.description, MAX_DESCRIPTION_LENGTH)
    return document


def _choice_export(lens: Lens) -> AwsLensExport:
    document = _lens_header(lens)
    pillar_ids: set[str] = set()
    question_ids: set[str] = set()
    pillars: list[dict[str, Any]] = []
    exported: list[ExportedQuestion] = []
    for pillar in lens.pillars:
        pid = aws_id(pillar.id, pillar_ids)
        raw_questions: list[dict[str, Any]] = []
        for question in lens.questions_in(pillar=pillar.id):
            qid = aws_id(question.id, question_ids)
            raw, mapping, none_id = _choice_question(question, qid)
            raw_questions.append(raw)
            exported.append(ExportedQuestion(qid, pid, (question.id,), mapping, none_id))
        pillars.append(
            {"id": pid, "name": _cut(pillar.name, MAX_NAME_LENGTH), "questions": raw_questions}
        )
    document["pillars"] = pillars
    return AwsLensExport(document, tuple(exported), grouped=False)


def _choice_question(
    question: Question, qid: str
) -> tuple[dict[str, Any], dict[str, str], str | None]:
    taken: set[str] = set()
    mapping = {c.id: aws_id(c.id, taken, limit=MAX_CHOICE_ID_LENGTH) for c in question.choices}
    choices: list[dict[str, Any]] = []
    none_id: str | None = None
    for choice in question.choices:
        raw: dict[str, Any] = {
            "id": mapping[choice.id],
            "title": _cut(choice.title, MAX_TITLE_LENGTH),
        }
        helpful = _resource(choice.description, choice.helpful_url)
        if helpful:
            raw["helpfulResource"] = helpful
        if choice.is_none_of_these:
            none_id = mapping[choice.id]
        # The specification asks every choice but "None of these" for an improvement plan;
        # where the lens has none, the choice's title says what to put in place.
        if choice.improvement_plan or not choice.is_none_of_these:
            raw["improvementPlan"] = _resource(
                choice.improvement_plan or choice.title, choice.improvement_url
            )
        choices.append(raw)
    raw_question: dict[str, Any] = {"id": qid, "title": _cut(question.title, MAX_TITLE_LENGTH)}
    if question.why:
        raw_question["description"] = _cut(question.why, MAX_DESCRIPTION_LENGTH)
    if question.url.startswith("https://"):
        raw_question["helpfulResource"] = {
            "displayText": _cut(question.title, MAX_DISPLAY_TEXT_LENGTH),
            "url": question.url,
        }
    raw_question["choices"] = choices
    raw_question["riskRules"] = [
        {"condition": render_rule(tree, mapping.__getitem__), "risk": RISK_NAMES[risk]}
        for risk, tree in normalise_rules(question.risk_rules)
    ]
    return raw_question, mapping, none_id


def selected_from_level(lens: Lens) -> int:
    """The level from which a practice of a level-based lens counts as chosen: the lowest
    level of no risk (3 in the ML Lens), else the top level."""
    return min((lv.level for lv in lens.levels if lv.risk == Risk.NONE), default=lens.max_level)


@dataclass(frozen=True)
class PracticeGroup:
    """The practices of a level-based lens that one exported question asks about.

    ``key`` names it within its pillar: the phase id, with the part number when the cell
    is split (``model-development_1``), or ``all`` in a lens without phases."""

    pillar_id: str
    key: str
    title: str
    practices: tuple[Question, ...]


def practice_groups(lens: Lens) -> list[PracticeGroup]:
    """The grouped questions of a level-based lens in lens order: one per pillar and phase
    cell (or pillar, with no phases), split in near-equal parts of at most
    ``MAX_CHOICES_PER_QUESTION - 1`` practices (one place is kept for "None of these")."""
    size = MAX_CHOICES_PER_QUESTION - 1
    groups: list[PracticeGroup] = []
    for pillar in lens.pillars:
        cells = [(ph.id, ph.name, lens.questions_in(pillar.id, ph.id)) for ph in lens.phases]
        if not lens.phases:
            cells = [("all", "", lens.questions_in(pillar=pillar.id))]
        for phase_id, phase_name, practices in cells:
            if not practices:
                continue
            parts = math.ceil(len(practices) / size)
            step = math.ceil(len(practices) / parts)
            title = f"{pillar.name}: {phase_name}" if phase_name else pillar.name
            for n in range(parts):
                groups.append(
                    PracticeGroup(
                        pillar.id,
                        f"{phase_id}_{n + 1}" if parts > 1 else phase_id,
                        f"{title} (part {n + 1} of {parts})" if parts > 1 else title,
                        practices[n * step : (n + 1) * step],
                    )
                )
    return groups


def _grouped_export(lens: Lens) -> AwsLensExport:
    document = _lens_header(lens)
    threshold = selected_from_level(lens)
    level = lens.level(threshold)
    level_name = f"level {threshold} ({level.name})" if level else f"level {threshold}"
    pillar_ids: set[str] = set()
    question_ids: set[str] = set()
    by_pillar: dict[str, list[dict[str, Any]]] = {}
    pillar_aws: dict[str, str] = {p.id: aws_id(p.id, pillar_ids) for p in lens.pillars}
    exported: list[ExportedQuestion] = []
    for group in practice_groups(lens):
        pillar_id, title, practices = group.pillar_id, group.title, group.practices
        qid = aws_id(f"{pillar_aws[pillar_id]}_{group.key}", question_ids)
        taken = {NONE_OF_THESE_ID}
        mapping = {p.id: aws_id(p.id, taken, limit=MAX_CHOICE_ID_LENGTH) for p in practices}
        choices: list[dict[str, Any]] = []
        for practice in practices:
            raw: dict[str, Any] = {
                "id": mapping[practice.id],
                "title": _cut(f"{practice.id} {practice.title}", MAX_TITLE_LENGTH),
            }
            helpful = _resource(practice.prompt, practice.url)
            if helpful:
                raw["helpfulResource"] = helpful
            step = practice.guidance_from(threshold - 1) or practice.why or practice.title
            raw["improvementPlan"] = _resource(step, practice.url)
            choices.append(raw)
        choices.append({"id": NONE_OF_THESE_ID, "title": NONE_OF_THESE_TITLE})
        rules: list[dict[str, str]] = []
        for risk in (Risk.HIGH, Risk.MEDIUM):
            missing = [mapping[p.id] for p in practices if (p.aws_risk or Risk.MEDIUM) == risk]
            if missing:
                condition = " || ".join(f"!{cid}" for cid in missing)
                rules.append({"condition": condition, "risk": RISK_NAMES[risk]})
        rules.append({"condition": "default", "risk": RISK_NAMES[Risk.NONE]})
        description = (
            f"Choose each practice this workload has in place at {level_name} or above; "
            f"each choice's helpful resource asks the practice's question."
        )
        by_pillar.setdefault(pillar_id, []).append(
            {
                "id": qid,
                "title": _cut(title, MAX_TITLE_LENGTH),
                "description": _cut(description, MAX_DESCRIPTION_LENGTH),
                "choices": choices,
                "riskRules": rules,
            }
        )
        exported.append(
            ExportedQuestion(
                qid,
                pillar_aws[pillar_id],
                tuple(p.id for p in practices),
                mapping,
                NONE_OF_THESE_ID,
            )
        )
    document["pillars"] = [
        {
            "id": pillar_aws[p.id],
            "name": _cut(p.name, MAX_NAME_LENGTH),
            "questions": by_pillar[p.id],
        }
        for p in lens.pillars
        if p.id in by_pillar
    ]
    return AwsLensExport(document, tuple(exported), grouped=True, selected_from_level=threshold)


# -- the limits checker -----------------------------------------------------------------------


def check_aws_lens(document: object, source: str) -> list[Problem]:
    """Every way ``document`` (a parsed custom lens) breaks the lens format specification,
    each located by its JSON key path, such as ``pillars[0].questions[2].title``."""
    return _Checker(source).lens(document)


class _Checker:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def add(self, where: str, message: str) -> None:
        self.problems.append(Problem(self.source, where, message))

    def lens(self, raw: object) -> list[Problem]:
        if not isinstance(raw, dict):
            self.add("", "expected a JSON object with the lens")
            return self.problems
        size = len(json.dumps(raw, ensure_ascii=False).encode("utf-8"))
        if size > MAX_FILE_BYTES:
            self.add("", f"{size} bytes: the AWS lens format allows at most {MAX_FILE_BYTES}")
        if raw.get("schemaVersion") != SCHEMA_VERSION:
            self.add("schemaVersion", f"expected {SCHEMA_VERSION!r}")
        self.text(raw, "name", "", MAX_NAME_LENGTH, required=True)
        self.text(raw, "description", "", MAX_DESCRIPTION_LENGTH)
        question_ids: dict[str, str] = {}
        pillar_ids: dict[str, str] = {}
        for i, pillar in enumerate(self.array(raw, "pillars", "", MAX_PILLARS)):
            where = f"pillars[{i}]"
            if not isinstance(pillar, dict):
                self.add(where, "expected an object with a pillar")
                continue
            self.ident(pillar, where, pillar_ids, MAX_ID_LENGTH, "pillar")
            self.text(pillar, "name", where, MAX_NAME_LENGTH, required=True)
            questions = self.array(pillar, "questions", where, MAX_QUESTIONS_PER_PILLAR)
            for j, question in enumerate(questions):
                self.question(question, f"{where}.questions[{j}]", question_ids)
        return self.problems

    def question(self, raw: object, where: str, seen: dict[str, str]) -> None:
        if not isinstance(raw, dict):
            self.add(where, "expected an object with a question")
            return
        self.ident(raw, where, seen, MAX_ID_LENGTH, "question")
        self.text(raw, "title", where, MAX_TITLE_LENGTH, required=True)
        self.text(raw, "description", where, MAX_DESCRIPTION_LENGTH)
        self.resource(raw, "helpfulResource", where)
        choice_ids: dict[str, str] = {}
        for k, choice in enumerate(self.array(raw, "choices", where, MAX_CHOICES_PER_QUESTION)):
            cwhere = f"{where}.choices[{k}]"
            if not isinstance(choice, dict):
                self.add(cwhere, "expected an object with a choice")
                continue
            cid = self.ident(choice, cwhere, choice_ids, MAX_CHOICE_ID_LENGTH, "choice")
            self.text(choice, "title", cwhere, MAX_TITLE_LENGTH, required=True)
            self.resource(choice, "helpfulResource", cwhere)
            if "improvementPlan" in choice:
                self.resource(choice, "improvementPlan", cwhere)
            elif not cid.endswith("_no"):
                self.add(
                    f"{cwhere}.improvementPlan",
                    "missing (required on every choice but a 'None of these' one, id ending "
                    "in '_no')",
                )
        self.rules(raw, where, set(choice_ids))

    def rules(self, raw: dict[str, Any], where: str, choice_ids: set[str]) -> None:
        rules = self.array(raw, "riskRules", where, MAX_RULES_PER_QUESTION)
        risks: dict[str, str] = {}
        defaults = 0
        for i, rule in enumerate(rules):
            rwhere = f"{where}.riskRules[{i}]"
            if not isinstance(rule, dict):
                self.add(rwhere, "expected an object with a condition and a risk")
                continue
            risk = rule.get("risk")
            if risk not in RISK_NAMES.values():
                self.add(f"{rwhere}.risk", f"expected one of: {', '.join(RISK_NAMES.values())}")
            elif risk in risks:
                self.add(f"{rwhere}.risk", f"a second {risk} rule (first at {risks[risk]})")
            else:
                risks[str(risk)] = rwhere
            condition = rule.get("condition")
            if not isinstance(condition, str) or not condition.strip():
                self.add(f"{rwhere}.condition", "expected 'default' or a condition")
                continue
            try:
                tree = parse_rule(condition)
            except RuleSyntaxError as exc:
                self.add(f"{rwhere}.condition", f"cannot parse: {exc}")
                continue
            if tree.op == "default":
                defaults += 1
            for name in sorted(tree.names() - choice_ids):
                self.add(f"{rwhere}.condition", f"unknown choice {name!r}")
        if rules and not defaults:
            self.add(f"{where}.riskRules", "no 'default' rule (the format requires one)")

    def array(self, raw: dict[str, Any], key: str, where: str, limit: int) -> list[object]:
        path = f"{where}.{key}" if where else key
        value = raw.get(key)
        if not isinstance(value, list) or not value:
            self.add(path, f"expected a non-empty array of {key}")
            return []
        if len(value) > limit:
            self.add(path, f"{len(value)} {key}: the AWS lens format allows at most {limit}")
        return value

    def ident(
        self, raw: dict[str, Any], where: str, seen: dict[str, str], limit: int, kind: str
    ) -> str:
        value = raw.get("id")
        path = f"{where}.id"
        if not isinstance(value, str) or not AWS_ID.match(value):
            self.add(path, f"expected a {kind} id of letters, digits and '_'")
            return ""
        if not MIN_ID_LENGTH <= len(value) <= limit:
            self.add(
                path,
                f"{kind} id {value!r} has {len(value)} characters "
                f"(allowed: {MIN_ID_LENGTH} to {limit})",
            )
        if value in seen:
            self.add(path, f"duplicate {kind} id {value!r} (first at {seen[value]})")
        else:
            seen[value] = where
        return value

    def text(
        self, raw: dict[str, Any], key: str, where: str, limit: int, *, required: bool = False
    ) -> None:
        path = f"{where}.{key}" if where else key
        value = raw.get(key)
        if value is None and not required:
            return
        if not isinstance(value, str) or not value.strip():
            self.add(path, "expected a non-empty string")
        elif len(value) > limit:
            self.add(path, f"{len(value)} characters: the AWS lens format allows at most {limit}")

    def resource(self, raw: dict[str, Any], key: str, where: str) -> None:
        value = raw.get(key)
        if value is None:
            return
        path = f"{where}.{key}"
        if not isinstance(value, dict):
            self.add(path, "expected an object with displayText and url")
            return
        self.text(value, "displayText", path, MAX_DISPLAY_TEXT_LENGTH, required=True)
        url = value.get("url")
        if url is None:
            return
        parsed = urlparse(url) if isinstance(url, str) else None
        if parsed is None or parsed.scheme != "https" or not parsed.netloc:
            self.add(f"{path}.url", f"expected an https link, got {url!r}")
