"""TOML snapshots: the portable, diffable form of a workload's answers (format version 1).

Read with tomllib, written with tomli_w, validated at the boundary into typed objects.
Keys are written in lens order and every value is derived from the state being exported
(``exported_at`` is the time of the last change in that state), so exporting the same state
twice gives the same bytes and git diffs stay small.

Optional ``[plan.<question id>]`` tables (``owner``, ``due``) carry who owns each improvement-plan
item and by when; a snapshot without owners has no ``[plan]`` and reads as before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

from mllens_tui import __version__
from mllens_tui.assessment import (
    DEFAULT_TARGET,
    Answer,
    Confidence,
    NAReason,
    Ownership,
    Profile,
)
from mllens_tui.inputs import (
    moment_problem,
    name_problem,
    read_toml,
    show,
    tag_key,
    tag_problem,
    weight_problem,
)
from mllens_tui.lens.model import Lens
from mllens_tui.problems import Collector, InputError, Problem

FORMAT = "mllens.snapshot"
FORMAT_VERSION = 1

TOP_KEYS = {"format", "format_version", "exported_at", "generator", "lens", "workload",
            "milestone", "answers", "scores", "plan"}  # fmt: skip
LENS_KEYS = {"id", "version", "content_hash"}
WORKLOAD_KEYS = {"name", "description", "environment", "default_target", "pillar_weights", "tags"}
MILESTONE_KEYS = {"name", "created_at"}
ANSWER_KEYS = {"level", "choices", "not_applicable", "reason", "target", "notes", "evidence",
               "confidence", "answered_by", "answered_at"}  # fmt: skip
PLAN_KEYS = {"owner", "due"}


@dataclass(frozen=True)
class MilestoneInfo:
    name: str
    created_at: datetime


@dataclass(frozen=True)
class Snapshot:
    """One workload's state: which lens, the profile, the answers and, for a milestone, its name."""

    lens_id: str
    lens_version: str
    content_hash: str
    workload_name: str
    description: str = ""
    environment: str = ""
    profile: Profile = field(default_factory=Profile)
    answers: Mapping[str, Answer] = field(default_factory=dict)
    milestone: MilestoneInfo | None = None
    exported_at: datetime | None = None
    generator: str = ""
    plan: Mapping[str, Ownership] = field(default_factory=dict)
    # None when the file has no ``tags`` key: importing it leaves the workload's tags alone.
    tags: tuple[str, ...] | None = None


def utc(moment: datetime) -> datetime:
    """Seconds precision in UTC: what snapshots store, so that round trips are exact."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


def last_change(snapshot: Snapshot) -> datetime | None:
    """The latest moment recorded in the snapshot's state."""
    if snapshot.milestone is not None:
        return snapshot.milestone.created_at
    moments = [a.answered_at for a in snapshot.answers.values() if a.answered_at is not None]
    return max(moments) if moments else None


# -- reading ---------------------------------------------------------------------------------

LensLookup = Callable[[str], Lens | None]


def read_snapshot_file(path: Path | str, lens_for: LensLookup) -> tuple[Snapshot, Lens]:
    """Read and validate a snapshot file against its lens. Raises InputError with every problem."""
    path = Path(path)
    data = read_toml(path)
    if isinstance(data, Problem):
        raise InputError([data], what="snapshot")
    return parse_snapshot(data, str(path), lens_for)


