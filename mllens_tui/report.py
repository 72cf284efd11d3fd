"""Pure reports of one workload: Markdown for stakeholders, text for a terminal, JSON for tools.

Every function takes plain data (the lens, scores, history points, answers, plan owners),
never a store, so the command line, the TUI's export and the tests share them. Each report
ends with the answers themselves (level or N/A with its reason, notes, evidence, who and
when), in question order; plan items show their owner and due date.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from mllens_tui.assessment import Answer, Ownership
from mllens_tui.charts.draw import render_bars, render_history
from mllens_tui.charts.specs import history_chart, phase_bars, pillar_bars, target_score
from mllens_tui.charts.text import heatmap_text
from mllens_tui.formatting import plural
from mllens_tui.history import HistoryPoint
from mllens_tui.lens.model import Lens, Question
from mllens_tui.scoring import GroupScore, PlanItem, Scores, risk_lowering_choices
from mllens_tui.snapshot import Delta, utc
from mllens_tui.summary import arrow, level_text, pct, risks_text, scores_text

TOP_GAPS = 10
HISTORY_ROWS = 12  # the Markdown trend table shows the latest milestones only


def _change(before: float | None, after: float | None) -> str:
    """ "↑ +5.0 pts", "= +0.0 pts" or "-" when either side has no score."""
    if before is None or after is None:
        return "-"
    delta = after - before
    return f"{arrow(delta)} {delta * 100:+.1f} pts"


def _clip(line: str, width: int) -> str:
    return line if len(line) <= width else line[: width - 1] + "…"


def _md(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


# Characters that can start Markdown syntax anywhere in a line (CommonMark lets a backslash
# escape any ASCII punctuation, so escaping one that needs none does no harm).
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&!])")
# What starts a list, quote, heading or rule at the beginning of a line.
_MD_BULLET = re.compile(r"^(\s*)([-+=])")
_MD_NUMBER = re.compile(r"^(\s*\d+)([.)])")


def _md_text(text: str, indent: str = "") -> str:
    """Free text (notes, evidence) as Markdown that shows exactly that text: specials are
    escaped and each line break stays one, continued at ``indent`` within a list item."""
    lines = [
        _MD_NUMBER.sub(r"\1\\\2", _MD_BULLET.sub(r"\1\\\2", _MD_SPECIAL.sub(r"\\\1", line)))
        for line in text.strip().splitlines()
    ]
    return f"\\\n{indent}".join(line.strip() for line in lines if line.strip())


def _owner_text(ownership: Ownership | None) -> str:
    """ "owner Ana, due 2027-03-31", or "" for an item nobody owns."""
    if ownership is None or ownership.empty:
        return ""
    parts = [f"owner {ownership.owner}"] if ownership.owner else []
    if ownership.due is not None:
        parts.append(f"due {ownership.due.isoformat()}")
    return ", ".join(parts)


def _answer_text(lens: Lens, answer: Answer) -> str:
    """ "level 2 (Repeatable), target 3", "2 of 5 choices" or "N/A (Out of scope)"."""
    if answer.not_applicable:
        return f"N/A ({answer.reason.label if answer.reason else 'no reason given'})"
    if answer.choices is not None:
        question = lens.question(answer.question_id)
        total = len(question.choices) if question is not None else 0
        what = f"{len(answer.choices)} of {total} choices"
    else:
        level = lens.level(answer.level) if answer.level is not None else None
        what = f"level {answer.level}" + (f" ({level.name})" if level else "")
    if answer.target is not None:
        what += f", target {answer.target}"
    return what


def _who(answer: Answer) -> str:
    at = f"{utc(answer.answered_at):%Y-%m-%d %H:%M} UTC" if answer.answered_at else ""
    return " · ".join(x for x in (answer.answered_by, at) if x)


def _answered(lens: Lens, answers: Mapping[str, Answer]) -> list[Answer]:
    """The answered and N/A answers, in question order."""
    found = [answers.get(q.id) for q in lens.questions]
    return [a for a in found if a is not None and a.status != "unanswered"]


def _move(lens: Lens, item: PlanItem) -> str:
    """ "level 1 (Initial) -> 3 (Defined)", or percentages for choice questions."""
    if item.level is None or item.target is None:
        return f"{pct(item.value)} -> {pct(item.target_value)}"
    here, there = lens.level(item.level), lens.level(item.target)
    here_name = f" ({here.name})" if here else ""
    there_name = f" ({there.name})" if there else ""
    return f"level {item.level}{here_name} -> {item.target}{there_name}"


def _ordered(points: Iterable[HistoryPoint]) -> list[HistoryPoint]:
    return sorted(points, key=lambda p: utc(p.at))


def _headline_md(
    lens: Lens,
    scores: Scores,
    previous_scores: Scores | None,
    previous_label: str,
) -> list[str]:
    o = scores.overall
    level = f", level {level_text(o.level)} of {scores.max_level}" if o.level is not None else ""
    trend = ""
    if previous_scores is not None:
        trend = f" ({_change(previous_scores.overall.score, o.score)} since {previous_label})"
    lines = [f"- **Overall:** {pct(o.score, 1)}{level}{trend}"]
    if scores.floor is not None:
        pillar = lens.pillar(scores.floor.pillar)
        name = pillar.name if pillar else scores.floor.pillar
        lines.append(f"- **Floor pillar:** {name} ({pct(scores.floor.score, 1)})")
    lines.append(
        f"- **Completeness:** {pct(o.completeness)} ({o.answered} of {o.applicable} applicable "
        f"questions answered); coverage {pct(o.coverage)}"
    )
    lines.append(f"- **To target:** {pct(o.pct_to_target)}")
    lines.append(f"- **Risks:** {risks_text(o.risks)}")
    return lines


def _group_table_md(
    heading: str,
    names: Mapping[str, str],
    groups: Mapping[str, GroupScore],
    previous: Mapping[str, GroupScore] | None,
) -> list[str]:
    header = f"| {heading} | Score | Level | Answered | To target | High risk |"
    rule = "|---|---:|---:|---:|---:|---:|"
    if previous is not None:
        header += " Trend |"
        rule += "---|"
    lines = [header, rule]
    for key, name in names.items():
        group = groups[key]
        row = (
            f"| {_md(name)} | {pct(group.score, 1)} | {level_text(group.level)} | "
            f"{group.answered}/{group.applicable} | {pct(group.pct_to_target)} | "
            f"{group.risks['HIGH']} |"
        )
        if previous is not None:
            before = previous.get(key)
            row += f" {_change(before.score if before else None, group.score)} |"
        lines.append(row)
    return lines


def _history_md(points: Sequence[HistoryPoint]) -> list[str]:
    shown = points[-HISTORY_ROWS:]
    lines = ["| Date | Milestone | Overall | Change |", "|---|---|---:|---|"]
    before = points[-len(shown) - 1].overall if len(points) > len(shown) else None
    for point in shown:
        lines.append(
            f"| {point.at:%Y-%m-%d} | {_md(point.label)} | {pct(point.overall, 1)} | "
            f"{_change(before, point.overall)} |"
        )
        before = point.overall
    if len(points) > len(shown):
        lines.append("")
        lines.append(f"({len(points) - len(shown)} earlier points not shown.)")
    return lines


def _gaps_md(
    lens: Lens,
    items: Sequence[PlanItem],
    owners: Mapping[str, Ownership] | None = None,
    answers: Mapping[str, Answer] | None = None,
) -> list[str]:
    lines: list[str] = []
    for rank, item in enumerate(items, start=1):
        question = lens.question(item.question_id)
        if question is None:
            continue
        pillar = lens.pillar(question.pillar)
        phase = lens.phase(question.phase) if question.phase else None
        where = " · ".join(x.name for x in (pillar, phase) if x is not None)
        lines.append(f"{rank}. **{question.ids} {question.title}** ({where})  ")
        lines.append(f"   {_move(lens, item)}; risk {item.risk}  ")
        owned = _owner_text((owners or {}).get(item.question_id))
        if owned:
            lines.append(f"   {_md_text(owned[0].upper() + owned[1:])}  ")
        step = question.guidance_from(item.level) if item.level is not None else ""
        if step:
            lines.append(f"   Next step: {step}  ")
        if question.url:
            lines.append(f"   Official guidance: <{question.url}>  ")
        # Last: a nested list would swallow the lines after it.
        answer = answers.get(item.question_id) if answers else None
        if question.kind == "choice" and answer is not None:
            lines += _choice_plans_md(question, answer.choices or ())
        lines[-1] = lines[-1].rstrip()
    return lines


def _choice_plans_md(question: Question, chosen: Sequence[str]) -> list[str]:
    """The improvement plans of the unchosen choices that would lower the risk."""
    lines = []
    for choice in risk_lowering_choices(question, chosen):
        plan = f": {choice.improvement_plan}" if choice.improvement_plan else ""
        url = f" <{choice.improvement_url}>" if choice.improvement_url else ""
        lines.append(f"   - {choice.title}{plan}{url}  ")
    return ["   To lower the risk:  ", *lines] if lines else []


def report_markdown(
    lens: Lens,
    workload_name: str,
    scores: Scores,
    history_points: Iterable[HistoryPoint] = (),
    previous_scores: Scores | None = None,
    milestone: str | None = None,
    *,
    previous_label: str = "the previous milestone",
    answers: Mapping[str, Answer] | None = None,
    owners: Mapping[str, Ownership] | None = None,
) -> str:
    """The stakeholder report: headline, pillar and phase tables, trend, the top ten gaps
    (with their owners and due dates) and, given ``answers``, every answer with the evidence
    and notes behind it.

    ``previous_scores`` (with ``previous_label``) adds trend arrows since that milestone;
    ``milestone`` names the state being reported, when it is not the current one.
    """
    points = _ordered(history_points)
    previous_pillars = previous_scores.pillars if previous_scores is not None else None
    previous_phases = previous_scores.phases if previous_scores is not None else None
    lines = [f"# {workload_name}: {lens.name}", ""]
    lines.append(
        f"Lens version {lens.version}" + (f", milestone **{milestone}**" if milestone else "")
    )
    if scores.weights == "equal":
        lines.append("(equal weights: every question and pillar weighs 1)")
    lines.append("")
    lines += _headline_md(lens, scores, previous_scores, previous_label)
    lines += ["", "## Pillars", ""]
    lines += _group_table_md(
        "Pillar", {p.id: p.name for p in lens.pillars}, scores.pillars, previous_pillars
    )
    if lens.phases:
        lines += ["", "## Phases", ""]
        lines += _group_table_md(
            "Phase", {p.id: p.name for p in lens.phases}, scores.phases, previous_phases
        )
    if points:
        lines += ["", "## Over time", ""]
        lines += _history_md(points)
    lines += ["", f"## Top {TOP_GAPS} gaps", ""]
    if scores.plan:
        lines.append(
            f"The {min(TOP_GAPS, len(scores.plan))} answered "
            f"{plural(min(TOP_GAPS, len(scores.plan)), 'question')} furthest below "
            f"target, weighted by importance ({len(scores.plan)} in the whole plan)."
        )
        lines.append("")
        lines += _gaps_md(lens, scores.plan[:TOP_GAPS], owners, answers)
    else:
        lines.append("No answered question is below its target.")
    if scores.unanswered:
        lines += [
            "",
            f"{len(scores.unanswered)} applicable "
            + plural(len(scores.unanswered), "question is", "questions are")
            + " not answered yet; "
            + plural(len(scores.unanswered), "it does", "they do")
            + " not count towards any score.",
        ]
    if answers:
        lines += _answers_md(lens, answers)
    return "\n".join(lines) + "\n"


def _answers_md(lens: Lens, answers: Mapping[str, Answer]) -> list[str]:
    lines = ["", "## Answers", ""]
    given = _answered(lens, answers)
    if not given:
        return [*lines, "No question is answered yet."]
    for answer in given:
        question = lens.question(answer.question_id)
        ids = question.ids if question is not None else answer.question_id
        title = question.title if question is not None else ""
        lines.append(f"- **{ids} {_md_text(title)}**: {_answer_text(lens, answer)}")
        evidence = _md_text(answer.evidence, "    ") if answer.evidence.strip() else "none given"
        lines.append(f"  - Evidence: {evidence}")
        if answer.notes.strip():
            lines.append(f"  - Notes: {_md_text(answer.notes, '    ')}")
        who = _who(answer)
        if who:
            lines.append(f"  - Answered by {_md_text(who)}")
    return lines


def plan_markdown(
    lens: Lens,
    workload_name: str,
    items: Sequence[PlanItem],
    unanswered: Sequence[str],
    shown: str = "",
    owners: Mapping[str, Ownership] | None = None,
    answers: Mapping[str, Answer] | None = None,
) -> str:
    """The improvement plan as Markdown: every gap of ``items`` in their order, then the
    ``unanswered`` question ids; ``shown`` says which filter chose them ("" for none)."""
    lines = [f"# Improvement plan: {workload_name}", "", f"{lens.name}, version {lens.version}"]
    if shown:
        lines.append(f"Filtered by {shown}.")
    lines += ["", f"## Gaps to target ({len(items)})", ""]
    lines += (
        _gaps_md(lens, items, owners, answers)
        if items
        else ["No answered question is below its target."]
    )
    if unanswered:
        lines += ["", f"## Not answered yet ({len(unanswered)})", ""]
        for qid in unanswered:
            question = lens.question(qid)
            owned = _owner_text((owners or {}).get(qid))
            title = question.title if question else ""
            lines.append(
                f"- **{qid}** {title}".rstrip() + (f" ({_md_text(owned)})" if owned else "")
            )
    return "\n".join(lines) + "\n"


def _trend_text(
    lens: Lens, scores: Scores, previous_scores: Scores, previous_label: str
) -> list[str]:
    names = {p.id: p.name for p in lens.pillars}
    width = max([7, *(len(n) for n in names.values())])
    lines = [f"Since {previous_label}"]
    rows = [("Overall", previous_scores.overall.score, scores.overall.score)]
    rows += [
        (name, previous_scores.pillars[k].score if k in previous_scores.pillars else None,
         scores.pillars[k].score)
        for k, name in names.items()
    ]  # fmt: skip
    for name, before, after in rows:
        lines.append(
            f"{name:<{width}}  {pct(before, 1):>6} -> {pct(after, 1):>6}  {_change(before, after)}"
        )
    return lines


def report_text(
    lens: Lens,
    workload_name: str,
    scores: Scores,
    history_points: Iterable[HistoryPoint] = (),
    previous_scores: Scores | None = None,
    milestone: str | None = None,
    *,
    previous_label: str = "the previous milestone",
    width: int = 80,
    color: bool = False,
    answers: Mapping[str, Answer] | None = None,
    owners: Mapping[str, Ownership] | None = None,
) -> str:
    """The terminal report: the summary (plan items with their owners and, for choice
    questions, the choices that would lower their risk), the charts drawn as text at
    ``width`` and, given ``answers``, every answer."""
    points = _ordered(history_points)
    target = target_score(scores)
    heading = f"{workload_name} ({milestone})" if milestone else workload_name
    # The summary's plan lines carry whole question titles; a terminal report keeps to width.
    summary = scores_text(
        lens, scores, workload=heading, owners=owners, answers=answers
    ).splitlines()
    parts = ["\n".join(_clip(line, width) for line in summary)]
    if previous_scores is not None:
        parts.append("\n".join(_trend_text(lens, scores, previous_scores, previous_label)))
    parts.append(render_bars(pillar_bars(lens, scores), width, color=color))
    if lens.phases:
        parts.append(render_bars(phase_bars(lens, scores), width, color=color))
        parts.append(heatmap_text(lens, scores, width))
    if points:
        spec = history_chart(lens, points, target=target)
        parts.append(render_history(spec, width, color=color))
    if answers:
        parts.append("\n".join(_answers_text(lens, answers, width)))
    return "\n\n".join(parts) + "\n"


def _answers_text(lens: Lens, answers: Mapping[str, Answer], width: int) -> list[str]:
    lines = ["Answers"]
    given = _answered(lens, answers)
    if not given:
        return [*lines, "No question is answered yet."]
    for answer in given:
        question = lens.question(answer.question_id)
        title = question.title if question is not None else ""
        lines.append("")
        lines.append(_clip(f"{answer.question_id}  {title}", width))
        lines.append(_clip(f"  {_answer_text(lens, answer)}", width))
        for label, text in (("Notes", answer.notes), ("Evidence", answer.evidence)):
            if text.strip():
                lines += _wrapped(f"{label}: ", text, width)
        who = _who(answer)
        if who:
            lines.append(_clip(f"  By {who}", width))
    return lines


def _wrapped(label: str, text: str, width: int) -> list[str]:
    """``text`` under ``label``, wrapped to ``width``, each of its own lines kept."""
    out: list[str] = []
    first, rest = f"  {label}", " " * (len(label) + 2)
    for paragraph in text.strip().splitlines() or [""]:
        out += textwrap.wrap(
            paragraph,
            width=max(20, width),
            initial_indent=first if not out else rest,
            subsequent_indent=rest,
        ) or [rest.rstrip()]
    return out


def report_json(
    lens: Lens,
    workload_name: str,
    scores: Scores,
    history_points: Iterable[HistoryPoint] = (),
    previous_scores: Scores | None = None,
    milestone: str | None = None,
    *,
    previous_label: str | None = None,
    answers: Mapping[str, Answer] | None = None,
    owners: Mapping[str, Ownership] | None = None,
) -> dict[str, Any]:
    """The scoring JSON plus the workload, the milestone, the history series, the trend,
    the answers (question order; ``na_reason``, ``notes``, ``evidence``, who and when) and,
    given ``owners``, each plan item's ``owner`` and ``due`` (null when none).

    Returns the document as a dict, ready for ``json.dumps``.
    """
    doc = scores.to_json()
    if owners is not None:
        for entry in doc["plan"]:
            ownership = owners.get(entry["question"], Ownership())
            entry["owner"] = ownership.owner or None
            entry["due"] = ownership.due.isoformat() if ownership.due else None
    doc["answers"] = [_answer_json(answer) for answer in _answered(lens, answers or {})]
    doc["workload"] = workload_name
    doc["milestone"] = milestone
    doc["history"] = [point.to_json() for point in _ordered(history_points)]
    if previous_scores is not None:
        doc["trend"] = {
            "since": previous_label,
            "overall": _delta_json(previous_scores.overall.score, scores.overall.score),
            "pillars": {
                k: _delta_json(
                    previous_scores.pillars[k].score if k in previous_scores.pillars else None,
                    g.score,
                )
                for k, g in scores.pillars.items()
            },
            "phases": {
                k: _delta_json(
                    previous_scores.phases[k].score if k in previous_scores.phases else None,
                    g.score,
                )
                for k, g in scores.phases.items()
            },
        }
    return doc


def _answer_json(answer: Answer) -> dict[str, Any]:
    return {
        "question": answer.question_id,
        "status": answer.status,
        "level": answer.level,
        "choices": list(answer.choices) if answer.choices is not None else None,
        "target": answer.target,
        "na_reason": answer.reason.value if answer.reason else None,
        "notes": answer.notes,
        "evidence": answer.evidence,
        "confidence": answer.confidence.value if answer.confidence else None,
        "answered_by": answer.answered_by,
        "answered_at": utc(answer.answered_at).isoformat() if answer.answered_at else None,
    }


def _delta_json(before: float | None, after: float | None) -> dict[str, float | None]:
    return Delta(before, after).to_json()
