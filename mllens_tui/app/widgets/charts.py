"""Chart widgets: the specs of ``mllens_tui.charts.specs`` drawn with textual-plotext. (The
pillar x phase heatmap is a DataTable in ``heatmap.py``, so the dashboard loads no plotext.)

Each plot keeps its spec and redraws it (clear, draw, refresh) when the spec or its size
changes: labels shorten and bars take one row each at the size the plot really has. The
plot background and axes follow the app theme (textual-plotext's "auto" theme); values are
printed, so the charts read with NO_COLOR.
"""

from __future__ import annotations

from typing import ClassVar, Generic, TypeVar

from textual import events
from textual.app import RenderResult
from textual_plotext import PlotextPlot

from mllens_tui.charts.draw import draw_bars, draw_compare, draw_history, draw_no_data
from mllens_tui.charts.specs import (
    BarsSpec,
    CompareSpec,
    HistorySpec,
)

SpecT = TypeVar("SpecT")


class _ChartPlot(PlotextPlot, Generic[SpecT]):
    """A plotext plot that draws one chart spec, or "no data yet" before it has one.

    The spec is drawn when the plot renders, at the size plotext is about to lay it out at
    and in the app's current theme: a drawing made for another size (before the first layout,
    or before a resize) puts bars and ticks on the wrong rows, and plotext takes the default
    colours and the text background from the theme current when drawing.
    """

    DEFAULT_CSS = """
    _ChartPlot {
        min-height: 8;
    }
    """
    EMPTY_TITLE: ClassVar[str] = ""

    def __init__(
        self,
        spec: SpecT | None = None,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._spec = spec
        # The width, height and app theme of the last drawing; None: draw again.
        self._drawn: tuple[int, int, str] | None = None
        self._rendered: RenderResult | None = None

    @property
    def spec(self) -> SpecT | None:
        return self._spec

    def show(self, spec: SpecT) -> None:
        """Draw ``spec`` in place of whatever the plot showed."""
        self._spec = spec
        self.redraw()

    def redraw(self) -> None:
        """Draw the spec again at the next render."""
        self._drawn = None
        self._rendered = None
        self.refresh()

    def render(self) -> RenderResult:
        drawing = (self.size.width, self.size.height, self.app.theme)
        if drawing == self._drawn and self._rendered is not None:
            # Textual renders again on every refresh (focus, screen switch): reuse the
            # built figure, which costs tens of milliseconds to build.
            return self._rendered
        self.plt.theme(self._get_plotext_theme_name(self.app.theme))
        width = self.size.width or None
        height = self.size.height or None
        if self._spec is None:
            draw_no_data(self.plt, self.EMPTY_TITLE)
        else:
            self.draw(self._spec, width, height)
        self._drawn = drawing
        self._rendered = super().render()
        return self._rendered

    def draw(self, spec: SpecT, width: int | None, height: int | None) -> None:
        raise NotImplementedError

    def on_resize(self, event: events.Resize) -> None:
        self.redraw()


class PillarBarsPlot(_ChartPlot[BarsSpec]):
    """Pillar scores as horizontal bars, weakest on top, the target as a vertical line.

    Needs a height of the number of bars + 5 to give each bar a row (11 for the ML Lens).
    """

    DEFAULT_CSS = """
    PillarBarsPlot {
        min-height: 11;
    }
    """
    EMPTY_TITLE = "Pillar scores"

    def draw(self, spec: BarsSpec, width: int | None, height: int | None) -> None:
        draw_bars(self.plt, spec, width=width, height=height)


class PhaseBarsPlot(PillarBarsPlot):
    """Phase scores as horizontal bars (``charts.phase_bars``)."""

    EMPTY_TITLE = "Phase scores"


class HistoryPlot(_ChartPlot[HistorySpec]):
    """Scores over time with dates on the x axis (``charts.history_chart``): braille lines,
    the points on top, their values printed, y ticks on exact rows for the height."""

    DEFAULT_CSS = """
    HistoryPlot {
        min-height: 10;
    }
    """
    EMPTY_TITLE = "Score over time"

    def draw(self, spec: HistorySpec, width: int | None, height: int | None) -> None:
        draw_history(self.plt, spec, width=width, height=height)


class ComparePlot(_ChartPlot[CompareSpec]):
    """Snapshot A next to snapshot B per pillar or phase (``charts.compare_bars``): two
    one-row horizontal bars a group.

    16 rows show 6 groups with the title (the legend), frame and ticks; at 12 the bars alone
    (their labels still say A and B); shorter, the plot says how many rows it needs.
    """

    DEFAULT_CSS = """
    ComparePlot {
        height: 16;
        min-height: 12;
    }
    """
    EMPTY_TITLE = "A vs B"

    def draw(self, spec: CompareSpec, width: int | None, height: int | None) -> None:
        draw_compare(self.plt, spec, width=width, height=height)
