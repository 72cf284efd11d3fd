"""Chart specifications: scores -> small frozen specs of plain data, in display units
(percent, 0-100), for the TUI's widgets, the reports and ``draw``.

Pure: no plotext, no Textual. Charts never rely on colour alone: values are printed and series
differ by marker.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from mllens_tui.history import HistoryPoint
from mllens_tui.lens.model import Lens
from mllens_tui.scoring import GroupScore, Scores

if TYPE_CHECKING:
    from mllens_tui.snapshot import Comparison

NO_DATA = "no data yet"
EMPTY_CELL = "·"  # a pillar x phase cell with no questions at all (not a score of 0)
OVERALL_MARKER = "●"
SERIES_MARKERS = ("+", "x", "*", "o", "#", "=", "%", "@")


# -- specs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One bar: a pillar or a phase and its score in percent (None: nothing answered)."""

    key: str
    name: str
    short: str
    value: float | None
    answered: int = 0
    applicable: int = 0


@dataclass(frozen=True)
class BarsSpec:
    """Horizontal bars, weakest first, with the target marked."""

    title: str
    bars: tuple[Bar, ...]
    target: float | None = None
    units: str = "%"

    @property
    def empty(self) -> bool:
        return all(bar.value is None for bar in self.bars)


@dataclass(frozen=True)
class Series:
    """One line of the history chart: percent values aligned with ``HistorySpec.dates``."""

    key: str
    label: str
    marker: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class HistorySpec:
    title: str
    dates: tuple[datetime, ...]
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    target: float | None = None
    units: str = "%"

    @property
    def empty(self) -> bool:
        return not any(v is not None for s in self.series for v in s.values)


@dataclass(frozen=True)
class Pair:
    """One group of the compare chart: a pillar or phase in snapshot A and in snapshot B."""

    key: str
    name: str
    short: str
    a: float | None
    b: float | None

    @property
    def delta(self) -> float | None:
        return None if self.a is None or self.b is None else self.b - self.a


@dataclass(frozen=True)
class CompareSpec:
    title: str
    label_a: str
    label_b: str
    pairs: tuple[Pair, ...]
    target: float | None = None
    units: str = "%"

    @property
    def empty(self) -> bool:
        return all(p.a is None and p.b is None for p in self.pairs)


@dataclass(frozen=True)
class QuestionMove:
    """A question whose value changed between two snapshots (values 0-1, None: no value)."""

    question_id: str
    title: str
    pillar: str
    phase: str | None
    change: str
    level_a: int | None
    level_b: int | None
    value_a: float | None
    value_b: float | None
    weight: float

    @property
    def delta(self) -> float:
        return (self.value_b or 0.0) - (self.value_a or 0.0)

    @property
    def impact(self) -> float:
        """How far the question moved its scores: |value delta| x effective weight."""
        return abs(self.delta) * self.weight


@dataclass(frozen=True)
class HeatCell:
    """One pillar x phase cell (score 0-1). ``total == 0``: the lens has no question there."""

    pillar_id: str
    phase_id: str
    score: float | None
    answered: int
    applicable: int
    total: int

    @property
    def text(self) -> str:
        """What the cell shows: "62% 3/5", "- 0/5", "N/A" or the empty-cell mark."""
        if self.total == 0:
            return EMPTY_CELL
        if self.applicable == 0:
            return "N/A"
        score = "-" if self.score is None else f"{self.score * 100:.0f}%"
        return f"{score} {self.answered}/{self.applicable}"

    @property
    def short_text(self) -> str:
        """The score alone, for narrow tables."""
        if self.total == 0:
            return EMPTY_CELL
        if self.applicable == 0:
            return "N/A"
        return "-" if self.score is None else f"{self.score * 100:.0f}%"


@dataclass(frozen=True)
class HeatRow:
    pillar_id: str
    label: str
    name: str
    cells: tuple[HeatCell, ...]


@dataclass(frozen=True)
class HeatmapSpec:
    """The pillar x phase matrix: columns are (phase id, short label), rows are pillars."""

    columns: tuple[tuple[str, str], ...]
    rows: tuple[HeatRow, ...]
    target: float | None = None

    @property
    def empty(self) -> bool:
        return not any(cell.answered for row in self.rows for cell in row.cells)


Band = Literal["low", "mid", "high"]


# -- builders ---------------------------------------------------------------------------------


def _percent(value: float | None) -> float | None:
    return None if value is None else value * 100


def target_score(scores: Scores, question_ids: Iterable[str] | None = None) -> float | None:
    """The target the charts mark (0-1): the weighted mean target of the applicable questions
    (of ``question_ids`` when given, e.g. one pillar's).

    With the default profile every question targets the same level, so this is that level's
    value; per-question targets move it.
    """
    chosen = (
        scores.questions.values()
        if question_ids is None
        else (scores.questions[qid] for qid in question_ids)
    )
    num = den = 0.0
    for qs in chosen:
        if qs.status != "not_applicable":
            num += qs.weight * qs.target_value
            den += qs.weight
    return num / den if den else None


def score_band(score: float | None, target: float | None = 0.75) -> Band | None:
    """low / mid / high against the target (a quarter below it is mid), None without a score."""
    if score is None:
        return None
    goal = 0.75 if target is None else target
    if score >= goal - 1e-9:
        return "high"
    if score >= goal - 0.25 - 1e-9:
        return "mid"
    return "low"


def _bars_spec(
    title: str, groups: Iterable[tuple[str, str, str, GroupScore]], target: float | None
) -> BarsSpec:
    bars = [
        Bar(key, name, short, _percent(g.score), g.answered, g.applicable)
        for key, name, short, g in groups
    ]
    # Weakest first so the chart reads as a to-do list; unscored groups last. The sort is
    # stable, so ties keep lens order.
    bars.sort(key=lambda bar: (bar.value is None, bar.value or 0.0))
    return BarsSpec(title=title, bars=tuple(bars), target=_percent(target))