def parse_snapshot(
    data: Mapping[str, Any], source: str, lens_for: LensLookup
) -> tuple[Snapshot, Lens]:
    """Validate parsed TOML into a Snapshot and the lens it is scored with."""
    col = Collector(source)
    fmt = data.get("format")
    if fmt != FORMAT:
        col.add("format", f"expected {FORMAT!r}, got {show(fmt)}: this is not an mllens snapshot")
        raise InputError(col.problems, what="snapshot")
    version = data.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        col.add("format_version", f"expected an integer, got {show(version)}")
        raise InputError(col.problems, what="snapshot")
    if version > FORMAT_VERSION:
        col.add(
            "format_version",
            f"{show(version)} was written by a newer mllens-tui; this version ({__version__}) "
            f"reads format_version {FORMAT_VERSION}",
        )
        raise InputError(col.problems, what="snapshot")
    if version < 1:
        col.add("format_version", f"expected {FORMAT_VERSION}, got {show(version)}")
    _unknown(col, "", data, TOP_KEYS)

    lens_table = _table(col, data, "lens", required=True)
    _unknown(col, "lens", lens_table, LENS_KEYS)
    lens_id = _str(col, lens_table, "lens", "id", required=True)
    lens_version = _str(col, lens_table, "lens", "version")
    lens_hash = _str(col, lens_table, "lens", "content_hash")
    lens = lens_for(lens_id) if lens_id else None
    if lens_id and lens is None:
        col.add("lens.id", f"lens {show(lens_id)} is not installed (see: mllens lens list)")

    workload = _table(col, data, "workload", required=True)
    _unknown(col, "workload", workload, WORKLOAD_KEYS)
    name = _name(col, workload, "workload", "name", required=True)
    description = _str(col, workload, "workload", "description")
    environment = _name(col, workload, "workload", "environment")
    default_target = workload.get("default_target", DEFAULT_TARGET)
    if lens is not None:
        default_target = _level_number(col, "workload.default_target", default_target, lens)
    weights_raw = workload.get("pillar_weights", {})
    weights: dict[str, float] = {}
    if not isinstance(weights_raw, dict):
        col.add("workload.pillar_weights", "expected a table of pillar id = weight")
    else:
        for pillar_id, weight in weights_raw.items():
            where = f"workload.pillar_weights.{pillar_id}"
            if lens is not None and lens.pillar(pillar_id) is None:
                known = ", ".join(p.id for p in lens.pillars)
                col.add(where, f"unknown pillar (expected one of: {known})")
            elif (problem := weight_problem(weight)) is not None:
                col.add(where, problem)
            else:
                weights[pillar_id] = float(weight)
    tags = _tags(col, workload)

    milestone: MilestoneInfo | None = None
    if "milestone" in data:
        ms = _table(col, data, "milestone", required=True)
        _unknown(col, "milestone", ms, MILESTONE_KEYS)
        ms_name = _name(col, ms, "milestone", "name", required=True)
        created = _datetime(col, ms, "milestone", "created_at", required=True)
        if ms_name and created:
            milestone = MilestoneInfo(ms_name, created)

    answers: dict[str, Answer] = {}
    answers_raw = data.get("answers", {})
    if not isinstance(answers_raw, dict):
        col.add("answers", "expected tables [answers.<question id>]")
        answers_raw = {}
    exported = _datetime(col, data, "", "exported_at")
    generator = _str(col, data, "", "generator")
    for qid, raw in answers_raw.items():
        answer = _answer(col, qid, raw, lens)
        if answer is None:
            continue
        # A snapshot may key answers by either id; they are kept under the canonical one.
        if answer.question_id in answers:
            col.add(
                f"answers.{qid}",
                f"a second answer to {answer.question_id} (an answer is keyed by one of its ids)",
            )
        answers[answer.question_id] = answer
    plan: dict[str, Ownership] = {}
    plan_raw = data.get("plan", {})
    if not isinstance(plan_raw, dict):
        col.add("plan", "expected tables [plan.<question id>] with owner and due")
        plan_raw = {}
    for qid, raw in plan_raw.items():
        ownership = _ownership(col, qid, raw, lens)
        if ownership is not None:
            # Either id may key a plan item, as for answers; it is kept under the 2023 one.
            plan[(lens.canonical_id(qid) if lens is not None else None) or qid] = ownership
    if col.problems:
        raise InputError(col.problems, what="snapshot")
    assert lens is not None  # a missing lens was reported above
    snapshot = Snapshot(
        lens_id=lens_id,
        lens_version=lens_version,
        content_hash=lens_hash,
        workload_name=name,
        description=description,
        environment=environment,
        profile=Profile(default_target=default_target, pillar_weights=weights),
        answers={q.id: answers[q.id] for q in lens.questions if q.id in answers},
        milestone=milestone,
        exported_at=exported,
        generator=generator,
        plan={q.id: plan[q.id] for q in lens.questions if q.id in plan},
        tags=tags,
    )
    return snapshot, lens


