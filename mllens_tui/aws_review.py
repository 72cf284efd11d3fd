"""Pure: lens reviews from and to the AWS Well-Architected Tool.

In: what the AWS CLI prints for a lens review, read into answers of an installed
choice-based lens. Out: the ``update-answer`` inputs that put a workload's answers into
the AWS tool, as JSON and as a shell script. Nothing here talks to AWS.

The shapes come from the AWS Well-Architected Tool API reference (ListAnswers, GetAnswer,
UpdateAnswer, AnswerSummary, Answer, ChoiceAnswer(Summary), ChoiceUpdate), which the AWS
CLI prints unchanged::

    aws wellarchitected list-answers --workload-id W --lens-alias L
      {"WorkloadId", "MilestoneNumber"?, "LensAlias", "LensArn",
       "AnswerSummaries": [{"QuestionId", "PillarId", "QuestionTitle", "Choices": [...],
                            "SelectedChoices": [ChoiceId], "ChoiceAnswerSummaries":
                            [{"ChoiceId", "Status", "Reason"}], "IsApplicable",
                            "Risk", "Reason", "QuestionType"}],
       "NextToken"?}
    aws wellarchitected get-answer --workload-id W --lens-alias L --question-id Q
      {"WorkloadId", "MilestoneNumber"?, "LensAlias", "LensArn",
       "Answer": {... as above, "ChoiceAnswers": [{"ChoiceId", "Status", "Reason",
                  "Notes"}], "Notes", "HelpfulResourceUrl", ...}}
    aws wellarchitected update-answer --cli-input-json
      {"WorkloadId", "LensAlias", "QuestionId", "SelectedChoices": [ChoiceId],
       "ChoiceUpdates"?: {ChoiceId: {"Status", "Reason", "Notes"}}, "Notes" (max 2084),
       "IsApplicable", "Reason"}

    Status  SELECTED | NOT_APPLICABLE | UNSELECTED
    Risk    UNANSWERED | HIGH | MEDIUM | NONE | NOT_APPLICABLE
    Reason  OUT_OF_SCOPE | BUSINESS_PRIORITIES | ARCHITECTURE_CONSTRAINTS | OTHER | NONE

list-answers carries no notes, so importing it keeps the notes already recorded here. A
choice AWS marks NOT_APPLICABLE counts as not selected (this tool has no per-choice N/A).

"None of these" is exclusive: in a list of choices taken in order, choosing it clears the
choices before it, and choosing another clears it (:func:`exclusive_choices`).
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from mllens_tui.assessment import Answer, NAReason
from mllens_tui.lens.aws_export import AwsLensExport, ExportedQuestion
from mllens_tui.lens.model import Lens, Question
from mllens_tui.problems import InputError, Problem

MAX_NOTES_LENGTH = 2084
RISKS = ("UNANSWERED", "HIGH", "MEDIUM", "NONE", "NOT_APPLICABLE")
REASONS = ("OUT_OF_SCOPE", "BUSINESS_PRIORITIES", "ARCHITECTURE_CONSTRAINTS", "OTHER", "NONE")
STATUSES = ("SELECTED", "NOT_APPLICABLE", "UNSELECTED")
IMPORTED_BY = "AWS Well-Architected Tool"


def exclusive_choices(question: Question, chosen: Sequence[str]) -> tuple[tuple[str, ...], bool]:
    """``chosen`` (in the order chosen) with "None of these" made exclusive, in lens order;
    and whether anything was cleared on the way."""
    none_ids = {c.id for c in question.choices if c.is_none_of_these}
    kept: list[str] = []
    cleared = False
    for choice_id in dict.fromkeys(chosen):
        if choice_id in none_ids or any(c in none_ids for c in kept):
            cleared = cleared or bool(kept)
            kept = []
        kept.append(choice_id)
    order = {c.id: i for i, c in enumerate(question.choices)}
    return tuple(sorted(kept, key=lambda c: order.get(c, len(order)))), cleared


# -- reading AWS output -----------------------------------------------------------------------


@dataclass(frozen=True)
class AwsAnswer:
    """One answer as the AWS tool reports it; ``where`` is its key path in the file."""

    where: str
    question_id: str
    pillar_id: str | None
    selected: tuple[tuple[str, str], ...]  # (choice id, key path), in the file's order
    applicable: bool
    reason: str | None
    notes: str | None
    risk: str | None


@dataclass(frozen=True)
class AwsReview:
    workload_id: str
    lens_alias: str
    answers: tuple[AwsAnswer, ...]


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def read_review(document: object, source: str) -> AwsReview:
    """The answers in parsed ``list-answers`` / ``get-answer`` output (or a JSON array of
    such outputs, e.g. one per page). Raises :class:`InputError` naming each bad key path."""
    problems: list[Problem] = []

    def bad(where: str, message: str) -> None:
        problems.append(Problem(source, where, message))

    pages: list[tuple[str, object]]
    if isinstance(document, list):
        pages = [(f"[{i}]", page) for i, page in enumerate(document)]
    else:
        pages = [("", document)]
    answers: list[AwsAnswer] = []
    workload_ids: list[str] = []
    aliases: list[str] = []
    for prefix, page in pages:
        if not isinstance(page, dict) or not ("AnswerSummaries" in page or "Answer" in page):
            bad(
                prefix,
                "expected the output of 'aws wellarchitected list-answers' (AnswerSummaries) "
                "or 'get-answer' (Answer)",
            )
            continue
        for key, target in (("WorkloadId", workload_ids), ("LensAlias", aliases)):
            value = page.get(key)
            if isinstance(value, str) and value:
                target.append(value)
        if "AnswerSummaries" in page:
            items = page["AnswerSummaries"]
            where = _join(prefix, "AnswerSummaries")
            if not isinstance(items, list):
                bad(where, "expected an array of answers")
                continue
            found = [(f"{where}[{i}]", item) for i, item in enumerate(items)]
        else:
            found = [(_join(prefix, "Answer"), page["Answer"])]
        for where, item in found:
            answer = _answer(item, where, bad)
            if answer is not None:
                answers.append(answer)
    if problems:
        raise InputError(problems, what="AWS review")
    return AwsReview(
        workload_id=workload_ids[0] if workload_ids else "",
        lens_alias=aliases[0] if aliases else "",
        answers=tuple(answers),
    )


def _answer(raw: object, where: str, bad: Callable[[str, str], None]) -> AwsAnswer | None:
    if not isinstance(raw, dict):
        bad(where, "expected an object with an answer")
        return None
    ok = True

    def fail(path: str, message: str) -> None:
        nonlocal ok
        ok = False
        bad(path, message)

    qid = raw.get("QuestionId")
    if not isinstance(qid, str) or not qid:
        fail(_join(where, "QuestionId"), "expected the question id, a non-empty string")
    pillar = raw.get("PillarId")
    if pillar is not None and not isinstance(pillar, str):
        fail(_join(where, "PillarId"), "expected a string")
    selected: list[tuple[str, str]] = []
    chosen = raw.get("SelectedChoices", [])
    if not isinstance(chosen, list):
        fail(_join(where, "SelectedChoices"), "expected an array of choice ids")
        chosen = []
    for i, cid in enumerate(chosen):
        path = f"{_join(where, 'SelectedChoices')}[{i}]"
        if not isinstance(cid, str) or not cid:
            fail(path, "expected a choice id")
        else:
            selected.append((cid, path))
    for key in ("ChoiceAnswerSummaries", "ChoiceAnswers"):
        items = raw.get(key, [])
        if not isinstance(items, list):
            fail(_join(where, key), "expected an array of choice answers")
            continue
        for i, item in enumerate(items):
            path = f"{_join(where, key)}[{i}]"
            if not isinstance(item, dict):
                fail(path, "expected an object with ChoiceId and Status")
                continue
            cid, status = item.get("ChoiceId"), item.get("Status")
            if not isinstance(cid, str) or not cid:
                fail(_join(path, "ChoiceId"), "expected a choice id")
            elif status not in STATUSES:
                fail(_join(path, "Status"), f"expected one of: {' | '.join(STATUSES)}")
            elif status == "SELECTED" and cid not in {c for c, _ in selected}:
                selected.append((cid, _join(path, "ChoiceId")))
    applicable = raw.get("IsApplicable", True)
    if not isinstance(applicable, bool):
        fail(_join(where, "IsApplicable"), "expected true or false")
        applicable = True
    reason = raw.get("Reason")
    if reason is not None and reason not in REASONS:
        fail(_join(where, "Reason"), f"expected one of: {' | '.join(REASONS)}")
    notes = raw.get("Notes")
    if notes is not None and not isinstance(notes, str):
        fail(_join(where, "Notes"), "expected a string")
    risk = raw.get("Risk")
    if risk is not None and risk not in RISKS:
        fail(_join(where, "Risk"), f"expected one of: {' | '.join(RISKS)}")
    if not ok:
        return None
    return AwsAnswer(
        where=where,
        question_id=str(qid),
        pillar_id=pillar,
        selected=tuple(selected),
        applicable=applicable,
        reason=reason,
        notes=notes,
        risk=risk,
    )


# -- answers from a review ---------------------------------------------------------------------


@dataclass(frozen=True)
class RiskMismatch:
    question_id: str
    aws_risk: str
    our_risk: str


@dataclass(frozen=True)
class ReviewAnswers:
    """What an AWS review gives this tool: the answers by lens question id (None clears an
    answer AWS has as unanswered), risks that differ, and what was made exclusive."""

    answers: Mapping[str, Answer | None]
    mismatches: tuple[RiskMismatch, ...] = ()
    notes: tuple[str, ...] = ()


def review_answers(
    review: AwsReview,
    lens: Lens,
    exported: AwsLensExport,
    current: Mapping[str, Answer],
    source: str,
    *,
    at: datetime | None = None,
) -> ReviewAnswers:
    """Map ``review`` onto ``lens`` (a choice-based lens, exported as ``exported``).

    Raises :class:`InputError` for a question or choice the lens lacks, located by key path.
    """
    from mllens_tui.scoring import choice_risk

    if exported.grouped:
        raise InputError(
            [
                Problem(
                    source,
                    "",
                    f"lens {lens.id!r} is scored by maturity levels, which an AWS review "
                    "cannot give back; import the lens's AWS export with 'mllens lens import' "
                    "and import the review into a workload of that lens",
                )
            ],
            what="AWS review",
        )
    problems: list[Problem] = []
    answers: dict[str, Answer | None] = {}
    mismatches: list[RiskMismatch] = []
    notes: list[str] = []
    for item in review.answers:
        ref = exported.question(item.question_id)
        question = lens.question(ref.sources[0]) if ref is not None else None
        if ref is None or question is None:
            problems.append(
                Problem(
                    source,
                    _join(item.where, "QuestionId"),
                    f"unknown question id {item.question_id!r} in lens {lens.id!r}",
                )
            )
            continue
        if item.pillar_id is not None and item.pillar_id != ref.pillar_id:
            problems.append(
                Problem(
                    source,
                    _join(item.where, "PillarId"),
                    f"question {item.question_id!r} is in pillar {ref.pillar_id!r}, "
                    f"not {item.pillar_id!r}",
                )
            )
            continue
        back = {aws: ours for ours, aws in ref.choice_ids.items()}
        found_before = len(problems)
        chosen: list[str] = []
        for cid, path in item.selected:
            if cid not in back:
                known = ", ".join(ref.choice_ids.values())
                problems.append(
                    Problem(
                        source,
                        path,
                        f"unknown choice {cid!r} for question {item.question_id!r} "
                        f"(its choices: {known})",
                    )
                )
            else:
                chosen.append(back[cid])
        if len(problems) > found_before:
            continue
        kept, cleared = exclusive_choices(question, chosen)
        if cleared:
            notes.append(
                f"{item.where}: {item.question_id} combines 'None of these' with other "
                f"choices; kept {', '.join(ref.choice_ids[c] for c in kept)} (the last chosen)"
            )
        base = current.get(question.id, Answer(question.id))
        note_text = base.notes if item.notes is None else item.notes
        if not item.applicable:
            reason = NAReason(item.reason.lower()) if item.reason not in (None, "NONE") else None
            answer: Answer | None = replace(
                base, level=None, choices=None, not_applicable=True, reason=reason, notes=note_text
            )
            ours = "NOT_APPLICABLE"
        elif not kept and item.risk in (None, "UNANSWERED"):
            answer = None
            ours = "UNANSWERED"
        else:
            answer = replace(
                base, level=None, choices=kept, not_applicable=False, reason=None, notes=note_text
            )
            ours = choice_risk(question, kept).value
        if answer is not None:
            changed = answer != base or question.id not in current
            answer = replace(
                answer,
                answered_by=IMPORTED_BY if changed else base.answered_by,
                answered_at=at if changed else base.answered_at,
            )
        answers[question.id] = answer
        if item.risk is not None and item.risk != ours:
            mismatches.append(RiskMismatch(item.question_id, item.risk, ours))
    if problems:
        raise InputError(problems, what="AWS review")
    return ReviewAnswers(answers, tuple(mismatches), tuple(notes))


# -- answers to AWS ---------------------------------------------------------------------------


def cut_notes(text: str) -> str:
    """Notes within the AWS limit (2084 characters); a cut ends in '…'."""
    return text if len(text) <= MAX_NOTES_LENGTH else text[: MAX_NOTES_LENGTH - 1] + "…"


def update_answer_inputs(
    lens: Lens,
    exported: AwsLensExport,
    answers: Mapping[str, Answer],
    *,
    workload_id: str = "",
    lens_alias: str = "",
) -> list[dict[str, Any]]:
    """One ``update-answer`` input per exported question that has an answer here.

    For a grouped (level-based) lens a practice counts as selected at
    ``exported.selected_from_level`` or above; a question whose answered practices are all
    below it selects "None of these"; one whose practices are all N/A is not applicable.
    """
    inputs: list[dict[str, Any]] = []
    for ref in exported.questions:
        body = (
            _grouped_input(lens, exported, ref, answers)
            if exported.grouped
            else _choice_input(ref, answers.get(ref.sources[0]))
        )
        if body is None:
            continue
        head: dict[str, Any] = {}
        if workload_id:
            head["WorkloadId"] = workload_id
        if lens_alias:
            head["LensAlias"] = lens_alias
        inputs.append({**head, "QuestionId": ref.aws_id, **body})
    return inputs


def _na_input(reason: NAReason | None, notes: str) -> dict[str, Any]:
    return _with_notes(
        {
            "SelectedChoices": [],
            "IsApplicable": False,
            "Reason": reason.value.upper() if reason else "NONE",
        },
        notes,
    )


def _choice_input(ref: ExportedQuestion, answer: Answer | None) -> dict[str, Any] | None:
    if answer is None or answer.status == "unanswered":
        return None
    if answer.not_applicable:
        return _na_input(answer.reason, answer.notes)
    return _with_notes(
        {
            "SelectedChoices": [
                ref.choice_ids[c] for c in answer.choices or () if c in ref.choice_ids
            ],
            "IsApplicable": True,
        },
        answer.notes,
    )


def _with_notes(body: dict[str, Any], notes: str) -> dict[str, Any]:
    """Notes are sent only when there are some: an empty value would wipe notes kept in AWS."""
    return {**body, "Notes": cut_notes(notes)} if notes else body


def _grouped_input(
    lens: Lens, exported: AwsLensExport, ref: ExportedQuestion, answers: Mapping[str, Answer]
) -> dict[str, Any] | None:
    threshold = exported.selected_from_level or lens.max_level
    given = [(pid, answers[pid]) for pid in ref.sources if pid in answers]
    given = [(pid, a) for pid, a in given if a.status != "unanswered"]
    if not given:
        return None
    notes = "\n".join(f"{pid}: {a.notes}" for pid, a in given if a.notes)
    if all(a.not_applicable for _, a in given) and len(given) == len(ref.sources):
        reasons = {a.reason for _, a in given}
        return _na_input(reasons.pop() if len(reasons) == 1 else NAReason.OTHER, notes)
    selected = [
        ref.choice_ids[pid] for pid, a in given if a.level is not None and a.level >= threshold
    ]
    return _with_notes(
        {"SelectedChoices": selected or [ref.none_of_these], "IsApplicable": True}, notes
    )


def update_answer_script(
    inputs: Sequence[Mapping[str, Any]], *, workload_id: str, lens_alias: str, workload: str
) -> str:
    """A POSIX shell script running ``aws wellarchitected update-answer`` once per input.

    The workload id and lens alias are given on the command line, which takes precedence
    over the JSON; ``LENS_ALIAS`` from the environment is used when no alias was given.
    """
    alias = (
        f"LENS_ALIAS={shlex.quote(lens_alias)}"
        if lens_alias
        else ': "${LENS_ALIAS:?set LENS_ALIAS to the ARN of the custom lens in the AWS tool}"'
    )
    lines = [
        "#!/bin/sh",
        f"# Answers of workload {workload!r} for the AWS Well-Architected Tool,",
        "# written by mllens export-aws-review. Runs one update-answer per question.",
        "set -eu",
        f"WORKLOAD_ID={shlex.quote(workload_id)}",
        alias,
    ]
    for item in inputs:
        body = {k: v for k, v in item.items() if k not in ("WorkloadId", "LensAlias")}
        lines.append(
            'aws wellarchitected update-answer --workload-id "$WORKLOAD_ID" '
            '--lens-alias "$LENS_ALIAS" --cli-input-json '
            + shlex.quote(json.dumps(body, ensure_ascii=False))
        )
    return "\n".join(lines) + "\n"
