"""Pure text renderings of scores and comparisons for the command line (no colour, no Textual)."""

from __future__ import annotations

from collections.abc import Mapping

from mllens_tui.assessment import Answer, Ownership
from mllens_tui.formatting import arrow, pct, plural
from mllens_tui.lens.model import Lens
from mllens_tui.scoring import GroupScore, Scores, risk_lowering_choices
from mllens_tui.snapshot import Comparison, Delta

__all__ = ["arrow", "comparison_text", "level_text", "pct", "risks_text", "scores_text"]


def level_text(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def risks_text(risks: Mapping[str, int]) -> str:
    return (
        f"{risks['HIGH']} high, {risks['MEDIUM']} medium, {risks['NONE']} none, "
        f"{risks['NOT_APPLICABLE']} N/A, {risks['UNANSWERED']} unanswered"
    )


def _group_rows(
    title: str, names: Mapping[str, str], groups: Mapping[str, GroupScore]
) -> list[str]:
    width = max([len(title), *(len(n) for n in names.values())])
    lines = [
        f"{title:<{width}}  {'Score':>6}  {'Level':>5}  {'Answered':>9}  {'To target':>9}  High"
    ]
    for key, group in groups.items():
        answered = f"{group.answered}/{group.applicable}"
        lines.append(
            f"{names[key]:<{width}}  {pct(group.score):>6}  {level_text(group.level):>5}  "
            f"{answered:>9}  {pct(group.pct_to_target):>9}  {group.risks['HIGH']:>4}"
        )
    return lines


def scores_text(
    lens: Lens,
    scores: Scores,
    *,
    workload: str = "",
    plan_size: int = 10,
    owners: Mapping[str, Ownership] | None = None,
    answers: Mapping[str, Answer] | None = None,
) -> str:
    """The readable summary printed by ``mllens score``; with ``owners``, each owned plan
    item is followed by its owner and due date; with ``answers``, each choice question of
    the plan by the improvement plans of the choices that would lower its risk."""
    o = scores.overall
    lines = []
    heading = f"{workload} - {lens.name}" if workload else lens.name
    lines.append(heading)
    if scores.weights == "equal":
        lines.append("(equal weights: every question and pillar weighs 1)")
    lines.append("")
    level = f", level {level_text(o.level)} of {scores.max_level}" if o.level is not None else ""
    lines.append(f"Overall        {pct(o.score, 1)}{level}")
    if scores.floor is not None:
        pillar = lens.pillar(scores.floor.pillar)
        name = pillar.name if pillar else scores.floor.pillar
        lines.append(f"Floor pillar   {name} ({pct(scores.floor.score, 1)})")
    lines.append(
        f"Completeness   {pct(o.completeness)} "
        f"({o.answered} of {o.applicable} applicable answered); coverage {pct(o.coverage)}"
    )
    lines.append(f"To target      {pct(o.pct_to_target)}")
    lines.append(f"Risks          {risks_text(o.risks)}")
    lines.append("")
    lines += _group_rows("Pillar", {p.id: p.name for p in lens.pillars}, scores.pillars)
    if lens.phases:
        lines.append("")
        lines += _group_rows("Phase", {p.id: p.name for p in lens.phases}, scores.phases)
    if scores.plan:
        lines.append("")
        lines.append(
            f"Improvement plan (top {min(plan_size, len(scores.plan))} of {len(scores.plan)})"
        )
        for rank, item in enumerate(scores.plan[:plan_size], start=1):
            question = lens.question(item.question_id)
            title = question.title if question else item.question_id
            if item.level is not None:
                move = f"{item.level}->{item.target}"
            else:
                move = f"{pct(item.value)}->{pct(item.target_value)}"
            lines.append(f"{rank:>3}. {item.question_id:<10} {move:<8} {item.risk:<6} {title}")
            ownership = (owners or {}).get(item.question_id)
            if ownership is not None and not ownership.empty:
                due = f"due {ownership.due.isoformat()}" if ownership.due else "no due date"
                lines.append(f"{'':>16}{ownership.owner or 'no owner'}, {due}")
            answer = answers.get(item.question_id) if answers else None
            if question is not None and question.kind == "choice" and answer is not None:
                for choice in risk_lowering_choices(question, answer.choices or ()):
                    plan = f": {choice.improvement_plan}" if choice.improvement_plan else ""
                    lines.append(f"{'':>5}+ {choice.title}{plan}")
    if scores.unanswered:
        lines.append("")
        lines.append(f"Unanswered: {len(scores.unanswered)} applicable questions")
    return "\n".join(lines)


def _delta_row(name: str, width: int, delta: Delta) -> str:
    change = "-" if delta.delta is None else f"{delta.delta * 100:+.1f} pts"
    a, b = pct(delta.a, 1), pct(delta.b, 1)
    return f"{name:<{width}}  {a:>7}  {b:>7}  {arrow(delta.delta)} {change}"


def comparison_text(lens_a: Lens, comparison: Comparison, label_a: str, label_b: str) -> str:
    """The readable output of ``mllens compare``."""
    lines = [f"A: {label_a}", f"B: {label_b}"]
    if comparison.lens_changed:
        lines.append(
            f"The two snapshots come from different lens contents: both are scored on the "
            f"{comparison.common_questions} {plural(comparison.common_questions, 'question')} "
            "they share "
            f"({len(comparison.only_in_a)} only in A, {len(comparison.only_in_b)} only in B)."
        )
    names = {p.id: p.name for p in lens_a.pillars} | {p.id: p.name for p in lens_a.phases}
    width = max([7, *(len(n) for n in names.values())])
    lines.append("")
    lines.append(f"{'':<{width}}  {'A':>7}  {'B':>7}  Change")
    lines.append(_delta_row("Overall", width, comparison.overall))
    lines.append("")
    lines += [_delta_row(names[k], width, d) for k, d in comparison.pillars.items()]
    if comparison.phases:
        lines.append("")
        lines += [_delta_row(names[k], width, d) for k, d in comparison.phases.items()]
    lines.append("")
    if not comparison.questions:
        lines.append("No question changed.")
    else:
        lines.append(f"Questions that changed ({len(comparison.questions)}):")
        for change in comparison.questions:
            lines.append(
                f"  {change.question_id:<10} {change.change.replace('_', ' '):<19} "
                f"{_state_text(change.a)} -> {_state_text(change.b)}"
            )
    return "\n".join(lines)


def _state_text(state: Mapping[str, object]) -> str:
    status = state.get("status")
    if status == "unanswered":
        return "unanswered"
    if status == "not_applicable":
        return "N/A"
    parts = []
    if "level" in state:
        parts.append(f"level {state['level']}")
    if "choices" in state:
        parts.append(f"{len(state['choices'])} choices")  # type: ignore[arg-type]
    if "target" in state:
        parts.append(f"target {state['target']}")
    return ", ".join(parts)
