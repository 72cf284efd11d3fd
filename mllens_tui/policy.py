"""Review policies: the limits a workload's review must meet before a release (``mllens check``).

A policy is a TOML file with one ``[policy]`` table, validated against the snapshot's lens into
a typed :class:`Policy`. Each limit it sets is one rule; every rule is evaluated and reported,
held or broken. With ``s`` the scores of the snapshot (``mllens_tui.scoring``)::

    min_overall                  s.overall.score >= limit        (no score: broken)
    min_pillar.<pillar>          s.pillars[pillar].score >= limit
    min_completeness             s.overall.completeness >= limit (answered / applicable)
    max_high_risks               s.overall.risks["HIGH"] <= limit
    max_high_risks_pillar.<p>    s.pillars[p].risks["HIGH"] <= limit
    require.<question>           the answer's level >= limit     (unanswered or N/A: broken)
    max_age_days                 (now - newest) / 1 day <= limit

``newest`` is the latest of the answers' ``answered_at`` and the milestone times (the
snapshot's own milestone and any the caller adds); when the snapshot records none of these its
``exported_at`` stands in, and with no date at all the rule is broken: an undated review
cannot be shown to be fresh. Scores are compared with a tolerance of 1e-9, so that a limit of
0.6 holds for a score that is 0.6 up to floating-point rounding.

The result renders as text (one ``PASS``/``FAIL`` line per rule, then a summary), as a JSON
document, or as JUnit XML (one test case per rule) for CI systems.
"""

from __future__ import annotations

import json
import math
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from mllens_tui.formatting import quantity
from mllens_tui.lens.model import Lens
from mllens_tui.problems import Collector, InputError, Problem
from mllens_tui.scoring import Scores
from mllens_tui.snapshot import MilestoneInfo, Snapshot, utc

SCORE_KEYS = ("min_overall", "min_completeness")
COUNT_KEYS = ("max_high_risks", "max_age_days")
TABLE_KEYS = ("min_pillar", "max_high_risks_pillar", "require")
POLICY_KEYS = (*SCORE_KEYS, *COUNT_KEYS, *TABLE_KEYS)

EXAMPLE = """\
[policy]
min_overall = 0.6          # weighted overall score, 0-1
max_high_risks = 0         # HIGH risks in the whole workload
min_completeness = 0.9     # answered / applicable
max_age_days = 180         # newest answer or milestone
[policy.min_pillar]        # pillar id = minimum score, 0-1
security = 0.7
[policy.max_high_risks_pillar]
reliability = 0
[policy.require]           # question id = minimum level
MLSEC-05 = 3
"""

_TOLERANCE = 1e-9

T = TypeVar("T")


@dataclass(frozen=True)
class Policy:
    """The limits a review must meet; ``None`` or an empty table means no such rule.

    Pillar and question tables are in lens order, so rules are always reported in one order.
    """

    source: str
    min_overall: float | None = None
    min_completeness: float | None = None
    max_high_risks: int | None = None
    max_age_days: int | None = None
    min_pillar: Mapping[str, float] = field(default_factory=dict)
    max_high_risks_pillar: Mapping[str, int] = field(default_factory=dict)
    require: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleResult:
    """One rule of a policy, evaluated: its name, whether it holds, the value and the limit.

    ``message`` says it in words (``0.52 < 0.70``); ``value`` is ``None`` when there is
    nothing to measure (no score yet, an unanswered question, an undated review).
    """

    rule: str
    passed: bool
    value: float | int | None
    limit: float | int
    message: str

    @property
    def line(self) -> str:
        return f"{'PASS' if self.passed else 'FAIL'} {self.rule}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "passed": self.passed,
            "value": self.value,
            "limit": self.limit,
            "message": self.message,
        }


# -- reading ---------------------------------------------------------------------------------


