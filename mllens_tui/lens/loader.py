"""Load a lens from TOML (one file, or a folder of files) into the frozen model, strictly.

Every problem found is collected and raised together as one :class:`InputError`, each
located by file and key path, so that a lens author fixes a broken file in one pass.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict
from pathlib import Path
from typing import Any, Literal, TypeVar
from urllib.parse import urlparse

from mllens_tui.inputs import read_toml, show, weight_problem
from mllens_tui.lens.limits import (
    MAX_CHOICES_PER_QUESTION,
    MAX_FILE_BYTES,
    MAX_ID_LENGTH,
    MAX_PILLARS,
    MAX_RULES_WITH_DEFAULT,
)
from mllens_tui.lens.model import (
    PRACTICE_RISK,
    Choice,
    Lens,
    Level,
    Phase,
    Pillar,
    Question,
    Risk,
    RiskRule,
    Scope,
)
from mllens_tui.problems import Collector, InputError, Problem

HEADER_FILE = "lens.toml"
# \Z, not $: "$" also matches before a final newline, which would let "id\n" through.
ID_PATTERN = re.compile(rf"^[A-Za-z0-9][A-Za-z0-9_.-]{{0,{MAX_ID_LENGTH - 1}}}\Z")
ID_2025_PATTERN = re.compile(r"^ML[A-Z]+\d\d-BP\d\d\Z")
RISKS = {r.value for r in Risk}
LEVEL_RISKS = RISKS | {PRACTICE_RISK}
SCOPES: tuple[Scope, ...] = ("workload", "organisation")
AWS_RISKS = {"HIGH", "MEDIUM", "LOW"}

LENS_KEYS = {"id", "name", "version", "description", "source_url", "pillars", "phases", "levels"}
PILLAR_KEYS = {"id", "name", "short", "description"}
LEVEL_KEYS = {"level", "name", "description", "value", "risk"}
QUESTION_KEYS = {
    "id",
    "id_2025",
    "title",
    "pillar",
    "phase",
    "phase_2025",
    "scope",
    "aws_risk",
    "weight",
    "url",
    "prompt",
    "why",
    "criteria",
    "levels",
    "evidence",
    "guidance",
    "choices",
    "risk_rules",
}
CHOICE_KEYS = {
    "id",
    "title",
    "description",
    "helpful_url",
    "improvement_plan",
    "improvement_url",
}
RULE_KEYS = {"condition", "risk"}

_Named = TypeVar("_Named", Pillar, Phase)


def load_lens(path: Path | str) -> Lens:
    """Load and validate the lens at ``path`` (a ``.toml`` file or a folder of them).

    Raises :class:`InputError` listing every problem found.
    """
    path = Path(path)
    if path.is_dir():
        files = _folder_files(path)
    elif path.is_file():
        files = [path]
    else:
        raise InputError([Problem(str(path), "", "no such file or folder")], what="lens")
    documents: list[tuple[Path, dict[str, Any]]] = []
    problems: list[Problem] = []
    for file in files:
        try:
            size = file.stat().st_size
        except OSError as exc:
            problems.append(Problem(str(file), "", f"cannot be read: {exc.strerror or exc}"))
            continue
        if size > MAX_FILE_BYTES:
            problems.append(Problem(str(file), "", f"{size} bytes: a lens file has at most 500 KB"))
            continue
        document = read_toml(file)
        if isinstance(document, Problem):
            problems.append(document)
        else:
            documents.append((file, document))
    if problems:
        raise InputError(problems, what="lens")
    return build_lens(documents)


def _folder_files(folder: Path) -> list[Path]:
    header = folder / HEADER_FILE
    others = sorted(p for p in folder.glob("*.toml") if p.name != HEADER_FILE)
    if not header.is_file():
        raise InputError(
            [Problem(str(folder), "", f"a lens folder needs a {HEADER_FILE} with the lens header")],
            what="lens",
        )
    return [header, *others]


def build_lens(documents: list[tuple[Path, dict[str, Any]]]) -> Lens:
    """Validate parsed TOML documents (the header first) and build the lens."""
    header_file, header = documents[0]
    head = Collector(str(header_file))
    _unknown_keys(head, "", header, LENS_KEYS | {"questions"})
    lens_id = _text(head, header, "id", "")
    if lens_id and not ID_PATTERN.match(lens_id):
        head.add("id", f"expected letters, digits, '-', '_' or '.', got {show(lens_id)}")
    name = _text(head, header, "name", "")
    version = _text(head, header, "version", "")
    description = _text(head, header, "description", "", required=False)
    source_url = _url(head, header, "source_url", "", required=False)
    pillars = _named_items(head, header, "pillars", Pillar, required=True)
    phases = _named_items(head, header, "phases", Phase, required=False)
    levels = _levels(head, header)

    collectors = [head]
    questions: list[Question] = []
    # Every id of every question (2023 and 2025, upper-cased, as Lens.question finds them)
    # -> the question id and file that has it, so that no id can mean two questions.
    seen: dict[str, tuple[str, str]] = {}
    raw_count = 0
    pillar_ids = {p.id for p in pillars}
    phase_ids = {p.id for p in phases}
    for file, document in documents:
        col = head if file == header_file else Collector(str(file))
        if col is not head:
            collectors.append(col)
            _unknown_keys(col, "", document, {"questions"})
        raw_questions = document.get("questions", [])
        if not isinstance(raw_questions, list):
            col.add("questions", "expected an array of tables ([[questions]])")
            continue
        raw_count += len(raw_questions)
        for index, raw in enumerate(raw_questions):
            where = f"questions[{index}]"
            if not isinstance(raw, dict):
                col.add(where, "expected a table")
                continue
            qid = raw.get("id")
            if isinstance(qid, str) and qid:
                where = f"questions.{qid}"
                _check_unique_ids(col, where, raw, qid, str(file), seen)
            question = _question(col, where, raw, pillar_ids, phase_ids, levels)
            if question is not None:
                questions.append(question)
    if not raw_count:
        head.add("questions", "the lens has no questions")

    problems = [p for c in collectors for p in c.problems]
    if problems:
        raise InputError(problems, what="lens")
    lens = Lens(
        id=lens_id,
        name=name,
        version=version,
        description=description,
        source_url=source_url,
        pillars=tuple(pillars),
        phases=tuple(phases),
        levels=tuple(levels),
        questions=tuple(questions),
        content_hash="",
    )
    return _with_hash(lens)


def _check_unique_ids(
    col: Collector,
    where: str,
    raw: dict[str, Any],
    qid: str,
    file: str,
    seen: dict[str, tuple[str, str]],
) -> None:
    keys = [("id", qid)]
    id_2025 = raw.get("id_2025")
    if isinstance(id_2025, str) and id_2025.strip() and id_2025.strip().upper() != qid.upper():
        keys.append(("id_2025", id_2025.strip()))
    for key, value in keys:
        first = seen.get(value.upper())
        if first is None:
            seen[value.upper()] = (qid, file)
        elif first[0] == qid or (key == "id" and first[0].upper() == value.upper()):
            col.add(f"{where}.{key}", f"duplicate question id {show(value)} (first in {first[1]})")
        else:
            col.add(
                f"{where}.{key}",
                f"{show(value)} is already an id of question {first[0]!r} (in {first[1]})",
            )


# Question fields added with the 2025 edition, and the values that say nothing: a lens
# that leaves them out keeps the content hash it had before they existed.
_UNSAID = {"id_2025": "", "scope": "workload", "evidence": ()}


def content_hash(lens: Lens) -> str:
    """sha256 over a canonical JSON form of everything the lens says (not its formatting)."""
    data = {k: v for k, v in asdict(lens).items() if k != "content_hash" and not k.startswith("_")}
    for question in data["questions"]:
        for key, unsaid in _UNSAID.items():
            if question[key] == unsaid:
                del question[key]
        if question["phase_2025"] == question["phase"]:
            del question["phase_2025"]
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _with_hash(lens: Lens) -> Lens:
    object.__setattr__(lens, "content_hash", content_hash(lens))
    return lens


# -- field validators -----------------------------------------------------------------------


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _unknown_keys(col: Collector, where: str, raw: dict[str, Any], allowed: set[str]) -> None:
    for key in raw:
        if key not in allowed:
            expected = ", ".join(sorted(allowed))
            col.add(_join(where, key), f"unknown key (expected one of: {expected})")


def _text(
    col: Collector,
    raw: dict[str, Any],
    key: str,
    where: str,
    *,
    required: bool = True,
) -> str:
    value = raw.get(key)
    if value is None:
        if required:
            col.add(_join(where, key), "missing (expected a non-empty string)")
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        col.add(_join(where, key), f"expected a non-empty string, got {show(value)}")
        return ""
    return value.strip()


def _url(
    col: Collector, raw: dict[str, Any], key: str, where: str, *, required: bool = True
) -> str:
    value = _text(col, raw, key, where, required=required)
    if value:
        parsed = urlparse(value)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            col.add(_join(where, key), f"expected an http(s) URL, got {show(value)}")
            return ""
    return value


def _strings(
    col: Collector, raw: dict[str, Any], key: str, where: str, *, required: bool = False
) -> tuple[str, ...]:
    value = raw.get(key)
    if value is None:
        if required:
            col.add(_join(where, key), "missing (expected an array of strings)")
        return ()
    if not isinstance(value, list):
        col.add(_join(where, key), f"expected an array of strings, got {type(value).__name__}")
        return ()
    out: list[str] = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            col.add(f"{_join(where, key)}[{i}]", f"expected a non-empty string, got {show(item)}")
        else:
            out.append(item.strip())
    return tuple(out)


def _risk(col: Collector, value: object, where: str, allowed: set[str]) -> Risk | None:
    if not isinstance(value, str) or value.upper() not in allowed:
        col.add(where, f"expected one of {', '.join(sorted(allowed))}, got {show(value)}")
        return None
    upper = value.upper()
    # The ML Lens rates nothing LOW; a LOW practice carries MEDIUM in our three-level scale.
    return Risk(upper) if upper in RISKS else Risk.MEDIUM


def _named_items(
    col: Collector, raw: dict[str, Any], key: str, kind: type[_Named], *, required: bool
) -> list[_Named]:
    value = raw.get(key)
    if value is None:
        if required:
            col.add(key, f"missing (expected an array of tables [[{key}]])")
        return []
    if not isinstance(value, list) or not value:
        col.add(key, f"expected a non-empty array of tables [[{key}]]")
        return []
    if key == "pillars" and len(value) > MAX_PILLARS:
        col.add(key, f"{len(value)} pillars: a lens has at most {MAX_PILLARS}")
    items: list[_Named] = []
    seen: set[str] = set()
    for i, item in enumerate(value):
        where = f"{key}[{i}]"
        if not isinstance(item, dict):
            col.add(where, "expected a table")
            continue
        _unknown_keys(col, where, item, PILLAR_KEYS)
        item_id = _text(col, item, "id", where)
        if item_id and not ID_PATTERN.match(item_id):
            col.add(
                f"{where}.id", f"expected letters, digits, '-', '_' or '.', got {show(item_id)}"
            )
        if item_id in seen:
            col.add(f"{where}.id", f"duplicate id {show(item_id)}")
        seen.add(item_id)
        name = _text(col, item, "name", where)
        short = _text(col, item, "short", where, required=False)
        if len(short) > 12:
            col.add(f"{where}.short", f"expected at most 12 characters, got {len(short)}")
        description = _text(col, item, "description", where, required=False)
        items.append(kind(item_id, name, description, short))
    return items


def _levels(col: Collector, raw: dict[str, Any]) -> list[Level]:
    value = raw.get("levels")
    if value is None:
        return []  # a choice-based lens has no maturity levels
    if not isinstance(value, list) or len(value) < 2:
        col.add("levels", "expected an array of at least two tables [[levels]]")
        return []
    levels: list[Level] = []
    previous_value = -1.0
    for i, item in enumerate(value):
        where = f"levels[{i}]"
        if not isinstance(item, dict):
            col.add(where, "expected a table")
            continue
        _unknown_keys(col, where, item, LEVEL_KEYS)
        number = item.get("level")
        if not isinstance(number, int) or isinstance(number, bool) or number != i:
            col.add(f"{where}.level", f"expected {i} (levels count up from 0), got {show(number)}")
        score = item.get("value")
        if isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= 1:
            col.add(f"{where}.value", f"expected a number from 0 to 1, got {show(score)}")
            score = 0.0
        elif score < previous_value:
            col.add(f"{where}.value", "must not be lower than the value of the level below")
        previous_value = float(score)
        raw_risk = item.get("risk")
        level_risk: Risk | Literal["PRACTICE"] | None
        if isinstance(raw_risk, str) and raw_risk.upper() == PRACTICE_RISK:
            level_risk = PRACTICE_RISK
        else:
            level_risk = _risk(col, raw_risk, f"{where}.risk", LEVEL_RISKS)
        name = _text(col, item, "name", where)
        desc = _text(col, item, "description", where, required=False)
        levels.append(Level(i, name, float(score), level_risk or Risk.HIGH, desc))
    return levels


def _weight(col: Collector, raw: dict[str, Any], where: str) -> float:
    value = raw.get("weight", 1)
    problem = weight_problem(value)
    if problem is not None:
        col.add(f"{where}.weight", problem)
        return 1.0
    assert isinstance(value, int | float)
    return float(value)


def _question(
    col: Collector,
    where: str,
    raw: dict[str, Any],
    pillar_ids: set[str],
    phase_ids: set[str],
    levels: list[Level],
) -> Question | None:
    before = len(col.problems)
    _unknown_keys(col, where, raw, QUESTION_KEYS)
    qid = _text(col, raw, "id", where)
    if qid and not ID_PATTERN.match(qid):
        col.add(f"{where}.id", f"expected letters, digits, '-', '_' or '.', got {show(qid)}")
    title = _text(col, raw, "title", where)
    pillar = _text(col, raw, "pillar", where)
    if pillar and pillar not in pillar_ids:
        col.add(
            f"{where}.pillar",
            f"unknown pillar {show(pillar)} (expected one of: {', '.join(sorted(pillar_ids))})",
        )
    phase: str | None = _text(col, raw, "phase", where, required=bool(phase_ids)) or None
    if phase is not None and phase not in phase_ids:
        expected = ", ".join(sorted(phase_ids)) if phase_ids else "none: the lens has no phases"
        col.add(f"{where}.phase", f"unknown phase {show(phase)} (expected one of: {expected})")
    id_2025 = _text(col, raw, "id_2025", where, required=False)
    if id_2025 and not ID_2025_PATTERN.match(id_2025):
        col.add(
            f"{where}.id_2025",
            f"expected a 2025 best-practice id such as 'MLOPS01-BP01', got {show(id_2025)}",
        )
    phase_2025 = _text(col, raw, "phase_2025", where, required=False) or phase
    if "phase_2025" in raw and phase_2025 and phase_2025 not in phase_ids:
        expected = ", ".join(sorted(phase_ids)) if phase_ids else "none: the lens has no phases"
        col.add(
            f"{where}.phase_2025", f"unknown phase {show(phase_2025)} (expected one of: {expected})"
        )
    scope = raw.get("scope", "workload")
    if scope not in SCOPES:
        col.add(f"{where}.scope", f"expected one of {', '.join(SCOPES)}, got {show(scope)}")
        scope = "workload"
    aws_risk = None
    if "aws_risk" in raw:
        aws_risk = _risk(col, raw["aws_risk"], f"{where}.aws_risk", AWS_RISKS)
    weight = _weight(col, raw, where)
    url = _url(col, raw, "url", where, required=False)
    prompt = _text(col, raw, "prompt", where)
    why = _text(col, raw, "why", where, required=False)
    criteria = _strings(col, raw, "criteria", where)
    has_choices = "choices" in raw
    level_texts: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    guidance: tuple[str, ...] = ()
    choices: tuple[Choice, ...] = ()
    rules: tuple[RiskRule, ...] = ()
    if has_choices:
        for key in ("levels", "evidence"):
            if key in raw:
                col.add(f"{where}.{key}", f"a question has either {key} or choices, not both")
        choices = _choices(col, raw, where)
        rules = _rules(col, raw, where, {c.id for c in choices})
    elif not levels:
        col.add(where, "the lens defines no [[levels]], so every question needs choices")
    else:
        level_texts = _strings(col, raw, "levels", where, required=True)
        if "levels" in raw and len(level_texts) != len(levels):
            col.add(
                f"{where}.levels",
                f"expected {len(levels)} level descriptions (one per lens level), "
                f"got {len(level_texts)}",
            )
        evidence = _strings(col, raw, "evidence", where)
        if "evidence" in raw and len(evidence) != len(levels):
            col.add(
                f"{where}.evidence",
                f"expected {len(levels)} evidence texts (one per lens level), got {len(evidence)}",
            )
        guidance = _strings(col, raw, "guidance", where)
        if guidance and len(guidance) != len(levels) - 1:
            col.add(
                f"{where}.guidance",
                f"expected {len(levels) - 1} steps (one per move up a level), got {len(guidance)}",
            )
    if len(col.problems) > before:
        return None
    return Question(
        id=qid,
        title=title,
        pillar=pillar,
        phase=phase,
        weight=weight,
        prompt=prompt,
        url=url,
        why=why,
        criteria=criteria,
        levels=level_texts,
        guidance=guidance,
        aws_risk=aws_risk,
        choices=choices,
        risk_rules=rules,
        id_2025=id_2025,
        phase_2025=phase_2025,
        scope=scope,
        evidence=evidence,
    )


def _choices(col: Collector, raw: dict[str, Any], where: str) -> tuple[Choice, ...]:
    value = raw.get("choices")
    if not isinstance(value, list) or not value:
        col.add(f"{where}.choices", "expected a non-empty array of tables")
        return ()
    if len(value) > MAX_CHOICES_PER_QUESTION:
        col.add(
            f"{where}.choices",
            f"{len(value)} choices: a question has at most {MAX_CHOICES_PER_QUESTION}",
        )
    out: list[Choice] = []
    seen: set[str] = set()
    for i, item in enumerate(value):
        cwhere = f"{where}.choices[{i}]"
        if not isinstance(item, dict):
            col.add(cwhere, "expected a table")
            continue
        _unknown_keys(col, cwhere, item, CHOICE_KEYS)
        cid = _text(col, item, "id", cwhere)
        if cid and not ID_PATTERN.match(cid):
            col.add(f"{cwhere}.id", f"expected letters, digits, '-', '_' or '.', got {show(cid)}")
        if cid in seen:
            col.add(f"{cwhere}.id", f"duplicate choice id {show(cid)}")
        seen.add(cid)
        out.append(
            Choice(
                id=cid,
                title=_text(col, item, "title", cwhere),
                description=_text(col, item, "description", cwhere, required=False),
                helpful_url=_url(col, item, "helpful_url", cwhere, required=False),
                improvement_plan=_text(col, item, "improvement_plan", cwhere, required=False),
                improvement_url=_url(col, item, "improvement_url", cwhere, required=False),
            )
        )
    return tuple(out)


def _rules(
    col: Collector, raw: dict[str, Any], where: str, choice_ids: set[str]
) -> tuple[RiskRule, ...]:
    from mllens_tui.lens.rules import RuleSyntaxError, parse_rule

    value = raw.get("risk_rules", [])
    if not isinstance(value, list):
        col.add(f"{where}.risk_rules", "expected an array of tables")
        return ()
    if len(value) > MAX_RULES_WITH_DEFAULT:
        col.add(
            f"{where}.risk_rules",
            f"{len(value)} risk rules: a question has at most {MAX_RULES_WITH_DEFAULT}",
        )
    out: list[RiskRule] = []
    for i, item in enumerate(value):
        rwhere = f"{where}.risk_rules[{i}]"
        if not isinstance(item, dict):
            col.add(rwhere, "expected a table")
            continue
        _unknown_keys(col, rwhere, item, RULE_KEYS)
        condition = _text(col, item, "condition", rwhere)
        risk = _risk(col, item.get("risk"), f"{rwhere}.risk", RISKS)
        if condition:
            try:
                names = parse_rule(condition).names()
            except RuleSyntaxError as exc:
                col.add(f"{rwhere}.condition", str(exc))
                continue
            for name in sorted(names - choice_ids):
                col.add(f"{rwhere}.condition", f"unknown choice {show(name)}")
        if condition and risk is not None:
            out.append(RiskRule(condition, risk))
    return tuple(out)