def _tags(col: Collector, workload: Mapping[str, Any]) -> tuple[str, ...] | None:
    """``[workload] tags``: an array of distinct tags (case aside), kept in the file's order."""
    if "tags" not in workload:
        return None
    value = workload["tags"]
    if not isinstance(value, list):
        col.add("workload.tags", f"expected an array of tags, got {show(value)}")
        return None
    seen: set[str] = set()
    for index, tag in enumerate(value):
        where = f"workload.tags[{index}]"
        if (problem := tag_problem(tag)) is not None:
            col.add(where, problem)
        elif tag_key(tag) in seen:
            col.add(where, f"tag {show(tag)} is given twice (tags ignore case)")
        else:
            seen.add(tag_key(tag))
    return tuple(value)


def _unknown(col: Collector, where: str, table: Mapping[str, Any], allowed: set[str]) -> None:
    for key in table:
        if key not in allowed:
            path = f"{where}.{key}" if where else key
            col.add(path, f"unknown key (expected one of: {', '.join(sorted(allowed))})")


def _table(col: Collector, data: Mapping[str, Any], key: str, *, required: bool) -> dict[str, Any]:
    value = data.get(key)
    if value is None:
        if required:
            col.add(key, f"missing table [{key}]")
        return {}
    if not isinstance(value, dict):
        col.add(key, f"expected a table [{key}], got {type(value).__name__}")
        return {}
    return value


def _str(
    col: Collector, table: Mapping[str, Any], where: str, key: str, *, required: bool = False
) -> str:
    value = table.get(key)
    if value is None:
        if required:
            col.add(_path(where, key), "missing (expected a string)")
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        expected = "a non-empty string" if required else "a string"
        col.add(_path(where, key), f"expected {expected}, got {show(value)}")
        return ""
    return value


def _name(
    col: Collector, table: Mapping[str, Any], where: str, key: str, *, required: bool = False
) -> str:
    """A workload, milestone or environment name, checked as the store checks it."""
    value = _str(col, table, where, key, required=required)
    if value:
        problem = name_problem(value, "environment" if key == "environment" else where)
        if problem is not None:
            col.add(_path(where, key), problem)
            return ""
    return value