def read_policy_file(path: Path | str, lens: Lens) -> Policy:
    """Read and validate a policy file against ``lens``. Raises InputError with every problem."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise InputError([Problem(str(path), "", "no such file")], what="policy") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(
            [Problem(str(path), "", f"not valid TOML: {exc}")], what="policy"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            [Problem(str(path), "", f"cannot be read: {exc}")], what="policy"
        ) from None
    return parse_policy(data, str(path), lens)


def parse_policy(data: Mapping[str, Any], source: str, lens: Lens) -> Policy:
    """Validate parsed TOML into a Policy; pillar and question ids must be the lens's own."""
    col = Collector(source)
    for key in data:
        if key != "policy":
            col.add(key, "unknown key (expected only the table [policy])")
    table = data.get("policy")
    if not isinstance(table, dict):
        col.add("policy", "missing table [policy]" if table is None else "expected a table")
        raise InputError(col.problems, what="policy")
    for key in table:
        if key not in POLICY_KEYS:
            col.add(f"policy.{key}", f"unknown key (expected one of: {', '.join(POLICY_KEYS)})")

    scores = {k: _fraction(col, f"policy.{k}", table[k]) for k in SCORE_KEYS if k in table}
    counts = {k: _count(col, f"policy.{k}", table[k]) for k in COUNT_KEYS if k in table}
    pillar_ids = [p.id for p in lens.pillars]
    question_ids = [q.id for q in lens.questions]

    def level(qid: str, where: str, value: object) -> int | None:
        question = lens.question(qid)
        if question is not None and question.kind == "choice":
            col.add(where, "this question takes choices, not a level; no level can be required")
            return None
        if isinstance(value, bool) or not isinstance(value, int) or lens.level(value) is None:
            col.add(where, f"expected a level from 0 to {lens.max_level}, got {value!r}")
            return None
        return value

    min_pillar = _keyed(
        col,
        table,
        "min_pillar",
        pillar_ids,
        lens.id,
        "pillar = score",
        lambda _, w, v: _fraction(col, w, v),
    )
    max_pillar = _keyed(
        col,
        table,
        "max_high_risks_pillar",
        pillar_ids,
        lens.id,
        "pillar = count",
        lambda _, w, v: _count(col, w, v),
    )
    require = _keyed(col, table, "require", question_ids, lens.id, "question = level", level)
    if not col.problems and not (scores or counts or min_pillar or max_pillar or require):
        # A policy that checks nothing would pass every review: refuse it rather than let a
        # CI gate silently open.
        col.add("policy", f"no rules (set at least one of: {', '.join(POLICY_KEYS)})")
    if col.problems:
        raise InputError(col.problems, what="policy")
    return Policy(
        source=source,
        min_overall=scores.get("min_overall"),
        min_completeness=scores.get("min_completeness"),
        max_high_risks=counts.get("max_high_risks"),
        max_age_days=counts.get("max_age_days"),
        min_pillar=min_pillar,
        max_high_risks_pillar=max_pillar,
        require=require,
    )


def _keyed(
    col: Collector,
    table: Mapping[str, Any],
    key: str,
    known: Sequence[str],
    lens_id: str,
    what: str,
    check: Callable[[str, str, object], T | None],
) -> dict[str, T]:
    """A table ``[policy.<key>]`` of lens id = value, checked, in lens order (``what`` names
    the id and the value, ``pillar = score``)."""
    where = f"policy.{key}"
    raw = table.get(key, {})
    if not isinstance(raw, dict):
        col.add(where, f"expected a table of {what}, got {raw!r}")
        return {}
    noun = what.split()[0]
    checked: dict[str, T] = {}
    for item_id, value in raw.items():
        if item_id not in known:
            # Six pillars are worth listing; a hundred questions are not.
            hint = f" (expected one of: {', '.join(known)})" if len(known) <= 12 else ""
            col.add(
                f"{where}.{item_id}", f"unknown {noun} id {item_id!r} in lens {lens_id!r}{hint}"
            )
            continue
        result = check(item_id, f"{where}.{item_id}", value)
        if result is not None:
            checked[item_id] = result
    return {item_id: checked[item_id] for item_id in known if item_id in checked}


def _fraction(col: Collector, where: str, value: object) -> float | None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not 0 <= value <= 1
    ):
        col.add(where, f"expected a number from 0 to 1, got {value!r}")
        return None
    return float(value)


