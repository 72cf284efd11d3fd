"""Chart widgets in a running app at 80x24: they draw their spec, and the heatmap is a control."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from textual import on
from textual.app import App, ComposeResult
from textual.coordinate import Coordinate
from textual.widget import Widget

from mllens_tui import charts
from mllens_tui.app.widgets.charts import (
    ComparePlot,
    HistoryPlot,
    PhaseBarsPlot,
    PillarBarsPlot,
)
from mllens_tui.app.widgets.heatmap import HeatmapTable
from mllens_tui.assessment import Answer
from mllens_tui.history import HistoryPoint
from mllens_tui.lens.model import Lens
from mllens_tui.lens.registry import builtin_lens
from mllens_tui.scoring import Scores, score
from mllens_tui.snapshot import Snapshot, compare

LEVELS = {"operationalExcellence": 2, "security": 3, "reliability": 1, "performance": 4}


@pytest.fixture(scope="module")
def lens() -> Lens:
    return builtin_lens()


@pytest.fixture(scope="module")
def scores(lens: Lens) -> Scores:
    answers = {
        q.id: Answer(q.id, level=LEVELS[q.pillar]) for q in lens.questions if q.pillar in LEVELS
    }
    return score(lens, answers)


class ChartApp(App[None]):
    def __init__(self, widget: Widget) -> None:
        super().__init__()
        self.widget = widget
        self.chosen: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        yield self.widget

    @on(HeatmapTable.CellChosen)
    def remember(self, event: HeatmapTable.CellChosen) -> None:
        self.chosen.append((event.pillar_id, event.phase_id))


def shown(widget: Widget) -> str:
    return widget.render().plain  # type: ignore[union-attr]


async def test_pillar_bars_plot_draws_its_spec(lens: Lens, scores: Scores) -> None:
    plot = PillarBarsPlot(charts.pillar_bars(lens, scores))
    async with ChartApp(plot).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = shown(plot)
        assert "target 75%" in text
        rows = [line for line in text.splitlines() if "┤" in line and "%" in line]
        assert [line.split()[0] for line in rows][:2] == ["Reliability", "Operational"]
        assert "Sustainability" in text


async def test_bars_follow_the_widget_width(lens: Lens, scores: Scores) -> None:
    plot = PhaseBarsPlot(charts.phase_bars(lens, scores))
    async with ChartApp(plot).run_test(size=(40, 24)) as pilot:
        await pilot.pause()
        text = shown(plot)
        assert "Goal" in text and "Business goal identification" not in text


async def test_plots_say_no_data_yet(lens: Lens) -> None:
    empty = score(lens, {})
    for plot in (PillarBarsPlot(), PillarBarsPlot(charts.pillar_bars(lens, empty)), HistoryPlot()):
        async with ChartApp(plot).run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert "no data yet" in shown(plot)
            assert "┤" not in shown(plot)


async def test_show_replaces_the_drawing(lens: Lens, scores: Scores) -> None:
    plot = PillarBarsPlot()
    async with ChartApp(plot).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "no data yet" in shown(plot)
        plot.show(charts.pillar_bars(lens, scores))
        await pilot.pause()
        assert "no data yet" not in shown(plot) and "Security" in shown(plot)


async def test_history_plot_shows_dates(lens: Lens, scores: Scores) -> None:
    start = datetime(2026, 1, 5, tzinfo=UTC)
    points = [
        HistoryPoint.from_scores(start + timedelta(days=30 * i), f"M{i}", scores) for i in range(3)
    ]
    plot = HistoryPlot(charts.history_chart(lens, points, target=0.75))
    async with ChartApp(plot).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "2026-01-05" in shown(plot) and "2026-03-06" in shown(plot)


async def test_compare_plot_renders(lens: Lens, scores: Scores) -> None:
    def snap(answers: dict[str, Answer]) -> Snapshot:
        return Snapshot(lens.id, lens.version, lens.content_hash, "w", answers=answers)

    later = {q.id: Answer(q.id, level=4) for q in lens.questions[:20]}
    comparison = compare(snap({}), lens, snap(later), lens)
    plot = ComparePlot(charts.compare_bars(lens, comparison, "start", "now"))
    async with ChartApp(plot).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = shown(plot)
        assert "A: start" in text and "B: now" in text and "100" in text


async def test_plot_reads_with_no_color(
    lens: Lens, scores: Scores, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    plot = PillarBarsPlot(charts.pillar_bars(lens, scores))
    app = ChartApp(plot)
    assert app.no_color
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Reliability" in shown(plot) and "25%" in shown(plot)


async def test_heatmap_table_shows_cells_and_posts_cell_chosen(lens: Lens, scores: Scores) -> None:
    table = HeatmapTable(charts.heatmap(lens, scores))
    app = ChartApp(table)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert [str(c.label) for c in table.columns.values()] == [p.label for p in lens.phases]
        assert table.get_cell("security", "business-goal").plain == "75% 1/1"
        assert table.get_cell("reliability", "business-goal").plain == charts.EMPTY_CELL
        assert table.get_cell("costOptimization", "model-development").plain == "- 0/15"

        table.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.chosen == [("operationalExcellence", "business-goal")]

        table.cursor_coordinate = Coordinate(1, 2)
        await pilot.press("enter")
        await pilot.pause()
        assert app.chosen[-1] == ("security", "data-processing")

        # The empty Reliability x Business goal cell has no questions to show.
        table.cursor_coordinate = Coordinate(2, 0)
        await pilot.press("enter")
        await pilot.pause()
        assert len(app.chosen) == 2


async def test_heatmap_styles_follow_the_theme(lens: Lens, scores: Scores) -> None:
    table = HeatmapTable(charts.heatmap(lens, scores))
    app = ChartApp(table)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        low = table.get_cell("reliability", "data-processing")
        assert low.plain == "25% 3/3" and low.style.bold  # type: ignore[union-attr]
        before = low.style.color  # type: ignore[union-attr]
        app.theme = "nord"
        await pilot.pause()
        after = table.get_cell("reliability", "data-processing")
        assert after.plain == "25% 3/3"
        assert after.style.color != before  # type: ignore[union-attr]
        assert after.style.color.triplet.hex == app.theme_variables["error"].lower()  # type: ignore[union-attr]


def compare_spec() -> charts.CompareSpec:
    values = [
        ("Operational Excellence", "Ops", 42.0, 67.0),
        ("Security", "Security", 59.0, 89.0),
        ("Reliability", "Reliability", None, 70.0),
        ("Performance Efficiency", "Performance", 41.0, 100.0),
        ("Cost Optimization", "Cost", 28.0, 55.0),
        ("Sustainability", "Sustain", 15.0, 43.0),
    ]
    pairs = tuple(charts.Pair(short, name, short, a, b) for name, short, a, b in values)
    return charts.CompareSpec("Pillars: A vs B", "Q2 baseline", "now", pairs, 75)


@pytest.mark.parametrize(("height", "legend"), [(12, False), (16, True)])
async def test_compare_plot_draws_bars_at_its_own_height(height: int, legend: bool) -> None:
    # In the widget every bar is one row long as its value, at the height the plot has (the
    # vertical bars this replaced overran their own axis in a short plot).
    spec = compare_spec()
    plot = ComparePlot(spec)
    plot.styles.height = height
    async with ChartApp(plot).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lines = shown(plot).splitlines()
    assert len(lines) == height
    assert ("A: Q2 baseline" in lines[0]) is legend
    rows = [line for line in lines if re.search(r"[AB] [░█] +(\d+%|-)┤", line)]
    assert len(rows) == 12
    values = [value for pair in spec.pairs for value in (pair.a, pair.b)]
    for line, value in zip(rows, values, strict=True):
        marker = line[line.index("┤") - 6]
        bar = line[line.index("┤") + 1 :]
        length = len(bar) - len(bar.lstrip(marker))
        cols = len(line) - line.index("┤") - 1 - (1 if legend else 0)
        expected = 0 if not value else value / 100 * (cols - 1) + 1
        assert abs(length - expected) <= 0.5 + 1e-9, (line, value)


async def test_compare_plot_redraws_for_a_new_width() -> None:
    plot = ComparePlot(compare_spec())
    app = ChartApp(plot)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Operational Excellence" in shown(plot)
        await pilot.resize_terminal(50, 24)
        await pilot.pause()
        text = shown(plot)
    assert "Ops" in text and "Operational" not in text
    assert max(len(line) for line in text.splitlines()) <= 50


async def test_compare_plot_says_when_too_short() -> None:
    plot = ComparePlot(compare_spec())
    plot.styles.height = 8
    plot.styles.min_height = 8
    async with ChartApp(plot).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = shown(plot)
    assert "12 rows needed" in text and "┤" not in text


async def test_history_plot_puts_points_on_their_tick_rows() -> None:
    start = datetime(2026, 5, 12, 14, tzinfo=UTC)
    values = (39.0, 50.0, 58.0)
    dates = tuple(start + timedelta(days=98 * i) for i in range(3))
    series = charts.Series("overall", "Overall", charts.OVERALL_MARKER, values)
    spec = charts.HistorySpec("Score over time", dates, ("Q2", "Q3", "Q4"), (series,), 75)
    plot = HistoryPlot(spec)
    plot.styles.height = 12
    async with ChartApp(plot).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lines = shown(plot).splitlines()
    assert len(lines) == 12
    tick_rows = {
        int(m.group(1)): i
        for i, line in enumerate(lines)
        if (m := re.match(r"^\s*(\d+)[┤├]", line))
    }
    assert set(tick_rows) - {75} == {0, 50, 100}  # 75: the target's own tick
    assert tick_rows[0] - tick_rows[50] == tick_rows[50] - tick_rows[100], "evenly spaced"
    points = [(line.index("●"), i) for i, line in enumerate(lines) if "●" in line]
    middle = sorted(points)[1]
    assert middle[1] == tick_rows[50], "the point at 50% sits on the 50 tick's row"
    canvas = "\n".join(lines[1:-2])
    assert all(f"{value:.0f}" in canvas for value in values), "values printed by the points"
    assert any("\u2800" <= ch <= "\u28ff" for ch in canvas), "a braille line"
