"""Plain-text layouts of chart data (the pillar x phase matrix, the questions that moved),
for a terminal or a Markdown code block. No plotext."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from mllens_tui.charts.specs import (
    EMPTY_CELL,
    NO_DATA,
    HeatmapSpec,
    QuestionMove,
    heatmap,
)
from mllens_tui.lens.model import Lens
from mllens_tui.scoring import Scores
from mllens_tui.summary import arrow


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def moved_questions_text(moves: Sequence[QuestionMove], width: int = 80) -> str:
    """The moved questions as lines: id, before -> after, change in points, title."""
    if not moves:
        return "No question moved the scores."
    lines = []
    for move in moves:
        before = _move_state(move.level_a, move.value_a)
        after = _move_state(move.level_b, move.value_b)
        head = (
            f"{move.question_id:<9} {before:>4} -> {after:<4} {arrow(move.delta)} "
            f"{move.delta * 100:+4.0f} pts  "
        )
        room = max(10, width - len(head))
        lines.append(head + _clip(move.title, room))
    return "\n".join(lines)


def _move_state(level: int | None, value: float | None) -> str:
    if value is None:
        return "-"
    return f"L{level}" if level is not None else f"{value * 100:.0f}%"


def heatmap_text(lens: Lens, scores: Scores, width: int = 80) -> str:
    """The pillar x phase matrix as a plain-text table ("62% 3/5"; "·" where no question)."""
    title = "Pillar x phase"
    if not lens.phases:
        return f"{title}: the lens has no phases"
    spec = heatmap(lens, scores)
    if spec.empty:
        return f"{title}: {NO_DATA}"
    for compact in (0, 1, 2):
        lines = _heatmap_lines(spec, compact)
        if max(len(line) for line in lines) <= width:
            break
    cells = "score" if compact else "score and answered/applicable questions"
    legend = f'Cells: {cells}; "-": none answered; "{EMPTY_CELL}": the lens has no question there.'
    return "\n".join([title, *lines, "", *textwrap.wrap(legend, max(20, width))])


def _heatmap_lines(spec: HeatmapSpec, compact: int) -> list[str]:
    """The table at three widths: "62% 3/5" cells, then "62%", then clipped headings too."""
    first = max(len(row.label) for row in spec.rows)
    texts = [[c.short_text if compact else c.text for c in row.cells] for row in spec.rows]
    cell_widths = [max(len(t[i]) for t in texts) for i in range(len(spec.columns))]
    headings = [
        label[: max(w, 3)] if compact > 1 else label
        for (_, label), w in zip(spec.columns, cell_widths, strict=True)
    ]
    widths = [max(len(h), w) for h, w in zip(headings, cell_widths, strict=True)]
    gap = " " if compact > 1 else "  "
    header = " " * first + "".join(f"{gap}{h:^{w}}" for h, w in zip(headings, widths, strict=True))
    lines = [header.rstrip()]
    for row, cells in zip(spec.rows, texts, strict=True):
        body = "".join(f"{gap}{text:^{w}}" for text, w in zip(cells, widths, strict=True))
        lines.append(f"{row.label:<{first}}{body}".rstrip())
    return lines