def _path(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _datetime(
    col: Collector, table: Mapping[str, Any], where: str, key: str, *, required: bool = False
) -> datetime | None:
    value = table.get(key)
    if value is None:
        if required:
            col.add(
                _path(where, key), "missing (expected a date-time such as 2026-11-28T10:00:00Z)"
            )
        return None
    if not isinstance(value, datetime):
        col.add(
            _path(where, key),
            f"expected a date-time such as 2026-11-28T10:00:00Z, got {show(value)}",
        )
        return None
    problem = moment_problem(value)
    if problem is not None:
        col.add(_path(where, key), problem)
        return None
    return utc(value)


def _level_number(col: Collector, where: str, value: object, lens: Lens) -> int:
    if lens.is_choice_based:
        # Choice-based questions have no levels; the value is kept out but still checked.
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            col.add(where, f"expected a whole number from 0, got {show(value)}")
        return DEFAULT_TARGET
    if isinstance(value, bool) or not isinstance(value, int) or lens.level(value) is None:
        col.add(where, f"expected a level from 0 to {lens.max_level}, got {show(value)}")
        return DEFAULT_TARGET
    return value


_E = TypeVar("_E", NAReason, Confidence)


def _enum(col: Collector, where: str, value: object, kind: type[_E]) -> _E | None:
    for member in kind:
        if isinstance(value, str) and value == member.value:
            return member
    col.add(where, f"expected one of {' | '.join(m.value for m in kind)}, got {show(value)}")
    return None


def _answer(col: Collector, qid: str, raw: object, lens: Lens | None) -> Answer | None:
    where = f"answers.{qid}"
    before = len(col.problems)
    if not isinstance(raw, dict):
        col.add(where, "expected a table")
        return None
    question = lens.question(qid) if lens is not None else None
    if lens is not None and question is None:
        col.add(where, f"unknown question id {show(qid)} in lens {lens.id!r}")
        return None
    _unknown(col, where, raw, ANSWER_KEYS)
    level: int | None = None
    choices: tuple[str, ...] | None = None
    if "level" in raw and lens is not None:
        if question is not None and question.kind == "choice":
            col.add(f"{where}.level", "this question takes choices, not a level")
        else:
            level = _level_number(col, f"{where}.level", raw["level"], lens)
    if "choices" in raw and question is not None:
        value = raw["choices"]
        if question.kind != "choice":
            col.add(f"{where}.choices", "this question takes a level, not choices")
        elif not isinstance(value, list) or not all(isinstance(c, str) for c in value):
            col.add(f"{where}.choices", f"expected an array of choice ids, got {show(value)}")
        else:
            known = {c.id for c in question.choices}
            for choice in value:
                if choice not in known:
                    col.add(
                        f"{where}.choices",
                        f"unknown choice {show(choice)} "
                        f"(expected any of: {', '.join(sorted(known))})",
                    )
            order = {c.id: i for i, c in enumerate(question.choices)}
            choices = tuple(sorted(set(value) & known, key=order.__getitem__))
    na = raw.get("not_applicable", False)
    if not isinstance(na, bool):
        col.add(f"{where}.not_applicable", f"expected true or false, got {show(na)}")
        na = False
    reason: NAReason | None = None
    if "reason" in raw:
        reason = _enum(col, f"{where}.reason", raw["reason"], NAReason)
    if na and reason is None and "reason" not in raw:
        col.add(f"{where}.reason", "an N/A answer needs a reason")
    if na and ("level" in raw or "choices" in raw):
        col.add(where, "an answer is either N/A or has a level or choices, not both")
    target: int | None = None
    if "target" in raw and lens is not None:
        target = _level_number(col, f"{where}.target", raw["target"], lens)
    confidence: Confidence | None = None
    if "confidence" in raw:
        confidence = _enum(col, f"{where}.confidence", raw["confidence"], Confidence)
    notes = _str(col, raw, where, "notes")
    evidence = _str(col, raw, where, "evidence")
    answered_by = _str(col, raw, where, "answered_by")
    answered_at = _datetime(col, raw, where, "answered_at")
    if len(col.problems) > before:
        return None
    return Answer(
        question_id=question.id if question is not None else qid,
        level=level,
        choices=choices,
        not_applicable=na,
        reason=reason if na else None,
        target=target,
        notes=notes,
        evidence=evidence,
        confidence=confidence,
        answered_by=answered_by,
        answered_at=answered_at,
    )


def _ownership(col: Collector, qid: str, raw: object, lens: Lens | None) -> Ownership | None:
    where = f"plan.{qid}"
    if not isinstance(raw, dict):
        col.add(where, "expected a table with owner and due")
        return None
    if lens is not None and lens.question(qid) is None:
        col.add(where, f"unknown question id {show(qid)} in lens {lens.id!r}")
        return None
    before = len(col.problems)
    _unknown(col, where, raw, PLAN_KEYS)
    owner = _str(col, raw, where, "owner")
    if owner and (problem := name_problem(owner, "owner")) is not None:
        col.add(f"{where}.owner", problem)
    due = raw.get("due")
    # TOML has local dates (2027-03-31); a date-time is refused rather than cut to its day.
    if due is not None and (not isinstance(due, date) or isinstance(due, datetime)):
        col.add(f"{where}.due", f"expected a date such as 2027-03-31, got {show(due)}")
    if not raw:
        col.add(where, "expected owner, due or both")
    if len(col.problems) > before:
        return None
    return Ownership(owner=owner, due=due)


# -- writing ---------------------------------------------------------------------------------


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def snapshot_to_dict(snapshot: Snapshot, lens: Lens, *, with_scores: bool = True) -> dict[str, Any]:
    """The TOML document for a snapshot, keys in lens order. ``[scores]`` is for readers only."""
    doc: dict[str, Any] = {"format": FORMAT, "format_version": FORMAT_VERSION}
    exported = snapshot.exported_at or last_change(snapshot)
    if exported is not None:
        doc["exported_at"] = utc(exported)
    doc["generator"] = f"mllens-tui {__version__}"
    doc["lens"] = {"id": lens.id, "version": lens.version, "content_hash": lens.content_hash}
    workload: dict[str, Any] = {
        "name": snapshot.workload_name,
        "description": snapshot.description,
    }
    if snapshot.environment:
        workload["environment"] = snapshot.environment
    workload["default_target"] = snapshot.profile.default_target
    weights = {
        p.id: snapshot.profile.pillar_weights[p.id]
        for p in lens.pillars
        if p.id in snapshot.profile.pillar_weights
    }
    if weights:
        workload["pillar_weights"] = weights
    if snapshot.tags is not None:
        workload["tags"] = list(snapshot.tags)
    doc["workload"] = workload
    if snapshot.milestone is not None:
        doc["milestone"] = {
            "name": snapshot.milestone.name,
            "created_at": utc(snapshot.milestone.created_at),
        }
    answers: dict[str, Any] = {}
    for question in lens.questions:
        answer = snapshot.answers.get(question.id)
        if answer is None:
            continue
        entry = answer_to_dict(answer)
        if entry:
            answers[question.id] = entry
    if with_scores:
        from mllens_tui.scoring import score

        scores = score(lens, snapshot.answers, snapshot.profile)
        table: dict[str, Any] = {
            "note": "Computed on export for readers; import ignores this table and recomputes.",
        }
        if scores.overall.score is not None:
            table["overall"] = _round(scores.overall.score)
        if scores.overall.level is not None:
            table["overall_level"] = _round(scores.overall.level)
        if scores.overall.completeness is not None:
            table["completeness"] = _round(scores.overall.completeness)
        pillars = {k: _round(g.score) for k, g in scores.pillars.items() if g.score is not None}
        if pillars:
            table["pillars"] = pillars
        phases = {k: _round(g.score) for k, g in scores.phases.items() if g.score is not None}
        if phases:
            table["phases"] = phases
        doc["scores"] = table
    if answers:
        doc["answers"] = answers
    plan = {
        q.id: plan_to_dict(snapshot.plan[q.id]) for q in lens.questions if q.id in snapshot.plan
    }
    plan = {qid: entry for qid, entry in plan.items() if entry}
    if plan:
        doc["plan"] = plan
    return doc


def plan_to_dict(ownership: Ownership) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    if ownership.owner:
        entry["owner"] = ownership.owner
    if ownership.due is not None:
        entry["due"] = ownership.due
    return entry


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    if answer.not_applicable:
        entry["not_applicable"] = True
        if answer.reason is not None:
            entry["reason"] = answer.reason.value
    elif answer.level is not None:
        entry["level"] = answer.level
    elif answer.choices is not None:
        entry["choices"] = list(answer.choices)
    if answer.target is not None:
        entry["target"] = answer.target
    if answer.notes:
        entry["notes"] = answer.notes
    if answer.evidence:
        entry["evidence"] = answer.evidence
    if answer.confidence is not None:
        entry["confidence"] = answer.confidence.value
    if answer.answered_by:
        entry["answered_by"] = answer.answered_by
    if answer.answered_at is not None:
        entry["answered_at"] = utc(answer.answered_at)
    return entry


def dumps(snapshot: Snapshot, lens: Lens, *, with_scores: bool = True) -> str:
    """The snapshot as TOML text."""
    import tomli_w

    return tomli_w.dumps(
        snapshot_to_dict(snapshot, lens, with_scores=with_scores), multiline_strings=True
    )


# -- comparing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delta:
    a: float | None
    b: float | None

    @property
    def delta(self) -> float | None:
        return None if self.a is None or self.b is None else self.b - self.a

    def to_json(self) -> dict[str, float | None]:
        return {"a": self.a, "b": self.b, "delta": self.delta}


@dataclass(frozen=True)
class QuestionChange:
    question_id: str
    # improved | regressed | newly_answered | no_longer_answered | na_changed | target_changed
    change: str
    a: dict[str, Any]
    b: dict[str, Any]


@dataclass(frozen=True)
class Comparison:
    lens_changed: bool
    common_questions: int
    only_in_a: tuple[str, ...]
    only_in_b: tuple[str, ...]
    overall: Delta
    pillars: Mapping[str, Delta]
    phases: Mapping[str, Delta]
    questions: tuple[QuestionChange, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "lens_changed": self.lens_changed,
            "common_questions": self.common_questions,
            "only_in_a": list(self.only_in_a),
            "only_in_b": list(self.only_in_b),
            "overall": self.overall.to_json(),
            "pillars": {k: v.to_json() for k, v in self.pillars.items()},
            "phases": {k: v.to_json() for k, v in self.phases.items()},
            "questions": [
                {"question": c.question_id, "change": c.change, "a": c.a, "b": c.b}
                for c in self.questions
            ],
        }


def restrict_lens(lens: Lens, question_ids: set[str]) -> Lens:
    """The same lens with only the given questions (for scoring two lenses on common ground)."""
    return replace(lens, questions=tuple(q for q in lens.questions if q.id in question_ids))


def _state(answer: Answer | None) -> dict[str, Any]:
    if answer is None or answer.status == "unanswered":
        return {"status": "unanswered"}
    if answer.not_applicable:
        return {
            "status": "not_applicable",
            "reason": answer.reason.value if answer.reason else None,
        }
    out: dict[str, Any] = {"status": "answered"}
    if answer.level is not None:
        out["level"] = answer.level
    if answer.choices is not None:
        out["choices"] = list(answer.choices)
    if answer.target is not None:
        out["target"] = answer.target
    return out


def compare(a: Snapshot, lens_a: Lens, b: Snapshot, lens_b: Lens) -> Comparison:
    """Score both snapshots on the questions they share and list what changed per question."""
    from mllens_tui.scoring import score

    ids_a = {q.id for q in lens_a.questions}
    ids_b = {q.id for q in lens_b.questions}
    common = ids_a & ids_b
    lens_changed = lens_a.content_hash != lens_b.content_hash
    la = restrict_lens(lens_a, common) if lens_changed else lens_a
    lb = restrict_lens(lens_b, common) if lens_changed else lens_b
    sa = score(la, a.answers, a.profile)
    sb = score(lb, b.answers, b.profile)
    changes: list[QuestionChange] = []
    for question in la.questions:
        qa, qb = sa.questions[question.id], sb.questions[question.id]
        before, after = a.answers.get(question.id), b.answers.get(question.id)
        change = _change(qa.status, qb.status, qa.value, qb.value, qa.target_value, qb.target_value)
        if change:
            changes.append(QuestionChange(question.id, change, _state(before), _state(after)))
    pillar_ids = [p.id for p in la.pillars if lb.pillar(p.id) is not None]
    phase_ids = [p.id for p in la.phases if lb.phase(p.id) is not None]
    return Comparison(
        lens_changed=lens_changed,
        common_questions=len(common),
        only_in_a=tuple(q.id for q in lens_a.questions if q.id not in common),
        only_in_b=tuple(q.id for q in lens_b.questions if q.id not in common),
        overall=Delta(sa.overall.score, sb.overall.score),
        pillars={p: Delta(sa.pillars[p].score, sb.pillars[p].score) for p in pillar_ids},
        phases={p: Delta(sa.phases[p].score, sb.phases[p].score) for p in phase_ids},
        questions=tuple(changes),
    )


def _change(
    status_a: str, status_b: str, va: float | None, vb: float | None, ta: float, tb: float
) -> str:
    if status_a != status_b:
        if status_b == "answered" and status_a == "unanswered":
            return "newly_answered"
        if status_a == "answered" and status_b == "unanswered":
            return "no_longer_answered"
        return "na_changed"
    if status_a == "answered" and va is not None and vb is not None and va != vb:
        return "improved" if vb > va else "regressed"
    if status_a == "answered" and ta != tb:
        return "target_changed"
    return ""
