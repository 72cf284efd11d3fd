"""Charts: what they show (labels, values, order, target, empty cells, dates, "no data yet")."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from mllens_tui import charts
from mllens_tui.assessment import Answer, Profile
from mllens_tui.history import HistoryPoint
from mllens_tui.lens.model import Lens
from mllens_tui.lens.registry import builtin_lens
from mllens_tui.scoring import Scores, score
from mllens_tui.snapshot import Snapshot, compare

# One level per pillar, so every pillar has its own score; sustainability stays unanswered.
PILLAR_LEVELS = {
    "operationalExcellence": 2,  # 50%
    "security": 3,  # 75%
    "reliability": 1,  # 25%
    "performance": 4,  # 100%
    "costOptimization": 0,  # 0%
}


@pytest.fixture(scope="module")
def lens() -> Lens:
    return builtin_lens()


def answers_by_pillar(lens: Lens, levels: dict[str, int]) -> dict[str, Answer]:
    return {
        q.id: Answer(q.id, level=levels[q.pillar]) for q in lens.questions if q.pillar in levels
    }


@pytest.fixture(scope="module")
def scores(lens: Lens) -> Scores:
    return score(lens, answers_by_pillar(lens, PILLAR_LEVELS))


def line_with(text: str, needle: str) -> str:
    return next(line for line in text.splitlines() if needle in line)


# -- pillar and phase bars ------------------------------------------------------------------


def test_pillar_bars_run_weakest_first_and_unanswered_last(lens: Lens, scores: Scores) -> None:
    spec = charts.pillar_bars(lens, scores)
    assert [bar.key for bar in spec.bars] == [
        "costOptimization",
        "reliability",
        "operationalExcellence",
        "security",
        "performance",
        "sustainability",
    ]
    assert [bar.value for bar in spec.bars] == [0, 25, 50, 75, 100, None]
    assert spec.target == pytest.approx(75)
    assert not spec.empty


def test_rendered_pillar_bars_print_labels_and_values_top_down(lens: Lens, scores: Scores) -> None:
    text = charts.render_bars(charts.pillar_bars(lens, scores), width=80)
    names = [
        "Cost Optimization",
        "Reliability",
        "Operational Excellence",
        "Security",
        "Performance Efficiency",
        "Sustainability",
    ]
    rows = [next(i for i, line in enumerate(text.splitlines()) if name in line) for name in names]
    assert rows == sorted(rows), "the weakest pillar is drawn on top"
    assert re.search(r"Cost Optimization\s+0%┤", text)
    assert re.search(r"Reliability\s+25%┤", text)
    assert re.search(r"Performance Efficiency\s+100%┤", text)
    assert re.search(r"Sustainability\s+-┤", text), "no answers: a dash, not 0%"
    assert "█" not in line_with(text, "Sustainability")
    assert len(text.splitlines()) <= 24


def bar_length(line: str) -> int:
    return line.split("┤", 1)[1].count("█")


@pytest.mark.parametrize("width", [40, 80, 120])
@pytest.mark.parametrize("height", [11, 12, 13, 15, 18, 24])
def test_each_bar_sits_on_its_own_labelled_row_with_its_own_length(
    lens: Lens, scores: Scores, width: int, height: int
) -> None:
    # plotext paints thick bars on their neighbours' rows; every bar must be one row, on the
    # row of its label, and as long as its value.
    text = charts.render_bars(charts.pillar_bars(lens, scores), width=width, height=height)
    lines = text.splitlines()
    labelled = [line for line in lines if re.search(r"(\d+%|-)┤", line)]
    assert len(labelled) == 6
    unlabelled_bars = [line for line in lines if "█" in line and line not in labelled]
    assert unlabelled_bars == []
    top = next(line for line in lines if "┌" in line)
    inner = top.index("┐") - top.index("┌") - 1
    for line, value in zip(labelled, [0, 25, 50, 75, 100, 0], strict=True):
        assert abs(bar_length(line) - value / 100 * inner) <= 2, line


def test_target_is_a_vertical_line_at_its_value_and_axis_is_percent(
    lens: Lens, scores: Scores
) -> None:
    text = charts.render_bars(charts.pillar_bars(lens, scores), width=80)
    lines = text.splitlines()
    assert "target 75%" in lines[0]
    top = next(line for line in lines if "┌" in line)
    bottom = next(line for line in lines if "└" in line)
    mark = top.index("┬")
    assert bottom[mark] == "┴", "the target line crosses the whole plot"
    along = (mark - top.index("┌")) / (top.index("┐") - top.index("┌"))
    assert along == pytest.approx(0.75, abs=0.03)
    ticks = lines[lines.index(bottom) + 1].split()
    assert ticks == ["0", "25", "50", "75", "100"]
    assert lines[-1].strip() == "%"


def test_target_follows_the_profile(lens: Lens) -> None:
    answers = answers_by_pillar(lens, PILLAR_LEVELS)
    assert charts.target_score(score(lens, answers)) == pytest.approx(0.75)
    assert charts.target_score(score(lens, answers, Profile(default_target=2))) == 0.5
    spec = charts.pillar_bars(lens, score(lens, answers), target=0.5)
    assert "target 50%" in charts.render_bars(spec)


def test_narrow_bars_use_short_labels(lens: Lens, scores: Scores) -> None:
    text = charts.render_bars(charts.pillar_bars(lens, scores), width=40)
    assert "Ops" in text and "Operational Excellence" not in text
    assert max(len(line) for line in text.splitlines()) <= 40


def test_phase_bars_use_the_short_phase_names_at_80_columns(lens: Lens, scores: Scores) -> None:
    spec = charts.phase_bars(lens, scores)
    assert {bar.key for bar in spec.bars} == {p.id for p in lens.phases}
    values = [bar.value for bar in spec.bars if bar.value is not None]
    assert values == sorted(values)
    text = charts.render_bars(spec, width=80)
    assert "Business goal identification" not in text
    for phase in lens.phases:
        assert phase.label in text


def test_bars_say_no_data_yet_when_nothing_is_answered(lens: Lens) -> None:
    spec = charts.pillar_bars(lens, score(lens, {}))
    assert spec.empty
    text = charts.render_bars(spec)
    assert "no data yet" in text
    assert "┤" not in text and "█" not in text


def test_draw_says_no_data_yet_on_a_figure(lens: Lens, scores: Scores) -> None:
    import plotext
    from plotext._figure import _figure_class

    figure = _figure_class()
    figure.plotsize(60, 12)
    charts.draw_bars(figure, charts.pillar_bars(lens, scores))
    charts.draw_bars(figure, charts.pillar_bars(lens, score(lens, {})))
    text = plotext.uncolorize(figure.build())
    assert "no data yet" in text
    assert "Cost" not in text, "the previous drawing is gone"


# -- heatmap ---------------------------------------------------------------------------------


def test_heatmap_rows_follow_the_lens(lens: Lens, scores: Scores) -> None:
    rows = charts.heatmap_rows(lens, scores)
    assert [row.pillar_id for row in rows] == [p.id for p in lens.pillars]
    assert [row.label for row in rows] == [p.label for p in lens.pillars]
    assert all(len(row.cells) == len(lens.phases) for row in rows)
    cost_model = rows[4].cells[3]
    assert (cost_model.pillar_id, cost_model.phase_id) == ("costOptimization", "model-development")
    assert cost_model.score == 0 and cost_model.answered == cost_model.total == 15
    assert cost_model.text == "0% 15/15"


def test_reliability_business_goal_is_empty_never_zero(lens: Lens, scores: Scores) -> None:
    reliability = next(r for r in charts.heatmap_rows(lens, scores) if r.pillar_id == "reliability")
    goal = reliability.cells[0]
    assert goal.phase_id == "business-goal"
    assert goal.total == 0 and goal.score is None
    assert goal.text == charts.EMPTY_CELL and "0" not in goal.text

    text = charts.heatmap_text(lens, scores, width=80)
    row = line_with(text, "Reliability")
    assert row.split()[1] == charts.EMPTY_CELL, "the Goal column of Reliability"


def test_heatmap_text_shows_unanswered_cells_as_dash_with_counts(lens: Lens) -> None:
    only_ops = score(lens, answers_by_pillar(lens, {"operationalExcellence": 2}))
    text = charts.heatmap_text(lens, only_ops, width=80)
    assert max(len(line) for line in text.splitlines()) <= 80
    header = text.splitlines()[1].split()
    assert header == [p.label for p in lens.phases]
    assert line_with(text, "Ops").split()[1:3] == ["50%", "3/3"]
    security = line_with(text, "Security")
    assert security.split()[1:3] == ["-", "0/1"]
    assert "0%" not in security


def test_heatmap_text_goes_compact_when_narrow(lens: Lens, scores: Scores) -> None:
    text = charts.heatmap_text(lens, scores, width=50)
    assert max(len(line) for line in text.splitlines()) <= 50
    assert line_with(text, "Cost").split()[1:] == ["0%"] * 6
    assert line_with(text, "Reliability").split()[1] == charts.EMPTY_CELL
    assert "3/3" not in text


def test_heatmap_says_no_data_yet(lens: Lens) -> None:
    assert "no data yet" in charts.heatmap_text(lens, score(lens, {}))
    assert charts.heatmap(lens, score(lens, {})).empty


def test_score_bands_against_target() -> None:
    assert charts.score_band(None) is None
    assert charts.score_band(0.8) == "high"
    assert charts.score_band(0.75) == "high"
    assert charts.score_band(0.6) == "mid"
    assert charts.score_band(0.3) == "low"
    assert charts.score_band(0.5, target=0.5) == "high"


# -- history ---------------------------------------------------------------------------------


def milestone_points(lens: Lens) -> list[HistoryPoint]:
    start = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
    points = []
    for days, level in [(0, 1), (40, 2), (95, 3), (166, 4)]:
        answers = answers_by_pillar(lens, {p.id: level for p in lens.pillars})
        points.append(
            HistoryPoint.from_scores(
                start + timedelta(days=days), f"M{level}", score(lens, answers)
            )
        )
    return points


def test_history_has_real_dates_on_the_x_axis_and_fixed_percent_y(lens: Lens) -> None:
    points = milestone_points(lens)
    spec = charts.history_chart(lens, reversed(points), target=0.75)
    assert spec.labels == ("M1", "M2", "M3", "M4"), "points are put in time order"
    assert spec.series[0].values == (25, 50, 75, 100)
    text = charts.render_history(spec, width=80)
    lines = text.splitlines()
    axis = lines[next(i for i, line in enumerate(lines) if "└" in line) + 1]
    assert "2026-01-05" in axis and "2026-06-20" in axis
    ticks = [m.group(1) for line in lines if (m := re.match(r"^\s*(\d+)[┤├]", line))]
    assert ticks == ["100", "75", "50", "25", "0"]
    target_row = next(line for line in lines if re.match(r"^\s*75", line))
    assert re.search(r"^\s*75├─.*┤$", target_row), "target: a horizontal line at 75"
    assert "target 75%" in lines[0]


def test_history_draws_pillars_with_distinct_markers_and_a_legend(lens: Lens) -> None:
    spec = charts.history_chart(lens, milestone_points(lens), pillars=["security", "reliability"])
    assert [s.key for s in spec.series] == ["overall", "security", "reliability"]
    assert len({s.marker for s in spec.series}) == 3
    text = charts.render_history(spec, width=80, height=18)
    for series in spec.series:
        assert f"{series.marker * 2} {series.label}" in text


def test_history_of_one_point_shows_its_date(lens: Lens) -> None:
    spec = charts.history_chart(lens, milestone_points(lens)[:1])
    text = charts.render_history(spec, width=80, height=12)
    assert "2026-01-05" in text and charts.OVERALL_MARKER in text


def test_history_dates_do_not_overlap_when_narrow(lens: Lens) -> None:
    text = charts.render_history(charts.history_chart(lens, milestone_points(lens)), width=40)
    lines = text.splitlines()
    axis = lines[next(i for i, line in enumerate(lines) if "└" in line) + 1]
    assert re.fullmatch(r"(\s*\d{4}-\d{2}-\d{2})+\s*", axis)


def test_history_says_no_data_yet(lens: Lens) -> None:
    assert charts.render_history(charts.history_chart(lens, [])) == "Score over time: no data yet"
    unanswered = HistoryPoint.from_scores(datetime(2026, 1, 1), "start", score(lens, {}))
    spec = charts.history_chart(lens, [unanswered])
    assert spec.empty and "no data yet" in charts.render_history(spec)


def history_spec(values: list[float], target: float | None = 75) -> charts.HistorySpec:
    start = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
    dates = tuple(start + timedelta(days=30 * i) for i in range(len(values)))
    series = charts.Series("overall", "Overall", charts.OVERALL_MARKER, tuple(values))
    return charts.HistorySpec(
        "Score over time", dates, tuple(f"M{i}" for i in range(len(values))), (series,), target
    )


def plot_rows(text: str) -> list[str]:
    """The canvas rows between the frame's top and bottom, bottom row first, with the y tick
    labels and the axis cut off."""
    lines = text.splitlines()
    top = next(i for i, line in enumerate(lines) if "┌" in line)
    bottom = next(i for i, line in enumerate(lines) if "└" in line)
    start = lines[top].index("┌") + 1
    end = lines[top].index("┐")
    return [line.ljust(end)[start:end] for line in reversed(lines[top + 1 : bottom])]


def y_ticks(text: str) -> dict[int, int]:
    """Tick value -> row (0 is the bottom row of the canvas)."""
    lines = text.splitlines()
    top = next(i for i, line in enumerate(lines) if "┌" in line)
    bottom = next(i for i, line in enumerate(lines) if "└" in line)
    ticks = {}
    for i in range(top + 1, bottom):
        if match := re.match(r"^\s*(\d+)[┤├]", lines[i]):
            ticks[int(match.group(1))] = bottom - 1 - i
    return ticks


@pytest.mark.parametrize(("width", "height"), [(80, 12), (80, 14), (80, 17), (80, 24), (120, 40)])
def test_history_ticks_sit_on_their_rows_and_points_on_their_values(
    width: int, height: int
) -> None:
    # Ticks at every row their value falls on exactly, evenly spaced; each point on the row of
    # its value on that scale; a point at a tick value on the tick's row.
    values = [39, 50, 25, 75, 100, 0, 62]
    text = charts.render_history(history_spec(values), width=width, height=height)
    ticks = y_ticks(text)
    assert {0, 50, 100} <= set(ticks) and ticks[0] == 0
    per_point = ticks[100] / 100  # rows per percentage point
    for value, row in ticks.items():
        if value == 75 and row != value * per_point:
            # The target's own tick, where no regular one falls: on the row it rounds to.
            assert abs(row - value * per_point) <= 0.5, f"target tick off its row: {ticks}"
            continue
        assert row == value * per_point, f"tick {value} off its row: {ticks}"
    rows = plot_rows(text)
    points = sorted(
        (col, row) for row, line in enumerate(rows) for col, ch in enumerate(line) if ch == "●"
    )
    assert len(points) == len(values), "one marker a point, none along the line"
    for (_, row), value in zip(points, values, strict=True):
        assert abs(row - value * per_point) <= 0.5, (value, row, ticks)
        if value in ticks:
            assert row == ticks[value]


def test_history_line_is_high_resolution_and_values_are_printed() -> None:
    values = [39, 50, 47, 58]
    text = charts.render_history(history_spec(values), width=80, height=12)
    rows = plot_rows(text)
    braille = [ch for line in rows for ch in line if "\u2800" <= ch <= "\u28ff"]
    assert len(braille) > 40, "the line is drawn in braille"
    points = sorted(
        (col, row) for row, line in enumerate(rows) for col, ch in enumerate(line) if ch == "●"
    )
    for (col, row), value in zip(points, values, strict=True):
        near = [rows[r][max(0, col - 3) : col + 4] for r in (row - 1, row, row + 1) if r >= 0]
        assert any(str(value) in part for part in near), (value, near)


def test_history_prints_no_values_when_crowded() -> None:
    values = [float(30 + i) for i in range(charts.MAX_VALUE_LABELS + 1)]
    text = charts.render_history(history_spec(values, target=None), width=120, height=17)
    assert not re.search(r"\d", "".join(plot_rows(text)))


@pytest.mark.parametrize("rows", range(2, 41))
def test_percent_axis_puts_every_tick_on_a_row(rows: int) -> None:
    top, ticks = charts.percent_axis(rows)
    assert ticks[0] == 0 and ticks[-1] == 100 and (rows < 3 or 50 in ticks)
    for tick in ticks:
        assert ((rows - 1) * tick / top) == pytest.approx(round((rows - 1) * tick / top))
    used = (rows - 1) * 100 / top
    assert rows - 1 - used <= max(1, (rows - 1) // 4), "little headroom above 100"


def test_history_point_json_has_utc_time(lens: Lens, scores: Scores) -> None:
    point = HistoryPoint.from_scores(datetime(2026, 3, 1, 12), "Q1", scores)
    doc = point.to_json()
    assert doc["at"] == "2026-03-01T12:00:00Z"
    assert doc["overall"] == scores.overall.score and doc["pillars"]["security"] == 0.75


# -- compare ---------------------------------------------------------------------------------


def snapshot(lens: Lens, answers: dict[str, Answer]) -> Snapshot:
    return Snapshot(lens.id, lens.version, lens.content_hash, "fraud", answers=answers)


def test_compare_bars_pair_a_and_b_per_pillar(lens: Lens) -> None:
    a = answers_by_pillar(lens, {"security": 1, "reliability": 2})
    b = answers_by_pillar(lens, {"security": 3, "reliability": 2, "performance": 4})
    comparison = compare(snapshot(lens, a), lens, snapshot(lens, b), lens)
    spec = charts.compare_bars(lens, comparison, "Q1 review", "now", target=0.75)
    assert [p.key for p in spec.pairs] == [p.id for p in lens.pillars]
    security = next(p for p in spec.pairs if p.key == "security")
    assert (security.a, security.b, security.delta) == (25, 75, 50)
    performance = next(p for p in spec.pairs if p.key == "performance")
    assert (performance.a, performance.b) == (None, 100)
    text = charts.render_compare(spec, width=80, height=16)
    assert f"{charts.A_MARKER} A: Q1 review" in text and f"{charts.B_MARKER} B: now" in text
    for pillar in lens.pillars:
        assert pillar.name in text
    assert {"25", "75", "50", "100"} <= set(re.findall(r"\d+", text))
    assert charts.A_MARKER in text and charts.B_MARKER in text


def test_compare_phases_and_no_data(lens: Lens) -> None:
    empty = compare(snapshot(lens, {}), lens, snapshot(lens, {}), lens)
    spec = charts.compare_bars(lens, empty, phases=True)
    assert [p.key for p in spec.pairs] == [p.id for p in lens.phases]
    assert spec.empty and charts.render_compare(spec) == "Phases: A vs B: no data yet"


def compare_spec(target: float | None = 75) -> charts.CompareSpec:
    values = [
        ("Operational Excellence", "Ops", 42.0, 67.0),
        ("Security", "Security", 12.5, 100.0),
        ("Reliability", "Reliability", None, 35.0),
        ("Performance Efficiency", "Performance", 0.0, 1.0),
        ("Cost Optimization", "Cost", 88.9, 55.5),
        ("Sustainability", "Sustain", 50.0, None),
    ]
    pairs = tuple(charts.Pair(short.lower(), name, short, a, b) for name, short, a, b in values)
    return charts.CompareSpec("Pillars: A vs B", "Q1 review", "now", pairs, target)


def compare_bars_drawn(text: str, width: int) -> list[tuple[str, str, int, int]]:
    """(A or B, printed value, bar length, canvas width) for every bar row."""
    lines = text.splitlines()
    frame = next((line for line in lines if "┌" in line), None)
    rows = []
    for line in lines:
        match = re.search(r"([AB]) ([░█]) +(\d+%|-)┤", line)
        if match is None:
            continue
        bar = line[match.end() :]
        length = len(bar) - len(bar.lstrip(match.group(2)))
        assert match.group(2) not in bar[length:], "one bar a row, drawn from 0"
        other = charts.B_MARKER if match.group(2) == charts.A_MARKER else charts.A_MARKER
        assert other not in bar
        cols = width - match.end() if frame is None else frame.index("┐") - frame.index("┌") - 1
        rows.append((match.group(1), match.group(3), length, cols))
    return rows


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize("height", [12, 13, 14, 16, 20, 21, 30])
def test_compare_bars_are_as_long_as_their_values(width: int, height: int) -> None:
    spec = compare_spec()
    text = charts.render_compare(spec, width=width, height=height)
    lines = text.splitlines()
    assert len(lines) <= height and max(len(line) for line in lines) <= width
    drawn = compare_bars_drawn(text, width)
    assert [side for side, *_ in drawn] == ["A", "B"] * len(spec.pairs), "A then B, each group"
    expected = [value for pair in spec.pairs for value in (pair.a, pair.b)]
    for (_, printed, length, cols), value in zip(drawn, expected, strict=True):
        assert printed == ("-" if value is None else f"{value:.0f}%")
        if not value:
            assert length == 0
            continue
        # The bar ends in the column of its value on the 0-100 axis: within half a cell.
        assert abs((length - 1) - value / 100 * (cols - 1)) <= 0.5, (value, length, cols)
        assert abs(length - value / 100 * cols) <= 1.5
    # The name is on the A row; the B row right below it has none.
    rows = [line for line in lines if re.search(r"[AB] [░█]", line)]
    for index, pair in enumerate(spec.pairs):
        assert rows[2 * index].lstrip().startswith((pair.name, pair.short))
        assert rows[2 * index + 1].lstrip().startswith("B ")


def test_compare_legend_and_target_and_blank_rows_when_tall() -> None:
    text = charts.render_compare(compare_spec(), width=80)
    lines = text.splitlines()
    assert "░ A: Q1 review" in lines[0] and "█ B: now" in lines[0]
    assert "target 75%" in lines[0]
    top = next(line for line in lines if "┌" in line)
    bottom = next(line for line in lines if "└" in line)
    mark = top.index("┬")
    assert bottom[mark] == "┴", "the target line crosses the whole plot"
    along = (mark - top.index("┌") - 1) / (top.index("┐") - top.index("┌") - 2)
    assert along == pytest.approx(0.75, abs=0.02)
    assert lines[lines.index(bottom) + 1].split() == ["0", "25", "50", "75", "100"]
    body = lines[lines.index(top) + 1 : lines.index(bottom)]
    assert sum(1 for line in body if "┤" not in line) == len(compare_spec().pairs) - 1


def test_compare_gives_up_chrome_before_bars_then_says_so() -> None:
    spec = compare_spec()
    at_14 = charts.render_compare(spec, width=80, height=14)
    assert "A: Q1 review" in at_14 and "┌" not in at_14, "the frame goes before the legend"
    at_12 = charts.render_compare(spec, width=80, height=12)
    assert "Q1 review" not in at_12 and len(compare_bars_drawn(at_12, 80)) == 12
    at_11 = charts.render_compare(spec, width=80, height=11)
    assert "12 rows needed" in at_11 and "┤" not in at_11


def test_compare_uses_short_names_when_narrow() -> None:
    text = charts.render_compare(compare_spec(), width=50, height=14)
    assert "Ops" in text and "Operational" not in text
    assert max(len(line) for line in text.splitlines()) <= 50


def test_questions_that_moved_most_rank_by_value_change_times_weight(lens: Lens) -> None:
    weights = {q.id: q.weight for q in lens.questions}
    a = {
        "MLOE-01": Answer("MLOE-01", level=0),  # weight 3: 0 -> 4 moves 3.0
        "MLSEC-01": Answer("MLSEC-01", level=2),  # 2 -> 3 moves 0.25 x weight
        "MLREL-01": Answer("MLREL-01", level=2),  # only the target changes
    }
    b = {
        "MLOE-01": Answer("MLOE-01", level=4),
        "MLSEC-01": Answer("MLSEC-01", level=3),
        "MLREL-01": Answer("MLREL-01", level=2, target=4),
        "MLCOST-05": Answer("MLCOST-05", level=2),  # newly answered: 0 -> 0.5
    }
    comparison = compare(snapshot(lens, a), lens, snapshot(lens, b), lens)
    moves = charts.moved_questions(lens, comparison, score(lens, a), score(lens, b))
    expected = sorted(
        [
            ("MLOE-01", 1.0 * weights["MLOE-01"]),
            ("MLSEC-01", 0.25 * weights["MLSEC-01"]),
            ("MLCOST-05", 0.5 * weights["MLCOST-05"]),
        ],
        key=lambda item: -item[1],
    )
    assert [(m.question_id, m.impact) for m in moves] == [
        (qid, pytest.approx(impact)) for qid, impact in expected
    ]
    first = moves[0]
    assert (first.level_a, first.level_b, first.delta) == (0, 4, 1.0)
    newly = next(m for m in moves if m.question_id == "MLCOST-05")
    assert newly.value_a is None and newly.change == "newly_answered"
    text = charts.moved_questions_text(moves)
    assert line_with(text, "MLOE-01").split()[1:6] == ["L0", "->", "L4", "↑", "+100"]
    assert "-> L2" in line_with(text, "MLCOST-05")
    assert charts.moved_questions(lens, comparison, score(lens, a), score(lens, b), limit=1) == (
        first,
    )