def _count(col: Collector, where: str, value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        col.add(where, f"expected a whole number of 0 or more, got {value!r}")
        return None
    return value


# -- evaluating ------------------------------------------------------------------------------


def evaluate(
    policy: Policy,
    lens: Lens,
    snapshot: Snapshot,
    scores: Scores,
    *,
    now: datetime,
    milestones: Iterable[MilestoneInfo] = (),
) -> list[RuleResult]:
    """Every rule of ``policy`` against ``snapshot`` and its ``scores``, in a fixed order.

    ``now`` is the moment ``max_age_days`` is measured from; ``milestones`` are further
    milestones of the workload (a stored workload's), which count as review dates too.
    """
    results: list[RuleResult] = []
    if policy.min_overall is not None:
        results.append(_at_least("min_overall", scores.overall.score, policy.min_overall))
    for pillar_id, limit in policy.min_pillar.items():
        group = scores.pillars[pillar_id]
        results.append(_at_least(f"min_pillar.{pillar_id}", group.score, limit))
    if policy.min_completeness is not None:
        results.append(
            _at_least(
                "min_completeness",
                scores.overall.completeness,
                policy.min_completeness,
                missing="no applicable questions (every one is N/A)",
            )
        )
    if policy.max_high_risks is not None:
        high = scores.overall.risks["HIGH"]
        results.append(_at_most("max_high_risks", high, policy.max_high_risks, "HIGH risks"))
    for pillar_id, count in policy.max_high_risks_pillar.items():
        high = scores.pillars[pillar_id].risks["HIGH"]
        results.append(_at_most(f"max_high_risks_pillar.{pillar_id}", high, count, "HIGH risks"))
    for qid, level in policy.require.items():
        results.append(_required(qid, snapshot, level))
    if policy.max_age_days is not None:
        results.append(_age(lens, snapshot, policy.max_age_days, utc(now), milestones))
    return results


def _pair(value: float, limit: float) -> tuple[str, str]:
    """Both numbers with two decimals, or more when two would make them look equal."""
    for digits in range(2, 7):
        a, b = f"{value:.{digits}f}", f"{limit:.{digits}f}"
        if a != b:
            break
    return a, b


def _at_least(
    rule: str, value: float | None, limit: float, missing: str = "no score yet (nothing answered)"
) -> RuleResult:
    if value is None:
        return RuleResult(rule, False, None, limit, f"{missing}; needs {limit:.2f}")
    passed = value + _TOLERANCE >= limit
    shown, needed = (f"{value:.2f}", f"{limit:.2f}") if passed else _pair(value, limit)
    return RuleResult(rule, passed, value, limit, f"{shown} {'>=' if passed else '<'} {needed}")


def _at_most(rule: str, value: int, limit: int, unit: str) -> RuleResult:
    passed = value <= limit
    return RuleResult(
        rule, passed, value, limit, f"{value} {'<=' if passed else '>'} {limit} {unit}"
    )


def _required(qid: str, snapshot: Snapshot, level: int) -> RuleResult:
    rule = f"require.{qid}"
    answer = snapshot.answers.get(qid)
    if answer is None or answer.status == "unanswered":
        return RuleResult(rule, False, None, level, f"unanswered; needs level {level} or higher")
    if answer.not_applicable:
        return RuleResult(rule, False, None, level, f"marked N/A; needs level {level} or higher")
    assert answer.level is not None  # choice questions are refused when the policy is read
    passed = answer.level >= level
    return RuleResult(
        rule, passed, answer.level, level, f"level {answer.level} {'>=' if passed else '<'} {level}"
    )


def _age(
    lens: Lens, snapshot: Snapshot, limit: int, now: datetime, milestones: Iterable[MilestoneInfo]
) -> RuleResult:
    rule = "max_age_days"
    # In lens order, so that of answers given at one moment the report always names the same.
    answers = [snapshot.answers.get(q.id) for q in lens.questions]
    dated: list[tuple[datetime, str]] = [
        (utc(a.answered_at), f"answer to {a.question_id}")
        for a in answers
        if a is not None and a.answered_at is not None
    ]
    mine = [snapshot.milestone] if snapshot.milestone is not None else []
    dated += [(utc(m.created_at), f"milestone {m.name!r}") for m in [*mine, *milestones]]
    if not dated and snapshot.exported_at is not None:
        dated.append((utc(snapshot.exported_at), "exported_at"))
    if not dated:
        return RuleResult(
            rule, False, None, limit, f"no answer or milestone date in the snapshot; needs {limit}"
        )
    moment, what = max(dated, key=lambda item: item[0])
    days = round((now - moment).total_seconds() / 86400, 2)
    passed = days <= limit
    when = moment.strftime("%Y-%m-%d")
    return RuleResult(
        rule,
        passed,
        days,
        limit,
        f"{days:g} {'<=' if passed else '>'} {quantity(limit, 'day')} (newest: {what}, {when})",
    )


# -- rendering -------------------------------------------------------------------------------


def failures(results: Sequence[RuleResult]) -> list[RuleResult]:
    return [r for r in results if not r.passed]


def summary_line(results: Sequence[RuleResult], subject: str = "") -> str:
    """``Policy holds: 7 rules passed`` or ``Policy broken: 2 of 7 rules failed``."""
    broken = len(failures(results))
    total = len(results)
    noun = "rule" if total == 1 else "rules"
    line = (
        f"Policy broken: {broken} of {total} {noun} failed"
        if broken
        else f"Policy holds: {total} {noun} passed"
    )
    return f"{line} - {subject}" if subject else line


def results_text(results: Sequence[RuleResult], *, subject: str = "") -> str:
    """One ``PASS``/``FAIL`` line per rule, then the summary (naming ``subject`` if given)."""
    return "\n".join([*(r.line for r in results), summary_line(results, subject)])


def results_json(results: Sequence[RuleResult]) -> str:
    """``{"passed": bool, "rules": [...]}``; values are finite numbers or null, never NaN."""
    document = {"passed": not failures(results), "rules": [r.to_json() for r in results]}
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)


def results_junit(results: Sequence[RuleResult], *, suite: str = "mllens policy") -> str:
    """JUnit XML: one test case per rule, a ``<failure>`` on each broken one."""
    tests, broken = str(len(results)), str(len(failures(results)))
    root = ET.Element("testsuites", name="mllens", tests=tests, failures=broken, errors="0")
    testsuite = ET.SubElement(
        root, "testsuite", name=suite, tests=tests, failures=broken, errors="0", skipped="0"
    )
    for result in results:
        case = ET.SubElement(testsuite, "testcase", classname="mllens.policy", name=result.rule)
        if not result.passed:
            failure = ET.SubElement(case, "failure", message=result.message, type="policy")
            failure.text = result.line
        else:
            ET.SubElement(case, "system-out").text = result.line
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