def pillar_bars(lens: Lens, scores: Scores, *, target: float | None = None) -> BarsSpec:
    """Pillar scores as bars, weakest first. ``target`` (0-1) defaults to ``target_score``."""
    goal = target_score(scores) if target is None else target
    groups = [(p.id, p.name, p.label, scores.pillars[p.id]) for p in lens.pillars]
    return _bars_spec("Pillar scores", groups, goal)


def phase_bars(lens: Lens, scores: Scores, *, target: float | None = None) -> BarsSpec:
    """Phase scores as bars, weakest first. ``target`` (0-1) defaults to ``target_score``."""
    goal = target_score(scores) if target is None else target
    groups = [(p.id, p.name, p.label, scores.phases[p.id]) for p in lens.phases]
    return _bars_spec("Phase scores", groups, goal)


def history_chart(
    lens: Lens,
    points: Iterable[HistoryPoint],
    *,
    pillars: Iterable[str] = (),
    overall: bool = True,
    target: float | None = None,
    title: str = "Score over time",
) -> HistorySpec:
    """The overall score (and any of ``pillars``, by id) over time; ``target`` is 0-1."""
    from mllens_tui.snapshot import utc  # not at import: the dashboard's start needs none

    ordered = sorted(points, key=lambda p: utc(p.at))
    series: list[Series] = []
    if overall:
        values = tuple(_percent(p.overall) for p in ordered)
        series.append(Series("overall", "Overall", OVERALL_MARKER, values))
    for index, pillar_id in enumerate(pillars):
        pillar = lens.pillar(pillar_id)
        label = pillar.label if pillar else pillar_id
        marker = SERIES_MARKERS[index % len(SERIES_MARKERS)]
        values = tuple(_percent(p.pillars.get(pillar_id)) for p in ordered)
        series.append(Series(pillar_id, label, marker, values))
    return HistorySpec(
        title=title,
        dates=tuple(utc(p.at) for p in ordered),
        labels=tuple(p.label for p in ordered),
        series=tuple(series),
        target=_percent(target),
    )


def compare_bars(
    lens: Lens,
    comparison: Comparison,
    label_a: str = "A",
    label_b: str = "B",
    *,
    phases: bool = False,
    target: float | None = None,
) -> CompareSpec:
    """Snapshot A next to snapshot B per pillar (or per phase), in lens order."""
    if phases:
        groups = [(p.id, p.name, p.label) for p in lens.phases]
        deltas = comparison.phases
    else:
        groups = [(p.id, p.name, p.label) for p in lens.pillars]
        deltas = comparison.pillars
    pairs = tuple(
        Pair(key, name, short, _percent(deltas[key].a), _percent(deltas[key].b))
        for key, name, short in groups
        if key in deltas
    )
    title = "Phases: A vs B" if phases else "Pillars: A vs B"
    return CompareSpec(title, label_a, label_b, pairs, _percent(target))


def moved_questions(
    lens: Lens,
    comparison: Comparison,
    scores_a: Scores,
    scores_b: Scores,
    *,
    limit: int | None = 10,
) -> tuple[QuestionMove, ...]:
    """The questions that moved the scores most, by |value delta| x weight, biggest first.

    A question with no value on one side (unanswered or N/A) counts as 0 there. Changes that
    move no value (a new target, unanswered -> N/A) are left out.
    """
    moves: list[QuestionMove] = []
    for change in comparison.questions:
        qa = scores_a.questions.get(change.question_id)
        qb = scores_b.questions.get(change.question_id)
        question = lens.question(change.question_id)
        va = qa.value if qa is not None and qa.status == "answered" else None
        vb = qb.value if qb is not None and qb.status == "answered" else None
        weights = [qs.weight for qs in (qa, qb) if qs is not None]
        move = QuestionMove(
            question_id=change.question_id,
            title=question.title if question else change.question_id,
            pillar=question.pillar if question else "",
            phase=question.phase if question else None,
            change=change.change,
            level_a=qa.level if qa is not None else None,
            level_b=qb.level if qb is not None else None,
            value_a=va,
            value_b=vb,
            weight=max(weights, default=0.0),
        )
        if move.impact > 0:
            moves.append(move)
    order = {q.id: i for i, q in enumerate(lens.questions)}
    moves.sort(key=lambda m: (-m.impact, order.get(m.question_id, len(order))))
    return tuple(moves if limit is None else moves[:limit])


def heatmap_rows(lens: Lens, scores: Scores) -> tuple[HeatRow, ...]:
    """The pillar x phase matrix as rows of cells, in lens order."""
    return tuple(
        HeatRow(
            pillar_id=pillar.id,
            label=pillar.label,
            name=pillar.name,
            cells=tuple(_heat_cell(pillar.id, phase.id, scores) for phase in lens.phases),
        )
        for pillar in lens.pillars
    )


def _heat_cell(pillar_id: str, phase_id: str, scores: Scores) -> HeatCell:
    group = scores.cells.get((pillar_id, phase_id))
    if group is None:
        return HeatCell(pillar_id, phase_id, None, 0, 0, 0)
    return HeatCell(pillar_id, phase_id, group.score, group.answered, group.applicable, group.total)


def heatmap(lens: Lens, scores: Scores, *, target: float | None = None) -> HeatmapSpec:
    """Rows, columns and target of the pillar x phase matrix (target 0-1, stored 0-1)."""
    return HeatmapSpec(
        columns=tuple((p.id, p.label) for p in lens.phases),
        rows=heatmap_rows(lens, scores),
        target=target_score(scores) if target is None else target,
    )
