"""Drawing chart specs with plotext, for the TUI and the command line, so a report shows
what the screen showed.

- ``draw_*(plt, spec, width=..., height=...)`` draws a spec onto any plotext-like object: the
  ``plotext`` module, a plotext figure or ``PlotextPlot.plt`` in the TUI;
- ``render_*(spec, width, height)`` draws on a private figure and returns the text.

plotext is imported lazily, inside the render functions, so importing this module stays cheap.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from mllens_tui.charts.specs import (
    NO_DATA,
    BarsSpec,
    CompareSpec,
    HistorySpec,
)
from mllens_tui.charts.text import _clip

PERCENT_TICKS = (0, 25, 50, 75, 100)
A_MARKER = "░"
B_MARKER = "█"
# The history chart prints each point's value when it has at most this many points in all.
MAX_VALUE_LABELS = 12

# Series colours (A and B are the first two): the start of textual-plotext's own sequence, so
# the TUI keeps its look. The charts pass them to plotext because it gives each call the
# theme's next colour, and a line and its points are two calls that must share one.
PALETTE: tuple[tuple[int, int, int], ...] = (
    (0, 130, 200),
    (60, 180, 75),
    (230, 25, 75),
    (255, 225, 25),
    (245, 130, 48),
    (145, 30, 180),
    (70, 240, 240),
    (240, 50, 230),
)

# The plotting object: the plotext module, a plotext figure or textual-plotext's Plot. plotext
# ships no type information, so this stays Any.
Plt = Any

# Rows plotext spends around a canvas that has a title and an x label: title, top and bottom
# frame, tick labels, x label.
_CHROME_ROWS = 5

# A bar this thin covers exactly one terminal row; thicker bars straddle rows and plotext then
# paints one bar's length on its neighbour's row.
_THIN = 1e-6

# Keeps bar centres off the .5 boundaries of plotext's row rounding.
_NUDGE = 0.013

# Rows the history chart spends around its canvas: title, top and bottom frame, dates. The
# target and the units go in the title, so it needs no x label row.
_HISTORY_CHROME = 4

# plotext's high-resolution marker for the history lines: 2 x 4 dots a cell.
_LINE_MARKER = "braille"


def _no_data_text(title: str) -> str:
    return f"{title}: {NO_DATA}"


# -- drawing ----------------------------------------------------------------------------------


def _reset(plt: Plt) -> None:
    """Forget the previous drawing and the settings a draw_* function may leave behind.

    Every draw_* function sets both axes' ticks itself (plotext cannot reset them to auto).
    """
    plt.clear_data()
    plt.title(None)
    plt.xlabel(None)
    plt.ylabel(None)
    plt.frame(True)


def draw_no_data(plt: Plt, title: str = "") -> None:
    """Say "no data yet" where the chart would be, rather than draw an empty axis."""
    _draw_note(plt, title or None, NO_DATA)


def _draw_note(plt: Plt, title: str | None, note: str) -> None:
    """A line of text where the chart would be."""
    _reset(plt)
    plt.title(title)
    plt.frame(False)
    plt.xticks([])
    plt.yticks([])
    plt.xlim(0, 1)
    plt.ylim(0, 1)
    plt.text(note, 0.5, 0.5, alignment="center")


def _canvas_rows(height: int | None) -> int | None:
    return None if height is None else height - _CHROME_ROWS


def _row_layout(n: int, rows: int | None) -> tuple[list[float], tuple[float, float]]:
    """y positions (first bar on top) and y limits that put every bar on a row of its own.

    plotext maps y to a row as floor(0.5 + (rows - 1) * (y - lo) / (hi - lo)); with limits
    (0, rows - 1) a position is its row number.
    """
    if rows is None or rows < n or rows < 2:
        return [float(n - i) for i in range(n)], (1.0, n + _NUDGE)
    step = 1 if n == 1 else min(2, (rows - 1) // (n - 1))
    used = (n - 1) * step + 1
    top = rows - 1 - (rows - used) // 2
    return [top - i * step + _NUDGE for i in range(n)], (0.0, float(rows - 1))


def _use_short(names: Iterable[str], room: float | None) -> bool:
    """Whether the full names overflow ``room`` characters (None: room enough)."""
    return room is not None and max((len(n) for n in names), default=0) > room


def bar_labels(spec: BarsSpec, width: int | None = None) -> list[str]:
    """Tick labels with the value printed: "Security       62%" (short names when narrow)."""
    # Labels may take two fifths of the width, values included.
    short = _use_short((b.name for b in spec.bars), None if width is None else width * 0.4 - 6)
    names = [b.short if short else b.name for b in spec.bars]
    room = max(len(n) for n in names)
    return [
        f"{name:<{room}} {'-' if bar.value is None else f'{bar.value:.0f}%':>4}"
        for name, bar in zip(names, spec.bars, strict=True)
    ]


def _bars_title(spec: BarsSpec, room: int | None) -> str:
    """The title with the target, as long as fits over the plot (plotext drops a longer one)."""
    if spec.target is None:
        return spec.title
    for title in (f"{spec.title}, target {spec.target:.0f}% (│)", f"target {spec.target:.0f}%"):
        if room is None or len(title) <= room:
            return title
    return ""


def draw_bars(
    plt: Plt, spec: BarsSpec, *, width: int | None = None, height: int | None = None
) -> None:
    """Horizontal bars, weakest on top, x fixed 0-100 %, the target as a vertical line.

    ``width`` and ``height`` are the size the figure will be drawn at, when known: they pick
    short labels and give every bar a row of its own.
    """
    if spec.empty:
        draw_no_data(plt, spec.title)
        return
    _reset(plt)
    labels = bar_labels(spec, width)
    plt.title(_bars_title(spec, None if width is None else width - len(labels[0]) - 2))
    positions, ylim = _row_layout(len(spec.bars), _canvas_rows(height))
    values = [bar.value or 0.0 for bar in spec.bars]
    plt.bar(positions, values, orientation="horizontal", width=_THIN, reset_ticks=False)
    plt.yticks(positions, labels)
    plt.ylim(*ylim)
    plt.xlim(0, 100)
    plt.xticks(list(PERCENT_TICKS))
    plt.xlabel(spec.units)
    if spec.target is not None:
        plt.vline(spec.target)


def _date_ticks(dates: Sequence[datetime], width: int | None) -> tuple[list[datetime], str]:
    """Tick dates that fit the width without overlapping, and the strftime format for them."""
    first, last = dates[0], dates[-1]
    span = last - first
    fmt = "%m-%d %H:%M" if timedelta(0) < span < timedelta(days=3) else "%Y-%m-%d"
    label_len = len(first.strftime(fmt))
    plot_width = (width or 80) - 8
    count = max(2, min(6, plot_width // (label_len + 3)))
    if span.total_seconds() <= 0:
        return [first], fmt
    distinct = sorted(set(dates))
    if len(distinct) <= count:
        candidates = distinct
    else:
        candidates = [first + span * (i / (count - 1)) for i in range(count)]
    ticks: list[datetime] = []
    for moment in candidates:
        column = (moment - first) / span * plot_width
        if ticks and column - (ticks[-1] - first) / span * plot_width < label_len + 2:
            continue
        ticks.append(moment)
    return ticks, fmt


# -- history ----------------------------------------------------------------------------------


def percent_axis(rows: int | None) -> tuple[float, list[int]]:
    """The upper y limit and the percent ticks for a canvas of ``rows`` rows.

    plotext puts y on row floor(0.5 + (rows - 1) * y / top), so a tick only sits on its own
    value's row when that product is whole. The ticks are 0/25/50/75/100 when the rows allow
    it (at most a quarter of them left above 100), else 0/50/100; the limit above 100 leaves
    the rows that do not divide evenly as headroom. None (height unknown): plotext's own scale.
    """
    if rows is None or rows < 2:
        return 100.0, list(PERCENT_TICKS)
    span = rows - 1
    quarters = span - span % 4
    if quarters and span - quarters <= max(1, span // 4):
        used, ticks = quarters, list(PERCENT_TICKS)
    elif span >= 2:
        used, ticks = span - span % 2, [0, 50, 100]
    else:
        used, ticks = span, [0, 100]
    return 100.0 * span / used, ticks


def _cell(value: float, low: float, high: float, cells: int) -> int:
    """The row or column plotext draws ``value`` on (its get_matrix_data, with its rounding)."""
    return math.floor(round(0.5 + (cells - 1) * (value - low) / (high - low), 8))


@dataclass(frozen=True)
class _Canvas:
    """The canvas of a drawing as plotext lays it out: cells, and the limits mapped on them."""

    cols: int
    rows: int
    x0: float
    x1: float
    top: float

    def col(self, x: float) -> int:
        return _cell(x, self.x0, self.x1, self.cols)

    def row(self, y: float) -> int:
        return _cell(y, 0.0, self.top, self.rows)

    def x_at(self, col: int) -> float:
        return self.x0 + (self.x1 - self.x0) * col / max(self.cols - 1, 1)

    def y_at(self, row: int) -> float:
        return self.top * row / max(self.rows - 1, 1)

    def line_y(self, y: float) -> float:
        """``y`` moved so that a braille line crosses the middle of the row ``y`` is drawn on.

        Braille has 4 dots a row; plotext puts y on dot floor(0.5 + (4 rows - 1) y / top), the
        bottom dot of the row for a low y, the top one for a high y. Aiming at 4 p + 1.5, with p
        the row position of y, keeps the line in the row of its point marker and centres it.
        """
        position = (self.rows - 1) * y / self.top
        return self.top * (4 * position + 1.5) / (4 * self.rows - 1)


def _fits_centred(text: str, centre: int, width: int) -> bool:
    """Whether plotext can centre ``text`` on column ``centre`` (it drops what would not fit)."""
    return len(text) // 2 <= centre and centre - len(text) // 2 + len(text) <= width


def _history_title(spec: HistorySpec, centre: int, width: int | None) -> str | None:
    """The title with the units and the target, as long as plotext can fit."""
    titles = [f"{spec.title} ({spec.units})", spec.title]
    if spec.target is not None:
        goal = f"target {spec.target:.0f}% (─)"
        titles = [f"{titles[0]}, {goal}", f"{spec.title}, {goal}", goal, *titles]
    for title in titles:
        if width is None or _fits_centred(title, centre, width):
            return title
    return None


def _line_cells(canvas: _Canvas, points: Sequence[tuple[float, float]]) -> set[tuple[int, int]]:
    """The cells a line through ``points`` (x, y) roughly covers, steep steps included."""
    cells: set[tuple[int, int]] = set()
    for (xa, ya), (xb, yb) in itertools.pairwise(points):
        ca, cb = canvas.col(xa), canvas.col(xb)
        pa, pb = (canvas.rows - 1) * ya / canvas.top, (canvas.rows - 1) * yb / canvas.top
        previous: int | None = None
        for col in range(ca, cb + 1):
            along = 0.0 if cb == ca else (col - ca) / (cb - ca)
            row = math.floor(0.5 + pa + (pb - pa) * along)
            low, high = (row, row) if previous is None else sorted((previous, row))
            cells.update((col, r) for r in range(low, high + 1))
            previous = row
    return cells


def _value_label_spots(col: int, row: int, size: int, canvas: _Canvas) -> list[tuple[int, int]]:
    """Where a label of ``size`` characters may start for a point: above, below, right, left."""
    centred = min(max(col - size // 2, 0), canvas.cols - size)
    spots = [(centred, row + 1), (centred, row - 1), (col + 1, row), (col - size, row)]
    return [(c, r) for c, r in spots if 0 <= r < canvas.rows and c >= 0 and c + size <= canvas.cols]


def _value_labels(
    canvas: _Canvas,
    series: Sequence[Sequence[tuple[float, float]]],
    blocked: set[tuple[int, int]],
    soft: set[tuple[int, int]],
) -> list[tuple[int, int, int, str]]:
    """(series index, column, row, text) of the value labels that find a free spot.

    A label never covers a point, the legend or another label (nor touches one); it avoids
    crossing a line where it can. A point whose label finds no spot goes without.
    """
    taken = set(blocked)
    taken.update((canvas.col(x), canvas.row(y)) for points in series for x, y in points)
    chosen: list[tuple[int, int, int, str]] = []
    for index, points in enumerate(series):
        for x, y in points:
            text = f"{y:.0f}"
            col, row = canvas.col(x), canvas.row(y)
            best: tuple[int, int, int, int] | None = None
            for order, (start, r) in enumerate(_value_label_spots(col, row, len(text), canvas)):
                cells = [(c, r) for c in range(start, start + len(text))]
                if any(cell in taken for cell in cells):
                    continue
                crossed = sum(cell in soft for cell in cells)
                if best is None or (crossed, order) < (best[0], best[1]):
                    best = (crossed, order, start, r)
            if best is None:
                continue
            _, _, start, r = best
            taken.update((c, r) for c in range(start - 1, start + len(text) + 1))
            chosen.append((index, start, r, text))
    return chosen


def draw_history(
    plt: Plt, spec: HistorySpec, *, width: int | None = None, height: int | None = None
) -> None:
    """Scores over time: real dates on x, y 0-100 % with ticks on exact rows, the target as a
    horizontal line.

    Each series is a braille line (4 dots a row, so a rise reads as a slope) with its points
    on top in the series' marker; with at most ``MAX_VALUE_LABELS`` points their values are
    printed next to them. ``width`` and ``height`` are the size the figure will be drawn at;
    without them the scale is plotext's and no value is printed.
    """
    if spec.empty:
        draw_no_data(plt, spec.title)
        return
    _reset(plt)
    drawn = [
        (series, [(d, v) for d, v in zip(spec.dates, series.values, strict=True) if v is not None])
        for series in spec.series
    ]
    drawn = [(series, points) for series, points in drawn if points]
    rows = None if height is None else height - _HISTORY_CHROME
    top, yticks = percent_axis(rows)
    tick_width = max(len(str(t)) for t in yticks)
    used = sorted(d for _, points in drawn for d, _ in points)
    first, last = used[0], used[-1]
    if first == last:
        first, last = first - timedelta(days=1), last + timedelta(days=1)
    x0, x1 = first.timestamp(), last.timestamp()
    canvas = None
    if rows is not None and width is not None and rows >= 2:
        canvas = _Canvas(width - tick_width - 2, rows, x0, x1, top)
    legend = len(drawn) > 1
    lines: set[tuple[int, int]] = set()
    for index, (series, points) in enumerate(drawn):
        color = PALETTE[index % len(PALETTE)]
        xs = [d.timestamp() for d, _ in points]
        ys = [v for _, v in points]
        if len(points) > 1:
            line = ys if canvas is None else [canvas.line_y(y) for y in ys]
            plt.plot(xs, line, marker=_LINE_MARKER, color=color)
            if canvas is not None:
                lines |= _line_cells(canvas, list(zip(xs, ys, strict=True)))
        label = series.label if legend else None
        plt.scatter(xs, ys, marker=series.marker, color=color, label=label)
    ticks, fmt = _date_ticks(used, width)
    plt.xticks([d.timestamp() for d in ticks], [d.strftime(fmt) for d in ticks])
    plt.xlim(x0, x1)
    plt.ylim(0, top)
    ylabels: list[float] = list(yticks)
    if spec.target is not None and canvas is not None:
        # The line goes on the row the target rounds to (plotext's own rounding of a line
        # differs by a row) and gets a tick there, unless a tick has that row already.
        row = canvas.row(spec.target)
        plt.hline(canvas.y_at(row))
        if row not in {canvas.row(t) for t in yticks}:
            ylabels.append(canvas.y_at(row))
            yticks = [*yticks, round(spec.target)]
    elif spec.target is not None:
        plt.hline(spec.target)
    plt.yticks(ylabels, [str(t) for t in yticks])
    centre = tick_width + 1 + ((width or 80) - tick_width - 2) // 2
    plt.title(_history_title(spec, centre, width))
    labelled = sum(len(points) for _, points in drawn) <= MAX_VALUE_LABELS
    if canvas is None or not labelled:
        return
    blocked: set[tuple[int, int]] = set()
    if legend:
        size = 4 + max(len(series.label) for series, _ in drawn) + 2
        blocked = {(c, canvas.rows - 1 - i) for i in range(len(drawn)) for c in range(size)}
    soft = set(lines)
    if spec.target is not None:
        soft.update((c, canvas.row(spec.target)) for c in range(canvas.cols))
    values = [[(d.timestamp(), v) for d, v in points] for _, points in drawn]
    for index, col, row, text in _value_labels(canvas, values, blocked, soft):
        color = PALETTE[index % len(PALETTE)]
        plt.text(text, canvas.x_at(col), canvas.y_at(row), color=color, alignment="left")


# -- compare ----------------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}%"


def compare_labels(spec: CompareSpec, width: int | None = None) -> list[str]:
    """Row labels, two a group: "Security  A ░  25%", then "          B █  75%".

    Full names when they fit two fifths of the width with the values, else short ones,
    clipped if need be.
    """
    room = None if width is None else width * 0.4 - 9
    names = [p.name for p in spec.pairs]
    if _use_short(names, room):
        names = [p.short for p in spec.pairs]
        if _use_short(names, room):
            names = [_clip(name, max(3, int(room or 0))) for name in names]
    size = max(len(name) for name in names)
    labels: list[str] = []
    for name, pair in zip(names, spec.pairs, strict=True):
        labels.append(f"{name:<{size}} A {A_MARKER} {_pct(pair.a):>4}")
        labels.append(f"{'':<{size}} B {B_MARKER} {_pct(pair.b):>4}")
    return labels


def _compare_titles(spec: CompareSpec) -> list[str]:
    """Title lines from the fullest to the shortest; each names A and B by marker."""
    legend = f"{A_MARKER} A: {spec.label_a}  {B_MARKER} B: {spec.label_b}"
    clipped = f"{A_MARKER} A: {_clip(spec.label_a, 12)}  {B_MARKER} B: {_clip(spec.label_b, 12)}"
    subject = spec.title.partition(":")[0]
    titles = [f"{spec.title} · {legend}", f"{subject}: {legend}", legend, clipped]
    if spec.target is not None:
        goal = f"target {spec.target:.0f}% (│)"
        titles = [f"{title} · {goal}" for title in titles[:3]] + titles
    return [*titles, f"{A_MARKER} A  {B_MARKER} B"]


@dataclass(frozen=True)
class _CompareLayout:
    """How the compare chart spends its height: a title row (the legend), the frame's two
    rows, the percent tick row, a blank row between groups; ``rows`` is the canvas left."""

    title: str | None
    frame: bool
    ticks: bool
    gap: bool
    rows: int


# The layouts to try, richest first: (title, frame, ticks, gap between groups).
_COMPARE_LAYOUTS = (
    (True, True, True, True),
    (True, True, True, False),
    (True, False, True, False),
    (True, False, False, False),
    (False, False, False, False),
)


def _compare_layout(
    spec: CompareSpec, label_width: int, width: int | None, height: int | None
) -> _CompareLayout | None:
    """The richest layout that gives every bar a row of its own; None if none fits."""
    groups = len(spec.pairs)
    for want_title, frame, ticks, gap in _COMPARE_LAYOUTS:
        title = None
        if want_title:
            cols = (width or 80) - label_width - 1 - frame
            centre = label_width + 1 + cols // 2
            fitting = (t for t in _compare_titles(spec) if _fits_centred(t, centre, width or 80))
            title = next(fitting, None)
            if title is None:
                continue
        needed = groups * (3 if gap else 2) - (1 if gap else 0)
        chrome = (title is not None) + 2 * frame + ticks
        if height is None:
            return _CompareLayout(title, frame, ticks, gap, needed)
        if height - chrome >= needed:
            return _CompareLayout(title, frame, ticks, gap, height - chrome)
    return None


def draw_compare(
    plt: Plt, spec: CompareSpec, *, width: int | None = None, height: int | None = None
) -> None:
    """Grouped horizontal bars: per pillar (or phase) A (░) on one row, B (█) on the next,
    values in the labels, x fixed 0-100 %, the target as a vertical line.

    Every bar takes one row, as in ``draw_bars``, so its length is its value at any height;
    when the height is short the chart gives up its blank rows, then the frame, the tick
    row and the title (the labels still say A and B), and says so when even that is short.
    """
    if spec.empty:
        draw_no_data(plt, spec.title)
        return
    labels = compare_labels(spec, width)
    layout = _compare_layout(spec, len(labels[0]), width, height)
    if layout is None:
        _draw_note(plt, None, f"{len(labels)} rows needed for {spec.title}")
        return
    _reset(plt)
    plt.title(layout.title)
    if not layout.frame:
        plt.xaxes(False, False)
        plt.yaxes(True, False)
    step = 3 if layout.gap else 2
    needed = len(spec.pairs) * step - (1 if layout.gap else 0)
    first = (layout.rows - needed) // 2
    a_rows = [first + i * step for i in range(len(spec.pairs))]
    top = layout.rows - 1
    ya = [top - row + _NUDGE for row in a_rows]
    yb = [top - row - 1 + _NUDGE for row in a_rows]
    a = [p.a or 0.0 for p in spec.pairs]
    b = [p.b or 0.0 for p in spec.pairs]
    bar = {"orientation": "horizontal", "width": _THIN, "reset_ticks": False}
    plt.bar(ya, a, marker=A_MARKER, color=PALETTE[0], **bar)
    plt.bar(yb, b, marker=B_MARKER, color=PALETTE[1], **bar)
    plt.yticks([y for pair in zip(ya, yb, strict=True) for y in pair], labels)
    plt.ylim(0, top)
    plt.xlim(0, 100)
    plt.xticks(list(PERCENT_TICKS) if layout.ticks else [])
    if spec.target is not None:
        plt.vline(spec.target)


# -- rendering to text ------------------------------------------------------------------------


def _render(draw: Callable[[Plt], None], width: int, height: int, color: bool) -> str:
    # A private figure rather than the plotext module's global one: rendering a report in a
    # worker thread must not race with anything else drawing through the module.
    import plotext  # type: ignore[import-untyped]
    from plotext._figure import _figure_class  # type: ignore[import-untyped]

    figure = _figure_class()
    # A figure is cut to the size of the terminal it was made in (80 x 23 without one, as under
    # pytest or in a pipe): the layouts count on the height they are given.
    figure._limit_size(False, False)
    figure.theme("clear")
    draw(figure)
    figure.plotsize(width, height)
    text: str = figure.build()
    if not color:
        text = plotext.uncolorize(text)
    return "\n".join(line.rstrip() for line in text.splitlines())


def render_bars(
    spec: BarsSpec, width: int = 80, height: int | None = None, *, color: bool = False
) -> str:
    """The bars as text; the height defaults to one row per bar."""
    if spec.empty:
        return _no_data_text(spec.title)
    rows = height or len(spec.bars) + _CHROME_ROWS
    return _render(lambda plt: draw_bars(plt, spec, width=width, height=rows), width, rows, color)


def render_history(
    spec: HistorySpec, width: int = 80, height: int = 17, *, color: bool = False
) -> str:
    """The history as text; the default height puts 0/25/50/75/100 on rows of their own."""
    if spec.empty:
        return _no_data_text(spec.title)
    return _render(
        lambda plt: draw_history(plt, spec, width=width, height=height), width, height, color
    )


def render_compare(
    spec: CompareSpec, width: int = 80, height: int | None = None, *, color: bool = False
) -> str:
    """A vs B as text; the height defaults to the room for every bar and a blank row between
    groups."""
    if spec.empty:
        return _no_data_text(spec.title)
    rows = height or 3 * len(spec.pairs) - 1 + 4
    return _render(
        lambda plt: draw_compare(plt, spec, width=width, height=rows), width, rows, color
    )
